"""The learning-rate lab on real data: chapter 9's MLP on the handwritten
digits, at a chosen batch size and learning rate.

``digits_run(split, batch_size, lr)`` trains a freshly seeded
``mlp(64, [64], 10)`` with mini-batch SGD and momentum (``nnlib.train``,
validated after every epoch) and returns a ``DigitsRun``; a run whose
numbers stop being finite is recorded, not raised. ``draw_digits_run(fig,
run)`` draws its losses and its validation accuracy per epoch, and marks
"diverged at epoch k" where training stopped. Chapter 9's static batch-size
slider draws its frames with it; its live controls (``DigitsExplorer``,
ipywidgets) call ``explore``, one run drawn on a new figure, for every
combination the controls offer.
"""

from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from nnlib.data import Split
from nnlib.errors import TrainingDiverged
from nnlib.figures.validation_curves import (
    label_validation_axes,
    mark_divergence,
    plot_validation_run,
)
from nnlib.lab.drawing import rendered_png
from nnlib.model import Model, mlp
from nnlib.optim import SGD
from nnlib.training import History, train

EPOCHS, MOMENTUM = 30, 0.9  # chapter 9's settings
HIDDEN = (64,)  # one hidden layer of 64 ReLU units
SEED = 0
# the live controls' batch sizes (the full batch is added: it depends on the
# split) and learning-rate range
BATCH_SIZES = (4, 8, 16, 32, 64, 128, 256)
LR_MIN, LR_MAX = 1e-3, 1.0
# the losses drawn, the same in every drawing so that they compare: a loss
# outside this range is drawn at its end (the axis leaves room above it)
LOSS_RANGE = (2e-4, 20.0)
FIGSIZE = (9.6, 3.9)  # inches: the book's column


@dataclass
class DigitsRun:
    """One training run of the digits MLP."""

    batch_size: int
    lr: float
    momentum: float
    epochs: int
    n_train: int  # training rows
    # training loss, validation loss and accuracy of the epochs that ran
    history: History
    diverged_at: int | None  # the epoch TrainingDiverged named, or None
    model: Model  # as training left it

    @property
    def steps_per_epoch(self) -> int:
        return -(-self.n_train // self.batch_size)

    @property
    def val_accuracy(self) -> float | None:
        """The last epoch's validation accuracy; None if training diverged
        or ran no epoch."""
        if self.diverged_at is not None or not len(self.history):
            return None
        return float(self.history.val_accuracy[-1])


def full_batch(split: Split) -> int:
    """The batch size of full-batch gradient descent: every training
    row."""
    return len(split.x_train)


def batch_sizes(split: Split) -> tuple[int, ...]:
    """The batch sizes the live controls offer, the full batch last."""
    return (*BATCH_SIZES, full_batch(split))


def digits_run(split: Split, batch_size: int, lr: float, *,
               epochs: int = EPOCHS, momentum: float = MOMENTUM,
               hidden=HIDDEN, seed: int = SEED) -> DigitsRun:
    """Train ``mlp(64, hidden, 10, rng=seed)`` on ``split``'s training part
    with ``SGD(lr, momentum)``, batches of ``batch_size`` reshuffled every
    epoch (``rng=seed``), validated after every epoch. A run whose numbers
    stop being finite is returned with ``diverged_at`` set."""
    model = mlp(split.x_train.shape[1], list(hidden), 10, rng=seed)
    try:
        history = train(model, split.x_train, split.labels_train,
                        epochs=epochs, batch_size=batch_size, rng=seed,
                        optimizer=SGD(lr, momentum=momentum),
                        validation=(split.x_val, split.labels_val))
        diverged_at = None
    except TrainingDiverged as error:
        history, diverged_at = error.history, error.epoch
    return DigitsRun(int(batch_size), float(lr), float(momentum),
                     int(epochs), len(split.x_train), history, diverged_at,
                     model)


def describe_digits(run: DigitsRun) -> str:
    """One line: the settings, and how the run ended."""
    steps = run.steps_per_epoch
    size = (f"{run.batch_size} (full batch)" if steps == 1
            else f"{run.batch_size}")
    where = (f"Batch size {size}: {steps} step{'' if steps == 1 else 's'} "
             f"per epoch (lr {run.lr:g}, momentum {run.momentum:g})")
    if run.diverged_at is not None:
        return (f"{where}; diverged at epoch {run.diverged_at}: the "
                f"numbers stopped being finite")
    return f"{where}; final validation accuracy {run.val_accuracy:.1%}"


def new_digits_figure(dpi: int = 80) -> Figure:
    """A figure with its own canvas, not managed by pyplot (never shown
    twice)."""
    fig = Figure(figsize=FIGSIZE, dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def draw_digits_run(fig: Figure, run: DigitsRun) -> None:
    """Draw ``run`` on ``fig``, replacing what was there: the training and
    validation loss per epoch (log scale, clipped to ``LOSS_RANGE``) and the
    validation accuracy per epoch; a run that diverged gets a dashed line
    and "diverged at epoch k" in both panels."""
    fig.clear()
    left, right = fig.subplots(1, 2)
    plot_validation_run(left, right, run.history, loss_range=LOSS_RANGE)
    top = LOSS_RANGE[1]
    label_validation_axes(
        left, right, epochs=run.epochs, loss_ylim=(LOSS_RANGE[0], 3 * top),
        loss_label=f"loss (log scale; > {top:g} drawn at {top:g})")
    for ax in (left, right):
        if run.diverged_at is not None:
            mark_divergence(ax, run.diverged_at)
        ax.legend(loc="best", fontsize="small")
    fig.suptitle(describe_digits(run), fontsize="medium")
    fig.tight_layout()


def explore(split: Split, batch_size: int, lr: float,
            fig: Figure | None = None, **settings) -> Figure:
    """What one move of the live controls does: train at ``batch_size`` and
    ``lr`` (``digits_run``) and draw the run on ``fig`` (a new figure if
    None). Returns the figure; a run that diverges is drawn, not raised."""
    fig = new_digits_figure() if fig is None else fig
    draw_digits_run(fig, digits_run(split, batch_size, lr, **settings))
    return fig


class DigitsExplorer:
    """Live controls for ``explore``: the batch size (4 rows up to the full
    batch) and the learning rate (log scale, ``LR_MIN`` to ``LR_MAX``).
    Every change retrains and redraws; the latest run is in ``.run``, and
    the figure's title says how it ended. It needs a running Python kernel;
    display it as the last expression of a cell."""

    def __init__(self, split: Split, batch_size: int = 32,
                 lr: float = 0.1):
        # imported here: explore() works without ipywidgets
        import ipywidgets as widgets

        self.split = split
        self.batch_size = widgets.SelectionSlider(
            options=batch_sizes(split), value=batch_size,
            description="batch size", continuous_update=False)
        self.lr = widgets.FloatLogSlider(
            value=lr, base=10, min=np.log10(LR_MIN), max=np.log10(LR_MAX),
            step=0.25, description="learning rate", readout_format=".3g",
            continuous_update=False)
        self.image = widgets.Image(format="png")
        self.fig = new_digits_figure()
        self.run = None
        for control in (self.batch_size, self.lr):
            control.observe(self.refresh, names="value")
        self.widget = widgets.VBox([self.batch_size, self.lr, self.image])
        self.refresh()

    def refresh(self, change=None) -> None:
        """Retrain with the controls' values and show the new picture."""
        run = digits_run(self.split, self.batch_size.value, self.lr.value)
        draw_digits_run(self.fig, run)
        self.fig.canvas.draw()
        self.run = run
        self.image.value = rendered_png(self.fig)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
