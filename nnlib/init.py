"""Seeded weight initialisation (Xavier/Glorot and He/Kaiming)."""

import numpy as np


def make_rng(rng=None) -> np.random.Generator:
    """An int seed, a Generator or None (meaning seed 0) -> a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(0 if rng is None else rng)


def init_std(fan_in: int, fan_out: int, init: str = "xavier") -> float:
    """The standard deviation of the initial weights of a layer.

    - ``"xavier"``: std = sqrt(2 / (fan_in + fan_out)), keeps the variance of
      the signal roughly constant through tanh/sigmoid/linear layers.
    - ``"he"``: std = sqrt(2 / fan_in), compensates for ReLU zeroing half its
      inputs.

    ``fan_in`` is how many inputs each output sums (D for a Linear layer,
    C_in K K for a convolution), ``fan_out`` how many outputs each input
    feeds (C, or C_out K K).
    """
    stds = {"xavier": np.sqrt(2.0 / (fan_in + fan_out)),
            "he": np.sqrt(2.0 / fan_in)}
    if init not in stds:
        raise ValueError(f"init must be one of {sorted(stds)}; got {init!r}")
    return float(stds[init])


def init_weights(fan_in: int, fan_out: int, *, init: str = "xavier",
                 rng=None) -> np.ndarray:
    """A (fan_in, fan_out) float64 weight matrix drawn from a zero-mean
    normal with the standard deviation ``init_std(fan_in, fan_out, init)``.
    """
    std = init_std(fan_in, fan_out, init)
    return make_rng(rng).normal(0.0, std, size=(fan_in, fan_out))
