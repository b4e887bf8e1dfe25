"""Every checker accepts right answers in many styles and rejects each known
mistake by name.

To add a learner's new mistake: write the solution (a lambda, or a small
function above the table) and add ONE line to WRONG:
    (ex.check_x, the_solution, "a distinctive phrase of the diagnosis"),
A right answer that must pass goes into RIGHT the same way.
"""

import math

import numpy as np
import pytest
import scipy.linalg
import scipy.special
from einops import rearrange, reduce, repeat
from test_im2col_checker import RIGHT as IM2COL_RIGHT
from test_im2col_checker import WRONG as IM2COL_WRONG

from nnlib import exercises as ex
from nnlib import one_hot

from checker_helpers import assert_accepts, assert_rejects, check

# --- Solutions used by the tables ----------------------------------------------------------


def softmax_by(shift, dtype=np.float64):
    """A softmax that subtracts shift(x) from every row, computed in dtype."""
    def fn(x):
        x = x.astype(dtype)
        exps = np.exp(x - shift(x))
        return exps / exps.sum(axis=1, keepdims=True)
    return fn


def row_max(x):
    return x.max(axis=1, keepdims=True)


stable = softmax_by(row_max)

# The look-alikes of the stable softmax: each shift and its diagnosis.
LOOKALIKES = [(lambda x: 0, "no max-subtraction"),
              (lambda x: x.min(axis=1, keepdims=True), "each row's min"),
              (lambda x: x.mean(axis=1, keepdims=True), "each row's mean"),
              (lambda x: np.median(x, axis=1, keepdims=True), "each row's median"),
              (lambda x: x[:, :1], "each row's first entry"),
              (lambda x: np.abs(x).max(axis=1, keepdims=True), "largest |z|"),
              (lambda x: x.max(), "one max for the whole batch"),
              (lambda x: x.max(axis=0, keepdims=True), "max of each column")]


def fused_by(shift, dtype):
    def fn(logits, labels):
        return (softmax_by(shift, dtype)(logits) - one_hot(labels, logits.shape[1])) / len(labels)
    return fn


def softmax_rows_loop(x):
    out = []
    for row in x:
        exps = [np.exp(v - max(row)) for v in row]
        out.append([e / sum(exps) for e in exps])
    return out  # a list of lists


def softmax_math_exp(x):  # plain Python floats, one row at a time
    rows = []
    for row in x.tolist():
        exps = [math.exp(v - max(row)) for v in row]
        rows.append([e / sum(exps) for e in exps])
    return np.array(rows)


def softmax_in_place_on_a_copy(x):
    out = x.copy()
    out -= out.max(axis=1, keepdims=True)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)
    return out


def softmax_no_keepdims(x):
    exps = np.exp(x - x.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1)


def softmax_changes_x(x):
    x -= x.max(axis=1, keepdims=True)
    exps = np.exp(x)
    return exps / exps.sum(axis=1, keepdims=True)


def jacobian(p):
    return p[:, :, None] * (np.eye(p.shape[1]) - p[:, None, :])


def jacobian_einops(probs):  # chapter 4's solution
    batch, classes = probs.shape
    p_i = repeat(probs, "n i -> n i j", j=classes)
    p_j = rearrange(p_i, "n i j -> n j i")
    return p_i * (repeat(np.eye(classes), "i j -> n i j", n=batch) - p_j)


def jacobian_of_flat_batch(p):  # the (B C, B C) Jacobian of p.ravel()
    return scipy.linalg.block_diag(*jacobian(p))


def jacobian_flat_wrong(p):  # block diagonal, but every block is sample 0's
    return np.kron(np.eye(len(p)), jacobian(p)[0])


def one_hot_rank(labels, n_classes):
    _, rank = np.unique(labels, return_inverse=True)
    return np.eye(n_classes)[rank]


def one_hot_whole_columns(labels, n_classes):
    out = np.zeros((len(labels), n_classes))
    out[:, labels] = 1
    return out


def one_hot_loop(labels, n_classes):
    out = [[0] * n_classes for _ in labels]
    for n, label in enumerate(labels):
        out[n][label] = 1
    return out


