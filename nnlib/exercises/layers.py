"""Layers' backward passes: Linear (chapters 5 and 99), the Linear layer
with its weights stored transposed (chapter 5) and ReLU (chapter 7).

The references are nnlib's own layers; the numerical gradients come from
``nnlib.gradcheck.layer_numerical_gradients``, which walks
``layer.parameters()``.
"""

import functools

import numpy as np

from nnlib.exercises.cases import (
    generator,
    matmul_hint,
)
from nnlib.exercises.grading import (
    CheckResult,
    Exercise,
    Mistake,
    equals,
    grade,
    make_case,
    matches,
    report,
)
from nnlib.gradcheck import layer_gradients, layer_numerical_gradients
from nnlib.layers.activations import ReLU
from nnlib.layers.linear import Linear

# --- Chapter 5: the Linear layer ---------------------------------------------


def _arg(index: int):
    """A mistaken formula's input: the case's argument ``index``, in
    float64 (x, w, grad for the Linear exercises)."""
    return lambda case: case.args[index].astype(np.float64)


# db is the same in both layouts (Z = XW + b and Z = XW^T + b): grad is
# the case's argument 2
DB_MISTAKES = (
    Mistake("db is not summed over the batch: every row used the same "
            "b, so db = grad.sum(axis=0), shape (C,)",
            equals("db", _arg(2))),
    Mistake("db is averaged over the batch; sum it (the loss already "
            "divided by B, so grad carries the 1/B)",
            equals("db", lambda c: _arg(2)(c).mean(axis=0))),
    Mistake("db is summed over axis 1 (the C outputs): sum over the "
            "batch, axis 0, which gives one entry per output",
            equals("db", lambda c: _arg(2)(c).sum(axis=1))),
)
SWAPPED = Mistake("dx and dw are swapped: return them in the order "
                  "(dx, dw, db)",
                  lambda c, got: matches(c, got, "dx", c.expected["dw"])
                  and matches(c, got, "dw", c.expected["dx"]))


def _linear_cases(shapes, reference, numeric, *, transposed: bool = False):
    """Seeded cases (x, w, grad) of the given (B, D, C, note, dtype) shapes;
    w is (D, C), or (C, D) when ``transposed`` (PyTorch's layout)."""
    rng = generator()
    cases = []
    for batch, n_in, n_out, note, dtype in shapes:
        w_shape = (n_out, n_in) if transposed else (n_in, n_out)
        x, w, grad = (rng.normal(size=shape).astype(dtype) for shape in
                      [(batch, n_in), w_shape, (batch, n_out)])
        where = f", w of shape {w_shape}" if transposed else ""
        cases.append(make_case(f"{note}B = {batch}, D = {n_in}, "
                               f"C = {n_out}{where}", (x, w, grad),
                               reference, numeric=numeric))
    return cases


def _linear(w: np.ndarray) -> Linear:
    """nnlib's Linear with weights ``w`` (its bias does not change any
    gradient)."""
    layer = Linear(*w.shape, dtype=w.dtype)
    layer.w = np.array(w)
    return layer


def _renamed(gradients: dict) -> dict:
    return {"dx": gradients["x"], "dw": gradients["w"],
            "db": gradients["b"]}


@functools.cache
def _linear_exercise() -> Exercise:
    def reference(x, w, grad):
        return _renamed(layer_gradients(_linear(w), x, grad))

    def numeric(x, w, grad):
        return _renamed(layer_numerical_gradients(_linear(w), x, grad))

    cases = _linear_cases([(5, 4, 3, "", np.float64),
                           (3, 2, 6, "", np.float64),
                           (1, 3, 2, "a batch of 1: ", np.float64),
                           (4, 3, 5, "float32: ", np.float32),
                           (2, 3, 3, "square w: ", np.float64),
                           (3, 2, 3, "as many samples as outputs: ",
                            np.float64)], reference, numeric)

    x, w, g = _arg(0), _arg(1), _arg(2)
    mistakes = (
        SWAPPED,
        Mistake("dx is dL/dW (x.T @ grad, shape (D, C)): the article's "
                "Linear.backward returns the weight gradient. The layer "
                "below produced X, so it needs dL/dX = grad @ w.T, shape "
                "(B, D)", equals("dx", lambda c: x(c).T @ g(c))),
        Mistake("dx = grad @ w: w needs a transpose, dx = grad @ w.T, "
                "(B, C) @ (C, D) -> (B, D)",
                equals("dx", lambda c: g(c) @ w(c))),
        *DB_MISTAKES,
        Mistake("dw is divided by the batch: grad already carries the 1/B "
                "of the mean loss, so dw = x.T @ grad",
                equals("dw", lambda c: x(c).T @ g(c) / len(g(c)))),
    )
    return Exercise(args=("x", "w", "grad"), outputs=("dx", "dw", "db"),
                    cases=tuple(cases), mistakes=mistakes,
                    reference=reference, hints=(matmul_hint,))


