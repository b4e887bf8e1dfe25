"""The optimizer: the only place where parameters change.

Plain gradient descent takes a step against the gradient. With momentum, the
step is a velocity that keeps a fraction of the previous step:

    v <- momentum * v - lr * grad
    param <- param + v

With momentum = 0 this is plain gradient descent, param <- param - lr * grad.
"""

import math

import numpy as np


class SGD:
    """Stochastic gradient descent, with optional momentum in [0, 1)."""

    def __init__(self, lr: float = 0.1, momentum: float = 0.0):
        if (not isinstance(lr, (int, float)) or not math.isfinite(lr)
                or lr <= 0):
            raise ValueError(
                f"learning rate must be a finite number > 0; got {lr!r}")
        if not isinstance(momentum, (int, float)) or not 0 <= momentum < 1:
            raise ValueError(
                f"momentum must be a number in [0, 1); got {momentum!r}")
        self.lr = float(lr)
        self.momentum = float(momentum)
        self.velocity = {}  # id(param array) -> its last step

    def step(self, params) -> None:
        """Update each parameter in place from its gradient.

        ``params``: ``model.parameters()`` (or a layer's), each with the
        gradient the last backward stored.
        """
        for param in params:
            if param.grad is None:
                raise ValueError(f"no gradient for {param.name!r}: "
                                 "call backward() first")
            if self.momentum == 0:
                param.value[...] -= self.lr * param.grad
                continue
            velocity = self.velocity.get(id(param.value))
            if velocity is None:
                velocity = np.zeros_like(param.value)
                self.velocity[id(param.value)] = velocity
            velocity *= self.momentum
            velocity -= self.lr * param.grad
            param.value[...] += velocity
