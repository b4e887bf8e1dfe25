"""Element-wise non-linearities.

Without them, stacked Linear layers collapse into one.
"""

import numpy as np

from nnlib.checks import as_float_matrix, check_grad_shape, require_forward


class Activation:
    """Shared plumbing: check the input, cache what backward needs, check
    grad's shape."""

    param_names = ()

    def __init__(self):
        self.cache = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (batch, features) -> same shape."""
        x = as_float_matrix(x, "x")
        out, self.cache = self._forward(x)
        return out

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """grad = dL/dy -> dL/dx, same shape: grad times the local slope
        dy/dx."""
        require_forward(self.cache, self)
        grad = check_grad_shape(grad, self.cache.shape, self)
        return grad * self._slope(self.cache)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ReLU(Activation):
    """y = max(x, 0); slope 1 where x > 0, else 0."""

    def _forward(self, x):
        return np.maximum(x, 0), x

    def _slope(self, x):
        # True (1) where x > 0, else False (0): grad * slope keeps grad's
        # float dtype, without first converting the mask to a float array.
        return x > 0


class Tanh(Activation):
    """y = tanh(x); slope 1 - y**2."""

    def _forward(self, x):
        y = np.tanh(x)
        return y, y

    def _slope(self, y):
        return 1 - y**2


class Sigmoid(Activation):
    """y = 1 / (1 + exp(-x)); slope y (1 - y)."""

    def _forward(self, x):
        # exp of a large positive number overflows; exp(-|x|) never does.
        e = np.exp(-np.abs(x))
        y = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
        return y, y

    def _slope(self, y):
        return y * (1 - y)


ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}
