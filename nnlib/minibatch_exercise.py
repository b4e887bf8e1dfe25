"""An exercise that checks itself: cut one epoch into mini-batches.

The reader writes ``minibatches(n_rows, batch_size, rng)``, which returns one
epoch's batches: a list of arrays of row indices. ``check_minibatch_batches``
grades it the way nnlib's ``train`` needs its batches:

- every row appears in exactly one batch (no row twice, none left out);
- every batch has ``batch_size`` rows except the last, which takes what is
  left (it is kept, not dropped);
- the rows are shuffled, and the shuffle comes from ``rng``: the same seed
  gives the same batches, and the next call (the next epoch) a new order.

It names the usual mistakes: the last short batch dropped, the same order
every epoch, overlapping batches, a slice that is one row short.
"""

import textwrap

import numpy as np

from nnlib.exercises import CheckResult

__all__ = ["check_minibatch_batches"]

SEED = 0
# Messages are wrapped to the width of the exercise box on a book page.
WIDTH = 62
# (n_rows, batch_size): a short last batch, an exact fit, a batch larger
# than the data, a realistic size, batches of one row.
CASES = [(10, 3), (12, 4), (5, 8), (1000, 32), (7, 1)]


def _verdict(passed: bool, *lines: str) -> CheckResult:
    wrapped = [textwrap.fill(line, WIDTH, subsequent_indent="    ",
                             break_long_words=False, break_on_hyphens=False)
               for line in lines]
    return CheckResult(passed, "\n".join(wrapped))


def _as_batches(raw) -> list[np.ndarray]:
    """The reader's batches as a list of 1-D integer arrays (raises
    TypeError with a reason if they are not)."""
    batches = [np.asarray(batch) for batch in raw]
    for k, batch in enumerate(batches):
        if batch.ndim != 1:
            raise TypeError(f"batch {k} has shape {batch.shape}: each batch "
                            "should be a 1-D array of row indices")
        if batch.size and not np.issubdtype(batch.dtype, np.integer):
            raise TypeError(f"batch {k} holds {batch.dtype} values: row "
                            "indices are integers")
    return batches


def _rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


def _problem(batches: list[np.ndarray], n_rows: int,
             batch_size: int) -> str | None:
    """What is wrong with one epoch's batches, or None."""
    sizes = [len(batch) for batch in batches]
    rows = (np.concatenate(batches) if batches
            else np.array([], dtype=np.int64))
    expected_count = -(-n_rows // batch_size)  # ceil(n_rows / batch_size)
    short = n_rows % batch_size
    if len(rows) and (rows.min() < 0 or rows.max() >= n_rows):
        bad = rows[(rows < 0) | (rows >= n_rows)][0]
        return (f"row index {bad} does not exist: the rows are numbered "
                f"0 to {n_rows - 1} (off by one?)")
    if max(sizes, default=0) > batch_size:
        return (f"a batch has {max(sizes)} rows, more than batch_size = "
                f"{batch_size}: slice order[start:start + batch_size]")
    values, counts = np.unique(rows, return_counts=True)
    if (counts > 1).any():
        return (f"overlapping batches: row {values[counts > 1][0]} is in "
                f"two batches. Let start step by batch_size "
                f"(range(0, n_rows, batch_size)) and slice "
                f"order[start:start + batch_size]")
    missing = n_rows - len(values)
    if missing and short and missing == short and (
            len(batches) == n_rows // batch_size):
        return (f"the last short batch is dropped: {n_rows} rows in "
                f"batches of {batch_size} leave {_rows(short)} for a last, "
                f"shorter batch, and every row must be used in every "
                f"epoch. range(0, n_rows, batch_size) gives that last "
                f"start")
    if missing and batch_size > 1 and sizes[:-1] and all(
            size == batch_size - 1 for size in sizes[:-1]):
        return (f"off by one: the batches have {_rows(batch_size - 1)}, not "
                f"{batch_size}, which leaves {_rows(missing)} out. A "
                f"slice order[a:b] stops before b, so b = start + "
                f"batch_size")
    if missing:
        return (f"{missing} of the {n_rows} rows are in no batch: every "
                f"row must be used once per epoch")
    if len(batches) != expected_count or any(
            size != batch_size for size in sizes[:-1]):
        return (f"the batch sizes are {sizes}: every batch should have "
                f"batch_size = {batch_size} rows except the last, which "
                f"takes what is left ({expected_count} batches)")
    if n_rows > 4 and np.array_equal(rows, np.arange(n_rows)):
        return ("the rows are in their original order 0, 1, 2, ...: "
                "shuffle them first, order = rng.permutation(n_rows)")
    return None


def _same_batches(first, second) -> bool:
    return len(first) == len(second) and all(
        np.array_equal(a, b) for a, b in zip(first, second, strict=True))


def check_minibatch_batches(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(n_rows, batch_size, rng) -> list of index arrays``.

    ``rng`` is a NumPy Generator. The batches together must hold each of
    the rows 0 .. n_rows - 1 exactly once, in an order shuffled by ``rng``;
    every batch has ``batch_size`` rows except the last, which takes the
    rest. Two calls with generators of the same seed must give the same
    batches; two calls with the same generator (two epochs) a new order.
    """
    result = _check(fn)
    if verbose:
        print(result.message)
    return result


def _check(fn) -> CheckResult:
    name = getattr(fn, "__name__", "your function")
    name = "your function" if name.startswith("<") else name
    not_yet = _verdict(False, f"… {name} is not implemented yet: write its "
                              f"body (replace `return None`) and run the "
                              f"cell again.")
    matches_nnlib = True
    for n_rows, batch_size in CASES:
        case = f"n_rows={n_rows}, batch_size={batch_size}"

        def call(rng, n_rows=n_rows, batch_size=batch_size):
            raw = fn(n_rows, batch_size, rng)
            return None if raw is None else _as_batches(raw)

        rng = np.random.default_rng(SEED)
        try:
            first = call(rng)
            if first is None:
                return not_yet
            second = call(rng)  # the next epoch, same generator
            again = call(np.random.default_rng(SEED))  # same seed anew
        except NotImplementedError:
            return not_yet
        except Exception as error:  # the reader's bug, shown as a message
            return _verdict(False, f"✗ {name} raised {type(error).__name__}:"
                                   f" {error}", f"  test case: {case}")
        problem = _problem(first, n_rows, batch_size)
        if problem is None and not _same_batches(first, again):
            problem = ("not reproducible: two generators with the same seed "
                       "gave different batches. Draw the shuffle from the "
                       "rng argument (rng.permutation(n_rows)), not from "
                       "np.random")
        if problem is None and n_rows > 4 and _same_batches(first, second):
            problem = ("the same order every epoch: a second call with the "
                       "same generator gave the same batches. Draw a new "
                       "permutation from rng on every call (do not make a "
                       "new generator with a fixed seed inside)")
        if problem is None:
            problem = _problem(second, n_rows, batch_size)
        if problem is not None:
            return _verdict(False, f"✗ {name} is not right yet.",
                            f"  test case: {case}", f"  {problem}")
        order = np.random.default_rng(SEED).permutation(n_rows)
        nnlib_batches = [order[start:start + batch_size]
                         for start in range(0, n_rows, batch_size)]
        matches_nnlib = matches_nnlib and _same_batches(first, nnlib_batches)
    message = (f"✓ {name} is correct: every row once per epoch, batches of "
               f"batch_size with a short last one, shuffled by rng, on "
               f"{len(CASES)} test cases")
    if matches_nnlib:
        message += " (the very batches nnlib's train draws)"
    return _verdict(True, message + ".")
