"""Fair timing on a busy machine: interleaved rounds and paired ratios.

One stopwatch reading means little: the first call pays for caches, and
another program can take the processor at any moment. So ``measure_rounds``
warms every function up, then times them in rounds, one sample of each per
round, in an order that rotates (A B, B A, ...): a burst of load from
elsewhere hits both sides. ``paired_ratio`` divides the two samples of each
round and keeps the median: a ratio to a baseline timed side by side travels
from machine to machine far better than a time.

The clock is the wall clock (``time.perf_counter``) unless you pass another:
``clock=time.process_time`` counts only the processor time this process
used, not the time it waited while other programs had the cores, which
usually makes comparisons on a busy machine steadier.
"""

import gc
import math
import statistics
import time
from collections.abc import Callable


def measure_rounds(fns: dict[str, Callable[[], object]], *,
                   repeats: int = 7, warmup: int = 1, min_time: float = 0.02,
                   clock: Callable[[], float] = time.perf_counter,
                   ) -> dict[str, list[float]]:
    """Seconds per call of each function, one sample per round.

    Each sample times enough calls to last about ``min_time`` seconds (a
    fast call is shorter than the clock's noise). The garbage collector is
    off while timing.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1; got {repeats}")
    names = list(fns)
    for name in names:
        for _ in range(warmup):
            fns[name]()
    number = {name: _calls_per_sample(fns[name], min_time, clock)
              for name in names}
    samples = {name: [] for name in names}
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for round_ in range(repeats):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:  # A B, B A, ...
                fn, n = fns[name], number[name]
                start = clock()
                for _ in range(n):
                    fn()
                samples[name].append((clock() - start) / n)
    finally:
        if gc_was_enabled:
            gc.enable()
    return samples


def measure(fns: dict[str, Callable[[], object]],
            **kwargs) -> dict[str, float]:
    """The median seconds per call of each function (``measure_rounds``
    takes the same keyword arguments)."""
    rounds = measure_rounds(fns, **kwargs)
    return {name: statistics.median(values)
            for name, values in rounds.items()}


def paired_ratio(candidate: list[float], baseline: list[float]) -> float:
    """The median over rounds of candidate / baseline, same round.

    The two samples of one round are taken milliseconds apart and share the
    machine's load, so their ratio is steadier than a ratio of medians.
    """
    return statistics.median(
        c / b for c, b in zip(candidate, baseline, strict=True))


def _calls_per_sample(fn: Callable[[], object], min_time: float,
                      clock: Callable[[], float]) -> int:
    """How many calls of ``fn`` last about ``min_time`` seconds."""
    start = clock()
    fn()
    once = clock() - start
    return max(1, math.ceil(min_time / max(once, 1e-9)))
