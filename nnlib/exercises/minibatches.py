"""Chapter 9: cut one epoch into mini-batches.

The reader writes ``minibatches(n_rows, batch_size, rng)``: one epoch's
batches, a list (or a generator) of arrays of row indices. Every row is in
exactly one batch; every batch has ``batch_size`` rows but the last, which
takes what is left (kept, not dropped); the shuffle comes from ``rng``: the
same seed gives the same batches, the next call (epoch) a new order.

Any shuffle drawn from ``rng`` is right: there is no one answer. So the
exercise brings to the one grading framework its own ``call`` (two epochs
from one generator, the first again from a new one of the same seed,
noting which generators were drawn from), ``read`` (index batches),
``judge`` (the properties above) and ``praise``.
"""

import copy
import functools
import random
from collections.abc import Iterator

import numpy as np

from nnlib.batches import epoch_batches
from nnlib.exercises.cases import SEED
from nnlib.exercises.grading import (
    CheckResult,
    Exercise,
    Mistake,
    Outputs,
    grade,
    make_case,
    report,
    returned_nothing,
)
from nnlib.exercises.reading import raised_at, read_index_batches

EPOCHS = ("epoch 1", "epoch 2", "epoch 1 again")
# (n_rows, batch_size): a short last batch, an exact fit, a batch larger
# than the data, a realistic size, batches of one row.
SIZES = ((10, 3), (12, 4), (5, 8), (1000, 32), (7, 1))
SHUFFLE = "order = rng.permutation(n_rows)"
SLICE = "order[start:start + batch_size]"
STARTS = "range(0, n_rows, batch_size)"


# --- Calling: two epochs from one generator, one from its twin -------------

def _state(rng: np.random.Generator) -> dict:
    return rng.bit_generator.state


def _global_state() -> tuple:
    """The global generators: NumPy's legacy one and Python's random."""
    legacy = np.random.get_state()
    return legacy[1].tobytes(), legacy[2], random.getstate()


def _listed(raw):
    """An iterator (a generator that yields the batches) drawn out now,
    before the next epoch's call."""
    return list(raw) if isinstance(raw, Iterator) else raw


def _epochs(fn, args) -> Outputs | None:
    n_rows, batch_size, rng = args
    twin = copy.deepcopy(rng)  # the same seed, anew
    needed = copy.deepcopy(rng)
    needed.permutation(n_rows)  # does a shuffle of n_rows draw at all?
    start, global_start = _state(rng), _global_state()
    first = _listed(fn(n_rows, batch_size, rng))
    if returned_nothing(first):
        return first
    second = _listed(fn(n_rows, batch_size, rng))
    facts = {"rng drawn": _state(rng) != start,
             "global drawn": _global_state() != global_start,
             "rng needed": _state(needed) != start}
    again = _listed(fn(n_rows, batch_size, twin))
    if returned_nothing(second) or returned_nothing(again):
        return None
    return Outputs(dict(zip(EPOCHS, (first, second, again), strict=True)),
                   facts)


def _nnlib(n_rows, batch_size, rng) -> dict:
    """The batches nnlib's train draws, for the same three calls."""
    twin = copy.deepcopy(rng)
    first = epoch_batches(n_rows, batch_size, rng)
    second = epoch_batches(n_rows, batch_size, rng)
    return dict(zip(EPOCHS, (first, second,
                             epoch_batches(n_rows, batch_size, twin)),
                    strict=True))


# --- Judging: what is wrong with the batches -------------------------------

def _sizes(n_rows: int, batch_size: int) -> list[int]:
    return [min(batch_size, n_rows - start)
            for start in range(0, n_rows, batch_size)]


def _shown(sizes: list[int]) -> str:
    if len(sizes) <= 6:
        return str(sizes)
    return (f"[{sizes[0]}, {sizes[1]}, ..., {sizes[-2]}, {sizes[-1]}] "
            f"({len(sizes)} batches)")


def _rows(batches: list[np.ndarray]) -> np.ndarray:
    return (np.concatenate(batches) if batches
            else np.zeros(0, dtype=np.int64))


def _same(first, second) -> bool:
    return (first is not None and second is not None
            and len(first) == len(second)
            and all(np.array_equal(a, b)
                    for a, b in zip(first, second, strict=True)))


