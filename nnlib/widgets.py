"""Learning-rate experiments: retrain at a chosen learning rate and redraw.

The plain function everything else builds on (the tests and the benchmarks
call it directly)::

    result = update(lr, epochs=500, dataset="article", fig=None)

retrains a freshly seeded model (same numbers every call) with ``lr`` for
``epochs`` epochs on ``dataset`` (a name from ``nnlib.data.DATASETS``), clears
and redraws the decision boundary (left) and the loss curve (right) on ``fig``
(a new figure if None), renders it, and returns an ``LRResult``:
``final_loss`` (None if training diverged), ``diverged_at`` (the epoch
``nnlib.train`` stopped at, or None), ``history``, ``model`` and ``fig``. A
diverging rate is drawn, not raised: the loss panel says "diverged at epoch
k".

The model is the article's single ``Linear(2, 2)`` for the ``"article"`` data,
and ``mlp(2, [16], n_classes)`` (one hidden layer of 16 ReLU units) for the
other data sets, which no straight boundary can separate. Both are seeded with
``rng=0``. ``run`` and ``update`` also take ``hidden=`` (the width of the one
hidden layer; 0 means none, None the default just described) and
``activation=`` ("relu", "tanh" or "sigmoid").

``LearningRateExplorer()`` puts ipywidgets controls (log-scale learning-rate
slider, epochs, data set, hidden units, activation) on top of ``update``; it
needs a running kernel. The static version for the rendered book is
``nnlib.animation.lr_animation``.
"""

from dataclasses import dataclass
from functools import cache
from io import BytesIO

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from nnlib import data
from nnlib.activations import ACTIVATIONS
from nnlib.errors import TrainingDiverged
from nnlib.model import Model, mlp
from nnlib.plots import plot_decision_boundary, plot_loss
from nnlib.training import train

DATASET_NAMES = tuple(data.DATASETS)
# the slider's range; the article's data diverge from about 20
LR_MIN, LR_MAX = 1e-3, 1e2
DEFAULT_EPOCHS = 500  # as in the article
# the hidden layer's width for every data set except "article"
DEFAULT_HIDDEN = 16
# the largest width the explorer's "hidden units" slider offers
HIDDEN_MAX = 64
ACTIVATION_NAMES = tuple(ACTIVATIONS)  # "relu", "tanh", "sigmoid"
SEED = 0
# grid points per axis of the decision-boundary shading (150 in the book)
RESOLUTION = 60
FIGSIZE = (10, 3.9)
LAYOUT = dict(left=0.065, right=0.985, bottom=0.13, top=0.84, wspace=0.22)


@dataclass
class LRResult:
    """The outcome of one training run at one learning rate."""

    lr: float
    epochs: int
    dataset: str
    history: np.ndarray  # losses of the epochs that ran, finite, shape (n,)
    # epoch at which nnlib.train raised TrainingDiverged, or None
    diverged_at: int | None
    exploded_loss: float | None  # the loss at that epoch (may be inf or nan)
    model: Model  # the model as training left it
    fig: Figure | None = None

    @property
    def final_loss(self) -> float | None:
        """The last epoch's loss, or None if training diverged."""
        return (None if self.diverged_at is not None
                else float(self.history[-1]))

    @property
    def shown_history(self) -> np.ndarray:
        """The losses to plot: the history, plus the exploded loss if it is
        finite."""
        if self.exploded_loss is not None and np.isfinite(self.exploded_loss):
            return np.append(self.history, self.exploded_loss)
        return self.history


@cache
def load(dataset: str) -> tuple[np.ndarray, np.ndarray]:
    """x: (n, 2) and labels: (n,) of a data set named in
    ``nnlib.data.DATASETS``."""
    if dataset not in data.DATASETS:
        raise ValueError(f"dataset must be one of {list(DATASET_NAMES)}; "
                         f"got {dataset!r}")
    x, labels = data.DATASETS[dataset](SEED)
    # cached: nobody may change them
    x.flags.writeable = labels.flags.writeable = False
    return x, labels


def default_hidden(dataset: str) -> int:
    """The default hidden width: none for the article's data, 16 units for
    the others."""
    return 0 if dataset == "article" else DEFAULT_HIDDEN


