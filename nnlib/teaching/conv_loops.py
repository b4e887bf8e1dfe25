"""Convolution by its definition, one output number at a time: the slow
loops of chapter 11, against which ``nnlib.Conv2d`` (im2col, one matrix
product) is checked and timed. For reading, not for training.
"""

import numpy as np


def conv2d_loops(x: np.ndarray, w: np.ndarray, b: np.ndarray,
                 stride: int = 1, padding: int = 0) -> np.ndarray:
    """X: (B, C_in, H_in, W_in), W: (C_out, C_in, K, K), b: (C_out,) ->
    Z: (B, C_out, H_out, W_out), where Z[n, o, i, j] is the dot product of
    kernel o with the window of sample n that starts at row i * stride,
    column j * stride of the padded image, plus b[o]."""
    k = w.shape[2]
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    h_out = (x.shape[2] - k) // stride + 1
    w_out = (x.shape[3] - k) // stride + 1
    z = np.zeros((len(x), len(w), h_out, w_out), dtype=x.dtype)
    for n in range(len(x)):  # every sample
        for o in range(len(w)):  # every output channel
            for i in range(h_out):  # every output pixel
                for j in range(w_out):
                    top, left = i * stride, j * stride
                    window = x[n, :, top:top + k, left:left + k]
                    z[n, o, i, j] = np.sum(window * w[o]) + b[o]
    return z


def conv2d_backward_loops(x: np.ndarray, w: np.ndarray, grad: np.ndarray,
                          stride: int = 1, padding: int = 0):
    """The gradients of ``conv2d_loops``, output number by output number:
    returns dL/dX: (B, C_in, H_in, W_in), dL/dW: (C_out, C_in, K, K) and
    dL/db: (C_out,) for G = dL/dZ: (B, C_out, H_out, W_out).

    Z[n, o, i, j] = sum(window * W[o]) + b[o], so its gradient
    G[n, o, i, j] adds G[n, o, i, j] * window to dL/dW[o],
    G[n, o, i, j] * W[o] to the window's pixels of dL/dX, and
    G[n, o, i, j] to dL/db[o].
    """
    k, p = w.shape[2], padding
    x = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dx, dw = np.zeros_like(x), np.zeros_like(w)
    db = np.zeros(len(w), dtype=w.dtype)
    for n, o, i, j in np.ndindex(grad.shape):  # every output number
        g = grad[n, o, i, j]
        rows = slice(i * stride, i * stride + k)
        cols = slice(j * stride, j * stride + k)
        dw[o] += g * x[n, :, rows, cols]
        dx[n, :, rows, cols] += g * w[o]
        db[o] += g
    return dx[:, :, p:dx.shape[2] - p, p:dx.shape[3] - p], dw, db
