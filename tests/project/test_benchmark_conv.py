"""Benchmark item 8 (benchmarks/conv.py) runs on tiny sizes, and what it compares
computes the same numbers. Without PyTorch its PyTorch rows say "skipped": reported, not
failed. Timings are never asserted."""

import conv  # benchmarks/ is on pytest's pythonpath (pyproject.toml)
import numpy as np
import pytest
import run

TINY = dict(batch=2, c_in=2, size=5, c_out=3, k=3, padding=1, repeats=1, loop_repeats=1)


def test_conv_case_runs_and_agrees():
    rows = conv.conv_case(**TINY)
    assert all(row.item == 8 for row in rows)
    loops = rows[-1]
    assert loops.candidate == "chapter 11's loops" and loops.agreement < 1e-5
    assert loops.candidate_s > 0 and loops.baseline_s > 0 and loops.ratio > 0
    try:
        import torch  # noqa: F401
    except ImportError:
        skipped = rows[0]
        assert len(rows) == 2 and skipped.passed is None
        assert skipped.target == "skipped: no PyTorch" and skipped.baseline_s is None
        assert skipped.candidate_s > 0 and "not installed" in skipped.notes[0]
        assert "skipped" in run.table(rows)
    else:
        assert len(rows) == 3
        assert all(row.agreement < 1e-4 for row in rows[:2])


def test_run_knows_item_8():
    assert 8 in run.ITEMS


def test_conv_problem_is_the_issues_size_and_float32():
    layer, x, g = conv.conv_problem(**conv.SIZE)
    assert x.shape == (64, 16, 14, 14) and g.shape == (64, 32, 14, 14)
    assert layer.w.shape == (32, 16, 3, 3) and layer.padding == 1
    assert x.dtype == g.dtype == layer.w.dtype == np.float32


@pytest.mark.parametrize("onednn", [True, False])
def test_torch_conv_is_none_without_pytorch(onednn):
    layer, x, g = conv.conv_problem(batch=1, c_in=1, size=4, c_out=1, k=3, padding=0)
    run_torch = conv.torch_conv(layer, x, g, onednn=onednn)
    try:
        import torch  # noqa: F401
    except ImportError:
        assert run_torch is None
    else:
        z, dx, dw, db = run_torch()
        assert conv.max_rel_diff((z, dx, dw, db), (layer.forward(x), layer.backward(g),
                                                   layer.dw, layer.db)) < 1e-5
