"""Every checker accepts a right answer and rejects each known mistake by name."""

import numpy as np
import pytest

from nnlib import SGD, one_hot, train
from nnlib import exercises as ex


def _softmax(x):
    exps = np.exp(x - x.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1, keepdims=True)


def check(checker, fn):
    """Run a checker quietly and return (passed, message)."""
    result = checker(fn, verbose=False)
    assert isinstance(result, ex.CheckResult)
    assert bool(result) is result.passed
    return result.passed, result.message


def assert_accepts(checker, fn):
    passed, message = check(checker, fn)
    assert passed, message
    assert "is correct" in message


def assert_rejects(checker, fn, *fragments):
    passed, message = check(checker, fn)
    assert not passed, f"{fn.__name__} was accepted:\n{message}"
    flat = " ".join(message.split())  # messages are wrapped: compare without line breaks
    for fragment in fragments:
        assert fragment in flat, f"{fragment!r} not in:\n{message}"


# --- CheckResult and the behaviour every checker shares ---------------------------------

def test_messages_fit_a_book_page():
    def transposed(x, w, grad):
        return (grad @ w.T).T, x.T @ grad, grad

    for fn in (transposed, stub_none, lambda x, w, grad: x.T @ grad):
        message = ex.check_linear_backward(fn, verbose=False).message
        assert max(len(line) for line in message.splitlines()) <= ex.WIDTH, message


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


def stub_none(*args):
    return None


def stub_raises(*args):
    raise NotImplementedError


def stub_ellipsis(*args):
    ...


CHECKERS = [ex.check_one_hot, ex.check_softmax, ex.check_softmax_jacobian,
            ex.check_cross_entropy_backward, ex.check_fused_gradient,
            ex.check_linear_backward, ex.check_relu_backward, ex.check_training_loop,
            ex.check_softmax_backward]


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize("stub", [stub_none, stub_raises, stub_ellipsis])
def test_stub_is_not_implemented_yet_not_a_traceback(checker, stub):
    assert_rejects(checker, stub, "not implemented yet")


@pytest.mark.parametrize("checker", CHECKERS)
def test_reader_exception_is_reported_with_its_message(checker):
    def broken(*args):
        raise ValueError("boom in the reader's code")

    assert_rejects(checker, broken, "broken raised ValueError: boom in the reader's code")


@pytest.mark.parametrize("checker", CHECKERS)
def test_non_array_answer_is_reported(checker):
    assert_rejects(checker, lambda *args: "hello", "got str")


def test_message_names_the_worst_entry_and_the_numerical_gradient():
    def slightly_off(x, grad):
        out = grad * (x > 0)
        out[1, 2] += 0.5
        return out

    assert_rejects(ex.check_relu_backward, slightly_off, "dL/dx[1, 2] is",
                   "(off by 0.5)", "1 of 20 entries are wrong",
                   "relative error of dL/dx against the numerical gradient")


def test_inputs_are_copies_so_in_place_answers_are_fine():
    def in_place(x, grad):
        grad[x <= 0] = 0
        return grad

    assert_accepts(ex.check_relu_backward, in_place)


# --- One-hot -----------------------------------------------------------------------------

def test_one_hot_accepts_right_answers():
    assert_accepts(ex.check_one_hot, lambda labels, n: np.eye(n)[labels])
    assert_accepts(ex.check_one_hot, lambda labels, n: np.arange(n) == labels[:, None])


def test_one_hot_width_from_labels():
    assert_rejects(ex.check_one_hot, lambda labels, n: np.eye(labels.max() + 1)[labels],
                   "labels.max() + 1", "shape (6, 3); expected (6, 5)")


def test_one_hot_whole_columns():
    def columns(labels, n):
        out = np.zeros((len(labels), n))
        out[:, labels] = 1
        return out

    assert_rejects(ex.check_one_hot, columns, "whole columns are set")


def test_one_hot_transposed_and_shifted():
    assert_rejects(ex.check_one_hot, lambda labels, n: np.eye(n)[labels].T,
                   "transpose of the right answer")
    assert_rejects(ex.check_one_hot, lambda labels, n: np.roll(np.eye(n)[labels], 1, axis=1),
                   "one column off")


# --- Softmax -----------------------------------------------------------------------------

def test_softmax_accepts_the_stable_version():
    assert_accepts(ex.check_softmax, _softmax)