def ce_backward(p, y):
    return -one_hot(y, p.shape[1]) / p / len(y)


def ce_backward_indexed(probs, labels):
    grad = np.zeros_like(probs)
    rows = np.arange(len(labels))
    grad[rows, labels] = -1 / (len(labels) * probs[rows, labels])
    return grad


def ce_backward_loop(probs, labels):
    batch, n_classes = probs.shape
    grad = np.zeros((batch, n_classes))
    for n in range(batch):
        grad[n, labels[n]] = -1 / (batch * probs[n, labels[n]])
    return grad


def ce_backward_clips_in_place(probs, labels):
    np.clip(probs, 1e-12, 1.0, out=probs)
    return -one_hot(labels, probs.shape[1]) / probs / len(labels)


def fused(z, y):
    return (stable(z) - one_hot(y, z.shape[1])) / len(y)


def fused_indexed(logits, labels):  # chapter 2's solution with the max subtracted
    batch = len(labels)
    exps = np.exp(logits - logits.max(axis=1, keepdims=True))
    grad = exps / exps.sum(axis=1, keepdims=True)
    grad[np.arange(batch), labels] -= 1
    return grad / batch


def fused_loop(logits, labels):
    grad = []
    for row, label in zip(logits.tolist(), labels.tolist(), strict=True):
        exps = [np.exp(v - max(row)) for v in row]
        probs = [e / sum(exps) for e in exps]
        grad.append([(p - (k == label)) / len(labels) for k, p in enumerate(probs)])
    return grad


def fused_no_shift(logits, labels):  # chapter 2's solution before the stability section
    batch = len(labels)
    exps = np.exp(logits)
    grad = exps / exps.sum(axis=1, keepdims=True)
    grad[np.arange(batch), labels] -= 1
    return grad / batch


def fused_changes_logits(logits, labels):
    logits -= logits.max(axis=1, keepdims=True)
    return fused(logits, labels)


def linear(x, w, grad):
    return grad @ w.T, x.T @ grad, grad.sum(axis=0)


def linear_loops(x, w, grad):
    batch, n_in = x.shape
    n_out = w.shape[1]
    dx, dw, db = np.zeros((batch, n_in)), np.zeros((n_in, n_out)), np.zeros(n_out)
    for n in range(batch):
        for i in range(n_in):
            for j in range(n_out):
                dx[n, i] += grad[n, j] * w[i, j]
                dw[i, j] += x[n, i] * grad[n, j]
        db += grad[n]
    return dx, dw, db


def linear_updates_w(x, w, grad):
    dx, dw, db = linear(x, w, grad)
    w -= 0.1 * dw  # a training step inside the gradient function
    return dx, dw, db


def transposed(x, w, grad):  # Z = X W^T + b, W of shape (C, D)
    return grad @ w, grad.T @ x, grad.sum(axis=0)


def transposed_loops(x, w, grad):
    batch, n_in = x.shape
    n_out = w.shape[0]
    dx, dw, db = np.zeros((batch, n_in)), np.zeros((n_out, n_in)), np.zeros(n_out)
    for n in range(batch):
        for k in range(n_out):
            for i in range(n_in):
                dx[n, i] += grad[n, k] * w[k, i]
                dw[k, i] += grad[n, k] * x[n, i]
            db[k] += grad[n, k]
    return dx, dw, db


def relu_backward_copy(x, grad):
    out = grad.copy()
    out[x <= 0] = 0
    return out


def relu_backward_lists(x, grad):
    return [[g if v > 0 else 0.0 for v, g in zip(row, grad_row, strict=True)]
            for row, grad_row in zip(x.tolist(), grad.tolist(), strict=True)]


def relu_backward_in_place(x, grad):
    grad[x <= 0] = 0
    return grad


def vjp(p, g):
    return p * (g - (p * g).sum(axis=1, keepdims=True))


def vjp_loops(probs, grad):
    out = np.empty_like(probs)
    for n in range(len(probs)):
        total = sum(probs[n, i] * grad[n, i] for i in range(probs.shape[1]))
        out[n] = probs[n] * (grad[n] - total)
    return out


