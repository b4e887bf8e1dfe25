"""The optimizer: the only place where parameters change.

Plain gradient descent takes a step against the gradient. With momentum, the
step is a velocity that keeps a fraction of the previous step:

    v <- momentum * v - lr * grad
    param <- param + v

With momentum = 0 this is plain gradient descent, param <- param - lr * grad.
"""

import math
import numbers

import numpy as np


def real_number(value, name: str, expected: str, accept) -> float:
    """``value`` as a float if it is a real number (a Python or NumPy int
    or float, not a bool) for which ``accept`` holds; else a clear error
    that says what was ``expected``."""
    if (isinstance(value, (bool, np.bool_))
            or not isinstance(value, numbers.Real)
            or not math.isfinite(value) or not accept(float(value))):
        raise ValueError(f"{name} must be {expected}; got {value!r}")
    return float(value)


class SGD:
    """Stochastic gradient descent, with optional momentum in [0, 1)."""

    def __init__(self, lr: float = 0.1, momentum: float = 0.0):
        self.lr = real_number(lr, "learning rate", "a finite number > 0",
                              lambda v: v > 0)
        self.momentum = real_number(momentum, "momentum",
                                    "a number in [0, 1)",
                                    lambda v: 0 <= v < 1)
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
