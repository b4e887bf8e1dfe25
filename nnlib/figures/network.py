"""The whole network at a glance: its layers as boxes, with shapes.

``draw_network`` draws the article's network the way "Deep Learning from
Scratch" draws its Affine and Softmax-with-Loss layers: one box per layer,
the forward pass as arrows from left to right with the array each carries
and its shape (green, above), the backward pass as arrows from right to
left with the gradient each carries (red, below), and the chapter that
opens each box. The colours are those of the computational graphs of
``nnlib.figures.graph``: green for forward values, red for gradients.
"""

import matplotlib.pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from nnlib.figures.graph import GRAD_COLOR, VALUE_COLOR

BOX_WIDTH, BOX_HEIGHT = 2.2, 1.6  # data units; one unit is about 0.68 in
FONT = 10.5
# box centres, and where the data comes in and the loss goes out
LINEAR_X, SOFTMAX_X, LOSS_X = 2.9, 6.8, 10.7
START_X, END_X = 0.0, 13.5
XLIM, YLIM = (START_X - 0.1, END_X + 0.1), (-3.45, 2.55)


def _shape(text: str, sizes: dict | None) -> str:
    """'(B, C)' as written, or with the numbers of ``sizes`` put in."""
    for letter, number in (sizes or {}).items():
        text = text.replace(letter, str(number))
    return text


def _box(ax, x: float, name: str, formula: str, chapter: str) -> None:
    ax.add_patch(FancyBboxPatch(
        (x - BOX_WIDTH / 2, -BOX_HEIGHT / 2), BOX_WIDTH, BOX_HEIGHT,
        boxstyle="round,pad=0,rounding_size=0.15", facecolor="0.95",
        edgecolor="black", linewidth=1.3, zorder=2))
    ax.text(x, 0.42, name, ha="center", va="center", fontsize=FONT + 1,
            fontweight="bold", zorder=3)
    ax.text(x, -0.02, formula, ha="center", va="center", fontsize=FONT,
            zorder=3)
    ax.text(x, -0.48, chapter, ha="center", va="center", fontsize=FONT - 1,
            color="0.35", style="italic", zorder=3)


def _arrow(ax, start: float, end: float, y: float, color: str,
           label: str, above: bool) -> None:
    ax.add_patch(FancyArrowPatch(
        (start, y), (end, y), arrowstyle="-|>", mutation_scale=15,
        linewidth=1.6, color=color, shrinkA=0, shrinkB=0, zorder=1))
    ax.text((start + end) / 2, y + (0.1 if above else -0.12), label,
            ha="center", va="bottom" if above else "top", color=color,
            fontsize=FONT, linespacing=1.45)