def vjp_einsum_shape_error(p, g):  # an einsum mistake, not a missing keepdims
    return np.einsum("nij,nj->ni", jacobian(p), g[:, :, None])


def sigmoid(z):
    return scipy.special.expit(z)


def bce(z, y):
    return (sigmoid(z) - y) / len(z)


def bce_naive_sigmoid(z, labels):  # exp(800) overflows to inf, 1 / inf = 0: still right
    return (1 / (1 + np.exp(-z)) - labels) / len(z)


def bce_loop(z, labels):
    batch = len(z)
    return [(1 / (1 + np.exp(-v)) - y) / batch for v, y in zip(z, labels, strict=True)]


def bce_from_labels(z, labels):
    grad = np.zeros_like(labels)
    grad[:] = (sigmoid(z) - labels) / len(z)
    return grad


def bce_before_cancelling(z, y):
    s = 1 / (1 + np.exp(-z))
    return -(y / s - (1 - y) / (1 - s)) * s * (1 - s) / len(z)


def bce_bitwise_not(z, labels):  # ~labels meant as 1 - labels
    s = sigmoid(z)
    return -(labels / s - ~labels / (1 - s)) * s * (1 - s) / len(z)


def bce_clips_z_in_place(z, labels):
    np.clip(z, -500, 500, out=z)
    return (sigmoid(z) - labels) / len(z)


def float32(fn):
    """The same solution computed in float32."""
    def in_float32(*args):
        return fn(*(a.astype(np.float32) if isinstance(a, np.ndarray) and a.dtype.kind == "f"
                    else a for a in args))
    in_float32.__name__ = f"{fn.__name__}_float32"
    return in_float32


# --- Right answers: every one must pass ---------------------------------------------------

