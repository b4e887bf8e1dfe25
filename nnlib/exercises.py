"""Exercises that check themselves: the reader writes a function, a checker
grades it.

Each ``check_*`` function calls the reader's function on seeded random inputs
and compares what comes back with nnlib's reference implementation and, for
gradients, with the numerical gradient of ``nnlib.gradcheck``. It prints what
it found (which output has the wrong shape, which entry is off and by how
much, and the name of a known mistake when it recognises one) and returns a
``CheckResult``, which is truthy only when the function is correct.

How to put an exercise in a chapter (book/07_hidden_layers.ipynb does this)
--------------------------------------------------------------------------
Use sphinx-exercise's *gated* directives, each in a markdown cell of its own
(the ``-start`` cell may go on with the task in prose), so that the code cells
between them are executed by the book build and end up inside the exercise box
and the folded solution (``:class: dropdown``). Cell by cell::

    [markdown]
    ```{exercise-start} ReLU's backward pass
    :label: ex-relu-backward
    ```

    Write `relu_backward(x, grad)` that returns dL/dx ... (the task, in prose)

    [code]   the reader's stub: it must run without error
    def relu_backward(x, grad):
        # your code here: dL/dx, the same shape as x
        return None


    check_relu_backward(relu_backward)

    [markdown]
    ```{exercise-end}
    ```

    [markdown]
    ```{solution-start} ex-relu-backward
    :class: dropdown
    ```

    [markdown]   optional: a sentence or two explaining the solution

    [code]   the solution: the same function, correct, and an asserted check
    def relu_backward(x, grad):
        return grad * (x > 0)


    assert check_relu_backward(relu_backward)

    [markdown]
    ```{solution-end}
    ```

Import the checker in the chapter's first code cell
(``from nnlib.exercises import check_relu_backward``). The stub's cell prints
"... is not implemented yet" (a function that returns None, or raises
NotImplementedError, counts as a stub), so the book builds; the solution's
``assert`` fails the build if the solution or the checker ever breaks. Every
``:label:`` must be unique in the book (the solution refers to it). Do not put
``hide-input`` on these cells: the reader needs to see the code. The checkers
print their message themselves (wrapped to fit a book page), so ``assert
check_x(fn)`` shows it too, and the result adds no second copy in Jupyter.

Adding a checker: build a few ``_Case`` objects (arguments, reference outputs,
numerical gradients) and a list of ``_Mistake`` detectors, and call ``_grade``.
"""

import copy
import functools
import itertools
import textwrap
import tracemalloc
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from nnlib.activations import ReLU
from nnlib.data import article_data
from nnlib.gradcheck import numerical_gradient, rel_error
from nnlib.linear import Linear
from nnlib.losses import CrossEntropy, SoftmaxCrossEntropy, one_hot
from nnlib.model import Model, mlp
from nnlib.softmax import Softmax, softmax
from nnlib.training import train

__all__ = [
    "CheckResult", "check_cross_entropy_backward", "check_fused_gradient",
    "check_linear_backward", "check_one_hot", "check_relu_backward",
    "check_softmax", "check_softmax_backward", "check_softmax_jacobian",
    "check_training_loop",
]

SEED = 0
# The reader's answer may use another (equally right) formula: allow rounding
# noise.
RTOL, ATOL = 1e-6, 1e-9
# The numerical gradient itself carries an error of about 1e-9 relative.
NUMERIC_TOLERANCE = 1e-6
# Messages are wrapped to this many characters: the width of the exercise box
# on a book page.
WIDTH = 62


@dataclass(frozen=True)
class CheckResult:
    """The verdict of a checker: truthy only when the reader's function is
    correct."""

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return self.message

    def _ipython_display_(self) -> None:
        # The checker has already printed the message; showing it again as the
        # cell's result would print it twice. ``print(result)`` shows it again.
        pass


# --- The shared machinery ----------------------------------------------------


@dataclass
class _Case:
    """One test input: the arguments, the right outputs, the numerical
    gradients."""

    description: str
    args: tuple
    # output name -> reference value, in return order
    expected: dict[str, np.ndarray]
    # name -> numerical grad
    numeric: dict[str, np.ndarray] = field(default_factory=dict)
    # lets a mistake detector recognise special cases (e.g. huge logits)
    tag: str = ""


@dataclass
class _Mistake:
    """A known mistake: ``applies(case, got)`` says whether the answer shows
    it."""

    description: str
    applies: Callable[[_Case, dict], bool]


def _same(got, candidate) -> bool:
    """True when ``got`` is numerically ``candidate`` (same shape, same
    values)."""
    try:
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    candidate = np.asarray(candidate, dtype=np.float64)
    return got.shape == candidate.shape and bool(
        np.allclose(got, candidate, rtol=RTOL, atol=ATOL, equal_nan=True))


