"""nnlib.init: seeded weights with the standard deviations of Xavier and He."""

import numpy as np
import pytest

from nnlib.init import init_weights


@pytest.mark.parametrize("init, fan_in, fan_out, std", [
    ("he", 400, 300, np.sqrt(2 / 400)),
    ("xavier", 400, 300, np.sqrt(2 / 700)),
    ("he", 50, 800, np.sqrt(2 / 50)),
])
def test_init_standard_deviations(init, fan_in, fan_out, std):
    w = init_weights(fan_in, fan_out, init=init, rng=0)
    assert w.shape == (fan_in, fan_out)
    assert abs(w.std() / std - 1) < 0.03
    assert abs(w.mean()) < 0.05 * std


def test_init_is_seeded_and_validated():
    np.testing.assert_array_equal(init_weights(3, 4, rng=7), init_weights(3, 4, rng=7))
    assert not np.array_equal(init_weights(3, 4, rng=7), init_weights(3, 4, rng=8))
    with pytest.raises(ValueError, match="init must be one of"):
        init_weights(3, 4, init="uniform")
