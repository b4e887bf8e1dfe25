"""The layers: each one idea, each following the contract of ``nnlib.layer``.
"""

from nnlib.layers.activations import ACTIVATIONS, ReLU, Sigmoid, Tanh
from nnlib.layers.conv import Conv2d
from nnlib.layers.flatten import Flatten
from nnlib.layers.linear import Linear
from nnlib.layers.pooling import MaxPool2d
from nnlib.layers.softmax import Softmax, softmax

__all__ = ["ACTIVATIONS", "Conv2d", "Flatten", "Linear", "MaxPool2d", "ReLU",
           "Sigmoid", "Softmax", "Tanh", "softmax"]
