"""The benchmark code runs, on tiny sizes, and what it compares computes the same numbers.

Timings are never asserted here: they depend on the machine and on its load. Only the
numbers the compared computations produce are checked.
"""

import json
import subprocess
import sys

import cases  # benchmarks/ is on pytest's pythonpath (pyproject.toml)
import machine
import numpy as np
import pytest
import run

from conftest import ROOT


def test_max_rel_diff():
    assert cases.max_rel_diff([1.0, 2.0], [1.0, 2.0]) == 0
    assert cases.max_rel_diff([1.0, 2.5], [1.0, 2.0]) == pytest.approx(0.25)


def test_blas_info_reports_without_changing_anything():
    info = machine.blas_info()
    assert info["numpy"] == np.__version__
    assert set(info["env"]) >= {"OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE"}
    assert "BLAS" in machine.describe_blas(info)


FAST = dict(repeats=1)


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


@pytest.mark.book  # executes a notebook
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
