"""Inverted dropout: in training, zero each unit with probability p and
scale the survivors by 1 / (1 - p); in evaluation, pass x through.

The scale keeps every unit's expected value: a unit survives with
probability 1 - p and is then multiplied by 1 / (1 - p), so on average it
is itself. Evaluation therefore needs no correction.
"""

import numpy as np

from nnlib.checks import checked_backward, checked_forward
from nnlib.init import make_rng
from nnlib.layer import Layer
from nnlib.optim import real_number


class Dropout(Layer):
    """Drop each entry of x: (B, H) with probability ``p`` in training.

    ``rng`` (an int seed, a Generator or None: seed 0) draws the masks, so
    the same seed gives the same masks. ``mask`` is the last mask, entries
    0 or 1 / (1 - p). With ``hold_mask = True``, forward reuses ``mask``
    instead of drawing a new one: a gradient check needs the same function
    at every nudge. (Setting ``mask`` by hand and holding it feeds a mask
    from elsewhere, e.g. PyTorch's.)
    """

    def __init__(self, p: float, *, rng=None):
        self.p = real_number(p, "p (the probability of dropping a unit)",
                             "a number in [0, 1)", lambda v: 0 <= v < 1)
        self.rng = make_rng(rng)
        self.mask = None
        self.hold_mask = False
        self.applied = None  # the mask the last forward used (None: none)

    @checked_forward
    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (B, H) -> same shape: x * mask in training, x in
        evaluation."""
        if not self.training:
            self.applied = None  # backward passes grad through unchanged
            return x
        if not self.hold_mask or self.mask is None:
            keep = self.rng.random(x.shape) >= self.p  # True: the unit stays
            self.mask = (keep / (1 - self.p)).astype(x.dtype)
        elif self.mask.shape != x.shape:
            raise ValueError(f"hold_mask is on, but the held mask has shape "
                             f"{self.mask.shape} and x has shape {x.shape}")
        self.applied = self.mask
        return x * self.mask

    @checked_backward
    def backward(self, grad: np.ndarray) -> np.ndarray:
        """dL/d(output): (B, H) -> dL/dx: (B, H), the same mask."""
        return grad if self.applied is None else grad * self.applied

    def __repr__(self) -> str:
        return f"Dropout({self.p:g})"