RIGHT = [
    # im2col (chapter 11): its answers are written in test_im2col_checker.py
    *((ex.check_im2col, fn) for fn in IM2COL_RIGHT),
    (ex.check_one_hot, lambda labels, n: np.eye(n)[labels]),
    (ex.check_one_hot, lambda labels, n: np.arange(n) == labels[:, None]),
    (ex.check_one_hot, lambda labels, n: one_hot(labels, n)),
    (ex.check_one_hot, one_hot_loop),
    (ex.check_one_hot, lambda labels, n: np.eye(n, dtype=np.float32)[labels]),
    (ex.check_one_hot, lambda labels, n: np.eye(n, dtype=int)[labels].tolist()),
    (ex.check_softmax, stable),
    (ex.check_softmax, softmax_by(row_max, np.longdouble)),
    (ex.check_softmax, lambda x: scipy.special.softmax(x, axis=1)),
    (ex.check_softmax, lambda x: np.exp(x - scipy.special.logsumexp(x, axis=1, keepdims=True))),
    (ex.check_softmax, softmax_rows_loop),
    (ex.check_softmax, softmax_math_exp),
    (ex.check_softmax, softmax_in_place_on_a_copy),
    (ex.check_softmax, softmax_by(lambda x: reduce(x, "n c -> n 1", "max"))),
    (ex.check_softmax, softmax_by(lambda x: x.max(axis=-1)[:, None])),
    (ex.check_softmax_jacobian, jacobian),
    (ex.check_softmax_jacobian, jacobian_einops),
    (ex.check_softmax_jacobian, lambda p: np.stack([np.diag(q) - np.outer(q, q) for q in p])),
    (ex.check_softmax_jacobian,
     lambda p: np.einsum("ni,ij->nij", p, np.eye(p.shape[1])) - np.einsum("ni,nj->nij", p, p)),
    (ex.check_softmax_jacobian, lambda p: jacobian(p).transpose(0, 2, 1)),  # J is symmetric
    (ex.check_softmax_jacobian, lambda p: jacobian(p).tolist()),
    (ex.check_softmax_jacobian, float32(jacobian)),
    (ex.check_cross_entropy_backward, ce_backward),
    (ex.check_cross_entropy_backward, ce_backward_indexed),
    (ex.check_cross_entropy_backward, lambda p, y: np.where(
        np.arange(p.shape[1]) == y[:, None], -1 / (len(y) * p), 0.0)),
    (ex.check_cross_entropy_backward, ce_backward_loop),
    (ex.check_cross_entropy_backward, float32(ce_backward)),
    (ex.check_fused_gradient, fused),
    (ex.check_fused_gradient, fused_indexed),
    (ex.check_fused_gradient, lambda z, y: (scipy.special.softmax(z, axis=1)
                                            - np.eye(z.shape[1])[y]) / len(y)),
    (ex.check_fused_gradient, fused_loop),
    (ex.check_fused_gradient, float32(fused_indexed)),
    (ex.check_linear_backward, linear),
    (ex.check_linear_backward, linear_loops),
    (ex.check_linear_backward, lambda x, w, g: [(w @ g.T).T, np.einsum("ni,nj->ij", x, g),
                                                np.einsum("nj->j", g)]),
    (ex.check_linear_backward, float32(linear)),
    (ex.check_linear_backward, lambda x, w, g: (np.tensordot(g, w, axes=(1, 1)),
                                                np.tensordot(x, g, axes=(0, 0)),
                                                np.einsum("ac->c", g))),
    (ex.check_transposed_linear_backward, transposed),
    (ex.check_transposed_linear_backward, transposed_loops),
    (ex.check_transposed_linear_backward, float32(transposed)),
    (ex.check_transposed_linear_backward, lambda x, w, g: ((w.T @ g.T).T, (x.T @ g).T,
                                                           np.einsum("nk->k", g))),
    (ex.check_transposed_linear_backward, lambda x, w, g: (np.einsum("nk,ki->ni", g, w),
                                                           np.einsum("nk,ni->ki", g, x),
                                                           g.sum(axis=0))),
    (ex.check_relu_backward, lambda x, grad: grad * (x > 0)),
    (ex.check_relu_backward, lambda x, grad: np.where(x > 0, grad, 0.0)),
    (ex.check_relu_backward, relu_backward_copy),
    (ex.check_relu_backward, lambda x, grad: grad * np.heaviside(x, 0)),
    (ex.check_relu_backward, relu_backward_lists),
    (ex.check_relu_backward, float32(lambda x, grad: grad * (x > 0))),
    (ex.check_softmax_backward, vjp),
    (ex.check_softmax_backward, vjp_loops),
    (ex.check_softmax_backward, lambda p, g: p * g - p * np.einsum("nc,nc->n", p, g)[:, None]),
    (ex.check_softmax_backward, lambda p, g: np.einsum("nij,ni->nj", jacobian(p), g)),
    (ex.check_softmax_backward, float32(vjp)),
    (ex.check_bce_gradient, bce),
    (ex.check_bce_gradient, bce_naive_sigmoid),
    (ex.check_bce_gradient, lambda z, y: (0.5 * (1 + np.tanh(z / 2)) - y) / len(z)),
    (ex.check_bce_gradient, bce_loop),
    (ex.check_bce_gradient, float32(bce)),
]


@pytest.mark.parametrize("checker, fn", RIGHT)
def test_right_answers_pass(checker, fn):
    assert_accepts(checker, fn)


# --- Wrong answers: each must fail with its named diagnosis ---------------------------------

