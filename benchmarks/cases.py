"""The benchmark cases: each times nnlib against a baseline in the same run.

Every case returns ``Row`` objects (one line of the report). A row's ratio is always
``candidate time / baseline time``; the target says which side of it passes.
Each case also checks that what it compares computes the same numbers (``agreement``),
because a fast wrong answer is no answer.

The cases take their sizes as arguments, so that the tests can run them on tiny
inputs; the defaults are the sizes of the report. ``clock`` is the wall clock unless
the caller passes another (``run.py`` passes ``time.process_time``). The timing itself is
``nnlib.timing`` (interleaved rounds, paired ratios), which chapter 8 of the book
teaches.
"""

import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import einops
import numpy as np

import nnlib
from nnlib import SGD, Linear, Model, ReLU, Softmax, data, mlp, train
from nnlib.timing import measure_rounds, paired_ratio

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Row:
    """One line of the report: median times, and the ratio candidate / baseline.

    The ratio is the median over rounds of the two times measured in the same round
    (``nnlib.timing.paired_ratio``), so it can differ a little from the ratio of the medians.
    """

    item: int
    what: str
    candidate: str
    baseline: str | None
    candidate_s: float
    baseline_s: float | None
    target: str  # e.g. "<= 1.10x", ">= 50x", "< 150 ms"
    passed: bool | None  # None: informational, no target
    agreement: float | None = None  # max relative difference of the compared results
    notes: list[str] = field(default_factory=list)
    ratio: float | None = None

    def __post_init__(self):
        if self.ratio is None and self.baseline_s is not None:
            self.ratio = self.candidate_s / self.baseline_s

    def as_dict(self) -> dict:
        return asdict(self)


def compare(fns: dict, candidate: str, baseline: str, **kwargs) -> tuple[dict, float]:
    """Median seconds of every function, and the paired ratio candidate / baseline."""
    rounds = measure_rounds(fns, **kwargs)
    medians = {name: statistics.median(values) for name, values in rounds.items()}
    return medians, paired_ratio(rounds[candidate], rounds[baseline])


def max_rel_diff(a, b) -> float:
    """max |a - b| / max |b|: how far ``a`` is from ``b``, relative to b's size."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.abs(b).max()
    return float(np.abs(a - b).max() / scale) if scale > 0 else float(np.abs(a).max())


def ratio_at_most(limit: float):
    return f"<= {limit:.2f}x", lambda ratio: ratio <= limit


# --- 1. One Linear layer, forward + backward, against the bare BLAS products ----------


def linear_case(dtype=np.float64, batch: int = 2048, n_in: int = 1024, n_out: int = 1024, *,
                repeats: int = 7, limit: float = 1.10, clock=time.perf_counter) -> Row:
    """nnlib ``Linear`` forward + backward vs the bare products.

    The baseline is ``x @ w + b``, ``g @ w.T``, ``x.T @ g`` and ``g.sum(0)``.
    """
    rng = np.random.default_rng(0)
    layer = Linear(n_in, n_out, rng=0, dtype=dtype)
    x = rng.normal(size=(batch, n_in)).astype(dtype)
    g = rng.normal(size=(batch, n_out)).astype(dtype)
    w, b = layer.w, layer.b

    def nnlib_linear():
        y = layer.forward(x)
        return y, layer.backward(g), layer.dw, layer.db

    def raw_blas():
        return x @ w + b, g @ w.T, x.T @ g, g.sum(axis=0)

    agreement = max(max_rel_diff(a, r) for a, r in zip(nnlib_linear(), raw_blas(), strict=True))
    tolerance = 10 * np.finfo(dtype).eps  # the same products: equal up to rounding
    times, ratio = compare({"nnlib": nnlib_linear, "blas": raw_blas}, "nnlib", "blas",
                           repeats=repeats, clock=clock)
    target, ok = ratio_at_most(limit)
    name = np.dtype(dtype).name
    return Row(1, f"Linear fwd+bwd {batch}x{n_in} @ {n_in}x{n_out} {name}",
               f"nnlib Linear(dtype={name})", "x@w+b, g@w.T, x.T@g, g.sum(0)",
               times["nnlib"], times["blas"], target, ok(ratio) and agreement <= tolerance,
               agreement, ratio=ratio)


# --- 2. A whole training step of an MLP ------------------------------------------------

# Three ways to write the three products of a Linear layer: y = x w, dW = x^T g, dx = g w^T.
PRODUCTS = {
    "numpy @": (
        lambda x, w: x @ w,
        lambda x, g: x.T @ g,
        lambda g, w: g @ w.T,
    ),
    # As in the article: einops.einsum calls np.einsum without optimize=..., so NumPy
    # runs its own loops instead of handing the product to BLAS.
    "einops.einsum": (
        lambda x, w: einops.einsum(x, w, "b c1, c1 c2 -> b c2"),
        lambda x, g: einops.einsum(einops.rearrange(x, "b c -> c b"), g,
                                   "c1 b, b c2 -> c1 c2"),
        lambda g, w: einops.einsum(g, einops.rearrange(w, "c1 c2 -> c2 c1"),
                                   "b c2, c2 c1 -> b c1"),
    ),
    # The same contractions with optimize=True: np.einsum may then call BLAS (tensordot).
    "np.einsum optimize": (
        lambda x, w: np.einsum("bi,io->bo", x, w, optimize=True),
        lambda x, g: np.einsum("bi,bo->io", x, g, optimize=True),
        lambda g, w: np.einsum("bo,io->bi", g, w, optimize=True),
    ),
}


def mlp_problem(batch: int = 256, n_in: int = 784, hidden: int = 256, classes: int = 10,
                dtype=np.float32):
    """Random inputs (batch, n_in), labels (batch,), and a seeded nnlib MLP in ``dtype``."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch, n_in)).astype(dtype)
    labels = rng.integers(0, classes, size=batch)
    model = Model([Linear(n_in, hidden, rng=1, init="he", dtype=dtype), ReLU(),
                   Linear(hidden, classes, rng=2, dtype=dtype)])
    return x, labels, model


