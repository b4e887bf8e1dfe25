"""Beyond the article: hidden layers learn non-linear data; activations, whole models,
data generators and initialisation are checked."""

import warnings

import numpy as np
import pytest

from nnlib import Linear, Model, ReLU, Sigmoid, Tanh, data, gradcheck, mlp, train
from nnlib.init import init_weights
from nnlib.lab import explorer, runs
from nnlib.lab.drawing import new_figure

TOLERANCE = 1e-7




# --- A hidden layer learns what one Linear layer cannot ---------------------------------
# Settings found by a sweep (hidden width 16-64, lr 0.5-2, 300-2000 epochs, 8 model seeds
# x 3 data seeds): these reach the target with a margin for every seed tried, fast.
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


# --- Gradient checks: activations and whole models ---------------------------------------


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


# --- Data generators ---------------------------------------------------------------------

GENERATORS = {"moons": (data.make_moons, 2), "circles": (data.make_circles, 2),
              "xor": (data.make_xor, 2), "spirals": (data.make_spirals, 3)}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generator_shapes_and_labels(name):
    make, n_classes = GENERATORS[name]
    x, labels = make(120, seed=3)
    assert x.shape == (120, 2) and x.dtype == np.float64
    assert labels.shape == (120,) and labels.dtype.kind == "i"
    assert set(labels.tolist()) == set(range(n_classes))
    assert np.isfinite(x).all()


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generators_are_seeded(name):
    make, _ = GENERATORS[name]
    x1, y1 = make(seed=5)
    x2, y2 = make(seed=5)
    x3, _ = make(seed=6)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(x1, x3)


def test_spirals_arms_and_noise():
    x, labels = data.make_spirals(200, arms=4, noise=0.0, seed=0)
    assert set(labels.tolist()) == {0, 1, 2, 3}
    assert np.linalg.norm(x, axis=1).max() <= 1.0  # without noise, every point is in the unit disc
    with pytest.raises(ValueError, match="noise must be >= 0"):
        data.make_moons(noise=-1)


def test_datasets_registry():
    for name, make in data.DATASETS.items():
        x, labels = make(seed=0)
        assert x.shape == (len(labels), 2), name


def test_train_test_split_is_disjoint_and_complete():
    x = np.arange(100, dtype=np.float64).reshape(50, 2)  # row i is (2i, 2i + 1)
    labels = np.arange(50) % 2
    x_train, x_test, y_train, y_test = data.train_test_split(x, labels, test_fraction=0.2,
                                                             seed=1)
    assert len(x_test) == 10 and len(x_train) == 40
    rows_train, rows_test = set(x_train[:, 0] // 2), set(x_test[:, 0] // 2)
    assert not rows_train & rows_test
    assert rows_train | rows_test == set(range(50))
    np.testing.assert_array_equal(y_train, (x_train[:, 0] // 2) % 2)  # labels follow rows
    np.testing.assert_array_equal(y_test, (x_test[:, 0] // 2) % 2)
    again = data.train_test_split(x, labels, test_fraction=0.2, seed=1)
    np.testing.assert_array_equal(again[1], x_test)
    with pytest.raises(ValueError, match="test_fraction"):
        data.train_test_split(x, labels, test_fraction=1.5)


# --- Initialisation ----------------------------------------------------------------------


@pytest.mark.parametrize("init, fan_in, fan_out, std", [
    ("he", 400, 300, np.sqrt(2 / 400)),
    ("xavier", 400, 300, np.sqrt(2 / 700)),
    ("he", 50, 800, np.sqrt(2 / 50)),
])
def test_init_standard_deviations(init, fan_in, fan_out, std):
    w = init_weights(fan_in, fan_out, init=init, rng=0)
    assert w.shape == (fan_in, fan_out)
    assert abs(w.std() / std - 1) < 0.03
    assert abs(w.mean()) < 0.05 * std


def test_init_is_seeded_and_validated():
    np.testing.assert_array_equal(init_weights(3, 4, rng=7), init_weights(3, 4, rng=7))
    assert not np.array_equal(init_weights(3, 4, rng=7), init_weights(3, 4, rng=8))
    with pytest.raises(ValueError, match="init must be one of"):
        init_weights(3, 4, init="uniform")


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


# --- The learning-rate explorer, extended with hidden width and activation --------------


def test_explorer_models_default_width_and_activation():

    article, moons = runs.make_model("article"), runs.make_model("moons")
    assert [type(layer).__name__ for layer in article.layers] == ["Linear"]
    np.testing.assert_array_equal(moons.layers[0].w, mlp(2, [16], 2, rng=0).layers[0].w)
    straight = runs.make_model("spirals", hidden=0)
    assert [type(layer).__name__ for layer in straight.layers] == ["Linear"]
    tanh = runs.make_model("article", hidden=8, activation="tanh")
    assert [type(layer).__name__ for layer in tanh.layers] == ["Linear", "Tanh", "Linear"]
    assert tanh.layers[0].w.shape == (2, 8)
    assert runs.describe_model(tanh) == "8 Tanh units"
    assert runs.describe_model(straight) == "one Linear layer"


def test_explorer_update_uses_width_and_activation():
    fig = new_figure()
    result = explorer.update(1.0, 50, "xor", fig, hidden=4, activation="sigmoid")
    x, labels = data.make_xor(seed=0)
    expected = train(mlp(2, [4], 2, activation="sigmoid", rng=0), x, labels, lr=1.0, epochs=50)
    np.testing.assert_array_equal(result.history, expected)
    assert "4 Sigmoid units" in fig.axes[0].get_title()


def test_live_explorer_width_and_activation_controls(monkeypatch):
    widgets = explorer
    explorer_ = widgets.LearningRateExplorer(lr=1.0, epochs=50, dataset="article")
    assert explorer_.hidden.value == 0 and explorer_.hidden.max == widgets.HIDDEN_MAX
    assert list(explorer_.activation.options) == ["relu", "tanh", "sigmoid"]
    calls = []
    original = widgets.update
    monkeypatch.setattr(widgets, "update",
                        lambda *args, **kwargs: calls.append(kwargs) or original(*args, **kwargs))
    explorer_.dataset.value = "spirals"  # the width follows the data set, one retraining
    assert explorer_.hidden.value == 16 and len(calls) == 1
    assert runs.describe_model(explorer_.result.model) == "16 ReLU units"
    explorer_.hidden.value = 0
    assert runs.describe_model(explorer_.result.model) == "one Linear layer"
    explorer_.hidden.value, explorer_.activation.value = 8, "tanh"
    assert runs.describe_model(explorer_.result.model) == "8 Tanh units"
    assert calls[-1] == {"hidden": 8, "activation": "tanh"}
