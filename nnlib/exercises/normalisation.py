"""Batch normalisation's backward pass (chapter 10).

The reader writes ``fn(x, gamma, grad) -> (dx, dgamma, dbeta)`` for
``BatchNorm`` in training mode, where the mean and the variance are the
batch's own. The reference is nnlib's ``BatchNorm``; the numerical
gradients come from ``nnlib.gradcheck``.
"""

import functools

import numpy as np

from nnlib.exercises.cases import generator
from nnlib.exercises.grading import (
    CheckResult,
    Exercise,
    Mistake,
    equals,
    grade,
    make_case,
    report,
)
from nnlib.gradcheck import layer_gradients, layer_numerical_gradients
from nnlib.layers.batchnorm import BatchNorm

EPS = 1e-5  # BatchNorm's default, and the exercise's


def _batchnorm(gamma: np.ndarray) -> BatchNorm:
    """nnlib's BatchNorm with scale ``gamma``, in training mode (beta
    changes no gradient)."""
    layer = BatchNorm(len(gamma), eps=EPS)
    layer.gamma = np.array(gamma, dtype=np.float64)
    return layer


def _renamed(gradients: dict) -> dict:
    return {"dx": gradients["x"], "dgamma": gradients["gamma"],
            "dbeta": gradients["beta"]}


def _parts(case, ddof: int = 0, eps: float = EPS):
    """x_hat, 1 / sqrt(var + eps), G * gamma and G of a case, in float64,
    with the variance divided by B - ddof."""
    x, gamma, grad = (a.astype(np.float64) for a in case.args)
    inv_std = 1 / np.sqrt(x.var(axis=0, ddof=ddof) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    return x_hat, inv_std, grad * gamma, grad


def _dx(case, *, mean_term=True, var_term=True, ddof=0, eps=EPS,
        with_gamma=True, reduce="mean", sign=-1):
    """dL/dX by the compact formula, with one part changed as a learner's
    mistake would change it."""
    x_hat, inv_std, grad_x_hat, grad = _parts(case, ddof, eps)
    if not with_gamma:
        grad_x_hat = grad
    total = getattr(np, reduce)
    result = grad_x_hat.copy()
    if mean_term:
        result -= total(grad_x_hat, axis=0)
    if var_term:
        result += sign * x_hat * total(grad_x_hat * x_hat, axis=0)
    return inv_std * result


def _either(*detectors):
    """A detector that matches when any of ``detectors`` does."""
    return lambda case, got: any(d(case, got) for d in detectors)


@functools.cache
def _batchnorm_exercise() -> Exercise:
    def reference(x, gamma, grad):
        return _renamed(layer_gradients(_batchnorm(gamma), x, grad))

    def numeric(x, gamma, grad):
        return _renamed(layer_numerical_gradients(_batchnorm(gamma), x,
                                                  grad))

    rng = generator()
    cases = []
    for batch, features, note, dtype, scale in [
            (5, 3, "", np.float64, 1.0), (4, 6, "", np.float64, 1.0),
            (3, 2, "a batch of 3: ", np.float64, 1.0),
            (6, 4, "float32: ", np.float32, 1.0),
            (8, 3, "features of tiny variance (eps matters): ", np.float64,
             1e-3)]:
        x = (rng.normal(size=(batch, features)) * scale
             + rng.normal(size=features))
        gamma = rng.uniform(0.5, 2.0, size=features) * rng.choice([-1, 1],
                                                                 features)
        grad = rng.normal(size=(batch, features))
        args = tuple(a.astype(dtype) for a in (x, gamma, grad))
        cases.append(make_case(
            f"{note}B = {batch}, H = {features}", args, reference,
            numeric=numeric))

    def x_hat(c):
        return _parts(c)[0]

    def g(c):
        return _parts(c)[3]

    mistakes = (
        Mistake("dx treats the batch mean and variance as constants: "
                "dx = G * gamma / sqrt(var + eps) is evaluation mode's "
                "backward. In training, every x_n also moves the mean and "
                "the variance; subtract the two means of the compact form",
                equals("dx", lambda c: _dx(c, mean_term=False,
                                         var_term=False))),
        Mistake("dx misses the path through the variance: subtract "
                "x_hat * mean(G * gamma * x_hat) as well",
                equals("dx", lambda c: _dx(c, var_term=False))),
        Mistake("dx misses the path through the mean: subtract "
                "mean(G * gamma) over the batch as well",
                equals("dx", lambda c: _dx(c, mean_term=False))),
        Mistake("dx leaves out gamma: the output is gamma * x_hat + beta, "
                "so dL/dx_hat = G * gamma",
                equals("dx", lambda c: _dx(c, with_gamma=False))),
        Mistake("sums where the compact form has means: the two batch "
                "terms are means over B (sum / B), or the 1/B is missing",
                equals("dx", lambda c: _dx(c, reduce="sum"))),
        Mistake("the variance term has the wrong sign: dx = (G * gamma - "
                "mean(G * gamma) - x_hat * mean(G * gamma * x_hat)) / "
                "sqrt(var + eps)", equals("dx", lambda c: _dx(c, sign=+1))),
        Mistake("the variance is divided by B - 1 (unbiased): the layer "
                "normalises with the batch variance divided by B, "
                "x.var(axis=0); only the running estimate uses B - 1",
                equals("dx", lambda c: _dx(c, ddof=1))),
        Mistake("eps is missing: the forward pass divides by "
                "sqrt(var + eps) with eps = 1e-5, so the backward must too "
                "(it matters when a feature barely varies)",
                equals("dx", lambda c: _dx(c, eps=0.0))),
        Mistake("dgamma is not summed over the batch: every row used the "
                "same gamma, so dgamma = (G * x_hat).sum(axis=0), shape "
                "(H,)", equals("dgamma", lambda c: g(c) * x_hat(c))),
        Mistake("dgamma uses x instead of x_hat: gamma multiplies the "
                "normalised x_hat",
                equals("dgamma", lambda c: (g(c) * c.args[0]).sum(axis=0))),
        Mistake("dgamma or dbeta is averaged over the batch; sum it (the "
                "loss already divided by B, so G carries the 1/B)",
                _either(equals("dgamma",
                            lambda c: (g(c) * x_hat(c)).mean(axis=0)),
                        equals("dbeta", lambda c: g(c).mean(axis=0)))),
        Mistake("dbeta is not summed over the batch: dbeta = "
                "G.sum(axis=0), shape (H,)", equals("dbeta", g)),
        Mistake("summed over axis 1 (the H features): sum over the batch, "
                "axis 0, one entry per feature",
                _either(equals("dbeta", lambda c: g(c).sum(axis=1)),
                        equals("dgamma",
                            lambda c: (g(c) * x_hat(c)).sum(axis=1)))),
    )
    return Exercise(args=("x", "gamma", "grad"),
                    outputs=("dx", "dgamma", "dbeta"), cases=tuple(cases),
                    mistakes=mistakes, reference=reference)


def check_batchnorm_backward(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(x, gamma, grad) -> (dx, dgamma, dbeta)`` for batch
    normalisation in training mode, eps = 1e-5.

    x: X, (B, H); gamma: (H,); grad = G = dL/d(output): (B, H), where the
    output is gamma * x_hat + beta and x_hat = (x - mean) / sqrt(var + eps)
    with the batch's mean and (biased) variance. Returns dx = dL/dX: (B, H),
    dgamma: (H,), dbeta: (H,).
    """
    return report(grade(fn, _batchnorm_exercise()), verbose)
