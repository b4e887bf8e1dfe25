"""The learning-rate lab, drawn: results of ``nnlib.lab.runs`` in, pictures
out.

Both front ends use these: the live explorer (``nnlib.lab.explorer``) and
the static slider (``nnlib.lab.slider``). ``draw(fig, result)`` shows one
run on a ``TrainingFigure`` (in place when the data are the same as last
time), with the widest-margin line as a reference where the data set has
one; ``plot_runs`` puts several runs' loss curves on
one axes, each labelled with its computed regime; ``rendered_png`` encodes
a figure that has just been drawn.
"""

from io import BytesIO

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from nnlib.figures.live_figure import LiveTrainingFigure
from nnlib.figures.loss_curve import (
    loss_limits,
    loss_points,
    plot_loss,
    set_loss_range,
)
from nnlib.lab.runs import LRResult, describe_model, max_margin, regime

# grid points per axis of the decision-boundary shading in the live
# explorer (the static slider uses more: it is drawn once, at build time)
RESOLUTION = 60
DPI = 80  # the explorer's pixels per inch: 768 x 304 px
REFERENCE_LABEL = "widest margin (linear SVM)"


def new_figure(dpi: int = DPI) -> LiveTrainingFigure:
    """A two-panel figure with its own canvas, not managed by pyplot (so it
    is never shown twice)."""
    fig = LiveTrainingFigure(dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def draw(fig: LiveTrainingFigure, result: LRResult, *,
         resolution: int = RESOLUTION,
         loss_ylim: tuple[float, float] | None = None) -> None:
    """Show ``result`` on ``fig``: the boundary of the model as training
    left it, and the loss of every epoch. The caption (``describe``) is not
    drawn: the front ends show it as text above the picture."""
    fig.show_run(result.model, result.x, result.labels, result.history,
                 queries=result.queries,
                 diverged_at=result.diverged_at,
                 boundary_title=f"Decision boundary "
                                f"({describe_model(result.model)})",
                 loss_title="Training loss per epoch",
                 resolution=resolution, epochs=result.epochs,
                 loss_ylim=loss_ylim)
    _show_reference(fig, result.dataset)


def _show_reference(fig: LiveTrainingFigure, dataset: str) -> None:
    """Draw the widest-margin line of ``dataset`` (dashed, with a legend
    entry) on the boundary panel, once per data set shown: the best
    straight boundary, to judge the run's boundary by."""
    ax = fig.boundary_ax
    best = max_margin(dataset)
    if best is None or any(line.get_label() == REFERENCE_LABEL
                           for line in ax.lines):
        return  # no reference, or drawn already on these axes
    (w1, w2), c = best.w, best.c
    # two points of the line w . x + c = 0
    foot = -c * best.w / (best.w @ best.w)
    line = ax.axline(foot, foot + (-w2, w1), color="black",
                     linestyle="--", linewidth=1.2, label=REFERENCE_LABEL)
    legend = ax.get_legend()
    handles = [*legend.legend_handles, line]
    names = [text.get_text() for text in legend.get_texts()]
    ax.legend(handles, [*names, REFERENCE_LABEL], loc="best",
              framealpha=1.0)


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
    # log axes first, and no autoscaling: its margins overflow near 1e308;
    # the range is set from every run, once they are drawn
    ax.set(xscale="log", yscale="log")
    for name, result in runs.items():
        line = plot_loss(ax, result.history, title=title, legend=None,
                         label=f"{name}: {regime(result)}", linewidth=1.6,
                         scalex=False, scaley=False)
        if result.diverged_at is not None:
            epochs, losses = loss_points(result.history)
            ax.plot(epochs[-1], losses[-1], "X", markersize=9,
                    color=line.get_color(), scalex=False, scaley=False)
    ax.set_xlim(1, max(r.epochs for r in runs.values()))
    set_loss_range(ax, *loss_limits([r.history for r in runs.values()]))
    if legend == "outside":
        ax.legend(loc="upper left",
                  bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    else:
        ax.legend(loc=legend)
