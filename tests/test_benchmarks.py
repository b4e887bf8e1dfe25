"""The benchmark code runs, on tiny sizes, and what it compares computes the same numbers.

Timings are never asserted here: they depend on the machine and on its load. Only the
numbers the compared computations produce are checked.
"""

import itertools
import json
import subprocess
import sys

import cases  # benchmarks/ is on pytest's pythonpath (pyproject.toml)
import machine
import numpy as np
import pytest
import run

from nnlib import Layer, Linear, Model, ReLU, mlp, timing

from conftest import ROOT

FAST = dict(repeats=1)


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


def test_max_rel_diff():
    assert cases.max_rel_diff([1.0, 2.0], [1.0, 2.0]) == 0
    assert cases.max_rel_diff([1.0, 2.5], [1.0, 2.0]) == pytest.approx(0.25)


def test_blas_info_reports_without_changing_anything():
    info = machine.blas_info()
    assert info["numpy"] == np.__version__
    assert set(info["env"]) >= {"OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE"}
    assert "BLAS" in machine.describe_blas(info)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_linear_case_agrees_with_raw_blas(dtype):
    row = cases.linear_case(dtype, batch=8, n_in=5, n_out=3, **FAST)
    assert row.agreement <= 10 * np.finfo(dtype).eps
    assert row.candidate_s > 0 and row.baseline_s > 0 and row.ratio > 0


def test_mlp_step_is_the_same_computation_every_way():
    errors = cases.mlp_step_check(batch=16, n_in=12, hidden=8, classes=4, lr=0.5)
    assert set(errors) == set(cases.PRODUCTS)
    assert max(errors.values()) < 1e-5, errors  # float32


def test_mlp_case_runs():
    rows = cases.mlp_case(batch=16, n_in=12, hidden=8, classes=4, **FAST)
    assert [row.item for row in rows] == [2, 2]
    assert all(row.agreement < 1e-5 for row in rows)


def test_minimal_training_matches_nnlib_train():
    row = cases.article_training_case(epochs=20, **FAST)
    assert row.agreement < 1e-12


def test_softmax_backward_paths_agree():
    row = cases.softmax_case(batch=4, classes=7, **FAST)
    assert row.agreement <= 1e-12


def test_slider_case_runs():
    row = cases.slider_case(repeats=1, lrs=(0.1,))
    assert row.item == 5 and row.candidate_s > 0 and row.baseline_s > 0
    assert row.target == "<= 4x, < 60 ms"


def test_notebook_case_times_one_notebook(tmp_path):
    notebook = tmp_path / "09_tiny.ipynb"
    notebook.write_text(json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "id": "a", "metadata": {},
                   "outputs": [], "source": "import os\nassert os.getcwd()"}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    row = cases.notebook_case(notebook)
    assert row.item == 7 and row.candidate == "09_tiny.ipynb" and row.candidate_s > 0


def test_table_and_json(tmp_path):
    rows = [cases.Row(1, "x", "a", "b", 0.002, 0.001, "<= 1.10x", False, 0.0),
            cases.Row(7, "build", "jb", None, 90.0, None, "builds", True, notes=["3 notebooks"])]
    text = run.table(rows)
    assert "2.00x" in text and "FAIL" in text and "90.0 s" in text and "3 notebooks" in text


def test_command_line_quick_run_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    # item 3 is the cheapest real item; the command line must work end to end
    result = subprocess.run([sys.executable, "benchmarks/run.py", "--quick", "--only", "3",
                             "--json", str(out)], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode in (0, 1), result.stderr  # 1 = a target missed: not a test failure
    assert "article training" in result.stdout
    rows = json.loads(out.read_text())["rows"]
    assert rows[0]["item"] == 3 and rows[0]["agreement"] < 1e-12


# --- The speed-ups in nnlib change no result ---------------------------------------------


def test_param_backward_stores_the_same_gradients_without_dx():
    rng = np.random.default_rng(0)
    x, grad = rng.normal(size=(6, 4)), rng.normal(size=(6, 3))
    full, skip = Linear(4, 3, rng=0), Linear(4, 3, rng=0)
    full.forward(x)
    skip.forward(x)
    assert full.backward(grad).shape == (6, 4)
    assert skip.param_backward(grad) is None
    for ours, theirs in zip(skip.parameters(), full.parameters(), strict=True):
        np.testing.assert_array_equal(ours.grad, theirs.grad)


def test_model_backward_gives_the_same_gradients_as_layer_by_layer():
    x, labels = np.random.default_rng(1).normal(size=(9, 2)), np.arange(9) % 3
    model, manual = mlp(2, [5], 3, rng=0), mlp(2, [5], 3, rng=0)
    loss = model.loss_and_backward(x, labels)
    assert loss == manual.mean_loss(x, labels)
    grad = manual.loss.backward()
    for layer in reversed(manual.layers):
        grad = layer.backward(grad)
    for ours, theirs in zip(model.parameters(), manual.parameters(), strict=True):
        assert ours.name == theirs.name
        np.testing.assert_array_equal(ours.grad, theirs.grad)


class Recorded(Layer):
    """Any layer, with a log of which backward method the model called."""

    def __init__(self, layer, log):
        self.layer, self.log = layer, log
        self.param_names = layer.param_names

    def forward(self, x):
        return self.layer.forward(x)

    def backward(self, grad):
        self.log.append((repr(self.layer), "backward"))
        return self.layer.backward(grad)

    def param_backward(self, grad):
        self.log.append((repr(self.layer), "param_backward"))
        self.layer.param_backward(grad)

    def parameters(self):
        return self.layer.parameters()


def test_model_calls_param_backward_on_the_first_layer_only():
    log = []
    layers = [Linear(2, 4, rng=0), ReLU(), Linear(4, 3, rng=1)]
    model = Model([Recorded(layer, log) for layer in layers])
    model.loss_and_backward(np.ones((5, 2)), np.array([0, 1, 2, 0, 1]))
    # from the top down: every layer above the first passes dL/d(input) on;
    # the first one's input is the data, so it stores its gradients only
    assert log == [("Linear(4, 3)", "backward"), ("ReLU()", "backward"),
                   ("Linear(2, 4)", "param_backward")]
    assert all(param.grad is not None for param in model.parameters())
