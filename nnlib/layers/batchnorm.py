"""Batch normalisation over the batch axis: each feature of x: (B, H) is
shifted and scaled to mean 0 and variance 1 over the batch, then given a
learned scale gamma and shift beta.

In training the statistics are the batch's own; running averages of them
are kept for evaluation, where one image must not depend on the others in
its batch. The conventions are PyTorch's ``BatchNorm1d``: ``momentum`` is
the weight of the new batch in the running averages, and the running
variance averages the unbiased batch variance (divided by B - 1), while
the normalisation itself uses the biased one (divided by B).
"""

import numpy as np

from nnlib.checks import checked_backward, checked_forward
from nnlib.layer import Layer
from nnlib.optim import real_number


class BatchNorm(Layer):
    """Batch normalisation of x: (B, H), H = ``features``, with learnable
    gamma: (H,) (starts at 1) and beta: (H,) (starts at 0).

    ``eps`` is added to the variance before its square root, so that a
    constant feature does not divide by 0. ``running_mean`` and
    ``running_var`` (start 0 and 1) are what evaluation mode normalises
    with.
    """

    param_names = ("gamma", "beta")
    buffer_names = ("running_mean", "running_var")

    def __init__(self, features: int, *, momentum: float = 0.1,
                 eps: float = 1e-5, dtype=np.float64):
        if (isinstance(features, bool)
                or not isinstance(features, (int, np.integer))
                or features < 1):
            raise ValueError(
                f"features must be a positive integer; got {features!r}")
        self.in_features = int(features)  # the input checks read it
        self.momentum = real_number(momentum, "momentum",
                                    "a number in [0, 1]",
                                    lambda v: 0 <= v <= 1)
        self.eps = real_number(eps, "eps", "a finite number > 0",
                               lambda v: v > 0)
        self.gamma = np.ones(features, dtype=dtype)
        self.beta = np.zeros(features, dtype=dtype)
        self.running_mean = np.zeros(features, dtype=dtype)
        self.running_var = np.ones(features, dtype=dtype)
        self.dgamma = self.dbeta = None

    @checked_forward
    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (B, H) -> gamma * x_hat + beta: (B, H), where
        x_hat = (x - mean) / sqrt(var + eps), feature by feature."""
        if self.training:
            batch = len(x)
            if batch < 2:
                raise ValueError(
                    "BatchNorm in training mode needs at least 2 rows (the "
                    "variance of one row is 0); got a batch of 1 (use "
                    "model.evaluation_mode() to run single rows)")
            mean = x.mean(axis=0)  # (H,)
            var = x.var(axis=0)  # (H,), divided by B: the biased variance
            m = self.momentum
            self.running_mean[...] = (1 - m) * self.running_mean + m * mean
            self.running_var[...] = ((1 - m) * self.running_var
                                     + m * var * batch / (batch - 1))
        else:
            mean, var = self.running_mean, self.running_var
        self.inv_std = 1 / np.sqrt(var + self.eps)  # (H,)
        self.x_hat = (x - mean) * self.inv_std  # (B, H)
        self.normalised_batch = self.training  # what backward must undo
        return self.gamma * self.x_hat + self.beta

    @checked_backward
    def backward(self, grad: np.ndarray) -> np.ndarray:
        """G = dL/d(output): (B, H) -> dL/dx: (B, H); stores dgamma and
        dbeta: (H,)."""
        self.dgamma = (grad * self.x_hat).sum(axis=0)
        self.dbeta = grad.sum(axis=0)
        grad_x_hat = grad * self.gamma  # (B, H)
        if not self.normalised_batch:  # the running statistics: constants
            return grad_x_hat * self.inv_std
        # The batch's mean and variance depend on every row: the two means
        # subtract what flows back through them.
        return self.inv_std * (
            grad_x_hat - grad_x_hat.mean(axis=0)
            - self.x_hat * (grad_x_hat * self.x_hat).mean(axis=0))

    def __repr__(self) -> str:
        return f"BatchNorm({self.in_features})"
