"""A network: layers applied in order, with a loss on top.

The article's ``Network`` is one Linear layer and the fused loss; ``Model``
is the same idea for any list of layers.
"""

from contextlib import contextmanager
from dataclasses import replace

import numpy as np

from nnlib.init import make_rng
from nnlib.layer import Param
from nnlib.layers.activations import ACTIVATIONS
from nnlib.layers.linear import Linear
from nnlib.layers.softmax import softmax
from nnlib.losses import SoftmaxCrossEntropy


class Model:
    """``layers`` map X: (B, D) to logits Z: (B, C); ``loss`` scores Z.

    X may be images, (B, C_in, H_in, W_in), when the first layer takes
    images (``Conv2d``); every method below then takes images too.
    """

    def __init__(self, layers, loss=None):
        self.layers = list(layers)
        if not self.layers:
            raise ValueError("a Model needs at least one layer")
        self.loss = SoftmaxCrossEntropy() if loss is None else loss

    def forward(self, x: np.ndarray) -> np.ndarray:
        """X: (B, D) -> logits Z: (B, C)."""
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def mean_loss(self, x: np.ndarray, labels: np.ndarray) -> float:
        """The loss L on (x, labels), without any backward pass, in the
        layers' current mode (``with model.evaluating():`` for evaluation)."""
        return self.loss.forward(self.forward(x), labels)

    def loss_and_backward(self, x: np.ndarray, labels: np.ndarray) -> float:
        """One forward and one backward pass: returns L and leaves every
        parameter's gradient in its layer."""
        loss = self.mean_loss(x, labels)
        grad = self.loss.backward()  # G = dL/dZ
        first, *above = self.layers
        for layer in reversed(above):
            grad = layer.backward(grad)  # dL/d(its input), for the one below
        first.param_backward(grad)  # its input is the data: no dL/dX needed
        return loss

    def parameters(self) -> list[Param]:
        """Every parameter with its gradient, named like "layers[0].w"."""
        return [replace(param, name=f"layers[{index}].{param.name}")
                for index, layer in enumerate(self.layers)
                for param in layer.parameters()]

    def training_mode(self) -> "Model":
        """Every layer in training mode (``layer.training = True``):
        Dropout drops, BatchNorm uses the batch's statistics. Returns the
        model."""
        for layer in self.layers:
            layer.training = True
        return self

    def evaluation_mode(self) -> "Model":
        """Every layer in evaluation mode (``layer.training = False``):
        Dropout passes everything, BatchNorm uses its running statistics.
        Returns the model."""
        for layer in self.layers:
            layer.training = False
        return self

    @contextmanager
    def evaluating(self):
        """``with model.evaluating(): ...`` runs the block in evaluation
        mode and then gives every layer back the mode it had."""
        modes = [layer.training for layer in self.layers]
        self.evaluation_mode()
        try:
            yield self
        finally:
            for layer, mode in zip(self.layers, modes, strict=True):
                layer.training = mode

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """X: (B, D) -> class probabilities P: (B, C), in evaluation
        mode."""
        with self.evaluating():
            return softmax(self.forward(x))

    def predict(self, x: np.ndarray) -> np.ndarray:
        """X: (B, D) -> predicted class indices: (B,), in evaluation
        mode."""
        with self.evaluating():
            return self.forward(x).argmax(axis=1)

    def accuracy(self, x: np.ndarray, labels: np.ndarray) -> float:
        """The fraction of rows of X whose predicted class is the label: a
        number in [0, 1] (in evaluation mode, as ``predict``)."""
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
