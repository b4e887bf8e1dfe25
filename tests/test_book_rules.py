"""The book's teaching rules, checked on the notebooks and on the built pages.

- each nnlib source is shown once, in its teaching place;
- no glue call is visible in the rendered book;
- one notation: the sample index is n, never b (b is the bias);
- one figure per idea: no two chapters show the same picture.
"""

import base64
import hashlib
import json
import re
from collections import defaultdict

import pytest

from conftest import NOTEBOOKS

HIDDEN_TAGS = {"remove-cell", "remove-input"}


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _code_cells():
    for path in NOTEBOOKS:
        for index, cell in enumerate(_cells(path)):
            if cell["cell_type"] == "code":
                yield path.name, index, cell


def test_each_source_is_shown_once():
    shown = defaultdict(list)  # "Model.forward" -> ["06_training.ipynb cell 3", ...]
    for name, index, cell in _code_cells():
        for target in re.findall(r"show_source\(([\w.]+)\)", "".join(cell["source"])):
            shown[target.removeprefix("nnlib.")].append(f"{name} cell {index}")
    # Showing a class shows its methods: Model and Model.forward are one source twice.
    def owner(target):  # "Model.forward" -> "Model"; "SGD" -> None
        return target.rsplit(".", 1)[0] if "." in target else None

    twice = {target: places + shown.get(owner(target), [])
             for target, places in shown.items()
             if len(places) > 1 or owner(target) in shown}
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
