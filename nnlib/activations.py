"""Element-wise non-linearities: y = f(x), applied entry by entry.

Without them, stacked Linear layers collapse into one. Each backward is
dL/dx = dL/dy * f'(x): the upstream gradient times the local slope.
"""

import numpy as np

from nnlib.checks import checked_backward, checked_forward
from nnlib.layer import Layer


class ReLU(Layer):
    """y = max(x, 0); slope 1 where x > 0, else 0."""

    @checked_forward
    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (B, H) -> same shape."""
        self.x = x
        return np.maximum(x, 0)

    @checked_backward
    def backward(self, grad: np.ndarray) -> np.ndarray:
        """dL/dy: (B, H) -> dL/dx: (B, H)."""
        # The boolean mask x > 0 is the slope: grad * mask keeps grad's
        # float dtype without building a float copy of the mask.
        return grad * (self.x > 0)


class Tanh(Layer):
    """y = tanh(x); slope 1 - y**2."""

    @checked_forward
    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (B, H) -> same shape."""
        self.y = np.tanh(x)  # the slope needs only the output
        return self.y

    @checked_backward
    def backward(self, grad: np.ndarray) -> np.ndarray:
        """dL/dy: (B, H) -> dL/dx: (B, H)."""
        return grad * (1 - self.y**2)


class Sigmoid(Layer):
    """y = 1 / (1 + exp(-x)); slope y (1 - y)."""

    @checked_forward
    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (B, H) -> same shape."""
        # exp of a large positive number overflows; exp(-|x|) never does.
        e = np.exp(-np.abs(x))
        self.y = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
        return self.y

    @checked_backward
    def backward(self, grad: np.ndarray) -> np.ndarray:
        """dL/dy: (B, H) -> dL/dx: (B, H)."""
        return grad * self.y * (1 - self.y)


ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}
