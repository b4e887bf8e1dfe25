"""Which side of the decision boundary each point is on, epoch by epoch.

A decision boundary drawn once shows where training ended; two runs that
both separate the data look alike there. ``plot_prediction_timeline`` shows
the way there instead: one row per training point (grouped by its true
class), one column per epoch, coloured by the class the model predicted for
that point at that epoch. A boundary that swings from one side of the data
to the other shows as whole columns changing colour; one that moves through
the data shows as rows turning, one point at a time.
"""

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from nnlib.figures.boundary import class_colors


def plot_prediction_timeline(ax, predictions: np.ndarray, labels: np.ndarray,
                             *, title: str = "Predicted class, epoch by epoch",
                             legend: bool = True):
    """Draw ``predictions`` (epochs, B), the class predicted for each point
    before each epoch's step, against the true ``labels`` (B,).

    Rows are the points, class 0 first; the tick labels name each point and
    its true class. Returns the image.
    """
    predictions = np.asarray(predictions)
    labels = np.asarray(labels)
    if predictions.ndim != 2 or predictions.shape[1] != len(labels):
        raise ValueError(f"predictions must have shape (epochs, {len(labels)})"
                         f" for {len(labels)} labels; got {predictions.shape}")
    n_classes = int(max(labels.max(), predictions.max())) + 1
    colors = class_colors(n_classes)
    order = np.argsort(labels, kind="stable")
    epochs = len(predictions)
    image = ax.imshow(predictions[:, order].T, cmap=ListedColormap(colors),
                      vmin=-0.5, vmax=n_classes - 0.5, aspect="auto",
                      interpolation="nearest",
                      extent=(0.5, epochs + 0.5, len(labels) - 0.5, -0.5))
    ax.set_yticks(np.arange(len(labels)),
                  [f"{n} (class {labels[n]})" for n in order])
    # a line between the classes
    for edge in np.flatnonzero(np.diff(labels[order])):
        ax.axhline(edge + 0.5, color="white", linewidth=2)
    ax.set(title=title, xlabel="epoch", ylabel="point n (true class)")
    ax.tick_params(axis="y", labelsize="small")
    if legend:
        ax.legend([Patch(color=colors[k]) for k in range(n_classes)],
                  [f"predicted {k}" for k in range(n_classes)],
                  loc="upper left", bbox_to_anchor=(1.0, 1.0),
                  fontsize="small", frameon=False)
    return image
