"""The loss curve: loss per epoch on log-log axes, as every loss panel of
the book draws it, so that the first epochs and losses from 1e-16 to 1e300
all stay visible."""

import math

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import LogLocator, NullLocator

# A log axis cannot show a loss of exactly 0 (float64 rounds a probability
# of 1 - 1e-17 to 1): such losses are drawn at this floor.
LOSS_FLOOR = 1e-16
LOSS_CEILING = 1e306  # matplotlib's log ticks overflow near float64's max
LOSS_LABEL = "cross-entropy loss (log scale)"
EPOCH_LABEL = "epoch (log scale)"


def loss_points(history) -> tuple[np.ndarray, np.ndarray]:
    """(epochs, losses) of a history, ready for a log axis: epoch 1 first,
    the losses clipped to [LOSS_FLOOR, LOSS_CEILING]."""
    losses = np.clip(np.asarray(history, float), LOSS_FLOOR, LOSS_CEILING)
    return np.arange(1, len(losses) + 1), losses


def plot_loss(ax, history, *, title: str = "Training loss",
              label: str | None = None, legend: str | None = "upper right",
              **line_options) -> Line2D:
    """Plot the loss of each epoch on log-log axes, as every loss panel of
    the book does (the first epochs stay visible). Returns the line.

    history: (epochs,) losses, epoch 1 first. Call again with another label
    to overlay a second curve (for example the test loss). ``legend`` is
    where the legend goes once a curve has a label (None: no legend yet);
    ``line_options`` go to ``ax.plot``.
    """
    if ax.get_yscale() != "log":  # set once: each set rescales the axes
        ax.set(xscale="log", yscale="log")
    line, = ax.plot(*loss_points(history), label=label,
                    **{"linewidth": 1.8, **line_options})
    ax.set(title=title, xlabel=EPOCH_LABEL, ylabel=LOSS_LABEL)
    # every curve drawn so far, from epoch 1 to the longest one's end
    ax.set_xlim(1, max(2, *(len(ln.get_xdata()) for ln in ax.lines)))
    log_axes(ax)
    if label is not None and legend is not None:
        ax.legend(loc=legend)
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
