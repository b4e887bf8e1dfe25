"""The fully connected (Linear) layer: Z = XW + b."""

import numpy as np

from nnlib.checks import checked_backward, checked_forward
from nnlib.init import init_weights
from nnlib.layer import Layer


class Linear(Layer):
    """A fully connected layer with weights w: (D, C) and biases b: (C,).

    D is ``in_features``, C is ``out_features``. ``rng`` seeds the initial
    weights: an int, a ``np.random.Generator`` or None (seed 0, so that the
    same code always gives the same numbers). The biases start at zero.
    """

    param_names = ("w", "b")
    decay_names = ("w",)  # weight decay shrinks the weights, not the biases

    def __init__(self, in_features: int, out_features: int, *, rng=None,
                 init: str = "xavier", dtype=np.float64):
        for name, value in (("in_features", in_features),
                            ("out_features", out_features)):
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(
                    f"{name} must be a positive integer; got {value!r}")
        self.in_features, self.out_features = (int(in_features),
                                               int(out_features))
        self.w = init_weights(in_features, out_features, init=init,
                              rng=rng).astype(dtype)
        self.b = np.zeros(out_features, dtype=dtype)
        self.x = self.dw = self.db = None

    @checked_forward
    def forward(self, x: np.ndarray) -> np.ndarray:
        """X: (B, D) -> Z = XW + b: (B, C)."""
        self.x = x  # backward needs the input for dL/dW
        return x @ self.w + self.b

    @checked_backward
    def backward(self, grad: np.ndarray) -> np.ndarray:
        """G = dL/dZ: (B, C) -> dL/dX = G W^T: (B, D); stores dw and db."""
        self.param_backward(grad)
        # The layer below produced X, so it needs dL/dX, not dL/dW.
        return grad @ self.w.T  # (B, C) @ (C, D) -> (B, D)

    @checked_backward
    def param_backward(self, grad: np.ndarray) -> None:
        """G = dL/dZ: (B, C) -> stores dw = X^T G: (D, C), db = sum of G's
        rows: (C,)."""
        self.dw = self.x.T @ grad  # (D, B) @ (B, C) -> (D, C)
        self.db = grad.sum(axis=0)  # every row of the batch used the same b

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features})"
