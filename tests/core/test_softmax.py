"""nnlib.layers.softmax: the layer's gradient, its Jacobian, its stability."""

import numpy as np

from nnlib import (
    Softmax,
    gradcheck,
)

TOLERANCE = 1e-7


def test_softmax_gradient(rng):
    errors = gradcheck.check_layer(Softmax(), rng.normal(size=(6, 4)))
    assert errors["x"] < TOLERANCE, errors


def test_jacobian_shape_and_values(rng):
    softmax = Softmax()
    p = softmax.forward(rng.normal(size=(3, 4)))
    jacobian = softmax.jacobian()
    assert jacobian.shape == (3, 4, 4)
    for b in range(3):
        np.testing.assert_allclose(jacobian[b], np.diag(p[b]) - np.outer(p[b], p[b]), atol=1e-15)


def test_huge_logits_through_softmax_layer():
    softmax = Softmax()
    probs = softmax.forward(np.array([[1e4, -1e4, 0.0]]))
    assert np.all(np.isfinite(softmax.backward(np.ones_like(probs))))
    assert np.all(np.isfinite(softmax.jacobian()))
