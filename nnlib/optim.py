"""Stochastic gradient descent: the only place where parameters change."""

import math


class SGD:
    """Plain gradient descent: param <- param - lr * dparam, every layer."""

    def __init__(self, lr: float = 0.1):
        if (not isinstance(lr, (int, float)) or not math.isfinite(lr)
                or lr <= 0):
            raise ValueError(
                f"learning rate must be a finite number > 0; got {lr!r}")
        self.lr = float(lr)

    def step(self, layers) -> None:
        """Update each layer's parameters in place from the gradients
        backward stored."""
        for layer in layers:
            for name in layer.param_names:
                grad = getattr(layer, "d" + name)
                if grad is None:
                    raise ValueError(
                        f"{layer!r} has no gradient for {name!r}: "
                        "call backward() first"
                    )
                getattr(layer, name)[...] -= self.lr * grad
