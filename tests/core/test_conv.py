"""nnlib.layers.conv: Conv2d agrees with PyTorch's conv2d (values stored by
tests/references/make_conv_references.py), passes gradient checks for every
configuration, keeps float32, and says clearly what is wrong with its input."""

from pathlib import Path

import numpy as np
import pytest

from nnlib import CallOrderError, Conv2d, gradcheck
from nnlib.layers.conv import col2im, im2col, output_size

REFERENCES = np.load(Path(__file__).parents[1] / "references" / "conv_references.npz")
CONFIGS = sorted({key.split("_")[0] for key in REFERENCES.files if key.startswith("conv")})
TOLERANCE = 1e-6


def reference(name):
    return {key.split("_", 1)[1]: REFERENCES[key] for key in REFERENCES.files
            if key.startswith(name + "_")}


def layer_for(ref) -> Conv2d:
    _, c_in, c_out, _, _, k, s, p = (int(v) for v in ref["config"])
    layer = Conv2d(c_in, c_out, k, stride=s, padding=p)
    layer.w[...], layer.b[...] = ref["w"], ref["b"]
    return layer


def test_at_least_five_configurations_of_stride_padding_channels_and_kernel():
    configs = np.array([reference(name)["config"] for name in CONFIGS])
    assert len(configs) >= 5
    for column in (1, 2, 5, 6, 7):  # C_in, C_out, K, stride, padding all vary
        assert len(set(configs[:, column])) >= 3


@pytest.mark.parametrize("name", CONFIGS)
def test_agrees_with_pytorch_forward_and_backward(name):
    ref = reference(name)
    layer = layer_for(ref)
    z = layer.forward(ref["x"])
    assert z.shape == ref["z"].shape
    assert gradcheck.rel_error(z, ref["z"]) <= TOLERANCE
    dx = layer.backward(ref["g"])
    for ours, theirs in ((dx, ref["dx"]), (layer.dw, ref["dw"]), (layer.db, ref["db"])):
        assert ours.shape == theirs.shape
        assert gradcheck.rel_error(ours, theirs) <= TOLERANCE


@pytest.mark.parametrize("name", CONFIGS)
def test_gradients_match_the_numerical_gradient(name):
    ref = reference(name)
    errors = gradcheck.check_layer(layer_for(ref), ref["x"])
    assert set(errors) == {"x", "w", "b"}
    assert max(errors.values()) <= TOLERANCE, errors


def slow_conv(x, w, b, stride, padding):
    """The definition, one output number at a time."""
    k = w.shape[2]
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    h_out = (x.shape[2] - k) // stride + 1
    w_out = (x.shape[3] - k) // stride + 1
    z = np.zeros((len(x), len(w), h_out, w_out))
    for n, o, i, j in np.ndindex(z.shape):
        window = x[n, :, i * stride:i * stride + k, j * stride:j * stride + k]
        z[n, o, i, j] = (window * w[o]).sum() + b[o]
    return z


