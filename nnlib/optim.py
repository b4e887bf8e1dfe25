"""The optimizers: the only place where parameters change.

Plain gradient descent takes a step against the gradient. With momentum, the
step is a velocity that keeps a fraction of the previous step:

    v <- momentum * v - lr * grad
    param <- param + v

With momentum = 0 this is plain gradient descent, param <- param - lr * grad.
Adam scales each entry's step by a running estimate of that entry's
gradient size (``Adam``).

Weight decay (both optimizers, PyTorch's L2 form) adds
``weight_decay * param`` to the gradient of each parameter that decays
(``decayed_gradient``), before anything else uses it. Which parameters
decay is each layer's declaration (``Layer.decay_names``): the weights.
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


def _weight_decay(value) -> float:
    return real_number(value, "weight_decay", "a finite number >= 0",
                       lambda v: v >= 0)


def decayed_gradient(param, weight_decay: float) -> np.ndarray:
    """The gradient an optimizer steps with: dL/d(param), plus
    ``weight_decay * param`` when the parameter decays (``param.decays``:
    weights do, biases and BatchNorm's gamma and beta do not).

    That is the gradient of L + (weight_decay / 2) * ||w||^2: an L2
    penalty that pulls every weight towards 0.
    """
    if param.grad is None:
        raise ValueError(f"no gradient for {param.name!r}: "
                         "call backward() first")
    if param.decays and weight_decay:
        return param.grad + weight_decay * param.value
    return param.grad


class SGD:
    """Stochastic gradient descent, with optional momentum in [0, 1) and
    weight decay."""

    def __init__(self, lr: float = 0.1, momentum: float = 0.0,
                 weight_decay: float = 0.0):
        self.lr = real_number(lr, "learning rate", "a finite number > 0",
                              lambda v: v > 0)
        self.momentum = real_number(momentum, "momentum",
                                    "a number in [0, 1)",
                                    lambda v: 0 <= v < 1)
        self.weight_decay = _weight_decay(weight_decay)
        self.velocity = {}  # id(param array) -> its last step

    def step(self, params) -> None:
        """Update each parameter in place from its gradient.

        ``params``: ``model.parameters()`` (or a layer's), each with the
        gradient the last backward stored.
        """
        for param in params:
            grad = decayed_gradient(param, self.weight_decay)
            if self.momentum == 0:
                param.value[...] -= self.lr * grad
                continue
            velocity = self.velocity.get(id(param.value))
            if velocity is None:
                velocity = np.zeros_like(param.value)
                self.velocity[id(param.value)] = velocity
            velocity *= self.momentum
            velocity -= self.lr * grad
            param.value[...] += velocity

    def __repr__(self) -> str:
        return (f"SGD(lr={self.lr:g}, momentum={self.momentum:g}, "
                f"weight_decay={self.weight_decay:g})")


class Adam:
    """Adam (Kingma and Ba, 2015), as PyTorch's ``torch.optim.Adam``.

    For each parameter entry, with gradient grad at step = 1, 2, ...:

        s <- beta1 * s + (1 - beta1) * grad       first moment (mean of grad)
        r <- beta2 * r + (1 - beta2) * grad**2    second moment (of grad**2)
        s_hat = s / (1 - beta1**step)             bias corrections: s and r
        r_hat = r / (1 - beta2**step)             start at 0
        param <- param - lr * s_hat / (sqrt(r_hat) + eps)

    ``weight_decay`` adds weight_decay * param to grad first (L2, not
    AdamW).
    """

    def __init__(self, lr: float = 1e-3, betas=(0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0):
        self.lr = real_number(lr, "learning rate", "a finite number > 0",
                              lambda v: v > 0)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError("betas must be a pair (beta1, beta2) of numbers "
                             f"in [0, 1); got {betas!r}")
        self.betas = tuple(
            real_number(beta, f"betas[{i}]", "a number in [0, 1)",
                        lambda v: 0 <= v < 1)
            for i, beta in enumerate(betas))
        self.eps = real_number(eps, "eps", "a finite number > 0",
                               lambda v: v > 0)
        self.weight_decay = _weight_decay(weight_decay)
        self.state = {}  # id(param array) -> [step, s, r]

    def step(self, params) -> None:
        """Update each parameter in place from its gradient (see the class
        docstring for the rule)."""
        beta1, beta2 = self.betas
        for param in params:
            grad = decayed_gradient(param, self.weight_decay)
            state = self.state.get(id(param.value))
            if state is None:
                state = [0, np.zeros_like(param.value),
                         np.zeros_like(param.value)]
                self.state[id(param.value)] = state
            state[0] += 1
            step, s, r = state
            s *= beta1
            s += (1 - beta1) * grad
            r *= beta2
            r += (1 - beta2) * grad**2
            s_hat = s / (1 - beta1**step)
            r_hat = r / (1 - beta2**step)
            param.value[...] -= self.lr * s_hat / (np.sqrt(r_hat) + self.eps)

    def __repr__(self) -> str:
        return (f"Adam(lr={self.lr:g}, betas={self.betas}, eps={self.eps:g}, "
                f"weight_decay={self.weight_decay:g})")
