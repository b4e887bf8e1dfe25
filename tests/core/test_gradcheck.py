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


class UpdatesInBackward(Linear):
    """The article's section-3 design: right gradients, then an update."""

    def backward(self, grad):
        dx = grad @ self.w.T
        self.dw, self.db = self.x.T @ grad, grad.sum(axis=0)
        self.w -= 0.1 * self.dw
        self.b -= 0.1 * self.db
        return dx


def test_check_backward_changes_nothing_passes_nnlib_layers(rng):
    from nnlib import ReLU, Sigmoid, Softmax, Tanh

    for layer in (Linear(3, 4, rng=0), ReLU(), Tanh(), Sigmoid(), Softmax()):
        changes = gradcheck.check_backward_changes_nothing(layer, rng.normal(size=(5, 3)))
        assert set(changes) == set(layer.param_names)
        assert all(change == 0.0 for change in changes.values()), (layer, changes)


def test_check_backward_changes_nothing_sees_an_update_the_gradient_checks_miss(rng):
    x = rng.normal(size=(5, 3))
    changes = gradcheck.check_backward_changes_nothing(UpdatesInBackward(3, 4, rng=0), x)
    assert changes["w"] > 1e-3 and changes["b"] > 1e-3
    # the whole-model check is blind to it: its gradients are computed before the update
    model = Model([Linear(3, 3, rng=0), UpdatesInBackward(3, 2, rng=1)])
    errors = gradcheck.check_model(model, x, np.array([0, 1, 0, 1, 1]))
    assert max(errors.values()) < TOLERANCE
    # check_layer is fooled into reporting an error for a right gradient
    assert gradcheck.check_layer(UpdatesInBackward(3, 4, rng=0), x)["x"] > 0.01