def test_forward_is_the_definition():
    rng = np.random.default_rng(1)
    layer = Conv2d(2, 3, 3, stride=2, padding=1, rng=0)
    layer.b[...] = rng.normal(size=3)
    x = rng.normal(size=(2, 2, 7, 6))
    np.testing.assert_allclose(layer.forward(x), slow_conv(x, layer.w, layer.b, 2, 1),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("k, s, p", [(3, 1, 0), (3, 1, 1), (2, 2, 0), (3, 2, 1), (4, 3, 2)])
def test_col2im_is_the_transpose_of_im2col(k, s, p):
    # <im2col(x), c> = <x, col2im(c)> for every x and c: col2im is im2col's adjoint,
    # which is what backward needs
    rng = np.random.default_rng(k * 10 + s)
    x = rng.normal(size=(2, 3, 7, 8))
    cols = im2col(x, k, s, p)
    assert cols.shape == (2, 3 * k * k, output_size(7, k, s, p) * output_size(8, k, s, p))
    c = rng.normal(size=cols.shape)
    back = col2im(c, x.shape, k, s, p)
    assert back.shape == x.shape
    assert abs((cols * c).sum() - (x * back).sum()) < 1e-10 * abs((cols * c).sum())


def test_output_size_is_pytorchs_formula():
    assert output_size(8, 3, 1, 1) == 8
    assert output_size(8, 3) == 6
    assert output_size(9, 3, 2, 1) == 5  # floor((9 + 2 - 3) / 2) + 1
    assert output_size(7, 3, 3) == 2  # the last row is in no window
    with pytest.raises(ValueError, match=r"kernel \(5 x 5\) is larger than the input: its "
                                         r"height is 2, 4 with padding 1"):
        output_size(2, 5, 1, 1)


def test_param_backward_stores_the_same_gradients_without_dx():
    rng = np.random.default_rng(2)
    x, grad = rng.normal(size=(3, 2, 6, 5)), rng.normal(size=(3, 4, 6, 5))
    full, skip = Conv2d(2, 4, 3, padding=1, rng=0), Conv2d(2, 4, 3, padding=1, rng=0)
    full.forward(x)
    skip.forward(x)
    assert full.backward(grad).shape == x.shape
    assert skip.param_backward(grad) is None
    np.testing.assert_array_equal(skip.dw, full.dw)
    np.testing.assert_array_equal(skip.db, full.db)


@pytest.mark.parametrize("layer_dtype", [np.float32, np.float64])
def test_float32_stays_float32(layer_dtype):
    layer = Conv2d(2, 3, 3, padding=1, rng=0, dtype=layer_dtype)
    x = np.random.default_rng(0).normal(size=(2, 2, 5, 5)).astype(np.float32)
    z = layer.forward(x)
    assert z.dtype == np.float32
    assert layer.backward(np.ones_like(z)).dtype == np.float32
    # the gradients come from float32 numbers, as Linear's do; w keeps its dtype
    assert layer.dw.dtype == layer.db.dtype == np.float32
    assert layer.w.dtype == layer_dtype


def test_he_initialisation_seeded_and_biases_zero():
    layer = Conv2d(16, 64, 3, rng=3)
    assert layer.w.shape == (64, 16, 3, 3) and layer.b.shape == (64,)
    assert abs(layer.w.std() / np.sqrt(2 / (16 * 9)) - 1) < 0.05
    assert not layer.b.any()
    np.testing.assert_array_equal(layer.w, Conv2d(16, 64, 3, rng=3).w)
    assert not np.array_equal(layer.w, Conv2d(16, 64, 3, rng=4).w)
    xavier = Conv2d(16, 64, 3, rng=3, init="xavier")
    assert abs(xavier.w.std() / np.sqrt(2 / (16 * 9 + 64 * 9)) - 1) < 0.05


def test_weight_decay_shrinks_the_filters_not_the_biases():
    decays = {param.name: param.decays for param in Conv2d(1, 2, 3).parameters()}
    assert decays == {"w": True, "b": False}


def test_repr():
    assert repr(Conv2d(1, 16, 3, padding=1)) == "Conv2d(1, 16, 3, padding=1)"
    assert repr(Conv2d(2, 4, 5, stride=2)) == "Conv2d(2, 4, 5, stride=2)"
    assert repr(Conv2d(2, 4, 1)) == "Conv2d(2, 4, 1)"


# --- Clear errors -----------------------------------------------------------------------


@pytest.mark.parametrize("x, message", [
    (np.ones((5, 64)), r"x must be 4-D with shape \(batch, channels, height, width\); got "
                       r"shape \(5, 64\) \(rows of 64 pixels\? as images of one channel: "
                       r"x.reshape\(-1, 1, 8, 8\)\)"),
    (np.ones((5, 8, 8)), r"x must be 4-D.*got shape \(5, 8, 8\) \(images of one channel\? "
                         r"add the channel axis: x\[:, None\]\)"),
    (np.ones((5, 3, 8, 8)), r"x must have 2 channels; got shape \(5, 3, 8, 8\)"),
    (np.ones((0, 2, 8, 8)), r"x must have at least one row; got shape \(0, 2, 8, 8\)"),
    (np.ones((1, 2, 1, 8)), r"the kernel \(3 x 3\) is larger than the input: its height is "
                            r"1, 1 with padding 0"),
    (np.ones((1, 2, 8, 2)), r"kernel \(3 x 3\) is larger than the input: its width is 2"),
    (np.full((1, 2, 3, 3), np.nan), r"x must be finite; got nan at index \(0, 0, 0, 0\)"),
])
def test_bad_input(x, message):
    with pytest.raises(ValueError, match=message):
        Conv2d(2, 4, 3).forward(x)


def test_non_numeric_input():
    with pytest.raises(TypeError, match="x must hold real numbers"):
        Conv2d(1, 1, 1).forward(np.full((1, 1, 2, 2), "a"))


@pytest.mark.parametrize("kwargs, message", [
    (dict(in_channels=0, out_channels=2, kernel_size=3), "in_channels must be a positive "
                                                         "integer; got 0"),
    (dict(in_channels=1, out_channels=2.0, kernel_size=3), "out_channels must be a positive "
                                                           "integer; got 2.0"),
    (dict(in_channels=1, out_channels=2, kernel_size=0), "kernel_size must be a positive"),
    (dict(in_channels=1, out_channels=2, kernel_size=3, stride=0), "stride must be a positive"),
    (dict(in_channels=1, out_channels=2, kernel_size=3, padding=-1),
     "padding must be a non-negative integer; got -1"),
    (dict(in_channels=1, out_channels=2, kernel_size=True), "kernel_size must be a positive"),
    (dict(in_channels=1, out_channels=2, kernel_size=3, init="zeros"), "init must be one of"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Conv2d(**kwargs)


def test_backward_before_forward_and_grad_of_the_wrong_shape():
    layer = Conv2d(1, 2, 3)
    with pytest.raises(CallOrderError, match=r"Conv2d.backward\(\) called before forward"):
        layer.backward(np.ones((1, 2, 4, 4)))
    layer.forward(np.ones((1, 1, 6, 6)))
    with pytest.raises(ValueError, match=r"expects grad of shape \(1, 2, 4, 4\).*got "
                                         r"\(1, 2, 6, 6\)"):
        layer.backward(np.ones((1, 2, 6, 6)))