def make_model(dataset: str, hidden: int | None = None,
               activation: str = "relu") -> Model:
    """A freshly seeded model for ``dataset``: the article's one Linear layer,
    or a small MLP.

    ``hidden`` is the width of the one hidden layer (0: no hidden layer; None:
    the default for the data set, see ``default_hidden``).
    """
    _, labels = load(dataset)
    n_classes = int(labels.max()) + 1
    hidden = default_hidden(dataset) if hidden is None else hidden
    widths = [hidden] if hidden else []  # mlp(2, [], C): one Linear layer
    return mlp(2, widths, n_classes, activation=activation, rng=SEED)


def describe_model(model: Model) -> str:
    """E.g. "one Linear layer" or "16 ReLU units"."""
    if len(model.layers) == 1:
        return "one Linear layer"
    return (f"{model.layers[0].out_features} "
            f"{type(model.layers[1]).__name__} units")


def run(lr: float, epochs: int = DEFAULT_EPOCHS, dataset: str = "article", *,
        hidden: int | None = None, activation: str = "relu") -> LRResult:
    """Train a fresh model with ``nnlib.train``; a divergence is recorded,
    not raised."""
    x, labels = load(dataset)
    model = make_model(dataset, hidden, activation)
    try:
        history = train(model, x, labels, lr=lr, epochs=epochs)
        diverged_at = exploded = None
    except TrainingDiverged as error:
        history, diverged_at, exploded = (error.history, error.epoch,
                                          float(error.loss))
    return LRResult(float(lr), int(epochs), dataset,
                    np.asarray(history, dtype=float), diverged_at, exploded,
                    model)


def new_figure(figsize=FIGSIZE, dpi: int = 80) -> Figure:
    """A figure with the two panels, not managed by pyplot (so it is never
    shown twice)."""
    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)
    fig.subplots(1, 2)
    return fig


def describe(result: LRResult) -> str:
    """One line saying what happened, e.g. "lr = 0.1: final loss 0.102 after
    500 epochs"."""
    where = f"lr = {result.lr:g} ({result.dataset} data)"
    if result.diverged_at is not None:
        return f"{where}: diverged at epoch {result.diverged_at}"
    return (f"{where}: final loss {result.final_loss:.3g} "
            f"after {result.epochs} epochs")


def draw(fig: Figure, result: LRResult, *, resolution: int = RESOLUTION,
         loss_ylim: tuple[float, float] | None = None) -> None:
    """Clear ``fig``'s two panels and draw ``result``: boundary left, loss
    curve right.

    The loss axis is logarithmic, because losses here span from about 1e-5 to
    1e3. ``loss_ylim`` fixes its range (the static slider uses one range for
    every frame).
    """
    if len(fig.axes) != 2:
        fig.clear()
        fig.subplots(1, 2)
    left, right = fig.axes
    left.clear()
    right.clear()
    x, labels = load(result.dataset)
    queries = data.query_points() if result.dataset == "article" else None
    weights_finite = all(np.isfinite(getattr(layer, name)).all()
                         for layer in result.model.layers
                         for name in layer.param_names)
    if weights_finite:
        plot_decision_boundary(left, result.model, x, labels, queries=queries,
                               resolution=resolution,
                               title=f"Decision boundary, lr = {result.lr:g} "
                                     f"({describe_model(result.model)})")
    else:  # nothing meaningful to shade: say so instead of drawing NaNs
        left.text(0.5, 0.5, "weights are no longer finite", ha="center",
                  va="center", transform=left.transAxes, color="tab:red")
        left.set(title=f"Decision boundary, lr = {result.lr:g}",
                 xlabel="$x_1$", ylabel="$x_2$")
    plot_loss(right, result.shown_history, diverged_at=result.diverged_at,
              label=f"lr = {result.lr:g}",
              title=f"Training loss, lr = {result.lr:g}")
    right.set_yscale("log")
    if result.diverged_at is None:
        right.set_xlim(0, result.epochs)
    else:  # a few points only: zoom in on them and mark each epoch
        right.set_xlim(0, max(10, 2 * result.diverged_at))
        right.lines[0].set_marker("o")
    if loss_ylim is not None:
        right.set_ylim(*loss_ylim)
    low, high = right.get_ylim()
    # several decades: one tick per decade reads well and draws faster
    if high > 100 * low:
        right.minorticks_off()
    right.set_ylabel("cross-entropy loss (log scale)")
    fig.suptitle(describe(result))
    # A fixed layout: tight_layout would cost more than the training, and it
    # would move the panels from one frame of the static slider to the next.
    fig.subplots_adjust(**LAYOUT)


