"""Shared fixtures: the book is built once per test session and reused."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The jupyter-book command, run with this interpreter (the package has no __main__).
JUPYTER_BOOK = "from jupyter_book.cli.main import main; main()"
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """Build the whole book from scratch with warnings as errors; return the HTML folder.

    The build executes every notebook (execute_notebooks: force), so a failing cell
    fails this fixture and every test that uses it.
    """
    out = tmp_path_factory.mktemp("book")
    result = subprocess.run(
        [sys.executable, "-c", JUPYTER_BOOK, "build", str(ROOT), "--path-output", str(out),
         "-W", "-n", "--keep-going"],
        capture_output=True, text=True, cwd=ROOT,
    )
    if result.returncode != 0:
        pytest.fail(f"book build failed (exit {result.returncode}):\n"
                    f"{result.stdout[-8000:]}\n{result.stderr[-8000:]}")
    return out / "_build" / "html"
