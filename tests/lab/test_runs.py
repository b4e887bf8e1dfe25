"""nnlib.lab.runs: each run's regime is computed from what it did, and the same settings
give the same numbers."""

import math

import numpy as np
import pytest

from nnlib import History, Linear, Model, TrainingDiverged, data, train
from nnlib.lab.explorer import update
from nnlib.lab.runs import (
    CONVERGES,
    DATASET_NAMES,
    DIVERGES,
    OSCILLATES,
    OVERSHOOTS,
    RELUS_DEAD,
    TOO_SMALL,
    LRResult,
    describe,
    load,
    make_model,
    regime,
    run,
)


@pytest.mark.parametrize("lr, expected", [
    (0.001, TOO_SMALL),      # the article's network, chapter 6's four regimes
    (0.1, CONVERGES),
    (1.0, OVERSHOOTS),
    (10.0, OVERSHOOTS),
    (30.0, OVERSHOOTS),
    (100.0, OVERSHOOTS),
])
def test_regimes_of_the_article_network(lr, expected):
    result = run(lr)
    assert result.regime == regime(result) == expected
    assert result.diverged_at is None and result.accuracy == 1.0 or expected == TOO_SMALL


@pytest.mark.parametrize("lr", [1.0, 10.0, 30.0, 100.0])
def test_large_rates_on_the_article_data_overshoot_and_converge(lr):
    x, labels = data.article_data()
    model = Model([Linear(2, 2, rng=0)])
    history = train(model, x, labels, lr=lr, epochs=500)  # no TrainingDiverged
    assert model.accuracy(x, labels) == 1.0 and history[-1] < 0.01
    assert history.upward_steps > 0 and max(history) > history[0]
    assert regime(run(lr)) in (OVERSHOOTS, CONVERGES)


def test_an_absurd_rate_overflows_the_article_network_at_epoch_2():
    result = run(1e308)
    assert result.diverged_at == 2 and regime(result) == DIVERGES
    assert "diverges" in describe(result)


def test_every_relu_dies_on_the_raw_article_data():
    result = run(1.0, hidden=16)
    assert result.dead == [(16, 16)] and regime(result) == RELUS_DEAD
    assert result.final_loss == pytest.approx(math.log(2), abs=1e-6)
    assert result.accuracy == 0.5
    huge = run(1e8, hidden=16)  # dead too; the output bias alone flips back and forth
    assert regime(huge) == RELUS_DEAD and huge.final_loss > 1e6


def test_standardised_inputs_keep_the_relus_alive_until_the_numbers_overflow():
    x, _ = load("standardised article")
    np.testing.assert_allclose(x.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(x.std(axis=0), 1)
    good = run(1.0, dataset="standardised article", hidden=16)
    assert regime(good) == CONVERGES and good.dead[0][0] < 16
    result = run(300.0, dataset="standardised article", hidden=16)
    assert regime(result) == DIVERGES and result.diverged_at is not None
    # a true divergence: every step multiplies the loss, until it is not a number
    assert np.all(np.diff(np.log(np.asarray(result.history)[5:])) > np.log(100))


def test_regime_reads_only_the_run():
    def fake(history, gain=0.5, dead=(), diverged=None):
        return LRResult(lr=0.1, epochs=len(history), dataset="article", x=None, labels=None,
                        queries=None, history=History(np.array(history, float)),
                        diverged_at=diverged, model=None, first_step_gain=gain,
                        dead=list(dead), accuracy=1.0)

    assert regime(fake([1.0, 2.0], diverged=3)) == DIVERGES
    assert regime(fake([1.0, 0.5], dead=[(4, 4)])) == RELUS_DEAD
    assert regime(fake([1.0, 0.5], dead=[(3, 4)])) == CONVERGES
    assert regime(fake([1.0, 1.5, 1.2])) == "does not converge"
    assert regime(fake([1.0, 2.0] + [0.5] * 18)) == OVERSHOOTS
    assert regime(fake([1.0] + [0.5] * 18 + [0.6])) == OSCILLATES
    assert regime(fake([1.0, 0.9, 0.8], gain=0.99)) == TOO_SMALL
    assert regime(fake([1.0, 0.9, 0.8], gain=0.6)) == CONVERGES


def test_run_records_a_divergence_like_train():
    x, labels = load("standardised article")
    from nnlib.lab.runs import make_model

    with pytest.raises(TrainingDiverged) as caught:
        train(make_model("standardised article", 16), x, labels, lr=300.0, epochs=500)
    result = run(300.0, dataset="standardised article", hidden=16)
    assert result.diverged_at == caught.value.epoch
    np.testing.assert_array_equal(result.history, caught.value.history)


def test_same_numbers_every_time():
    first, second = run(0.3, 200, "moons"), run(0.3, 200, "moons")
    np.testing.assert_array_equal(first.history, second.history)


@pytest.mark.parametrize("dataset", DATASET_NAMES)
def test_every_data_set_has_a_model_that_fits_it(dataset):
    x, labels = load(dataset)
    model = make_model(dataset)
    assert model.forward(x).shape == (len(x), int(labels.max()) + 1)
    if dataset in ("article", "standardised article"):  # the article's single Linear layer
        assert len(model.layers) == 1 and isinstance(model.layers[0], Linear)
    result = update(0.1, 20, dataset)
    assert len(result.history) == 20


def test_unknown_data_set_is_reported():
    with pytest.raises(ValueError, match="dataset must be one of"):
        update(0.1, 10, "iris")
