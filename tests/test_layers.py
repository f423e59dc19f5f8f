"""The house: each app imports only from the apps below it, and no module imports itself back.

The layers, lowest first, as the README's folder table describes them. A new app is added
here at its level; an import that runs upward, or a circle, fails the test with its place.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    "govuk",
    "guidance",
    "recommendations",
    "accounts",
    "evidence",
    "spreadsheets",
    "reports",
    "reminders",
]
TOP = ["operations", "tracker"]  # may import any app; nothing imports them
APPS = LAYERS + TOP


def imports():
    """(module, imported module) for every import of the apps' code, migrations aside."""
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(
                ".__init__"
            )
            package = module if path.name == "__init__.py" else module.rpartition(".")[0]
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    base = node.module or ""
                    if node.level:
                        parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                        base = ".".join([*parts, base] if base else parts)
                    names = [base] + [f"{base}.{alias.name}" for alias in node.names]
                else:
                    continue
                for name in names:
                    if name.split(".")[0] in APPS:
                        yield module, name


def test_no_app_imports_an_app_above_it():
    rank = {app: LAYERS.index(app) if app in LAYERS else len(LAYERS) for app in APPS}
    upward = sorted(
        f"{module} imports {name}"
        for module, name in imports()
        if rank[name.split(".")[0]] > rank[module.split(".")[0]]
        or (name.split(".")[0] in TOP and name.split(".")[0] != module.split(".")[0])
    )
    assert upward == []


def test_no_module_imports_itself_back():
    modules = {module for module, _ in imports()}
    graph = {}
    for module, name in imports():
        if name in modules and name != module:
            graph.setdefault(module, set()).add(name)

    def reaches(start, goal, seen):
        for step in graph.get(start, ()):
            if step == goal or (step not in seen and reaches(step, goal, seen | {step})):
                return True
        return False

    assert sorted(module for module in graph if reaches(module, module, {module})) == []
