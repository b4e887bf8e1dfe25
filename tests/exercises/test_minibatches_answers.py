"""The mini-batch checker (chapter 9): right answers in many styles pass,
each known mistake fails with its diagnosis.

To add a learner's new mistake: write the function above the table and add
ONE line to WRONG_BATCHES: (the_function, "a distinctive phrase").
"""

import copy
import random
import warnings

import numpy as np
import pytest

from nnlib import exercises as ex
from nnlib.batches import epoch_batches

from checker_helpers import Evil, assert_accepts, assert_rejects, check


def minibatches(n_rows, batch_size, rng):  # chapter 9's solution
    order = rng.permutation(n_rows)
    return [order[start:start + batch_size] for start in range(0, n_rows, batch_size)]


def cut(order, batch_size):
    return [order[start:start + batch_size] for start in range(0, len(order), batch_size)]


# --- Right answers ----------------------------------------------------------------------------

def shuffle_arange(n_rows, batch_size, rng):
    order = np.arange(n_rows)
    rng.shuffle(order)  # in place: the same draws as rng.permutation(n_rows)
    return cut(order, batch_size)


def array_split_at_starts(n_rows, batch_size, rng):
    return np.array_split(rng.permutation(n_rows), range(batch_size, n_rows, batch_size))


def yields(n_rows, batch_size, rng):
    order = rng.permutation(n_rows)
    for start in range(0, n_rows, batch_size):
        yield order[start:start + batch_size]


def while_loop_lists(n_rows, batch_size, rng):
    order, batches, start = rng.permutation(n_rows).tolist(), [], 0
    while start < n_rows:
        batches.append(order[start:start + batch_size])  # Python lists of ints
        start += batch_size
    return batches


def argsort_of_uniforms(n_rows, batch_size, rng):  # another shuffle from rng
    return cut(np.argsort(rng.random(n_rows)), batch_size)


def seeded_from_rng(n_rows, batch_size, rng):
    own = np.random.default_rng(rng.integers(2**32))
    return tuple(cut(own.permutation(n_rows), batch_size))


RIGHT_BATCHES = [
    minibatches,
    shuffle_arange,
    array_split_at_starts,
    yields,
    while_loop_lists,
    lambda n_rows, batch_size, rng: np.split(rng.permutation(n_rows),
                                             np.arange(batch_size, n_rows, batch_size)),
    lambda n_rows, batch_size, rng: map(np.asarray, cut(rng.permutation(n_rows), batch_size)),
    lambda n_rows, batch_size, rng: cut(rng.choice(n_rows, n_rows, replace=False), batch_size),
    argsort_of_uniforms,
    seeded_from_rng,
]


@pytest.mark.parametrize("fn", RIGHT_BATCHES)
def test_right_batches_pass(fn):
    assert_accepts(ex.check_minibatch_batches, fn)


def test_nnlibs_own_batches_are_named_and_other_shuffles_are_not():
    assert "the very batches nnlib's train draws" in check(ex.check_minibatch_batches, yields)[1]
    message = check(ex.check_minibatch_batches, argsort_of_uniforms)[1]
    assert "is correct" in message and "nnlib's train" not in message


def test_the_exercise_matches_nnlibs_train():
    ours = minibatches(1151, 32, np.random.default_rng(5))
    theirs = epoch_batches(1151, 32, np.random.default_rng(5))
    assert all(np.array_equal(a, b) for a, b in zip(ours, theirs, strict=True))


# --- Wrong answers ----------------------------------------------------------------------------

