"""Every layer and loss agrees with central differences, and the three softmax paths agree."""

import numpy as np
import pytest

from nnlib import CrossEntropy, Linear, Softmax, SoftmaxCrossEntropy, gradcheck

TOLERANCE = 1e-7


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_linear_gradients(rng):
    errors = gradcheck.check_layer(Linear(4, 3, rng=1), rng.normal(size=(5, 4)))
    assert set(errors) == {"x", "w", "b"}
    assert max(errors.values()) < TOLERANCE, errors


def test_softmax_gradient(rng):
    errors = gradcheck.check_layer(Softmax(), rng.normal(size=(6, 4)))
    assert errors["x"] < TOLERANCE, errors


def test_cross_entropy_gradient(rng):
    probs = rng.uniform(0.1, 1.0, size=(6, 3))
    probs /= probs.sum(axis=1, keepdims=True)
    assert gradcheck.check_loss(CrossEntropy(), probs, rng.integers(0, 3, 6)) < TOLERANCE


def test_fused_gradient(rng):
    logits = rng.normal(size=(7, 4)) * 3
    assert gradcheck.check_loss(SoftmaxCrossEntropy(), logits, rng.integers(0, 4, 7)) < TOLERANCE


def test_fused_equals_softmax_then_cross_entropy(rng):
    logits, labels = rng.normal(size=(8, 5)) * 2, rng.integers(0, 5, 8)
    fused = SoftmaxCrossEntropy()
    fused_loss = fused.forward(logits, labels)
    softmax, cross_entropy = Softmax(), CrossEntropy()
    chained_loss = cross_entropy.forward(softmax.forward(logits), labels)
    assert fused_loss == pytest.approx(chained_loss, rel=1e-12)
    chained = softmax.backward(cross_entropy.backward())
    assert np.max(np.abs(fused.backward() - chained)) < 1e-10


def test_fused_equals_explicit_jacobian_product(rng):
    logits, labels = rng.normal(size=(8, 5)), rng.integers(0, 5, 8)
    fused = SoftmaxCrossEntropy()
    fused.forward(logits, labels)
    softmax, cross_entropy = Softmax(), CrossEntropy()
    cross_entropy.forward(softmax.forward(logits), labels)
    upstream = cross_entropy.backward()
    via_jacobian = np.einsum("bij,bi->bj", softmax.jacobian(), upstream)
    assert np.max(np.abs(fused.backward() - via_jacobian)) < 1e-10


def test_fused_gradient_is_probs_minus_onehot_over_batch():
    # The article's worked example: p = (0.2, 0.3, 0.5), label 2 -> (0.2, 0.3, -0.5).
    fused = SoftmaxCrossEntropy()
    fused.forward(np.log([[0.2, 0.3, 0.5]]), np.array([2]))
    np.testing.assert_allclose(fused.backward(), [[0.2, 0.3, -0.5]], atol=1e-12)


def test_jacobian_shape_and_values(rng):
    softmax = Softmax()
    p = softmax.forward(rng.normal(size=(3, 4)))
    jacobian = softmax.jacobian()
    assert jacobian.shape == (3, 4, 4)
    for b in range(3):
        np.testing.assert_allclose(jacobian[b], np.diag(p[b]) - np.outer(p[b], p[b]), atol=1e-15)


def test_gradcheck_detects_a_wrong_backward(rng):
    class Doubled(Linear):
        def backward(self, grad):
            return 2 * super().backward(grad)

    errors = gradcheck.check_layer(Doubled(3, 2), rng.normal(size=(4, 3)))
    assert errors["x"] > 0.1
