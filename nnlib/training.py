"""The training loop: (mini-)batch gradient descent, with an honest report.

Each epoch visits every training row once, in batches. After each batch:
forward, loss, backward, one optimizer step. ``train`` returns a ``History``
of the epochs; it raises ``TrainingDiverged`` only when the numbers really
stop being finite. A loss that jumps up and then comes down again is not
divergence: ``History.upward_steps`` counts such jumps.
"""

import math
from dataclasses import dataclass

import numpy as np

from nnlib.batches import check_batch_size, epoch_batches
from nnlib.checks import as_labels, model_input
from nnlib.errors import NonFiniteError, TrainingDiverged
from nnlib.init import make_rng
from nnlib.optim import SGD


@dataclass
class History:
    """What a training run measured, one entry per epoch.

    ``loss`` is the mean training loss of each epoch (over the batches of
    that epoch, weighted by their size); ``val_loss`` and ``val_accuracy``
    are measured on the validation set after each epoch (None without one).
    ``np.asarray(history)``, ``len(history)`` and ``history[k]`` read
    ``loss``.
    """

    loss: np.ndarray
    val_loss: np.ndarray | None = None
    val_accuracy: np.ndarray | None = None

    @property
    def best_epoch(self) -> int | None:
        """The 1-based epoch with the lowest validation loss (the first of
        equals); None without validation."""
        if self.val_loss is None or len(self.val_loss) == 0:
            return None
        return int(np.argmin(self.val_loss)) + 1

    @property
    def upward_steps(self) -> int:
        """How many epochs ended with a higher loss than the one before."""
        return int((np.diff(self.loss) > 0).sum())

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.loss, dtype=dtype)

    def __len__(self) -> int:
        return len(self.loss)

    def __getitem__(self, index):
        return self.loss[index]


def train(model, x: np.ndarray, labels: np.ndarray, *,
          lr: float | None = None,
          epochs: int = 500, batch_size: int | None = None, rng=None,
          optimizer=None, validation=None,
          restore_best: bool = False) -> History:
    """Train ``model`` on X: (N, D) and labels: (N,); returns a ``History``.

    X may be images, (N, C_in, H_in, W_in), when the model's first layer
    takes images (``Conv2d``, ``MaxPool2d``, ``Flatten``).

    ``batch_size=None`` uses all N rows in every step (full-batch gradient
    descent). Otherwise the rows are reshuffled every epoch with ``rng`` (an
    int seed or a Generator; same seed, same numbers) and cut into batches
    of ``batch_size``; the last batch takes what is left. Give ``lr`` (the
    optimizer is then ``SGD(lr)``; 0.1 if neither is given) or
    ``optimizer``, not both: an optimizer has its own learning rate.
    ``validation=(x_val, labels_val)`` adds their loss and accuracy after
    every epoch, measured in evaluation mode; the epochs train in training
    mode (``model.training_mode()``). ``restore_best=True`` (early
    stopping; needs ``validation``) ends with the parameters, and
    BatchNorm's running statistics, of the epoch with the lowest
    validation loss, ``History.best_epoch``.

    Raises ``TrainingDiverged`` (with the epoch and the history so far) when
    the loss, or a layer's output, stops being finite.
    """
    if not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer; got {epochs!r}")
    # Bad data is reported as bad data, before training starts: afterwards a
    # non-finite number can only come from the network itself.
    x = model_input(model, x, "x")  # (N, D), or images (N, C_in, H, W)
    labels = as_labels(labels, None, len(x))
    if validation is not None:
        x_val, labels_val = validation
        x_val = model_input(model, x_val, "validation x", like=x)
        labels_val = as_labels(labels_val, None, len(x_val))
    if restore_best and validation is None:
        raise ValueError("restore_best needs validation=(x_val, labels_val): "
                         "the best epoch is the one with the lowest "
                         "validation loss")
    check_batch_size(batch_size)
    rng = make_rng(rng)
    if optimizer is not None and lr is not None:
        raise ValueError(
            f"pass lr or optimizer, not both: the optimizer has its own "
            f"learning rate ({optimizer!r}); got lr={lr!r} as well")
    if optimizer is None:
        optimizer = SGD(0.1 if lr is None else lr)
    losses, val_losses, val_accuracies = [], [], []
    best = None  # copies of the best epoch's arrays, for restore_best
    model.training_mode()

    def history() -> History:
        if validation is None:
            return History(np.array(losses))
        return History(np.array(losses), np.array(val_losses),
                       np.array(val_accuracies))

    # overflow is what we check for ourselves, below
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, epochs + 1):
            try:
                loss = run_epoch(model, x, labels,
                                 epoch_batches(len(x), batch_size, rng),
                                 optimizer)
            except NonFiniteError as error:  # a layer's output overflowed
                raise TrainingDiverged(epoch, math.nan, history()) from error
            if not math.isfinite(loss):
                raise TrainingDiverged(epoch, loss, history())
            losses.append(loss)
            if validation is not None:
                with model.evaluating():
                    val_losses.append(model.mean_loss(x_val, labels_val))
                    val_accuracies.append(model.accuracy(x_val, labels_val))
                if restore_best and val_losses[-1] < min(val_losses[:-1],
                                                         default=math.inf):
                    best = [array.copy() for array in _state(model)]
    if best is not None:
        for array, saved in zip(_state(model), best, strict=True):
            array[...] = saved
    return history()


def _state(model) -> list[np.ndarray]:
    """What early stopping saves: every parameter, and every layer's
    buffers (BatchNorm's running statistics)."""
    return [param.value for param in model.parameters()] + [
        getattr(layer, name) for layer in model.layers
        for name in layer.buffer_names]


def run_epoch(model, x, labels, batches, optimizer) -> float:
    """One pass over the data, one optimizer step per batch; returns the
    epoch's mean training loss.

    ``batches``: row indices of each batch (``epoch_batches``; None: all
    rows). Each batch's mean loss counts in proportion to its size.
    """
    total = 0.0
    for rows in batches:
        batch_x, batch_labels = (x, labels) if rows is None else (
            x[rows], labels[rows])
        total += model.loss_and_backward(batch_x, batch_labels) * len(
            batch_x)
        optimizer.step(model.parameters())
    return total / len(x)
