"""Timing helpers: interleaved repeats, medians, and what BLAS runs underneath.

Machines are noisy, and a shared one more so. A figure is only meaningful next to a
baseline measured in the same run, under the same noise, so ``measure`` times several
functions *interleaved*: repeat 1 runs A then B, repeat 2 runs B then A, and so on. A
burst of load from another process then hits both sides, and the median of the
repeats ignores the worst bursts.
"""

import ctypes
import gc
import math
import os
import statistics
import time
from collections.abc import Callable

import numpy as np


def calls_per_sample(fn: Callable[[], object], min_time: float) -> int:
    """How many calls of ``fn`` make one sample last about ``min_time`` seconds.

    A single call of a fast function (a few microseconds) is shorter than the timer's
    resolution and the noise, so fast functions are timed in batches of calls.
    """
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    return max(1, math.ceil(min_time / max(once, 1e-9)))


def measure_rounds(fns: dict[str, Callable[[], object]], *, repeats: int = 7, warmup: int = 1,
                   min_time: float = 0.02) -> dict[str, list[float]]:
    """Seconds per call of each function in ``fns``, one sample per round, interleaved.

    Every function is first called ``warmup`` times (caches, lazy allocations, BLAS
    threads waking up), then ``repeats`` rounds run each function once per round,
    in an order that rotates from round to round. Each sample times enough calls to
    last ``min_time`` seconds. The garbage collector is off while timing.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1; got {repeats}")
    names = list(fns)
    for name in names:
        for _ in range(warmup):
            fns[name]()
    number = {name: calls_per_sample(fns[name], min_time) for name in names}
    samples: dict[str, list[float]] = {name: [] for name in names}
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for round_ in range(repeats):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:  # rotate: A B C, B C A, C A B, ...
                fn, n = fns[name], number[name]
                start = time.perf_counter()
                for _ in range(n):
                    fn()
                samples[name].append((time.perf_counter() - start) / n)
    finally:
        if gc_was_enabled:
            gc.enable()
    return samples


def measure(fns: dict[str, Callable[[], object]], *, repeats: int = 7, warmup: int = 1,
            min_time: float = 0.02) -> dict[str, float]:
    """Median seconds per call of each function in ``fns``, timed interleaved
    (see ``measure_rounds``)."""
    rounds = measure_rounds(fns, repeats=repeats, warmup=warmup, min_time=min_time)
    return {name: statistics.median(values) for name, values in rounds.items()}


def paired_ratio(candidate: list[float], baseline: list[float]) -> float:
    """The median over rounds of candidate / baseline, each pair timed in the same round.

    Load from other programs comes and goes over seconds; the two samples of one round
    are taken a few milliseconds apart and share it, so their ratio is steadier than
    the ratio of two medians.
    """
    return statistics.median(c / b for c, b in zip(candidate, baseline, strict=True))


def max_rel_diff(a, b) -> float:
    """max |a - b| / max |b|: how far ``a`` is from ``b``, relative to b's size."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.abs(b).max()
    return float(np.abs(a - b).max() / scale) if scale > 0 else float(np.abs(a).max())


def _openblas_library():
    """The OpenBLAS library that NumPy has loaded, or None (found in /proc/self/maps)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
    except OSError:
        return None
    for path in sorted(paths):
        if path.endswith(".so") or ".so." in path:
            try:
                return ctypes.CDLL(path)
            except OSError:
                continue
    return None


def _openblas_call(lib, names: tuple[str, ...], restype):
    for name in names:
        fn = getattr(lib, name, None)
        if fn is not None:
            fn.restype = restype
            return fn()
    return None


def blas_info() -> dict[str, object]:
    """What does NumPy's matrix product run on? Library, version, threads, settings.

    Read-only: it reports the environment variables that steer OpenBLAS and never
    changes them.
    """
    info: dict[str, object] = {"numpy": np.__version__, "cpus": os.cpu_count()}
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["blas"] = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # the layout of show_config differs between NumPy versions
        info["blas"] = "unknown"
    lib = _openblas_library()
    if lib is not None:
        suffixes = ("scipy_openblas_{}64_", "scipy_openblas_{}", "openblas_{}64_", "openblas_{}")
        for key, name in (("threads", "get_num_threads"), ("core", "get_corename"),
                          ("config", "get_config")):
            restype = ctypes.c_int if key == "threads" else ctypes.c_char_p
            value = _openblas_call(lib, tuple(s.format(name) for s in suffixes), restype)
            if isinstance(value, bytes):
                value = value.decode().strip()
            if value is not None:
                info[f"openblas_{key}"] = value
    try:  # optional: threadpoolctl is not a dependency of the project
        from threadpoolctl import threadpool_info
        info["threadpools"] = [{k: p.get(k) for k in ("internal_api", "num_threads", "version",
                                                      "architecture")}
                               for p in threadpool_info()]
    except ImportError:
        pass
    try:  # other programs running at the same time make every timing noisier
        info["load_average"] = os.getloadavg()[0]
    except OSError:
        info["load_average"] = None
    info["env"] = {name: os.environ.get(name) for name in (
        "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    return info


def describe_blas(info: dict[str, object] | None = None) -> str:
    """``blas_info()`` as two short lines for a report header."""
    info = blas_info() if info is None else info
    env = ", ".join(f"{k}={v}" for k, v in info["env"].items() if v is not None) or "none set"
    threads = info.get("openblas_threads", "?")
    core = info.get("openblas_core", "?")
    load = info.get("load_average")
    load = "unknown" if load is None else f"{load:.1f}"
    return (f"NumPy {info['numpy']}, BLAS {info['blas']}, {threads} BLAS thread(s) on "
            f"{info['cpus']} CPU(s), kernel {core}\n"
            f"OpenBLAS/OpenMP environment variables: {env}; load average (1 min): {load}")
