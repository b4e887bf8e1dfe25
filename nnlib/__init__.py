"""nnlib: the neural-network layers of the book, in NumPy, one idea per module.

Every layer follows one contract: ``forward`` caches what ``backward`` needs
and returns the output; ``backward(grad)`` returns dL/d(input) and stores
parameter gradients (``dw``, ``db``) without changing the parameters; the
optimizer updates.
"""

from nnlib import data, gradcheck
from nnlib.activations import ReLU, Sigmoid, Tanh
from nnlib.errors import CallOrderError, TrainingDiverged
from nnlib.linear import Linear
from nnlib.losses import CrossEntropy, SoftmaxCrossEntropy, one_hot
from nnlib.model import Model, mlp, train
from nnlib.optim import SGD
from nnlib.softmax import Softmax, softmax
from nnlib.source import show_source

__all__ = [
    "CallOrderError", "CrossEntropy", "Linear", "Model", "ReLU", "SGD",
    "Sigmoid", "Softmax", "SoftmaxCrossEntropy", "Tanh", "TrainingDiverged",
    "data", "gradcheck", "mlp", "one_hot", "show_source", "softmax", "train",
]
