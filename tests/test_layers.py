"""The package's layers: each module imports only modules of lower layers (nothing imports upwards or sideways)."""

import ast
from pathlib import Path

import briefing

LAYERS = {
    "paths": 0, "html": 0,
    "article": 1,
    "datapackage": 2,
    "claims": 3, "charts": 3,
    "render": 4, "analysis": 4,
    "validate": 5, "cache": 5, "environment": 5, "sphinx_ext": 5,
}
PACKAGE = Path(briefing.__file__).parent


def imports_of(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("briefing."):
            found.add(node.module.split(".")[1])
    return found


def violations() -> list[str]:
    out = []
    for module, layer in LAYERS.items():
        for target in imports_of(module):
            if LAYERS[target] >= layer:
                out.append(f"{module} (layer {layer}) imports {target} (layer {LAYERS[target]})")
    return out


def test_every_module_has_a_layer():
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert modules == set(LAYERS)


def test_nothing_imports_upwards_or_sideways():
    assert violations() == []


def test_the_check_catches_an_upward_import(monkeypatch):
    monkeypatch.setitem(LAYERS, "render", 2)  # pretend render sat below claims: its import is now upwards
    assert any(v.startswith("render") for v in violations())
