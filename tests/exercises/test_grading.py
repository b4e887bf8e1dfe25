"""The grading framework every checker shares: whatever a learner's function
returns or raises, the checker answers with a message that names what
happened, never with a traceback or a NumPy warning.

The checkers' right and wrong answers: test_checkers.py,
test_training_answers.py and test_minibatches_answers.py (they share the
helpers of checker_helpers.py).
"""

import warnings

import numpy as np
import pytest

from nnlib import exercises as ex
from nnlib.exercises.reading import is_stub, read

from checker_helpers import Evil, assert_accepts, assert_rejects, check

CHECKERS = [ex.check_one_hot, ex.check_softmax, ex.check_softmax_jacobian,
            ex.check_cross_entropy_backward, ex.check_fused_gradient,
            ex.check_linear_backward, ex.check_relu_backward, ex.check_training_loop,
            ex.check_softmax_backward, ex.check_bce_gradient, ex.check_minibatch_batches,
            ex.check_transposed_linear_backward, ex.check_batchnorm_backward,
            ex.check_im2col]
# the checkers whose answer is one array (the others: a tuple, a history, batches)
ARRAY_CHECKERS = [c for c in CHECKERS
                  if c not in (ex.check_linear_backward, ex.check_training_loop,
                               ex.check_minibatch_batches,
                               ex.check_transposed_linear_backward,
                               ex.check_batchnorm_backward)]


# --- CheckResult --------------------------------------------------------------------------

def test_check_result_is_truthy_only_when_passed():
    assert ex.CheckResult(True, "ok")
    assert not ex.CheckResult(False, "no")
    assert str(ex.CheckResult(False, "the message")) == "the message"


def test_checker_prints_its_message(capsys):
    result = ex.check_relu_backward(lambda x, grad: grad * (x > 0))
    assert result.message in capsys.readouterr().out
    ex.check_relu_backward(lambda x, grad: grad * (x > 0), verbose=False)
    assert capsys.readouterr().out == ""


def test_checker_result_does_not_display_twice_in_notebooks():
    # The checker printed the message; the cell's result must add nothing.
    assert ex.CheckResult(True, "ok")._ipython_display_() is None


def test_every_checker_name_is_importable():
    from nnlib.exercises import (  # noqa: F401
        check_bce_gradient,
        check_cross_entropy_backward,
        check_fused_gradient,
        check_im2col,
        check_linear_backward,
        check_lr_prediction,
        check_minibatch_batches,
        check_one_hot,
        check_relu_backward,
        check_softmax,
        check_softmax_backward,
        check_softmax_jacobian,
        check_training_loop,
        check_transposed_linear_backward,
    )


# --- Stubs and forgotten returns ----------------------------------------------------------

def stub_none(*args):
    return None


def stub_raises(*args):
    raise NotImplementedError


def stub_ellipsis(*args):
    ...


def stub_docstring(*args):
    """Your code here."""


def stub_message(*args):
    # your code here
    raise NotImplementedError("write me")


def stub_tuple(*args):
    return None, None, None


def body_without_return(*args):
    result = [np.asarray(a) for a in args[:1]]  # noqa: F841 (the learner's bug)


def body_with_stub_return(*args):
    result = [np.asarray(a) for a in args[:1]]  # noqa: F841
    return None


def body_raising_not_implemented(*args):
    size = len(args)
    raise NotImplementedError(f"not yet for {size} arguments")


STUBS = [stub_none, stub_raises, stub_ellipsis, stub_docstring, stub_message, stub_tuple]


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize("stub", STUBS)
def test_stub_is_not_implemented_yet_not_a_traceback(checker, stub):
    assert_rejects(checker, stub, "not implemented yet")


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize("fn, fragment", [
    (body_without_return, "has a body but no `return`"),
    (body_with_stub_return, "still returns None (the stub's `return None`)"),
    (lambda *args: [].sort(), "its expression gives None"),
    (body_raising_not_implemented, "raised NotImplementedError: not yet for"),
])
def test_a_body_that_returns_none_is_not_a_stub(checker, fn, fragment):
    assert_rejects(checker, fn, fragment, absent=["not implemented yet"])


def test_stubs_are_told_from_bodies_by_their_code():
    assert all(is_stub(stub) for stub in STUBS)
    assert not any(is_stub(fn) for fn in (body_without_return, body_with_stub_return,
                                          body_raising_not_implemented, np.exp, len))


# --- Exceptions ---------------------------------------------------------------------------

@pytest.mark.parametrize("checker", CHECKERS)
def test_reader_exception_is_reported_with_its_line(checker):
    def broken(*args):
        raise ValueError("boom in the reader's code")

    assert_rejects(checker, broken, "broken raised ValueError: boom in the reader's code",
                   "at: raise ValueError(\"boom in the reader's code\")")


@pytest.mark.parametrize("checker", CHECKERS)
def test_not_a_function_is_a_message(checker):
    assert_rejects(checker, np.zeros(3), "needs your function itself")


# --- Any return value gets a message ------------------------------------------------------

