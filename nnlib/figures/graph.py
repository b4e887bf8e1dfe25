"""Computational graphs drawn with matplotlib, for backpropagation by hand.

Each node is a box with three lines: its name (for example "z = u + b"),
its forward value (green) and, once backward has run, the gradient of the
loss with respect to it (red), as in the circuit diagrams of cs231n. Arrows
go from each input to the node computed from it; an arrow may carry a label,
such as the local derivative of its head with respect to its tail.
"""

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

VALUE_COLOR = "tab:green"
GRAD_COLOR = "tab:red"
BOX_WIDTH, BOX_HEIGHT = 1.75, 1.0  # data units: place nodes ~2.6 apart


@dataclass(frozen=True)
class Node:
    """One box of the graph, placed with its centre at ``xy``."""

    name: str  # shown on the first line, e.g. "u = w x"
    xy: tuple[float, float]
    value: float | None = None  # forward value (None: not shown)
    grad: float | None = None  # dL/d(this node) (None: not yet known)


def _fmt(number: float) -> str:
    """A short, readable number: 3 significant digits, a real minus."""
    text = f"{number:.4g}" if abs(number) < 1000 else f"{number:.3g}"
    return text.replace("-", "\u2212")


def _border_point(centre: np.ndarray, towards: np.ndarray) -> np.ndarray:
    """Where the ray from a box's centre towards a point leaves the box."""
    direction = towards - centre
    half = np.array([BOX_WIDTH, BOX_HEIGHT]) / 2
    # the ray leaves through the side it reaches first
    scale = np.min(half / np.maximum(np.abs(direction), 1e-12))
    return centre + direction * min(scale, 1.0)


def draw_node(ax, node: Node) -> None:
    """A rounded box with the node's name, value and gradient."""
    x, y = node.xy
    ax.add_patch(FancyBboxPatch(
        (x - BOX_WIDTH / 2, y - BOX_HEIGHT / 2), BOX_WIDTH, BOX_HEIGHT,
        boxstyle="round,pad=0,rounding_size=0.12", facecolor="white",
        edgecolor="black", linewidth=1.2, zorder=2))
    lines = [(node.name, "black", "bold")]
    if node.value is not None:
        lines.append((_fmt(node.value), VALUE_COLOR, "normal"))
    if node.grad is not None:
        lines.append((_fmt(node.grad), GRAD_COLOR, "normal"))
    step = BOX_HEIGHT / 3.6
    top = y + step * (len(lines) - 1) / 2
    for row, (text, color, weight) in enumerate(lines):
        ax.text(x, top - row * step, text, color=color, fontweight=weight,
                ha="center", va="center", fontsize=13, zorder=3)


def draw_edge(ax, tail: Node, head: Node, label: str | None = None) -> None:
    """An arrow from ``tail`` to ``head``, with an optional label."""
    start, end = np.array(tail.xy, float), np.array(head.xy, float)
    start, end = _border_point(start, end), _border_point(end, start)
    ax.add_patch(FancyArrowPatch(
        start, end, arrowstyle="-|>", mutation_scale=14, linewidth=1.2,
        color="0.25", shrinkA=2, shrinkB=2, zorder=1))
    if label:  # beside the arrow's middle, on its left-hand side
        direction = (end - start) / np.linalg.norm(end - start)
        side = np.array([-direction[1], direction[0]])
        beside = (start + end) / 2 + 0.1 * side
        # the text grows away from the arrow
        ha = "center" if abs(side[0]) < 0.3 else (
            "left" if side[0] > 0 else "right")
        va = "center" if abs(side[1]) < 0.3 else (
            "bottom" if side[1] > 0 else "top")
        ax.text(*beside, label, fontsize=11.5, ha=ha, va=va,
                color="0.2", zorder=3,
                bbox=dict(facecolor="white", edgecolor="none", pad=1.0))


def draw_graph(nodes: list[Node], edges: list[tuple[str, str]], *,
               edge_labels: dict[tuple[str, str], str] | None = None,
               title: str | None = None, ax=None, legend: bool = True):
    """Draw the graph; return the figure.

    ``edges`` are (tail name, head name) pairs: the head is computed from
    the tail. ``edge_labels`` maps some of these pairs to a label.
    """
    by_name = {node.name: node for node in nodes}
    if len(by_name) != len(nodes):
        raise ValueError("every node needs its own name")
    for pair in [*edges, *(edge_labels or {})]:
        missing = [name for name in pair if name not in by_name]
        if missing:
            raise ValueError(f"edge {pair}: no node named {missing[0]!r}")
        if pair[0] == pair[1]:
            raise ValueError(f"edge {pair}: a node cannot feed itself")

    xs = np.array([node.xy[0] for node in nodes], float)
    ys = np.array([node.xy[1] for node in nodes], float)
    if ax is None:
        width = np.ptp(xs) + BOX_WIDTH + 0.6
        height = np.ptp(ys) + BOX_HEIGHT + (1.3 if legend else 0.8)
        _, ax = plt.subplots(figsize=(0.85 * width, 0.85 * height))
    for tail, head in edges:
        label = (edge_labels or {}).get((tail, head))
        draw_edge(ax, by_name[tail], by_name[head], label)
    for node in nodes:
        draw_node(ax, node)

    ax.set_xlim(xs.min() - BOX_WIDTH / 2 - 0.3, xs.max() + BOX_WIDTH / 2 + 0.3)
    ax.set_ylim(ys.min() - BOX_HEIGHT / 2 - (0.8 if legend else 0.3),
                ys.max() + BOX_HEIGHT / 2 + 0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    if legend:
        handles = [Line2D([], [], color=color, marker="s", linestyle="")
                   for color in (VALUE_COLOR, GRAD_COLOR)]
        ax.legend(handles, ["forward value",
                            "gradient \u2202L/\u2202(node), from backward"],
                  loc="lower center", ncol=2, frameon=False,
                  fontsize=12, handletextpad=0.3)
    return ax.figure
