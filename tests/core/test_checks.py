"""nnlib.checks: dtypes are kept, and bad input gets a clear error that says what was
expected and what came."""

import numpy as np
import pytest

from nnlib import (
    CallOrderError,
    CrossEntropy,
    Linear,
    Softmax,
    SoftmaxCrossEntropy,
)


@pytest.mark.parametrize("layer", [Linear(3, 2, dtype=np.float32), Softmax()])
def test_float32_stays_float32(layer):
    x = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    out = layer.forward(x)
    assert out.dtype == np.float32
    assert layer.backward(np.ones_like(out)).dtype == np.float32


def test_float32_input_to_float64_layer_stays_float32():
    layer = Linear(3, 2)
    out = layer.forward(np.ones((2, 3), dtype=np.float32))
    assert out.dtype == np.float32 and layer.w.dtype == np.float64


def test_integer_input_becomes_float64():
    assert Linear(2, 2).forward(np.array([[1, 2]])).dtype == np.float64


@pytest.fixture
def fused():
    return SoftmaxCrossEntropy()


LOGITS = np.zeros((3, 2))


@pytest.mark.parametrize("labels, error, message", [
    (np.array([0, 1, 2]), ValueError, r"labels must be integers in \[0, 2\); got 2 at index 2"),
    (np.array([0, -1, 1]), ValueError, r"in \[0, 2\); got -1 at index 1"),
    (np.array([0.0, 1.0, 1.0]), TypeError, r"labels must be integer class indices.*float64"),
    (np.array([0, 1]), ValueError, r"one entry per row: expected 3, got 2"),
    (np.array([[0, 1, 1]]), ValueError, r"labels must be 1-D.*\(1, 3\)"),
])
def test_bad_labels(fused, labels, error, message):
    with pytest.raises(error, match=message):
        fused.forward(LOGITS, labels)
    with pytest.raises(error, match=message):
        CrossEntropy().forward(np.full((3, 2), 0.5), labels)


@pytest.mark.parametrize("x, message", [
    (np.ones((4, 3)), r"x must have 2 columns \(features\); got shape \(4, 3\)"),
    (np.ones(2), r"x must be 2-D with shape \(batch, features\); got shape \(2,\)"),
    (np.ones((1, 2, 2)), r"x must be 2-D.*\(1, 2, 2\)"),
    (np.array([[1.0, np.nan]]), r"x must be finite; got nan at index \(0, 1\)"),
    (np.array([[np.inf, 1.0]]), r"x must be finite; got inf at index \(0, 0\)"),
    (np.ones((0, 2)), r"at least one row"),
])
def test_bad_x(x, message):
    with pytest.raises(ValueError, match=message):
        Linear(2, 2).forward(x)


def test_non_numeric_x():
    with pytest.raises(TypeError, match="x must hold real numbers.*got dtype <U1"):
        Linear(2, 2).forward(np.array([["a", "b"]]))


def test_probabilities_that_are_not_probabilities():
    with pytest.raises(ValueError, match="probs must be probabilities in \\[0, 1\\]"):
        CrossEntropy().forward(np.array([[3.0, -1.0]]), np.array([0]))


@pytest.mark.parametrize("layer, call", [
    (Linear(2, 2), lambda layer: layer.backward(np.ones((1, 2)))),
    (Softmax(), lambda layer: layer.backward(np.ones((1, 2)))),
    (Softmax(), lambda layer: layer.jacobian()),
    (CrossEntropy(), lambda layer: layer.backward()),
    (SoftmaxCrossEntropy(), lambda layer: layer.backward()),
])
def test_backward_before_forward(layer, call):
    with pytest.raises(CallOrderError, match=r"(backward|jacobian)\(\) called before forward\(\)"):
        call(layer)
    with pytest.raises(ValueError):  # CallOrderError is a ValueError too
        call(layer)


def test_grad_of_wrong_shape():
    layer = Linear(2, 3)
    layer.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"expects grad of shape \(4, 3\).*got \(4, 2\)"):
        layer.backward(np.ones((4, 2)))


def test_whole_float_labels_suggest_astype_int():
    with pytest.raises(TypeError, match=r"whole numbers: use labels.astype\(int\)"):
        SoftmaxCrossEntropy().forward(np.zeros((3, 2)), np.array([0.0, 1.0, 1.0]))


def test_fractional_labels_are_not_class_indices():
    with pytest.raises(TypeError, match=r"got 0.5 at index 0: these labels are not class "
                                        r"indices") as caught:
        SoftmaxCrossEntropy().forward(np.zeros((3, 2)), np.array([0.5, 1.0, 1.0]))
    assert "astype" not in str(caught.value)


def test_backward_after_a_failed_forward_is_a_call_order_error():
    loss = SoftmaxCrossEntropy()
    with pytest.raises(ValueError, match="labels must be integers"):
        loss.forward(np.zeros((2, 2)), np.array([0, 5]))
    with pytest.raises(CallOrderError, match=r"(backward|jacobian)\(\) called before forward\(\)"):
        loss.backward()


@pytest.mark.parametrize("dtype", [float, int])
def test_one_hot_labels_suggest_argmax(dtype):
    """One-hot rows are told to use labels.argmax(axis=1), not astype(int), which would
    only lead to a second error about the shape."""
    one_hot_rows = np.eye(2, dtype=dtype)[[0, 1, 1]]
    with pytest.raises((TypeError, ValueError), match=r"labels\.argmax\(axis=1\)") as caught:
        SoftmaxCrossEntropy().forward(np.zeros((3, 2)), one_hot_rows)
    assert "astype(int)" not in str(caught.value)
