"""nnlib.layers.activations: ReLU, Tanh and Sigmoid, their values, gradients and stability."""

import warnings

import numpy as np
import pytest

from nnlib import ReLU, Sigmoid, Tanh, gradcheck

TOLERANCE = 1e-7


def away_from_zero(rng, shape, low=0.1):
    """Random values with |x| >= low: ReLU has a kink at 0 where central differences fail."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(low, 2.0, size=shape)


@pytest.mark.parametrize("activation", [ReLU, Tanh, Sigmoid])
def test_activation_gradients(activation):
    x = away_from_zero(np.random.default_rng(0), (6, 5))
    errors = gradcheck.check_layer(activation(), x)
    assert set(errors) == {"x"}
    assert errors["x"] < TOLERANCE, errors


def test_activation_values():
    x = np.array([[-2.0, -0.5, 0.5, 3.0]])
    np.testing.assert_array_equal(ReLU().forward(x), [[0, 0, 0.5, 3]])
    np.testing.assert_allclose(Tanh().forward(x), np.tanh(x))
    np.testing.assert_allclose(Sigmoid().forward(x), 1 / (1 + np.exp(-x)))
    relu = ReLU()
    relu.forward(x)
    np.testing.assert_array_equal(relu.backward(np.ones_like(x)), [[0, 0, 1, 1]])


def test_sigmoid_is_stable_for_huge_inputs():
    x = np.array([[-1e4, -50.0, 0.0, 50.0, 1e4]])
    sigmoid = Sigmoid()
    # Underflow to 0 is harmless (and silent by default); overflow and nan are not.
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        y = sigmoid.forward(x)
        slope = sigmoid.backward(np.ones_like(x))
    assert np.isfinite(y).all() and np.isfinite(slope).all()
    np.testing.assert_allclose(y[0, [0, 2, 4]], [0.0, 0.5, 1.0])
    assert ((y >= 0) & (y <= 1)).all()


def test_tanh_is_stable_for_huge_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = Tanh().forward(np.array([[-1e4, 1e4]]))
    np.testing.assert_array_equal(y, [[-1.0, 1.0]])