def test_softmax_without_max_subtraction_fails_on_large_logits():
    def article_softmax(x):  # the article's standalone softmax, typos fixed
        x_exp = np.exp(x)
        return x_exp / np.sum(x_exp, axis=1, keepdims=True)

    assert_rejects(ex.check_softmax, article_softmax, "large logits", "no max-subtraction",
                   "nan")


def test_softmax_with_one_max_for_the_batch():
    def global_max(x):
        exps = np.exp(x - x.max())
        return exps / exps.sum(axis=1, keepdims=True)

    assert_rejects(ex.check_softmax, global_max, "one max for the whole batch")


def test_softmax_wrong_axis():
    def columns(x):
        exps = np.exp(x - x.max(axis=0, keepdims=True))
        return exps / exps.sum(axis=0, keepdims=True)

    assert_rejects(ex.check_softmax, columns, "wrong axis", "columns sum to 1")


def test_softmax_not_normalised_and_missing_keepdims():
    assert_rejects(ex.check_softmax, lambda x: np.exp(x - x.max(axis=1, keepdims=True)),
                   "not normalised")

    def no_keepdims(x):
        exps = np.exp(x - x.max(axis=1, keepdims=True))
        return exps / exps.sum(axis=1)

    assert_rejects(ex.check_softmax, no_keepdims, "raised ValueError", "keepdims=True")


# --- Softmax Jacobian --------------------------------------------------------------------

def test_jacobian_accepts_batched_and_looped_versions():
    assert_accepts(ex.check_softmax_jacobian,
                   lambda p: p[:, :, None] * (np.eye(p.shape[1]) - p[:, None, :]))
    assert_accepts(ex.check_softmax_jacobian,
                   lambda p: np.stack([np.diag(q) - np.outer(q, q) for q in p]))


def test_jacobian_missing_diagonal_term():
    assert_rejects(ex.check_softmax_jacobian, lambda p: -p[:, :, None] * p[:, None, :],
                   "missing the diagonal term")


def test_jacobian_only_diagonal():
    assert_rejects(ex.check_softmax_jacobian,
                   lambda p: np.eye(p.shape[1]) * (p * (1 - p))[:, :, None], "only the diagonal")


def test_jacobian_same_index_twice_the_forgotten_rearrange():
    assert_rejects(ex.check_softmax_jacobian,
                   lambda p: p[:, :, None] * (np.eye(p.shape[1]) - p[:, :, None]),
                   "both factors use the same index", "rearrange")


def test_jacobian_axes_in_the_wrong_order_and_single_sample():
    def batch_last(p):
        return np.stack([np.diag(q) - np.outer(q, q) for q in p], axis=-1)

    assert_rejects(ex.check_softmax_jacobian, batch_last, "axes in the wrong order",
                   "expected (3, 4, 4)")
    assert_rejects(ex.check_softmax_jacobian, lambda p: np.diag(p[0]) - np.outer(p[0], p[0]),
                   "only one sample's Jacobian")


def test_jacobian_sign_flipped():
    assert_rejects(ex.check_softmax_jacobian,
                   lambda p: -p[:, :, None] * (np.eye(p.shape[1]) - p[:, None, :]),
                   "sign flipped")


# --- Cross-entropy backward --------------------------------------------------------------

def test_cross_entropy_backward_accepts_the_mean_gradient():
    assert_accepts(ex.check_cross_entropy_backward,
                   lambda p, y: -one_hot(y, p.shape[1]) / p / len(y))


def test_cross_entropy_backward_not_divided_by_batch():
    def article_gradient(p, y):  # the article's Entropy: one_hot_y * -1 / x
        return one_hot(y, p.shape[1]) * -1 / p

    assert_rejects(ex.check_cross_entropy_backward, article_gradient,
                   "not divided by the batch size", "batch times too large")


def test_cross_entropy_backward_other_mistakes():
    assert_rejects(ex.check_cross_entropy_backward,
                   lambda p, y: -one_hot(y, p.shape[1]) / p / p.size, "batch * classes")
    assert_rejects(ex.check_cross_entropy_backward,
                   lambda p, y: one_hot(y, p.shape[1]) / p / len(y), "sign flipped")
    assert_rejects(ex.check_cross_entropy_backward,
                   lambda p, y: -one_hot(y, p.shape[1]) * np.log(p) / len(y),
                   "not its derivative")
    assert_rejects(ex.check_cross_entropy_backward, lambda p, y: -1 / p / len(y),
                   "-1/p everywhere")