def check_linear_backward(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(x, w, grad) -> (dx, dw, db)`` for the layer
    Z = X W + 1 b^T (``x @ w + b``).

    x: X, (B, D); w: W, (D, C); grad = G = dL/dZ: (B, C). Returns
    dx = dL/dX: (B, D), dw = dL/dW: (D, C), db = dL/db: (C,).
    """
    return report(grade(fn, _linear_exercise()), verbose)


# --- Chapter 5: a variant whose answer is not on the page --------------------


def _transposed_matmul_hint(error, case, args) -> str | None:
    """A matrix product that does not chain, with W stored as (C, D)."""
    if isinstance(error, ValueError) and str(error).startswith("matmul:"):
        return ("here w has shape (C, D), not (D, C): write the shapes "
                "under each product (x is (B, D), grad is (B, C)); a "
                "product chains only when the inner sizes agree")
    return None


@functools.cache
def _transposed_linear_exercise() -> Exercise:
    def reference(x, w, grad):  # nnlib's Linear holds the (D, C) matrix W^T
        gradients = _renamed(layer_gradients(_linear(w.T), x, grad))
        return {**gradients, "dw": gradients["dw"].T}

    def numeric(x, w, grad):
        gradients = _renamed(layer_numerical_gradients(_linear(w.T), x, grad))
        return {**gradients, "dw": gradients["dw"].T}

    cases = _linear_cases([(5, 4, 3, "", np.float64),
                           (3, 2, 6, "", np.float64),
                           (1, 3, 2, "a batch of 1: ", np.float64),
                           (4, 3, 5, "float32: ", np.float32),
                           (3, 3, 3, "B = D = C: ", np.float64),
                           (2, 3, 2, "as many samples as outputs: ",
                            np.float64)], reference, numeric,
                          transposed=True)

    x, w, g = _arg(0), _arg(1), _arg(2)
    mistakes = (
        SWAPPED,
        Mistake("dw is X^T G, the weight gradient of Z = XW, shape (D, C). "
                "Here Z_nk = sum_i X_ni W_ki: W_ki meets X_ni and G_nk, "
                "so dL/dW_ki = sum_n G_nk X_ni, that is dw = grad.T @ x, "
                "shape (C, D) like w",
                equals("dw", lambda c: x(c).T @ g(c))),
        Mistake("dx is G W^T, the input gradient of Z = XW. Here "
                "Z_nk = sum_i X_ni W_ki, so dL/dX_ni = sum_k G_nk W_ki: "
                "dx = grad @ w, (B, C) @ (C, D) -> (B, D)",
                equals("dx", lambda c: g(c) @ w(c).T)),
        Mistake("dw is divided by the batch: grad already carries the 1/B "
                "of the mean loss, so dw = grad.T @ x",
                equals("dw", lambda c: g(c).T @ x(c) / len(g(c)))),
        *DB_MISTAKES,
    )
    return Exercise(args=("x", "w", "grad"), outputs=("dx", "dw", "db"),
                    cases=tuple(cases), mistakes=mistakes,
                    reference=reference, hints=(_transposed_matmul_hint,))


def check_transposed_linear_backward(fn, *,
                                     verbose: bool = True) -> CheckResult:
    """Check ``fn(x, w, grad) -> (dx, dw, db)`` for the layer
    Z = X W^T + 1 b^T (``x @ w.T + b``), PyTorch's ``nn.Linear``, whose
    weights are stored as (C, D).

    x: X, (B, D); w: W, (C, D); grad = G = dL/dZ: (B, C). Returns
    dx = dL/dX: (B, D), dw = dL/dW: (C, D), db = dL/db: (C,).
    """
    return report(grade(fn, _transposed_linear_exercise()), verbose)


# --- Chapter 7: ReLU ---------------------------------------------------------


@functools.cache
def _relu_exercise() -> Exercise:
    def reference(x, grad):
        return {"dL/dX": layer_gradients(ReLU(), x, grad)["x"]}

    def numeric(x, grad):
        return {"dL/dX": layer_numerical_gradients(ReLU(), x, grad)["x"]}

    rng = generator()
    cases = []
    for shape, note, dtype in [((5, 4), "", np.float64),
                               ((3, 7), "", np.float64),
                               ((1, 5), "a batch of 1: ", np.float64),
                               ((4, 6), "float32: ", np.float32)]:
        # x kept away from 0, where ReLU has a kink
        x = (rng.choice([-1.0, 1.0], size=shape)
             * rng.uniform(0.2, 2.0, size=shape)).astype(dtype)
        grad = rng.normal(size=shape).astype(dtype)
        cases.append(make_case(f"{note}x and grad of shape {shape}",
                               (x, grad), reference, numeric=numeric))
    out = "dL/dX"

    x, g = _arg(0), _arg(1)

    mistakes = (
        Mistake("grad passes through unchanged: ReLU's slope is 0 where "
                "x <= 0, so those entries must be 0", equals(out, g)),
        Mistake("multiplied by the output max(x, 0) instead of the slope: "
                "the slope is 1 where x > 0 and 0 elsewhere, i.e. (x > 0)",
                equals(out, lambda c: g(c) * np.maximum(x(c), 0))),
        Mistake("multiplied by x: the slope of max(x, 0) is 1 (not x) "
                "where x > 0", equals(out, lambda c: g(c) * x(c))),
        Mistake("returned the slope (x > 0) without multiplying by grad "
                "(chain rule)", equals(out, lambda c: (x(c) > 0) * 1.0)),
        Mistake("the mask is inverted: the gradient flows where x > 0",
                equals(out, lambda c: g(c) * (x(c) < 0))),
        Mistake("ReLU applied to the gradient: the mask comes from the "
                "input x, not from the sign of grad",
                equals(out, lambda c: np.maximum(g(c), 0))),
    )
    return Exercise(args=("x", "grad"), outputs=(out,), cases=tuple(cases),
                    mistakes=mistakes, reference=reference)


def check_relu_backward(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(x, grad) -> dL/dX`` for A = max(X, 0), entry by entry.

    x: the forward input X, (B, features); grad = dL/dA, same shape.
    Returns dL/dX, same shape: grad where x > 0, 0 elsewhere. (The tests
    keep x away from 0, where ReLU has a kink.)
    """
    return report(grade(fn, _relu_exercise()), verbose)
