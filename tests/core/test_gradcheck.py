"""nnlib.gradcheck: it finds wrong gradients, in a layer and in a whole model."""

import numpy as np
import pytest

from nnlib import Linear, Model, gradcheck, mlp
from nnlib.teaching.article_mistakes import ReturnsDW


def test_gradcheck_detects_a_wrong_backward(rng):
    class Doubled(Linear):
        def backward(self, grad):
            return 2 * super().backward(grad)

    errors = gradcheck.check_layer(Doubled(3, 2), rng.normal(size=(4, 3)))
    assert errors["x"] > 0.1


TOLERANCE = 1e-7


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_whole_model_gradients(rng, activation):
    model = mlp(2, [5, 4], 3, activation=activation, rng=0)
    for layer in model.layers[::2]:  # nonzero biases keep ReLU units off their kink at 0
        layer.b[...] = rng.normal(size=layer.b.shape) * 0.1
    errors = gradcheck.check_model(model, rng.normal(size=(6, 2)), rng.integers(0, 3, 6))
    assert set(errors) == {f"layers[{i}].{p}" for i in (0, 2, 4) for p in "wb"}
    assert max(errors.values()) < TOLERANCE, errors


def test_check_model_detects_a_layer_that_passes_dw_down(rng):
    # the article's last Linear.backward, which the book trains in chapters 5 and 99
    model = Model([Linear(3, 3, rng=0), ReturnsDW(3, 3, rng=1)])
    errors = gradcheck.check_model(model, rng.normal(size=(3, 3)), np.array([0, 1, 2]))
    assert errors["layers[0].w"] > 0.01 and errors["layers[1].w"] < TOLERANCE


def test_check_model_names_a_layer_without_gradient(rng):
    class NoGradient(Linear):
        def backward(self, grad, **kwargs):
            return grad @ self.w.T  # forgets to store dw and db

    model = Model([Linear(2, 2, rng=1), NoGradient(2, 2, rng=0)])
    with pytest.raises(ValueError, match=r"layers\[1\].w: backward stored no gradient"):
        gradcheck.check_model(model, rng.normal(size=(3, 2)), np.array([0, 1, 0]))
