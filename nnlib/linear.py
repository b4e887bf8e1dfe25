"""The fully connected (Linear) layer: y = x @ w + b."""

import numpy as np

from nnlib.checks import as_float_matrix, check_grad_shape, require_forward
from nnlib.init import init_weights


class Linear:
    """A fully connected layer.

    Parameters:
        w: (in_features, out_features) weights.
        b: (out_features,) biases, initialised to zero.

    ``rng`` seeds the initial weights: an int, a ``np.random.Generator`` or
    None (None means seed 0, so that the same code always gives the same
    numbers).
    """

    param_names = ("w", "b")

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
        self.dw = self.db = None
        self.x = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (batch, in_features) -> (batch, out_features)."""
        x = as_float_matrix(x, "x", self.in_features)
        self.x = x  # backward needs the input to compute dw
        w, b = self._params_like(x)
        return x @ w + b

    def backward(self, grad: np.ndarray, *,
                 input_grad: bool = True) -> np.ndarray | None:
        """grad = dL/dy: (batch, out_features) -> dL/dx: (batch, in_features).

        Stores dL/dw in ``dw`` and dL/db in ``db``; never changes ``w`` or
        ``b``. ``input_grad=False`` skips dL/dx and returns None: when x is
        the data, no layer below needs it, and it would cost as much as the
        forward pass.
        """
        require_forward(self.x, self)
        grad = check_grad_shape(grad, (len(self.x), self.out_features), self)
        w, _ = self._params_like(self.x)
        self.dw = self.x.T @ grad  # (in, batch) @ (batch, out) -> (in, out)
        self.db = grad.sum(axis=0)  # every row of the batch used the same b
        if not input_grad:
            return None
        # The layer below produced x, so it needs dL/dx, not dL/dw.
        return grad @ w.T  # (batch, out) @ (out, in) -> (batch, in)

    def _params_like(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # float32 input stays float32: compute in the input's precision.
        if self.w.dtype == x.dtype:
            return self.w, self.b
        return self.w.astype(x.dtype), self.b.astype(x.dtype)

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features})"