# --- Fused softmax + cross-entropy gradient ----------------------------------------------

def test_fused_gradient_accepts_probs_minus_onehot_over_batch():
    assert_accepts(ex.check_fused_gradient,
                   lambda x, y: (_softmax(x) - one_hot(y, x.shape[1])) / len(y))


def test_fused_gradient_not_divided_by_batch():
    assert_rejects(ex.check_fused_gradient,
                   lambda x, y: _softmax(x) - one_hot(y, x.shape[1]),
                   "not divided by the batch size")


def test_fused_gradient_sign_one_hot_and_logits():
    assert_rejects(ex.check_fused_gradient,
                   lambda x, y: (one_hot(y, x.shape[1]) - _softmax(x)) / len(y),
                   "sign flipped")
    assert_rejects(ex.check_fused_gradient, lambda x, y: _softmax(x) / len(y),
                   "forgot to subtract the one-hot")
    assert_rejects(ex.check_fused_gradient,
                   lambda x, y: (x - one_hot(y, x.shape[1])) / len(y),
                   "used the logits")


# --- Linear backward ---------------------------------------------------------------------

def linear_backward(x, w, grad):
    return grad @ w.T, x.T @ grad, grad.sum(axis=0)


def test_linear_backward_accepts_the_right_gradients():
    assert_accepts(ex.check_linear_backward, linear_backward)


def test_linear_backward_returning_dw_the_articles_bug():
    def article_backward(x, w, grad):  # the full code's Linear.backward returns cur_grad
        return x.T @ grad

    assert_rejects(ex.check_linear_backward, article_backward, "dx is dL/dW",
                   "article", "got a single array of shape (4, 3)")

    def dw_for_dx(x, w, grad):
        return x.T @ grad, x.T @ grad, grad.sum(axis=0)

    assert_rejects(ex.check_linear_backward, dw_for_dx, "dx is dL/dW",
                   "dx has shape (4, 3); expected (5, 4)")


def test_linear_backward_transposed_results():
    assert_rejects(ex.check_linear_backward,
                   lambda x, w, grad: (w @ grad.T, x.T @ grad, grad.sum(axis=0)),
                   "dx has shape (4, 5)", "transpose of the right answer")
    assert_rejects(ex.check_linear_backward,
                   lambda x, w, grad: (grad @ w.T, grad.T @ x, grad.sum(axis=0)),
                   "dw has shape (3, 4)", "transpose of the right answer")


def test_linear_backward_db_not_summed():
    assert_rejects(ex.check_linear_backward, lambda x, w, grad: (grad @ w.T, x.T @ grad, grad),
                   "db is not summed over the batch", "db has shape (5, 3); expected (3,)")
    assert_rejects(ex.check_linear_backward,
                   lambda x, w, grad: (grad @ w.T, x.T @ grad, grad.mean(axis=0)),
                   "db is averaged")


def test_linear_backward_swapped_unfinished_and_bad_matmul():
    assert_rejects(ex.check_linear_backward,
                   lambda x, w, grad: (x.T @ grad, grad @ w.T, grad.sum(axis=0)), "swapped")
    assert_rejects(ex.check_linear_backward, lambda x, w, grad: (grad @ w.T, None, None),
                   "not finished", "dw and db are still None")
    assert_rejects(ex.check_linear_backward,
                   lambda x, w, grad: (grad @ w, x.T @ grad, grad.sum(axis=0)),
                   "raised ValueError", "hint: check which matrix needs a transpose")
    assert_rejects(ex.check_linear_backward, lambda x, w, grad: (grad @ w.T, x.T @ grad),
                   "return a tuple (dx, dw, db); got 2 values")


# --- Training loop -----------------------------------------------------------------------

def training_loop(model, x, labels, lr, epochs):
    losses = []
    for _ in range(epochs):
        losses.append(model.loss_and_backward(x, labels))  # the loss before the step
        SGD(lr).step(model.layers)
    return losses


def test_training_loop_accepts_right_loops():
    assert_accepts(ex.check_training_loop, training_loop)

    def manual(model, x, labels, lr, epochs):  # its own update, returns an array
        losses = np.empty(epochs)
        for epoch in range(epochs):
            losses[epoch] = model.loss_and_backward(x, labels)
            for layer in model.layers:
                for name in layer.param_names:
                    setattr(layer, name, getattr(layer, name) - lr * getattr(layer, "d" + name))
        return losses

    assert_accepts(ex.check_training_loop, manual)
    assert_accepts(ex.check_training_loop,
                   lambda model, x, labels, lr, epochs: train(model, x, labels, lr=lr,
                                                              epochs=epochs))


