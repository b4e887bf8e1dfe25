"""Comparing an answer with the right one: one measure, one promise.

An answer is right when its relative error against nnlib's reference,
||got - expected|| / (||got|| + ||expected||) (``gradcheck.rel_error``, the
book's own measure), is below ``TOLERANCE``. Each sentence below says what
differs: the type, the shape (naming a transpose or an extra axis when the
numbers are right), a non-finite entry, or the worst entry.
"""

import itertools

import numpy as np

from nnlib.exercises.reading import Reading
from nnlib.gradcheck import rel_error

# The accuracy every checker promises: any right formula, in float64 or in
# float32 on well-conditioned inputs, gets well below it; every known
# mistake is far above it.
TOLERANCE = 1e-6


def same(got, candidate, scale: float = 0.0) -> bool:
    """True when ``got`` is ``candidate``: same shape, non-finite entries in
    the same places, the rest within ``TOLERANCE`` (relative to their
    norms plus ``scale``, the norm of the right answer, so that a candidate
    of zeros matches rounding noise)."""
    if got is None or candidate is None:
        return False
    try:
        with np.errstate(all="ignore"):
            got = np.asarray(got, dtype=np.float64)
            candidate = np.asarray(candidate, dtype=np.float64)
            if got.shape != candidate.shape:
                return False
            finite = np.isfinite(candidate)
            if not np.array_equal(np.isfinite(got), finite):
                return False
            g, c = got[~finite], candidate[~finite]  # inf, -inf or nan
            if not ((g == c) | (np.isnan(g) & np.isnan(c))).all():
                return False
            a, b = got[finite], candidate[finite]
            return rel_error(a, b) <= TOLERANCE or (
                scale > 0 and np.linalg.norm(a - b) <= TOLERANCE * scale)
    except Exception:
        return False


def compare(name: str, got: Reading, expected: np.ndarray) -> str | None:
    """None when ``got`` is right; else one sentence saying what differs."""
    if got.problem:
        return got.problem
    array = got.array
    if array.shape != expected.shape:
        return _shape_message(name, array, expected)
    bad = ~np.isfinite(array)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        return (f"{name} contains {array[where]} (not a finite number) at "
                f"index {list(where)}; entries not finite: {int(bad.sum())} "
                f"of {array.size}")
    error = rel_error(array, expected)
    if error <= TOLERANCE:
        return None
    if array.ndim >= 2:
        for order in _orders(array.ndim):
            if same(array.transpose(order), expected):
                return (f"{name} has the right numbers with its axes in the "
                        f"wrong order: transpose{order} gives the right "
                        f"answer")
    message = _worst_entry(name, array, expected, error)
    if got.dtype is not None and got.dtype.kind in "biu" and not np.allclose(
            expected, np.round(expected)):
        message += (f". {name} has integer dtype {got.dtype}, so fractions "
                    f"were cut off: was it built from an integer array?")
    return message


def _orders(ndim: int):
    return [order for order in itertools.permutations(range(ndim))
            if order != tuple(range(ndim))]


def _shape_message(name: str, array: np.ndarray,
                   expected: np.ndarray) -> str:
    message = f"{name} has shape {array.shape}; expected {expected.shape}"
    if array.ndim == 0:
        message = (f"{name} is a single number; expected an array of shape "
                   f"{expected.shape}")
    elif array.ndim == expected.ndim:
        for order in _orders(array.ndim):
            if same(array.transpose(order), expected):
                return message + (" (it is the transpose of the right "
                                  "answer)" if array.ndim == 2 else
                                  f" (right numbers, axes in the wrong "
                                  f"order: transpose{order} fixes it)")
    if array.size == expected.size and same(array.reshape(expected.shape),
                                            expected):
        extra = np.squeeze(array).shape == np.squeeze(expected).shape
        message += (" (the right numbers with an extra axis of length 1: "
                    "np.ravel or np.squeeze removes it)" if extra else
                    " (the right numbers, arranged in the wrong shape)")
    return message


def _worst_entry(name: str, array: np.ndarray, expected: np.ndarray,
                 error: float) -> str:
    off = np.abs(array - expected)
    worst = np.unravel_index(np.argmax(off), array.shape)
    differing = int((off > TOLERANCE * np.abs(expected).max()).sum())
    index = list(int(i) for i in worst) if array.ndim else ""
    # + 0.0: no "-0" in the message
    return (f"{name}{index} is {array[worst] + 0.0:.6g}; expected "
            f"{expected[worst] + 0.0:.6g} (off by {off[worst]:.3g}); "
            f"{max(differing, 1)} of {array.size} entries differ; relative "
            f"error {error:.2g} (a right answer gives < {TOLERANCE:g})")


def dtype_reason(name, readings, case, exercise) -> str | None:
    """The message for an answer that is as close as float32 (or float16)
    allows, on a case where that precision cannot reach TOLERANCE: the
    answer is float32 itself, or float64 computed from inputs that went
    through float32."""
    if exercise.reference is None:
        return None
    for out, reading in readings.items():
        expected = case.expected[out]
        if (reading.array is None or reading.array.shape != expected.shape
                or not np.isfinite(reading.array).all()):
            continue
        error = rel_error(reading.array, expected)
        dtype = reading.dtype
        low = dtype is not None and dtype.kind == "f" and dtype.itemsize < 8
        if low and np.finfo(dtype).eps > TOLERANCE:  # float16
            eps = float(np.finfo(dtype).eps)
            return None if error > 10 * eps else (
                f"✗ {name} returns {dtype}, which keeps about "
                f"{int(-np.log10(eps))} significant digits (machine epsilon "
                f"{eps:.1e}): it cannot reach the accuracy the checker asks "
                f"for (relative error < {TOLERANCE:g}; yours is "
                f"{error:.1e}). Compute in float64.")
        best = _float32_error(exercise, case, out, computed_in_32=low)
        if best is None or best <= TOLERANCE or error > 10 * best:
            continue
        where = (f"{name} computes in {dtype}" if low else
                 f"{name}'s {out} is what the inputs give once rounded to "
                 f"float32")
        return (f"✗ {where}, and float32 cannot reach the accuracy the "
                f"checker asks for on this test case: your {out} has "
                f"relative error {error:.1e}, and even nnlib's reference "
                f"{'computed in float32' if low else 'on those inputs'} has "
                f"{best:.1e} (a right answer gives < {TOLERANCE:g}). Keep "
                f"the inputs' float64 (no .astype(np.float32)).")
    return None


def _float32_error(exercise, case, out, computed_in_32) -> float | None:
    """The relative error of nnlib's reference when the case's float
    inputs are rounded to float32 (and, if asked, computed in float32)."""
    try:
        rounded = []
        for arg in case.args:
            if isinstance(arg, np.ndarray) and arg.dtype.kind == "f":
                arg = arg.astype(np.float32)
                arg = arg if computed_in_32 else arg.astype(np.float64)
            rounded.append(arg)
        got = np.asarray(exercise.reference(*rounded)[out], np.float64)
        return rel_error(got, case.expected[out])
    except Exception:
        return None
