"""The learning-rate experiment's two front ends: the live explorer updates one figure in place
and hides controls that do nothing; the static slider has one caption per frame, an accessible
name, and nothing from the network. Both agree with nnlib.train."""

import html as html_lib
import re

import matplotlib.text
import numpy as np
import pytest

from nnlib import Linear, Model, TrainingDiverged, train
from nnlib import data as nn_data
from nnlib.figures.browser_player import offline_jshtml
from nnlib.figures.training_figure import TrainingFigure, plot_training
from nnlib.lab.drawing import new_figure, rendered_png
from nnlib.lab.explorer import LR_MAX, LR_MIN, LearningRateExplorer, update
from nnlib.lab.runs import DATASET_NAMES, load, make_model, regime, run
from nnlib.lab.slider import lr_animation


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


def test_fast_render_gives_the_same_pixels_as_a_full_draw():
    fig = new_figure()
    for lr in (0.1, 1.0, 0.1):  # the third render comes from a cached background
        update(lr, 300, "article", fig)
        fast = np.asarray(fig.canvas.buffer_rgba()).copy()
        legend = fig.boundary_ax.get_legend().get_window_extent()
        fig.canvas.draw()
        full = np.asarray(fig.canvas.buffer_rgba())
        rows, columns = np.nonzero(np.abs(fast.astype(int) - full).max(axis=2) > 2)
        y = full.shape[0] - rows  # pixel rows count from the top, display y from the bottom
        on_legend_edge = ((np.abs(columns - legend.x0) <= 2) | (np.abs(columns - legend.x1) <= 2)
                          | (np.abs(y - legend.y0) <= 2) | (np.abs(y - legend.y1) <= 2))
        # elsewhere only a few pixels where a line meets the frame, drawn in another order
        assert (~on_legend_edge).sum() < 50, f"{(~on_legend_edge).sum()} pixels differ"


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


def test_plot_training_is_the_same_two_panel_figure():
    x, labels = nn_data.article_data()
    model = Model([Linear(2, 2, rng=0)])
    history = train(model, x, labels, lr=0.1, epochs=50)
    fig = plot_training(model, x, labels, history, title="A title")
    assert isinstance(fig, TrainingFigure)
    live = new_figure()
    assert tuple(fig.get_size_inches()) == tuple(live.get_size_inches())
    assert fig.get_layout_engine() is None and live.get_layout_engine() is None
    assert fig.get_suptitle() == "A title"
    assert fig.axes[1].get_ylabel() == live.loss_ax.get_ylabel()  # nobody overwrites it
    import matplotlib.pyplot as plt
    plt.close(fig)


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


def test_static_slider_one_caption_per_frame_and_an_accessible_name():
    lrs = (0.001, 0.1, 1.0, 100.0)
    page = lr_animation(lrs, epochs=100, dpi=40, resolution=30).data
    frames = re.findall(r'frames\[\d+\] = "data:image/png;base64,', page)
    assert len(frames) == len(lrs)
    labels = eval(re.search(r"var labels = (\[.*?\]);", page).group(1))  # a JSON list
    assert len(labels) == len(lrs)
    for lr, label in zip(lrs, labels, strict=True):
        result = run(lr, 100)
        where = "(article data, one Linear layer)"
        assert label.startswith(f"learning rate = {lr:g} {where}: {regime(result)};")
    # each frame's caption is printed once: one caption element above the player (the
    # pictures carry none, see the next test)
    assert page.count('class="lr-frame-label"') == 1
    caption = re.search(r'<p id="(lr_label_\w+)" class="lr-frame-label"[^>]*>(.*?)</p>',
                        page)
    assert caption.group(2) == html_lib.escape(labels[0])
    slider = re.search(r'<input id="_anim_slider\w+"[^>]*>', page, re.S).group(0)
    assert 'aria-label="learning rate"' in slider
    assert f'aria-describedby="{caption.group(1)}"' in slider
    assert re.search(r'<img id="_anim_img\w+" alt="learning rate = 0.001', page)
    assert "http://" not in page and "https://" not in page  # nothing from the network


def test_slider_frames_have_no_caption_inside_the_picture():
    fig = new_figure()
    update(1.0, 100, "article", fig)
    assert not fig.get_suptitle()
    assert "learning rate" not in figure_texts(fig) and "lr =" not in figure_texts(fig)


def test_any_animation_can_be_made_offline():
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    fig, ax = plt.subplots(figsize=(2, 2), dpi=40)
    line, = ax.plot([0, 1], [0, 0])
    animation = FuncAnimation(fig, lambda i: line.set_ydata([0, i]), frames=3)
    page = offline_jshtml(animation, default_mode="once")
    assert offline_jshtml(animation.to_jshtml()).count("font-awesome") == 0  # HTML works too
    plt.close(fig)
    assert "font-awesome" not in page and "https://" not in page
    assert len(re.findall(r'frames\[\d+\] = "data:image/png;base64,', page)) == 3
