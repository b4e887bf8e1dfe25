"""The README's commands are honest.

- Its build command shows a changed nnlib even when no page changed: a plain second
  `jupyter-book build` re-reads no page, so re-executes no notebook, and serves the
  first build's outputs (execute_notebooks: force only applies to pages it reads).
- The build the tests run uses the README's build command's flags, and .ci/run runs
  the README's commands, so the commands a reader copies are the ones CI checks.
"""

import os
import re
import shlex
import shutil

import nbformat
import pytest

from conftest import BUILD_FLAGS, ROOT, build_book

README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"


def readme_command(label: str) -> str:
    """The command in the first ```bash block after the line that contains `label`."""
    text = README.read_text(encoding="utf-8")
    start = text.index(label)
    block = re.search(r"```bash\n(.*?)```", text[start:], re.DOTALL)
    assert block, f"README: no ```bash block after {label!r}"
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(lines) == 1, f"README: the block after {label!r} should be one command: {lines}"
    return lines[0].strip()


def ci_commands() -> list[str]:
    """The commands .ci/run runs, one per line, without comments and blank lines."""
    lines = [line.strip() for line in CI_RUN.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_the_build_the_tests_run_is_the_readme_build_command():
    """The README builds with tools/build_books.py, as the built_book fixture does, and
    the README's description of it names the flags the script uses."""
    command = shlex.split(readme_command("**Build the book**"))
    assert command == ["pip", "install", "-r", "requirements.txt", "&&", "python",
                       "tools/build_books.py"], command
    described = f"jupyter-book build . {' '.join(BUILD_FLAGS)}"
    assert described in README.read_text(encoding="utf-8"), \
        f"README does not say that the build runs `{described}`"


def test_ci_runs_the_readme_commands():
    venv = readme_command("from a clone of this repository")
    tests = readme_command("**Run the tests**")
    assert tests == "pip install -r requirements-dev.txt && pytest", tests
    commands = ci_commands()
    assert venv in commands, f".ci/run does not make the README's venv ({venv!r}): {commands}"
    assert tests in commands, f".ci/run does not run the README's tests ({tests!r}): {commands}"
    assert commands.index(venv) < commands.index(tests)
    assert commands[-1] == tests, f".ci/run runs more after the README's tests: {commands}"


def test_requirements_dev_adds_to_the_readers_requirements():
    lines = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
    assert "-r requirements.txt" in lines
    readers = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    for tool in ("pytest", "playwright"):
        assert re.search(rf"^{tool}==", "\n".join(lines), re.MULTILINE), f"{tool} not pinned"
        assert not re.search(rf"^{tool}\b", readers, re.MULTILINE), \
            f"{tool} is for developers: requirements-dev.txt, not requirements.txt"
    # The appendix runs ruff on the article's code while the book builds.
    assert re.search(r"^ruff==", readers, re.MULTILINE), "the book build needs ruff"


def _tiny_book(root):
    """One notebook that prints where nnlib came from and nnlib.BUILD_MARK."""
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    (root / "_toc.yml").write_text("format: jb-book\nroot: page\n", encoding="utf-8")
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Rebuild check"),
               nbformat.v4.new_code_cell('import nnlib\n'
                                         'print("nnlib from", nnlib.__file__)\n'
                                         'print("build mark:", nnlib.BUILD_MARK)')],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}})
    nbformat.write(notebook, root / "page.ipynb")


def _build_and_read(root, env) -> str:
    result = build_book(root, env=env)
    assert result.returncode == 0, \
        f"build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return (root / "_build" / "html" / "page.html").read_text(encoding="utf-8")


@pytest.mark.book
def test_rebuilding_the_book_shows_a_changed_nnlib(tmp_path):
    """Build, change the library, build again with the README's flags: the page changes.

    A copy of nnlib comes first on the kernel's path through PYTHONPATH (the editable
    install of the real one comes after it), so the real nnlib is never touched.
    """
    book, lib = tmp_path / "book", tmp_path / "lib"
    book.mkdir()
    _tiny_book(book)
    shutil.copytree(ROOT / "nnlib", lib / "nnlib", ignore=shutil.ignore_patterns("__pycache__"))
    init = lib / "nnlib" / "__init__.py"
    original = init.read_text(encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(lib), os.environ.get("PYTHONPATH")]))}

    init.write_text(original + '\nBUILD_MARK = "first"\n', encoding="utf-8")
    first = _build_and_read(book, env)
    assert f"nnlib from {lib / 'nnlib' / '__init__.py'}" in first, \
        "the notebook did not import the copy of nnlib"
    assert "build mark: first" in first

    init.write_text(original + '\nBUILD_MARK = "second"\n', encoding="utf-8")
    second = _build_and_read(book, env)
    assert "build mark: second" in second, \
        "the second build served the first build's output: the notebook was not re-executed"
    assert "build mark: first" not in second
