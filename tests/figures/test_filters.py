"""nnlib.figures.filters: chapter 11's slider and live control draw every frame with
draw_filters_and_maps; it draws at the extremes (untrained or all-zero filters, a blank or
a huge image, any number of filters) without raising or warning."""

import warnings

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from nnlib import Conv2d  # noqa: E402
from nnlib.figures.filters import draw_filters_and_maps, feature_maps  # noqa: E402


def conv(out_channels=16, scale=1.0):
    layer = Conv2d(1, out_channels, 3, padding=1, rng=0, init="xavier")
    layer.w *= scale
    return layer


IMAGE = np.random.default_rng(0).normal(size=(1, 8, 8))


@pytest.mark.parametrize("layer, image", [
    (conv(), IMAGE),
    (conv(scale=0.0), IMAGE),  # all-zero filters: every map is 0
    (conv(), np.zeros((1, 8, 8))),  # a blank image
    (conv(), 1e6 * IMAGE),
    (conv(out_channels=1), IMAGE),
    (conv(out_channels=5), IMAGE),  # a grid with empty places
], ids=["trained-like", "zero filters", "blank image", "huge image", "one filter",
        "five filters"])
def test_draws_at_the_extremes(layer, image):
    fig = plt.figure(figsize=(9.6, 4.2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert draw_filters_and_maps(fig, layer, image, title="a frame") is fig
        fig.canvas.draw()
    images = [ax for ax in fig.axes if ax.images]
    assert len(images) == 2 * len(layer.w)  # a filter and a map for each channel
    assert fig.get_suptitle() == "a frame"
    plt.close(fig)


def test_fixed_colour_limits_and_redraw_in_place():
    fig = plt.figure()
    draw_filters_and_maps(fig, conv(), IMAGE, filter_limit=0.5, map_limit=2.0)
    first = [ax.images[0].get_clim() for ax in fig.axes if ax.images]
    assert first[0] == (-0.5, 0.5) and first[-1] == (0.0, 2.0)
    draw_filters_and_maps(fig, conv(), IMAGE)  # the next frame clears the last
    assert len([ax for ax in fig.axes if ax.images]) == 32
    plt.close(fig)


def test_feature_maps_are_the_layer_and_its_relu():
    layer = conv()
    maps = feature_maps(layer, IMAGE)
    np.testing.assert_array_equal(maps, np.maximum(layer.forward(IMAGE[None])[0], 0))
    assert maps.shape == (16, 8, 8)
