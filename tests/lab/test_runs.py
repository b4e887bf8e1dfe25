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
    FAILING_LRS,
    OSCILLATES,
    OVERSHOOTS,
    REGIMES,
    RELUS_DEAD,
    TOO_SMALL,
    LRResult,
    describe,
    held_out,
    load,
    make_model,
    max_margin,
    percent,
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


# --- What a large rate costs on the article's data: the margin and |W| ----------------------

@pytest.mark.parametrize("lr, margin, norm", [  # the reader's measurements (issue 16)
    (0.1, 1.04, 1.0), (1.0, 1.26, 2.2), (10.0, 0.70, 9.5), (100.0, 0.19, 164)])
def test_margin_and_weight_norm_of_the_article_network(lr, margin, norm):
    result = run(lr)
    assert result.margin == pytest.approx(margin, abs=0.01)
    assert result.weight_norm == pytest.approx(norm, rel=0.05)
    assert result.weight_norm == pytest.approx(np.linalg.norm(result.model.layers[0].w))
    assert f"margin {result.margin:.3g} (widest possible 1.41)" in describe(result)
    assert f"|W| {result.weight_norm:.3g}" in describe(result)


def test_the_widest_margin_is_the_linear_svms():
    best = max_margin("article")
    assert best.margin == pytest.approx(np.sqrt(2))  # the line x1 + x2 = 7
    np.testing.assert_allclose(best.w / best.w[0], [1, 1])
    assert best.c / best.w[0] == pytest.approx(-7)
    assert max_margin("moons") is None
    assert all(run(lr).margin < best.margin for lr in (0.1, 1.0, 10.0, 100.0))


def test_linear_margin_is_the_distance_to_the_boundary():
    x, labels = data.article_data()
    result = run(1.0)
    w, b = result.model.layers[0].w, result.model.layers[0].b
    normal, offset = w[:, 1] - w[:, 0], b[1] - b[0]
    # the distance of each point to the line z_1 = z_0, by projecting it onto the line
    foot = x - ((x @ normal + offset) / (normal @ normal))[:, None] * normal
    distance = np.linalg.norm(x - foot, axis=1)
    assert np.allclose(foot @ normal + offset, 0)
    assert result.margin == pytest.approx(distance.min())
    # a point on the wrong side makes the margin negative
    assert run(0.001).accuracy < 1 and run(0.001).margin < 0
    assert "points on the wrong side" in describe(run(0.001))
    assert run(1.0, dataset="moons").margin is None  # hidden layers: no margin


def test_held_out_points_come_from_the_same_recipe():
    x, labels = held_out("moons")
    np.testing.assert_array_equal(x, data.make_moons(seed=1)[0])
    assert held_out("article") is None and run(0.1).held_out_accuracy is None
    result = run(1.0, dataset="moons")
    assert result.held_out_accuracy == result.model.accuracy(x, labels)
    assert f"(held-out points {percent(result.held_out_accuracy)})" in describe(result)
    assert percent(0.995) == "99.5%" and percent(1.0) == "100%" and percent(0.5) == "50%"


def test_the_failing_slider_shows_every_regime_on_the_moons():
    shown = {lr: run(lr, dataset="moons") for lr in FAILING_LRS}
    assert [r.regime for r in shown.values()] == [
        TOO_SMALL, CONVERGES, CONVERGES, OVERSHOOTS, OSCILLATES, OSCILLATES,
        "does not converge", RELUS_DEAD, DIVERGES]
    assert set(r.regime for r in shown.values()) == set(REGIMES)
    for result in shown.values():
        if result.diverged_at is None:
            (dead, units), = result.dead
            assert f"{dead} of {units} ReLU units dead" in describe(result)
