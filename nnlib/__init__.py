"""nnlib: the neural-network layers of the book, in NumPy, one idea per module.

Every layer follows one contract (``nnlib.layer``): ``forward`` caches what
``backward`` needs and returns the output; ``backward(grad)`` returns
dL/d(input) and stores parameter gradients (``dw``, ``db``) without changing
the parameters; ``parameters()`` lists them; the optimizer updates.

This package is the core. The teaching tools sit in their own subpackages
and import it, never the other way round: ``nnlib.figures`` (the book's
figures), ``nnlib.lab`` (the learning-rate lab), ``nnlib.exercises`` (the
self-checking exercises) and ``nnlib.teaching`` (``show_source``, the
article's mistakes). See ``docs/architecture.md``.
"""

from importlib.metadata import PackageNotFoundError, version

from nnlib import data, gradcheck
from nnlib.batches import epoch_batches
from nnlib.errors import CallOrderError, NonFiniteError, TrainingDiverged
from nnlib.layer import Layer, Param
from nnlib.layers import (
    BatchNorm,
    Conv2d,
    Dropout,
    Flatten,
    Linear,
    MaxPool2d,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
    softmax,
)
from nnlib.losses import CrossEntropy, SoftmaxCrossEntropy, one_hot
from nnlib.model import Model, mlp
from nnlib.optim import SGD, Adam
from nnlib.training import History, run_epoch, train

try:  # one version, pyproject's
    __version__ = version("nnlib")
except PackageNotFoundError:  # run from a folder, not installed
    __version__ = "unknown"

__all__ = [
    "Adam", "BatchNorm", "CallOrderError", "CrossEntropy", "Dropout",
    "History", "Layer", "Linear", "Model",
    "NonFiniteError", "Param", "ReLU", "SGD", "Sigmoid", "Softmax",
    "SoftmaxCrossEntropy", "Tanh", "TrainingDiverged", "data",
    "epoch_batches", "gradcheck", "mlp", "one_hot", "run_epoch", "softmax",
    "train",
    # the layers that read images (chapter 11)
    "Conv2d", "Flatten", "MaxPool2d",
]
