"""nnlib.optim: SGD's update rule, with and without momentum, and its argument checks."""

import numpy as np
import pytest

from nnlib import (
    SGD,
    Linear,
    Model,
    train,
)
from nnlib import data as nn_data


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf"), "0.1"])
def test_bad_learning_rate(lr):
    with pytest.raises(ValueError, match="learning rate must be a finite number > 0"):
        SGD(lr)
    x, labels = nn_data.article_data()
    with pytest.raises(ValueError, match="learning rate"):
        train(Model([Linear(2, 2)]), x, labels, lr=lr)


def test_momentum_follows_its_update_rule():
    # v <- m v - lr g; p <- p + v, with a known sequence of gradients
    layer = Linear(1, 1)
    layer.w[...] = 1.0
    optimizer = SGD(lr=0.5, momentum=0.9)
    expected_w, velocity = 1.0, 0.0
    for grad in [1.0, 2.0, -1.0, 0.0]:
        layer.dw, layer.db = np.array([[grad]]), np.array([0.0])
        optimizer.step(layer.parameters())
        velocity = 0.9 * velocity - 0.5 * grad
        expected_w += velocity
        assert layer.w[0, 0] == pytest.approx(expected_w, abs=1e-15)
    assert expected_w == pytest.approx(-2.4795)  # worked by hand: v = -0.5, -1.45, -0.805, -0.7245


def test_momentum_zero_is_plain_gradient_descent():
    x, labels = nn_data.article_data()
    plain = train(Model([Linear(2, 2)]), x, labels, epochs=30).loss
    zero = train(Model([Linear(2, 2)]), x, labels, epochs=30,
                 optimizer=SGD(0.1, momentum=0.0)).loss
    np.testing.assert_array_equal(plain, zero)


@pytest.mark.parametrize("momentum", [-0.1, 1.0, "0.9"])
def test_bad_momentum(momentum):
    with pytest.raises(ValueError, match=r"momentum must be a number in \[0, 1\)"):
        SGD(0.1, momentum=momentum)


@pytest.mark.parametrize("lr", [np.float32(0.1), np.float64(0.5), np.int64(1), 2])
def test_learning_rates_of_any_numpy_real_type_are_accepted(lr):
    """A rate from np.logspace or np.float32 is a NumPy scalar: it is a real number."""
    assert SGD(lr).lr == float(lr)
    assert SGD(0.1, momentum=np.float32(0.5)).momentum == 0.5


@pytest.mark.parametrize("lr", [True, np.bool_(True)])
def test_a_bool_is_not_a_learning_rate(lr):
    with pytest.raises(ValueError, match="learning rate must be a finite number > 0; got"):
        SGD(lr)
