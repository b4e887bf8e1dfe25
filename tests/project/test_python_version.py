"""The Python version the project promises is said the same way everywhere, and it is
the one running the tests (CI runs them on 3.11, the oldest version promised)."""

import re
import sys

from conftest import ROOT

PROMISE = "Python 3.11 or newer"


def test_readme_and_intro_promise_the_same_python():
    for page in ("README.md", "book/intro.md"):
        text = (ROOT / page).read_text(encoding="utf-8")
        assert PROMISE in text, f"{page} does not say {PROMISE!r}"
        said = re.findall(r"Python 3\.\d+(?: or newer)?", text)
        assert set(said) == {PROMISE}, f"{page} says {sorted(set(said))}"


def test_pyproject_requires_what_the_pages_promise():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'requires-python = ">=3.11"' in pyproject


def test_the_tests_run_on_a_promised_python():
    assert sys.version_info >= (3, 11)
