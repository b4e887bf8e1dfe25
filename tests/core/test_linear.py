"""nnlib.layers.linear: Linear's gradients and its argument checks."""

import pytest

from nnlib import (
    Linear,
    gradcheck,
)

TOLERANCE = 1e-7


def test_linear_gradients(rng):
    errors = gradcheck.check_layer(Linear(4, 3, rng=1), rng.normal(size=(5, 4)))
    assert set(errors) == {"x", "w", "b"}
    assert max(errors.values()) < TOLERANCE, errors


@pytest.mark.parametrize("kwargs, message", [
    (dict(in_features=0, out_features=2), "in_features must be a positive integer; got 0"),
    (dict(in_features=2, out_features=2.5), "out_features must be a positive integer; got 2.5"),
    (dict(in_features=2, out_features=2, init="zeros"), "init must be one of"),
])
def test_bad_linear_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Linear(**kwargs)
