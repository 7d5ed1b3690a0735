"""The layout's rules, read from the code's own imports (docs/ARCHITECTURE.md explains them).

Data flows one way: sources -> extraction -> linking -> strikes -> casualties -> API and pages.
In imports that is a ladder of layers; a module may import its own app and the apps on the rungs
below it, never one above. An app's entry points (API, views, forms, filtersets, admin, URLs,
management commands) sit above every domain core: the pages of `strikes` may show claims from
`casualties`, but `strikes.services` may not call into `casualties`.
"""

import ast
import itertools
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. `config` is the ground: shared machinery (roles, API helpers, filters, admin
# base, errors, history context). Its wiring modules (settings, urls, celery, wsgi) name every
# app and are exempt from the ladder.
LAYERS = ["config", "extraction", "sources", "strikes", "casualties", "linking", "datasets", "releases", "watch"]
CONFIG_WIRING = {"config.settings", "config.urls", "config.celery", "config.wsgi", "config.asgi", "config.devserver"}
# Peers at the top: none imports another.
TOP_PEERS = {"datasets", "releases", "watch"}
ENTRY_PARTS = {"api", "views", "forms", "filtersets", "admin", "urls", "management", "templatetags"}


def project_modules() -> dict[str, Path]:
    modules = {}
    for app in LAYERS:
        folder = ROOT / app
        if not folder.is_dir():
            continue
        for path in folder.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def imports_of(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names imported from it) for every absolute import in the file, lazy ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def app_of(module: str) -> str:
    return module.split(".")[0]


def is_entry(module: str) -> bool:
    return bool(ENTRY_PARTS & set(module.split(".")[1:]))


MODULES = project_modules()
EDGES = {module: imports_of(path) for module, path in MODULES.items()}


def test_imports_never_run_back_up_the_layers():
    wrong = []
    for module, targets in EDGES.items():
        app = app_of(module)
        if module in CONFIG_WIRING:
            continue
        for target, _names in targets:
            other = app_of(target)
            if other == app or other not in LAYERS:
                continue
            if app in TOP_PEERS and other in TOP_PEERS:
                wrong.append(f"{module} -> {target} (top-level peers do not import each other)")
            elif LAYERS.index(other) > LAYERS.index(app) and not (is_entry(module) and other not in TOP_PEERS):
                wrong.append(f"{module} -> {target}")
    assert not wrong, "\n".join(wrong)


def test_no_app_imports_another_apps_entry_points_or_private_names():
    wrong = []
    for module, targets in EDGES.items():
        if module in CONFIG_WIRING:
            continue
        for target, names in targets:
            other = app_of(target)
            if other == app_of(module) or other not in LAYERS or other == "config":
                continue
            if is_entry(target) and not is_entry(module):
                wrong.append(f"{module} -> {target} (an entry point of another app)")
            if is_entry(target) and is_entry(module) and target.split(".")[1:2] != ["api"]:
                wrong.append(f"{module} -> {target} (shared web machinery belongs in config/)")
            private = [n for n in names if n.startswith("_")] + [p for p in target.split(".") if p.startswith("_")]
            if private:
                wrong.append(f"{module} -> {target}: {private}")
    assert not wrong, "\n".join(wrong)


def test_no_circles_between_modules():
    graph = defaultdict(set)
    for module, targets in EDGES.items():
        for target, names in targets:
            for candidate in [f"{target}.{n}" for n in names] + [target]:
                if candidate in MODULES and candidate != module:
                    graph[module].add(candidate)
                    break
    circles = []
    state: dict[str, int] = {}

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for module in sorted(MODULES):
        if module not in state:
            visit(module, [])
    # A package's __init__ handing names on from its own modules is not a circle of logic.
    real = [c for c in circles if not _only_package_faces(c)]
    assert not real, "\n".join(real)


def _only_package_faces(circle: str) -> bool:
    parts = circle.split(" -> ")
    return any(a.startswith(b + ".") or b.startswith(a + ".") for a, b in itertools.pairwise(parts))


@pytest.mark.parametrize("app", ["extraction"])
def test_extraction_imports_no_django_and_no_app(app):
    code = (
        "import sys, datetime\n"
        "from extraction import extract\n"
        "extract('A drone hit a house in Kharkiv overnight; two people were killed.', "
        "published=datetime.date(2025, 4, 24))\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{set(LAYERS) - {'extraction'}!r} | {{'django', 'rest_framework', 'celery'}})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_no_file_grows_past_500_lines_without_saying_why():
    long = []
    for module, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > 520:
            header = "\n".join(lines[:30]).lower()
            if "why this file is long" not in header:
                long.append(f"{module}: {len(lines)} lines")
    assert not long, "\n".join(long)
