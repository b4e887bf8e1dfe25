"""The layers: each one idea, each following the contract of ``nnlib.layer``.
"""

from nnlib.layers.activations import ACTIVATIONS, ReLU, Sigmoid, Tanh
from nnlib.layers.linear import Linear
from nnlib.layers.softmax import Softmax, softmax

__all__ = ["ACTIVATIONS", "Linear", "ReLU", "Sigmoid", "Softmax", "Tanh",
           "softmax"]
