"""The decision boundary: the plane shaded by a model's class probabilities.

``plot_decision_boundary`` shades every point of a grid by the predicted
probabilities, draws the line where the predicted class changes, and puts
the data on top. Its ``DecisionBoundary`` redraws for another model by
changing the artists' data only, which is what lets a slider keep up.
"""

import contourpy
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D

from nnlib.errors import NonFiniteError

CLASS_COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red",
                "tab:purple", "tab:brown"]


def class_colors(n_classes: int) -> np.ndarray:
    """(n_classes, 3) RGB colours, one per class."""
    if n_classes > len(CLASS_COLORS):
        raise ValueError(f"plots support up to {len(CLASS_COLORS)} classes; "
                         f"got {n_classes}")
    return np.array([to_rgb(c) for c in CLASS_COLORS[:n_classes]])


def grid_over(x: np.ndarray, resolution: int = 150, padding: float = 0.15):
    """A (resolution**2, 2) grid covering x with a margin of ``padding``
    times its span, plus the grid's two axes' coordinates."""
    low, high = x.min(axis=0), x.max(axis=0)
    margin = padding * (high - low)
    low, high = low - margin, high + margin
    xs = np.linspace(low[0], high[0], resolution)
    ys = np.linspace(low[1], high[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()]), xs, ys


class DecisionBoundary:
    """The shading and the boundary line of one model on one axes.

    ``plot_decision_boundary`` creates it; ``update(model)`` redraws them
    for another model over the same grid, changing the artists' data only.
    """

    def __init__(self, ax, x, labels, queries, resolution):
        self.ax = ax
        self.points, self.xs, self.ys = grid_over(
            np.vstack([x, queries]) if queries is not None else x,
            resolution)
        self.colors = class_colors(int(labels.max()) + 1)
        extent = (self.xs[0], self.xs[-1], self.ys[0], self.ys[-1])
        blank = np.ones((len(self.ys), len(self.xs), 3))
        self.image = ax.imshow(blank, origin="lower", aspect="auto",
                               extent=extent, interpolation="bilinear")
        self.line = LineCollection([], colors="black", linewidths=1.2)
        ax.add_collection(self.line)
        self.note = ax.text(0.5, 0.5, "no picture: the model's numbers\n"
                            "are no longer finite", ha="center",
                            va="center", transform=ax.transAxes,
                            color="tab:red", visible=False,
                            bbox=dict(facecolor="white", edgecolor="tab:red"))
        ax.set(xlim=extent[:2], ylim=extent[2:])

    def update(self, model) -> None:
        """Shade the plane by ``model``'s class probabilities and draw the
        line where its predicted class changes."""
        shape = (len(self.ys), len(self.xs))
        try:
            with np.errstate(all="ignore"):
                probs = model.predict_proba(self.points)  # (res**2, C)
        except NonFiniteError:  # a hidden layer's output overflowed
            probs = None
        finite = probs is not None and np.isfinite(probs).all()
        self.note.set_visible(not finite)
        if not finite:
            self.image.set_data(np.ones((*shape, 3)))  # nothing to shade
            self.line.set_segments([])
            return
        n_classes = probs.shape[1]
        colors = self.colors
        if n_classes > len(colors):
            colors = class_colors(n_classes)
        # mix with white: data stay visible; float32 probabilities may sum
        # to 1 + 1e-7, hence the clip
        shade = np.clip(0.45 * (probs @ colors[:n_classes]) + 0.55, 0, 1)
        self.image.set_data(shade.reshape(*shape, 3))
        # Region k ends where p_k stops being the largest probability: the
        # zero line of p_k - max_{j != k} p_j. Classes 0..C-2 cover every
        # boundary (the last class's edges are some other class's edges).
        segments = []
        for k in range(n_classes - 1):
            others = np.delete(probs, k, axis=1).max(axis=1)
            margin = (probs[:, k] - others).reshape(shape)
            if margin.min() < 0 < margin.max():
                segments += contourpy.contour_generator(
                    self.xs, self.ys, margin).lines(0.0)
        self.line.set_segments(segments)


def plot_decision_boundary(ax, model, x: np.ndarray, labels: np.ndarray, *,
                           title: str = "Decision boundary",
                           queries: np.ndarray | None = None,
                           resolution: int = 150) -> DecisionBoundary:
    """Shade the plane by the model's class probabilities and draw the data
    on top; returns the ``DecisionBoundary`` (its ``update`` redraws).

    x: (batch, 2) points; labels: (batch,) class indices. The background
    colour mixes the class colours in proportion to the predicted
    probabilities, so pale regions are where the model is unsure; the black
    line is where the predicted class changes.
    """
    boundary = DecisionBoundary(ax, x, labels, queries, resolution)
    boundary.update(model)
    colors = boundary.colors
    for k in range(len(colors)):
        mine = labels == k
        ax.scatter(x[mine, 0], x[mine, 1], color=colors[k], edgecolor="black",
                   s=45, zorder=3, label=f"class {k}")
    handles, names = ax.get_legend_handles_labels()
    handles.append(Line2D([], [], color="black", linewidth=1.2))
    names.append("boundary")
    if queries is not None:
        handles.append(ax.scatter(queries[:, 0], queries[:, 1], marker="X",
                                  s=90, color="white", edgecolor="black",
                                  zorder=4))
        names.append("query point")
    ax.legend(handles, names, loc="best", framealpha=1.0)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")
    return boundary