class HandWrittenMLP:
    """The same two-layer network and SGD step, written out in plain NumPy.

    ``products`` picks how the three matrix products of each Linear layer are
    computed (a key of ``PRODUCTS``); everything else is identical.
    """

    def __init__(self, model: Model, products: str = "numpy @"):
        first, second = model.layers[0], model.layers[2]
        self.w1, self.b1 = first.w.copy(), first.b.copy()
        self.w2, self.b2 = second.w.copy(), second.b.copy()
        self.forward_product, self.weight_product, self.input_product = PRODUCTS[products]

    def step(self, x: np.ndarray, labels: np.ndarray, lr: float) -> float:
        mul, dw_of, dx_of = self.forward_product, self.weight_product, self.input_product
        rows = np.arange(len(x))
        # forward
        h = mul(x, self.w1) + self.b1
        a = np.maximum(h, 0)
        z = mul(a, self.w2) + self.b2
        # softmax cross-entropy, via log-probabilities (stable)
        shifted = z - z.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -log_probs[rows, labels].mean()
        # backward
        dz = np.exp(log_probs)
        dz[rows, labels] -= 1
        dz /= len(x)
        dw2, db2 = dw_of(a, dz), dz.sum(axis=0)
        dh = dx_of(dz, self.w2) * (h > 0)
        dw1, db1 = dw_of(x, dh), dh.sum(axis=0)
        # SGD
        self.w1 -= lr * dw1
        self.b1 -= lr * db1
        self.w2 -= lr * dw2
        self.b2 -= lr * db2
        return float(loss)

    def params(self):
        return self.w1, self.b1, self.w2, self.b2


def nnlib_params(model: Model):
    """w1, b1, w2, b2: the same order as ``HandWrittenMLP.params``."""
    return tuple(param.value for param in model.parameters())


def mlp_step_check(batch: int = 256, n_in: int = 784, hidden: int = 256, classes: int = 10,
                   lr: float = 0.01) -> dict[str, float]:
    """One step from the same start, every way: max relative difference of the parameters
    (and of the loss) from nnlib's, per way of computing the products."""
    x, labels, model = mlp_problem(batch, n_in, hidden, classes)
    hand = {name: HandWrittenMLP(model, name) for name in PRODUCTS}
    loss = model.loss_and_backward(x, labels)
    SGD(lr).step(model.parameters())
    out = {}
    for name, net in hand.items():
        hand_loss = net.step(x, labels, lr)
        out[name] = max([abs(hand_loss - loss) / abs(loss)] +
                        [max_rel_diff(p, q) for p, q in zip(net.params(), nnlib_params(model),
                                                            strict=True)])
    return out


