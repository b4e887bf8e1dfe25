"""nnlib: the neural-network layers of the book, in NumPy, one idea per module.

Every layer follows one contract (``nnlib.layer``): ``forward`` caches what
``backward`` needs and returns the output; ``backward(grad)`` returns
dL/d(input) and stores parameter gradients (``dw``, ``db``) without changing
the parameters; ``parameters()`` lists them; the optimizer updates.
"""

from nnlib import data, gradcheck
from nnlib.activations import ReLU, Sigmoid, Tanh
from nnlib.errors import CallOrderError, NonFiniteError, TrainingDiverged
from nnlib.layer import Layer, Param
from nnlib.linear import Linear
from nnlib.losses import CrossEntropy, SoftmaxCrossEntropy, one_hot
from nnlib.model import Model, mlp
from nnlib.optim import SGD
from nnlib.softmax import Softmax, softmax
from nnlib.source import show_source
from nnlib.training import History, train

__version__ = "0.2.0"

__all__ = [
    "CallOrderError", "CrossEntropy", "History", "Layer", "Linear", "Model",
    "NonFiniteError", "Param", "ReLU", "SGD", "Sigmoid", "Softmax",
    "SoftmaxCrossEntropy", "Tanh", "TrainingDiverged", "data", "gradcheck",
    "mlp", "one_hot", "show_source", "softmax", "train",
]
