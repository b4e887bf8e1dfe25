"""nnlib stays small and has one home for each idea.

- no module of nnlib is over 400 lines;
- only nnlib/layer.py turns parameter names into their gradients ("d" + name):
  everything else walks ``parameters()``;
- neither the book nor the tests edit ``sys.path`` to import code.
"""

import re

import pytest

from conftest import ROOT

MAX_LINES = 400
MODULES = sorted((ROOT / "nnlib").rglob("*.py"))
SOURCES = [*MODULES, *(ROOT / "tests").glob("*.py"), *(ROOT / "benchmarks").glob("*.py"),
           *(ROOT / "book").glob("*.ipynb")]


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_400_lines(module):
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module.name} has {lines} lines; split it by idea"


def test_gradients_are_found_in_one_place():
    pattern = re.compile(r"""["']d["']\s*\+""")
    places = [str(path.relative_to(ROOT)) for path in SOURCES
              if path.name != "test_structure.py" and pattern.search(path.read_text("utf-8"))]
    assert places == ["nnlib/layer.py"], places


def test_no_sys_path_edits_in_book_or_tests():
    pattern = re.compile(r"sys\.path\.(insert|append)|sys\.path\s*[+=]")
    places = [str(path.relative_to(ROOT)) for path in SOURCES
              if path.name != "test_structure.py" and pattern.search(path.read_text("utf-8"))]
    assert not places, places
