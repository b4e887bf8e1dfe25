"""Loss gradients: softmax cross-entropy fused (chapter 2), cross-entropy
on probabilities (chapter 3), and sigmoid with binary cross-entropy (a new
derivation)."""

import functools

import numpy as np

from nnlib.exercises.cases import (
    GAP_CLASSES,
    GAP_LABELS,
    HUGE_LOGITS,
    WIDE_LOGITS,
    describe_rows,
    generator,
    ranked_one_hot,
    softmax_mistakes,
    width_hint,
)
from nnlib.exercises.grading import (
    CheckResult,
    Exercise,
    Mistake,
    equals,
    grade,
    make_case,
    report,
)
from nnlib.gradcheck import numerical_gradient
from nnlib.layers.activations import Sigmoid
from nnlib.layers.softmax import softmax
from nnlib.losses import CrossEntropy, SoftmaxCrossEntropy, one_hot


def _label_mistakes(output: str, make) -> tuple[Mistake, ...]:
    """One-hot built with the wrong width or columns: ``make(case, y)``
    gives the output for a one-hot ``y``."""
    def ranked(c, width=None):
        return make(c, ranked_one_hot(c.args[1], width))

    return (
        Mistake("the one-hot's width comes from the labels (labels.max() + "
                "1) instead of the number of columns: a batch need not "
                "contain every class", equals(output, lambda c: make(
                    c, one_hot(c.args[1], c.args[1].max() + 1)))),
        Mistake("one-hot columns by rank (np.unique(labels, "
                "return_inverse=True)): with a class missing from the "
                "batch, label k no longer lands in column k",
                equals(output, ranked,
                    lambda c: ranked(c, c.args[0].shape[1]))),
    )


def _loss_gradient(loss_class, output: str):
    """``reference`` and ``numeric`` for a loss's gradient with respect to
    its scores: nnlib's ``backward``, and central differences of its
    ``forward``."""
    def reference(scores, labels):
        loss = loss_class()
        loss.forward(scores, labels)
        return {output: loss.backward()}

    def numeric(scores, labels):
        return {output: numerical_gradient(
            lambda: loss_class().forward(scores, labels), scores)}

    return reference, numeric


def _probs(rng, batch: int, classes: int) -> np.ndarray:
    probs = rng.uniform(0.1, 1.0, size=(batch, classes))
    return probs / probs.sum(axis=1, keepdims=True)


# --- Chapter 3: cross-entropy on probabilities -------------------------------


@functools.cache
def _cross_entropy_exercise() -> Exercise:
    reference, numeric = _loss_gradient(CrossEntropy, "dL/dprobs")

    rng = generator()
    specs = [(_probs(rng, b, c), rng.integers(0, c, b), f"batch {b}, {c} "
              f"classes") for b, c in [(6, 4), (3, 5)]]
    specs += [(_probs(rng, 1, 3), np.array([2]), "a batch of 1, 3 classes"),
              (_probs(rng, 4, 3).astype(np.float32), rng.integers(0, 3, 4),
               "float32 probabilities, batch 4, 3 classes"),
              (_probs(rng, len(GAP_LABELS), GAP_CLASSES), GAP_LABELS.copy(),
               f"labels with gaps: {GAP_LABELS.tolist()} of "
               f"{GAP_CLASSES} classes")]
    cases = tuple(make_case(text, (probs, labels), reference,
                            numeric=numeric) for probs, labels, text in specs)
    grad = "dL/dprobs"

    def p(c):
        return c.args[0].astype(np.float64)

    def batch(c):
        return len(c.args[1])

    def entry_losses(c):
        return -one_hot(c.args[1], p(c).shape[1]) * np.log(p(c))

    mistakes = (
        Mistake("not divided by the batch size B: the loss is a mean over "
                "the batch, so its gradient is divided by B too (yours is "
                "B times too large)",
                equals(grad, lambda c: c.expected[grad] * batch(c))),
        Mistake("divided by B * C (batch size times classes): the mean is "
                "over the samples only",
                equals(grad, lambda c: c.expected[grad] / p(c).shape[1])),
        Mistake("sign flipped: d(-log p)/dp = -1/p",
                equals(grad, lambda c: -c.expected[grad])),
        Mistake("that is the loss of each entry (-Y * log P), not its "
                "derivative", equals(grad, lambda c: entry_losses(c),
                                  lambda c: entry_losses(c) / batch(c))),
        Mistake("-1/P everywhere: only the true class appears in the loss, "
                "so multiply by the one-hot labels Y",
                equals(grad, lambda c: -1 / p(c),
                    lambda c: -1 / p(c) / batch(c))),
        *_label_mistakes(grad, lambda c, y: -y / p(c) / batch(c)),
    )
    return Exercise(args=("probs", "labels"), outputs=(grad,), cases=cases,
                    mistakes=mistakes, reference=reference,
                    hints=(width_hint,))


