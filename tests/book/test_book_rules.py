"""The book's teaching rules, checked on the notebooks and on the built pages.

- each nnlib source is shown once, in its teaching place;
- no glue call is visible in the rendered book;
- one notation: the sample index is n, never b (b is the bias);
- one figure per idea: no two chapters show the same picture.
"""

import base64
import hashlib
import importlib
import inspect
import json
import pkgutil
import re
from collections import defaultdict

import pytest

import nnlib

from conftest import NOTEBOOKS

HIDDEN_TAGS = {"remove-cell", "remove-input"}


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _code_cells():
    for path in NOTEBOOKS:
        for index, cell in enumerate(_cells(path)):
            if cell["cell_type"] == "code":
                yield path.name, index, cell


def _resolve(target: str):
    """The object a notebook's show_source(target) shows: "Model.forward",
    "training.run_epoch" or "nnlib.data.load_digits" -> the function."""
    parts = target.removeprefix("nnlib.").split(".")
    roots = [(nnlib, parts)]  # names nnlib exports: softmax, Model.forward
    try:  # or a module of nnlib, then its attribute: training.run_epoch
        roots.append((importlib.import_module(f"nnlib.{parts[0]}"), parts[1:]))
    except ImportError:
        pass
    # any module of nnlib, subpackages too: init_weights, ReturnsDW; and a module
    # named by its last name: regularisation.run (nnlib.lab.regularisation)
    for module in pkgutil.walk_packages(nnlib.__path__, "nnlib."):
        loaded = importlib.import_module(module.name)
        roots.append((loaded, parts))
        if module.name.rsplit(".", 1)[-1] == parts[0]:
            roots.append((loaded, parts[1:]))
    for obj, rest in roots:
        try:
            for part in rest:
                obj = getattr(obj, part)
        except AttributeError:
            continue
        if not inspect.ismodule(obj):
            return obj
    return None


def _source_key(obj) -> tuple[str, str]:
    obj = inspect.unwrap(obj)
    return obj.__module__, obj.__qualname__


def test_each_source_is_shown_once():
    shown = defaultdict(list)  # ("nnlib.model", "Model") -> ["06_training.ipynb cell 3"]
    for name, index, cell in _code_cells():
        for target in re.findall(r"show_source\(([\w.]+)\)", "".join(cell["source"])):
            obj = _resolve(target)
            assert obj is not None, f"{name} cell {index}: show_source({target}) is not in nnlib"
            shown[_source_key(obj)].append(f"{name} cell {index}")
    # Showing a class shows its methods: Model and Model.forward are one source twice.
    def owner(key):  # ("nnlib.model", "Model.forward") -> ("nnlib.model", "Model")
        module, qualname = key
        return (module, qualname.rsplit(".", 1)[0]) if "." in qualname else None

    twice = {".".join(key): places + shown.get(owner(key), [])
             for key, places in shown.items()
             if len(places) > 1 or owner(key) in shown}
    assert not twice, f"shown more than once: {twice}"


def test_no_glue_call_is_visible():
    visible = [f"{name} cell {index}" for name, index, cell in _code_cells()
               if re.search(r"\bglue\(", "".join(cell["source"]))
               and not HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", []))]
    assert not visible, ("cells that call glue( must be tagged remove-cell or remove-input: "
                         f"{visible}")


# The sample index is n; b is the bias. These patterns index samples by b.
SAMPLE_INDEX_AS_B = [r"\\sum_\{b\s*=", r"_\{b\s*,", r"\\sum_b\b", r"\bfor each sample b\b"]


def test_samples_are_indexed_by_n_not_b():
    found = []
    for path in NOTEBOOKS:
        for index, cell in enumerate(_cells(path)):
            if cell["cell_type"] != "markdown":
                continue
            text = "".join(cell["source"])
            found += [f"{path.name} cell {index}: {pattern}"
                      for pattern in SAMPLE_INDEX_AS_B if re.search(pattern, text)]
    assert not found, found


def _page_images(html: str) -> list[bytes]:
    images = [base64.b64decode(data)
              for data in re.findall(r'src="data:image/png;base64,([^"]+)"', html)]
    return images


def test_no_two_chapters_show_the_same_figure(built_book):
    seen = defaultdict(set)
    for path in NOTEBOOKS:
        page = built_book / "book" / f"{path.stem}.html"
        html = page.read_text(encoding="utf-8")
        pictures = _page_images(html)
        for src in re.findall(r'<img[^>]+src="([^"]+\.png)"', html):
            pictures.append((page.parent / src).read_bytes())
        for picture in pictures:
            seen[hashlib.sha256(picture).hexdigest()].add(path.stem)
    repeated = [sorted(pages) for pages in seen.values() if len(pages) > 1]
    assert not repeated, f"the same figure appears in several chapters: {repeated}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_chapter_draws_a_boundary_and_a_loss_curve(notebook):
    code = "\n".join("".join(cell["source"]) for cell in _cells(notebook)
                     if cell["cell_type"] == "code")
    assert re.search(r"plot_training|plot_decision_boundary|training_figure|boundary",
                     code), f"{notebook.name} draws no decision boundary"
