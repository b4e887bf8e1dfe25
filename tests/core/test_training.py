"""nnlib.training: the article's network learns its data, mini-batches and validation
work, and training that diverges says so."""

import numpy as np
import pytest

from nnlib import (
    SGD,
    History,
    Linear,
    Model,
    ReLU,
    SoftmaxCrossEntropy,
    TrainingDiverged,
    mlp,
    train,
)
from nnlib import data as nn_data


@pytest.mark.parametrize("seed", range(10))
def test_article_network_learns(seed):
    x, labels = nn_data.article_data()
    model = Model([Linear(2, 2, rng=seed)], loss=SoftmaxCrossEntropy())
    history = train(model, x, labels, lr=0.1, epochs=500)
    assert isinstance(history, History) and history.loss.shape == (500,)
    assert history[-1] < history[0]
    np.testing.assert_array_equal(model.predict(x), labels)
    np.testing.assert_array_equal(model.predict(nn_data.query_points()), [0, 0, 1, 1])


@pytest.mark.parametrize("lr", [1, 10, 30, 100])
def test_large_rates_overshoot_but_converge_on_the_article_data(lr):
    # The fused gradient (P - Y) x / B is bounded, so large steps overshoot
    # and the loss spikes, but it cannot blow up: these runs recover.
    x, labels = nn_data.article_data()
    model = Model([Linear(2, 2, rng=0)])
    history = train(model, x, labels, lr=lr, epochs=500)
    assert len(history) == 500
    assert model.accuracy(x, labels) == 1.0
    assert history[-1] < 0.01
    assert history.loss.max() > history[0]  # it did overshoot on the way
    assert history.upward_steps > 0


def test_overflowing_logits_stop_training_with_the_epoch():
    x, labels = nn_data.article_data()
    with pytest.raises(TrainingDiverged, match="diverged at epoch 2") as caught:
        train(Model([Linear(2, 2, rng=0)]), x, labels, lr=1e308)
    assert caught.value.epoch == 2
    assert len(caught.value.history) == 1


def test_an_unrelated_error_is_not_called_divergence():
    class BrokenAtEpoch2(ReLU):
        calls = 0

        def forward(self, x):
            self.calls += 1
            if self.calls == 2:
                raise ValueError("a bug in this layer")
            return super().forward(x)

    x, labels = nn_data.article_data()
    model = Model([Linear(2, 4), BrokenAtEpoch2(), Linear(4, 2)])
    with pytest.raises(ValueError, match="a bug in this layer") as caught:
        train(model, x, labels, lr=0.001, epochs=5)
    assert not isinstance(caught.value, TrainingDiverged)


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


def test_mini_batch_training_is_reproducible_and_reshuffles():
    x, labels = nn_data.make_moons(seed=0)
    runs = []
    for _ in range(2):
        model = mlp(2, [8], 2, rng=0)
        runs.append(train(model, x, labels, lr=0.1, epochs=5, batch_size=16, rng=3).loss)
    np.testing.assert_array_equal(runs[0], runs[1])
    other = train(mlp(2, [8], 2, rng=0), x, labels, lr=0.1, epochs=5, batch_size=16, rng=4)
    assert not np.array_equal(runs[0], other.loss)


def test_full_batch_is_the_default():
    x, labels = nn_data.article_data()
    a = train(Model([Linear(2, 2)]), x, labels, epochs=20).loss
    b = train(Model([Linear(2, 2)]), x, labels, epochs=20, batch_size=len(x)).loss
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_epoch_loss_is_the_row_weighted_mean_of_batch_losses():
    x, labels = nn_data.make_moons(n=10, seed=0)
    model = Model([Linear(2, 2)])
    history = train(model, x, labels, lr=1e-300, epochs=1, batch_size=4, rng=0)
    # with a negligible step the weights do not move, so the epoch's mean
    # over batches equals the loss on all rows
    assert history[0] == pytest.approx(model.mean_loss(x, labels), rel=1e-12)


def test_validation_curves():
    x, labels = nn_data.make_moons(seed=0)
    x_val, labels_val = nn_data.make_moons(seed=1)
    model = mlp(2, [8], 2, rng=0)
    history = train(model, x, labels, lr=0.5, epochs=30, validation=(x_val, labels_val))
    assert history.val_loss.shape == history.val_accuracy.shape == (30,)
    assert history.val_loss[-1] == pytest.approx(model.mean_loss(x_val, labels_val))
    assert history.val_accuracy[-1] == model.accuracy(x_val, labels_val)
    assert train(mlp(2, [8], 2), x, labels, epochs=2).val_loss is None


def test_non_finite_data_is_bad_data_not_divergence():
    x, labels = nn_data.article_data()
    x[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"x must be finite; got nan at index \(3, 1\)") as caught:
        train(Model([Linear(2, 2)]), x, labels)
    assert not isinstance(caught.value, TrainingDiverged)


def test_lr_and_optimizer_together_are_refused():
    """train(..., optimizer=SGD(0.1), lr=5) used to ignore lr without a word."""
    x, labels = nn_data.article_data()
    with pytest.raises(ValueError, match="pass lr or optimizer, not both"):
        train(Model([Linear(2, 2, rng=0)]), x, labels, optimizer=SGD(0.1), lr=5, epochs=1)


def test_negative_labels_are_named_without_a_fake_upper_bound():
    x, labels = nn_data.article_data()
    bad = labels.copy()
    bad[3] = -1
    with pytest.raises(ValueError) as caught:
        train(Model([Linear(2, 2, rng=0)]), x, bad, epochs=1)
    message = str(caught.value)
    assert "integers >= 0; got -1 at index 3" in message
    assert str(np.iinfo(np.int64).max) not in message