def _compare(name: str, got, expected: np.ndarray) -> str | None:
    """None if ``got`` equals ``expected``; else one sentence saying what
    differs.

    First the type and shape (naming a transposition or axis permutation if the
    values would match after it), then the values (naming the worst entry).
    """
    try:
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return (f"{name} should be a NumPy array of numbers; "
                f"got {type(got).__name__}")
    if got.shape != expected.shape:
        message = f"{name} has shape {got.shape}; expected {expected.shape}"
        for order in itertools.permutations(range(got.ndim)):
            if (order != tuple(range(got.ndim))
                    and _same(got.transpose(order), expected)):
                return message + (" (it is the transpose of the right answer)"
                                  if got.ndim == 2 else
                                  f" (right values, axes in the wrong order: "
                                  f"transpose{order} fixes it)")
        return message
    bad = ~np.isfinite(got)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        return (f"{name} contains {got[where]} (not a finite number) "
                f"at index {list(where)}")
    excess = np.abs(got - expected) - (ATOL + RTOL * np.abs(expected))
    if (excess <= 0).all():
        return None
    worst = np.unravel_index(np.argmax(excess), got.shape)
    index = [int(i) for i in worst]
    return (f"{name}{index} is {got[worst] + 0.0:.6g}; "  # + 0.0: no "-0"
            f"expected {expected[worst] + 0.0:.6g} "
            f"(off by {abs(got[worst] - expected[worst]):.3g}); "
            f"{int((excess > 0).sum())} of {got.size} entries are wrong")


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value


def _outputs(raw, names: Sequence[str]) -> tuple[dict, str | None]:
    """Map the reader's return value to output names; say if its structure
    is wrong."""
    if len(names) == 1:
        return {names[0]: raw}, None
    if isinstance(raw, (tuple, list)) and len(raw) == len(names):
        return dict(zip(names, raw, strict=True)), None
    wanted = f"({', '.join(names)})"
    # probably only the first output: let detectors look
    if isinstance(raw, np.ndarray):
        return ({names[0]: raw},
                f"return a tuple {wanted}; "
                f"got a single array of shape {raw.shape}")
    count = (f"{len(raw)} values" if isinstance(raw, (tuple, list))
             else type(raw).__name__)
    return {}, f"return a tuple {wanted}; got {count}"


def _verdict(passed: bool, *lines: str) -> CheckResult:
    """A CheckResult whose message is the lines, each wrapped to fit a book
    page."""
    wrapped = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip()))
        wrapped.append(textwrap.fill(line, WIDTH,
                                     subsequent_indent=indent + "    ",
                                     break_long_words=False,
                                     break_on_hyphens=False))
    return CheckResult(passed, "\n".join(wrapped))


def _not_implemented(name: str) -> CheckResult:
    return _verdict(False, f"… {name} is not implemented yet: write its "
                           f"body (replace `return None` / "
                           f"`raise NotImplementedError`) and run the "
                           f"cell again.")


def _grade(fn, cases: Sequence[_Case], *, mistakes: Sequence[_Mistake] = (),
           error_hints: dict[str, str] | None = None) -> CheckResult:
    """Run ``fn`` on every case; the first failing case decides the verdict."""
    name = getattr(fn, "__name__", "<lambda>")
    name = "your function" if name.startswith("<") else name  # e.g. a lambda
    numeric_errors = []
    for case in cases:
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                # overflow and the like: reported below
                warnings.simplefilter("ignore")
                raw = fn(*(_copy(arg) for arg in case.args))
        except NotImplementedError:
            return _not_implemented(name)
        # the reader's bug, reported instead of a traceback
        except Exception as error:
            lines = [f"✗ {name} raised {type(error).__name__}: {error}",
                     f"  test case: {case.description}"]
            lines += [f"  hint: {hint}"
                      for key, hint in (error_hints or {}).items()
                      if key in str(error)]
            return _verdict(False, *lines)
        if raw is None or (isinstance(raw, (tuple, list))
                           and all(r is None for r in raw)):
            return _not_implemented(name)
        names = list(case.expected)
        got, structure = _outputs(raw, names)
        unfinished = [out for out in names if out in got and got[out] is None]
        if unfinished:
            verb = "is" if len(unfinished) == 1 else "are"
            return _verdict(False,
                            f"… {name} is not finished: "
                            f"{' and '.join(unfinished)} {verb} still None.")
        differences = {out: _compare(out, got[out], case.expected[out])
                       for out in names if out in got}
        differences = {out: text for out, text in differences.items() if text}
        errors = _numeric_errors(got, case)
        if structure or differences:
            lines = [f"✗ {name} is not right yet.",
                     f"  test case: {case.description}"]
            # Mistakes are listed most specific first: name only the first
            # that fits.
            known = next((m for m in mistakes
                          if _safe_applies(m, case, got)), None)
            if known:
                lines.append(f"  known mistake: {known.description}")
            lines += [f"  {text}"
                      for text in [structure, *differences.values()] if text]
            lines += [f"  relative error of {out} against the numerical "
                      f"gradient: {errors[out]:.2g} (a right answer gives "
                      f"< 1e-7)"
                      for out in differences if out in errors]
            return _verdict(False, *lines)
        numeric_errors += errors.values()
    message = (f"✓ {name} is correct: it matches nnlib's reference on "
               f"{len(cases)} test cases")
    if numeric_errors:
        worst = max(numeric_errors)
        # only possible if nnlib's reference itself were wrong
        if worst > NUMERIC_TOLERANCE:
            return _verdict(False,
                            f"✗ {name} matches nnlib but not the numerical "
                            f"gradient (relative error {worst:.1e}): please "
                            f"report this as a bug in nnlib")
        message += (f" and the numerical gradient (largest relative error "
                    f"{worst:.1e})")
    return _verdict(True, message + ".")


