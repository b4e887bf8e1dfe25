"""Item 8: one Conv2d forward + backward (chapter 11), against PyTorch's conv2d measured in
the same run, and against the chapter's loops.

    python benchmarks/run.py --only 8

The size is issue 19's: a batch of 64 images of 16 channels, 14 x 14 pixels, 32 output
channels, 3 x 3 kernels, padding 1, float32. A forward + backward is what one training
step asks of the layer: Z, then dL/dX, dL/dW and dL/db from an upstream gradient G.

PyTorch is not a dependency of the project. Without it, the PyTorch rows say "skipped"
(nnlib's time is still measured). With it there are two PyTorch rows: its default CPU
convolution (oneDNN, a direct convolution that builds no im2col matrix), which carries the
issue's target, and the same call with oneDNN switched off, where PyTorch falls back to its
own im2col and matrix products: the algorithm nnlib uses, in C++.

The last row times ``nnlib.teaching.conv_loops`` (the definition, one output number at a
time, as chapter 11 writes it) against nnlib's layer: what im2col and one matrix product
buy. Every row checks that the two sides compute the same numbers (``agreement``).
"""

import contextlib
import statistics
import time

import numpy as np

from nnlib import Conv2d
from nnlib.teaching.conv_loops import conv2d_backward_loops, conv2d_loops
from nnlib.timing import measure_rounds, paired_ratio

ITEM = 8
SIZE = dict(batch=64, c_in=16, size=14, c_out=32, k=3, padding=1)


def conv_problem(batch, c_in, size, c_out, k, padding, dtype=np.float32):
    """A seeded layer in ``dtype``, its input X and an upstream gradient G."""
    rng = np.random.default_rng(0)
    layer = Conv2d(c_in, c_out, k, padding=padding, rng=1, dtype=dtype)
    layer.b[...] = rng.normal(size=c_out)
    x = rng.normal(size=(batch, c_in, size, size)).astype(dtype)
    g = rng.normal(size=(batch, c_out, size + 2 * padding - k + 1,
                         size + 2 * padding - k + 1)).astype(dtype)
    return layer, x, g


def max_rel_diff(ours, theirs) -> float:
    """The largest max |a - b| / max |b| over the pairs of results."""
    return max(float(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)).max()
                     / np.abs(np.asarray(b, np.float64)).max())
               for a, b in zip(ours, theirs, strict=True))


def torch_conv(layer, x, g, *, onednn: bool = True):
    """A function that runs PyTorch's conv2d forward + backward on the same numbers, or
    None without PyTorch."""
    try:
        import torch
    except ImportError:
        return None
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, layer.w, layer.b))
    tg = torch.tensor(g)

    def run():
        before = torch.backends.mkldnn.enabled
        torch.backends.mkldnn.enabled = onednn
        try:
            z = torch.nn.functional.conv2d(tx, tw, tb, stride=layer.stride,
                                           padding=layer.padding)
            dx, dw, db = torch.autograd.grad(z, (tx, tw, tb), tg)
        finally:
            torch.backends.mkldnn.enabled = before
        return z.detach().numpy(), dx.numpy(), dw.numpy(), db.numpy()

    return run


@contextlib.contextmanager
def torch_threads(n: int | None):
    """PyTorch on ``n`` threads inside the block (None: as it is)."""
    try:
        import torch
    except ImportError:
        yield
        return
    before = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def conv_case(batch=64, c_in=16, size=14, c_out=32, k=3, padding=1, *, repeats=7,
              loop_repeats=3, limit=2.0, clock=time.perf_counter) -> list:
    """The rows of item 8 (``cases.Row``): nnlib against PyTorch (default and oneDNN off)
    and the chapter's loops against nnlib."""
    from cases import Row  # benchmarks/cases.py: the report's row

    layer, x, g = conv_problem(batch, c_in, size, c_out, k, padding)
    what = (f"Conv2d fwd+bwd {batch}x{c_in}x{size}x{size} -> {c_out}, {k}x{k}, "
            f"pad {padding}, float32")

    def nnlib_conv():
        z = layer.forward(x)
        return z, layer.backward(g), layer.dw, layer.db

    ours = nnlib_conv()
    rows = []
    # one thread unless the wall clock is asked for: the policy of run.py's other items
    with torch_threads(None if clock is time.perf_counter else 1):
        for onednn, name in ((True, "PyTorch conv2d (default: oneDNN)"),
                             (False, "PyTorch conv2d, oneDNN off (im2col + GEMM)")):
            theirs = torch_conv(layer, x, g, onednn=onednn)
            if theirs is None:
                alone = statistics.median(measure_rounds({"nnlib": nnlib_conv},
                                                         repeats=repeats, clock=clock)["nnlib"])
                rows.append(Row(ITEM, what, "nnlib Conv2d", name, alone, None,
                                "skipped: no PyTorch", None,
                                notes=["PyTorch is not installed here: the PyTorch rows are "
                                       "skipped (install torch to compare)"]))
                break
            agreement = max_rel_diff(ours, theirs())
            rounds = measure_rounds({"nnlib": nnlib_conv, "torch": theirs}, repeats=repeats,
                                    clock=clock)
            ratio = paired_ratio(rounds["nnlib"], rounds["torch"])
            times = {key: statistics.median(values) for key, values in rounds.items()}
            target = f"<= {limit:.2f}x" if onednn else "info"
            passed = (ratio <= limit and agreement <= 1e-4) if onednn else None
            rows.append(Row(ITEM, what, "nnlib Conv2d", name, times["nnlib"],
                            times["torch"], target, passed, agreement, ratio=ratio))

    # the loops take seconds per call: few rounds, no warm-up
    def loops():
        z = conv2d_loops(x, layer.w, layer.b, layer.stride, layer.padding)
        return (z, *conv2d_backward_loops(x, layer.w, g, layer.stride, layer.padding))

    agreement = max_rel_diff(loops(), ours)
    rounds = measure_rounds({"loops": loops, "nnlib": nnlib_conv}, repeats=loop_repeats,
                            warmup=0, min_time=0, clock=clock)
    rows.append(Row(ITEM, what, "chapter 11's loops", "nnlib Conv2d",
                    statistics.median(rounds["loops"]), statistics.median(rounds["nnlib"]),
                    "info", None, agreement,
                    notes=["conv2d_loops + conv2d_backward_loops (nnlib.teaching.conv_loops): "
                           "one output number at a time"],
                    ratio=paired_ratio(rounds["loops"], rounds["nnlib"])))
    return rows
