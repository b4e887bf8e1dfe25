"""Every layer and loss agrees with central differences, and the three softmax paths agree."""

import numpy as np
import pytest

from nnlib import CrossEntropy, Linear, Model, Softmax, SoftmaxCrossEntropy, gradcheck, mlp
from nnlib.teaching.article_mistakes import ReturnsDW

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


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_whole_model_gradients(rng, activation):
    model = mlp(2, [5, 4], 3, activation=activation, rng=0)
    for layer in model.layers[::2]:  # nonzero biases keep ReLU units off their kink at 0
        layer.b[...] = rng.normal(size=layer.b.shape) * 0.1
    errors = gradcheck.check_model(model, rng.normal(size=(6, 2)), rng.integers(0, 3, 6))
    assert set(errors) == {f"layers[{i}].{p}" for i in (0, 2, 4) for p in "wb"}
    assert max(errors.values()) < TOLERANCE, errors


def test_check_model_detects_a_layer_that_passes_dw_down(rng):
    # the article's last Linear.backward, which the book trains in chapters 5 and 99
    model = Model([Linear(3, 3, rng=0), ReturnsDW(3, 3, rng=1)])
    errors = gradcheck.check_model(model, rng.normal(size=(3, 3)), np.array([0, 1, 2]))
    assert errors["layers[0].w"] > 0.01 and errors["layers[1].w"] < TOLERANCE


def test_check_model_names_a_layer_without_gradient(rng):
    class NoGradient(Linear):
        def backward(self, grad, **kwargs):
            return grad @ self.w.T  # forgets to store dw and db

    model = Model([Linear(2, 2, rng=1), NoGradient(2, 2, rng=0)])
    with pytest.raises(ValueError, match=r"layers\[1\].w: backward stored no gradient"):
        gradcheck.check_model(model, rng.normal(size=(3, 2)), np.array([0, 1, 0]))
