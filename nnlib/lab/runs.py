"""The learning-rate lab's runs: one seeded training run, and what it shows.

``run(lr, epochs=500, dataset="article")`` trains a freshly seeded model with
``nnlib.train`` and returns an ``LRResult`` (the run's data, model and
history, and what they measure: accuracy on the training points and on
held-out points, the margin and the weight norm of a single Linear layer,
the dead ReLU units); a run whose numbers overflow is recorded, not raised.
``regime(result)`` reads the run and names what it shows (see ``REGIMES``);
``describe(result)`` says it in one line.
Nothing here draws. The data flow one way: ``runs`` -> ``drawing`` -> the
two front ends, the live explorer (``nnlib.lab.explorer``) and the static
slider (``nnlib.lab.slider``).

The model is the article's single ``Linear(2, 2)`` for the article's data
(plain or standardised), and ``mlp(2, [16], n_classes)`` (one hidden layer of
16 ReLU units) for the other data sets, which no straight boundary can
separate; ``hidden=`` and ``activation=`` choose another one. Every model is
seeded with ``rng=0``: same settings, same numbers.
"""

from dataclasses import dataclass, field
from functools import cache

import numpy as np

from nnlib import data
from nnlib.errors import TrainingDiverged
from nnlib.layers.activations import ReLU
from nnlib.model import Model, mlp
from nnlib.training import History, train

DATASETS = data.DATASETS  # name -> function(seed) returning (x, labels)
DATASET_NAMES = tuple(DATASETS)
ARTICLE_DATA = ("article", "standardised article")
# the static slider's rates: about half a decade apart
DEFAULT_LRS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0,
               100.0)
# the rates of the second static slider (chapter 6): on the moons, the
# 16-unit ReLU network shows every regime, from "too small" to "diverges"
FAILING_LRS = (0.01, 0.1, 1.0, 1.5, 3.0, 10.0, 30.0, 100.0, 3000.0)
DEFAULT_EPOCHS = 500  # as in the article
# the hidden layer's width for every data set except the article's
DEFAULT_HIDDEN = 16
SEED = 0
# held-out points of a generated data set: the same recipe, another seed
HELD_OUT_SEED = 1

# What a run can show, in the order regime() tests for them.
DIVERGES = "diverges"
RELUS_DEAD = "every ReLU dead"
NO_PROGRESS = "does not converge"
OSCILLATES = "oscillates"
OVERSHOOTS = "overshoots, then converges"
TOO_SMALL = "too small"
CONVERGES = "converges"
REGIMES = (DIVERGES, RELUS_DEAD, NO_PROGRESS, OSCILLATES, OVERSHOOTS,
           TOO_SMALL, CONVERGES)
# A first step that achieves at least this fraction of the straight-slope
# decrease lr * |g|^2 is "too small" (see regime()).
STRAIGHT_SLOPE = 0.95
# "converges" needs no upward step in this last fraction of the epochs
SETTLED_FRACTION = 0.1


@cache
def load(dataset: str) -> tuple[np.ndarray, np.ndarray]:
    """x: (n, 2) and labels: (n,) of a data set named in ``DATASETS``."""
    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {list(DATASET_NAMES)}; "
                         f"got {dataset!r}")
    x, labels = DATASETS[dataset](SEED)
    # cached: nobody may change them
    x.flags.writeable = labels.flags.writeable = False
    return x, labels


