"""The reader's inputs: fresh read-only copies for every call, and which
input a function changed in place.

A write into a read-only input raises at once; ``written_input`` then runs
the function again on writable copies to name the input and the first entry
that changed (or, if none changed, the input it writes into).
"""

import copy

import numpy as np


def fresh(arg, read_only: bool = False):
    """A copy for the reader: the case's own arguments never change."""
    if not isinstance(arg, np.ndarray):
        return copy.deepcopy(arg)
    arg = arg.copy()
    arg.setflags(write=not read_only)
    return arg


def written_input(fn, case, names) -> str | None:
    """Which input ``fn`` writes into, found by running it again on
    writeable copies (and, if no value changed, with one input read-only at
    a time); None if it fails for another reason."""
    copies = tuple(fresh(arg) for arg in case.args)
    try:
        fn(*copies)
    except Exception:  # it fails anyway: not a write into an input
        return None
    changed = changed_input(names, case.args, copies)
    if changed:
        return changed
    for index, (name, arg) in enumerate(zip(names, case.args, strict=False)):
        if not isinstance(arg, np.ndarray):
            continue
        trial = tuple(fresh(a, read_only=i == index)
                      for i, a in enumerate(case.args))
        try:
            fn(*trial)
        except Exception:
            return (f"`{name}` in place: it writes into it (here the values "
                    f"happened to stay the same). The caller's array is not "
                    f"yours to change: build a new array (no out={name}), "
                    f"or copy first: {name} = {name}.copy()")
    return None


def changed_input(names, originals, args) -> str | None:
    """Which array argument the reader's function changed, and where."""
    for name, before, after in zip(names, originals, args, strict=False):
        if not isinstance(before, np.ndarray):
            continue
        if after.shape != before.shape:
            return (f"`{name}` in place: its shape went from {before.shape} "
                    f"to {after.shape}. Reshape a view (y = {name}.reshape"
                    f"(...)) instead of setting {name}.shape")
        with np.errstate(all="ignore"):
            differs = ~((after == before) | (np.isnan(after)
                                              & np.isnan(before)))
        if differs.any():
            where = tuple(int(i) for i in np.argwhere(differs)[0])
            return (f"`{name}` in place ({name}{list(where)} was "
                    f"{before[where] + 0:.4g}, now {after[where] + 0:.4g}). "
                    f"The caller's array is overwritten, which breaks the "
                    f"next cells that use it. Build a new array "
                    f"(y = {name} * 2, not {name} *= 2; no out={name}), or "
                    f"copy first: {name} = {name}.copy()")
    return None
