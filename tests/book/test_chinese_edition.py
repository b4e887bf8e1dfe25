"""The Chinese edition (zh/book/) cannot drift from the English one without a test
failing.

- every English page has a Chinese page, and the other way round;
- the code cells are the English ones, cell by cell (source and tags);
- the structure is the same: cell types in the same order, the same headings (level
  and section number), exercises, solutions, glued values and links between pages;
- each Chinese page translates the English page as it is now (tools/translation.py
  records a hash of the English prose; change the English alone and this fails,
  naming the Chinese page to update);
- the prose is Chinese;
- built (tools/build_books.py): every Chinese page under _build/html/zh, in zh-CN,
  with the theme in Chinese, a language switch on every page of both editions, and a
  search index that finds 交叉熵 in the chapters about cross-entropy.
"""

import json
import re
from collections import Counter

import pytest

import translation

PAGES = translation.pages()
NOTEBOOK_PAGES = [page for page in PAGES if page != "intro"]


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def prose(page: str, edition) -> list[str]:
    """The markdown of a page: each markdown cell, or the whole .md file."""
    path = edition(page)
    if path.suffix == ".md":
        return [translation.MARK.sub("", path.read_text(encoding="utf-8"))]
    return ["".join(cell["source"]) for cell in cells(path) if cell["cell_type"] == "markdown"]


def without_code(markdown: str) -> str:
    """Markdown with fenced code blocks removed (their lines are not headings)."""
    return re.sub(r"^(```|~~~).*?^\1", "", markdown, flags=re.DOTALL | re.MULTILINE)


def structure(page: str, edition) -> dict:
    text = "\n".join(without_code(part) for part in prose(page, edition))
    headings = [(len(hashes), re.match(r"[\d.]*", title).group().rstrip("."))
                for hashes, title in re.findall(r"^(#{1,6})\s+(.*)$", text, re.MULTILINE)]
    return {
        "headings (level, number)": headings,
        "directives": Counter(re.findall(r"\{(exercise|solution|admonition|note|"
                                         r"warning|tip|dropdown|figure)\}", text)),
        "glued values": Counter(re.findall(r"\{glue:\w+\}`([^`]+)`", text)),
        "links to pages": Counter(re.findall(r"\]\(([\w./-]+?\.(?:ipynb|md))", text)),
        "labels": Counter(re.findall(r":label:\s*(\S+)", text)
                          + re.findall(r"^\((\S+)\)=\s*$", text, re.MULTILINE)),
        "references": Counter(re.findall(r"\{(?:ref|numref|doc)\}`[^`<]*<?([^`>]+)>?`",
                                         text)
                              + re.findall(r"\]\((?:[\w.-]*)#([\w-]+)\)", text)),
    }


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_a_chinese_counterpart(page):
    assert translation.chinese_path(page).exists(), \
        f"zh/book/{translation.english_path(page).name} is missing: " \
        f"`python tools/translation.py new {page}`, then translate it"


def test_no_chinese_page_without_an_english_one():
    english = {path.name for path in translation.ENGLISH.iterdir() if path.is_file()}
    extra = sorted(path.name for path in translation.CHINESE.iterdir()
                   if path.is_file() and path.name not in english)
    assert not extra, f"zh/book has pages the English book has not: {extra}"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_code_cells_are_the_english_ones(page):
    english, chinese = (cells(edition(page)) for edition in
                        (translation.english_path, translation.chinese_path))
    assert [c["cell_type"] for c in chinese] == [c["cell_type"] for c in english], \
        f"zh/book/{page}.ipynb: cells not in the English order"
    for index, (mine, theirs) in enumerate(zip(chinese, english, strict=True)):
        if theirs["cell_type"] == "code":
            assert mine["source"] == theirs["source"], \
                f"zh/book/{page}.ipynb cell {index}: code differs from the English; " \
                f"`python tools/translation.py sync-code {page}`"
            assert mine.get("metadata", {}).get("tags") == \
                theirs.get("metadata", {}).get("tags"), f"cell {index}: tags differ"


