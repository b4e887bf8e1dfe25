"""The benchmark code runs, on tiny sizes, and what it compares computes the same numbers.

Timings are never asserted here: they depend on the machine and on its load. Only the
numbers the compared computations produce are checked.
"""

import json
import subprocess
import sys

import numpy as np
import pytest

from nnlib import Linear, Model, mlp

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import cases  # noqa: E402
import run  # noqa: E402
import timing  # noqa: E402

FAST = dict(repeats=1)


def test_measure_times_every_function_interleaved():
    calls = []
    times = timing.measure({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")},
                           repeats=3, warmup=1, min_time=0)
    assert set(times) == {"a", "b"} and all(t >= 0 for t in times.values())
    # warm-up, calibration, then one call per round in an order that rotates
    assert calls == ["a", "b", "a", "b"] + ["a", "b", "b", "a", "a", "b"]


def test_max_rel_diff():
    assert timing.max_rel_diff([1.0, 2.0], [1.0, 2.0]) == 0
    assert timing.max_rel_diff([1.0, 2.5], [1.0, 2.0]) == pytest.approx(0.25)


def test_blas_info_reports_without_changing_anything():
    info = timing.blas_info()
    assert info["numpy"] == np.__version__
    assert set(info["env"]) >= {"OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE"}
    assert "BLAS" in timing.describe_blas(info)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_linear_case_agrees_with_raw_blas(dtype):
    row = cases.linear_case(dtype, batch=8, n_in=5, n_out=3, **FAST)
    assert row.agreement <= 10 * np.finfo(dtype).eps
    assert row.candidate_s > 0 and row.baseline_s > 0 and row.ratio > 0


def test_mlp_step_is_the_same_computation_every_way():
    errors = cases.mlp_step_check(batch=16, n_in=12, hidden=8, classes=4, lr=0.5)
    assert set(errors) == set(cases.PRODUCTS)
    assert max(errors.values()) < 1e-5, errors  # float32


def test_mlp_case_and_breakdown_run():
    rows = cases.mlp_case(batch=16, n_in=12, hidden=8, classes=4, **FAST)
    assert [row.item for row in rows] == [2, 2]
    parts = cases.step_breakdown(batch=16, n_in=12, hidden=8, classes=4, repeats=1)
    assert len(parts) == 9 and all(t > 0 for t in parts.values())


def test_minimal_training_matches_nnlib_train():
    row = cases.article_training_case(epochs=20, **FAST)
    assert row.agreement < 1e-12


def test_softmax_backward_paths_agree():
    row = cases.softmax_case(batch=4, classes=7, **FAST)
    assert row.agreement <= 1e-12
    scaling = cases.softmax_scaling(batch=2, classes=(3, 5), repeats=1)
    assert set(scaling) == {3, 5}


def test_slider_case_runs():
    row = cases.slider_case(repeats=1, lrs=(0.1,))
    assert row.item == 5
    if row.baseline is not None:  # nnlib.widgets exists
        assert row.candidate_s > 0


def test_table_and_json(tmp_path):
    rows = [cases.Row(1, "x", "a", "b", 0.002, 0.001, "<= 1.10x", False, 0.0),
            cases.Row(6, "build", "jb", None, 90.0, None, "builds", True, notes=["3 notebooks"])]
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


def test_first_linear_skips_only_the_input_gradient():
    rng = np.random.default_rng(0)
    x, grad = rng.normal(size=(6, 4)), rng.normal(size=(6, 3))
    full, skip = Linear(4, 3, rng=0), Linear(4, 3, rng=0)
    full.forward(x)
    skip.forward(x)
    assert full.backward(grad).shape == (6, 4)
    assert skip.backward(grad, input_grad=False) is None
    np.testing.assert_array_equal(skip.dw, full.dw)
    np.testing.assert_array_equal(skip.db, full.db)


def test_model_backward_gives_the_same_gradients_as_layer_by_layer():
    x, labels = np.random.default_rng(1).normal(size=(9, 2)), np.arange(9) % 3
    model, manual = mlp(2, [5], 3, rng=0), mlp(2, [5], 3, rng=0)
    loss = model.loss_and_backward(x, labels)
    assert loss == manual.loss.forward(manual.forward(x), labels)
    grad = manual.loss.backward()
    for layer in reversed(manual.layers):
        grad = layer.backward(grad)
    for ours, theirs in zip(model.layers, manual.layers, strict=True):
        for name in ours.param_names:
            np.testing.assert_array_equal(getattr(ours, "d" + name), getattr(theirs, "d" + name))


def test_a_first_layer_with_its_own_backward_is_called_as_usual():
    calls = []

    class OwnBackward(Linear):
        def backward(self, grad):  # no input_grad keyword
            calls.append(grad.shape)
            return super().backward(grad)

    model = Model([OwnBackward(2, 2, rng=0)])
    model.loss_and_backward(np.ones((3, 2)), np.array([0, 1, 0]))
    assert calls == [(3, 2)]
