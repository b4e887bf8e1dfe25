"""Softmax: the stable forward (chapter 2), its Jacobian (chapter 4) and
the vector-Jacobian product (chapter 8)."""

import functools
import tracemalloc
import warnings

import numpy as np

from nnlib.exercises.cases import (
    HUGE_LOGITS,
    WIDE_LOGITS,
    describe_rows,
    generator,
    keepdims_hint,
    softmax_mistakes,
)
from nnlib.exercises.compare import same
from nnlib.exercises.grading import (
    CheckResult,
    Exercise,
    Mistake,
    equals,
    grade,
    make_case,
    matches,
    report,
    verdict,
)
from nnlib.gradcheck import layer_numerical_gradients, numerical_gradient
from nnlib.layers.softmax import Softmax, softmax


def _logit_cases(rng) -> list[tuple[str, np.ndarray, str]]:
    """(description, logits, tag): ordinary, batch of 1, float32, large,
    rows at different levels, rows spanning a wide range."""
    mixed = rng.normal(size=(4, 3)) + np.array([[1000.0], [-1000.0], [0.0],
                                                [500.0]])
    return [
        ("random logits, batch 5, 4 classes", rng.normal(size=(5, 4)) * 2,
         ""),
        ("a batch of 1: one row of 3 logits", rng.normal(size=(1, 3)), ""),
        ("float32 logits, batch 4, 6 classes",
         rng.normal(size=(4, 6)).astype(np.float32), ""),
        ("large logits (around 1000)", rng.normal(size=(4, 3)) * 5 + 1000.0,
         "large"),
        ("rows at very different levels (+1000, -1000, 0, +500)", mixed,
         "mixed"),
        (f"rows spanning a wide range: {describe_rows(WIDE_LOGITS)}",
         WIDE_LOGITS.copy(), "wide"),
        (f"rows beyond np.longdouble's range: {describe_rows(HUGE_LOGITS)}",
         HUGE_LOGITS.copy(), "huge"),
    ]


# --- Chapter 2: the stable softmax -------------------------------------------


@functools.cache
def _softmax_exercise() -> Exercise:
    def reference(logits):
        return {"probs": softmax(logits)}

    cases = tuple(make_case(text, (logits,), reference, tag=tag)
                  for text, logits, tag in _logit_cases(generator()))

    def z(case):
        return case.args[0].astype(np.float64)

    def uniform_rows(case, got):  # clipped logits: every row 1/C
        probs = got.get("probs")
        return case.tag == "large" and probs is not None and bool(
            np.allclose(probs, 1 / probs.shape[-1]))

    def log_softmax(case):
        shifted = z(case) - z(case).max(axis=1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))

    def unnormalised(case):
        return [np.exp(z(case)),
                np.exp(z(case) - z(case).max(axis=1, keepdims=True))]

    mistakes = (
        *softmax_mistakes("probs", z),
        Mistake("every row came out flat on logits near 1000: were the "
                "logits clipped (np.clip, np.minimum)? That changes them. "
                "Subtracting each row's max changes nothing and cannot "
                "overflow", uniform_rows),
        Mistake("log-sum-exp without its max: np.log(np.exp(logits)"
                ".sum(...)) overflows to inf just like exp(logits) alone. "
                "Subtract each row's max m first: logsumexp = m + "
                "log(sum(exp(logits - m)))",
                equals("probs", lambda c: np.exp(z(c) - np.log(np.exp(
                    z(c)).sum(axis=1, keepdims=True))))),
        Mistake("wrong axis: your columns sum to 1; each row (one sample) "
                "must sum to 1, so sum over axis=1",
                equals("probs", lambda c: softmax(z(c).T).T)),
        Mistake("not normalised: divide by each row's sum",
                equals("probs", lambda c: unnormalised(c)[0],
                    lambda c: unnormalised(c)[1])),
        Mistake("divided by the sum of the whole batch: each row needs its "
                "own sum, exps.sum(axis=1, keepdims=True)",
                equals("probs", *[lambda c, k=k: unnormalised(c)[k]
                               / unnormalised(c)[k].sum() for k in (0, 1)])),
        Mistake("these are log-probabilities (logits - logsumexp): return "
                "their exp, the probabilities themselves",
                equals("probs", log_softmax)),
    )
    return Exercise(args=("logits",), outputs=("probs",), cases=cases,
                    mistakes=mistakes, reference=reference,
                    hints=(keepdims_hint("logits.max(axis=1) or "
                                         "exps.sum(axis=1)"),))


