"""The learning-rate explorer and its static twin: they retrain, redraw, and say when
training diverged, consistently with nnlib.train."""

import re

import matplotlib.text
import numpy as np
import pytest

from nnlib import Linear, Model, SoftmaxCrossEntropy, TrainingDiverged, mlp, train
from nnlib import data as nn_data
from nnlib.animation import DEFAULT_LRS, lr_animation
from nnlib.widgets import (
    DATASET_NAMES,
    LR_MAX,
    LR_MIN,
    LearningRateExplorer,
    make_model,
    new_figure,
    update,
)


def figure_texts(fig) -> str:
    """Every piece of text in the figure (titles, labels, legends, annotations)."""
    return "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))


def reference_outcome(lr, epochs, model, x, labels):
    """What nnlib.train itself says for the same settings: (history, diverged epoch)."""
    try:
        return train(model, x, labels, lr=lr, epochs=epochs), None
    except TrainingDiverged as error:
        return error.history, error.epoch


@pytest.mark.parametrize("lr", [1e-3, 0.1, 10])
def test_update_draws_and_agrees_with_train(lr):
    fig = new_figure()
    result = update(lr, 500, "article", fig)
    assert result.fig is fig
    boundary, loss = fig.axes
    assert boundary.images, "no decision-boundary shading"
    assert boundary.collections, "no data points"
    assert f"lr = {lr:g}" in boundary.get_title()
    assert loss.lines and len(loss.lines[0].get_xdata()) == len(result.shown_history)
    assert f"lr = {lr:g}" in loss.get_title()
    assert f"lr = {lr:g}" in fig.get_suptitle()

    x, labels = nn_data.article_data()
    article_model = Model([Linear(2, 2, rng=0)], loss=SoftmaxCrossEntropy())
    history, diverged_at = reference_outcome(lr, 500, article_model, x, labels)
    np.testing.assert_array_equal(result.history, history)
    assert result.diverged_at == diverged_at
    if diverged_at is None:
        assert result.final_loss == history[-1]
        assert "diverged" not in figure_texts(fig)
    else:
        assert result.final_loss is None
        assert f"diverged at epoch {diverged_at}" in figure_texts(fig)


@pytest.mark.parametrize("lr, dataset", [(1e3, "article"), (30.0, "spirals")])
def test_diverging_rate_is_shown_not_raised(lr, dataset):
    fig = new_figure()
    result = update(lr, 500, dataset, fig)
    x, labels = nn_data.DATASETS[dataset](0)
    model = (Model([Linear(2, 2, rng=0)], loss=SoftmaxCrossEntropy()) if dataset == "article"
             else mlp(2, [16], int(labels.max()) + 1, rng=0))
    with pytest.raises(TrainingDiverged) as caught:
        train(model, x, labels, lr=lr, epochs=500)
    assert result.diverged_at == caught.value.epoch
    assert result.final_loss is None
    texts = figure_texts(fig)
    assert f"diverged at epoch {result.diverged_at}" in texts
    assert f"diverged at epoch {result.diverged_at}" in fig.get_suptitle()
    assert fig.axes[0].get_title(), "the boundary panel must still be drawn"


def test_same_numbers_every_time_and_the_figure_is_reused():
    fig = new_figure()
    first = update(0.3, 200, "moons", fig)
    second = update(0.3, 200, "moons", fig)
    np.testing.assert_array_equal(first.history, second.history)
    assert len(fig.axes) == 2  # cleared and redrawn, not stacked up
    assert len(fig.axes[1].lines) == 1


@pytest.mark.parametrize("dataset", DATASET_NAMES)
def test_every_data_set_has_a_model_that_fits_it(dataset):
    x, labels = nn_data.DATASETS[dataset](0)
    model = make_model(dataset)
    assert model.forward(x).shape == (len(x), int(labels.max()) + 1)
    if dataset == "article":  # the article's single Linear layer
        assert len(model.layers) == 1 and isinstance(model.layers[0], Linear)
    result = update(0.1, 20, dataset)
    assert result.history.shape == (20,)


def test_unknown_data_set_is_reported():
    with pytest.raises(ValueError, match="dataset must be one of"):
        update(0.1, 10, "iris")


def test_live_explorer_retrains_when_a_control_moves():
    explorer = LearningRateExplorer(lr=0.1, epochs=100)
    assert explorer.lr.min == pytest.approx(np.log10(LR_MIN))
    assert explorer.lr.max == pytest.approx(np.log10(LR_MAX))
    assert list(explorer.dataset.options) == list(DATASET_NAMES)
    first_image = bytes(explorer.image.value)
    assert first_image.startswith(b"\x89PNG")
    explorer.lr.value = LR_MAX  # 100: the article's data diverge at epoch 2
    assert explorer.result.lr == explorer.lr.value
    assert explorer.result.diverged_at == 2
    assert bytes(explorer.image.value) != first_image
    explorer.dataset.value = "circles"
    assert explorer.result.dataset == "circles"
    assert explorer.result.epochs == 100


def test_static_slider_has_one_labelled_frame_per_rate():
    html = lr_animation(DEFAULT_LRS, epochs=100).data
    frames = re.findall(r'frames\[\d+\] = "data:image/png;base64,', html)
    assert len(frames) == len(DEFAULT_LRS)
    labels = re.search(r"var labels = (\[.*?\]);", html).group(1)
    for lr in DEFAULT_LRS:
        assert f'"learning rate = {lr:g} (article data)' in labels
    assert "learning rate = 100 (article data): diverged at epoch 2" in labels
    assert "learning rate = 0.001 (article data): final loss" in html  # first frame's label
    assert "http://" not in html and "https://" not in html  # nothing from the network


def test_any_animation_can_be_made_offline():
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    from nnlib.animation import offline_jshtml

    fig, ax = plt.subplots(figsize=(2, 2), dpi=40)
    line, = ax.plot([0, 1], [0, 0])
    animation = FuncAnimation(fig, lambda i: line.set_ydata([0, i]), frames=3)
    html = offline_jshtml(animation, default_mode="once")
    assert offline_jshtml(animation.to_jshtml()).count("font-awesome") == 0  # HTML works too
    plt.close(fig)
    assert "font-awesome" not in html and "https://" not in html
    assert len(re.findall(r'frames\[\d+\] = "data:image/png;base64,', html)) == 3
