"""nnlib.exercises.minibatches: the chapter-9 checker accepts the right batches, agrees
with nnlib.train's and names the usual mistakes."""

import numpy as np
import pytest

from nnlib.exercises import check_minibatch_batches


def minibatches(n_rows, batch_size, rng):
    order = rng.permutation(n_rows)
    return [order[start:start + batch_size]
            for start in range(0, n_rows, batch_size)]


def test_checker_accepts_the_right_answer():
    result = check_minibatch_batches(minibatches, verbose=False)
    assert result and "the very batches nnlib's train draws" in result.message


def test_checker_agrees_with_nnlib_train_batches():
    # train's first epoch uses exactly these batches: same seed, same rows
    from nnlib.batches import epoch_batches

    ours = minibatches(1151, 32, np.random.default_rng(5))
    nnlib_batches = epoch_batches(1151, 32, np.random.default_rng(5))
    assert all(np.array_equal(a, b)
               for a, b in zip(ours, nnlib_batches, strict=True))


def drops_last(n_rows, batch_size, rng):
    order = rng.permutation(n_rows)
    return [order[start:start + batch_size]
            for start in range(0, n_rows - batch_size + 1, batch_size)]


def same_order(n_rows, batch_size, rng):
    return minibatches(n_rows, batch_size, np.random.default_rng(0))


def overlapping(n_rows, batch_size, rng):
    order = rng.permutation(n_rows)
    return [order[start:start + batch_size]
            for start in range(0, n_rows, max(batch_size - 1, 1))]


def one_short(n_rows, batch_size, rng):
    order = rng.permutation(n_rows)
    return [order[start:start + batch_size - 1]
            for start in range(0, n_rows, batch_size)]


def unshuffled(n_rows, batch_size, rng):
    order = np.arange(n_rows)
    return [order[start:start + batch_size]
            for start in range(0, n_rows, batch_size)]


def global_random(n_rows, batch_size, rng):
    return minibatches(n_rows, batch_size, np.random.default_rng())


def stub(n_rows, batch_size, rng):
    return None


@pytest.mark.parametrize("fn, words", [
    (drops_last, "last short batch is dropped"),
    (same_order, "same order every epoch"),
    (overlapping, "overlapping batches"),
    (one_short, "off by one"),
    (unshuffled, "original order"),
    (global_random, "not reproducible"),
    (stub, "not implemented yet"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_checker_names_the_usual_mistakes(fn, words):
    result = check_minibatch_batches(fn, verbose=False)
    assert not result and words in result.message, result.message
    assert all(len(line) <= 62 for line in result.message.splitlines())


def test_checker_reports_an_exception_instead_of_raising():
    def broken(n_rows, batch_size, rng):
        raise IndexError("oops")

    result = check_minibatch_batches(broken, verbose=False)
    assert not result and "IndexError: oops" in result.message