def draw_network(*, sizes: dict | None = None, title: str | None = None,
                 ax=None):
    """Draw X (B, D) -> Linear -> Z (B, C) -> softmax -> P -> cross-entropy
    -> L, with the gradients flowing back; return the figure.

    ``sizes`` puts numbers into the shapes, e.g. {"B": 10, "D": 2, "C": 2};
    by default they are written with the letters of the notation table.
    """
    unknown = set(sizes or {}) - {"B", "D", "C"}
    if unknown:
        raise ValueError(f"sizes takes B, D and C; got {sorted(unknown)}")
    if ax is None:
        width = 8.2
        height = width * (YLIM[1] - YLIM[0]) / (XLIM[1] - XLIM[0])
        _, ax = plt.subplots(figsize=(width, height + (0.4 if title else 0)),
                             layout="constrained")
    half = BOX_WIDTH / 2
    top, bottom = 0.32, -0.32  # forward arrows above the middle, back below

    _box(ax, LINEAR_X, "Linear", r"$Z = XW + \mathbf{1}\mathbf{b}^\top$",
         "chapter 5")
    _box(ax, SOFTMAX_X, "Softmax", "each row of $Z$", "chapter 4")
    _box(ax, LOSS_X, "CrossEntropy", r"$-\frac{1}{B}\sum_n \ln P_{n,y_n}$",
         "chapter 3")

    def shape(text):
        return _shape(text, sizes)

    segments = [  # (start, end, forward label, backward label)
        (START_X, LINEAR_X - half, f"$X$  {shape('(B, D)')}",
         r"$\partial L/\partial X$" "\n" r"$= G\,W^\top$"
         f"\n{shape('(B, D)')}"),
        (LINEAR_X + half, SOFTMAX_X - half, f"$Z$  {shape('(B, C)')}",
         r"$G$" "\n" r"$= \partial L/\partial Z$" f"\n{shape('(B, C)')}"),
        (SOFTMAX_X + half, LOSS_X - half, f"$P$  {shape('(B, C)')}",
         r"$\partial L/\partial P$" "\n" r"$= -Y/(B\,P)$"
         f"\n{shape('(B, C)')}"),
        (LOSS_X + half, END_X, "$L$, a number",
         r"$\partial L/\partial L = 1$"),
    ]
    for start, end, forward, backward in segments:
        _arrow(ax, start, end, top, VALUE_COLOR, forward, above=True)
        _arrow(ax, end, start, bottom, GRAD_COLOR, backward, above=False)

    # the labels come in from above, the parameters sit on the Linear box
    ax.add_patch(FancyArrowPatch(
        (LOSS_X, 1.95), (LOSS_X, BOX_HEIGHT / 2), arrowstyle="-|>",
        mutation_scale=15, linewidth=1.6, color=VALUE_COLOR, shrinkA=0,
        shrinkB=0, zorder=1))
    ax.text(LOSS_X, 2.0, f"labels $y_n$  {shape('(B,)')}", ha="center",
            va="bottom", color=VALUE_COLOR, fontsize=FONT)
    ax.text(LINEAR_X, BOX_HEIGHT / 2 + 0.1, f"$W$ {shape('(D, C)')},  "
            + r"$\mathbf{b}$ " + shape("(C,)"), ha="center", va="bottom",
            fontsize=FONT)
    ax.text(LINEAR_X, -BOX_HEIGHT / 2 - 0.15,
            r"stores $\partial L/\partial W = X^\top G$" "\n"
            r"and $\partial L/\partial \mathbf{b} = \sum_n G_{n,:}$",
            ha="center", va="top", color=GRAD_COLOR, fontsize=FONT,
            linespacing=1.6)

    # the fused layer of chapter 2 replaces the last two boxes
    pad = 0.15
    low = -2.7
    ax.add_patch(FancyBboxPatch(
        (SOFTMAX_X - half - pad, low),
        LOSS_X - SOFTMAX_X + BOX_WIDTH + 2 * pad, 1.85 - low,
        boxstyle="round,pad=0,rounding_size=0.2", facecolor="none",
        edgecolor="0.45", linestyle="--", linewidth=1.2, zorder=0))
    ax.text((SOFTMAX_X + LOSS_X) / 2, low + 0.12,
            "fused: SoftmaxCrossEntropy (chapter 2)\n"
            r"$G = (P - Y)\,/\,B$", ha="center", va="bottom",
            fontsize=FONT, color="0.3", linespacing=1.4)

    ax.set_xlim(*XLIM)
    ax.set_ylim(*YLIM)
    ax.set_aspect("equal")
    ax.axis("off")
    handles = [Line2D([], [], color=VALUE_COLOR, linewidth=1.6,
                      marker=">", markersize=6),
               Line2D([], [], color=GRAD_COLOR, linewidth=1.6,
                      marker="<", markersize=6)]
    ax.legend(handles, ["forward: the array and its shape",
                        "backward: the gradient of the loss"],
              loc="lower center", ncol=2, frameon=False, fontsize=FONT,
              bbox_to_anchor=(0.5, 0.0))
    if title:
        ax.set_title(title)
    return ax.figure
