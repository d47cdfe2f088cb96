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


# --- Rooms sized to be read -----------------------------------------------------------------
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 50


def sized_modules() -> list[Path]:
    """The apps' modules held to the sizes: not migrations, tests, bench/ or the demo data (a
    module or package named `demo`)."""
    skipped = {"migrations", "tests", "bench", "demo"}
    return sorted(
        path for app in APPS for path in (ROOT / app).rglob("*.py")
        if not skipped & set(path.relative_to(ROOT).with_suffix("").parts)
    )


def test_no_module_over_500_lines_and_no_function_over_50():
    """A function counts from its `def` to its last line (its decorators aside)."""
    offenders = []
    for path in sized_modules():
        name = path.relative_to(ROOT)
        text = path.read_text()
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            offenders.append(f"module {name}: {lines} lines")
        for node in ast.walk(ast.parse(text, filename=str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    offenders.append(f"function {name}:{node.lineno} {node.name}: {length} lines")
    if offenders:
        pytest.fail(f"{len(offenders)} over the limits ({MAX_MODULE_LINES} lines a module, "
                    f"{MAX_FUNCTION_LINES} a function):\n" + "\n".join(offenders))
