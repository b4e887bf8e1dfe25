"""im2col with einops (chapter 11): the patches of a batch of images as the
columns of one matrix per image.

The reference is nnlib's own ``nnlib.layers.conv.im2col`` (stride 1). The
cases separate the right layout from its look-alikes: several channels (a
channel-last column order differs), non-square images (a column-major
pixel order differs), padding (forgotten, or applied to every axis), a
batch of 1, one channel, K = 1, float32.
"""

import functools

import numpy as np
from einops import rearrange
from numpy.lib.stride_tricks import sliding_window_view

from nnlib.exercises.cases import generator
from nnlib.exercises.grading import (
    CheckResult,
    Exercise,
    Mistake,
    equals,
    grade,
    make_case,
    report,
)
from nnlib.layers.conv import im2col

WINDOWS = "b c h w kh kw -> "  # the axes of the window view
LAYOUT = "b (c kh kw) (h w)"  # the right columns


def _windows(x, k, pad_width):
    """Every K x K window of x padded by ``pad_width`` (np.pad's argument):
    (B, C_in, H_out, W_out, K, K)."""
    return sliding_window_view(np.pad(x, pad_width), (k, k), axis=(2, 3))


def _sides(p):
    return ((0, 0), (0, 0), (p, p), (p, p))


@functools.cache
def _im2col_exercise() -> Exercise:
    def reference(x, kernel_size, padding):
        return {"cols": im2col(x, kernel_size, 1, padding)}

    rng = generator()
    cases = []
    for batch, c_in, size, k, p, note, dtype in [
            (3, 2, (5, 6), 3, 0, "", np.float64),
            (2, 3, (4, 4), 2, 1, "", np.float64),
            (1, 1, (6, 5), 3, 1, "a batch of 1, one channel: ", np.float64),
            (2, 2, (7, 7), 3, 2, "float32: ", np.float32),
            (2, 3, (3, 4), 1, 0, "K = 1: ", np.float64),
            (2, 2, (4, 5), 4, 0, "a kernel as tall as the image: ",
             np.float64)]:
        x = rng.normal(size=(batch, c_in, *size)).astype(dtype)
        cases.append(make_case(
            f"{note}B = {batch}, C_in = {c_in}, {size[0]} x {size[1]} "
            f"images, K = {k}, padding {p}", (x, k, p), reference))

    def x(c):
        return c.args[0].astype(np.float64)

    def windows(c, pad_width=None):
        k, p = c.args[1], c.args[2]
        return _windows(x(c), k, _sides(p) if pad_width is None
                        else pad_width(p))

    def laid_out(columns, pad_width=None):
        return lambda c: rearrange(windows(c, pad_width), WINDOWS + columns)

    mistakes = (
        Mistake("each window is a row, not a column: the columns must be "
                "the windows, shape (B, C_in K K, H_out W_out), so that "
                "w.reshape(C_out, -1) @ cols is the convolution",
                equals("cols", laid_out("b (h w) (c kh kw)"))),
        Mistake("the channel comes last in each column, (kh kw c): W is "
                "(C_out, C_in, K, K), so w.reshape(C_out, -1) runs over "
                "(c kh kw); the columns must too",
                equals("cols", laid_out("b (kh kw c) (h w)"))),
        Mistake("each window is read column by column, (c kw kh): read it "
                "row by row, (c kh kw), as w.reshape(C_out, -1) does",
                equals("cols", laid_out("b (c kw kh) (h w)"))),
        Mistake("the output pixels run column by column, (w h): Z is "
                "(B, C_out, H_out, W_out), so they must run row by row, "
                "(h w)",
                equals("cols", laid_out("b (c kh kw) (w h)"))),
        Mistake("the window view was reshaped directly: reshape keeps the "
                "order b c h w kh kw in memory, so a 'column' mixes pixels "
                "and kernel entries. Move the kernel axes next to the "
                "channel first: rearrange(windows, 'b c h w kh kw -> "
                "b (c kh kw) (h w)')",
                equals("cols", lambda c: windows(c).reshape(
                    len(x(c)), -1, np.prod(windows(c).shape[2:4])))),
        Mistake("the batch was merged into the columns, (c kh kw) (b h w): "
                "keep one matrix per image, shape (B, C_in K K, H_out W_out)",
                equals("cols", laid_out("(c kh kw) (b h w)"))),
        Mistake("no padding: pad each image with `padding` zeros on every "
                "side first, np.pad(x, ((0, 0), (0, 0), (padding, padding), "
                "(padding, padding)))",
                equals("cols", laid_out(LAYOUT, _sides_none))),
        Mistake("np.pad(x, padding) pads every axis, the batch and the "
                "channels too: pad the height and the width only, "
                "((0, 0), (0, 0), (padding, padding), (padding, padding))",
                equals("cols", laid_out(LAYOUT, lambda p: p))),
        Mistake("one window short on each axis: a K x K window fits at "
                "H_in + 2 padding - K + 1 positions down (range(H - K + 1), "
                "not range(H - K)), and likewise across",
                equals("cols", lambda c: rearrange(
                    windows(c)[:, :, :-1, :-1], WINDOWS + LAYOUT))),
        Mistake("the windows are flipped: im2col copies each window as it "
                "is (the layer computes a cross-correlation, as PyTorch's "
                "conv2d does); flipping belongs to the backward pass's "
                "'full' convolution",
                equals("cols", lambda c: rearrange(
                    windows(c)[..., ::-1, ::-1], WINDOWS + LAYOUT))),
    )
    return Exercise(args=("x", "kernel_size", "padding"), outputs=("cols",),
                    cases=tuple(cases), mistakes=mistakes,
                    reference=reference, hints=(_axis_hint,))


def _sides_none(p):
    return _sides(0)


def _axis_hint(error, case, args) -> str | None:
    """sliding_window_view without axis=(2, 3)."""
    if isinstance(error, ValueError) and "window_shape for all" in str(error):
        return ("pass axis=(2, 3) to sliding_window_view: the windows slide "
                "over the height and the width only, not over the batch and "
                "the channels")
    return None


def check_im2col(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(x, kernel_size, padding) -> cols`` (stride 1).

    x: images X, (B, C_in, H_in, W_in). Returns the windows of the padded
    images as columns, (B, C_in K K, H_out W_out): column i W_out + j of
    image n holds the K x K window that output pixel (i, j) reads, channel
    by channel, each window row by row.
    """
    return report(grade(fn, _im2col_exercise()), verbose)
