"""What the benchmarks run on: NumPy's BLAS library, its threads, the machine's load.

The timing itself (interleaved rounds, paired ratios) is ``nnlib.timing``, which the
book teaches in its performance chapter.
"""

import ctypes
import os

import numpy as np


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
