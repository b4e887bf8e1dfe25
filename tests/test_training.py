"""The article's network learns its data, and training that diverges says so."""

import numpy as np
import pytest

from nnlib import Linear, Model, SoftmaxCrossEntropy, TrainingDiverged, mlp, train
from nnlib import data as nn_data


@pytest.mark.parametrize("seed", range(10))
def test_article_network_learns(seed):
    x, labels = nn_data.article_data()
    model = Model([Linear(2, 2, rng=seed)], loss=SoftmaxCrossEntropy())
    history = train(model, x, labels, lr=0.1, epochs=500)
    assert history.shape == (500,)
    assert history[-1] < history[0]
    np.testing.assert_array_equal(model.predict(x), labels)
    np.testing.assert_array_equal(model.predict(nn_data.query_points()), [0, 0, 1, 1])


def test_predict_proba_rows_are_distributions():
    x, labels = nn_data.article_data()
    model = Model([Linear(2, 2, rng=0)])
    train(model, x, labels)
    probs = model.predict_proba(nn_data.query_points())
    assert probs.shape == (4, 2)
    np.testing.assert_allclose(probs.sum(axis=1), 1)
    np.testing.assert_array_equal(probs.argmax(axis=1), model.predict(nn_data.query_points()))


def test_article_data_is_the_article_data():
    x, labels = nn_data.article_data()
    assert x.shape == (10, 2) and x.dtype == np.float64 and labels.dtype.kind == "i"
    assert x[0].tolist() == [2, 1] and x[-1].tolist() == [7, 4]
    assert labels.tolist() == [0, 0, 1, 1, 0, 0, 1, 0, 1, 1]
    assert nn_data.query_points().tolist() == [[0, 0], [0, 4], [8, 6], [10, 10]]


def test_exploding_loss_stops_training_with_the_epoch():
    x, labels = nn_data.article_data()
    with pytest.raises(TrainingDiverged, match="diverged at epoch 2") as caught:
        train(Model([Linear(2, 2, rng=0)]), x, labels, lr=1e3)
    assert caught.value.epoch == 2
    assert len(caught.value.history) == 1


def test_non_finite_loss_stops_training():
    # Large weights and a huge rate: the hidden ReLU activations overflow to inf.
    x, labels = nn_data.make_spirals(seed=0)
    model = mlp(2, [64, 64], 3, rng=0)
    for layer in model.layers[::2]:
        layer.w *= 1e100
    with pytest.raises(TrainingDiverged, match="diverged at epoch") as caught:
        train(model, x, labels, lr=1e10, epochs=50)
    assert caught.value.epoch >= 1
    assert all(np.isfinite(caught.value.history))


def test_training_rejects_bad_epochs():
    x, labels = nn_data.article_data()
    with pytest.raises(ValueError, match="epochs must be a positive integer; got 0"):
        train(Model([Linear(2, 2)]), x, labels, epochs=0)


def test_bad_input_is_reported_as_bad_input_not_divergence():
    x, labels = nn_data.article_data()
    with pytest.raises(ValueError, match="labels must be integers in"):
        train(Model([Linear(2, 2)]), x, labels + 1)


def test_accuracy():
    x, labels = nn_data.article_data()
    model = Model([Linear(2, 2, rng=0)])
    train(model, x, labels)
    assert model.accuracy(x, labels) == 1.0
    assert model.accuracy(x, 1 - labels) == 0.0
