"""Input checks shared by every layer: clear errors instead of NumPy
tracebacks.

Each check says what was expected and what came, so that a reader who passes
the wrong thing learns what to fix.
"""

import math

import numpy as np

from nnlib.errors import CallOrderError

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))  # kept as they are


def as_float_matrix(x, name: str = "x",
                    n_columns: int | None = None) -> np.ndarray:
    """Return ``x`` as a finite 2-D float array of shape (batch, n_columns).

    float32 and float64 arrays keep their dtype; integers become float64.
    """
    x = np.asarray(x)
    if x.dtype not in FLOAT_DTYPES:
        if x.dtype.kind not in "iu":
            raise TypeError(
                f"{name} must hold real numbers (float32, float64 or int); "
                f"got dtype {x.dtype}"
            )
        x = x.astype(np.float64)
    if x.ndim != 2:
        raise ValueError(f"{name} must be 2-D with shape (batch, features); "
                         f"got shape {x.shape}")
    if n_columns is not None and x.shape[1] != n_columns:
        raise ValueError(f"{name} must have {n_columns} columns (features); "
                         f"got shape {x.shape}")
    if x.shape[0] == 0:
        raise ValueError(
            f"{name} must have at least one row; got shape {x.shape}")
    _check_finite(x, name)
    return x


def _check_finite(x: np.ndarray, name: str) -> None:
    # The sum of squares x . x is NaN or inf whenever an entry is, and BLAS
    # computes it several times faster than np.isfinite(x).all() or x.sum().
    # Only when it is not finite (an entry is, or the squares overflowed) do
    # we look for a bad entry.
    flat = x.ravel()
    if math.isfinite(flat @ flat):  # math, not np: faster on a single number
        return
    bad = np.argwhere(~np.isfinite(x))
    if len(bad):
        where = tuple(int(i) for i in bad[0])
        raise ValueError(
            f"{name} must be finite; got {x[where]} at index {where}")


def as_labels(labels, n_classes: int, batch: int) -> np.ndarray:
    """Return ``labels`` as a 1-D int array of length ``batch`` with values
    in [0, n_classes)."""
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        raise TypeError(
            "labels must be integer class indices (e.g. labels.astype(int)); "
            f"got dtype {labels.dtype}"
        )
    if labels.ndim != 1:
        raise ValueError("labels must be 1-D with shape (batch,); "
                         f"got shape {labels.shape}")
    if len(labels) != batch:
        raise ValueError(
            f"labels must have one entry per row: expected {batch}, "
            f"got {len(labels)}"
        )
    # Seen as unsigned integers of the same size, negative labels become huge,
    # so one max() catches both labels < 0 and labels >= n_classes.
    if labels.view(f"u{labels.itemsize}").max() >= n_classes:
        # the first bad entry
        i = int(np.argmax((labels < 0) | (labels >= n_classes)))
        raise ValueError(
            f"labels must be integers in [0, {n_classes}); "
            f"got {labels[i]} at index {i}"
        )
    return labels


def require_forward(cache, layer: object) -> None:
    """Raise a clear error when ``backward`` runs before ``forward``."""
    if cache is None:
        raise CallOrderError(
            f"{type(layer).__name__}.backward() called before forward()")


def check_grad_shape(grad, expected: tuple, layer: object) -> np.ndarray:
    """Return ``grad`` as an array, or say which shape backward expected."""
    grad = np.asarray(grad)
    if grad.shape != expected:
        raise ValueError(
            f"{type(layer).__name__}.backward expects grad of shape "
            f"{expected} (the shape of its forward output); got {grad.shape}"
        )
    return grad
