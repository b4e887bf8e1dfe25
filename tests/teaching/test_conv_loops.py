"""nnlib.teaching.conv_loops: the chapter's slow loops compute what Conv2d computes."""

import numpy as np
import pytest

from nnlib import Conv2d, gradcheck
from nnlib.teaching.conv_loops import conv2d_backward_loops, conv2d_loops


@pytest.mark.parametrize("c_in, c_out, k, stride, padding, shape", [
    (1, 2, 3, 1, 0, (6, 6)), (2, 3, 3, 1, 1, (5, 7)), (3, 2, 2, 2, 0, (8, 8)),
    (2, 2, 4, 3, 2, (9, 10)),
])
def test_loops_agree_with_conv2d(c_in, c_out, k, stride, padding, shape):
    rng = np.random.default_rng(k + stride)
    layer = Conv2d(c_in, c_out, k, stride=stride, padding=padding, rng=0)
    layer.b[...] = rng.normal(size=c_out)
    x = rng.normal(size=(2, c_in, *shape))
    z = layer.forward(x)
    assert gradcheck.rel_error(conv2d_loops(x, layer.w, layer.b, stride, padding), z) < 1e-12
    grad = rng.normal(size=z.shape)
    dx = layer.backward(grad)
    for ours, theirs in zip(conv2d_backward_loops(x, layer.w, grad, stride, padding),
                            (dx, layer.dw, layer.db), strict=True):
        assert ours.shape == theirs.shape
        assert gradcheck.rel_error(ours, theirs) < 1e-12


def test_loops_keep_float32():
    x = np.ones((1, 1, 4, 4), np.float32)
    w, b = np.ones((1, 1, 3, 3), np.float32), np.zeros(1, np.float32)
    assert conv2d_loops(x, w, b).dtype == np.float32
    assert all(a.dtype == np.float32 for a in conv2d_backward_loops(x, w, np.ones((1, 1, 2, 2),
                                                                                  np.float32)))
