"""BatchNorm: PyTorch's BatchNorm1d (training steps, running statistics, evaluation),
gradient checks for x, gamma and beta, float32, clear errors."""

from pathlib import Path

import numpy as np
import pytest

from nnlib import BatchNorm
from nnlib.gradcheck import check_layer, rel_error

REFS = np.load(Path(__file__).parents[1] / "references" / "regularisation_torch.npz")


def _torch_like_layer():
    layer = BatchNorm(4, momentum=0.1, eps=1e-5)
    layer.gamma[...], layer.beta[...] = REFS["bn_gamma"], REFS["bn_beta"]
    return layer


def _assert_step(layer, prefix):
    out = layer.forward(REFS[f"{prefix}_x"])
    dx = layer.backward(REFS[f"{prefix}_upstream"])
    for name, ours in [("out", out), ("dx", dx), ("dgamma", layer.dgamma),
                       ("dbeta", layer.dbeta), ("running_mean", layer.running_mean),
                       ("running_var", layer.running_var)]:
        error = rel_error(ours, REFS[f"{prefix}_{name}"])
        assert error <= 1e-6, f"{prefix} {name}: relative error {error:.1e}"


def test_agrees_with_pytorch_in_training_then_evaluation():
    layer = _torch_like_layer()
    for step in range(3):  # batches of 5, 3 and 7 rows: running statistics after each
        _assert_step(layer, f"bn_train{step}")
    layer.training = False
    _assert_step(layer, "bn_eval")


def test_running_variance_averages_the_unbiased_batch_variance():
    x = np.array([[1.0], [2.0], [6.0]])
    layer = BatchNorm(1, momentum=0.5)
    layer.forward(x)
    assert np.isclose(layer.running_mean[0], 0.5 * 0 + 0.5 * 3)
    assert np.isclose(layer.running_var[0], 0.5 * 1 + 0.5 * x.var(ddof=1))
    # ... while the normalisation divides by B: the output has variance 1 (up to eps)
    out = layer.forward(x)
    assert np.isclose(out.var(), 1, atol=1e-5)


@pytest.mark.parametrize("training", [True, False])
def test_gradient_check_x_gamma_beta(training):
    rng = np.random.default_rng(0)
    layer = BatchNorm(5)
    layer.gamma[...], layer.beta[...] = rng.normal(size=5), rng.normal(size=5)
    layer.running_mean[...], layer.running_var[...] = rng.normal(size=5), rng.uniform(1, 2, 5)
    layer.training = training
    errors = check_layer(layer, rng.normal(size=(6, 5)) * 3 + 1)
    assert set(errors) == {"x", "gamma", "beta"}
    assert max(errors.values()) <= 1e-6, errors


def test_evaluation_uses_the_running_statistics():
    layer = BatchNorm(2)
    layer.running_mean[...] = [1.0, -1.0]
    layer.running_var[...] = [4.0, 0.25]
    layer.training = False
    out = layer.forward(np.array([[3.0, 0.0]]))  # one row is fine in evaluation
    np.testing.assert_allclose(out, [[2 / np.sqrt(4 + 1e-5), 1 / np.sqrt(0.25 + 1e-5)]])
    np.testing.assert_array_equal(layer.running_mean, [1.0, -1.0])  # not updated


def test_gamma_and_beta_are_parameters_that_do_not_decay():
    params = BatchNorm(3).parameters()
    assert [p.name for p in params] == ["gamma", "beta"]
    assert not any(p.decays for p in params)


def test_float32_is_kept():
    layer = BatchNorm(3)
    x = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    assert layer.forward(x).dtype == np.float32
    assert layer.backward(x).dtype == np.float32


@pytest.mark.parametrize("features", [0, -3, 2.0, True, "4", None])
def test_bad_features(features):
    with pytest.raises(ValueError, match=r"features must be a positive integer; got"):
        BatchNorm(features)


@pytest.mark.parametrize("momentum", [-0.1, 1.5, float("inf"), False])
def test_bad_momentum(momentum):
    with pytest.raises(ValueError, match=r"momentum must be a number in \[0, 1\]; got"):
        BatchNorm(3, momentum=momentum)


@pytest.mark.parametrize("eps", [0, -1e-5, float("nan")])
def test_bad_eps(eps):
    with pytest.raises(ValueError, match=r"eps must be a finite number > 0; got"):
        BatchNorm(3, eps=eps)


def test_wrong_input_width():
    with pytest.raises(ValueError, match=r"x must have 3 columns \(features\); got shape \(4, 2\)"):
        BatchNorm(3).forward(np.ones((4, 2)))


def test_one_row_in_training_mode_is_refused_with_the_way_out():
    with pytest.raises(ValueError, match=r"BatchNorm in training mode needs at least 2 rows "
                                         r".*model.evaluation_mode\(\)"):
        BatchNorm(3).forward(np.ones((1, 3)))
