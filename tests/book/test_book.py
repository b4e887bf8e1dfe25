"""The whole book builds with -W (any warning or notebook error fails) and every
chapter page shows what the book promises: figures, typeset maths, no error output."""

import re

import pytest

from conftest import NOTEBOOKS

CHAPTERS = [nb.stem for nb in NOTEBOOKS]


def test_book_builds(built_book):
    assert (built_book / "index.html").exists() or (built_book / "book" / "intro.html").exists()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page(built_book, chapter):
    html = (built_book / "book" / f"{chapter}.html").read_text(encoding="utf-8")
    figures = re.findall(r'<img[^>]+src="[^"]*\.png"', html) + re.findall(r"data:image/png", html)
    assert len(figures) >= 2, f"{chapter}: expected a boundary and a loss figure"
    assert 'class="math' in html, f"{chapter}: no typeset maths"
    for marker in ("Traceback (most recent call last)", 'class="output stderr"', "Warning:"):
        assert marker not in html, f"{chapter}: error output on the page ({marker})"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page_assets(built_book, chapter):
    """The book's CSS is on every page, and no inline script is there twice: a second
    `const X = ...` throws in the browser (sphinx-thebe's did, before _config.yml left
    it out)."""
    html = (built_book / "book" / f"{chapter}.html").read_text(encoding="utf-8")
    assert "_static/layout.css" in html, f"{chapter}: _static/layout.css is not linked"
    inline = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    declaring = [body for body in inline if re.match(r"\s*(const|let|class)\s", body)]
    twice = sorted({body[:80] for body in declaring if declaring.count(body) > 1})
    assert not twice, f"{chapter}: inline scripts that declare names, included twice: {twice}"