@cache
def held_out(dataset: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Points that training never sees, from the same recipe as the
    training points (another seed): x: (n, 2), labels: (n,). None for the
    article's ten points, which have no more."""
    load(dataset)  # checks the name
    if dataset in ARTICLE_DATA:
        return None
    x, labels = DATASETS[dataset](HELD_OUT_SEED)
    x.flags.writeable = labels.flags.writeable = False
    return x, labels


@dataclass(frozen=True)
class MaxMargin:
    """The straight boundary w . x + c = 0 farthest from every training
    point of a two-class data set: the hard-margin linear SVM. ``margin``
    is the distance from it to the nearest point."""

    w: np.ndarray  # (2,)
    c: float
    margin: float


@cache
def max_margin(dataset: str) -> MaxMargin | None:
    """The widest-margin line of the article's data (plain or
    standardised), from scikit-learn's linear SVM with a hard margin (a
    huge C); None for the other data sets, which no line separates."""
    if dataset not in ARTICLE_DATA:
        load(dataset)  # checks the name
        return None
    # imported here: only this reference needs scikit-learn
    from sklearn.svm import SVC

    x, labels = load(dataset)
    # tol 1e-7: the margin to 7 digits, in a millisecond (1e-9 took seconds)
    svm = SVC(kernel="linear", C=1e6, tol=1e-7).fit(x, labels)
    w, c = svm.coef_[0].copy(), float(svm.intercept_[0])
    w.flags.writeable = False
    distances = (2 * labels - 1) * (x @ w + c) / np.linalg.norm(w)
    # a hard margin: the nearest points are 1 / |w| from the line
    assert np.isclose(distances.min(), 1 / np.linalg.norm(w), rtol=1e-6)
    return MaxMargin(w, c, float(distances.min()))


@cache
def query_points(dataset: str) -> np.ndarray | None:
    """The article's four query points, in the data set's coordinates, or
    None for the other data sets."""
    queries = None
    if dataset == "article":
        queries = data.query_points()
    elif dataset == "standardised article":
        queries = data.Standardizer(data.article_data()[0])(
            data.query_points())
    if queries is not None:
        queries.flags.writeable = False  # cached: nobody may change them
    return queries


def default_hidden(dataset: str) -> int:
    """The default hidden width: none for the article's data, 16 units for
    the others."""
    return 0 if dataset in ARTICLE_DATA else DEFAULT_HIDDEN


def make_model(dataset: str, hidden: int | None = None,
               activation: str = "relu") -> Model:
    """A freshly seeded model for ``dataset``: the article's one Linear
    layer, or a small MLP.

    ``hidden`` is the width of the one hidden layer (0: no hidden layer;
    None: the default for the data set, see ``default_hidden``).
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


def dead_relus(model: Model, x: np.ndarray) -> list[tuple[int, int]]:
    """(dead units, units) for each ReLU layer of ``model``: a unit is dead
    when it outputs 0 for every row of x."""
    counts = []
    for layer in model.layers[:-1]:
        x = layer.forward(x)
        if isinstance(layer, ReLU):
            counts.append((int((~(x > 0).any(axis=0)).sum()), x.shape[1]))
    return counts


def linear_margin(model: Model, x: np.ndarray,
                  labels: np.ndarray) -> float | None:
    """The margin of a single Linear layer: the smallest distance from a
    point of ``x`` to the boundary of its class's region, negative when a
    point lies on the wrong side. None for a model with hidden layers.

    Point x of class y is on its side of the line where z_y = z_k while
    z_y - z_k = x . (w_y - w_k) + b_y - b_k > 0; its distance to that line
    is (z_y - z_k) / |w_y - w_k|, and to its region's edge the smallest of
    these over k != y.
    """
    if len(model.layers) != 1:
        return None
    w, b = model.layers[0].w, model.layers[0].b
    z = x @ w + b  # (n, C)
    rows = np.arange(len(x))
    smallest = np.inf
    for k in range(w.shape[1]):
        others = labels != k  # the points for which k is another class
        gap = z[rows, labels] - z[:, k]  # z_y - z_k
        width = _norm(w[:, labels] - w[:, [k]], axis=0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            distance = gap[others] / width[others]
        if others.any():
            smallest = min(smallest, float(distance.min()))
    return smallest


def weight_norm(model: Model) -> float:
    """|W|: the square root of the sum of the squares of every weight (not
    the biases) of every Linear layer; for one layer, the Frobenius norm."""
    weights = [layer.w.ravel() for layer in model.layers
               if hasattr(layer, "w")]
    return float(_norm(np.concatenate(weights)))


def _norm(a: np.ndarray, axis: int = 0) -> np.ndarray:
    """The Euclidean norm along ``axis``, without overflow for entries
    near float64's largest number (each scaled by the largest first)."""
    scale = np.abs(a).max(axis=axis)
    scale = np.where(scale > 0, scale, 1.0)
    scaled = a / np.expand_dims(scale, axis)
    return scale * np.sqrt((scaled**2).sum(axis=axis))


@dataclass
class LRResult:
    """The outcome of one training run at one learning rate."""

    lr: float
    epochs: int
    dataset: str
    x: np.ndarray  # the training points, (n, 2)
    labels: np.ndarray  # their classes, (n,)
    queries: np.ndarray | None  # the article's query points, or None
    history: History  # losses of the epochs that ran, all finite
    # epoch at which nnlib.train raised TrainingDiverged, or None
    diverged_at: int | None
    model: Model  # the model as training left it
    # the first step's decrease L1 - L2 as a fraction of lr * |g|^2, the
    # decrease if the loss were a straight slope (None after one epoch)
    first_step_gain: float | None = None
    # (dead units, units) per ReLU layer at the end (empty: no ReLU)
    dead: list[tuple[int, int]] = field(default_factory=list)
    accuracy: float | None = None  # training accuracy; None if diverged
    # accuracy on the held-out points (``held_out``), if the data set has
    # them and the run did not diverge
    held_out_accuracy: float | None = None
    # the margin of a single Linear layer (``linear_margin``), else None
    margin: float | None = None
    weight_norm: float | None = None  # |W| (``weight_norm``); None if
    # diverged

    @property
    def widest_margin(self) -> float | None:
        """The margin of the best straight boundary (``max_margin``), if the
        data set has one."""
        best = max_margin(self.dataset)
        return None if best is None else best.margin

    @property
    def final_loss(self) -> float | None:
        """The last epoch's loss, or None if training diverged."""
        return (None if self.diverged_at is not None
                else float(self.history[-1]))

    @property
    def regime(self) -> str:
        """What the run shows: one of ``REGIMES`` (see ``regime``)."""
        return regime(self)


def run(lr: float, epochs: int = DEFAULT_EPOCHS, dataset: str = "article",
        *, hidden: int | None = None, activation: str = "relu") -> LRResult:
    """Train a fresh model with ``nnlib.train``; a divergence is recorded,
    not raised."""
    x, labels = load(dataset)
    model = make_model(dataset, hidden, activation)
    # the gradient at the start, for first_step_gain (changes no weight)
    model.loss_and_backward(x, labels)
    grad_sq = sum(float((p.grad**2).sum()) for p in model.parameters())
    try:
        history = train(model, x, labels, lr=lr, epochs=epochs)
        diverged_at = None
    except TrainingDiverged as error:
        history, diverged_at = error.history, error.epoch
    gain = None
    if len(history) >= 2 and grad_sq > 0:
        gain = float((history[0] - history[1]) / (lr * grad_sq))
    result = LRResult(float(lr), int(epochs), dataset, x, labels,
                      query_points(dataset), history, diverged_at, model,
                      gain)
    if diverged_at is None:  # a diverged model's numbers are not finite
        result.dead = dead_relus(model, x)
        result.accuracy = model.accuracy(x, labels)
        result.margin = linear_margin(model, x, labels)
        result.weight_norm = weight_norm(model)
        unseen = held_out(dataset)
        if unseen is not None:
            result.held_out_accuracy = model.accuracy(*unseen)
    return result


def regime(result: LRResult) -> str:
    """Name what a run shows, from the run alone. The first rule that
    holds wins:

    - "diverges": the numbers stopped being finite (``train`` raised
      ``TrainingDiverged``);
    - "every ReLU dead": every unit of a hidden ReLU layer outputs 0 for
      every training point, so the network gives them all the same answer,
      and no gradient reaches those units again;
    - "does not converge": the last loss is not below the first;
    - "oscillates": the loss still went up in the last tenth of the epochs;
    - "overshoots, then converges": the loss went up at some epochs, then
      settled lower than it started;
    - "too small": the loss went down at every epoch, and the first step
      lowered it by at least 95 % of lr |g|^2, what a straight slope would
      give: the step is too short for the loss to bend under it. (On a
      parabola a step of the best length achieves 50 %; 95 % means a step
      about ten times shorter than that.)
    - "converges": the loss went down at every epoch, and the first step
      was long enough for the loss to bend under it.
    """
    if result.diverged_at is not None:
        return DIVERGES
    if any(dead == units for dead, units in result.dead):
        return RELUS_DEAD
    history = np.asarray(result.history)
    if len(history) < 2 or history[-1] >= history[0]:
        return NO_PROGRESS
    ups = np.flatnonzero(np.diff(history) > 0) + 2  # epochs that went up
    if len(ups):
        settled_from = len(history) * (1 - SETTLED_FRACTION)
        return OSCILLATES if ups[-1] > settled_from else OVERSHOOTS
    if (result.first_step_gain is not None
            and result.first_step_gain >= STRAIGHT_SLOPE):
        return TOO_SMALL
    return CONVERGES


def percent(fraction: float) -> str:
    """E.g. "100%", "50%", "91.5%": one decimal unless it is 0, so that 199
    points right of 200 never reads as 100%."""
    text = f"{fraction:.1%}"
    return text.replace(".0%", "%")


def describe(result: LRResult) -> str:
    """One line on what happened and the measures that show it, e.g.
    "lr = 1 (article data, one Linear layer): overshoots, then converges;
    final loss 0.00945, 15 upward steps, accuracy 100%, margin 1.26
    (widest possible 1.41), |W| 2.15".

    It names the regime, then: the final loss and the upward steps; the
    accuracy on the training points (and on held-out points, if the data
    set has them); for a single Linear layer its margin (the widest
    possible one beside it, if the data set has one) and |W|; for a hidden
    ReLU layer, how many of its units are dead.
    """
    where = (f"lr = {result.lr:g} ({result.dataset} data, "
             f"{describe_model(result.model)})")
    if result.diverged_at is not None:
        return (f"{where}: diverges; the numbers stopped being finite at "
                f"epoch {result.diverged_at}")
    steps = result.history.upward_steps
    parts = [f"final loss {result.final_loss:.3g}",
             f"{steps} upward step{'' if steps == 1 else 's'}",
             f"accuracy {percent(result.accuracy)}"]
    if result.held_out_accuracy is not None:
        parts[-1] += (f" (held-out points "
                      f"{percent(result.held_out_accuracy)})")
    if result.margin is not None:
        margin = f"margin {result.margin:.3g}"
        if result.margin < 0:
            margin += " (points on the wrong side)"
        elif result.widest_margin is not None:
            margin += f" (widest possible {result.widest_margin:.3g})"
        parts += [margin, f"|W| {result.weight_norm:.3g}"]
    for dead, units in result.dead:
        parts.append(f"{dead} of {units} ReLU units dead")
    return f"{where}: {regime(result)}; " + ", ".join(parts)


def sweep(lrs=DEFAULT_LRS, epochs: int = DEFAULT_EPOCHS,
          dataset: str = "article") -> dict[float, LRResult]:
    """``run`` at every rate of ``lrs``: {lr: result}."""
    return {float(lr): run(lr, epochs, dataset) for lr in lrs}