def check_softmax(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(logits) -> probs``, the row-wise softmax P = softmax(Z).

    logits: Z, (B, C), any finite values: also huge ones, and rows spanning
    a wide range such as [0, 1500] or [0, 30000], where only subtracting
    each row's max keeps exp finite. Returns (B, C): each row is positive
    and sums to 1.
    """
    return report(grade(fn, _softmax_exercise()), verbose)


# --- Chapter 4: the Jacobian -------------------------------------------------


def _logits_of(probs: np.ndarray) -> np.ndarray:
    """Logits whose softmax is ``probs``, in its dtype (softmax(log p) = p
    when each row of p sums to 1)."""
    return np.log(np.maximum(probs, np.finfo(probs.dtype).tiny))


def _layer_at(probs: np.ndarray) -> Softmax:
    """nnlib's Softmax after a forward pass that gave ``probs``."""
    layer = Softmax()
    layer.forward(_logits_of(probs))
    return layer


def _numeric_jacobian(probs: np.ndarray) -> np.ndarray:
    """d p[n, i] / d z[n, j] by central differences: rows are
    independent, so the gradient of sum_n p[n, i] holds row n's."""
    batch, classes = probs.shape
    logits = _logits_of(probs)
    numeric = np.empty((batch, classes, classes))
    for i in range(classes):
        numeric[:, i, :] = numerical_gradient(
            lambda i=i: softmax(logits)[:, i].sum(), logits)
    return numeric


def _probs_cases(rng, shapes) -> list[tuple[str, np.ndarray]]:
    cases = [(f"batch {batch}, {classes} classes",
              rng.normal(size=(batch, classes))) for batch, classes in shapes]
    cases.append(("a batch of 1, 3 classes", rng.normal(size=(1, 3))))
    cases.append(("float32, batch 4, 3 classes",
                  rng.normal(size=(4, 3)).astype(np.float32)))
    cases.append(("batch 4, 4 classes (square)", rng.normal(size=(4, 4))))
    return cases


@functools.cache
def _jacobian_exercise() -> Exercise:
    def reference(probs):
        return {"jacobian": _layer_at(probs).jacobian()}

    specs = _probs_cases(generator(), [(3, 4), (2, 5)])
    specs.append(("probabilities of exactly 0 and 1 (from logits "
                  f"{describe_rows(WIDE_LOGITS[:3])})", WIDE_LOGITS[:3]))
    cases = tuple(
        make_case(text, (softmax(logits),), reference,
                  numeric=lambda p: {"jacobian": _numeric_jacobian(p)})
        for text, logits in specs)

    def p(case):  # (batch, C) as float64
        return case.args[0].astype(np.float64)

    def p_i(c):
        return p(c)[:, :, None]  # (batch, C, 1): p_i down the rows

    def p_j(c):
        return p(c)[:, None, :]  # (batch, 1, C): p_j along the columns

    def eye(c):
        return np.eye(p(c).shape[1])

    def blocks(c, got):  # the (B C, B C) Jacobian of the flattened batch
        batch, classes = p(c).shape
        full = got.get("jacobian")
        if full is None or full.shape != (batch * classes,) * 2:
            return None
        return full

    def right_blocks(c, got):
        full = blocks(c, got)
        if full is None:
            return False
        batch, classes = p(c).shape
        split = full.reshape(batch, classes, batch, classes)
        return same(np.stack([split[n, :, n, :] for n in range(batch)]),
                    c.expected["jacobian"])

    def one_sample(c, got):
        return any(matches(c, got, "jacobian", j)
                   for j in c.expected["jacobian"])

    mistakes = (
        Mistake("the Jacobian of the whole flattened batch, and its "
                "diagonal (C, C) blocks are right: samples do not affect "
                "each other, so the rest is 0. Return the blocks, one per "
                "sample: shape (B, C, C)", right_blocks),
        Mistake("a (B*C, B*C) matrix, the Jacobian of the flattened "
                "batch: samples do not affect each other, so return one "
                "(C, C) block per sample, shape (B, C, C)",
                lambda c, got: blocks(c, got) is not None),
        Mistake("only one sample's Jacobian: return one (C, C) matrix per "
                "sample, stacked into (B, C, C)", one_sample),
        Mistake("one (C, C) matrix for the whole batch: every sample has "
                "its own Jacobian; stack them into (B, C, C)",
                lambda c, got: got.get("jacobian") is not None
                and got["jacobian"].shape == eye(c).shape),
        Mistake("missing the diagonal term: J = p_i (delta_ij - p_j) has "
                "p_i (1 - p_i) on the diagonal, yours has -p_i p_j "
                "everywhere", equals("jacobian", lambda c: -p_i(c) * p_j(c))),
        Mistake("only the diagonal: the off-diagonal entries -p_i p_j are "
                "missing (p_j depends on every z_i through the shared "
                "denominator)",
                equals("jacobian", lambda c: eye(c) * p_i(c) * (1 - p_i(c)))),
        Mistake("sign flipped: J = p_i (delta_ij - p_j), not "
                "p_i (p_j - delta_ij)",
                equals("jacobian", lambda c: -c.expected["jacobian"])),
        Mistake("both factors use the same index, p_i (delta_ij - p_i): "
                "one copy of p must run along the other axis (with einops, "
                "rearrange 'n i j -> n j i')",
                equals("jacobian", lambda c: p_i(c) * (eye(c) - p_i(c)),
                    lambda c: p_j(c) * (eye(c) - p_j(c)))),
    )
    return Exercise(args=("probs",), outputs=("jacobian",), cases=cases,
                    mistakes=mistakes, reference=reference)


def check_softmax_jacobian(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(probs) -> (B, C, C)``: the Jacobian of softmax for
    every sample.

    probs: P, (B, C) softmax outputs.
    J[n, i, j] = dp_i/dz_j = p_i (delta_ij - p_j).
    (J[n] is symmetric, so its transpose is just as right.)
    """
    return report(grade(fn, _jacobian_exercise()), verbose)


# --- Chapter 8: the vector-Jacobian product ----------------------------------


@functools.cache
def _backward_exercise() -> Exercise:
    def reference(probs, grad):
        return {"dL/dZ": _layer_at(probs).backward(grad)}

    rng = generator()
    specs = _probs_cases(rng, [(5, 4), (3, 6)])
    cases = []
    for text, logits in specs:
        grad = rng.normal(size=logits.shape).astype(logits.dtype)
        cases.append(make_case(text, (softmax(logits), grad), reference,
                               numeric=_numeric_vjp))
    out = "dL/dZ"

    def p(c):
        return c.args[0].astype(np.float64)

    def g(c):
        return c.args[1].astype(np.float64)

    def weighted(c, **axis):  # sum of p * g: over each row, or as told
        return (p(c) * g(c)).sum(**(axis or {"axis": 1, "keepdims": True}))

    def jacobian(c):
        return p(c)[:, :, None] * (np.eye(p(c).shape[1]) - p(c)[:, None, :])

    mistakes = (
        Mistake("returned the Jacobian (B, C, C) itself: multiply it "
                "by grad (or, cheaper, skip it: p * (grad - row sum))",
                equals(out, jacobian)),
        Mistake("all zeros: every row of the softmax Jacobian sums to 0, so "
                "a contraction that sums J over an index grad does not "
                "share (like 'nij,ni->ni') gives 0. The product is "
                "'nij,ni->nj'", equals(out, lambda c: np.zeros_like(p(c)))),
        Mistake("forgot to subtract the row sum: p * grad keeps only the "
                "delta_ij part of the Jacobian; dL/dZ = p * (grad - "
                "(p * grad).sum(axis=1, keepdims=True))",
                equals(out, lambda c: p(c) * g(c))),
        Mistake("sign flipped: dL/dZ = p * (grad - sum), not "
                "p * (sum - grad)", equals(out, lambda c: -c.expected[out])),
        Mistake("summed over the wrong axis: axis=0 adds up one class over "
                "the batch; each sample (row) needs its own sum, axis=1",
                equals(out, lambda c: p(c) * (g(c) - weighted(c, axis=0)),
                    lambda c: p(c) * (g(c) - weighted(c, axis=0,
                                                      keepdims=True)))),
        Mistake("one sum for the whole batch (no axis): samples are "
                "independent, so sum each row on its own "
                "(axis=1, keepdims=True)",
                equals(out, lambda c: p(c) * (g(c) - weighted(c, axis=None)))),
        Mistake("the sum is not weighted by p: it is sum_i grad_i p_i, "
                "not sum_i grad_i", equals(out, lambda c: p(c) * (
                    g(c) - g(c).sum(axis=1, keepdims=True)))),
        Mistake("forgot the factor p in front: dL/dZ = p * (grad - sum)",
                equals(out, lambda c: g(c) - weighted(c))),
        Mistake("only the Jacobian's diagonal, p * (1 - p) * grad (what the "
                "article's einsum pattern 'b c c, b c m -> b c m' "
                "computes): the off-diagonal terms -p_i p_j are missing",
                equals(out, lambda c: p(c) * (1 - p(c)) * g(c))),
    )
    return Exercise(args=("probs", "grad"), outputs=(out,), cases=tuple(cases),
                    mistakes=mistakes, reference=reference,
                    hints=(keepdims_hint("(probs * grad).sum(axis=1)"),))


def _numeric_vjp(probs, grad) -> dict:
    numeric = layer_numerical_gradients(Softmax(), _logits_of(probs), grad)
    return {"dL/dZ": numeric["x"]}


def _peak_bytes(fn, *args) -> int:
    """The most memory ``fn(*args)`` held at once beyond what existed before
    (NumPy reports its arrays to tracemalloc)."""
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        fn(*args)
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        if not tracing:
            tracemalloc.stop()


def check_softmax_backward(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(probs, grad) -> dL/dZ`` for P = softmax(Z), row by row.

    probs: P, (B, C) softmax outputs; grad = G = dL/dP: (B, C). Returns
    dL/dZ: (B, C), the vector-Jacobian product
    p * (grad - sum_i grad_i p_i), the sum taken over each row.

    A right answer that builds the (B, C, C) Jacobian passes, with a note
    that it needs C times the memory of the product.
    """
    result = grade(fn, _backward_exercise())
    if result:
        # Right answers also differ in cost: a Jacobian needs batch * C * C
        # numbers, the product about batch * C. Measured on a size where the
        # two are far apart.
        rng = generator()
        batch, classes = 4, 256
        probs = softmax(rng.normal(size=(batch, classes)))
        grad = rng.normal(size=(batch, classes))
        jacobian_bytes = batch * classes * classes * 8
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                peak = _peak_bytes(fn, probs, grad)
        except Exception:  # the verdict stands; only the note is skipped
            peak = 0
        if peak > jacobian_bytes / 2:
            result = verdict(
                True, result.message,
                f"  note: for a batch of {batch} with {classes} classes "
                f"it held {peak / 2**20:.1f} MiB at once, as much as a "
                f"(B, C, C) Jacobian ({jacobian_bytes / 2**20:.1f} "
                f"MiB) or more. Right, but O(B * C^2) in memory and "
                f"time; the vector-Jacobian product needs only "
                f"O(B * C).")
    return report(result, verbose)