def mlp_step_rounds(batch: int = 256, n_in: int = 784, hidden: int = 256, classes: int = 10, *,
                    ways=("nnlib", "numpy @", "einops.einsum"), repeats: int = 7,
                    lr: float = 0.01, clock=time.perf_counter) -> dict[str, list[float]]:
    """Seconds of one training step (forward, loss, backward, SGD) per way, per round."""
    x, labels, model = mlp_problem(batch, n_in, hidden, classes)
    optimizer = SGD(lr)

    def nnlib_step():
        model.loss_and_backward(x, labels)
        optimizer.step(model.parameters())

    def hand_step(way):
        net = HandWrittenMLP(model, way)
        return lambda: net.step(x, labels, lr)

    fns = {way: nnlib_step if way == "nnlib" else hand_step(way) for way in ways}
    return measure_rounds(fns, repeats=repeats, clock=clock)


def mlp_case(batch: int = 256, n_in: int = 784, hidden: int = 256, classes: int = 10, *,
             repeats: int = 9, limit: float = 1.10, clock=time.perf_counter) -> list[Row]:
    """nnlib's MLP training step vs the same step hand-written, and vs einops.einsum."""
    agreement = mlp_step_check(batch, n_in, hidden, classes)
    rounds = mlp_step_rounds(batch, n_in, hidden, classes, repeats=repeats, clock=clock)
    times = {way: statistics.median(values) for way, values in rounds.items()}
    ratio_hand = paired_ratio(rounds["nnlib"], rounds["numpy @"])
    ratio_einsum = paired_ratio(rounds["nnlib"], rounds["einops.einsum"])
    shape = f"{batch}x{n_in} -> {hidden} ReLU -> {classes} float32"
    target, ok = ratio_at_most(limit)
    close = agreement["numpy @"] < 1e-4 and agreement["einops.einsum"] < 1e-4
    hand = Row(2, f"MLP train step {shape}", "nnlib Model + SGD", "hand-written NumPy (@)",
               times["nnlib"], times["numpy @"], target, ok(ratio_hand) and close,
               agreement["numpy @"], ratio=ratio_hand)
    einsum = Row(2, "MLP train step, same, vs the article's einops.einsum Linear",
                 "nnlib Model + SGD", "hand-written, einops.einsum", times["nnlib"],
                 times["einops.einsum"], "info", None, agreement["einops.einsum"],
                 ratio=ratio_einsum)
    speedup = paired_ratio(rounds["einops.einsum"], rounds["numpy @"])
    einsum.notes.append(f"einops.einsum step is {speedup:.1f}x the hand-written @ step")
    return [hand, einsum]


# --- 3. The article's training run -------------------------------------------------------


def minimal_training(x: np.ndarray, labels: np.ndarray, w: np.ndarray, b: np.ndarray, *,
                     lr: float = 0.1, epochs: int = 500) -> np.ndarray:
    """The article's network (one Linear layer, softmax cross-entropy, SGD) as one plain
    NumPy loop; returns the loss of every epoch like ``nnlib.train``."""
    w, b = w.copy(), b.copy()
    rows = np.arange(len(x))
    losses = np.empty(epochs)
    for epoch in range(epochs):
        z = x @ w + b
        shifted = z - z.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        losses[epoch] = -log_probs[rows, labels].mean()
        grad = np.exp(log_probs)
        grad[rows, labels] -= 1
        grad /= len(x)
        w -= lr * (x.T @ grad)
        b -= lr * grad.sum(axis=0)
    return losses


def article_training_case(*, epochs: int = 500, lr: float = 0.1, repeats: int = 9,
                          limit: float = 2.0, clock=time.perf_counter) -> Row:
    """``nnlib.train`` on the article's data vs ``minimal_training``, same start.

    On 10 points one whole step of the minimal loop is about 20 us, so nnlib's
    per-call input checks (shape, dtype, finiteness, label range: the clear
    errors every layer promises) are a visible share of it; the limit allows
    them, and catches anything more (an extra pass, a copy, a Python loop).
    """
    x, labels = data.article_data()
    start = mlp(2, [], 2, rng=0).layers[0]

    def with_nnlib():
        return train(mlp(2, [], 2, rng=0), x, labels, lr=lr, epochs=epochs)

    def by_hand():
        return minimal_training(x, labels, start.w, start.b, lr=lr, epochs=epochs)

    agreement = max_rel_diff(with_nnlib(), by_hand())
    times, ratio = compare({"nnlib": with_nnlib, "numpy": by_hand}, "nnlib", "numpy",
                           repeats=repeats, clock=clock)
    target, ok = ratio_at_most(limit)
    return Row(3, f"article training: Linear 2->2, lr {lr:g}, {epochs} epochs",
               "nnlib.train", "minimal NumPy loop", times["nnlib"], times["numpy"], target,
               ok(ratio) and agreement < 1e-12, agreement, ratio=ratio)


