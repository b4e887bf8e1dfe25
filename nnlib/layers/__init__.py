"""The layers: each one idea, each following the contract of ``nnlib.layer``.
"""

from nnlib.layers.activations import ACTIVATIONS, ReLU, Sigmoid, Tanh
from nnlib.layers.batchnorm import BatchNorm
from nnlib.layers.dropout import Dropout
from nnlib.layers.linear import Linear
from nnlib.layers.softmax import Softmax, softmax

__all__ = ["ACTIVATIONS", "BatchNorm", "Dropout", "Linear", "ReLU",
           "Sigmoid", "Softmax", "Tanh", "softmax"]
