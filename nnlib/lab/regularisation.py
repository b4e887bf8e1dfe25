"""The regularisation lab of chapter 10: chapter 9's MLP on the digits,
trained with a chosen weight decay and dropout rate, and its training and
validation curves.

``run(weight_decay, dropout)`` trains one seeded model (chapter 9's
settings: SGD with learning rate 0.1 and momentum 0.9, batches of 32, 30
epochs); ``draw(fig, result)`` shows it; ``explore(weight_decay, dropout)``
does both on a new figure: the function behind the chapter's live sliders.
The static slider of the rendered book draws its frames with ``draw`` too.
A run whose numbers stop being finite is drawn up to that epoch and named.
"""

import functools
from dataclasses import dataclass

from matplotlib.figure import Figure

from nnlib import data
from nnlib.errors import TrainingDiverged
from nnlib.figures.validation_curves import (
    label_validation_axes,
    mark_divergence,
    plot_validation_run,
)
from nnlib.layers.dropout import Dropout
from nnlib.model import Model, mlp
from nnlib.optim import SGD
from nnlib.training import History, train

LR, MOMENTUM, BATCH_SIZE, EPOCHS, HIDDEN = 0.1, 0.9, 32, 30, 64
# the live sliders' ranges (the tests try every end)
WEIGHT_DECAYS = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
DROPOUT_MAX = 0.9
LOSS_RANGE = (1e-4, 30.0)  # the same loss axis in every picture


@dataclass
class RegularisedRun:
    """One training run: its settings, the trained model, its history (up
    to divergence) and the epoch at which it diverged (None: it did
    not)."""

    weight_decay: float
    dropout: float
    model: Model
    history: History
    diverged_at: int | None = None


@functools.cache
def split(seed: int = 0):
    """Chapter 9's split of the digits (cached: every run reads it)."""
    return data.digits_split(seed)


def make_model(dropout: float, seed: int = 0) -> Model:
    """Chapter 9's MLP, 64 -> 64 -> 10 (the same start for a given seed),
    with a Dropout layer after the hidden ReLU when ``dropout`` > 0."""
    layers = mlp(64, [HIDDEN], 10, rng=seed).layers
    if dropout > 0:
        layers = [*layers[:2], Dropout(dropout, rng=seed), *layers[2:]]
    return Model(layers)


def run(weight_decay: float = 0.0, dropout: float = 0.0, *, seed: int = 0,
        epochs: int = EPOCHS, restore_best: bool = False) -> RegularisedRun:
    """Train chapter 9's MLP with this weight decay and dropout rate."""
    s = split(seed)
    model = make_model(dropout, seed)
    optimizer = SGD(LR, momentum=MOMENTUM, weight_decay=weight_decay)
    try:
        history = train(model, s.x_train, s.labels_train, epochs=epochs,
                        batch_size=BATCH_SIZE, rng=seed, optimizer=optimizer,
                        validation=(s.x_val, s.labels_val),
                        restore_best=restore_best)
    except TrainingDiverged as error:
        return RegularisedRun(weight_decay, dropout, model, error.history,
                              error.epoch)
    return RegularisedRun(weight_decay, dropout, model, history)


def describe(result: RegularisedRun) -> str:
    """The settings of a run, as a figure's title says them."""
    return (f"weight decay \u03bb = {result.weight_decay:g}, "
            f"dropout rate q = {result.dropout:g}")


def draw(fig: Figure, result: RegularisedRun,
         reference: RegularisedRun | None = None) -> None:
    """Two panels on ``fig``: training and validation loss per epoch (log
    scale, the same range for every run), and validation accuracy; the
    ``reference`` run (no regularisation) in grey behind them."""
    fig.clear()
    left, right = fig.subplots(1, 2)
    for run_, color, name in ((reference, "0.65", "no regularisation"),
                              (result, None, "this run")):
        if run_ is not None and len(run_.history.loss):
            plot_validation_run(left, right, run_.history, name=name,
                                color=color, loss_range=LOSS_RANGE)
    history = result.history
    if result.diverged_at is not None:
        for ax in (left, right):
            mark_divergence(ax, result.diverged_at,
                            f"diverged at epoch {result.diverged_at}: the "
                            "numbers stopped being finite")
    label_validation_axes(left, right, epochs=EPOCHS, loss_ylim=LOSS_RANGE,
                          loss_title="Loss per epoch (above 30: drawn at "
                                     "the top)")
    handles, labels = left.get_legend_handles_labels()
    if handles:  # one legend for both panels, below them
        fig.legend(handles, labels, loc="lower center", ncols=4,
                   fontsize="small", frameon=False)
    if len(history.loss) and result.diverged_at is None:
        summary = (f"\nfinal losses: training {history.loss[-1]:.3g}, "
                   f"validation {history.val_loss[-1]:.3g}; validation "
                   f"accuracy {history.val_accuracy[-1]:.1%}")
    else:
        summary = ""
    fig.suptitle(describe(result) + summary)
    fig.tight_layout(rect=(0, 0.07, 1, 1))


def explore(weight_decay: float = 0.0, dropout: float = 0.0, *,
            seed: int = 0, epochs: int = EPOCHS, dpi: int = 80) -> Figure:
    """One move of the live sliders: train, then draw on a new figure
    (with the unregularised run behind it); returns the figure."""
    fig = Figure(figsize=(9.6, 3.9), dpi=dpi)
    reference = _reference(seed, epochs)
    draw(fig, run(weight_decay, dropout, seed=seed, epochs=epochs),
         reference)
    return fig


@functools.cache
def _reference(seed: int, epochs: int) -> RegularisedRun:
    return run(0.0, 0.0, seed=seed, epochs=epochs)
