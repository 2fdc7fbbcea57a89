"""The package's layers: each module imports only modules of lower layers (nothing imports upwards or sideways).

The layer list is written once, in the package docstring (``src/briefing/__init__.py``); this test reads it from
there, and checks that the README shows the same list.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import briefing
from briefing.paths import ROOT

PACKAGE = Path(briefing.__file__).parent
LAYER_LINE = re.compile(r"^(\d)\. ((?:``\w+``(?:, )?)+):", re.M)


def layer_lines(text: str) -> list[str]:
    return [m.group(0) for m in LAYER_LINE.finditer(text)]


def layers(text: str = briefing.__doc__) -> dict[str, int]:
    out = {}
    for m in LAYER_LINE.finditer(text):
        for name in re.findall(r"``(\w+)``", m.group(2)):
            out[name] = int(m.group(1))
    return out


LAYERS = layers()


def imports_of(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module.split(".")[0]} if node.module else {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("briefing."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("briefing.")}
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


def test_the_readme_lists_the_same_layers():
    assert layer_lines(briefing.__doc__) and layer_lines((ROOT / "README.md").read_text(encoding="utf-8")) == \
        layer_lines(briefing.__doc__)


def test_the_sphinx_extension_imports_nothing_heavy():
    code = ("import sys, briefing.sphinx_ext; heavy = {'altair', 'pandas', 'numpy', 'vl_convert'} & set(sys.modules);"
            "print(sorted(heavy))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]", run.stdout