def _groups(batches) -> list:
    return sorted(tuple(sorted(batch.tolist())) for batch in batches)


def _unshuffled_groups(batches, n_rows, batch_size) -> bool:
    """Every batch holds the rows it would hold without a shuffle."""
    plain = [np.arange(start, min(start + batch_size, n_rows))
             for start in range(0, n_rows, batch_size)]
    return _groups(batches) == _groups(plain)


def _describe(batches, n_rows: int, batch_size: int) -> str | None:
    """What is wrong with one epoch's batches, or None."""
    rows = _rows(batches)
    outside = rows[(rows < 0) | (rows >= n_rows)]
    if outside.size:
        return (f"row index {outside[0]} does not exist: the rows are "
                f"numbered 0 to {n_rows - 1}")
    found = []
    values, counts = np.unique(rows, return_counts=True)
    if (counts > 1).any():
        row = values[counts > 1][0]
        where = [k for k, batch in enumerate(batches) if row in batch]
        found.append(f"row {row} is in batches {where[0]} and {where[1]}"
                     if len(where) > 1 else
                     f"row {row} is twice in batch {where[0]}")
    missing = np.setdiff1d(np.arange(n_rows), rows)
    if missing.size:
        verb = "is" if missing.size == 1 else "are"
        found.append(f"{missing.size} of the {n_rows} rows {verb} in no "
                     f"batch (row {missing[0]}"
                     + (", ...)" if missing.size > 1 else ")"))
    sizes, expected = [len(b) for b in batches], _sizes(n_rows, batch_size)
    if sizes != expected:
        found.append(f"the batch sizes are {_shown(sizes)}; expected "
                     f"{_shown(expected)}: batch_size rows in each, the "
                     f"last takes what is left")
    if found:
        return "; ".join(found)
    if n_rows > 4 and np.array_equal(rows, np.arange(n_rows)):
        return "the rows are in their original order 0, 1, 2, ..."
    if n_rows > 4 and 1 < batch_size < n_rows and _unshuffled_groups(
            batches, n_rows, batch_size):
        return (f"every batch holds the rows it would hold unshuffled "
                f"(rows 0 to {batch_size - 1}, {batch_size} to "
                f"{2 * batch_size - 1}, ...) in every epoch")
    return None


def _judge(case, readings: dict, facts: dict) -> dict:
    n_rows, batch_size, _ = case.args
    for out in EPOCHS:
        if readings[out].problem:
            return {out: readings[out].problem}
    for out in EPOCHS:
        text = _describe(readings[out].array, n_rows, batch_size)
        if text:
            return {out: f"{out}: {text}"}
    first, second, again = (readings[out].array for out in EPOCHS)
    if not _same(first, again):
        return {"epoch 1 again": "a new generator with the same seed gave "
                                 "other batches than epoch 1"}
    if _same(first, second) and not _same(*(case.expected[out] for out
                                            in EPOCHS[:2])):
        return {"epoch 2": "epoch 2 (a second call with the same rng) gave "
                           "the same batches as epoch 1"}
    if facts["rng needed"] and not facts["rng drawn"]:
        return {"rng": "your function never draws from `rng`: the shuffle "
                       "must come from it"}
    return {}


# --- The known mistakes ----------------------------------------------------

def _wrong_epoch(case, got):
    """The first epoch whose batches are wrong on their own, or None."""
    n_rows, batch_size, _ = case.args
    return next((got[out] for out in EPOCHS if got.get(out) is not None
                 and _describe(got[out], n_rows, batch_size)), None)


def _epoch_mistake(test):
    """A detector that applies ``test(batches, n_rows, batch_size, sizes,
    expected sizes)`` to the first wrong epoch."""
    def applies(case, got):
        batches = _wrong_epoch(case, got)
        n_rows, batch_size, _ = case.args
        return batches is not None and bool(test(
            batches, n_rows, batch_size, [len(b) for b in batches],
            _sizes(n_rows, batch_size)))
    return applies


def _complete(batches, n_rows) -> bool:
    return np.array_equal(np.sort(_rows(batches)), np.arange(n_rows))


def _repeats(batches) -> bool:
    rows = _rows(batches)
    return len(np.unique(rows)) < len(rows)


