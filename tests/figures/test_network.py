"""nnlib.figures.network draws the whole network: three layer boxes, the forward arrays
with their shapes, the gradients flowing back, a title and a legend."""

import matplotlib.pyplot as plt
import pytest
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from nnlib.figures.network import draw_network


def texts(fig):
    return " | ".join(text.get_text() for text in fig.axes[0].texts)


def test_three_layers_the_fused_frame_and_both_passes():
    fig = draw_network(title="the network")
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == 4  # Linear, Softmax, CrossEntropy and the fused frame
    # four forward and four backward arrows, and the labels coming in
    assert sum(isinstance(p, FancyArrowPatch) for p in ax.patches) == 9
    shown = texts(fig)
    for expected in ("Linear", "Softmax", "CrossEntropy", "SoftmaxCrossEntropy",
                     "chapter 5", "chapter 4", "chapter 3", "chapter 2",
                     "$X$  (B, D)", "$Z$  (B, C)", "$P$  (B, C)", "labels $y_n$  (B,)",
                     r"G\,W^\top", r"X^\top G", "(P - Y)"):
        assert expected in shown, f"{expected!r} not drawn"
    assert ax.get_title() == "the network"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "forward: the array and its shape", "backward: the gradient of the loss"]
    assert fig.get_size_inches()[0] <= 9.6  # fits the book's column
    plt.close(fig)


def test_sizes_put_numbers_into_the_shapes():
    fig = draw_network(sizes={"B": 10, "D": 2, "C": 2})
    shown = texts(fig)
    assert "$X$  (10, 2)" in shown and "labels $y_n$  (10,)" in shown
    assert "(B, D)" not in shown
    plt.close(fig)


def test_unknown_sizes_are_refused_by_name():
    with pytest.raises(ValueError, match=r"sizes takes B, D and C; got \['H'\]"):
        draw_network(sizes={"H": 8})


def test_draws_on_a_given_axes():
    fig, ax = plt.subplots()
    assert draw_network(ax=ax) is fig
    plt.close(fig)
