"""nnlib.layers.pooling: MaxPool2d agrees with PyTorch's max_pool2d (values stored by
tests/references/make_conv_references.py), passes gradient checks on inputs without ties,
breaks ties by a stated rule, keeps float32 and explains bad input."""

from pathlib import Path

import numpy as np
import pytest

from nnlib import CallOrderError, MaxPool2d, gradcheck

REFERENCES = np.load(Path(__file__).parents[1] / "references" / "conv_references.npz")
CONFIGS = sorted({key.split("_")[0] for key in REFERENCES.files if key.startswith("pool")})
TOLERANCE = 1e-6


def reference(name):
    return {key.removeprefix(name + "_"): REFERENCES[key] for key in REFERENCES.files
            if key.startswith(name + "_")}


def pool_for(ref) -> MaxPool2d:
    *_, k, s = (int(v) for v in ref["config"])
    return MaxPool2d(k, s)


def test_at_least_five_configurations():
    configs = np.array([reference(name)["config"] for name in CONFIGS])
    assert len(configs) >= 5
    assert len(set(configs[:, 4])) >= 2 and len(set(configs[:, 5])) >= 3
    assert (configs[:, 5] < configs[:, 4]).any()  # overlapping windows among them


@pytest.mark.parametrize("name", [*CONFIGS, "ties", "ties_overlap"])
def test_agrees_with_pytorch_forward_and_backward(name):
    ref = reference(name)
    pool = pool_for(ref)
    z = pool.forward(ref["x"])
    assert z.shape == ref["z"].shape
    assert gradcheck.rel_error(z, ref["z"]) <= TOLERANCE
    dx = pool.backward(ref["g"])
    assert dx.shape == ref["x"].shape
    # with ties too: PyTorch also gives the gradient to the first maximum
    assert gradcheck.rel_error(dx, ref["dx"]) <= TOLERANCE


@pytest.mark.parametrize("name", CONFIGS)
def test_gradients_match_the_numerical_gradient(name):
    ref = reference(name)  # normal random inputs: no ties
    assert gradcheck.check_layer(pool_for(ref), ref["x"])["x"] <= TOLERANCE


def test_ties_go_to_the_first_maximum_in_row_major_order():
    x = np.array([[[[1.0, 5.0, 5.0, 0.0],
                    [5.0, 2.0, 3.0, 5.0],
                    [4.0, 4.0, 7.0, 7.0],
                    [4.0, 4.0, 7.0, 7.0]]]])
    pool = MaxPool2d(2)
    np.testing.assert_array_equal(pool.forward(x), [[[[5, 5], [4, 7]]]])
    dx = pool.backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]))
    np.testing.assert_array_equal(dx, [[[[0, 1, 2, 0],   # the top row's 5 comes first
                                         [0, 0, 0, 0],
                                         [3, 0, 4, 0],   # the top-left of four equal
                                         [0, 0, 0, 0]]]])


def test_overlapping_windows_add_up_at_a_shared_maximum():
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 1.0  # the centre is the maximum of all four 2 x 2 windows
    pool = MaxPool2d(2, stride=1)
    np.testing.assert_array_equal(pool.forward(x), np.ones((1, 1, 2, 2)))
    dx = pool.backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]))
    assert dx[0, 0, 1, 1] == 10 and dx.sum() == 10


def test_float32_stays_float32():
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 4)).astype(np.float32)
    pool = MaxPool2d(2)
    z = pool.forward(x)
    assert z.dtype == np.float32
    assert pool.backward(np.ones_like(z)).dtype == np.float32


def test_stride_defaults_to_the_kernel_size_and_repr():
    assert MaxPool2d(3).stride == 3
    assert repr(MaxPool2d(2)) == "MaxPool2d(2)"
    assert repr(MaxPool2d(3, stride=1)) == "MaxPool2d(3, stride=1)"


@pytest.mark.parametrize("x, message", [
    (np.ones((2, 16)), r"x must be 4-D with shape \(batch, channels, height, width\); got "
                       r"shape \(2, 16\) \(rows of 16 pixels\? as images of one channel: "
                       r"x.reshape\(-1, 1, 4, 4\)\)"),
    (np.ones((1, 1, 1, 4)), r"the kernel \(2 x 2\) is larger than the input: its height is 1"),
    (np.ones((1, 1, 4, 1)), r"kernel \(2 x 2\) is larger than the input: its width is 1"),
])
def test_bad_input(x, message):
    with pytest.raises(ValueError, match=message):
        MaxPool2d(2).forward(x)


@pytest.mark.parametrize("args, message", [
    ((0,), "kernel_size must be a positive integer; got 0"),
    ((2, 0), "stride must be a positive integer; got 0"),
    ((2.5,), "kernel_size must be a positive integer; got 2.5"),
])
def test_bad_arguments(args, message):
    with pytest.raises(ValueError, match=message):
        MaxPool2d(*args)


def test_backward_before_forward():
    with pytest.raises(CallOrderError, match=r"MaxPool2d.backward\(\) called before forward"):
        MaxPool2d(2).backward(np.ones((1, 1, 2, 2)))