def _rng_mistake(test):
    """A detector for how the rng was used, on batches right in shape."""
    def applies(case, got):
        return (all(got.get(out) is not None for out in EPOCHS)
                and _wrong_epoch(case, got) is None and bool(test(case, got)))
    return applies


MISTAKES = (
    Mistake("the rows are counted from 1: Python counts from 0, so the "
            f"rows are 0 to n_rows - 1, as {SHUFFLE} gives them",
            _epoch_mistake(lambda b, n, bs, sizes, want: len(b) and _rows(
                b).min() == 1 and _rows(b).max() == n)),
    Mistake(f"off by one: a slice order[a:b] holds the rows a to b - 1 (it "
            f"stops before b), so {SLICE} holds batch_size rows",
            _epoch_mistake(lambda b, n, bs, sizes, want: bs > 1
                           and len(sizes) > 1 and len(set(sizes[:-1])) == 1
                           and abs(sizes[0] - bs) == 1)),
    Mistake(f"the last short batch is dropped: when batch_size does not "
            f"divide n_rows, the rows left over form a last, shorter "
            f"batch, and every row must be used in every epoch. {STARTS} "
            f"gives that last start",
            _epoch_mistake(lambda b, n, bs, sizes, want: n % bs and sizes
                           == want[:-1] and not _repeats(b))),
    Mistake("the batches have nearly equal sizes, as np.array_split(order, "
            "number_of_batches) cuts them; each batch should have "
            "batch_size rows but the last. Give np.array_split the places "
            "to cut: np.array_split(order, range(batch_size, n_rows, "
            "batch_size))",
            _epoch_mistake(lambda b, n, bs, sizes, want: _complete(b, n)
                           and len(sizes) > 1 and sizes != want
                           and max(sizes) - min(sizes) <= 1)),
    Mistake("each batch is drawn on its own (rng.choice for every batch?), "
            "so batches share rows and miss others: shuffle the rows once "
            f"per epoch, {SHUFFLE}, then cut that order into batches",
            _epoch_mistake(lambda b, n, bs, sizes, want: sizes == want
                           and _repeats(b))),
    Mistake(f"overlapping batches: let start step by batch_size ({STARTS}) "
            f"and slice {SLICE}",
            _epoch_mistake(lambda b, n, bs, sizes, want: _repeats(b))),
    Mistake(f"not shuffled: the batches come in the original order, the "
            f"same in every epoch. Shuffle the rows first, {SHUFFLE}, then "
            f"cut that order",
            _epoch_mistake(lambda b, n, bs, sizes, want: np.array_equal(
                _rows(b), np.arange(n)))),
    Mistake(f"only the order of the batches is shuffled: each batch still "
            f"holds the same neighbouring rows in every epoch. Shuffle the "
            f"rows first, {SHUFFLE}, then cut",
            _epoch_mistake(lambda b, n, bs, sizes, want: all(np.array_equal(
                batch, np.sort(batch)) for batch in b))),
    Mistake(f"the rows are shuffled within each batch only: the batches "
            f"hold the same rows in every epoch. Shuffle all rows first, "
            f"{SHUFFLE}, then cut",
            _epoch_mistake(lambda b, n, bs, sizes, want: 1 < bs < n
                           and _unshuffled_groups(b, n, bs))),
    Mistake(f"not reproducible: your function draws from a global "
            f"generator (np.random.permutation, np.random.shuffle or "
            f"Python's random), not from the rng argument, so the same "
            f"seed does not give the same batches. Draw from rng: "
            f"{SHUFFLE}",
            _rng_mistake(lambda c, got: got["rng needed"]
                         and not got["rng drawn"] and got["global drawn"])),
    Mistake(f"not reproducible: your function never draws from `rng`; it "
            f"makes a generator of its own without a seed "
            f"(np.random.default_rng()), so every run shuffles "
            f"differently. Draw from the rng argument: {SHUFFLE}",
            _rng_mistake(lambda c, got: got["rng needed"]
                         and not got["rng drawn"]
                         and not _same(got["epoch 1"],
                                       got["epoch 1 again"]))),
    Mistake("the same order every epoch: a second call with the same rng "
            "(the next epoch) gave the same batches. Draw a new "
            "permutation from rng on every call; a generator made inside "
            "with a fixed seed (np.random.default_rng(0)), or a copy of "
            "rng, starts over on every call",
            _rng_mistake(lambda c, got: _same(got["epoch 1"],
                                              got["epoch 2"]))),
    Mistake("not reproducible: two generators with the same seed gave "
            "different batches. The shuffle must come from rng alone (no "
            "np.random, no generator without a seed)",
            _rng_mistake(lambda c, got: not _same(got["epoch 1"],
                                                  got["epoch 1 again"]))),
)