WRONG = [
    *((ex.check_im2col, fn, phrase) for fn, phrase in IM2COL_WRONG),
    # one-hot
    (ex.check_one_hot, lambda labels, n: np.eye(labels.max() + 1)[labels], "labels.max() + 1"),
    (ex.check_one_hot, one_hot_rank, "columns by rank"),
    (ex.check_one_hot, lambda labels, n: np.eye(len(np.unique(labels)))[
        np.unique(labels, return_inverse=True)[1]], "columns by rank"),
    (ex.check_one_hot, one_hot_whole_columns, "whole columns are set"),
    (ex.check_one_hot, lambda labels, n: np.roll(np.eye(n)[labels], 1, axis=1), "one column off"),
    (ex.check_one_hot, lambda labels, n: np.eye(n)[labels].T, "transpose of the right answer"),
    (ex.check_one_hot, lambda labels, n: np.eye(n)[np.sort(labels)], "entries differ"),
    # softmax: every shift but the row max fails by name, in float64 and in np.longdouble
    *[(ex.check_softmax, softmax_by(shift, dtype), phrase)
      for dtype in (np.float64, np.longdouble) for shift, phrase in LOOKALIKES],
    (ex.check_softmax, lambda x: stable(np.clip(x, -500, 500)), "clipped"),
    (ex.check_softmax, lambda x: stable(x.T).T, "wrong axis"),
    (ex.check_softmax, lambda x: stable(x / 2), "20 of 20 entries differ"),  # a temperature
    (ex.check_softmax, lambda x: np.exp(x - row_max(x)), "not normalised"),
    (ex.check_softmax, lambda x: np.exp(x - row_max(x)) / np.exp(x - row_max(x)).sum(),
     "sum of the whole batch"),
    (ex.check_softmax, lambda x: np.log(stable(x)), "log-probabilities"),
    (ex.check_softmax, lambda x: np.exp(x - np.log(np.exp(x).sum(axis=1, keepdims=True))),
     "log-sum-exp without its max"),
    (ex.check_softmax, softmax_no_keepdims, "hint: did you forget keepdims=True?"),
    (ex.check_softmax, softmax_changes_x, "changed its input `x` in place"),
    (ex.check_softmax, float32(stable), "what the inputs give once rounded to float32"),
    (ex.check_softmax, softmax_by(row_max, np.float32), "computes in float32, and float32 cannot"),
    (ex.check_softmax, lambda x: stable(x).T, "transpose of the right answer"),
    # softmax Jacobian
    (ex.check_softmax_jacobian, lambda p: -p[:, :, None] * p[:, None, :],
     "missing the diagonal term"),
    (ex.check_softmax_jacobian, lambda p: np.eye(p.shape[1]) * (p * (1 - p))[:, :, None],
     "only the diagonal"),
    (ex.check_softmax_jacobian, lambda p: p[:, :, None] * (np.eye(p.shape[1]) - p[:, :, None]),
     "both factors use the same index"),
    (ex.check_softmax_jacobian, lambda p: -jacobian(p), "sign flipped"),
    (ex.check_softmax_jacobian, jacobian_of_flat_batch, "its diagonal (C, C) blocks are right"),
    (ex.check_softmax_jacobian, jacobian_flat_wrong, "Jacobian of the flattened batch"),
    (ex.check_softmax_jacobian, lambda p: jacobian(p)[0], "only one sample's Jacobian"),
    (ex.check_softmax_jacobian, lambda p: jacobian(p).sum(axis=0), "for the whole batch"),
    (ex.check_softmax_jacobian, lambda p: jacobian(p).transpose(1, 2, 0),
     "axes in the wrong order"),
    (ex.check_softmax_jacobian, lambda p: jacobian(p).astype(complex), "complex numbers"),
    # cross-entropy backward
    (ex.check_cross_entropy_backward, lambda p, y: one_hot(y, p.shape[1]) * -1 / p,
     "not divided by the batch size"),
    (ex.check_cross_entropy_backward, lambda p, y: -one_hot(y, p.shape[1]) / p / p.size,
     "B * C"),
    (ex.check_cross_entropy_backward, lambda p, y: -ce_backward(p, y), "sign flipped"),
    (ex.check_cross_entropy_backward,
     lambda p, y: -one_hot(y, p.shape[1]) * np.log(p) / len(y), "not its derivative"),
    (ex.check_cross_entropy_backward, lambda p, y: -1 / p / len(y), "-1/P everywhere"),
    (ex.check_cross_entropy_backward, lambda p, y: -np.eye(y.max() + 1)[y] / p / len(y),
     "hint: a one-hot of the wrong width"),
    (ex.check_fused_gradient, lambda z, y: (stable(z) - np.eye(y.max() + 1)[y]) / len(y),
     "hint: a one-hot of the wrong width"),
    (ex.check_cross_entropy_backward, lambda p, y: -one_hot_rank(y, p.shape[1]) / p / len(y),
     "one-hot columns by rank"),
    (ex.check_cross_entropy_backward, ce_backward_clips_in_place,
     "changed its input `probs` in place"),
    # fused softmax cross-entropy
    (ex.check_fused_gradient, lambda z, y: stable(z) - one_hot(y, z.shape[1]),
     "not divided by the batch size"),
    (ex.check_fused_gradient, lambda z, y: -fused(z, y), "sign flipped"),
    (ex.check_fused_gradient, lambda z, y: stable(z) / len(y), "forgot to subtract the one-hot"),
    (ex.check_fused_gradient, lambda z, y: (z - one_hot(y, z.shape[1])) / len(y),
     "used the logits"),
    (ex.check_fused_gradient, lambda z, y: (stable(z) - one_hot_rank(y, z.shape[1])) / len(y),
     "one-hot columns by rank"),
    (ex.check_fused_gradient, fused_no_shift, "no max-subtraction"),
    *[(ex.check_fused_gradient, fused_by(shift, dtype), phrase)
      for dtype in (np.float64, np.longdouble) for shift, phrase in LOOKALIKES],
    (ex.check_fused_gradient, fused_changes_logits, "changed its input `logits` in place"),
    # Linear backward
    (ex.check_linear_backward, lambda x, w, g: x.T @ g, "dx is dL/dW"),
    (ex.check_linear_backward, lambda x, w, g: (x.T @ g, x.T @ g, g.sum(axis=0)), "dx is dL/dW"),
    (ex.check_linear_backward, lambda x, w, g: (x.T @ g, g @ w.T, g.sum(axis=0)), "swapped"),
    (ex.check_linear_backward, lambda x, w, g: (w @ g.T, x.T @ g, g.sum(axis=0)),
     "transpose of the right answer"),
    (ex.check_linear_backward, lambda x, w, g: (g @ w.T, g.T @ x, g.sum(axis=0)),
     "transpose of the right answer"),
    (ex.check_linear_backward, lambda x, w, g: (g @ w.T, x.T @ g, g), "db is not summed"),
    (ex.check_linear_backward, lambda x, w, g: (g @ w.T, x.T @ g, g.mean(axis=0)),
     "db is averaged"),
    (ex.check_linear_backward, lambda x, w, g: (g @ w.T, x.T @ g, g.sum(axis=1)),
     "summed over axis 1"),
    (ex.check_linear_backward, lambda x, w, g: (g @ w.T, x.T @ g, g[0]),
     "relative error of db against the numerical gradient"),
    (ex.check_linear_backward, lambda x, w, g: (g @ w.T, x.T @ g / len(x), g.sum(axis=0)),
     "dw is divided by the batch"),
    (ex.check_linear_backward, lambda x, w, g: (g @ w, x.T @ g, g.sum(axis=0)),
     "hint: check which matrix needs a transpose"),
    (ex.check_linear_backward, lambda x, w, g: (g @ w.T, None, None), "dw and db are still None"),
    (ex.check_linear_backward, lambda x, w, g: (g @ w.T, x.T @ g), "got 2 values"),
    (ex.check_linear_backward, linear_updates_w, "changed its input `w` in place"),
    # Linear backward with W stored as (C, D): Z = X W^T + b
    (ex.check_transposed_linear_backward, lambda x, w, g: (g @ w, x.T @ g, g.sum(axis=0)),
     "dw is X^T G, the weight gradient of Z = XW"),
    (ex.check_transposed_linear_backward, lambda x, w, g: (g @ w.T, g.T @ x, g.sum(axis=0)),
     "hint: here w has shape (C, D)"),
    (ex.check_transposed_linear_backward, linear, "hint: here w has shape (C, D)"),
    (ex.check_transposed_linear_backward, lambda x, w, g: (g.T @ x, g @ w, g.sum(axis=0)),
     "swapped"),
    (ex.check_transposed_linear_backward, lambda x, w, g: (g @ w, g.T @ x / len(x),
                                                           g.sum(axis=0)),
     "dw is divided by the batch"),
    (ex.check_transposed_linear_backward, lambda x, w, g: (g @ w, g.T @ x, g), "db is not summed"),
    (ex.check_transposed_linear_backward, lambda x, w, g: (g @ w, g.T @ x, g.mean(axis=0)),
     "db is averaged"),
    (ex.check_transposed_linear_backward, lambda x, w, g: (g @ w, g.T @ x, g.sum(axis=1)),
     "summed over axis 1"),
    # ReLU backward
    (ex.check_relu_backward, lambda x, grad: grad, "grad passes through unchanged"),
    (ex.check_relu_backward, lambda x, grad: grad * np.maximum(x, 0), "the output max(x, 0)"),
    (ex.check_relu_backward, lambda x, grad: grad * x, "multiplied by x"),
    (ex.check_relu_backward, lambda x, grad: (x > 0).astype(float), "without multiplying"),
    (ex.check_relu_backward, lambda x, grad: grad * (x < 0), "mask is inverted"),
    (ex.check_relu_backward, lambda x, grad: np.maximum(grad, 0), "ReLU applied to the gradient"),
    (ex.check_relu_backward, relu_backward_in_place, "changed its input `grad` in place"),
    # softmax backward (the vector-Jacobian product)
    (ex.check_softmax_backward, lambda p, g: jacobian(p), "returned the Jacobian"),
    (ex.check_softmax_backward, lambda p, g: np.einsum("nij,ni->ni", jacobian(p), g),
     "all zeros"),
    (ex.check_softmax_backward, lambda p, g: p * g, "forgot to subtract the row sum"),
    (ex.check_softmax_backward, lambda p, g: -vjp(p, g), "sign flipped"),
    (ex.check_softmax_backward, lambda p, g: p * (g - (p * g).sum(axis=0, keepdims=True)),
     "wrong axis"),
    (ex.check_softmax_backward, lambda p, g: p * (g - (p * g).sum()), "one sum for the whole"),
    (ex.check_softmax_backward, lambda p, g: p * (g - g.sum(axis=1, keepdims=True)),
     "not weighted by p"),
    (ex.check_softmax_backward, lambda p, g: g - (p * g).sum(axis=1, keepdims=True),
     "forgot the factor p"),
    (ex.check_softmax_backward, lambda p, g: p * (1 - p) * g, "only the Jacobian's diagonal"),
    (ex.check_softmax_backward, lambda p, g: vjp(p, g).T, "transpose of the right answer"),
    (ex.check_softmax_backward, lambda p, g: p * (g - (p * g).sum(axis=1)),
     "hint: did you forget keepdims=True?"),
    # binary cross-entropy with a sigmoid
    (ex.check_bce_gradient, bce_from_labels, "built from the labels"),
    (ex.check_bce_gradient, lambda z, y: (sigmoid(z) - y) // len(z), "floor division"),
    (ex.check_bce_gradient, lambda z, y: sigmoid(z) - y, "not divided by B"),
    (ex.check_bce_gradient, lambda z, y: bce(z, y) / len(z), "divided by B twice"),
    (ex.check_bce_gradient, lambda z, y: -bce(z, y), "sign flipped"),
    (ex.check_bce_gradient, lambda z, y: sigmoid(z) * (1 - sigmoid(z)) * bce(z, y),
     "chain rule twice"),
    (ex.check_bce_gradient, lambda z, y: bce(z, y) / (sigmoid(z) * (1 - sigmoid(z))),
     "that is dL/ds"),
    (ex.check_bce_gradient, bce_before_cancelling, "divides by s or by 1 - s"),
    (ex.check_bce_gradient, lambda z, y: (np.exp(z) / (1 + np.exp(z)) - y) / len(z),
     "exp(z) / (1 + exp(z))"),
    (ex.check_bce_gradient, lambda z, y: (z - y) / len(z), "forgot the sigmoid"),
    (ex.check_bce_gradient, lambda z, y: (sigmoid(z) - sigmoid(y)) / len(z),
     "labels went through the sigmoid"),
    (ex.check_bce_gradient, lambda z, y: np.mean(np.logaddexp(0, z) - y * z), "a single number"),
    (ex.check_bce_gradient, bce_clips_z_in_place, "changed its input `z` in place"),
    (ex.check_bce_gradient, bce_bitwise_not, "~labels is not 1 - labels"),
]


@pytest.mark.parametrize("checker, fn, phrase", WRONG)
def test_wrong_answers_fail_with_their_diagnosis(checker, fn, phrase):
    assert_rejects(checker, fn, phrase)


def test_an_einsum_shape_error_gets_no_keepdims_hint():
    assert_rejects(ex.check_softmax_backward, vjp_einsum_shape_error, "raised ValueError",
                   "at: return np.einsum(", absent=["keepdims"])


def test_every_checker_has_right_and_wrong_answers():
    for checker in (c for c, *_ in RIGHT + WRONG):
        assert sum(c is checker for c, _ in RIGHT) >= 3
        assert sum(c is checker for c, *_ in WRONG) >= 5


def test_a_jacobian_solution_passes_with_a_note_on_its_cost():
    passed, message = check(ex.check_softmax_backward,
                            lambda p, g: np.einsum("nij,ni->nj", jacobian(p), g))
    assert passed and "note:" in message and "O(B * C^2)" in message
    assert "note" not in check(ex.check_softmax_backward, vjp)[1]


# --- The book's notation (DESIGN.md §8) in what the checkers say -------------------------

def test_linear_messages_use_the_books_shapes():
    message = check(ex.check_linear_backward, lambda x, w, g: x.T @ g)[1]
    assert "dL/dX = grad @ w.T, shape (B, D)" in message
    assert "x.T @ grad, shape (D, C)" in message
    message = check(ex.check_linear_backward,
                    lambda x, w, g: (g @ w, x.T @ g, g.sum(axis=0)))[1]
    assert "(B, C) @ (C, D) -> (B, D)" in message
    message = check(ex.check_linear_backward,
                    lambda x, w, g: (g @ w.T, x.T @ g, g))[1]
    assert "shape (C,)" in message


def test_transposed_linear_messages_derive_the_right_formula():
    message = check(ex.check_transposed_linear_backward,
                    lambda x, w, g: (g @ w, x.T @ g, g.sum(axis=0)))[1]
    assert "dw = grad.T @ x" in message and "shape (C, D) like w" in message
    # on a square case the chapter's dx = G W^T computes, and is named
    square = ex.layers._transposed_linear_exercise().cases[4]
    x, w, g = (np.asarray(a, np.float64) for a in square.args)
    got = {"dx": g @ w.T, "dw": g.T @ x, "db": g.sum(axis=0)}
    named = [m.description for m in ex.layers._transposed_linear_exercise().mistakes
             if m.applies(square, got)]
    assert named and "dx = grad @ w, (B, C) @ (C, D) -> (B, D)" in named[0]


def test_softmax_hints_name_the_logits():
    message = check(ex.check_softmax, softmax_no_keepdims)[1]
    assert "logits.max(axis=1)" in message
    message = check(ex.check_softmax, softmax_by(lambda x: 0))[1]
    assert "np.exp(logits - logits.max(axis=1, keepdims=True))" in message


def _all_exercises():
    from nnlib.exercises import convolution, layers, losses, minibatches, softmax
    return [getattr(module, name)() for module in (layers, losses, softmax, minibatches,
                                                   convolution)
            for name in dir(module) if name.endswith("_exercise")]


OLD_NOTATION = ["dL/dx", "dL/dy", "(batch, in)", "(in, out)", "(batch, out)", "(out, in)",
                "(out,)", "(batch, C", "batch * C", "np.exp(x", "x.max(", "|x|", "(x - ",
                "p - onehot", "onehot - p", "float32 z", "from z ("]


def test_no_message_contradicts_the_notation_table():
    from nnlib.exercises.cases import SHIFT_MISTAKES
    texts = list(SHIFT_MISTAKES.values())
    for exercise in _all_exercises():
        texts += [m.description for m in exercise.mistakes]
        texts += [case.description for case in exercise.cases]
        texts += list(exercise.outputs)
    assert len(texts) > 60
    for text in texts:
        for old in OLD_NOTATION:
            assert old not in text, f"{old!r} in: {text}"
