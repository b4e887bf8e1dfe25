"""Keep the Chinese edition (zh/book/) in step with the English one (book/).

Each Chinese page records which version of its English page it translates: the
SHA-256 of the English page's prose (the markdown cells of a notebook, the whole of a
.md page). tests/book/test_chinese_edition.py fails, naming the page, when the English
prose changed and the Chinese did not. Code cells are never translated: they are the
English ones, cell by cell.

    python tools/translation.py status              # every page: current, stale or missing
    python tools/translation.py sync-code [PAGE...] # copy the English code cells over
    python tools/translation.py stamp PAGE...       # "this translation is current"
    python tools/translation.py new PAGE            # start a page: the English, to translate

PAGE is a page name such as 05_linear or intro (default for sync-code: every page).
After changing an English page: update the Chinese prose, run sync-code if code cells
changed, then stamp the page.
"""

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
ENGLISH, CHINESE = ROOT / "book", ROOT / "zh" / "book"
MARK = re.compile(r"<!-- translation of (\S+), English prose sha256 ([0-9a-f]{64}) -->\n")


def pages() -> list[str]:
    """Every page of the book, by name: intro and the notebooks."""
    return ["intro", *sorted(path.stem for path in ENGLISH.glob("*.ipynb"))]


def english_path(page: str) -> Path:
    return ENGLISH / ("intro.md" if page == "intro" else f"{page}.ipynb")


def chinese_path(page: str) -> Path:
    return CHINESE / english_path(page).name


def markdown_cells(path: Path) -> list[str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(cell["source"]) for cell in notebook["cells"]
            if cell["cell_type"] == "markdown"]


def english_hash(page: str) -> str:
    """The SHA-256 of the English page's prose."""
    path = english_path(page)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        text = json.dumps(markdown_cells(path), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def recorded_hash(page: str) -> str | None:
    """The hash the Chinese page recorded when it was last brought up to date."""
    path = chinese_path(page)
    if not path.exists():
        return None
    if path.suffix == ".md":
        found = MARK.match(path.read_text(encoding="utf-8"))
        return found.group(2) if found else None
    metadata = json.loads(path.read_text(encoding="utf-8"))["metadata"]
    return metadata.get("translation", {}).get("english_prose_sha256")


def status(page: str) -> str:
    recorded = recorded_hash(page)
    if not chinese_path(page).exists():
        return "missing"
    return "current" if recorded == english_hash(page) else "stale"


def write_notebook(notebook, path: Path) -> None:
    """Write in the form `jupyter nbconvert --clear-output --inplace` writes."""
    from nbconvert.exporters import NotebookExporter
    from nbconvert.preprocessors import ClearOutputPreprocessor
    from traitlets.config import Config

    config = Config()
    config.NotebookExporter.preprocessors = [ClearOutputPreprocessor]
    text, _ = NotebookExporter(config=config).from_notebook_node(notebook)
    path.write_text(text, encoding="utf-8")


def sync_code(page: str) -> None:
    """Copy the English code cells into the Chinese notebook, cell by cell."""
    if english_path(page).suffix != ".ipynb":
        return
    english = nbformat.read(english_path(page), as_version=4)
    chinese = nbformat.read(chinese_path(page), as_version=4)
    kinds = [cell.cell_type for cell in english.cells]
    if kinds != [cell.cell_type for cell in chinese.cells]:
        raise SystemExit(
            f"{chinese_path(page).relative_to(ROOT)}: its cells are not in the English "
            f"order (markdown/code); add or remove markdown cells to match "
            f"{english_path(page).relative_to(ROOT)}, then run sync-code again")
    for mine, theirs in zip(chinese.cells, english.cells, strict=True):
        if mine.cell_type == "code":
            mine.source, mine.metadata = theirs.source, theirs.metadata
    chinese.metadata.update({k: v for k, v in english.metadata.items()
                             if k != "translation"})
    write_notebook(chinese, chinese_path(page))


def stamp(page: str) -> None:
    """Record that the Chinese page translates the English page as it is now."""
    path, digest = chinese_path(page), english_hash(page)
    if path.suffix == ".md":
        text = MARK.sub("", path.read_text(encoding="utf-8"), count=1)
        path.write_text(f"<!-- translation of book/intro.md, English prose sha256 "
                        f"{digest} -->\n" + text, encoding="utf-8")
        return
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata["translation"] = {"english": f"book/{path.name}",
                                        "english_prose_sha256": digest}
    write_notebook(notebook, path)


def new(page: str) -> None:
    """Start a translation: a copy of the English page, not yet stamped."""
    path = chinese_path(page)
    if path.exists():
        raise SystemExit(f"{path.relative_to(ROOT)} exists already")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(english_path(page).read_text(encoding="utf-8"), encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["status", "sync-code", "stamp", "new"])
    parser.add_argument("pages", nargs="*", metavar="PAGE")
    args = parser.parse_args(argv)
    chosen = args.pages or (pages() if args.command in ("status", "sync-code") else [])
    if not chosen:
        parser.error(f"{args.command} needs at least one PAGE")
    unknown = sorted(set(chosen) - set(pages()))
    if unknown:
        parser.error(f"unknown pages {unknown}; the pages are {pages()}")
    for page in chosen:
        if args.command == "status":
            print(f"{status(page):8} zh/book/{english_path(page).name}")
        else:
            {"sync-code": sync_code, "stamp": stamp, "new": new}[args.command](page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
