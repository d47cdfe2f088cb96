"""The layout stays honest: apps depend one way, and nothing third-party is committed."""

import ast
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ["partnerships", "outcomes", "actionplans", "cdp"]
# Each app may import only the apps before it.
ALLOWED = {app: set(APPS[:i]) for i, app in enumerate(APPS)}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in APPS)
    return found


@pytest.mark.parametrize("app", APPS)
def test_app_imports_only_the_apps_beneath_it(app):
    offences = []
    for path in (ROOT / app).rglob("*.py"):
        wrong = imported_apps(path) - ALLOWED[app] - {app}
        if wrong:
            offences.append(f"{path.relative_to(ROOT)} imports {sorted(wrong)}")
    assert not offences, "\n".join(offences)


def test_the_top_level_is_the_documented_layout():
    for name in [
        "manage.py", "pyproject.toml", "cdp", "outcomes", "actionplans", "partnerships",
        "templates", "static", "fixtures", "tests", "docker-compose.yml", "README.md",
        "Makefile", ".ci/run", "bench", "Dockerfile",
    ]:
        assert (ROOT / name).exists(), name


def test_no_third_party_front_end_code_is_committed():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    if not tracked:
        pytest.skip("not a git checkout")
    vendored = [
        f for f in tracked
        if f.startswith(("node_modules/", "static/build/", "staticfiles/"))
        or f.endswith((".min.js", ".min.css"))
    ]
    assert not vendored
