"""The book's teaching rules, checked on the notebooks and on the built pages.

- each nnlib source is shown once, in its teaching place;
- no glue call is visible in the rendered book;
- one notation: the sample index is n, never b (b is the bias); one meaning per
  letter (issue 17): c is the true class (never k), y_n is a label (never a one-hot
  entry, which is Y), the bias vector is bold, a hidden layer's width is H (never C),
  and the notation table says what the code does;
- one figure per idea: no two chapters show the same picture;
- the worked examples of the Linear layer's gradients are asserted against nnlib.
"""

import base64
import hashlib
import importlib
import inspect
import json
import pkgutil
import re
from collections import defaultdict

import numpy as np
import pytest

import nnlib
from nnlib import Softmax, gradcheck

from conftest import NOTEBOOKS, ROOT

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
    # plot_prediction_timeline: which side of the boundary each point is on, epoch by epoch
    assert re.search(r"plot_training|plot_decision_boundary|training_figure|boundary"
                     r"|plot_prediction_timeline", code), (
        f"{notebook.name} draws no decision boundary (or its timeline)")


# --- One meaning per letter (issue 17) -----------------------------------------------------
# Each rule: patterns that give a letter its other meaning, in the prose and formulas of a
# page (markdown cells, and book/intro.md), with inline code left out (`prob[:, y]` is
# code, not notation).
LETTER_RULES = {
    # c is the true class of one sample; k is only ever an index
    "the true class is c, never k": [
        r"true class \$k\$", r"class is \$k\$", r"\$k\$ is (its|the point's) class",
        r"(?<![\\\w])p_k\b", r"(?<![\\\w])[yY]_k\b", r"P_\{n,\s*k\}"],
    # y_n is a label; one-hot entries are Y_ni (or Y_i with one sample in view)
    "y is a label, never a one-hot entry": [
        r"(?<![A-Za-z\\])y_(?!n\b|\{n\})", r"one-hot (row|label|vector) \$y\$",
        r"(?<![\w\\])p - y\b"],
    # the bias vector is bold; its entries b_k and the interlude's one-number bias are not
    "the bias vector is bold": [
        r"(?<!\\mathbf\{)(?<![A-Za-z\\{])b\^(\\top|\{\(\w\)\\top\})",
        r"\\mathbf\{1\}\s*b\b", r"bias \$b\$ \(", r"\$b\$ of shape",
        r"\\partial b\}", r"\\partial b\$"],
    # C is the number of classes; a hidden layer's width is H
    "a hidden width is H, never C": [
        r"\$C\$ (hidden )?units", r"width \$C\$", r"hidden layers? (of|with) \$C\$",
        r"\bBDC\b", r"\$D\$ inputs and \$C\$ outputs"],
    # g is one sample's row of G; chapter 1 no longer calls any gradient g
    "g is a row of G": [r"\\tilde g", r"The gradient \$g\$ from backward"],
}
def _prose(path):
    """Each markdown cell of a notebook (the whole file for a .md), inline code removed."""
    texts = ([path.read_text(encoding="utf-8")] if path.suffix == ".md" else
             ["".join(c["source"]) for c in _cells(path) if c["cell_type"] == "markdown"])
    return [re.sub(r"`[^`\n]*`", "", text) for text in texts]


PAGES = [ROOT / "book" / "intro.md", *NOTEBOOKS]


def _breaks(path, rule):
    found = []
    for index, text in enumerate(_prose(path)):
        for pattern in LETTER_RULES[rule]:
            found += [f"{path.stem} cell {index}: {text[max(0, m.start() - 30):m.end() + 20]!r}"
                      for m in re.finditer(pattern, text)]
    return found


@pytest.mark.parametrize("rule", LETTER_RULES)
def test_one_meaning_per_letter(rule):
    found = [hit for path in PAGES for hit in _breaks(path, rule)]
    assert not found, f"{rule}:\n" + "\n".join(found)


def _notation_rows() -> dict[str, str]:
    """The intro's notation table: {first cell: the whole row}."""
    text = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    table = text.split("(notation)=", 1)[1]
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    return {row.split("|")[1].strip(): row for row in rows}


def test_the_notation_table_names_each_letter_once_with_its_one_meaning():
    rows = _notation_rows()
    header = next(iter(rows.values()))
    # the header's first word must not break ("symbo / l") in the narrow first column
    assert 'white-space: nowrap">symbol<' in header
    for symbol in ("$c$", "$Y$", "$y_n$", "$g$", "$U$", "$H$", "$J$", "$W$, $\\mathbf{b}$",
                   "$t$", "$\\delta_{ij}$"):
        assert symbol in rows, f"the notation table has no row for {symbol}"
    assert "Y_{ni} = 1" in rows["$Y$"] and "row of $G$" in rows["$g$"]
    assert "never $C$" in rows["$H$"] and "c = y_n" in rows["$c$"]


def test_the_notation_table_says_what_the_code_does():
    rows = _notation_rows()
    # J is one sample's C x C matrix; jacobian() returns all B of them
    layer = Softmax()
    layer.forward(np.zeros((4, 3)))
    assert layer.jacobian().shape == (4, 3, 3)
    assert "$C \\times C$ per sample" in rows["$J$"] and "$(B, C, C)$" in rows["$J$"]
    # U: check_layer differentiates L = sum(Z * U) for a fixed random U
    assert "sum(forward(x) * upstream)" in inspect.getsource(
        gradcheck.layer_numerical_gradients)
    assert r"L = \sum_{n,k} Z_{nk} U_{nk}" in rows["$U$"]
    # h: the step of numerical_gradient is called h
    assert "h" in inspect.signature(gradcheck.numerical_gradient).parameters


# --- The worked examples of issue 17 are asserted against nnlib on their page -------------

WORKED_EXAMPLES = {
    "05_linear": ["np.testing.assert_allclose(dx_hand, dx,",
                  "assert np.isclose(dw11_hand, layer.dw[0, 0])"],
    "01b_backprop": ["assert np.isclose(dw11, layer.dw[0, 0]"],
}


@pytest.mark.parametrize("page", WORKED_EXAMPLES)
def test_worked_examples_are_asserted_against_nnlib(page):
    path = next(p for p in NOTEBOOKS if p.stem == page)
    code = "\n".join("".join(c["source"]) for c in _cells(path) if c["cell_type"] == "code")
    for assertion in WORKED_EXAMPLES[page]:
        assert assertion in code, f"{page}: the worked example lost its check {assertion!r}"