# --- 4. Softmax backward: the explicit Jacobian vs the vector-Jacobian product -----------


def jacobian_bytes(batch: int, classes: int, itemsize: int = 8) -> int:
    """Size of the (batch, classes, classes) Jacobian array."""
    return batch * classes * classes * itemsize


def available_memory() -> int | None:
    """Bytes of memory the system could give us now (Linux), or None if unknown."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def softmax_paths(batch: int, classes: int, seed: int = 0):
    """A Softmax layer after forward, an upstream gradient, and the two backward paths."""
    rng = np.random.default_rng(seed)
    layer = Softmax()
    layer.forward(rng.normal(scale=3.0, size=(batch, classes)))
    grad = rng.normal(size=(batch, classes))

    def via_jacobian():  # build (batch, C, C), then contract: sum_i g_i dp_i/dz_j
        return einops.einsum(layer.jacobian(), grad, "n i j, n i -> n j")

    def via_product():  # p * (g - sum(p * g)), never builds the matrix
        return layer.backward(grad)

    return via_jacobian, via_product


def softmax_case(batch: int = 128, classes: int = 1000, *, repeats: int = 3,
                 limit: float = 50.0, tolerance: float = 1e-12, clock=time.perf_counter) -> Row:
    """``Softmax.backward`` vs contracting ``Softmax.jacobian()`` with einsum."""
    notes = []
    # Building the Jacobian with einops.repeat copies p and the identity to full
    # (batch, C, C) arrays, and the arithmetic makes more: about 3 arrays of that size at
    # once (measured). On a shared machine, shrink the batch rather than run out of memory.
    free = available_memory()
    wanted = batch
    while free is not None and batch > 1 and 3 * jacobian_bytes(batch, classes) > 0.7 * free:
        batch //= 2
    if batch != wanted:
        notes.append(f"batch reduced from {wanted} to {batch}: only {free / 2**30:.1f} GiB free")
    via_jacobian, via_product = softmax_paths(batch, classes)
    agreement = max_rel_diff(via_jacobian(), via_product())
    times, speedup = compare({"jacobian": via_jacobian, "product": via_product}, "jacobian",
                             "product", repeats=repeats, warmup=0, clock=clock)
    notes.append(f"Jacobian array: {jacobian_bytes(batch, classes) / 2**20:.0f} MiB; "
                 f"max rel diff {agreement:.1e} (limit {tolerance:g})")
    return Row(4, f"Softmax backward, batch {batch}, {classes} classes, float64",
               "einops Jacobian + einsum", "Softmax.backward (VJP)", times["jacobian"],
               times["product"], f">= {limit:.0f}x", speedup >= limit and agreement <= tolerance,
               agreement, notes, ratio=speedup)


# --- 5. One learning-rate slider move -----------------------------------------------------


def slider_case(*, repeats: int = 7, limit_ratio: float = 4.0, limit_ms: float = 60.0,
                lrs=(0.03, 0.1, 0.3, 1.0), clock=time.perf_counter) -> Row:
    """One move of the live learning-rate slider on the article's data, against the
    retraining alone (``nnlib.lab.runs.run``) in the same rounds.

    A move retrains, redraws the figure and encodes it as the PNG the widget shows.
    Targets (issue 11): a move takes at most ``limit_ratio`` times the retraining,
    and its median is under ``limit_ms``. Everything here runs on one thread, so
    with ``clock=time.process_time`` the time is what a move costs, as a reader on an
    otherwise idle machine would wait for it.
    """
    # matplotlib and Pillow: only this case needs them
    from nnlib.lab.drawing import new_figure, rendered_png
    from nnlib.lab.explorer import update
    from nnlib.lab.runs import run

    fig = new_figure()
    moves = {"update": 0, "run": 0}

    def next_lr(which):  # every move is to another learning rate, as on the slider
        moves[which] += 1
        return lrs[moves[which] % len(lrs)]

    def slider_move():
        update(next_lr("update"), fig=fig)
        rendered_png(fig)

    def retrain_only():
        run(next_lr("run"))

    times, ratio = compare({"update": slider_move, "run": retrain_only}, "update", "run",
                           repeats=repeats, clock=clock)
    passed = ratio <= limit_ratio and times["update"] * 1e3 < limit_ms
    return Row(5, "learning-rate slider move (article data)",
               "explorer.update + rendered_png", "runs.run (retrain only)",
               times["update"], times["run"], f"<= {limit_ratio:.0f}x, < {limit_ms:.0f} ms",
               passed, ratio=ratio)


# --- 7. The book: the digits chapter alone, and a clean build of the whole book -----------


def chapter_notebook(prefix: str = "09_") -> Path | None:
    """The chapter notebook whose name starts with ``prefix``, or None."""
    found = sorted((ROOT / "book").glob(f"{prefix}*.ipynb"))
    return found[0] if found else None


def notebook_case(notebook: Path | None = None, *, limit_s: float = 30.0,
                  timeout: float = 600, one_blas_thread: bool = False) -> Row:
    """Execute one notebook alone with nbclient (kernel start included), as the
    book build does: working directory book/. With ``one_blas_thread`` the kernel
    runs with OPENBLAS_NUM_THREADS=1 (on a busy machine, a BLAS product split over
    threads waits for the slowest)."""
    import nbclient
    import nbformat

    notebook = chapter_notebook() if notebook is None else notebook
    what = "chapter 9 (digits) executed alone (nbclient)"
    if notebook is None:
        return Row(7, what, "-", None, math.nan, None, f"< {limit_s:.0f} s", None,
                   notes=["book/09_*.ipynb does not exist yet: not measured"])
    nb = nbformat.read(notebook, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                     resources={"metadata": {"path": str(notebook.parent)}})
    env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    if one_blas_thread:
        env["OPENBLAS_NUM_THREADS"] = "1"
    start = time.perf_counter()
    client.execute(env=env)  # passed on to the kernel manager
    seconds = time.perf_counter() - start
    threads = "one BLAS thread" if one_blas_thread else "BLAS threads as configured"
    return Row(7, what, notebook.name, None, seconds, None, f"< {limit_s:.0f} s",
               seconds < limit_s, notes=[f"wall clock, {threads}"])


def _timed_build(out: str, *flags: str, timeout: float) -> tuple[float, str, int]:
    """Run the README's build (tools/build_books.py) into OUT; (seconds, log, status)."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_books.py"), "--path-output", out,
         *flags],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
    )
    return time.perf_counter() - start, result.stdout + result.stderr, result.returncode