def test_training_loop_without_update():
    def no_step(model, x, labels, lr, epochs):
        return [model.loss_and_backward(x, labels) for _ in range(epochs)]

    assert_rejects(ex.check_training_loop, no_step, "the loss never changes",
                   "not updated", "losses[19] is")


def test_training_loop_uphill():
    def uphill(model, x, labels, lr, epochs):
        losses = []
        for _ in range(epochs):
            losses.append(model.loss_and_backward(x, labels))
            for layer in model.layers:
                for name in layer.param_names:
                    getattr(layer, name)[...] += lr * getattr(layer, "d" + name)
        return losses

    assert_rejects(ex.check_training_loop, uphill, "the loss rises", "uphill", "(not +=)")


def test_training_loop_loss_recorded_after_the_step_or_one_epoch_late():
    def after_step(model, x, labels, lr, epochs):
        losses = []
        for _ in range(epochs):
            model.loss_and_backward(x, labels)
            SGD(lr).step(model.layers)
            losses.append(model.loss.forward(model.forward(x), labels))
        return losses

    assert_rejects(ex.check_training_loop, after_step, "one epoch off", "before the step")

    def one_late(model, x, labels, lr, epochs):
        losses, previous = [], np.nan
        for _ in range(epochs):
            losses.append(previous)
            previous = model.loss_and_backward(x, labels)
            SGD(lr).step(model.layers)
        return losses

    assert_rejects(ex.check_training_loop, one_late, "one epoch off")


@pytest.mark.parametrize("count", [lambda epochs: epochs - 1, lambda epochs: epochs + 1,
                                   lambda epochs: 500])
def test_training_loop_wrong_number_of_epochs(count):
    def wrong_count(model, x, labels, lr, epochs):
        return training_loop(model, x, labels, lr, count(epochs))

    assert_rejects(ex.check_training_loop, wrong_count, "wrong number of epochs",
                   "losses has shape", "expected (20,)")


def test_training_loop_stub_and_final_loss_only():
    def stub(model, x, labels, lr, epochs):
        # your code here
        return None

    assert_rejects(ex.check_training_loop, stub, "stub is not implemented yet")
    assert_rejects(ex.check_training_loop,
                   lambda model, x, labels, lr, epochs: training_loop(
                       model, x, labels, lr, epochs)[-1],
                   "only the final loss")


def test_training_loop_missing_last_step_and_frozen_parameters():
    def no_last_step(model, x, labels, lr, epochs):
        losses = []
        for epoch in range(epochs):
            losses.append(model.loss_and_backward(x, labels))
            if epoch < epochs - 1:
                SGD(lr).step(model.layers)
        return losses

    assert_rejects(ex.check_training_loop, no_last_step,
                   "losses are right but the final parameters are not", "layers[0].w")

    def weights_only(model, x, labels, lr, epochs):  # the biases stay at 0
        losses = []
        for _ in range(epochs):
            losses.append(model.loss_and_backward(x, labels))
            for layer in model.layers:
                layer.w -= lr * layer.dw
        return losses

    assert_rejects(ex.check_training_loop, weights_only, "some parameters never change",
                   "the biases too")

    def last_layer_only(model, x, labels, lr, epochs):  # passes the one-layer case only
        losses = []
        for _ in range(epochs):
            losses.append(model.loss_and_backward(x, labels))
            SGD(lr).step(model.layers[-1:])
        return losses

    assert_rejects(ex.check_training_loop, last_layer_only, "mlp(2, [3], 2)",
                   "some parameters never change")


def test_training_loop_errors_get_hints():
    def step_first(model, x, labels, lr, epochs):
        losses = []
        for _ in range(epochs):
            SGD(lr).step(model.layers)
            losses.append(model.loss_and_backward(x, labels))
        return losses

    assert_rejects(ex.check_training_loop, step_first, "has no gradient",
                   "hint: call model.loss_and_backward(x, labels) before each step")

    def every_layer_has_w(model, x, labels, lr, epochs):
        losses = []
        for _ in range(epochs):
            losses.append(model.loss_and_backward(x, labels))
            for layer in model.layers:
                layer.w -= lr * layer.dw
                layer.b -= lr * layer.db
        return losses

    assert_rejects(ex.check_training_loop, every_layer_has_w, "AttributeError",
                   "hint: activation layers such as ReLU have no parameters")


