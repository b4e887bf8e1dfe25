"""What several checkers share: seeded inputs that separate the right idea
from its look-alikes, the one-hot and softmax look-alikes, and hints.
(Layers' gradients and their numerical gradients come from
``nnlib.gradcheck``.)

The inputs every checker covers: a batch of 1; non-square shapes (a
transpose shows as a wrong shape); float32 inputs; where logits appear,
rows that span a wide range within themselves; where labels appear, labels
with gaps (a class missing from the batch).
"""

import re
from collections.abc import Callable

import numpy as np

from nnlib.exercises.grading import Mistake, matches
from nnlib.losses import one_hot

SEED = 0

# Rows that span a wide range within themselves: subtracting anything but
# each row's max overflows exp in float64 (each look-alike in its own
# rows: the last two tell the mean, the median and no shift apart) ...
WIDE_LOGITS = np.array([[0.0, 1500.0, 3.0, -2.0],
                        [-1500.0, 0.0, -3.0, 2.0],
                        [5.0, -1500.0, 0.0, 2.0],
                        [2.0, 1.0, 700.0, -700.0],
                        [0.0, 0.0, 500.0, 1000.0],
                        [710.0, 712.0, 711.0, 709.0]])
# ... and these in np.longdouble too (its exp overflows beyond ~11356),
# with rows at levels 40000 apart for one max over the whole batch.
HUGE_LOGITS = np.array([[0.0, 30000.0, -30000.0, 1.0],
                        [-20000.0, 3.0, 20000.0, 0.0],
                        [20000.0, 20001.0, 19999.0, 20002.0],
                        [-20000.0, -20001.0, -19998.0, -20002.0],
                        [0.0, 0.0, 8000.0, 16000.0],
                        [-31000.0, 19000.0, 19001.0, 19002.0]])
# Labels with gaps: of 6 classes, 2 and 5 never appear, so ranking the
# labels present (np.unique(..., return_inverse=True)) gives wrong columns.
GAP_LABELS, GAP_CLASSES = np.array([0, 3, 3, 1, 4, 0, 4]), 6
for _constant in (WIDE_LOGITS, HUGE_LOGITS, GAP_LABELS):
    _constant.setflags(write=False)


def generator() -> np.random.Generator:
    return np.random.default_rng(SEED)


def ranked_one_hot(labels: np.ndarray, width: int | None = None):
    """The one-hot of each label's rank among the labels present (the
    mistake of np.unique(labels, return_inverse=True)), ``width`` columns
    (default: as many as labels present)."""
    present, rank = np.unique(labels, return_inverse=True)
    return one_hot(rank, len(present) if width is None else width)


def describe_rows(logits: np.ndarray) -> str:
    rows = ", ".join(str([float(v) for v in row]).replace(".0,", ",")
                     .replace(".0]", "]") for row in logits[:2])
    return rows + (", ..." if len(logits) > 2 else "")


# --- The look-alikes of the stable softmax -----------------------------------

SHIFT_MISTAKES = {
    "none": "no max-subtraction: np.exp overflows to inf once a logit "
            "exceeds about 709 (np.longdouble only delays it, to about "
            "11356), and inf / inf is nan. Subtract each row's max first: "
            "np.exp(logits - logits.max(axis=1, keepdims=True))",
    "min": "you subtracted each row's min, not its max: every exponent is "
           "then >= 0, and max - min overflows exp in a row spanning more "
           "than about 709. Subtract the max: every exponent is <= 0 and the "
           "largest term is exactly 1",
    "mean": "you subtracted each row's mean, not its max: in a row like "
            "[0, 1500] the largest exponent is still 750, and exp overflows. "
            "Subtract the max: every exponent is <= 0",
    "median": "you subtracted each row's median, not its max: the entries "
              "above it can still overflow exp. Subtract the max",
    "first": "you subtracted each row's first entry, not its max: a later, "
             "larger entry still overflows exp. Subtract the max, "
             "logits.max(axis=1, keepdims=True)",
    "abs": "you subtracted each row's largest |z|: in a row of large "
           "negative logits every exponent underflows to 0, and 0 / 0 is "
           "nan. Subtract the max itself",
    "batch": "one max for the whole batch: a row far below it underflows "
             "to 0 / 0. Subtract each row's own max (axis=1, "
             "keepdims=True)",
    "column": "you subtracted the max of each column (axis=0, over the "
              "batch): each row needs its own max, axis=1 with "
              "keepdims=True",
}


