"""Notebooks are committed clean and the built book is complete.

The notebooks themselves are executed by the book build (see conftest.built_book),
which fails on any cell error because it runs with -W.
"""

import json

from conftest import CHINESE_NOTEBOOKS, NOTEBOOKS, ROOT

# the README's command
CLEAR = "`jupyter nbconvert --clear-output --inplace book/*.ipynb zh/book/*.ipynb`"


def test_there_is_a_notebook_per_toc_entry():
    toc = (ROOT / "_toc.yml").read_text()
    for notebook in NOTEBOOKS:
        assert f"book/{notebook.stem}" in toc, f"{notebook.name} is not in _toc.yml"


def test_notebooks_are_committed_without_outputs():
    for path in NOTEBOOKS + CHINESE_NOTEBOOKS:
        cells = json.loads(path.read_text())["cells"]
        dirty = [i for i, c in enumerate(cells)
                 if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
        assert not dirty, f"{path.name}: cells {dirty} have outputs; run {CLEAR}"


def test_notebooks_are_in_the_form_the_clear_output_command_writes():
    """The README's `jupyter nbconvert --clear-output --inplace book/*.ipynb` must not
    change a committed notebook: it rewrites JSON key order and spacing too, so a
    notebook saved any other way would show up as a diff nobody made."""
    from nbconvert.exporters import NotebookExporter
    from nbconvert.preprocessors import ClearOutputPreprocessor
    from traitlets.config import Config

    config = Config()
    config.NotebookExporter.preprocessors = [ClearOutputPreprocessor]
    exporter = NotebookExporter(config=config)
    changed = [str(path.relative_to(ROOT)) for path in NOTEBOOKS + CHINESE_NOTEBOOKS
               if exporter.from_filename(str(path))[0] != path.read_text()]
    assert not changed, f"{changed}: not in the committed form; run {CLEAR}"


def test_every_chapter_imports_nnlib():
    for path in NOTEBOOKS:
        code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                         if c["cell_type"] == "code")
        assert "nnlib" in code, f"{path.name} does not use nnlib"
