"""Softmax as a layer of its own, with its full Jacobian and the cheap
product."""

import numpy as np
from einops import rearrange, repeat

from nnlib.checks import checked_backward, checked_forward, require_forward
from nnlib.layer import Layer


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax of Z: (B, C), stable for any finite logits.

    Subtracting each row's max changes nothing mathematically (it cancels in
    the ratio) but keeps every exponent <= 0, so exp never overflows.
    """
    exps = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1, keepdims=True)


class Softmax(Layer):
    """P = softmax(Z), row by row. No parameters."""

    def __init__(self):
        self.probs = None

    @checked_forward
    def forward(self, logits: np.ndarray) -> np.ndarray:
        """Z: (B, C) logits -> P: (B, C) probabilities."""
        self.probs = softmax(logits)
        return self.probs

    @checked_backward
    def backward(self, grad: np.ndarray) -> np.ndarray:
        """G = dL/dP: (B, C) -> dL/dZ: (B, C).

        The vector-Jacobian product dL/dz_j = p_j (g_j - sum_i g_i p_i), in
        O(B C) time and memory, without building the Jacobian.
        """
        p = self.probs
        return p * (grad - (grad * p).sum(axis=1, keepdims=True))

    def jacobian(self) -> np.ndarray:
        """The Jacobians of the last forward, one per row: (B, C, C).

        J[n, i, j] = dp_i / dz_j = p_i (delta_ij - p_j).
        """
        require_forward(self, "jacobian")
        batch, n_classes = self.probs.shape
        # p_i along each row
        p_i = repeat(self.probs, "n i -> n i j", j=n_classes)
        # the same numbers, p_j along each row
        p_j = rearrange(p_i, "n i j -> n j i")
        eye = repeat(np.eye(n_classes, dtype=self.probs.dtype), "i j -> n i j",
                     n=batch)
        return p_i * (eye - p_j)
