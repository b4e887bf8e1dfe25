"""nnlib.figures.graph draws a computational graph: one box per node with its
name, forward value and gradient, one arrow per edge, and clear errors for a
graph it cannot draw."""

import matplotlib.pyplot as plt
import pytest
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from nnlib.figures.graph import Node, draw_graph


def small_graph():
    nodes = [Node("w", (0, 1), -1.0, -1.4621),
             Node("x", (0, -1), 2.0, 0.7311),
             Node("u = w x", (2.5, 0), -2.0, -0.7311),
             Node("L", (5, 0), 1.3133)]  # no gradient yet: not shown
    edges = [("w", "u = w x"), ("x", "u = w x"), ("u = w x", "L")]
    return nodes, edges


def texts(fig):
    return [text.get_text() for text in fig.axes[0].texts]


def test_one_box_per_node_and_one_arrow_per_edge():
    nodes, edges = small_graph()
    fig = draw_graph(nodes, edges, title="a graph")
    patches = fig.axes[0].patches
    assert sum(isinstance(p, FancyBboxPatch) for p in patches) == len(nodes)
    assert sum(isinstance(p, FancyArrowPatch) for p in patches) == len(edges)
    assert fig.axes[0].get_title() == "a graph"
    plt.close(fig)


def test_boxes_show_name_value_and_gradient_with_a_real_minus():
    nodes, edges = small_graph()
    fig = draw_graph(nodes, edges)
    shown = texts(fig)
    for expected in ("w", "\u22121", "\u22121.462", "u = w x", "0.7311",
                     "1.313"):
        assert expected in shown, f"{expected!r} not drawn; drew {shown}"
    # the loss node has no gradient yet: only its name and value
    assert len(shown) == 3 * 3 + 2
    plt.close(fig)


def test_edge_labels_are_drawn_on_their_arrows():
    nodes, edges = small_graph()
    fig = draw_graph(nodes, edges, edge_labels={("w", "u = w x"): "2"})
    assert "2" in texts(fig)
    plt.close(fig)


def test_arrows_start_and_end_on_the_box_borders():
    nodes, edges = small_graph()
    fig = draw_graph(nodes[2:], edges[2:], legend=False)
    arrow = next(p for p in fig.axes[0].patches
                 if isinstance(p, FancyArrowPatch))
    (x0, _), (x1, _) = arrow._posA_posB
    # boxes centred at x = 2.5 and x = 5, half a box wide each side
    assert 2.5 < x0 < 3.5 and 4 < x1 < 5
    plt.close(fig)


def test_draws_into_a_given_axes():
    fig, ax = plt.subplots()
    nodes, edges = small_graph()
    assert draw_graph(nodes, edges, ax=ax) is fig
    plt.close(fig)


@pytest.mark.parametrize("edges, message", [
    ([("w", "nowhere")], "no node named 'nowhere'"),
    ([("w", "w")], "cannot feed itself"),
])
def test_bad_edges_are_named(edges, message):
    nodes, _ = small_graph()
    with pytest.raises(ValueError, match=message):
        draw_graph(nodes, edges)


def test_node_names_must_be_unique():
    with pytest.raises(ValueError, match="its own name"):
        draw_graph([Node("a", (0, 0)), Node("a", (1, 0))], [])
