"""What the checker tests share: run a checker quietly, assert that it accepts or
rejects an answer with the words expected, and an object that fails whatever is done
with it."""

from nnlib import exercises as ex


def check(checker, fn):
    """Run a checker quietly; return (passed, message on one line)."""
    result = checker(fn, verbose=False)
    assert isinstance(result, ex.CheckResult)
    assert bool(result) is result.passed
    lines = result.message.splitlines()
    assert max(len(line) for line in lines) <= ex.WIDTH, result.message
    return result.passed, " ".join(result.message.split())


def assert_accepts(checker, fn):
    passed, message = check(checker, fn)
    assert passed, message
    assert "is correct" in message


def assert_rejects(checker, fn, *fragments, absent=()):
    passed, message = check(checker, fn)
    assert not passed, f"{getattr(fn, '__name__', fn)} was accepted: {message}"
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in: {message}"
    for fragment in absent:
        assert fragment not in message, f"{fragment!r} in: {message}"


class Evil:
    """An object that fails whatever is done with it."""

    def __array__(self, *args, **kwargs):
        raise KeyError("no")

    def __len__(self):
        raise TypeError("no length")

    def __iter__(self):
        raise TypeError("not iterable")
