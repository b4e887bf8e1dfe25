"""nnlib.timing: interleaved rounds and paired ratios."""

import itertools

import pytest

from nnlib import timing


def test_measure_times_every_function_interleaved():
    calls = []
    times = timing.measure({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")},
                           repeats=3, warmup=1, min_time=0)
    assert set(times) == {"a", "b"} and all(t >= 0 for t in times.values())
    # warm-up, calibration, then one call per round in an order that rotates
    assert calls == ["a", "b", "a", "b"] + ["a", "b", "b", "a", "a", "b"]


def test_measure_reads_the_clock_it_is_given():
    ticks = itertools.count()  # a clock that advances by 1 at every reading
    times = timing.measure({"a": lambda: None}, repeats=3, min_time=0.5,
                           clock=lambda: float(next(ticks)))
    assert times == {"a": 1.0}  # one call per sample, one tick per call


def test_paired_ratio_divides_within_each_round():
    # round by round: 2, 3, 4 -> median 3 (the ratio of the medians would be 2.5)
    assert timing.paired_ratio([2.0, 6.0, 4.0], [1.0, 2.0, 1.0]) == 3.0
    with pytest.raises(ValueError):
        timing.paired_ratio([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="repeats"):
        timing.measure_rounds({"a": lambda: None}, repeats=0)