def _problems(log: str) -> str:
    """The warnings and errors of a failed build, without the kernel's TCP notice."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", log)  # without the terminal's colours
    lines = [line for line in plain.splitlines() if re.search(r"WARNING|ERROR", line)
             and "IPKernelApp" not in line]
    return " | ".join(lines[:3])[:300]


def book_build_case(*, timeout: float = 3600, limit_ratio: float = 2.0) -> Row:
    """The README's build of both editions, each into a fresh temporary folder, against
    the English edition alone (``--english-only``), one after the other. Target: both
    together take under ``limit_ratio`` times the English alone (the Chinese build
    reuses the English outputs instead of executing every notebook again)."""
    with tempfile.TemporaryDirectory(prefix="nnlib-book-") as out:
        english_s, english_log, english_status = _timed_build(
            str(Path(out) / "en"), "--english-only", timeout=timeout)
        both_s, both_log, both_status = _timed_build(str(Path(out) / "both"),
                                                     timeout=timeout)
        executed = len(list((Path(out) / "both" / "_build" / "jupyter_execute")
                            .rglob("*.ipynb")))
        chinese = len(list((Path(out) / "both" / "_build" / "html" / "zh" / "book")
                           .glob("*.html")))
    notes = [f"{executed} notebooks executed, {chinese} Chinese pages built"]
    for name, status, log in (("English alone", english_status, english_log),
                              ("both editions", both_status, both_log)):
        if status != 0:
            notes.append(f"{name}: exit {status}: {_problems(log)}")
    ratio = both_s / english_s
    passed = english_status == both_status == 0 and ratio < limit_ratio
    return Row(7, "clean build of both editions (-W -n --keep-going)",
               "tools/build_books.py", "the same, --english-only", both_s, english_s,
               f"< {limit_ratio:.1f}x", passed, notes=notes, ratio=ratio)


def versions() -> dict[str, str]:
    return {"python": sys.version.split()[0], "numpy": np.__version__,
            "einops": einops.__version__, "nnlib": nnlib.__version__}
