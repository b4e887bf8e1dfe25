"""nnlib.losses: cross-entropy standalone and fused, their gradients and their stability."""

import numpy as np
import pytest

from nnlib import (
    CrossEntropy,
    Softmax,
    SoftmaxCrossEntropy,
    gradcheck,
)

TOLERANCE = 1e-7


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


def test_huge_logits_give_finite_fused_loss_and_gradient():
    loss = SoftmaxCrossEntropy()
    value = loss.forward(np.array([[1e4, -1e4], [-1e4, 1e4]]), np.array([1, 1]))
    grad = loss.backward()
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    assert value == pytest.approx(1e4, rel=1e-12)  # the first row is wrong by 2e4, halved
    np.testing.assert_allclose(grad, [[0.5, -0.5], [0, 0]])


def test_zero_probabilities_give_finite_cross_entropy():
    loss = CrossEntropy()
    value = loss.forward(np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([0, 0]))
    grad = loss.backward()
    assert np.isfinite(value) and value > 10  # a confident wrong answer costs a lot
    assert np.all(np.isfinite(grad))
