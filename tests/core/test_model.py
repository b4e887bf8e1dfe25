"""nnlib.model: Model chains layers (param_backward on the first one), mlp builds them,
and a hidden layer learns what one Linear layer cannot."""

import numpy as np
import pytest

from nnlib import Layer, Linear, Model, ReLU, data, mlp, train
from nnlib import data as nn_data


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


TARGETS = {
    # name: (generator, hidden width, learning rate, epochs, minimum training accuracy)
    "spirals": (data.make_spirals, 64, 2.0, 1000, 0.97),
    "xor": (data.make_xor, 16, 1.0, 300, 0.99),
    "moons": (data.make_moons, 16, 1.0, 500, 0.99),
}


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_two_layer_mlp_fits_non_linear_data(name, seed):
    make, hidden, lr, epochs, target = TARGETS[name]
    x, labels = make(seed=0)
    model = mlp(2, [hidden], int(labels.max()) + 1, rng=seed)
    history = train(model, x, labels, lr=lr, epochs=epochs)
    assert history[-1] < history[0] / 5
    assert model.accuracy(x, labels) >= target, f"{name}: {model.accuracy(x, labels):.3f}"


@pytest.mark.parametrize("name, best", [("xor", 0.8), ("spirals", 0.7)])
def test_one_linear_layer_cannot_fit_them(name, best):
    make, _, lr, epochs, _ = TARGETS[name]
    x, labels = make(seed=0)
    model = mlp(2, [], int(labels.max()) + 1, rng=0)  # no hidden layer: a straight boundary
    train(model, x, labels, lr=lr, epochs=epochs)
    assert model.accuracy(x, labels) < best


def test_linear_layers_without_activation_collapse_into_one():
    # W2 (W1 x) = (W2 W1) x: two stacked Linear layers are one Linear layer.
    rng = np.random.default_rng(0)
    first, second = Linear(2, 5, rng=1), Linear(5, 3, rng=2)
    first.b[...], second.b[...] = rng.normal(size=5), rng.normal(size=3)
    x = rng.normal(size=(7, 2))
    merged = Linear(2, 3)
    merged.w[...] = first.w @ second.w
    merged.b[...] = first.b @ second.w + second.b
    np.testing.assert_allclose(second.forward(first.forward(x)), merged.forward(x), atol=1e-12)


def test_mlp_uses_he_for_relu_and_xavier_otherwise():
    relu_first = mlp(300, [200], 2, activation="relu", rng=0).layers[0]
    tanh_first = mlp(300, [200], 2, activation="tanh", rng=0).layers[0]
    assert abs(relu_first.w.std() / np.sqrt(2 / 300) - 1) < 0.03
    assert abs(tanh_first.w.std() / np.sqrt(2 / 500) - 1) < 0.03


def test_mlp_structure():
    model = mlp(2, [8, 4], 3, activation="tanh", rng=0)
    assert isinstance(model, Model)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    assert model.forward(np.zeros((5, 2))).shape == (5, 3)
    with pytest.raises(ValueError, match="activation must be one of"):
        mlp(2, [4], 2, activation="gelu")


def test_predict_proba_rows_are_distributions():
    x, labels = nn_data.article_data()
    model = Model([Linear(2, 2, rng=0)])
    train(model, x, labels)
    probs = model.predict_proba(nn_data.query_points())
    assert probs.shape == (4, 2)
    np.testing.assert_allclose(probs.sum(axis=1), 1)
    np.testing.assert_array_equal(probs.argmax(axis=1), model.predict(nn_data.query_points()))


def test_accuracy():
    x, labels = nn_data.article_data()
    model = Model([Linear(2, 2, rng=0)])
    train(model, x, labels)
    assert model.accuracy(x, labels) == 1.0
    assert model.accuracy(x, 1 - labels) == 0.0
