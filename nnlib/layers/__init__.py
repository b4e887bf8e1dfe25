"""The layers: each one idea, each following the contract of ``nnlib.layer``.
"""

from nnlib.layers.activations import ACTIVATIONS, ReLU, Sigmoid, Tanh
from nnlib.layers.batchnorm import BatchNorm
from nnlib.layers.conv import Conv2d
from nnlib.layers.dropout import Dropout
from nnlib.layers.flatten import Flatten
from nnlib.layers.linear import Linear
from nnlib.layers.pooling import MaxPool2d
from nnlib.layers.softmax import Softmax, softmax

__all__ = ["ACTIVATIONS", "BatchNorm", "Conv2d", "Dropout", "Flatten",
           "Linear", "MaxPool2d", "ReLU", "Sigmoid", "Softmax", "Tanh",
           "softmax"]
