"""Two-dimensional convolution, written as im2col: the patches of the input
become the columns of a matrix, and the convolution one matrix product.

The layout is PyTorch's: images X: (B, C_in, H_in, W_in) give
Z: (B, C_out, H_out, W_out), with weights W: (C_out, C_in, K, K) and a bias
b: (C_out,). Like PyTorch's ``conv2d`` (and every deep-learning library), the
layer computes a cross-correlation: the kernel is not flipped.
"""

import numpy as np
from einops import rearrange
from numpy.lib.stride_tricks import sliding_window_view

from nnlib.checks import IMAGES, checked_backward, checked_forward
from nnlib.init import init_std, make_rng
from nnlib.layer import Layer


def output_size(size: int, kernel_size: int, stride: int = 1,
                padding: int = 0, axis: str = "height") -> int:
    """PyTorch's output-size formula, for one axis of the image:
    floor((size + 2 padding - K) / stride) + 1.

    Raises a clear ValueError when the K x K kernel does not fit into the
    padded image.
    """
    padded = size + 2 * padding
    if padded < kernel_size:
        raise ValueError(
            f"the kernel ({kernel_size} x {kernel_size}) is larger than the "
            f"input: its {axis} is {size}, {padded} with padding {padding}")
    return (padded - kernel_size) // stride + 1


def im2col(x: np.ndarray, kernel_size: int, stride: int = 1,
           padding: int = 0) -> np.ndarray:
    """Images X: (B, C, H_in, W_in) -> their patches as columns:
    (B, C K K, H_out W_out).

    Column (i, j) of sample n holds the C K K input values that output
    pixel (i, j) reads, channel by channel, each K x K window row by row.
    """
    pad = ((0, 0), (0, 0), (padding, padding), (padding, padding))
    x = np.pad(x, pad)  # zeros around every image
    # every K x K window, as a view (no copy): (B, C, rows, cols, K, K)
    windows = sliding_window_view(x, (kernel_size, kernel_size),
                                  axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride]  # still a view
    # the one copy: each window becomes a column
    return rearrange(windows, "b c h w kh kw -> b (c kh kw) (h w)")


def col2im(cols: np.ndarray, x_shape: tuple, kernel_size: int,
           stride: int = 1, padding: int = 0) -> np.ndarray:
    """The transpose of ``im2col``: (B, C K K, H_out W_out) -> (B, C, H_in,
    W_in). Every entry of a column is added to the input pixel it was
    copied from; a pixel that sat in several windows collects several.
    """
    batch, channels, height, width = x_shape
    k, s, p = kernel_size, stride, padding
    h_out = output_size(height, k, s, p)
    w_out = output_size(width, k, s, p, "width")
    cols = rearrange(cols, "b (c kh kw) (h w) -> b c kh kw h w",
                     kh=k, kw=k, h=h_out)
    x = np.zeros((batch, channels, height + 2 * p, width + 2 * p),
                 cols.dtype)
    for r in range(k):  # K x K shifted additions, one per kernel entry:
        for q in range(k):  # no loop over samples or pixels
            x[:, :, r:r + s * h_out:s, q:q + s * w_out:s] += cols[:, :, r, q]
    return x[:, :, p:p + height, p:p + width]  # without the padding


class Conv2d(Layer):
    """A 2-D convolution with weights w: (C_out, C_in, K, K) and biases
    b: (C_out,).

    Every output channel o slides its C_in x K x K kernel over the padded
    input, ``stride`` pixels at a time, and at each position takes the dot
    product with the window, plus b[o]. ``rng`` seeds the weights (He
    initialisation by default, for ReLU networks; fan-in C_in K K); the
    biases start at zero.
    """

    param_names = ("w", "b")
    decay_names = ("w",)  # weight decay shrinks the weights, not the biases
    input_axes = IMAGES

    def __init__(self, in_channels: int, out_channels: int,
                 kernel_size: int, *, stride: int = 1, padding: int = 0,
                 rng=None, init: str = "he", dtype=np.float64):
        for name, value, least in (("in_channels", in_channels, 1),
                                   ("out_channels", out_channels, 1),
                                   ("kernel_size", kernel_size, 1),
                                   ("stride", stride, 1),
                                   ("padding", padding, 0)):
            if (isinstance(value, bool)
                    or not isinstance(value, (int, np.integer))
                    or value < least):
                kind = "a positive" if least else "a non-negative"
                raise ValueError(
                    f"{name} must be {kind} integer; got {value!r}")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = kernel_size, stride
        self.padding = padding
        k = kernel_size
        std = init_std(in_channels * k * k, out_channels * k * k, init)
        shape = (out_channels, in_channels, k, k)
        self.w = make_rng(rng).normal(0.0, std, size=shape).astype(dtype)
        self.b = np.zeros(out_channels, dtype=dtype)
        self.cols = self.x_shape = self.dw = self.db = None

    @checked_forward
    def forward(self, x: np.ndarray) -> np.ndarray:
        """X: (B, C_in, H_in, W_in) -> Z: (B, C_out, H_out, W_out)."""
        k, s, p = self.kernel_size, self.stride, self.padding
        h_out = output_size(x.shape[2], k, s, p)
        output_size(x.shape[3], k, s, p, "width")  # the kernel must fit
        self.x_shape = x.shape
        self.cols = im2col(x, k, s, p)  # (B, C_in K K, H_out W_out)
        w = rearrange(self.w, "o c kh kw -> o (c kh kw)")  # (C_out, C_in K K)
        # one product for the whole batch: (C_out, C_in K K) with each
        # sample's (C_in K K, H_out W_out) -> (B, C_out, H_out W_out)
        z = rearrange(w @ self.cols, "b o (h w) -> b o h w", h=h_out)
        z += rearrange(self.b, "o -> o 1 1")  # z is a new array: add in place
        return z

    @checked_backward
    def backward(self, grad: np.ndarray) -> np.ndarray:
        """G = dL/dZ: (B, C_out, H_out, W_out) -> dL/dX: (B, C_in, H_in,
        W_in); stores dw and db."""
        self.param_backward(grad)
        g = rearrange(grad, "b o h w -> b o (h w)")
        w = rearrange(self.w, "o c kh kw -> o (c kh kw)")
        # dL/d(cols) = W^T G_n: (C_in K K, C_out) @ (C_out, H_out W_out)
        dcols = w.T @ g
        # each column goes back to the pixels it was copied from
        return col2im(dcols, self.x_shape, self.kernel_size, self.stride,
                      self.padding)

    @checked_backward
    def param_backward(self, grad: np.ndarray) -> None:
        """G: (B, C_out, H_out, W_out) -> stores dw = sum over n of
        G_n cols_n^T: (C_out, C_in, K, K), and db: (C_out,)."""
        g = rearrange(grad, "b o h w -> b o (h w)")
        # (C_out, H_out W_out) @ (H_out W_out, C_in K K), summed over n
        dw = (g @ rearrange(self.cols, "b ckk hw -> b hw ckk")).sum(axis=0)
        self.dw = dw.reshape(self.w.shape)
        self.db = grad.sum(axis=(0, 2, 3))  # b[o] is in every output pixel

    def __repr__(self) -> str:
        options = "".join(f", {name}={getattr(self, name)}"
                          for name in ("stride", "padding")
                          if getattr(self, name) != (name == "stride"))
        return (f"Conv2d({self.in_channels}, {self.out_channels}, "
                f"{self.kernel_size}{options})")
