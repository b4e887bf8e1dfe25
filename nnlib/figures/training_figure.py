"""The book's two-panel figure: the decision boundary and the loss curve,
side by side.

``TrainingFigure`` is drawn by ``plot_training`` (the end of most chapters)
and by both front ends of the learning-rate lab, so they share one size,
one fixed layout and one set of labels. Its first ``show_run`` creates the
artists; later calls change their data in place (shading, boundary line,
loss line, titles). The fast redraw that the live slider needs is
``nnlib.figures.live_figure``.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from nnlib.figures.boundary import plot_decision_boundary
from nnlib.figures.loss_curve import (
    EPOCH_LABEL,
    LOSS_FLOOR,
    LOSS_LABEL,
    log_axes,
    loss_limits,
    loss_points,
    set_loss_range,
)

FIGSIZE = (9.6, 3.8)  # inches: two panels in the book's ~770 px column
# Fixed margins (fractions of the figure), no layout engine: a redraw costs
# no layout, and the panels stay put from one slider frame to the next.
LAYOUT = dict(left=0.075, right=0.985, bottom=0.14, top=0.9, wspace=0.24)
TOP_UNDER_TITLE = 0.82  # the top margin when the figure has a suptitle


class TrainingFigure(Figure):
    """The decision boundary (left) and the loss per epoch (right).

    Make one with ``plt.figure(FigureClass=TrainingFigure)`` (shown by
    pyplot) or ``TrainingFigure()`` plus a canvas (the explorer, the
    slider). The loss panel has log-scale axes: the first epochs (the loss
    of the article's network falls from 1.48 to 0.67 in its first step)
    and losses from 1e-16 to 1e300 all stay visible.
    """

    def __init__(self, *args, figsize=None, **kwargs):
        super().__init__(*args, figsize=figsize or FIGSIZE, **kwargs)
        self.boundary_ax, self.loss_ax = self.subplots(1, 2)
        self.subplots_adjust(**LAYOUT)
        self.boundary = None  # the DecisionBoundary of the data shown
        self._shown_data = None  # (x, labels, queries) drawn so far
        ax = self.loss_ax
        self.loss_line, = ax.plot([], [], linewidth=1.8)
        self.diverged_line = ax.axvline(1, color="tab:red", linestyle="--",
                                        visible=False)
        self.diverged_text = ax.text(
            0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
            color="tab:red", fontsize=12, visible=False,
            bbox=dict(facecolor="white", edgecolor="tab:red"))
        ax.set(xscale="log", yscale="log", xlabel=EPOCH_LABEL,
               ylabel=LOSS_LABEL, title="Training loss")
        log_axes(ax)

    def show_run(self, model, x: np.ndarray, labels: np.ndarray, history, *,
                 queries: np.ndarray | None = None,
                 diverged_at: int | None = None,
                 boundary_title: str = "Decision boundary",
                 loss_title: str = "Training loss",
                 title: str | None = None, resolution: int = 150,
                 epochs: int | None = None,
                 loss_ylim: tuple[float, float] | None = None) -> None:
        """Draw one training run: ``model`` as training left it, on its
        data, and its ``history`` of losses.

        ``epochs`` fixes the epoch axis (default: the history's length);
        ``loss_ylim`` fixes the loss axis (the slider uses one range for
        every frame). Same data as the previous call: only the artists'
        data change.
        """
        data = (x, labels, queries)
        if self._shown_data is None or any(
                new is not old for new, old in zip(data, self._shown_data,
                                                   strict=True)):
            self.boundary_ax.clear()
            self.boundary = plot_decision_boundary(
                self.boundary_ax, model, x, labels, queries=queries,
                resolution=resolution, title=boundary_title)
            self._shown_data = data
        else:
            self.boundary.update(model)
            self.boundary_ax.set_title(boundary_title)
        self._show_loss(np.asarray(history, dtype=float), diverged_at,
                        epochs, loss_ylim)
        self.loss_ax.set_title(loss_title)
        if title:
            self.suptitle(title)
        self.subplots_adjust(top=TOP_UNDER_TITLE if title else LAYOUT["top"])

    def _show_loss(self, history, diverged_at, epochs, loss_ylim) -> None:
        ax = self.loss_ax
        self.loss_line.set_data(*loss_points(history))
        if loss_ylim is None:
            loss_ylim = loss_limits([history])
        # a loss of 0 is drawn at LOSS_FLOOR: say so, if that is on the axis
        zero_shown = (history <= 0).any() and loss_ylim[0] <= LOSS_FLOOR
        ax.set_ylabel(LOSS_LABEL + (f"; 0 drawn at {LOSS_FLOOR:.0e}"
                                    if zero_shown else ""))
        if epochs is None and diverged_at is not None:
            epochs = max(10, 2 * diverged_at)  # zoom in on the few epochs
        last = max(epochs or len(history), 2)
        if diverged_at is not None:
            self.diverged_line.set_xdata([diverged_at, diverged_at])
            self.diverged_text.set_text(
                f"not finite at epoch {diverged_at}: diverged")
        self.diverged_line.set_visible(diverged_at is not None)
        self.diverged_text.set_visible(diverged_at is not None)
        ax.set_xlim(1, last)
        set_loss_range(ax, *loss_ylim)


def plot_training(model, x: np.ndarray, labels: np.ndarray, history, *,
                  title: str | None = None,
                  queries: np.ndarray | None = None) -> TrainingFigure:
    """The decision boundary (left) and the loss curve (right) in one
    figure, shown by pyplot."""
    fig = plt.figure(FigureClass=TrainingFigure)
    fig.show_run(model, x, labels, history, queries=queries, title=title)
    return fig