def test_training_loop_messages_fit_a_book_page():
    result = ex.check_training_loop(training_loop, verbose=False)
    assert max(len(line) for line in result.message.splitlines()) <= ex.WIDTH
    for line in ex.check_training_loop(lambda *args: [0.0], verbose=False).message.splitlines():
        assert len(line) <= ex.WIDTH, line


# --- ReLU backward -----------------------------------------------------------------------

def test_relu_backward_accepts_the_mask():
    assert_accepts(ex.check_relu_backward, lambda x, grad: grad * (x > 0))
    assert_accepts(ex.check_relu_backward, lambda x, grad: np.where(x > 0, grad, 0.0))


@pytest.mark.parametrize("wrong, fragment", [
    (lambda x, grad: grad, "grad passes through unchanged"),
    (lambda x, grad: grad * np.maximum(x, 0), "multiplied by the output max(x, 0)"),
    (lambda x, grad: grad * x, "multiplied by x"),
    (lambda x, grad: (x > 0).astype(float), "without multiplying by grad"),
    (lambda x, grad: grad * (x < 0), "mask is inverted"),
    (lambda x, grad: np.maximum(grad, 0), "ReLU applied to the gradient"),
])
def test_relu_backward_known_mistakes(wrong, fragment):
    assert_rejects(ex.check_relu_backward, wrong, fragment)


# --- Softmax backward (the vector-Jacobian product) -------------------------------------

def softmax_vjp(p, g):
    return p * (g - (p * g).sum(axis=1, keepdims=True))


def _jacobian(p):
    return p[:, :, None] * (np.eye(p.shape[1]) - p[:, None, :])


def test_softmax_backward_accepts_the_product_without_a_note():
    assert_accepts(ex.check_softmax_backward, softmax_vjp)
    assert_accepts(ex.check_softmax_backward,
                   lambda p, g: p * g - p * np.einsum("bc,bc->b", p, g)[:, None])
    assert "note" not in check(ex.check_softmax_backward, softmax_vjp)[1]


def test_softmax_backward_accepts_the_jacobian_but_notes_its_cost():
    def via_jacobian(p, g):
        return np.einsum("bij,bi->bj", _jacobian(p), g)

    assert_accepts(ex.check_softmax_backward, via_jacobian)
    passed, message = check(ex.check_softmax_backward, via_jacobian)
    flat = " ".join(message.split())
    assert passed and "note:" in flat and "O(batch * C^2)" in flat
    assert max(len(line) for line in message.splitlines()) <= ex.WIDTH, message


def test_softmax_backward_missing_keepdims_gets_a_hint():
    assert_rejects(ex.check_softmax_backward,
                   lambda p, g: p * (g - (p * g).sum(axis=1)),
                   "raised ValueError", "hint: did you forget keepdims=True?")


@pytest.mark.parametrize("wrong, fragment", [
    (lambda p, g: _jacobian(p), "returned the Jacobian (batch, C, C) itself"),
    (lambda p, g: np.einsum("bij,bi->bi", _jacobian(p), g), "all zeros"),
    (lambda p, g: p * g, "forgot to subtract the row sum"),
    (lambda p, g: -softmax_vjp(p, g), "sign flipped"),
    (lambda p, g: p * (g - (p * g).sum(axis=0, keepdims=True)), "wrong axis"),
    (lambda p, g: p * (g - (p * g).sum(axis=0)), "wrong axis"),  # broadcasts silently
    (lambda p, g: p * (g - (p * g).sum()), "one sum for the whole batch"),
    (lambda p, g: p * (g - g.sum(axis=1, keepdims=True)), "not weighted by p"),
    (lambda p, g: g - (p * g).sum(axis=1, keepdims=True), "forgot the factor p"),
    (lambda p, g: p * (1 - p) * g, "only the Jacobian's diagonal"),
    (lambda p, g: softmax_vjp(p, g).T, "transpose of the right answer"),
])
def test_softmax_backward_known_mistakes(wrong, fragment):
    assert_rejects(ex.check_softmax_backward, wrong, fragment)


def test_softmax_backward_messages_fit_a_book_page():
    for fn in (lambda p, g: p * g, lambda p, g: p * (g - (p * g).sum(axis=1))):
        message = ex.check_softmax_backward(fn, verbose=False).message
        assert max(len(line) for line in message.splitlines()) <= ex.WIDTH, message