def drops_last(n_rows, batch_size, rng):
    order = rng.permutation(n_rows)
    return [order[k * batch_size:(k + 1) * batch_size] for k in range(n_rows // batch_size)]


def one_short(n_rows, batch_size, rng):
    order = rng.permutation(n_rows)
    return [order[start:start + batch_size - 1] for start in range(0, n_rows, batch_size)]


def one_long(n_rows, batch_size, rng):
    order = rng.permutation(n_rows)
    return [order[start:start + batch_size + 1] for start in range(0, n_rows, batch_size)]


def overlapping(n_rows, batch_size, rng):
    order = rng.permutation(n_rows)
    return [order[start:start + batch_size] for start in range(0, n_rows, max(batch_size - 1, 1))]


def fixed_seed(n_rows, batch_size, rng):
    return minibatches(n_rows, batch_size, np.random.default_rng(0))


def unseeded(n_rows, batch_size, rng):
    return minibatches(n_rows, batch_size, np.random.default_rng())


def global_numpy(n_rows, batch_size, rng):
    return cut(np.random.permutation(n_rows), batch_size)


def python_random(n_rows, batch_size, rng):
    order = list(range(n_rows))
    random.shuffle(order)
    return cut(order, batch_size)


def batch_order_only(n_rows, batch_size, rng):
    batches = cut(np.arange(n_rows), batch_size)
    return [batches[k] for k in rng.permutation(len(batches))]


def within_batches(n_rows, batch_size, rng):
    return [rng.permutation(batch) for batch in cut(np.arange(n_rows), batch_size)]


def choice_per_batch(n_rows, batch_size, rng):
    return [rng.choice(n_rows, min(batch_size, n_rows - start))
            for start in range(0, n_rows, batch_size)]


def equal_parts(n_rows, batch_size, rng):
    return np.array_split(rng.permutation(n_rows), -(-n_rows // batch_size))


def shuffle_result_used(n_rows, batch_size, rng):
    order = rng.shuffle(np.arange(n_rows))
    return cut(order, batch_size)


def fails_in_a_generator(n_rows, batch_size, rng):
    order = rng.permutation(n_rows)
    for start in range(0, n_rows, batch_size):
        yield order[start:start + batch_size] + [][0]


def forgets_return(n_rows, batch_size, rng):
    batches = cut(rng.permutation(n_rows), batch_size)  # noqa: F841 (the learner's bug)


WRONG_BATCHES = [
    (drops_last, "the last short batch is dropped"),
    (lambda n_rows, batch_size, rng: minibatches(n_rows, batch_size, rng)[:-1],
     "last short batch is dropped"),
    (one_short, "off by one"),
    (one_long, "off by one"),
    (overlapping, "overlapping batches"),
    (choice_per_batch, "each batch is drawn on its own"),
    (equal_parts, "nearly equal sizes"),
    (lambda n_rows, batch_size, rng: np.array_split(rng.permutation(n_rows), n_rows // batch_size),
     "nearly equal sizes"),
    (lambda n_rows, batch_size, rng: cut(np.arange(n_rows), batch_size), "not shuffled"),
    (batch_order_only, "only the order of the batches is shuffled"),
    (within_batches, "shuffled within each batch only"),
    (fixed_seed, "the same order every epoch"),
    (lambda n_rows, batch_size, rng: minibatches(n_rows, batch_size, copy.deepcopy(rng)),
     "the same order every epoch"),
    (unseeded, "never draws from `rng`; it makes a generator of its own without a seed"),
    (global_numpy, "draws from a global generator"),
    (python_random, "draws from a global generator"),
    (lambda n_rows, batch_size, rng: cut(rng.permutation(n_rows) + 1, batch_size),
     "counted from 1"),
    (lambda n_rows, batch_size, rng: rng.permutation(n_rows), "not a list of batches"),
    (lambda n_rows, batch_size, rng: rng.permutation(n_rows).tolist(), "is a single number"),
    (lambda n_rows, batch_size, rng: cut(rng.permutation(n_rows) * 1.0, batch_size),
     "row indices are integers"),
    (lambda n_rows, batch_size, rng: [np.isin(np.arange(n_rows), batch) for batch in
                                      minibatches(n_rows, batch_size, rng)], "(a mask)"),
    (lambda n_rows, batch_size, rng: dict(enumerate(minibatches(n_rows, batch_size, rng))),
     "got dict"),
    (lambda n_rows, batch_size, rng: minibatches(n_rows, batch_size, rng) + [None], "is None"),
    (lambda n_rows, batch_size, rng: np.split(rng.permutation(n_rows), n_rows // batch_size),
     "hint: 10 rows in batches of 3 leave a last batch of 1"),
    (lambda n_rows, batch_size, rng: rng.permutation(n_rows).reshape(-1, batch_size),
     "hint: 10 rows in batches of 3 leave a last batch of 1"),
    (lambda n_rows, batch_size, rng: np.array(minibatches(n_rows, batch_size, rng)),
     "hint: 10 rows in batches of 3"),
    (shuffle_result_used, "hint: rng.shuffle(a) shuffles the array a in place and returns None"),
    (lambda n_rows, batch_size, rng: cut(rng.shuffle(n_rows), batch_size),
     "hint: rng.shuffle(a) shuffles the array a in place"),
    (lambda n_rows, batch_size, rng: [rng.randint(n_rows)], "`randint` is not one of its methods"),
    (fails_in_a_generator, "raised IndexError"),
    (forgets_return, "has a body but no `return`"),
]


@pytest.mark.parametrize("fn, phrase", WRONG_BATCHES)
def test_wrong_batches_fail_with_their_diagnosis(fn, phrase):
    assert_rejects(ex.check_minibatch_batches, fn, phrase)


def test_an_error_in_a_generator_shows_the_readers_line():
    assert_rejects(ex.check_minibatch_batches, fails_in_a_generator,
                   "at: yield order[start:start + batch_size] + [][0]")


def test_a_generator_made_inside_is_named_as_not_using_rng():
    assert_rejects(ex.check_minibatch_batches, unseeded, "not reproducible",
                   "Draw from the rng argument", absent=["global"])


@pytest.mark.parametrize("wrap, fragment", [
    (lambda batches: "hello", "got str"),
    (lambda batches: {1, 2}, "got set"),
    (lambda batches: 3.5, "got float"),
    (lambda batches: Evil(), "could not be read"),
    (lambda batches: [batch.astype(complex) for batch in batches], "complex numbers"),
    (lambda batches: [np.full(len(batch), None) for batch in batches], "holds None at index"),
    (lambda batches: [(b for b in batch) for batch in batches], "an iterator"),
])
def test_any_return_value_gets_a_message_and_no_warning(wrap, fragment):
    def wrapped(n_rows, batch_size, rng):
        return wrap(minibatches(n_rows, batch_size, rng))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert_rejects(ex.check_minibatch_batches, wrapped, fragment)
    assert not caught, [str(w.message) for w in caught]
