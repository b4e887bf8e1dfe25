"""Max pooling: each K x K window of every channel keeps only its largest
value. No parameters; the layout is PyTorch's (``max_pool2d``)."""

import numpy as np
from einops import rearrange
from numpy.lib.stride_tricks import sliding_window_view

from nnlib.checks import IMAGES, checked_backward, checked_forward
from nnlib.layer import Layer
from nnlib.layers.conv import output_size


class MaxPool2d(Layer):
    """The maximum of each K x K window, windows ``stride`` pixels apart
    (default: K, windows side by side); no padding.

    Ties: when several entries of a window share its maximum, the first one
    in row-major order (top row first, left to right) is the window's
    maximum, and only it receives the gradient. PyTorch does the same.
    """

    input_axes = IMAGES

    def __init__(self, kernel_size: int, stride: int | None = None):
        stride = kernel_size if stride is None else stride
        for name, value in (("kernel_size", kernel_size),
                            ("stride", stride)):
            if (isinstance(value, bool)
                    or not isinstance(value, (int, np.integer))
                    or value < 1):
                raise ValueError(
                    f"{name} must be a positive integer; got {value!r}")
        self.kernel_size, self.stride = kernel_size, stride
        self.argmax = self.x_shape = None

    @checked_forward
    def forward(self, x: np.ndarray) -> np.ndarray:
        """X: (B, C, H_in, W_in) -> (B, C, H_out, W_out)."""
        k, s = self.kernel_size, self.stride
        output_size(x.shape[2], k, s)  # the window must fit
        output_size(x.shape[3], k, s, axis="width")
        self.x_shape = x.shape
        windows = sliding_window_view(x, (k, k), axis=(2, 3))[:, :, ::s, ::s]
        windows = rearrange(windows, "b c h w kh kw -> b c h w (kh kw)")
        # argmax returns the first maximum: the tie rule of the docstring
        self.argmax = windows.argmax(axis=-1)  # (B, C, H_out, W_out)
        return np.take_along_axis(windows, self.argmax[..., None],
                                  axis=-1)[..., 0]

    @checked_backward
    def backward(self, grad: np.ndarray) -> np.ndarray:
        """G: (B, C, H_out, W_out) -> dL/dX: (B, C, H_in, W_in). Each
        window's gradient goes to its maximum; every other pixel gets 0."""
        k, s = self.kernel_size, self.stride
        n, c, i, j = np.indices(grad.shape, sparse=True)
        rows = i * s + self.argmax // k  # where each maximum sits in X
        cols = j * s + self.argmax % k
        dx = np.zeros(self.x_shape, grad.dtype)
        # add, not assign: overlapping windows (stride < K) can share a
        # maximum, and it then collects the gradient of each
        np.add.at(dx, (n, c, rows, cols), grad)
        return dx

    def __repr__(self) -> str:
        stride = ("" if self.stride == self.kernel_size
                  else f", stride={self.stride}")
        return f"MaxPool2d({self.kernel_size}{stride})"

