"""Shared figures: the decision boundary and the loss curve, side by side.

Every chapter ends with ``plot_training``; the learning-rate explorer redraws
the same two panels, so all figures in the book look alike.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D

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


def plot_decision_boundary(ax, model, x: np.ndarray, labels: np.ndarray, *,
                           title: str = "Decision boundary",
                           queries: np.ndarray | None = None,
                           resolution: int = 150) -> None:
    """Shade the plane by the model's class probabilities and draw the data
    on top.

    x: (batch, 2) points; labels: (batch,) class indices. The background
    colour mixes the class colours in proportion to the predicted
    probabilities, so pale regions are where the model is unsure; the black
    line is where the predicted class changes.
    """
    points, xs, ys = grid_over(
        np.vstack([x, queries]) if queries is not None else x, resolution)
    probs = model.predict_proba(points)  # (resolution**2, classes)
    n_classes = probs.shape[1]
    colors = class_colors(max(n_classes, int(labels.max()) + 1))
    # mix with white: data stays visible
    shade = 0.45 * (probs @ colors[:n_classes]) + 0.55
    # float32 probabilities may sum to 1 + 1e-7: stay in range
    shade = np.clip(shade, 0, 1)
    ax.imshow(shade.reshape(len(ys), len(xs), 3), origin="lower",
              aspect="auto", extent=(xs[0], xs[-1], ys[0], ys[-1]),
              interpolation="bilinear")
    predicted = probs.argmax(axis=1).reshape(len(ys), len(xs))
    # One 0.5-contour per class region: neighbouring regions share the same
    # edge, so each boundary is drawn once (contouring the class index itself
    # would draw two lines where class 0 meets class 2).
    regions = np.unique(predicted)
    for k in regions if len(regions) > 1 else ():
        ax.contour(xs, ys, (predicted == k).astype(float), levels=[0.5],
                   colors="black", linewidths=1.2)
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
    ax.legend(handles, names, loc="best", fontsize="small", framealpha=0.9)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")


def plot_loss(ax, history, *, title: str = "Training loss",
              label: str | None = None,
              diverged_at: int | None = None) -> None:
    """Plot the loss of each epoch; mark where training diverged, if it did.

    history: (epochs,) losses, epoch 1 first. Call again with another label to
    overlay a second curve (for example the test loss).
    """
    history = np.asarray(history)
    epochs = np.arange(1, len(history) + 1)
    ax.plot(epochs, history, label=label, linewidth=1.8)
    if diverged_at is not None:
        ax.axvline(diverged_at, color="tab:red", linestyle="--",
                   label="diverged")
        ax.text(0.5, 0.5, f"diverged at epoch {diverged_at}",
                transform=ax.transAxes, ha="center", va="center",
                color="tab:red", fontsize=13,
                bbox=dict(facecolor="white", edgecolor="tab:red"))
    ax.set(title=title, xlabel="epoch",
           ylabel="cross-entropy loss (mean over batch)")
    ax.set_xlim(left=0)
    ax.grid(alpha=0.3)
    if label is not None or diverged_at is not None:
        ax.legend(loc="upper right", fontsize="small")


def plot_training(model, x: np.ndarray, labels: np.ndarray, history, *,
                  title: str | None = None, queries: np.ndarray | None = None,
                  diverged_at: int | None = None):
    """The decision boundary (left) and the loss curve (right) in one
    figure."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.3))
    plot_decision_boundary(left, model, x, labels, queries=queries)
    plot_loss(right, history, diverged_at=diverged_at)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
