"""Dropout: PyTorch's definition (same mask), the gradient check with the mask held,
seeded masks, evaluation mode, float32, clear errors."""

from pathlib import Path

import numpy as np
import pytest

from nnlib import Dropout
from nnlib.gradcheck import check_layer, rel_error

REFS = np.load(Path(__file__).parents[1] / "references" / "regularisation_torch.npz")


def test_agrees_with_pytorch_given_its_mask():
    p = float(REFS["dropout_p"])
    layer = Dropout(p)
    layer.mask = REFS["dropout_keep"] / (1 - p)  # PyTorch's mask, fed to nnlib
    layer.hold_mask = True
    out = layer.forward(REFS["dropout_x"])
    dx = layer.backward(REFS["dropout_upstream"])
    assert rel_error(out, REFS["dropout_out"]) <= 1e-6
    assert rel_error(dx, REFS["dropout_dx"]) <= 1e-6


def test_gradient_check_with_the_mask_held():
    x = np.random.default_rng(1).normal(size=(5, 7))
    layer = Dropout(0.4, rng=3)
    layer.forward(x)  # draws a mask
    mask = layer.mask.copy()
    layer.hold_mask = True
    errors = check_layer(layer, x)
    assert errors["x"] <= 1e-6, errors
    np.testing.assert_array_equal(layer.mask, mask)  # held through every nudge


def test_the_mask_zeroes_with_probability_p_and_scales_the_rest():
    p = 0.25
    layer = Dropout(p, rng=0)
    out = layer.forward(np.ones((400, 50)))
    dropped = (out == 0).mean()
    assert abs(dropped - p) < 0.01, dropped
    np.testing.assert_allclose(out[out != 0], 1 / (1 - p))
    assert abs(out.mean() - 1) < 0.02  # the expected value is kept


def test_same_seed_same_masks_and_a_new_mask_every_call():
    x = np.ones((4, 6))
    first, second = Dropout(0.5, rng=7), Dropout(0.5, rng=7)
    masks = [(first.forward(x), second.forward(x)) for _ in range(3)]
    for a, b in masks:
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(masks[0][0], masks[1][0])


def test_evaluation_mode_is_the_identity_forward_and_backward():
    layer = Dropout(0.5)
    layer.training = False
    x = np.random.default_rng(0).normal(size=(3, 4))
    np.testing.assert_array_equal(layer.forward(x), x)
    np.testing.assert_array_equal(layer.backward(2 * x), 2 * x)


def test_p_zero_keeps_everything():
    x = np.random.default_rng(0).normal(size=(3, 4))
    np.testing.assert_array_equal(Dropout(0).forward(x), x)


def test_evaluation_forward_does_not_drop_a_held_mask():
    layer = Dropout(0.5, rng=0)
    x = np.ones((2, 3))
    layer.forward(x)
    layer.hold_mask = True
    held = layer.mask.copy()
    layer.training = False
    layer.forward(x)
    layer.training = True
    np.testing.assert_array_equal(layer.forward(x), held)


def test_float32_is_kept():
    layer = Dropout(0.5)
    x = np.ones((3, 4), np.float32)
    assert layer.forward(x).dtype == np.float32
    assert layer.backward(x).dtype == np.float32


@pytest.mark.parametrize("p", [-0.1, 1, 1.5, float("nan"), True, "0.5", None])
def test_p_outside_zero_one_is_refused(p):
    with pytest.raises(ValueError, match=r"p \(the probability of dropping a unit\) must be "
                                         r"a number in \[0, 1\); got"):
        Dropout(p)


def test_a_held_mask_of_another_shape_is_refused():
    layer = Dropout(0.5)
    layer.forward(np.ones((2, 3)))
    layer.hold_mask = True
    with pytest.raises(ValueError, match=r"hold_mask is on, but the held mask has shape "
                                         r"\(2, 3\) and x has shape \(4, 3\)"):
        layer.forward(np.ones((4, 3)))


def test_backward_before_forward_and_a_wrong_grad_shape():
    layer = Dropout(0.5)
    with pytest.raises(ValueError, match=r"Dropout.backward\(\) called before forward\(\)"):
        layer.backward(np.ones((2, 3)))
    layer.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"expects grad of shape \(2, 3\)"):
        layer.backward(np.ones((3, 2)))
