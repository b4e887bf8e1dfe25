"""nnlib.lab.explorer: one slider move retrains and redraws the same figure in place;
the live controls follow the data set and hide what does nothing."""

import html as html_lib

import matplotlib.text
import numpy as np
import pytest

from nnlib import Linear, Model, TrainingDiverged, data, mlp, train
from nnlib import data as nn_data
from nnlib.lab import explorer, runs
from nnlib.lab.drawing import new_figure, rendered_png
from nnlib.lab.explorer import LR_MAX, LR_MIN, LearningRateExplorer, update
from nnlib.lab.runs import DATASET_NAMES, load, make_model, regime


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


def figure_texts(fig) -> str:
    """Every visible piece of text in the figure (titles, labels, legends, annotations)."""
    return "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_visible())


@pytest.mark.parametrize("lr", [1e-3, 0.1, 10])
def test_update_draws_and_agrees_with_train(lr):
    fig = new_figure()
    result = update(lr, 500, "article", fig)
    assert fig.boundary_ax.images, "no decision-boundary shading"
    assert fig.boundary_ax.collections, "no data points"
    assert fig.boundary_ax.get_title() == "Decision boundary (one Linear layer)"
    assert len(fig.loss_line.get_xdata()) == 500
    assert fig.loss_ax.get_xscale() == fig.loss_ax.get_yscale() == "log"
    x, labels = nn_data.article_data()
    history = train(Model([Linear(2, 2, rng=0)]), x, labels, lr=lr, epochs=500)
    np.testing.assert_array_equal(result.history, history)
    assert result.diverged_at is None and result.final_loss == history[-1]
    assert "diverged" not in figure_texts(fig)


def test_a_diverging_run_is_drawn_not_raised():
    fig = new_figure()
    result = update(300.0, 500, "standardised article", fig, hidden=16)
    with pytest.raises(TrainingDiverged) as caught:
        train(make_model("standardised article", 16), *load("standardised article"),
              lr=300.0, epochs=500)
    assert result.diverged_at == caught.value.epoch
    assert result.final_loss is None and regime(result) == "diverges"
    texts = figure_texts(fig)
    assert f"not finite at epoch {result.diverged_at}" in texts
    assert "no longer finite" in texts  # the boundary panel says why it has no shading
    png = rendered_png(fig)
    assert png.startswith(b"\x89PNG")


def test_the_figure_and_its_artists_are_updated_in_place():
    fig = new_figure()
    update(0.1, 200, "moons", fig)
    artists = (fig.boundary.image, fig.boundary.line, fig.loss_line, fig.boundary_ax,
               fig.loss_ax, fig.boundary_ax.get_legend())
    image_before = np.array(fig.boundary.image.get_array())
    png_before = rendered_png(fig)
    second = update(3.0, 200, "moons", fig)
    assert (fig.boundary.image, fig.boundary.line, fig.loss_line, fig.boundary_ax, fig.loss_ax,
            fig.boundary_ax.get_legend()) == artists
    assert fig.axes == [fig.boundary_ax, fig.loss_ax] and len(fig.loss_ax.lines) == 2
    assert not np.array_equal(fig.boundary.image.get_array(), image_before)
    np.testing.assert_array_equal(fig.loss_line.get_ydata(), second.history)
    assert rendered_png(fig) != png_before


def test_live_explorer_retrains_and_hides_the_activation_without_hidden_units():
    explorer = LearningRateExplorer(lr=0.1, epochs=100)
    assert explorer.lr.min == pytest.approx(np.log10(LR_MIN))
    assert explorer.lr.max == pytest.approx(np.log10(LR_MAX))
    assert list(explorer.dataset.options) == list(DATASET_NAMES)
    assert explorer.hidden.value == 0
    assert explorer.activation.layout.display == "none"  # no hidden layer: nothing to choose
    first_image, fig = bytes(explorer.image.value), explorer.fig
    assert first_image.startswith(b"\x89PNG")
    assert "converges" in explorer.caption.value
    explorer.lr.value = LR_MAX
    assert explorer.result.lr == explorer.lr.value and explorer.fig is fig
    assert html_lib.escape(regime(explorer.result)) in explorer.caption.value
    assert bytes(explorer.image.value) != first_image
    explorer.hidden.value = 8
    assert explorer.activation.layout.display != "none"
    explorer.dataset.value = "circles"
    assert explorer.result.dataset == "circles" and explorer.result.epochs == 100
    assert explorer.hidden.value == 16 and explorer.activation.layout.display != "none"


# --- Every control at its extremes: a drawing, never a traceback ---------------------------

EPOCHS_MIN, EPOCHS_MAX = 10, 2000  # the epochs slider's range


MODELS = [(0, "relu"), *((explorer.HIDDEN_MAX, a) for a in explorer.ACTIVATION_NAMES)]


@pytest.mark.parametrize("dataset", DATASET_NAMES)
def test_update_draws_at_the_extremes_of_every_control(dataset):
    """Every data set, with no hidden layer and with the widest one of each activation,
    at the smallest and the largest rate: one figure redrawn, as on the live slider."""
    fig = new_figure()
    for hidden, activation in MODELS:
        for lr in (LR_MIN, LR_MAX):
            setting = f"{dataset}, hidden={hidden}, {activation}, lr={lr:g}"
            result = update(lr, EPOCHS_MIN, dataset, fig, hidden=hidden,
                            activation=activation)
            assert rendered_png(fig).startswith(b"\x89PNG"), setting
            assert result.regime in runs.REGIMES, setting
            if hidden and activation == "relu" and result.diverged_at is None:
                assert f"of {hidden} ReLU units dead" in runs.describe(result), setting


@pytest.mark.parametrize("dataset", DATASET_NAMES)
def test_update_draws_at_the_most_epochs_and_both_rates(dataset):
    fig = new_figure()
    for lr in (LR_MIN, LR_MAX):
        for hidden in (0, explorer.HIDDEN_MAX):
            result = update(lr, EPOCHS_MAX, dataset, fig, hidden=hidden)
            assert rendered_png(fig).startswith(b"\x89PNG")
            assert result.epochs == EPOCHS_MAX


def test_the_epochs_slider_has_the_tested_range():
    live = LearningRateExplorer(lr=0.1, epochs=20)
    assert (live.epochs.min, live.epochs.max) == (EPOCHS_MIN, EPOCHS_MAX)
    assert live.hidden.min == 0 and live.hidden.max == explorer.HIDDEN_MAX


def test_the_rate_range_reaches_a_divergence_and_it_is_drawn():
    fig = new_figure()
    result = update(LR_MAX, 500, "moons", fig)  # the default 16 ReLU units
    assert result.regime == runs.DIVERGES and result.diverged_at is not None
    assert f"not finite at epoch {result.diverged_at}" in figure_texts(fig)


def test_the_caption_counts_dead_units_whenever_there_is_a_hidden_relu_layer():
    live = LearningRateExplorer(lr=10.0, epochs=500, dataset="moons")
    (dead, units), = live.result.dead
    assert 0 < dead < units  # the reader's example: moons at lr = 10
    assert f"{dead} of {units} ReLU units dead" in live.caption.value
    assert "oscillates" in live.caption.value
    live.hidden.value = 0  # no hidden layer: the margin instead
    assert "dead" not in live.caption.value and "margin" in live.caption.value
    live.hidden.value, live.activation.value = 8, "tanh"  # no ReLU: nothing dies
    assert "dead" not in live.caption.value
