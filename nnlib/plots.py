"""Shared figures: the decision boundary and the loss curve, side by side.

``TrainingFigure`` is the book's one two-panel figure: ``plot_training``
(the end of most chapters), the live learning-rate explorer and the static
slider all draw with it, so they share one size, one fixed layout and one
set of labels. Its first ``show_run`` creates the artists; later calls
change their data in place (shading, boundary line, loss line, titles),
which is what lets the live slider keep up.
"""

import math

import contourpy
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import LogLocator, NullLocator

from nnlib.errors import NonFiniteError

CLASS_COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red",
                "tab:purple", "tab:brown"]
FIGSIZE = (9.6, 3.8)  # inches: two panels in the book's ~770 px column
# Fixed margins (fractions of the figure), no layout engine: a redraw costs
# no layout, and the panels stay put from one slider frame to the next.
LAYOUT = dict(left=0.075, right=0.985, bottom=0.14, top=0.9, wspace=0.24)
TOP_UNDER_TITLE = 0.82  # the top margin when the figure has a suptitle
# A log axis cannot show a loss of exactly 0 (float64 rounds a probability
# of 1 - 1e-17 to 1): such losses are drawn at this floor.
LOSS_FLOOR = 1e-16
LOSS_CEILING = 1e306  # matplotlib's log ticks overflow near float64's max
LOSS_LABEL = "cross-entropy loss (log scale)"
EPOCH_LABEL = "epoch (log scale)"


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


def plot_loss(ax, history, *, title: str = "Training loss",
              label: str | None = None) -> Line2D:
    """Plot the loss of each epoch on log-log axes, as every loss panel of
    the book does (the first epochs stay visible). Returns the line.

    history: (epochs,) losses, epoch 1 first. Call again with another label
    to overlay a second curve (for example the test loss).
    """
    history = np.clip(np.asarray(history, float), LOSS_FLOOR, LOSS_CEILING)
    epochs = np.arange(1, len(history) + 1)
    line, = ax.plot(epochs, history, label=label, linewidth=1.8)
    ax.set(title=title, xscale="log", yscale="log", xlabel=EPOCH_LABEL,
           ylabel=LOSS_LABEL)
    # every curve drawn so far, from epoch 1 to the longest one's end
    ax.set_xlim(1, max(2, *(len(ln.get_xdata()) for ln in ax.lines)))
    log_axes(ax)
    if label is not None:
        ax.legend(loc="upper right")
    return line


def loss_limits(histories) -> tuple[float, float]:
    """A log-axis range of whole decades that holds every loss of
    ``histories`` (losses of 0 count as ``LOSS_FLOOR``)."""
    shown = np.concatenate([np.asarray(h, float).ravel() for h in histories])
    shown = np.clip(shown[np.isfinite(shown)], LOSS_FLOOR, LOSS_CEILING)
    if not len(shown):
        return 0.1, 10.0
    # a margin of 1.5x, so that no curve runs along the frame
    low = 10.0 ** math.floor(math.log10(shown.min() / 1.5))
    high = 10.0 ** math.ceil(math.log10(min(shown.max() * 1.5, 1e307)))
    return low, max(high, 10 * low)


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
        self._backgrounds = {}  # see render()

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
            self._backgrounds.clear()
        else:
            self.boundary.update(model)
            self.boundary_ax.set_title(boundary_title)
        self._show_loss(np.asarray(history, dtype=float), diverged_at,
                        epochs, loss_ylim)
        self.loss_ax.set_title(loss_title)
        if title:
            self.suptitle(title)
        self.subplots_adjust(top=TOP_UNDER_TITLE if title else LAYOUT["top"])

    def render(self) -> None:
        """Draw the figure on its canvas, fast (the live slider's redraw).

        What did not change since a previous render (ticks, labels, titles,
        axis ranges, the legend) comes from a cached picture of the figure;
        only the artists that show the run are drawn on top. The same
        picture as ``canvas.draw()`` (but for the blend of the legend box's
        antialiased edge), in a fraction of the time.
        """
        ax = self.boundary_ax
        legend = ax.get_legend()
        shown = [self.boundary.image, *ax.collections, *ax.texts,
                 *ax.spines.values()]
        shown.sort(key=lambda artist: artist.get_zorder())
        loss_artists = [self.loss_line, self.diverged_line,
                        self.diverged_text]
        key = (tuple(map(id, self._shown_data)), ax.get_title(),
               self.loss_ax.get_title(), self.loss_ax.get_ylabel(),
               self.loss_ax.get_xlim(), self.loss_ax.get_ylim(),
               self.get_suptitle(), self.bbox.bounds)
        canvas = self.canvas
        if key not in self._backgrounds:
            for artist in shown + loss_artists:
                artist.set_animated(True)  # canvas.draw() leaves them out
            try:
                canvas.draw()
            finally:
                for artist in shown + loss_artists:
                    artist.set_animated(False)
            if len(self._backgrounds) >= 32:
                self._backgrounds.clear()
            # The legend (opaque) sits on top of the shading: keep its
            # pixels, and freeze its place (loc="best" could move it).
            legend_pixels = None
            if legend is not None:
                box = legend.get_window_extent()
                legend_pixels = canvas.copy_from_bbox(box)
                legend.set_loc(tuple(ax.transAxes.inverted().transform(
                    (box.x0, box.y0))))
            self._backgrounds[key] = (canvas.copy_from_bbox(self.bbox),
                                      legend_pixels)
        background, legend_pixels = self._backgrounds[key]
        canvas.restore_region(background)
        for artist in shown:
            ax.draw_artist(artist)
        if legend_pixels is not None:
            canvas.restore_region(legend_pixels)
        for artist in loss_artists:
            self.loss_ax.draw_artist(artist)

    def _show_loss(self, history, diverged_at, epochs, loss_ylim) -> None:
        ax = self.loss_ax
        floored = np.clip(history, LOSS_FLOOR, LOSS_CEILING)
        self.loss_line.set_data(np.arange(1, len(history) + 1), floored)
        ax.set_ylabel(LOSS_LABEL + (f"; 0 drawn at {LOSS_FLOOR:.0e}"
                                    if (history <= 0).any() else ""))
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
        if loss_ylim is None:
            loss_ylim = loss_limits([history])
        set_loss_range(ax, *loss_ylim)


def log_axes(ax) -> None:
    """Log-log axes that read well and draw fast: ticks at powers of ten
    only (at most about 8), no minor ticks, a light grid."""
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(LogLocator(numticks=8))
        axis.set_minor_locator(NullLocator())
    ax.grid(alpha=0.3)


def set_loss_range(ax, low: float, high: float) -> None:
    """Set a log loss axis to [low, high] with a tick every few decades.

    matplotlib's own log ticks overflow when the range reaches 1e300 (a
    run about to diverge), so the ticks are placed here.
    """
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    stride = next(step for step in (1, 2, 3, 5, 10, 20, 50, 100)
                  if (last - first) / step <= 7)
    start = math.ceil(first / stride) * stride  # multiples of the stride
    ax.set_yticks(10.0 ** np.arange(start, last + 1, stride))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_ylim(low, high)


def plot_training(model, x: np.ndarray, labels: np.ndarray, history, *,
                  title: str | None = None,
                  queries: np.ndarray | None = None) -> TrainingFigure:
    """The decision boundary (left) and the loss curve (right) in one
    figure, shown by pyplot."""
    fig = plt.figure(FigureClass=TrainingFigure)
    fig.show_run(model, x, labels, history, queries=queries, title=title)
    return fig
