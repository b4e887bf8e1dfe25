"""nnlib stays small and has one home for each idea.

- no module of nnlib is over 400 lines;
- only nnlib/layer.py turns parameter names into their gradients ("d" + name):
  everything else walks ``parameters()``;
- neither the book nor the tests edit ``sys.path`` to import code;
- the core never imports a teaching tool (figures, lab, exercises, teaching), and
  no two modules import each other, directly or in a circle.
"""

import ast
import re

import pytest

from conftest import ROOT

MAX_LINES = 400
MODULES = sorted((ROOT / "nnlib").rglob("*.py"))
SOURCES = [*MODULES, *(ROOT / "tests").rglob("*.py"), *(ROOT / "benchmarks").glob("*.py"),
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


TEACHING = ("nnlib.figures", "nnlib.lab", "nnlib.exercises", "nnlib.teaching")


def _module_name(path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Each nnlib module -> the nnlib modules it imports (at any depth of its code)."""
    names = {_module_name(path) for path in MODULES}
    graph = {}
    for path in MODULES:
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[_module_name(path)] = {name for name in found if name in names}
    return graph


def test_the_core_never_imports_a_teaching_tool():
    upward = [(module, imported) for module, imports in _imports().items()
              if not module.startswith(TEACHING)
              for imported in imports if imported.startswith(TEACHING)]
    assert not upward, f"core modules that import teaching tools: {upward}"


def test_no_import_cycles():
    graph = _imports()
    done, path = set(), []

    def visit(module):
        if module in path:
            cycle = path[path.index(module):] + [module]
            pytest.fail(f"import cycle: {' -> '.join(cycle)}")
        if module in done:
            return
        path.append(module)
        for imported in sorted(graph[module]):
            if imported != module and not module.startswith(imported + "."):
                visit(imported)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def test_the_architecture_page_names_every_module():
    """docs/architecture.md draws the house: it stays true when a module comes or goes."""
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = []
    for path in MODULES:
        if path.parent.name == "exercises":  # one line for the folder, docs/exercises.md
            continue
        if path.name == "__init__.py" and path.parent != ROOT / "nnlib":
            continue
        if path.name not in page:
            missing.append(str(path.relative_to(ROOT)))
    assert not missing, f"docs/architecture.md does not name {missing}"
