"""Training and evaluation mode, and early stopping.

A model switches all its layers at once; predict, predict_proba, accuracy and train's
validation run in evaluation mode and give the layers their mode back; train trains in
training mode; restore_best keeps the best epoch's parameters."""

import numpy as np
import pytest

from nnlib import (
    SGD,
    BatchNorm,
    Dropout,
    History,
    Layer,
    Linear,
    Model,
    ReLU,
    data,
    mlp,
    train,
)
from nnlib.checks import checked_backward, checked_forward


class ModeSpy(Layer):
    """Passes x through and records the mode and batch size of every forward."""

    def __init__(self):
        self.seen = []

    @checked_forward
    def forward(self, x):
        self.seen.append((self.training, len(x)))
        return x

    @checked_backward
    def backward(self, grad):
        return grad


def _model(spy=None):
    layers = [Linear(4, 8, rng=0), BatchNorm(8), ReLU(), Dropout(0.5, rng=0),
              Linear(8, 3, rng=1)]
    return Model(layers + ([spy] if spy else []))


def _data(n=30, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 4)), rng.integers(0, 3, size=n)


def test_every_layer_starts_in_training_mode():
    assert all(layer.training for layer in _model().layers)
    assert Layer.training is True


def test_the_model_switches_every_layer_and_returns_itself():
    model = _model()
    assert model.evaluation_mode() is model
    assert not any(layer.training for layer in model.layers)
    assert model.training_mode() is model
    assert all(layer.training for layer in model.layers)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "accuracy"])
def test_predictions_run_in_evaluation_mode_and_restore_each_layers_mode(method):
    spy = ModeSpy()
    model = _model(spy)
    model.layers[3].training = False  # a mixed state is given back as it was
    x, labels = _data()
    args = (x, labels) if method == "accuracy" else (x,)
    first = getattr(model, method)(*args)
    assert spy.seen == [(False, len(x))]
    assert [layer.training for layer in model.layers] == [True, True, True, False, True, True]
    np.testing.assert_array_equal(getattr(model, method)(*args), first)  # no dropout noise


def test_evaluating_restores_the_mode_after_an_error():
    model = _model()
    with pytest.raises(ValueError), model.evaluating():
        assert not model.layers[0].training
        model.forward(np.ones((2, 5)))  # the wrong width
    assert all(layer.training for layer in model.layers)


def test_train_trains_in_training_mode_and_validates_in_evaluation_mode():
    spy = ModeSpy()
    model = _model(spy).evaluation_mode()
    x, labels = _data(30)
    x_val, labels_val = _data(11, seed=1)
    train(model, x, labels, epochs=2, batch_size=10, rng=0, validation=(x_val, labels_val))
    training = [seen for seen in spy.seen if seen[1] == 10]
    validating = [seen for seen in spy.seen if seen[1] == 11]
    assert training == [(True, 10)] * 6
    assert validating and all(mode is False for mode, _ in validating)
    assert all(layer.training for layer in model.layers)  # train leaves training mode


def test_validation_loss_is_the_evaluation_mode_loss():
    model = _model()
    x, labels = _data(30)
    x_val, labels_val = _data(11, seed=1)
    history = train(model, x, labels, epochs=3, batch_size=10, rng=0,
                    validation=(x_val, labels_val))
    with model.evaluating():
        assert history.val_loss[-1] == model.mean_loss(x_val, labels_val)


# --- Early stopping -------------------------------------------------------------------

def test_restore_best_keeps_the_best_epochs_parameters_and_running_statistics():
    split = data.digits_split(0)
    base = mlp(64, [32], 10, rng=0)
    model = Model([base.layers[0], BatchNorm(32), *base.layers[1:]])
    history = train(model, split.x_train, split.labels_train, epochs=15, batch_size=32,
                    rng=0, optimizer=SGD(0.1, momentum=0.9),
                    validation=(split.x_val, split.labels_val), restore_best=True)
    best = history.best_epoch
    assert best == int(np.argmin(history.val_loss)) + 1
    assert best < len(history), "the test needs a run that over-fits after its best epoch"
    with model.evaluating():
        assert model.mean_loss(split.x_val, split.labels_val) == history.val_loss[best - 1]
    assert model.accuracy(split.x_val, split.labels_val) == history.val_accuracy[best - 1]


def test_restore_best_trains_exactly_as_without_it():
    x, labels = _data(40)
    validation = _data(15, seed=1)
    runs = [train(mlp(4, [8], 3, rng=0), x, labels, epochs=20, batch_size=8, rng=0,
                  validation=validation, restore_best=restore)
            for restore in (False, True)]
    np.testing.assert_array_equal(runs[0].loss, runs[1].loss)
    np.testing.assert_array_equal(runs[0].val_loss, runs[1].val_loss)


def test_restore_best_needs_validation():
    x, labels = _data()
    with pytest.raises(ValueError, match=r"restore_best needs validation=\(x_val, labels_val\)"):
        train(mlp(4, [], 3), x, labels, epochs=2, restore_best=True)


def test_best_epoch_without_validation_is_none():
    assert History(np.array([1.0, 0.5])).best_epoch is None
    assert History(np.ones(3), np.array([3.0, 1.0, 1.0]), np.ones(3)).best_epoch == 2


def test_a_dropout_model_trains_and_its_predictions_are_deterministic():
    split = data.digits_split(1)
    base = mlp(64, [64], 10, rng=1)
    model = Model([*base.layers[:2], Dropout(0.3, rng=1), base.layers[2]])
    train(model, split.x_train, split.labels_train, epochs=5, batch_size=32, rng=1,
          optimizer=SGD(0.1, momentum=0.9))
    assert model.accuracy(split.x_val, split.labels_val) > 0.9
    np.testing.assert_array_equal(model.predict_proba(split.x_val),
                                  model.predict_proba(split.x_val))