# --- Hints for exceptions: matched on what raised, and where ---------------

def _shuffle_hint(error, case, args) -> str | None:
    """rng.shuffle given a number, or its None result used as the order."""
    function, line, names = raised_at(error)
    if isinstance(error, TypeError) and (
            function.endswith("shuffle") or "shuffle" in line
            or ("NoneType" in str(error) and "shuffle" in names)):
        return ("rng.shuffle(a) shuffles the array a in place and returns "
                "None: order = np.arange(n_rows), then rng.shuffle(order) "
                f"on its own line; or in one step {SHUFFLE}")
    return None


def _generator_hint(error, case, args) -> str | None:
    """A method of the old np.random API called on a Generator."""
    if isinstance(error, AttributeError) and isinstance(
            getattr(error, "obj", None), np.random.Generator):
        return (f"rng is a NumPy Generator: rng.permutation, rng.shuffle, "
                f"rng.integers, rng.random... `{error.name}` is not one of "
                f"its methods (np.random.{error.name} is the old global "
                f"API, which would not use rng)")
    return None


def _uneven_hint(error, case, args) -> str | None:
    """Equal parts (np.split, reshape) or one array (np.array, np.stack)
    asked of batches whose last one is shorter."""
    n_rows, batch_size, _ = case.args
    function, line, _ = raised_at(error)
    if not isinstance(error, ValueError):
        return None
    if function == "array_split":
        return ("np.array_split(order, number) asks for a number of "
                "batches, here 0, and makes them nearly equal: give it the "
                "places to cut, np.array_split(order, range(batch_size, "
                "n_rows, batch_size))")
    if n_rows % batch_size and (function == "split" or any(
            word in line for word in ("reshape", "array(", "stack("))):
        return (f"{n_rows} rows in batches of {batch_size} leave a last "
                f"batch of {n_rows % batch_size}: equal parts (np.split, "
                f"reshape) or one array of all batches (np.array, "
                f"np.stack) cannot hold it. Slice, {SLICE} for each start "
                f"in {STARTS}, and return the list")
    return None


# --- The checker -----------------------------------------------------------

def _praise(name: str, results: list) -> str:
    nnlib = all(_same(got[out], case.expected[out])
                for case, got in results for out in EPOCHS)
    return (f"✓ {name} is correct: every row once per epoch, batches of "
            f"batch_size with a short last one, shuffled by rng (a new "
            f"order every epoch, the same batches from the same seed), on "
            f"{len(results)} test cases"
            + (" (the very batches nnlib's train draws)." if nnlib else "."))


@functools.cache
def _minibatch_exercise() -> Exercise:
    cases = tuple(make_case(
        f"n_rows={n_rows}, batch_size={batch_size}; epochs 1 and 2 with "
        f"rng = np.random.default_rng({SEED}), epoch 1 again with a fresh "
        f"default_rng({SEED})",
        (n_rows, batch_size, np.random.default_rng(SEED)), _nnlib)
        for n_rows, batch_size in SIZES)
    return Exercise(args=("n_rows", "batch_size", "rng"), outputs=EPOCHS,
                    cases=cases, mistakes=MISTAKES,
                    hints=(_shuffle_hint, _generator_hint, _uneven_hint),
                    call=_epochs, read=read_index_batches, judge=_judge,
                    praise=_praise)


def check_minibatch_batches(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(n_rows, batch_size, rng) -> one epoch's batches``.

    ``rng`` is a NumPy Generator. The batches (a list of arrays of row
    indices, or a generator that yields them) must together hold each of
    the rows 0 .. n_rows - 1 exactly once, in an order shuffled by ``rng``;
    every batch has ``batch_size`` rows except the last, which takes the
    rest. Two calls with the same generator (two epochs) must give two
    orders; a new generator of the same seed, the first batches again.
    """
    return report(grade(fn, _minibatch_exercise()), verbose)