def check_cross_entropy_backward(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(probs, labels) -> dL/dprobs`` for
    L = -mean_n log probs[n, labels[n]].

    probs: P, (B, C) probabilities; labels: (B,) ints. Returns (B, C),
    -Y / (B P): -1 / (B * p) at each row's true class, 0 elsewhere.
    """
    return report(grade(fn, _cross_entropy_exercise()), verbose)


# --- Chapter 2: the fused softmax cross-entropy ------------------------------


@functools.cache
def _fused_exercise() -> Exercise:
    reference, numeric = _loss_gradient(SoftmaxCrossEntropy, "dL/dlogits")

    rng = generator()
    specs = [(rng.normal(size=(b, c)) * 2, rng.integers(0, c, b),
              f"batch {b}, {c} classes", "") for b, c in [(6, 4), (3, 5)]]
    specs += [
        (rng.normal(size=(1, 3)), np.array([1]), "a batch of 1, 3 classes",
         ""),
        (rng.normal(size=(4, 3)).astype(np.float32), rng.integers(0, 3, 4),
         "float32 logits, batch 4, 3 classes", ""),
        (rng.normal(size=(len(GAP_LABELS), GAP_CLASSES)), GAP_LABELS.copy(),
         f"labels with gaps: {GAP_LABELS.tolist()} of {GAP_CLASSES} "
         f"classes", ""),
        (WIDE_LOGITS.copy(), np.array([1, 0, 3, 2, 0, 1]),
         f"rows spanning a wide range: {describe_rows(WIDE_LOGITS)}", "wide"),
        (HUGE_LOGITS.copy(), np.array([0, 2, 1, 3, 3, 0]),
         f"rows beyond np.longdouble's range: {describe_rows(HUGE_LOGITS)}",
         "huge")]
    # (the numerical gradient of a loss of 30000 is too coarse to report)
    cases = tuple(make_case(text, (logits, labels), reference,
                            numeric=None if tag else numeric, tag=tag)
                  for logits, labels, text, tag in specs)
    grad = "dL/dlogits"

    def parts(c):
        logits, labels = c.args[0].astype(np.float64), c.args[1]
        return softmax(logits), one_hot(labels, logits.shape[1]), len(
            labels)

    mistakes = (
        *softmax_mistakes(grad, lambda c: c.args[0].astype(np.float64),
                          lambda c, probs: (probs - parts(c)[1])
                          / parts(c)[2]),
        Mistake("not divided by the batch size B: the loss is the mean "
                "over the batch, so the gradient is (P - Y) / B (yours is "
                "B times too large)",
                equals(grad, lambda c: c.expected[grad] * parts(c)[2])),
        Mistake("sign flipped: the gradient is (P - Y) / B, not "
                "(Y - P) / B",
                equals(grad, lambda c: -c.expected[grad])),
        Mistake("forgot to subtract the one-hot labels Y: the gradient is "
                "(P - Y) / B",
                equals(grad, lambda c: parts(c)[0],
                    lambda c: parts(c)[0] / parts(c)[2])),
        Mistake("used the logits where the probabilities belong: apply "
                "softmax first",
                equals(grad, lambda c: c.args[0] - parts(c)[1],
                    lambda c: (c.args[0] - parts(c)[1]) / parts(c)[2])),
        *_label_mistakes(grad, lambda c, y: (parts(c)[0] - y) / parts(c)[2]),
    )
    return Exercise(args=("logits", "labels"), outputs=(grad,), cases=cases,
                    mistakes=mistakes, reference=reference,
                    hints=(width_hint,))


def check_fused_gradient(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(logits, labels) -> dL/dlogits`` for the MEAN
    softmax-cross-entropy.

    logits: Z, (B, C); labels: (B,) ints. Returns (B, C) = (P - Y) / B,
    with P = softmax(logits), Y = one_hot(labels). The logits tested include
    rows spanning a wide range ([0, 1500, ...]): the softmax inside must
    subtract each row's max.
    """
    return report(grade(fn, _fused_exercise()), verbose)


# --- A new derivation: sigmoid with binary cross-entropy ---------------------


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """nnlib's Sigmoid (stable for any z) on a vector."""
    return Sigmoid().forward(z.reshape(-1, 1)).reshape(z.shape)


def _bce(z: np.ndarray, labels: np.ndarray) -> float:
    """L = mean of -[y log s(z) + (1 - y) log(1 - s(z))], computed stably as
    mean of log(1 + e^z) - y z."""
    return float(np.mean(np.logaddexp(0, z) - labels * z))


@functools.cache
def _bce_exercise() -> Exercise:
    def reference(z, labels):
        return {"dL/dz": (_sigmoid(z) - labels) / len(z)}

    def numeric(z, labels):
        return {"dL/dz": numerical_gradient(lambda: _bce(z, labels), z)}

    rng = generator()
    wide = np.array([800.0, -800.0, 800.0, -800.0, 30.0, -30.0, 0.5, -0.5])
    specs = [(rng.normal(size=6) * 2, rng.integers(0, 2, 6), "6 samples", ""),
             (rng.normal(size=1), np.array([1]), "a batch of 1", ""),
             (rng.normal(size=5).astype(np.float32), rng.integers(0, 2, 5),
              "float32 logits, 5 samples", ""),
             (rng.normal(size=4), np.ones(4, dtype=np.int64),
              "every label 1, 4 samples", ""),
             (wide, np.array([1, 0, 0, 1, 1, 0, 1, 0]),
              f"logits far from 0: {wide.tolist()}", "wide")]
    cases = tuple(make_case(f"{text}, labels={labels.tolist()}",
                            (z, labels), reference, numeric=numeric, tag=tag)
                  for z, labels, text, tag in specs)
    out = "dL/dz"

    def z(c):
        return c.args[0].astype(np.float64)

    def y(c):
        return c.args[1]

    def s(c):
        return _sigmoid(z(c))

    def batch(c):
        return len(z(c))

    def slope(c):  # ds/dz
        return s(c) * (1 - s(c))

    mistakes = (
        Mistake("all zeros: was the result built from the labels "
                "(np.zeros_like(labels), labels.copy())? They are integers, "
                "so every fraction written into it is cut to 0. Build it "
                "from the logits (np.zeros_like(logits)), or return "
                "(s - labels) / B directly",
                equals(out, lambda c: np.trunc(c.expected[out]))),
        Mistake("floor division: (s - y) // B rounds down to a whole "
                "number; divide with /",
                equals(out, lambda c: (s(c) - y(c)) // batch(c))),
        Mistake("not divided by B: L is the mean over the batch, so "
                "dL/dz_n = (s(z_n) - y_n) / B",
                equals(out, lambda c: s(c) - y(c))),
        Mistake("divided by B twice: (s - y) / B already is the gradient "
                "of the mean",
                equals(out, lambda c: c.expected[out] / batch(c))),
        Mistake("sign flipped: dL/dz = (s - y) / B, not (y - s) / B",
                equals(out, lambda c: -c.expected[out])),
        Mistake("the factor s (1 - s) is left in: it is ds/dz, and it "
                "already cancelled against dL/ds = (s - y) / (s (1 - s)); "
                "multiplying by it again applies the chain rule twice",
                equals(out, lambda c: slope(c) * (s(c) - y(c)),
                    lambda c: slope(c) * (s(c) - y(c)) / batch(c))),
        Mistake("that is dL/ds, the gradient with respect to s = "
                "sigmoid(z): multiply by ds/dz = s (1 - s), and the "
                "fraction cancels to (s - y) / B",
                equals(out, lambda c: (s(c) - y(c)) / slope(c),
                    lambda c: (s(c) - y(c)) / slope(c) / batch(c))),
        Mistake("exp(z) / (1 + exp(z)) is inf / inf = nan for z = 800: "
                "compute the sigmoid as 1 / (1 + exp(-z)) (or with "
                "scipy.special.expit, or nnlib's Sigmoid)",
                equals(out, lambda c: (np.exp(z(c)) / (1 + np.exp(z(c)))
                                    - y(c)) / batch(c))),
        Mistake("right formula, but it divides by s or by 1 - s before "
                "cancelling: for z = +-800, s(z) rounds to exactly 1 or 0, "
                "and 0 / 0 is nan. Simplify on paper first: dL/dz = "
                "(s - y) / B has no division by s",
                lambda c, got: c.tag == "wide" and got.get(out) is not None
                and not np.isfinite(got[out]).all()
                and np.isfinite(got[out][np.abs(z(c)) < 700]).all()),
        Mistake("~labels is not 1 - labels: on integers ~ is the bitwise "
                "not, ~0 = -1 and ~1 = -2. Write 1 - labels (and simplify: "
                "the answer is (s - y) / B)",
                equals(out, lambda c: -(s(c) + y(c)) / batch(c))),
        Mistake("forgot the sigmoid: used the logits z where "
                "s = sigmoid(z) = 1 / (1 + e^-z) belongs",
                equals(out, lambda c: (z(c) - y(c)) / batch(c))),
        Mistake("the labels went through the sigmoid too: they are "
                "already the targets 0 and 1",
                equals(out, lambda c: (s(c) - _sigmoid(
                    y(c).astype(float))) / batch(c))),
        Mistake("a single number: that is the loss L (or a sum of the "
                "gradient), not dL/dz, which has one entry per sample",
                lambda c, got: got.get(out) is not None
                and got[out].ndim == 0),
    )
    return Exercise(args=("logits", "labels"), outputs=(out,), cases=cases,
                    mistakes=mistakes, reference=reference)


def check_bce_gradient(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(logits, labels) -> dL/dz`` for sigmoid with binary
    cross-entropy.

    logits: z, (B,), one logit per sample; labels: y, (B,) integers 0 or 1.
    With s = sigmoid(z),
    L = mean over n of -[y_n log s_n + (1 - y_n) log(1 - s_n)], and
    dL/dz = (s - y) / B: shape (B,). The tests include z = +-800, where a
    formula that divides by s or 1 - s gives nan.
    """
    return report(grade(fn, _bce_exercise()), verbose)
