"""Compute PyTorch's conv2d, max_pool2d and flatten, forward and backward, once, and store
them for tests/core/test_conv.py, test_pooling.py and test_flatten.py.

Needs PyTorch, which the project does not depend on; the test suite never runs this script.
Run it with any Python that has torch and NumPy, from the repository root:

    /path/to/python-with-torch tests/references/make_conv_references.py

It writes tests/references/conv_references.npz: for each configuration its inputs (seeded
NumPy draws, float64), the upstream gradient G, and PyTorch's output and gradients.
"""

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).with_name("conv_references.npz")

# (batch, C_in, C_out, H_in, W_in, K, stride, padding)
CONV = [
    (2, 1, 2, 6, 6, 3, 1, 0),  # the chapter's first layer, small
    (3, 2, 4, 7, 5, 3, 1, 1),  # padding 1 keeps the size; non-square image
    (2, 3, 2, 8, 8, 2, 2, 0),  # stride 2, even kernel
    (1, 2, 3, 5, 6, 5, 1, 2),  # kernel as large as the image, padding 2
    (2, 4, 5, 9, 7, 3, 2, 1),  # stride 2 with padding; the last window does not fit
    (2, 1, 1, 4, 3, 1, 1, 0),  # a 1 x 1 kernel
    (2, 2, 3, 10, 11, 4, 3, 1),  # stride 3, kernel 4
]
# (batch, C, H_in, W_in, K, stride)
POOL = [
    (2, 3, 6, 6, 2, 2),  # the chapter's pooling: 2 x 2 windows side by side
    (2, 2, 5, 6, 3, 1),  # overlapping windows
    (1, 2, 5, 5, 2, 1),
    (2, 1, 7, 8, 3, 2),
    (2, 2, 7, 7, 3, 3),  # the last row and column are in no window
]
FLATTEN = [(2, 3, 4, 5), (1, 1, 8, 8), (3, 2, 1, 1), (2, 3, 4), (4, 5)]


def tensor(array):
    return torch.tensor(array, dtype=torch.float64, requires_grad=True)


def main():
    rng = np.random.default_rng(2026)
    out = {}
    for i, (batch, c_in, c_out, h, w, k, s, p) in enumerate(CONV):
        x = rng.normal(size=(batch, c_in, h, w))
        weights = rng.normal(size=(c_out, c_in, k, k))
        bias = rng.normal(size=c_out)
        tx, tw, tb = tensor(x), tensor(weights), tensor(bias)
        z = F.conv2d(tx, tw, tb, stride=s, padding=p)
        g = rng.normal(size=tuple(z.shape))
        z.backward(torch.tensor(g))
        out.update({f"conv{i}_config": np.array([batch, c_in, c_out, h, w, k, s, p]),
                    f"conv{i}_x": x, f"conv{i}_w": weights, f"conv{i}_b": bias,
                    f"conv{i}_g": g, f"conv{i}_z": z.detach().numpy(),
                    f"conv{i}_dx": tx.grad.numpy(), f"conv{i}_dw": tw.grad.numpy(),
                    f"conv{i}_db": tb.grad.numpy()})
    for i, (batch, c, h, w, k, s) in enumerate(POOL):
        x = rng.normal(size=(batch, c, h, w))  # no ties (with probability 1)
        tx = tensor(x)
        z = F.max_pool2d(tx, k, stride=s)
        g = rng.normal(size=tuple(z.shape))
        z.backward(torch.tensor(g))
        out.update({f"pool{i}_config": np.array([batch, c, h, w, k, s]), f"pool{i}_x": x,
                    f"pool{i}_g": g, f"pool{i}_z": z.detach().numpy(),
                    f"pool{i}_dx": tx.grad.numpy()})
    # ties: small integers, so that windows share their maximum; PyTorch's rule too
    x = rng.integers(0, 3, size=(2, 2, 6, 6)).astype(np.float64)
    for name, (k, s) in {"ties": (2, 2), "ties_overlap": (3, 1)}.items():
        tx = tensor(x)
        z = F.max_pool2d(tx, k, stride=s)
        g = rng.normal(size=tuple(z.shape))
        z.backward(torch.tensor(g))
        out.update({f"{name}_config": np.array([k, s]), f"{name}_x": x, f"{name}_g": g,
                    f"{name}_z": z.detach().numpy(), f"{name}_dx": tx.grad.numpy()})
    for i, shape in enumerate(FLATTEN):
        x = rng.normal(size=shape)
        tx = tensor(x)
        z = torch.flatten(tx, 1)
        g = rng.normal(size=tuple(z.shape))
        z.backward(torch.tensor(g))
        out.update({f"flatten{i}_x": x, f"flatten{i}_g": g, f"flatten{i}_z": z.detach().numpy(),
                    f"flatten{i}_dx": tx.grad.numpy()})
    out["torch_version"] = np.array(torch.__version__)
    np.savez_compressed(OUT, **out)
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes), torch {torch.__version__}")


if __name__ == "__main__":
    main()
