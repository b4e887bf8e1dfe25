"""Chapter 1: one-hot labels."""

import functools

import numpy as np

from nnlib.exercises.cases import (
    GAP_CLASSES,
    GAP_LABELS,
    generator,
    ranked_one_hot,
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
from nnlib.losses import one_hot


def _reference(labels, n_classes):
    return {"one_hot": one_hot(labels, n_classes)}


@functools.cache
def _exercise() -> Exercise:
    rng = generator()
    every = rng.integers(0, 4, 7)
    every[:4] = np.arange(4)  # all of the 4 classes appear
    top_unused = rng.integers(0, 3, 6)
    top_unused[:3] = np.arange(3)  # classes 3 and 4 of 5 never appear
    specs = [(every, 4), (GAP_LABELS.copy(), GAP_CLASSES),
             (top_unused, 5), (np.array([2]), 4),
             (np.array([1, 3, 0, 2], dtype=np.int32), 4)]
    cases = tuple(
        make_case(f"{len(labels)} labels, n_classes={n_classes}, "
                  f"labels={labels.tolist()}", (labels, n_classes),
                  _reference)
        for labels, n_classes in specs)

    mistakes = (
        Mistake("the width comes from the labels (labels.max() + 1) "
                "instead of n_classes; a batch need not contain every "
                "class", equals("one_hot", lambda c: one_hot(
                    c.args[0], c.args[0].max() + 1))),
        Mistake("columns by rank (np.unique(labels, return_inverse=True)): "
                "when a class is missing from the batch, the labels above "
                "it move one column left. Label k belongs in column k: "
                "out[np.arange(batch), labels] = 1",
                equals("one_hot", lambda c: ranked_one_hot(c.args[0]),
                    lambda c: ranked_one_hot(*c.args))),
        Mistake("whole columns are set (out[:, labels] = 1): index rows "
                "and columns together, out[np.arange(batch), labels] = 1",
                equals("one_hot", lambda c: one_hot(*c.args).any(axis=0)
                    * np.ones((len(c.args[0]), 1)))),
        Mistake("the 1 is one column off (label + 1 or label - 1)",
                equals("one_hot",
                       lambda c: np.roll(c.expected["one_hot"], 1, 1),
                       lambda c: np.roll(c.expected["one_hot"], -1, 1))),
    )
    return Exercise(args=("labels", "n_classes"), outputs=("one_hot",),
                    cases=cases, mistakes=mistakes)


def check_one_hot(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(labels, n_classes) -> (batch, n_classes)``.

    labels: (batch,) integers in [0, n_classes). Row n of the result is all
    zeros except a 1 in column labels[n]. The labels tested include gaps
    (classes missing from the batch) and a batch of 1.
    """
    return report(grade(fn, _exercise()), verbose)
