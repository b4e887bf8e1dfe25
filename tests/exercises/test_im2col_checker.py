"""check_im2col (chapter 11): im2col written in several styles (RIGHT) and the usual
mistakes with a phrase of their diagnosis (WRONG). test_checkers.py runs both tables with
every other checker's."""

import numpy as np
from einops import rearrange
from numpy.lib.stride_tricks import as_strided, sliding_window_view


def pad(x, p):
    return np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))


def im2col(x, kernel_size, padding):
    windows = sliding_window_view(pad(x, padding), (kernel_size, kernel_size), axis=(2, 3))
    return rearrange(windows, "b c h w kh kw -> b (c kh kw) (h w)")


def im2col_strided(x, kernel_size, padding):
    x = pad(x, padding)
    b, c, h, w = x.shape
    k = kernel_size
    h_out, w_out = h - k + 1, w - k + 1
    s = x.strides
    view = as_strided(x, (b, c, k, k, h_out, w_out), (s[0], s[1], s[2], s[3], s[2], s[3]),
                      writeable=False)
    return view.reshape(b, c * k * k, h_out * w_out)


def im2col_loops(x, kernel_size, padding):
    x = pad(x, padding)
    b, c, h, w = x.shape
    k = kernel_size
    h_out, w_out = h - k + 1, w - k + 1
    cols = np.zeros((b, c * k * k, h_out * w_out), dtype=x.dtype)
    for i in range(h_out):
        for j in range(w_out):
            cols[:, :, i * w_out + j] = x[:, :, i:i + k, j:j + k].reshape(b, -1)
    return cols


def im2col_float32(x, kernel_size, padding):
    return im2col(x.astype(np.float32), kernel_size, padding)


RIGHT = [im2col, im2col_strided, im2col_loops, im2col_float32]


def windows(x, k, p, pad_width=None):
    return sliding_window_view(np.pad(x, pad_width if pad_width is not None else
                                      ((0, 0), (0, 0), (p, p), (p, p))), (k, k), axis=(2, 3))


def arranged(columns):
    return lambda x, k, p: rearrange(windows(x, k, p), "b c h w kh kw -> " + columns)


def loops_one_short(x, kernel_size, padding):
    x = pad(x, padding)
    b, c, h, w = x.shape
    k = kernel_size
    cols = [x[:, :, i:i + k, j:j + k].reshape(b, -1)
            for i in range(h - k) for j in range(w - k)]
    return np.stack(cols, axis=-1)


def no_axis(x, kernel_size, padding):
    windows = sliding_window_view(pad(x, padding), (kernel_size, kernel_size))
    return rearrange(windows, "b c h w kh kw -> b (c kh kw) (h w)")


WRONG = [
    (arranged("b (h w) (c kh kw)"), "each window is a row, not a column"),
    (arranged("b (kh kw c) (h w)"), "the channel comes last in each column"),
    (arranged("b (c kw kh) (h w)"), "read column by column, (c kw kh)"),
    (arranged("b (c kh kw) (w h)"), "the output pixels run column by column"),
    (arranged("(c kh kw) (b h w)"), "the batch was merged into the columns"),
    (lambda x, k, p: windows(x, k, p).reshape(len(x), -1, np.prod(windows(x, k, p).shape[2:4])),
     "the window view was reshaped directly"),
    (lambda x, k, p: im2col(x, k, 0), "no padding"),
    (lambda x, k, p: rearrange(windows(x, k, p, p), "b c h w kh kw -> b (c kh kw) (h w)"),
     "np.pad(x, padding) pads every axis"),
    (loops_one_short, "one window short on each axis"),
    (lambda x, k, p: rearrange(windows(x, k, p)[..., ::-1, ::-1],
                               "b c h w kh kw -> b (c kh kw) (h w)"), "the windows are flipped"),
    (no_axis, "pass axis=(2, 3) to sliding_window_view"),
]


def test_the_reference_is_nnlibs_im2col():
    from nnlib.layers.conv import im2col as nnlib_im2col

    x = np.random.default_rng(0).normal(size=(2, 3, 5, 4))
    np.testing.assert_array_equal(im2col(x, 3, 1), nnlib_im2col(x, 3, 1, 1))
