"""Build both editions of the book: English into _build/html, Chinese into _build/html/zh.

    python tools/build_books.py                   # both, into ./_build/html
    python tools/build_books.py --path-output D   # both, into D/_build/html
    python tools/build_books.py --english-only    # the English edition alone

Both builds run with FLAGS: --all re-reads every page, -W -n --keep-going make any
warning (a failing notebook cell among them) fail the build, after all are reported.

The English build executes every notebook. The Chinese edition's code cells are the
English ones, cell by cell (tests/book/test_chinese_edition.py checks it), so its
notebooks are not executed again: each is staged with the outputs of its executed
English twin and built with execution off. Same code, same outputs, half the time.
"""

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
ZH = ROOT / "zh"  # the Chinese edition: book/ and the _config.yml settings that differ
FLAGS = ["--all", "-W", "-n", "--keep-going"]
JUPYTER_BOOK = "from jupyter_book.cli.main import main; main()"


def jupyter_book(source: Path, out: Path) -> int:
    """`jupyter-book build SOURCE --path-output OUT` with FLAGS; its exit status."""
    command = [sys.executable, "-c", JUPYTER_BOOK, "build", str(source), *FLAGS,
               "--path-output", str(out)]
    return subprocess.run(command, cwd=source).returncode


def code_cells(notebook: dict) -> list[dict]:
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def glued_outputs(executed: Path) -> list[dict]:
    """The hidden glue outputs (``glue(..., display=False)``) of an executed notebook.

    myst-nb moves them out of the executed notebook into NAME.glue.json, with their
    mime prefix stripped; put back as outputs, the Chinese build finds them again."""
    glued = json.loads(executed.with_suffix(".glue.json").read_text(encoding="utf-8"))
    outputs = []
    for output in glued.values():
        prefix = output["metadata"]["scrapbook"].get("mime_prefix", "")
        if prefix:  # a displayed glue is still in its cell's outputs
            outputs.append({**output, "data": {prefix + mime: value
                                               for mime, value in output["data"].items()}})
    return outputs


def with_outputs(chinese: Path, executed: Path) -> dict:
    """The Chinese notebook with the outputs of the executed English notebook."""
    notebook = json.loads(chinese.read_text(encoding="utf-8"))
    ran = json.loads(executed.read_text(encoding="utf-8"))
    mine, theirs = code_cells(notebook), code_cells(ran)
    if [c["source"] for c in mine] != [c["source"] for c in theirs]:
        raise SystemExit(f"{chinese.relative_to(ROOT)}: its code cells differ from "
                         f"{executed.name}'s; run `python tools/translation.py sync-code`")
    for cell, twin in zip(mine, theirs, strict=True):
        cell["outputs"] = twin.get("outputs", [])
        cell["execution_count"] = twin.get("execution_count")
    if mine and executed.with_suffix(".glue.json").exists():
        mine[0]["outputs"] += glued_outputs(executed)
    return notebook


def merged(base: dict, changes: dict) -> dict:
    """``base`` with ``changes`` applied, nested dictionaries merged key by key."""
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            value = merged(out[key], value)
        out[key] = value
    return out


def chinese_config() -> dict:
    """The English _config.yml with the Chinese edition's differences applied."""
    english = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    chinese = yaml.safe_load((ZH / "_config.yml").read_text(encoding="utf-8"))
    config = merged(english, chinese)
    search = config["sphinx"]["config"]["html_search_options"]
    search["dict"] = str(ZH / search["dict"])  # Sphinx opens it from its own folder
    return config


def stage_chinese(executed_dir: Path, stage: Path) -> None:
    """A complete source folder for the Chinese build, outputs included."""
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "book").mkdir(parents=True)
    (stage / "_config.yml").write_text(
        yaml.safe_dump(chinese_config(), allow_unicode=True, sort_keys=False),
        encoding="utf-8")
    shutil.copy(ROOT / "_toc.yml", stage / "_toc.yml")  # the same pages
    shutil.copytree(ROOT / "_static", stage / "_static")
    shutil.copytree(ROOT / "tools", stage / "tools",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for page in sorted((ZH / "book").iterdir()):
        if page.suffix == ".ipynb":
            staged = with_outputs(page, executed_dir / page.name)
            (stage / "book" / page.name).write_text(json.dumps(staged, ensure_ascii=False),
                                                    encoding="utf-8")
        elif page.is_file():
            shutil.copy(page, stage / "book" / page.name)


def build_all(out: Path, english_only: bool = False) -> int:
    """Build the English edition into OUT/_build/html and the Chinese one into
    OUT/_build/html/zh; the exit status is the first failure's, or 0."""
    status = jupyter_book(ROOT, out)
    if status or english_only:
        return status
    build = out / "_build"
    stage = build / "zh_source"
    stage_chinese(build / "jupyter_execute" / "book", stage)
    status = jupyter_book(stage, build / "zh_build")
    if status:
        return status
    target = build / "html" / "zh"
    shutil.rmtree(target, ignore_errors=True)
    shutil.move(build / "zh_build" / "_build" / "html", target)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path-output", type=Path, default=ROOT,
                        help="build into PATH/_build (default: the repository)")
    parser.add_argument("--english-only", action="store_true",
                        help="build the English edition only")
    args = parser.parse_args(argv)
    return build_all(args.path_output.resolve(), args.english_only)


if __name__ == "__main__":
    sys.exit(main())
