"""Import direction: api/web/cli -> domains -> core. Domains never import the layers."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "xinyong"
LAYERS = {"api", "web", "cli"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return {n for n in names if n.startswith("xinyong.")}


def test_domains_and_core_do_not_import_the_layers():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        part = path.relative_to(PACKAGE).parts[0]
        if part in LAYERS or part == "migrations":
            continue
        for name in _imports(path):
            if name.split(".")[1] in LAYERS:
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []


def test_core_imports_no_domain():
    offenders = []
    for path in (PACKAGE / "core").rglob("*.py"):
        for name in _imports(path):
            if name.split(".")[1] != "core":
                offenders.append(f"{path.name} imports {name}")
    assert offenders == []
