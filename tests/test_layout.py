"""The layout stays honest: apps depend one way, and nothing third-party is committed."""

import ast
import os
import subprocess
import sys
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


# --- One guard ------------------------------------------------------------------------------
GUARD = Path("partnerships/access.py")
PERMISSION_DENIED_MODULES = {"django.core.exceptions", "rest_framework.exceptions"}
# Refusals that are authentication checks (who you are, not what you may do), by module and
# function. None today: the API's token view (cdp/api/auth.py) refuses a bad username,
# password or code with a ValidationError, and too many tries with Throttled.
AUTHENTICATION_CHECKS: set[tuple[str, str]] = set()


def _dotted(node: ast.expr) -> str | None:
    """`a.b.C` for a name or an attribute chain; None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and (base := _dotted(node.value)):
        return f"{base}.{node.attr}"
    return None


def permission_denied_names(tree: ast.Module) -> set[str]:
    """Every dotted name by which the module can reach Django's or DRF's PermissionDenied:
    `PermissionDenied`, an alias (`DjangoPermissionDenied`), or through a module
    (`exceptions.PermissionDenied`, `django.core.exceptions.PermissionDenied`)."""
    names = {f"{module}.PermissionDenied" for module in PERMISSION_DENIED_MODULES}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                bound = alias.asname or alias.name
                if alias.name == "PermissionDenied":
                    names.add(bound)
                elif f"{node.module}.{alias.name}" in PERMISSION_DENIED_MODULES:
                    names.add(f"{bound}.PermissionDenied")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in PERMISSION_DENIED_MODULES and alias.asname:
                    names.add(f"{alias.asname}.PermissionDenied")
    return names


def permission_denied_raises(path: Path) -> list[tuple[int, str]]:
    """The line and enclosing function of each `raise` of PermissionDenied in the module."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names = permission_denied_names(tree)
    found = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) \
                else function
            if isinstance(child, ast.Raise) and child.exc is not None:
                raised = child.exc.func if isinstance(child.exc, ast.Call) else child.exc
                if _dotted(raised) in names:
                    found.append((child.lineno, function))
            visit(child, inner)

    visit(tree, "<module>")
    return found


def test_permission_denied_is_raised_only_by_the_guard():
    """partnerships/access.py alone refuses a missing permission (access.require); a missing
    object is a 404 from the scoped queryset."""
    assert permission_denied_raises(ROOT / GUARD), "access.require no longer refuses?"
    offences = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            name = path.relative_to(ROOT)
            if name == GUARD or "migrations" in name.parts:
                continue
            for line, function in permission_denied_raises(path):
                if (str(name), function) not in AUTHENTICATION_CHECKS:
                    offences.append(f"{name}:{line} in {function}")
    if offences:
        pytest.fail("PermissionDenied raised outside partnerships/access.py (use "
                    "access.require):\n" + "\n".join(offences))


def test_the_guard_test_sees_every_spelling_of_permission_denied(tmp_path):
    module = tmp_path / "spellings.py"
    module.write_text(
        "import django.core.exceptions\n"
        "import rest_framework.exceptions as drf\n"
        "from django.core import exceptions\n"
        "from django.core.exceptions import PermissionDenied as DjangoPermissionDenied\n"
        "from rest_framework.exceptions import PermissionDenied\n"
        "def f():\n"
        "    raise DjangoPermissionDenied('no')\n"
        "def g():\n"
        "    raise PermissionDenied\n"
        "class V:\n"
        "    def h(self):\n"
        "        raise exceptions.PermissionDenied() from None\n"
        "    def i(self):\n"
        "        raise drf.PermissionDenied('no')\n"
        "def j():\n"
        "    raise django.core.exceptions.PermissionDenied\n"
        "def k():\n"
        "    raise ValueError('not this one')\n"
    )
    assert permission_denied_raises(module) == [(7, "f"), (9, "g"), (12, "h"), (14, "i"),
                                                (16, "j")]


def test_heavy_libraries_wait_until_they_are_needed():
    """Every process (web, worker, command) sets Django up; pandas, SciPy, NumPy and openpyxl
    cost tens of MB each, so they load with the work that needs them, not at start-up. A web
    process, which loads the URLs, may have NumPy and SciPy (the public page's rules), never
    pandas or openpyxl, not even when a metric page reads a summary's series."""
    probe = (
        "import sys, django; django.setup(); "
        "heavy = ('pandas', 'scipy', 'numpy', 'openpyxl'); "
        "print(sorted(m for m in heavy if m in sys.modules)); "
        "from django.urls import get_resolver; get_resolver().url_patterns; "
        "print(sorted(m for m in heavy if m in sys.modules)); "
        # A metric page reads each summary's series: still no pandas.
        "from outcomes.models import MetricSummary; from outcomes.series import SERIES_FIELDS; "
        "assert MetricSummary(series={f: [1] for f in SERIES_FIELDS}).points[0]['value'] == 1; "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cdp.settings"}
    answer = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    assert answer[0] == "[]", f"loaded by django.setup(): {answer[0]}"
    assert "pandas" not in answer[1] and "openpyxl" not in answer[1], answer[1]
    assert "pandas" not in answer[2], answer[2]
