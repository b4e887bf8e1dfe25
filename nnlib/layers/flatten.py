"""Flatten: from images to rows, the bridge from convolutions to Linear
layers."""

import numpy as np
from einops import rearrange

from nnlib.checks import checked_backward, checked_forward
from nnlib.layer import Layer


class Flatten(Layer):
    """Images (B, C, H, W) -> rows (B, C H W), and back in backward, so that
    a Linear layer can follow a convolution. Any shape with the batch
    first is flattened the same way."""

    input_axes = None  # any shape, batch first

    def __init__(self):
        self.x_shape = None

    @checked_forward
    def forward(self, x: np.ndarray) -> np.ndarray:
        """X: (B, C, H, W) -> (B, C H W)."""
        self.x_shape = x.shape
        return rearrange(x, "b ... -> b (...)")

    @checked_backward
    def backward(self, grad: np.ndarray) -> np.ndarray:
        """G: (B, C H W) -> dL/dX: (B, C, H, W), the same numbers."""
        return grad.reshape(self.x_shape)
