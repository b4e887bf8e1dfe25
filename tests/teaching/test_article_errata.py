"""One named test per error of the seed article (its code, and one line of its maths).

Each test would fail on the article's version; the book's appendix
(book/99_article_errata.ipynb) lists the errors and refers to these tests by name.
"""

import json
import re

import numpy as np
import pytest

from nnlib import CrossEntropy, Linear, Model, Softmax, SoftmaxCrossEntropy, gradcheck, train
from nnlib import data as nn_data

from conftest import ROOT


# Error 1: the fused layer's indexing of the true class.
def test_fused_loss_picks_true_class_probability():
    probs = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    loss = SoftmaxCrossEntropy().forward(np.log(probs), np.array([2, 0]))
    assert loss == pytest.approx(-(np.log(0.5) + np.log(0.6)) / 2, rel=1e-12)


# Error 2: standalone cross-entropy returned a per-class vector, and an un-averaged gradient.
def test_cross_entropy_is_a_scalar_mean():
    probs = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    loss = CrossEntropy().forward(probs, np.array([2, 0]))
    assert isinstance(loss, float)
    assert loss == pytest.approx(-(np.log(0.5) + np.log(0.6)) / 2, rel=1e-12)


def test_cross_entropy_gradient_matches_mean_loss():
    rng = np.random.default_rng(3)
    probs = rng.uniform(0.2, 1, size=(8, 3))
    probs /= probs.sum(axis=1, keepdims=True)
    labels = rng.integers(0, 3, 8)
    loss = CrossEntropy()
    assert gradcheck.check_loss(loss, probs, labels) < 1e-7
    # The article's gradient, -onehot / p, is batch times too large:
    assert np.allclose(loss.backward() * 8, -np.eye(3)[labels] / probs)


# Error 3: the standalone softmax had no max-subtraction and a wrong einsum contraction.
def test_softmax_is_stable_for_large_logits():
    probs = Softmax().forward(np.array([[1e4, 0.0, -1e4], [800.0, 800.0, 0.0]]))
    assert np.all(np.isfinite(probs))
    np.testing.assert_allclose(probs, [[1, 0, 0], [0.5, 0.5, 0]], atol=1e-12)


def test_softmax_backward_matches_jacobian_product():
    rng = np.random.default_rng(4)
    softmax = Softmax()
    softmax.forward(rng.normal(size=(5, 6)))
    upstream = rng.normal(size=(5, 6))
    expected = np.einsum("bij,bi->bj", softmax.jacobian(), upstream)
    np.testing.assert_allclose(softmax.backward(upstream), expected, atol=1e-12)


# Error 4: Linear.backward took `grad` but read an undefined `prev_grad`.
def test_linear_backward_uses_its_grad_argument():
    layer = Linear(3, 2, rng=0)
    x = np.ones((4, 3))
    layer.forward(x)
    dx_small = layer.backward(np.ones((4, 2)))
    dx_large = layer.backward(10 * np.ones((4, 2)))
    np.testing.assert_allclose(dx_large, 10 * dx_small)
    np.testing.assert_allclose(layer.db, [40, 40])


# Error 5: section 5's Linear.backward returned dW (it computed no dX); both of the
# article's versions updated W and b inside backward.
def test_linear_backward_returns_dx_not_dw():
    rng = np.random.default_rng(5)
    layer = Linear(3, 2, rng=0)
    x, grad = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    layer.forward(x)
    dx = layer.backward(grad)
    assert dx.shape == x.shape == (4, 3)
    np.testing.assert_allclose(dx, grad @ layer.w.T)
    np.testing.assert_allclose(layer.dw, x.T @ grad)


def test_backward_does_not_update_parameters():
    layer = Linear(3, 2, rng=0)
    w, b = layer.w.copy(), layer.b.copy()
    layer.forward(np.ones((4, 3)))
    layer.backward(np.ones((4, 2)))
    np.testing.assert_array_equal(layer.w, w)
    np.testing.assert_array_equal(layer.b, b)


def test_stacked_layers_receive_the_right_gradient():
    # With a dW-returning backward the first layer would get a (3, 4) array, not (5, 4).
    rng = np.random.default_rng(6)
    x, labels = rng.normal(size=(5, 3)), rng.integers(0, 2, 5)
    model = Model([Linear(3, 4, rng=1), Linear(4, 2, rng=2)])
    assert max(gradcheck.check_model(model, x, labels).values()) < 1e-7


# Error 6: np.random.rand initialisation was unseeded and all positive.
def test_same_seed_same_weights():
    np.testing.assert_array_equal(Linear(5, 4, rng=7).w, Linear(5, 4, rng=7).w)
    np.testing.assert_array_equal(Linear(5, 4).w, Linear(5, 4).w)  # None means seed 0
    assert not np.array_equal(Linear(5, 4, rng=7).w, Linear(5, 4, rng=8).w)


def test_init_has_both_signs():
    w = Linear(20, 20, rng=0).w
    assert (w > 0).any() and (w < 0).any()
    assert abs(w.mean()) < 0.1


def test_same_seed_same_training():
    x, labels = nn_data.article_data()
    first = train(Model([Linear(2, 2, rng=3)]), x, labels)
    second = train(Model([Linear(2, 2, rng=3)]), x, labels)
    np.testing.assert_array_equal(first, second)


# Error 8: a slip in the derivation of dL/dz_1 (the y_2 and y_3 terms must be y_2 p_1 + y_3 p_1).
def test_fused_gradient_is_p_minus_y_for_every_label():
    z = np.array([[0.5, -1.0, 2.0]])
    p1, p2, p3 = np.exp(z[0]) / np.exp(z[0]).sum()
    for label in range(3):
        loss = SoftmaxCrossEntropy()
        loss.forward(z, np.array([label]))
        grad = loss.backward()
        numeric = gradcheck.numerical_gradient(
            lambda label=label: SoftmaxCrossEntropy().forward(z, np.array([label])), z)
        assert gradcheck.rel_error(grad, numeric) < 1e-7
        y1, y2, y3 = np.eye(3)[label]
        corrected = -y1 * (p2 + p3) + y2 * p1 + y3 * p1
        articles = -y1 * (p2 + p3) + y2 * p2 + y3 * p3
        assert grad[0, 0] == pytest.approx(corrected, rel=1e-12)
        if label > 0:  # for class 1 the slipped terms vanish
            assert abs(grad[0, 0] - articles) > 0.01


# The appendix and this file name the same tests.
def test_the_appendix_names_exactly_these_tests():
    appendix = ROOT / "book" / "99_article_errata.ipynb"
    text = "".join("".join(cell["source"])
                   for cell in json.loads(appendix.read_text(encoding="utf-8"))["cells"]
                   if cell["cell_type"] == "markdown")
    named = set(re.findall(r"`(test_\w+)`", text))
    here = {name for name in globals() if name.startswith("test_")}
    here.discard("test_the_appendix_names_exactly_these_tests")
    assert named - here == set(), f"the appendix names tests that do not exist: {named - here}"
    assert here - named == set(), f"tests the appendix does not name: {here - named}"