def update(lr: float, epochs: int = DEFAULT_EPOCHS, dataset: str = "article",
           fig: Figure | None = None, *, resolution: int = RESOLUTION,
           hidden: int | None = None, activation: str = "relu") -> LRResult:
    """Retrain at ``lr`` and redraw ``fig`` (one slider move); returns the
    ``LRResult``.

    The figure is rendered (``fig.canvas.draw()``), so the time this takes is
    the time a reader waits; ``result.fig`` is the figure drawn on.
    """
    fig = new_figure() if fig is None else fig
    result = run(lr, epochs, dataset, hidden=hidden, activation=activation)
    draw(fig, result, resolution=resolution)
    fig.canvas.draw()
    result.fig = fig
    return result


def rendered_png(fig: Figure) -> bytes:
    """The PNG of a figure that has just been drawn, without drawing it
    again."""
    from PIL import Image  # Pillow comes with matplotlib

    buffer = BytesIO()
    Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).save(
        buffer, "png", compress_level=1)
    return buffer.getvalue()


class LearningRateExplorer:
    """Live controls for ``update``: learning rate (log scale), epochs, data
    set, and the model's hidden units (0: the article's single Linear layer)
    and activation.

    Display it as the last expression of a cell. Every change retrains and
    redraws; the latest ``LRResult`` is in ``.result``. Choosing another data
    set also sets the hidden units to that data set's default
    (``default_hidden``). It needs a running Python kernel.
    """

    def __init__(self, lr: float = 0.1, epochs: int = DEFAULT_EPOCHS,
                 dataset: str = "article", hidden: int | None = None,
                 activation: str = "relu"):
        # imported here: update() works without ipywidgets
        import ipywidgets as widgets

        style = {"description_width": "110px"}
        layout = widgets.Layout(width="460px")
        self.lr = widgets.FloatLogSlider(
            value=lr, base=10, min=np.log10(LR_MIN), max=np.log10(LR_MAX),
            step=0.125, description="learning rate", readout_format=".3g",
            continuous_update=False, style=style, layout=layout)
        self.epochs = widgets.IntSlider(
            value=epochs, min=10, max=2000, step=10, description="epochs",
            continuous_update=False, style=style, layout=layout)
        self.dataset = widgets.Dropdown(options=DATASET_NAMES, value=dataset,
                                        description="data set", style=style)
        self.hidden = widgets.IntSlider(
            value=default_hidden(dataset) if hidden is None else hidden, min=0,
            max=HIDDEN_MAX, description="hidden units",
            continuous_update=False, style=style, layout=layout)
        self.activation = widgets.Dropdown(
            options=ACTIVATION_NAMES, value=activation,
            description="activation", style=style)
        self.image = widgets.Image(format="png")
        self.fig = new_figure()
        self.result = None
        # True while a control is set from code: retrain once
        self._quiet = False
        for control in (self.lr, self.epochs, self.hidden, self.activation):
            control.observe(self.refresh, names="value")
        self.dataset.observe(self._dataset_changed, names="value")
        self.widget = widgets.VBox([self.lr, self.epochs, self.dataset,
                                    self.hidden, self.activation, self.image])
        self.refresh()

    def _dataset_changed(self, change) -> None:
        self._quiet = True
        try:
            self.hidden.value = default_hidden(change["new"])
        finally:
            self._quiet = False
        self.refresh()

    def refresh(self, change=None) -> None:
        """Retrain with the controls' current values and show the new
        figure."""
        if self._quiet:
            return
        self.result = update(self.lr.value, self.epochs.value,
                             self.dataset.value, self.fig,
                             hidden=self.hidden.value,
                             activation=self.activation.value)
        self.image.value = rendered_png(self.fig)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
