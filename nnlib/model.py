"""A network: layers applied in order, a loss on top, and a training loop.

The article's ``Network`` is one Linear layer and the fused loss; ``Model``
is the same idea for any list of layers.
"""

import math

import numpy as np

from nnlib.activations import ACTIVATIONS
from nnlib.errors import TrainingDiverged
from nnlib.init import make_rng
from nnlib.linear import Linear
from nnlib.losses import SoftmaxCrossEntropy
from nnlib.optim import SGD
from nnlib.softmax import softmax


class Model:
    """``layers`` map x: (batch, features) to logits: (batch, classes)."""

    def __init__(self, layers, loss=None):
        self.layers = list(layers)
        if not self.layers:
            raise ValueError("a Model needs at least one layer")
        self.loss = SoftmaxCrossEntropy() if loss is None else loss

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (batch, features) -> logits: (batch, classes)."""
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def loss_and_backward(self, x: np.ndarray, labels: np.ndarray) -> float:
        """One forward and backward pass; returns the loss, leaves gradients
        in the layers."""
        loss = self.loss.forward(self.forward(x), labels)
        grad = self.loss.backward()
        first, *above = self.layers
        for layer in reversed(above):
            # each layer hands dL/d(its input) to the one below
            grad = layer.backward(grad)
        # Below the first layer there is only the data, which needs no
        # gradient. nnlib's Linear can skip computing it (one of its three
        # matrix products); a layer whose backward was written differently is
        # called as usual.
        if type(first).backward is Linear.backward:
            first.backward(grad, input_grad=False)
        else:
            first.backward(grad)
        return loss

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """x: (batch, features) -> class probabilities: (batch, classes)."""
        return softmax(self.forward(x))

    def predict(self, x: np.ndarray) -> np.ndarray:
        """x: (batch, features) -> predicted class indices: (batch,)."""
        return self.forward(x).argmax(axis=1)

    def accuracy(self, x: np.ndarray, labels: np.ndarray) -> float:
        """The fraction of rows of x whose predicted class is the label: a
        number in [0, 1]."""
        return float((self.predict(x) == np.asarray(labels)).mean())

    def __repr__(self) -> str:
        return f"Model({self.layers})"


def mlp(in_features: int, hidden: list[int], n_classes: int, *,
        activation: str = "relu", rng=None) -> Model:
    """A multi-layer perceptron: Linear -> activation, repeated, then a last
    Linear.

    ``mlp(2, [], 2)`` is the article's single Linear layer; ``mlp(2, [16], 3)``
    has one hidden layer of 16 units. ReLU layers get He initialisation, the
    others Xavier; ``rng`` (an int or a Generator) seeds them all.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}; "
                         f"got {activation!r}")
    rng = make_rng(rng)
    init = "he" if activation == "relu" else "xavier"
    sizes = [in_features, *hidden]
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [Linear(fan_in, fan_out, rng=rng, init=init),
                   ACTIVATIONS[activation]()]
    layers.append(Linear(sizes[-1], n_classes, rng=rng))
    return Model(layers)


# A loss this many times its first value (or 1, if larger) means the steps
# overshoot wildly: the learning rate is too large, even if the numbers are
# still finite.
EXPLODE_FACTOR = 100


def train(model: Model, x: np.ndarray, labels: np.ndarray, *, lr: float = 0.1,
          epochs: int = 500, optimizer=None) -> np.ndarray:
    """Full-batch gradient descent; returns the loss of every epoch, shape
    (epochs,).

    Raises ``TrainingDiverged`` (with the epoch and the losses so far) as soon
    as the loss stops being finite or exceeds ``EXPLODE_FACTOR`` times its
    first value, instead of silently returning NaN.
    """
    if not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer; got {epochs!r}")
    optimizer = SGD(lr) if optimizer is None else optimizer
    history = []
    # we check the loss ourselves
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, epochs + 1):
            try:
                loss = model.loss_and_backward(x, labels)
            except ValueError as error:
                if epoch == 1:  # bad x or labels: report them as they are
                    raise
                # x and labels passed epoch 1 unchanged, so only overflowed
                # activations (inf or NaN inside the network) can fail now.
                raise TrainingDiverged(epoch, math.nan,
                                       np.array(history)) from error
            if not math.isfinite(loss) or (
                    history
                    and loss > EXPLODE_FACTOR * max(history[0], 1.0)):
                raise TrainingDiverged(epoch, loss, np.array(history))
            history.append(loss)
            optimizer.step(model.layers)
    return np.array(history)