@pytest.mark.parametrize("page", PAGES)
def test_the_structure_is_the_english_one(page):
    english = structure(page, translation.english_path)
    chinese = structure(page, translation.chinese_path)
    for part, expected in english.items():
        assert chinese[part] == expected, \
            f"zh/book/{translation.english_path(page).name}: {part} differ: " \
            f"English {expected}, Chinese {chinese[part]}"


@pytest.mark.parametrize("page", PAGES)
def test_each_translation_is_of_the_current_english_page(page):
    name = translation.english_path(page).name
    assert translation.status(page) == "current", (
        f"zh/book/{name} translates an older version of book/{name}: update its prose "
        f"to the English page, then run `python tools/translation.py stamp {page}`")


def test_a_changed_english_page_makes_its_translation_stale(tmp_path, monkeypatch):
    """What the test above guards against, shown: one changed English markdown cell."""
    english = tmp_path / "book"
    english.mkdir()
    page = NOTEBOOK_PAGES[0]
    notebook = json.loads(translation.english_path(page).read_text(encoding="utf-8"))
    first = next(cell for cell in notebook["cells"] if cell["cell_type"] == "markdown")
    first["source"] = "".join(first["source"]) + " A new English sentence."
    (english / f"{page}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    monkeypatch.setattr(translation, "ENGLISH", english)
    assert translation.status(page) == "stale"


CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def chinese_share(markdown: str) -> float:
    """The share of CJK characters among the letters of the prose, with code, maths,
    links' targets, HTML and directive options left out."""
    text = without_code(markdown)
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]*\$|`[^`]*`|\]\([^)]*\)|<[^>]+>|^:\w+:.*$",
                  " ", text, flags=re.DOTALL | re.MULTILINE)
    letters = [ch for ch in text if ch.isalpha()]
    return sum(bool(CJK.match(ch)) for ch in letters) / max(len(letters), 1)


@pytest.mark.parametrize("page", PAGES)
def test_the_prose_is_chinese(page):
    share = chinese_share("\n".join(prose(page, translation.chinese_path)))
    assert share >= 0.5, f"zh/book/{translation.english_path(page).name}: only " \
                         f"{share:.0%} of its prose letters are Chinese"


# --- The built Chinese edition -------------------------------------------------------

def html_page(built_book, page: str, chinese: bool) -> str:
    path = built_book / ("zh" if chinese else "") / "book" / f"{page}.html"
    assert path.exists(), f"{path.relative_to(built_book)} was not built"
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES)
def test_both_editions_link_to_each_other(built_book, page):
    english, chinese = html_page(built_book, page, False), html_page(built_book, page, True)
    assert f'href="../zh/book/{page}.html"' in english, f"book/{page}.html: no 中文版 link"
    assert f'href="../../book/{page}.html"' in chinese, f"zh/book/{page}.html: no English link"


def test_the_chinese_build_is_in_chinese(built_book):
    page = html_page(built_book, "intro", True)
    assert 'lang="zh-CN"' in page
    assert "搜索" in page, "the theme's strings are not in Chinese"
    chapter = html_page(built_book, "05_linear", True)
    assert "显示代码" in chapter and "Show code cell" not in chapter


def test_the_chinese_search_index_finds_cross_entropy(built_book):
    index = (built_book / "zh" / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1:index.rindex(")")])
    found = set()
    # a word in a page's title is indexed as a title term only, as Sphinx's search does
    for terms in (data["terms"], data["titleterms"]):
        documents = terms.get("交叉熵", [])
        documents = documents if isinstance(documents, list) else [documents]
        found |= {data["docnames"][number] for number in documents}
    assert {"book/02_softmax_cross_entropy", "book/03_cross_entropy"} <= found, found
