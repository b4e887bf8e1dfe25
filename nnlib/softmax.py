"""Softmax as a layer of its own, with its full Jacobian and the cheap
product."""

import numpy as np
from einops import rearrange, repeat

from nnlib.checks import as_float_matrix, check_grad_shape, require_forward


def softmax(x: np.ndarray) -> np.ndarray:
    """Row-wise softmax of x: (batch, classes), stable for any finite logits.

    Subtracting each row's max changes nothing mathematically (it cancels in
    the ratio) but keeps every exponent <= 0, so exp never overflows.
    """
    exps = np.exp(x - x.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1, keepdims=True)


class Softmax:
    """p = softmax(x), row by row. No parameters."""

    param_names = ()

    def __init__(self):
        self.probs = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (batch, classes) logits -> (batch, classes) probabilities."""
        x = as_float_matrix(x, "x")
        self.probs = softmax(x)
        return self.probs

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """grad = dL/dp: (batch, classes) -> dL/dx: (batch, classes).

        The vector-Jacobian product dL/dx_j = p_j (g_j - sum_i g_i p_i), in
        O(batch * classes) time and memory, without building the Jacobian.
        """
        require_forward(self.probs, self)
        grad = check_grad_shape(grad, self.probs.shape, self)
        p = self.probs
        return p * (grad - (grad * p).sum(axis=1, keepdims=True))

    def jacobian(self) -> np.ndarray:
        """The Jacobian of the last forward: (batch, classes, classes).

        J[b, i, j] = dp_i / dx_j = p_i (delta_ij - p_j).
        """
        require_forward(self.probs, self)
        batch, classes = self.probs.shape
        # p_i along each row
        p_i = repeat(self.probs, "b i -> b i j", j=classes)
        # the same numbers, p_j along each row
        p_j = rearrange(p_i, "b i j -> b j i")
        eye = repeat(np.eye(classes, dtype=self.probs.dtype), "i j -> b i j",
                     b=batch)
        return p_i * (eye - p_j)
