"""The learning-rate experiment, drawn.

Both front ends use these: the live explorer (``nnlib.widgets``) and the
static slider (``nnlib.animation``). ``draw(fig, result)`` shows one run of
``nnlib.experiment.run`` on a ``TrainingFigure`` (in place when the data
are the same as last time); ``plot_runs`` puts several runs' loss curves on
one axes, each labelled with its computed regime; ``rendered_png`` encodes
a figure that has just been drawn.
"""

from io import BytesIO

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from nnlib.experiment import (
    LRResult,
    describe_model,
    load,
    query_points,
    regime,
)
from nnlib.plots import (
    EPOCH_LABEL,
    LOSS_CEILING,
    LOSS_FLOOR,
    LOSS_LABEL,
    TrainingFigure,
    log_axes,
    loss_limits,
    set_loss_range,
)

# grid points per axis of the decision-boundary shading in the live
# explorer (the static slider uses more: it is drawn once, at build time)
RESOLUTION = 60
DPI = 80  # the explorer's pixels per inch: 768 x 304 px


def new_figure(dpi: int = DPI) -> TrainingFigure:
    """A two-panel figure with its own canvas, not managed by pyplot (so it
    is never shown twice)."""
    fig = TrainingFigure(dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def draw(fig: TrainingFigure, result: LRResult, *,
         resolution: int = RESOLUTION,
         loss_ylim: tuple[float, float] | None = None) -> None:
    """Show ``result`` on ``fig``: the boundary of the model as training
    left it, and the loss of every epoch. The caption (``describe``) is not
    drawn: the front ends show it as text above the picture."""
    x, labels = load(result.dataset)
    fig.show_run(result.model, x, labels, result.history,
                 queries=query_points(result.dataset),
                 diverged_at=result.diverged_at,
                 boundary_title=f"Decision boundary "
                                f"({describe_model(result.model)})",
                 loss_title="Training loss per epoch",
                 resolution=resolution, epochs=result.epochs,
                 loss_ylim=loss_ylim)


def rendered_png(fig) -> bytes:
    """The PNG of a figure that has just been drawn, without drawing it
    again."""
    from PIL import Image  # Pillow comes with matplotlib

    buffer = BytesIO()
    Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).save(
        buffer, "png", compress_level=1)
    return buffer.getvalue()


def plot_runs(ax, runs: dict[str, LRResult], *,
              title: str = "Loss per epoch",
              legend: str = "lower left") -> None:
    """Each run's loss curve on log-log axes, labelled "name: regime".

    ``runs`` maps a short name (e.g. "lr = 0.1, Linear") to a result. A
    run that diverged ends with a cross at its last finite loss.
    ``legend`` is a matplotlib location, or "outside" (right of the axes).
    """
    ax.set(xscale="log", yscale="log", xlabel=EPOCH_LABEL, ylabel=LOSS_LABEL,
           title=title, xlim=(1, max(r.epochs for r in runs.values())))
    log_axes(ax)
    set_loss_range(ax, *loss_limits([r.history for r in runs.values()]))
    for name, result in runs.items():
        history = np.clip(result.history, LOSS_FLOOR, LOSS_CEILING)
        epochs = np.arange(1, len(history) + 1)
        # the range is set: no autoscaling (its margins overflow near 1e308)
        line, = ax.plot(epochs, history, linewidth=1.6, scalex=False,
                        scaley=False, label=f"{name}: {regime(result)}")
        if result.diverged_at is not None:
            ax.plot(epochs[-1], history[-1], "X", markersize=9,
                    color=line.get_color(), scalex=False, scaley=False)
    if legend == "outside":
        ax.legend(loc="upper left",
                  bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    else:
        ax.legend(loc=legend)