def _safe_applies(mistake: _Mistake, case: _Case, got: dict) -> bool:
    try:
        with np.errstate(all="ignore"):
            return bool(mistake.applies(case, got))
    except Exception:  # a detector must never hide the real message
        return False


def _numeric_errors(got: dict, case: _Case) -> dict[str, float]:
    """Relative error of each output against its numerical gradient, where
    both exist."""
    errors = {}
    for out, numeric in case.numeric.items():
        try:
            errors[out] = rel_error(np.asarray(got[out], dtype=np.float64),
                                    numeric)
        # missing, not numeric, or wrong shape
        except (KeyError, TypeError, ValueError):
            continue
    return errors


def _finish(result: CheckResult, verbose: bool) -> CheckResult:
    if verbose:
        print(result.message)
    return result


def _is(output: str,
        make: Callable[[_Case], np.ndarray]) -> Callable[[_Case, dict], bool]:
    """A detector: output ``output`` equals what the mistaken formula
    ``make`` gives."""
    return lambda case, got: output in got and _same(got[output], make(case))


# --- Chapter 1: one-hot labels -----------------------------------------------


def check_one_hot(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(labels, n_classes) -> (batch, n_classes)``.

    labels: (batch,) integers in [0, n_classes). Row b of the result is all
    zeros except a 1 in column labels[b].
    """
    rng = np.random.default_rng(SEED)
    cases = []
    # 2nd: the top classes unused
    for batch, n_classes, highest in [(7, 4, 4), (6, 5, 3)]:
        labels = rng.integers(0, highest, batch)
        # every class up to `highest` appears
        labels[:highest] = np.arange(highest)
        cases.append(_Case(f"{batch} labels, n_classes={n_classes}, "
                           f"labels={labels.tolist()}",
                           (labels, n_classes),
                           {"one_hot": one_hot(labels, n_classes)}))
    mistakes = [
        _Mistake("the width comes from the labels (labels.max() + 1) instead "
                 "of n_classes; a batch need not contain every class",
                 _is("one_hot",
                     lambda c: one_hot(c.args[0], c.args[0].max() + 1))),
        _Mistake("whole columns are set (out[:, labels] = 1): index rows and "
                 "columns together, out[np.arange(batch), labels] = 1",
                 _is("one_hot",
                     lambda c: one_hot(c.args[0], c.args[1]).any(axis=0)
                     * np.ones((len(c.args[0]), 1)))),
        _Mistake("the 1 is one column off (label + 1 or label - 1)",
                 lambda c, got: any(
                     _same(got["one_hot"],
                           np.roll(c.expected["one_hot"], s, 1))
                     for s in (1, -1))),
    ]
    return _finish(_grade(fn, cases, mistakes=mistakes), verbose)


# --- Chapters 2-4: softmax, cross-entropy and their gradients ---------------


def check_softmax(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(x) -> probabilities``, the row-wise softmax.

    x: (batch, classes) logits, any finite values (also huge ones, like 1000).
    Returns (batch, classes): each row is positive and sums to 1.
    """
    rng = np.random.default_rng(SEED)
    normal = rng.normal(size=(5, 4)) * 2
    large = rng.normal(size=(4, 3)) * 5 + 1000.0
    mixed = rng.normal(size=(4, 3)) + np.array([[1000.0], [-1000.0], [0.0],
                                                [500.0]])
    cases = [_Case("random logits, batch 5, 4 classes", (normal,),
                   {"probs": softmax(normal)}),
             _Case("large logits (around 1000)", (large,),
                   {"probs": softmax(large)}, tag="large"),
             _Case("rows at very different scales (+1000, -1000, 0, +500)",
                   (mixed,), {"probs": softmax(mixed)}, tag="mixed")]

    def not_finite(case, got):
        return not np.isfinite(np.asarray(got["probs"],
                                          dtype=np.float64)).all()

    mistakes = [
        _Mistake("no max-subtraction: exp(1000) overflows to inf and "
                 "inf / inf is nan. Subtract each row's max first: "
                 "np.exp(x - x.max(axis=1, keepdims=True))",
                 lambda c, got: c.tag == "large" and not_finite(c, got)),
        _Mistake("one max for the whole batch: a row far below it underflows "
                 "to 0 / 0. Subtract each row's own max "
                 "(axis=1, keepdims=True)",
                 lambda c, got: c.tag == "mixed" and not_finite(c, got)),
        _Mistake("wrong axis: your columns sum to 1; each row (one sample) "
                 "must sum to 1, so sum over axis=1",
                 _is("probs", lambda c: softmax(c.args[0].T).T)),
        _Mistake("not normalised: divide by each row's sum",
                 lambda c, got: any(_same(got["probs"], e) for e in (
                     np.exp(c.args[0]),
                     np.exp(c.args[0] - c.args[0].max(1, keepdims=True))))),
    ]
    hints = {"broadcast": "did you forget keepdims=True? exps.sum(axis=1) "
                          "has shape (batch,), which cannot divide a "
                          "(batch, classes) array"}
    return _finish(_grade(fn, cases, mistakes=mistakes, error_hints=hints),
                   verbose)


def check_softmax_jacobian(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(probs) -> (batch, C, C)``: the Jacobian of softmax for
    every sample.

    probs: (batch, C) softmax outputs.
    J[b, i, j] = dp_i/dx_j = p_i (delta_ij - p_j).
    (J[b] is symmetric, so its transpose is just as right.)
    """
    rng = np.random.default_rng(SEED)
    cases = []
    for batch, classes in [(3, 4), (2, 5)]:
        logits = rng.normal(size=(batch, classes))
        layer = Softmax()
        probs = layer.forward(logits)
        numeric = np.empty((batch, classes, classes))
        # rows are independent: d sum_b p[b, i] / dx[b, j]
        for i in range(classes):
            numeric[:, i, :] = numerical_gradient(
                lambda i=i, x=logits: softmax(x)[:, i].sum(), logits)
        cases.append(_Case(f"batch {batch}, {classes} classes", (probs,),
                           {"jacobian": layer.jacobian()},
                           {"jacobian": numeric}))

    def p_i(c):
        return c.args[0][:, :, None]  # (batch, C, 1): p_i down the rows

    def p_j(c):
        return c.args[0][:, None, :]  # (batch, 1, C): p_j along the columns

    def eye(c):
        return np.eye(c.args[0].shape[1])

    mistakes = [
        _Mistake("missing the diagonal term: J = p_i (delta_ij - p_j) has "
                 "p_i (1 - p_i) on the diagonal, yours has -p_i p_j "
                 "everywhere",
                 _is("jacobian", lambda c: -p_i(c) * p_j(c))),
        _Mistake("only the diagonal: the off-diagonal entries -p_i p_j are "
                 "missing (p_j depends on every x_i through the shared "
                 "denominator)",
                 _is("jacobian", lambda c: eye(c) * p_i(c) * (1 - p_i(c)))),
        _Mistake("sign flipped: J = p_i (delta_ij - p_j), "
                 "not p_i (p_j - delta_ij)",
                 _is("jacobian", lambda c: -c.expected["jacobian"])),
        _Mistake("both factors use the same index, p_i (delta_ij - p_i): one "
                 "copy of p must run along the other axis (with einops, "
                 "rearrange 'b i j -> b j i')",
                 lambda c, got: any(_same(got["jacobian"], e) for e in (
                     p_i(c) * (eye(c) - p_i(c)), p_j(c) * (eye(c) - p_j(c))))),
        _Mistake("only one sample's Jacobian: return one (C, C) matrix per "
                 "sample, stacked into (batch, C, C)",
                 lambda c, got: np.ndim(got["jacobian"]) == 2),
    ]
    return _finish(_grade(fn, cases, mistakes=mistakes), verbose)


def _probs_and_labels(rng, batch: int, classes: int):
    probs = rng.uniform(0.1, 1.0, size=(batch, classes))
    probs /= probs.sum(axis=1, keepdims=True)
    return probs, rng.integers(0, classes, batch)


def check_cross_entropy_backward(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(probs, labels) -> dL/dprobs`` for
    L = -mean_b log probs[b, labels[b]].

    probs: (batch, C) probabilities; labels: (batch,) ints. Returns (batch, C):
    -1 / (batch * p) at each row's true class, 0 elsewhere.
    """
    rng = np.random.default_rng(SEED)
    cases = []
    for batch, classes in [(6, 4), (3, 5)]:
        probs, labels = _probs_and_labels(rng, batch, classes)
        loss = CrossEntropy()
        loss.forward(probs, labels)
        numeric = numerical_gradient(
            lambda p=probs, y=labels: CrossEntropy().forward(p, y), probs)
        cases.append(_Case(f"batch {batch}, {classes} classes",
                           (probs, labels), {"dL/dprobs": loss.backward()},
                           {"dL/dprobs": numeric}))
    grad = "dL/dprobs"

    def batch(c):
        return len(c.args[1])

    mistakes = [
        _Mistake("not divided by the batch size: the loss is a mean over the "
                 "batch, so its gradient is divided by batch too (yours is "
                 "batch times too large)",
                 _is(grad, lambda c: c.expected[grad] * batch(c))),
        _Mistake("divided by batch * classes: the mean is over the samples "
                 "only",
                 _is(grad, lambda c: c.expected[grad] / c.args[0].shape[1])),
        _Mistake("sign flipped: d(-log p)/dp = -1/p",
                 _is(grad, lambda c: -c.expected[grad])),
        _Mistake("that is the loss of each entry (-onehot * log p), not its "
                 "derivative",
                 lambda c, got: any(
                     _same(got[grad],
                           -one_hot(c.args[1], c.args[0].shape[1])
                           * np.log(c.args[0]) / d)
                     for d in (1, batch(c)))),
        _Mistake("-1/p everywhere: only the true class appears in the loss, "
                 "so multiply by the one-hot labels",
                 lambda c, got: any(_same(got[grad], -1 / c.args[0] / d)
                                    for d in (1, batch(c)))),
    ]
    return _finish(_grade(fn, cases, mistakes=mistakes), verbose)


def check_fused_gradient(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(logits, labels) -> dL/dlogits`` for the MEAN
    softmax-cross-entropy.

    logits: (batch, C); labels: (batch,) ints. Returns (batch, C) =
    (softmax(logits) - onehot(labels)) / batch.
    """
    rng = np.random.default_rng(SEED)
    cases = []
    for batch, classes in [(6, 4), (3, 5)]:
        logits, labels = (rng.normal(size=(batch, classes)) * 2,
                          rng.integers(0, classes, batch))
        loss = SoftmaxCrossEntropy()
        loss.forward(logits, labels)
        numeric = numerical_gradient(
            lambda x=logits, y=labels: SoftmaxCrossEntropy().forward(x, y),
            logits)
        cases.append(_Case(f"batch {batch}, {classes} classes",
                           (logits, labels), {"dL/dlogits": loss.backward()},
                           {"dL/dlogits": numeric}))
    grad = "dL/dlogits"

    def parts(c):
        logits, labels = c.args
        return softmax(logits), one_hot(labels, logits.shape[1]), len(labels)

    mistakes = [
        _Mistake("not divided by the batch size: the loss is the mean over "
                 "the batch, so the gradient is (p - onehot) / batch (yours "
                 "is batch times too large)",
                 _is(grad, lambda c: c.expected[grad] * parts(c)[2])),
        _Mistake("sign flipped: the gradient is p - onehot, not onehot - p",
                 _is(grad, lambda c: -c.expected[grad])),
        _Mistake("forgot to subtract the one-hot labels: the gradient is "
                 "(p - onehot) / batch",
                 lambda c, got: any(_same(got[grad], parts(c)[0] / d)
                                    for d in (1, parts(c)[2]))),
        _Mistake("used the logits where the probabilities belong: apply "
                 "softmax first",
                 lambda c, got: any(
                     _same(got[grad], (c.args[0] - parts(c)[1]) / d)
                     for d in (1, parts(c)[2]))),
    ]
    return _finish(_grade(fn, cases, mistakes=mistakes), verbose)


# --- Chapter 5: the Linear layer ---------------------------------------------


def check_linear_backward(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(x, w, grad) -> (dx, dw, db)`` for the layer y = x @ w + b.

    x: (batch, in), w: (in, out), grad = dL/dy: (batch, out). Returns
    dx = dL/dx: (batch, in), dw = dL/dw: (in, out), db = dL/db: (out,).
    """
    rng = np.random.default_rng(SEED)
    cases = []
    for batch, n_in, n_out in [(5, 4, 3), (3, 2, 6)]:
        x, grad = (rng.normal(size=(batch, n_in)),
                   rng.normal(size=(batch, n_out)))
        layer = Linear(n_in, n_out, rng=rng)
        layer.b[...] = rng.normal(size=n_out)
        layer.forward(x)
        dx = layer.backward(grad)

        def scalar(layer=layer, x=x, grad=grad):
            return float((layer.forward(x) * grad).sum())

        numeric = {"dx": numerical_gradient(scalar, x),
                   "dw": numerical_gradient(scalar, layer.w),
                   "db": numerical_gradient(scalar, layer.b)}
        cases.append(_Case(f"batch {batch}, {n_in} inputs, {n_out} outputs",
                           (x, layer.w.copy(), grad),
                           {"dx": dx, "dw": layer.dw, "db": layer.db},
                           numeric))

    def dw_formula(c):
        x, _, grad = c.args
        return x.T @ grad

    mistakes = [
        _Mistake("dx and dw are swapped: return them in the order "
                 "(dx, dw, db)",
                 lambda c, got: _same(got.get("dx"), c.expected["dw"])
                 and _same(got.get("dw"), c.expected["dx"])),
        _Mistake("dx is dL/dW (x.T @ grad, shape (in, out)): the article's "
                 "Linear.backward returns the weight gradient. The layer "
                 "below produced x, so it needs dL/dx = grad @ w.T, shape "
                 "(batch, in)",
                 _is("dx", dw_formula)),
        _Mistake("db is not summed over the batch: every row used the same "
                 "b, so db = grad.sum(axis=0), shape (out,)",
                 _is("db", lambda c: c.args[2])),
        _Mistake("db is averaged over the batch; sum it (the loss already "
                 "divided by the batch, so grad carries the 1/batch)",
                 _is("db", lambda c: c.args[2].mean(axis=0))),
    ]
    hints = {"matmul": "check which matrix needs a transpose: shapes must "
                       "chain, e.g. (batch, out) @ (out, in) -> (batch, in)"}
    return _finish(_grade(fn, cases, mistakes=mistakes, error_hints=hints),
                   verbose)


# --- Chapter 6: the training loop --------------------------------------------


def _parameters(model) -> dict[str, np.ndarray]:
    """Every parameter of ``model`` by a readable name, e.g.
    ``layers[0].w``."""
    return {f"layers[{i}].{name}": getattr(layer, name)
            for i, layer in enumerate(model.layers)
            for name in layer.param_names}


def _losses(got: dict) -> np.ndarray:
    """The reader's loss history as a float array (raises if it is not
    numbers)."""
    return np.asarray(got["losses"], dtype=np.float64)


def check_training_loop(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(model, x, labels, lr, epochs) -> losses``: full-batch
    gradient descent.

    Every epoch: one forward and backward pass
    (``model.loss_and_backward(x, labels)``, which returns the loss), then one
    step ``param -= lr * dparam`` for every parameter
    (``SGD(lr).step(model.layers)`` does it). Returns the loss of every epoch,
    recorded before that epoch's step: a list or array of length ``epochs``.

    The checker trains two identically seeded copies of each test model, one
    with ``fn`` and one with ``nnlib.train``, and compares the loss histories
    and the final parameters.
    """
    x, labels = article_data()
    cases = []
    for description, make, lr, epochs in [
            ("the article's network Model([Linear(2, 2)]) on the article's "
             "data, lr=0.1, epochs=20",
             lambda: Model([Linear(2, 2, rng=SEED)]), 0.1, 20),
            ("a hidden layer, mlp(2, [3], 2), on the article's data, "
             "lr=0.05, epochs=7",
             lambda: mlp(2, [3], 2, rng=SEED), 0.05, 7)]:
        reference = make()
        history = train(reference, x, labels, lr=lr, epochs=epochs)
        cases.append(_Case(description, (make(), x, labels, lr, epochs),
                           {"losses": history, **_parameters(reference)}))

    @functools.wraps(fn)
    def run(model, x, labels, lr, epochs):
        # The reader trains a copy, so that the case keeps the untrained model
        # (the detectors below retrain it); the final parameters are graded
        # too.
        model = copy.deepcopy(model)
        losses = fn(model, x, labels, lr, epochs)
        return (None if losses is None
                else (losses, *_parameters(model).values()))

    def retrained(c, epochs):
        model, x, labels, lr, _ = c.args
        return train(copy.deepcopy(model), x, labels, lr=lr, epochs=epochs)

    def wrong_length(c, got):
        return _losses(got).shape != (c.args[4],)

    def flat(c, got):
        losses = _losses(got)
        return len(losses) > 1 and bool(
            np.allclose(losses, losses[0], rtol=RTOL, atol=ATOL))

    def frozen(c, got):  # some parameter still has its initial value
        initial = _parameters(c.args[0])
        return any(_same(got.get(name), start)
                   and not _same(c.expected[name], start)
                   for name, start in initial.items())

    def rising(c, got):
        return (len(_losses(got)) > 1
                and bool((np.diff(_losses(got)) > 0).all()))

    def shifted(c, got):
        ahead = retrained(c, c.args[4] + 1)
        return (_same(got["losses"], ahead[1:])
                or _same(_losses(got)[1:], ahead[:-2]))

    def only_parameters_wrong(c, got):
        return _same(got["losses"], c.expected["losses"])

    mistakes = [
        _Mistake("only the final loss: return the whole history, one loss "
                 "per epoch",
                 lambda c, got: _losses(got).ndim == 0),
        _Mistake("wrong number of epochs: run the loop exactly `epochs` times "
                 "(for epoch in range(epochs)) and record one loss in each",
                 wrong_length),
        _Mistake("the loss never changes: the parameters are not updated. "
                 "After loss_and_backward, step every parameter, "
                 "param -= lr * dparam (SGD(lr).step(model.layers) does it)",
                 flat),
        _Mistake("some parameters never change: step every parameter of "
                 "every layer, the biases too (loop over each layer's "
                 "param_names, or use SGD(lr).step(model.layers))",
                 frozen),
        _Mistake("the loss rises: the step goes uphill. Move against the "
                 "gradient, param -= lr * dparam (not +=)",
                 rising),
        _Mistake("the losses are one epoch off: record the loss that "
                 "loss_and_backward returns, before the step (the loss of "
                 "the parameters whose gradient the step uses)",
                 shifted),
        _Mistake("the losses are right but the final parameters are not: "
                 "every epoch, the last one too, ends with exactly one step",
                 only_parameters_wrong),
    ]
    hints = {
        "has no attribute":
            "activation layers such as ReLU have no parameters: loop over "
            "each layer's param_names, or use SGD(lr).step(model.layers)",
        "call backward() first":
            "call model.loss_and_backward(x, labels) before each step: it "
            "computes the gradients the step uses",
    }
    return _finish(_grade(run, cases, mistakes=mistakes, error_hints=hints),
                   verbose)


# --- Chapter 7: activations --------------------------------------------------


def check_relu_backward(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(x, grad) -> dL/dx`` for y = max(x, 0).

    x: the forward input, (batch, features); grad = dL/dy, same shape. Returns
    dL/dx, same shape: grad where x > 0, 0 elsewhere. (The tests keep x away
    from 0, where ReLU has a kink.)
    """
    rng = np.random.default_rng(SEED)
    cases = []
    for shape in [(5, 4), (3, 7)]:
        x = (rng.choice([-1.0, 1.0], size=shape)
             * rng.uniform(0.2, 2.0, size=shape))
        grad = rng.normal(size=shape)
        layer = ReLU()
        layer.forward(x)
        numeric = numerical_gradient(
            lambda x=x, g=grad: float((np.maximum(x, 0) * g).sum()), x)
        cases.append(_Case(f"x and grad of shape {shape}", (x, grad),
                           {"dL/dx": layer.backward(grad)},
                           {"dL/dx": numeric}))
    grad = "dL/dx"
    mistakes = [
        _Mistake("grad passes through unchanged: ReLU's slope is 0 where "
                 "x <= 0, so those entries must be 0",
                 _is(grad, lambda c: c.args[1])),
        _Mistake("multiplied by the output max(x, 0) instead of the slope: "
                 "the slope is 1 where x > 0 and 0 elsewhere, i.e. (x > 0)",
                 _is(grad, lambda c: c.args[1] * np.maximum(c.args[0], 0))),
        _Mistake("multiplied by x: the slope of max(x, 0) is 1 (not x) "
                 "where x > 0",
                 _is(grad, lambda c: c.args[1] * c.args[0])),
        _Mistake("returned the slope (x > 0) without multiplying by grad "
                 "(chain rule)",
                 _is(grad, lambda c: (c.args[0] > 0).astype(float))),
        _Mistake("the mask is inverted: the gradient flows where x > 0",
                 _is(grad, lambda c: c.args[1] * (c.args[0] < 0))),
        _Mistake("ReLU applied to the gradient: the mask comes from the "
                 "input x, not from the sign of grad",
                 _is(grad, lambda c: np.maximum(c.args[1], 0))),
    ]
    return _finish(_grade(fn, cases, mistakes=mistakes), verbose)


# --- Chapter 8: performance --------------------------------------------------


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
    """Check ``fn(probs, grad) -> dL/dx`` for p = softmax(x), row by row.

    probs: (batch, C) softmax outputs; grad = dL/dp: (batch, C). Returns
    dL/dx: (batch, C), the vector-Jacobian product
    p * (grad - sum_i grad_i p_i), the sum taken over each row.

    A right answer that builds the (batch, C, C) Jacobian passes, with a note
    that it needs C times the memory of the product.
    """
    rng = np.random.default_rng(SEED)
    cases = []
    for batch, classes in [(5, 4), (3, 6)]:
        logits, grad = (rng.normal(size=(batch, classes)),
                        rng.normal(size=(batch, classes)))
        layer = Softmax()
        probs = layer.forward(logits)
        numeric = numerical_gradient(
            lambda x=logits, g=grad: float((softmax(x) * g).sum()), logits)
        cases.append(_Case(f"batch {batch}, {classes} classes", (probs, grad),
                           {"dL/dx": layer.backward(grad)},
                           {"dL/dx": numeric}))
    out = "dL/dx"

    def p(c):
        return c.args[0]

    def g(c):
        return c.args[1]

    def weighted(c, **axis):  # sum of p * g: over each row, or as told
        return (p(c) * g(c)).sum(**(axis or {"axis": 1, "keepdims": True}))

    def jacobian(c):
        return p(c)[:, :, None] * (np.eye(p(c).shape[1]) - p(c)[:, None, :])

    mistakes = [
        _Mistake("returned the Jacobian (batch, C, C) itself: multiply it "
                 "by grad (or, cheaper, skip it: p * (grad - row sum))",
                 _is(out, jacobian)),
        _Mistake("all zeros: every row of the softmax Jacobian sums to 0, so "
                 "a contraction that sums J over an index grad does not "
                 "share (like 'bij,bi->bi') gives 0. The product is "
                 "'bij,bi->bj'",
                 _is(out, lambda c: np.zeros_like(p(c)))),
        _Mistake("forgot to subtract the row sum: p * grad keeps only the "
                 "delta_ij part of the Jacobian; dL/dx = p * (grad - "
                 "(p * grad).sum(axis=1, keepdims=True))",
                 _is(out, lambda c: p(c) * g(c))),
        _Mistake("sign flipped: dL/dx = p * (grad - sum), not "
                 "p * (sum - grad)",
                 _is(out, lambda c: -c.expected[out])),
        _Mistake("summed over the wrong axis: axis=0 adds up one class over "
                 "the batch; each sample (row) needs its own sum, axis=1",
                 _is(out, lambda c: p(c) * (g(c) - weighted(
                     c, axis=0, keepdims=True)))),
        _Mistake("one sum for the whole batch (no axis): samples are "
                 "independent, so sum each row on its own "
                 "(axis=1, keepdims=True)",
                 _is(out, lambda c: p(c) * (g(c) - weighted(c, axis=None)))),
        _Mistake("the sum is not weighted by p: it is sum_i grad_i p_i, "
                 "not sum_i grad_i",
                 _is(out, lambda c: p(c) * (g(c) - g(c).sum(
                     axis=1, keepdims=True)))),
        _Mistake("forgot the factor p in front: dL/dx = p * (grad - sum)",
                 _is(out, lambda c: g(c) - weighted(c))),
        _Mistake("only the Jacobian's diagonal, p * (1 - p) * grad (what the "
                 "article's einsum pattern 'b c c, b c m -> b c m' "
                 "computes): the off-diagonal terms -p_i p_j are missing",
                 _is(out, lambda c: p(c) * (1 - p(c)) * g(c))),
    ]
    hints = {"broadcast": "did you forget keepdims=True? "
                          "(p * grad).sum(axis=1) has shape (batch,), which "
                          "cannot be subtracted from a (batch, C) array; "
                          "with keepdims it is (batch, 1)"}
    result = _grade(fn, cases, mistakes=mistakes, error_hints=hints)
    if result:
        # Right answers also differ in cost: a Jacobian needs batch * C * C
        # numbers, the product about batch * C. Measured on a size where the
        # two are far apart.
        batch, classes = 4, 256
        probs = softmax(rng.normal(size=(batch, classes)))
        grad = rng.normal(size=(batch, classes))
        jacobian_bytes = batch * classes * classes * 8
        try:
            with np.errstate(all="ignore"):
                peak = _peak_bytes(fn, probs, grad)
        except Exception:  # the verdict stands; only the note is skipped
            peak = 0
        if peak > jacobian_bytes / 2:
            result = _verdict(
                True, result.message,
                f"  note: for a batch of {batch} with {classes} classes "
                f"it held {peak / 2**20:.1f} MiB at once, as much as a "
                f"(batch, C, C) Jacobian ({jacobian_bytes / 2**20:.1f} "
                f"MiB) or more. Right, but O(batch * C^2) in memory and "
                f"time; the vector-Jacobian product needs only "
                f"O(batch * C).")
    return _finish(result, verbose)