class FakeTensor:
    """Like a torch tensor that requires grad: np.asarray fails on it."""

    def __init__(self, array):
        self.array = np.asarray(array)

    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("Can't call numpy() on Tensor that requires grad.")

    def detach(self):
        return FakeDetached(self.array)


class FakeDetached:
    def __init__(self, array):
        self.array = array

    def cpu(self):
        return self

    def __array__(self, dtype=None, copy=None):
        return self.array


def right_answer(checker):
    """A right answer of each array checker, to wrap in other types."""
    from test_checkers import RIGHT

    return next(fn for c, fn in RIGHT if c is checker)


@pytest.mark.parametrize("checker", ARRAY_CHECKERS)
@pytest.mark.parametrize("wrap, fragment", [
    (lambda r: "hello", "got str"),
    (lambda r: {"probs": r}, "got dict"),
    (lambda r: (row for row in r), "got generator"),
    (lambda r: {1, 2}, "got set"),
    (lambda r: Evil(), "could not be read as numbers"),
    (lambda r: np.full(r.shape, None), "holds None at index"),
    (lambda r: [r.ravel().tolist(), [1.0]], "parts of different shapes"),
    (lambda r: r.astype(complex), "holds complex numbers"),
    (lambda r: r + 0j * r, "holds complex numbers"),
    (lambda r: 3.5, "is a single number"),
    (lambda r: (r, r), "got a tuple of 2 values"),
    (lambda r: np.full(r.shape, "a"), "should hold numbers"),
    (lambda r: r.astype(np.float16), ""),  # float16: passes or names the dtype
    (lambda r: FakeTensor(r), "not a NumPy array; its numbers are right"),
])
def test_any_return_value_gets_a_message_and_no_warning(checker, wrap, fragment):
    right = right_answer(checker)

    def wrapped(*args):
        return wrap(np.asarray(right(*args)))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        passed, message = check(checker, wrapped)
    assert not caught, [str(w.message) for w in caught]
    if fragment:
        assert not passed and fragment in message, message


def test_float16_is_named_as_the_reason():
    assert_rejects(ex.check_softmax, lambda x: ex_softmax(x).astype(np.float16),
                   "float16, which keeps about 3 significant digits")


def test_object_array_of_none_is_not_nan():
    assert_rejects(ex.check_relu_backward, lambda x, grad: np.full(x.shape, None),
                   "holds None at index [0, 0]", absent=["nan"])


def test_object_array_of_numbers_is_read_as_numbers():
    assert_accepts(ex.check_relu_backward, lambda x, grad: (grad * (x > 0)).astype(object))


def test_read_never_raises():
    for value in (None, Evil(), FakeTensor([1.0]), object(), [[1, 2], [3]], "text",
                  np.array(["2020-01-01"], dtype="datetime64[D]"), [None, 1.0]):
        reading = read("out", value)
        assert (reading.array is None) != (reading.problem is None) or reading.foreign


def ex_softmax(x):
    exps = np.exp(x - x.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1, keepdims=True)


# --- Inputs changed in place --------------------------------------------------------------

TUPLE_ANSWERS = {ex.check_linear_backward: lambda x, w, grad: (grad @ w.T, x.T @ grad,
                                                              grad.sum(axis=0)),
                 ex.check_transposed_linear_backward: lambda x, w, grad: (grad @ w, grad.T @ x,
                                                                          grad.sum(axis=0))}


@pytest.mark.parametrize("checker", ARRAY_CHECKERS + list(TUPLE_ANSWERS))
def test_changing_any_input_in_place_fails_by_name(checker):
    right = right_answer(checker) if checker in ARRAY_CHECKERS else TUPLE_ANSWERS[checker]

    def scribbles(*args):
        result = right(*args)
        args[0][...] = 0  # after computing: the result is right, the caller's array is not
        return result

    passed, message = check(checker, scribbles)
    assert not passed and "changed its input `" in message and "in place" in message, message


def test_the_input_is_named_as_the_learner_named_it():
    def relu_backward(x, g):
        g[x <= 0] = 0
        return g

    assert_rejects(ex.check_relu_backward, relu_backward, "changed its input `g` in place",
                   "g = g.copy()")


def test_messages_name_the_worst_entry_and_the_numerical_gradient():
    def slightly_off(x, grad):
        out = grad * (x > 0)
        out[1, 2] += 0.5
        return out

    assert_rejects(ex.check_relu_backward, slightly_off, "dL/dX[1, 2] is", "(off by 0.5)",
                   "1 of 20 entries differ", "a right answer gives < 1e-06",
                   "relative error of dL/dX against the numerical gradient")


def test_a_checker_bug_is_a_message_not_a_traceback(monkeypatch):
    from nnlib.exercises import grading

    def broken_compare(*args):
        raise RuntimeError("checker bug")

    monkeypatch.setattr(grading, "compare", broken_compare)
    assert_rejects(ex.check_relu_backward, lambda x, grad: grad * (x > 0),
                   "the checker failed", "please report this as a bug")
