"""Shared fixtures: the book is built once per test session and reused."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import build_books  # tools/, on pytest's pythonpath (pyproject.toml)

ROOT = Path(__file__).resolve().parents[1]
# The jupyter-book command, run with this interpreter (the package has no __main__).
JUPYTER_BOOK = "from jupyter_book.cli.main import main; main()"
# The flags of the README's build command, tools/build_books.py, for both editions:
# --all re-reads, so re-executes, every notebook even when no page changed (after an
# nnlib edit, say); -W -n --keep-going make any warning fail the build, after all of
# them are reported.
BUILD_FLAGS = build_books.FLAGS
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
CHINESE_NOTEBOOKS = sorted((ROOT / "zh" / "book").glob("*.ipynb"))


def build_book(source: Path, out: Path | None = None, env: dict | None = None):
    """Run `jupyter-book build SOURCE` with the README's flags; return the finished process.

    With `out`, the build goes to out/_build (--path-output) instead of source/_build.
    """
    command = [sys.executable, "-c", JUPYTER_BOOK, "build", str(source), *BUILD_FLAGS]
    if out is not None:
        command += ["--path-output", str(out)]
    return subprocess.run(command, capture_output=True, text=True, cwd=source, env=env)


@pytest.fixture
def rng():
    """A fresh seeded generator for each test: same seed, same numbers."""
    import numpy as np

    return np.random.default_rng(0)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """Build both editions from scratch with the README's command, warnings as errors;
    return the HTML folder (the Chinese edition is its zh/ folder).

    The build executes every notebook (execute_notebooks: force, and --all), so a
    failing cell fails this fixture and every test that uses it.
    """
    reuse = os.environ.get("NNLIB_BUILT_BOOK")  # a developer's existing build, to re-test
    if reuse:
        return Path(reuse)
    out = tmp_path_factory.mktemp("book")
    command = [sys.executable, str(ROOT / "tools" / "build_books.py"), "--path-output",
               str(out)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        pytest.fail(f"book build failed (exit {result.returncode}):\n"
                    f"{result.stdout[-8000:]}\n{result.stderr[-8000:]}")
    return out / "_build" / "html"


def pytest_collection_modifyitems(items):
    """Mark every test that needs the built book ``book``, so that the quick loop
    ``pytest -m "not book and not browser"`` leaves them out."""
    for item in items:
        if "built_book" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.book)
