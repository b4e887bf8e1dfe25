"""Element-wise non-linearities: a = f(x), applied entry by entry.

Without them, stacked Linear layers collapse into one. Each backward is
dL/dx = dL/da * f'(x): the upstream gradient times the local slope. They take
any shape with the batch first: (B, H) after a Linear layer, images
(B, C, H_in, W_in) after a convolution.
"""

import numpy as np

from nnlib.checks import checked_backward, checked_forward
from nnlib.layer import Layer


class ReLU(Layer):
    """a = max(x, 0); slope 1 where x > 0, else 0."""

    input_axes = None  # entry by entry: any shape, batch first

    @checked_forward
    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (B, H) -> same shape."""
        self.x = x
        return np.maximum(x, 0)

    @checked_backward
    def backward(self, grad: np.ndarray) -> np.ndarray:
        """dL/da: (B, H) -> dL/dx: (B, H)."""
        # The boolean mask x > 0 is the slope: grad * mask keeps grad's
        # float dtype without building a float copy of the mask.
        return grad * (self.x > 0)


class Tanh(Layer):
    """a = tanh(x); slope 1 - a**2."""

    input_axes = None  # entry by entry: any shape, batch first

    @checked_forward
    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (B, H) -> same shape."""
        self.a = np.tanh(x)  # the slope needs only the output
        return self.a

    @checked_backward
    def backward(self, grad: np.ndarray) -> np.ndarray:
        """dL/da: (B, H) -> dL/dx: (B, H)."""
        return grad * (1 - self.a**2)


class Sigmoid(Layer):
    """a = 1 / (1 + exp(-x)); slope a (1 - a)."""

    input_axes = None  # entry by entry: any shape, batch first

    @checked_forward
    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (B, H) -> same shape."""
        # exp of a large positive number overflows; exp(-|x|) never does.
        e = np.exp(-np.abs(x))
        self.a = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
        return self.a

    @checked_backward
    def backward(self, grad: np.ndarray) -> np.ndarray:
        """dL/da: (B, H) -> dL/dx: (B, H)."""
        return grad * self.a * (1 - self.a)


ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}