def _shift(logits: np.ndarray, kind: str) -> np.ndarray:
    return {"none": lambda z: 0,
            "min": lambda z: z.min(axis=1, keepdims=True),
            "mean": lambda z: z.mean(axis=1, keepdims=True),
            "median": lambda z: np.median(z, axis=1, keepdims=True),
            "first": lambda z: z[:, :1],
            "abs": lambda z: np.abs(z).max(axis=1, keepdims=True),
            "batch": lambda z: z.max(),
            "column": lambda z: z.max(axis=0, keepdims=True)}[kind](logits)


def lookalike_softmax(logits: np.ndarray, kind: str) -> list[np.ndarray]:
    """What a softmax that shifts by ``kind`` gives, in float64 and in
    np.longdouble (as float64 arrays)."""
    results = []
    with np.errstate(all="ignore"):
        for dtype in (np.float64, np.longdouble):
            z = logits.astype(dtype)
            exps = np.exp(z - _shift(z, kind))
            results.append((exps / exps.sum(axis=1, keepdims=True))
                           .astype(np.float64))
    return results


def softmax_mistakes(output: str, logits_of: Callable,
                     make: Callable = lambda case, probs: probs
                     ) -> list[Mistake]:
    """One named mistake per look-alike shift: ``output`` equals
    ``make(case, probs)`` where probs is that look-alike's softmax of
    ``logits_of(case)``."""
    def detector(kind):
        def applies(case, got):
            return any(matches(case, got, output, make(case, probs))
                       for probs in lookalike_softmax(logits_of(case), kind))
        return applies
    return [Mistake(text, detector(kind))
            for kind, text in SHIFT_MISTAKES.items()]


# --- Hints for exceptions: matched on what went wrong ------------------------

_BROADCAST = re.compile(r"could not be broadcast together with shapes "
                        r"((?:\([\d, ]*\)\s*)+)")


def broadcast_shapes(error: BaseException) -> list[tuple] | None:
    """The operand shapes of a NumPy broadcasting ValueError, else None."""
    if not isinstance(error, ValueError):
        return None
    match = _BROADCAST.search(str(error))
    if not match:
        return None
    return [tuple(int(n) for n in re.findall(r"\d+", shape))
            for shape in re.findall(r"\([\d, ]*\)", match.group(1))]


def keepdims_hint(reduced: str) -> Callable:
    """A hint for a row sum or max without keepdims=True: a (B, C) array
    met a (B,) one (B != C), so they could not broadcast."""
    def hint(error, case, args):
        shapes = broadcast_shapes(error)
        if not shapes or len(shapes) != 2:
            return None
        full = next((a.shape for a in args if isinstance(a, np.ndarray)
                     and a.ndim == 2), None)
        if full and sorted(shapes, key=len) == [full[:1], full]:
            return (f"did you forget keepdims=True? {reduced} has shape "
                    f"{full[:1]}, which does not line up with the rows of "
                    f"a {full} array; with keepdims=True it is "
                    f"({full[0]}, 1)")
        return None
    return hint


def width_hint(error, case, args) -> str | None:
    """A one-hot of the wrong width met the (B, C) scores."""
    shapes = broadcast_shapes(error)
    scores = args[0].shape
    if (shapes and len(shapes) == 2 and scores in shapes
            and any(len(s) == 2 and s[0] == scores[0] and s[1] != scores[1]
                    for s in shapes)):
        return (f"a one-hot of the wrong width: it needs {scores[1]} "
                f"columns, one per class (labels.max() + 1 is smaller when "
                f"the top classes are missing from the batch)")
    return None


def matmul_hint(error, case, args) -> str | None:
    """A hint for a matrix product whose shapes do not chain."""
    if isinstance(error, ValueError) and str(error).startswith("matmul:"):
        return ("check which matrix needs a transpose: shapes must chain, "
                "e.g. (B, C) @ (C, D) -> (B, D)")
    return None
