"""Input checks: clear errors instead of NumPy tracebacks.

Each check says what was expected and what came, so that a reader who passes
the wrong thing learns what to fix. The layers do not call these checks in
their maths: the decorators at the end of this module wrap ``forward`` and
``backward``, so that what the book shows of a layer is its maths, and the
code that runs is still checked.
"""

import functools
import math

import numpy as np

from nnlib.errors import CallOrderError, NonFiniteError

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))  # kept as they are


# The layouts of a layer's input, its ``input_axes`` (the checks below read
# it; a layer without one takes a matrix). None: any number of axes after
# the batch axis, for layers that work entry by entry.
MATRIX = ("batch", "features")
IMAGES = ("batch", "channels", "height", "width")


def as_float_batch(x, name: str = "x", axes: tuple | None = MATRIX,
                   size: int | None = None) -> np.ndarray:
    """Return ``x`` as a finite float array with the axes ``axes`` (batch
    first) and, if ``size`` is given, ``size`` entries along axis 1 (the
    features of a matrix, the channels of images).

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
    if axes is None and x.ndim < 2:
        raise ValueError(f"{name} must have a batch axis and at least one "
                         f"more, shape (batch, ...); got shape {x.shape}")
    if axes is not None and x.ndim != len(axes):
        raise ValueError(
            f"{name} must be {len(axes)}-D with shape ({', '.join(axes)}); "
            f"got shape {x.shape}{_layout_hint(x, axes)}")
    if size is not None and x.shape[1] != size:
        what = "columns (features)" if axes == MATRIX else "channels"
        raise ValueError(f"{name} must have {size} {what}; "
                         f"got shape {x.shape}")
    if x.shape[0] == 0:
        raise ValueError(
            f"{name} must have at least one row; got shape {x.shape}")
    check_finite(x, name)
    return x


def as_float_matrix(x, name: str = "x",
                    n_columns: int | None = None) -> np.ndarray:
    """Return ``x`` as a finite 2-D float array of shape (batch, n_columns).
    """
    return as_float_batch(x, name, MATRIX, n_columns)


def _layout_hint(x: np.ndarray, axes: tuple) -> str:
    """What to do when x has the right numbers in the wrong layout."""
    side = math.isqrt(x.shape[1]) if x.ndim == 2 else 0
    if axes == IMAGES and x.ndim == 2 and side > 1 and side**2 == x.shape[1]:
        return (f" (rows of {x.shape[1]} pixels? as images of one channel: "
                f"x.reshape(-1, 1, {side}, {side}))")
    if axes == IMAGES and x.ndim == 3:
        return " (images of one channel? add the channel axis: x[:, None])"
    if axes == MATRIX and x.ndim == 4:
        return " (images? put a Flatten() layer before this one)"
    return ""


def layer_input(layer, x, name: str = "x") -> np.ndarray:
    """``x`` checked as ``layer`` takes it: with the axes of
    ``layer.input_axes`` (a matrix if it has none), and with
    ``layer.in_features`` columns or ``layer.in_channels`` channels if it
    has that attribute."""
    size = getattr(layer, "in_features", getattr(layer, "in_channels", None))
    return as_float_batch(x, name, getattr(layer, "input_axes", MATRIX), size)


def model_input(model, x, name: str = "x", like=None) -> np.ndarray:
    """``x`` checked as the first layer of ``model`` takes it (images for a
    convolutional network, a matrix for an MLP); ``like``: the training x,
    whose shape after the batch axis x must have (for validation data)."""
    layers = getattr(model, "layers", None)
    axes = getattr(layers[0], "input_axes", MATRIX) if layers else MATRIX
    if axes == MATRIX:
        return as_float_batch(x, name, MATRIX,
                              None if like is None else like.shape[1])
    x = as_float_batch(x, name, axes)
    if like is not None and x.shape[1:] != like.shape[1:]:
        expected = ", ".join(map(str, like.shape[1:]))
        raise ValueError(f"{name} must have shape (batch, {expected}) like "
                         f"x; got shape {x.shape}")
    return x


def check_finite(x: np.ndarray, name: str) -> None:
    """Raise ``NonFiniteError`` naming the first inf or NaN entry of x."""
    # The sum of x is NaN or inf whenever an entry is, and one pass of
    # np.sum is cheaper than np.isfinite(x).all(), which builds a boolean
    # array. (Not x @ x: BLAS may start threads for it, which costs far more
    # than the sum on a busy machine.) Only when the sum is not finite (an
    # entry is, or the sum overflowed) do we look for a bad entry.
    if math.isfinite(x.sum()):  # math, not np: faster on a single number
        return
    bad = np.argwhere(~np.isfinite(x))
    if len(bad):
        where = tuple(int(i) for i in bad[0])
        raise NonFiniteError(
            f"{name} must be finite; got {x[where]} at index {where}")


def as_labels(labels, n_classes: int | None, batch: int) -> np.ndarray:
    """Return ``labels`` as a 1-D int array of length ``batch`` with values
    in [0, n_classes) (n_classes None: any class index >= 0)."""
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        raise TypeError(_label_dtype_message(labels))
    if labels.ndim != 1:
        hint = (" (one-hot rows: use labels.argmax(axis=1))"
                if labels.ndim == 2 and _is_one_hot(labels) else "")
        raise ValueError("labels must be 1-D with shape (batch,); "
                         f"got shape {labels.shape}{hint}")
    if len(labels) != batch:
        raise ValueError(
            f"labels must have one entry per row: expected {batch}, "
            f"got {len(labels)}"
        )
    if n_classes is None:
        if (labels < 0).any():
            i = int(np.argmax(labels < 0))
            raise ValueError("labels must be class indices: integers >= 0; "
                             f"got {labels[i]} at index {i}")
        return labels
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


def _label_dtype_message(labels: np.ndarray) -> str:
    expected = "labels must be integer class indices"
    if labels.dtype.kind != "f":
        return f"{expected}; got dtype {labels.dtype}"
    if labels.ndim == 2 and _is_one_hot(labels):
        return (f"{expected}, one per row; got one-hot rows of shape "
                f"{labels.shape} (use labels.argmax(axis=1))")
    whole = np.isfinite(labels) & (labels == np.round(labels))
    if whole.all():  # 0.0, 1.0, ...: the right numbers in the wrong type
        return (f"{expected}; got dtype {labels.dtype} "
                "(the values are whole numbers: use labels.astype(int))")
    i = int(np.argmin(whole))
    return (f"{expected}; got {labels.flat[i]} at index {i}: these labels "
            "are not class indices (did you pass probabilities or "
            "one-hot rows?)")


def _is_one_hot(rows: np.ndarray) -> bool:
    """True when every row holds one 1 and zeros elsewhere."""
    return bool(((rows == 0) | (rows == 1)).all()
                and (rows.sum(axis=1) == 1).all())


def require_forward(layer: object, method: str = "backward"):
    """Return what ``layer``'s last forward recorded (``_last_forward``), or
    raise a clear error when ``method`` runs before any forward."""
    last = getattr(layer, "_last_forward", None)
    if last is None:
        raise CallOrderError(
            f"{type(layer).__name__}.{method}() called before forward()")
    return last


def check_grad_shape(grad, expected: tuple, layer: object) -> np.ndarray:
    """Return ``grad`` as an array, or say which shape backward expected."""
    grad = np.asarray(grad)
    if grad.shape != expected:
        raise ValueError(
            f"{type(layer).__name__}.backward expects grad of shape "
            f"{expected} (the shape of its forward output); got {grad.shape}"
        )
    return grad


# --- The guards around each layer's maths ------------------------------------

def checked_forward(forward):
    """Wrap a layer's ``forward(x)``: check x, keep x's float dtype.

    x must be finite and shaped as the layer takes it (``layer_input``):
    a (batch, features) matrix unless the layer's ``input_axes`` say
    otherwise. The output is cast back to x's dtype, so float32 in gives
    float32 out even from float64 parameters.
    """
    @functools.wraps(forward)
    def wrapper(self, x):
        x = layer_input(self, x)
        out = forward(self, x)
        # what backward checks against
        self._last_forward = (out.shape, x.dtype)
        return out.astype(x.dtype, copy=False)
    return wrapper


def checked_backward(backward):
    """Wrap a layer's ``backward(grad)``: forward must have run, and grad
    must have the shape of its output. The result keeps the input's dtype.
    """
    @functools.wraps(backward)
    def wrapper(self, grad):
        if getattr(self, "_checking_backward", False):
            # called from the layer's own checked backward (Linear.backward
            # calls param_backward): grad was checked once, that is enough
            return backward(self, grad)
        out_shape, in_dtype = require_forward(self)
        grad = check_grad_shape(grad, out_shape, self)
        self._checking_backward = True
        try:
            result = backward(self, grad)
        finally:
            self._checking_backward = False
        return None if result is None else result.astype(in_dtype, copy=False)
    return wrapper


def checked_loss(*, probabilities: bool = False):
    """Wrap a loss's ``forward(scores, labels)``: scores finite (batch, C),
    labels integers in [0, C); with ``probabilities=True`` the scores must be
    in [0, 1]."""
    name = "probs" if probabilities else "logits"

    def decorate(forward):
        @functools.wraps(forward)
        def wrapper(self, scores, labels):
            scores = as_float_matrix(scores, name)
            if probabilities and ((scores < 0).any() or (scores > 1).any()):
                raise ValueError("probs must be probabilities in [0, 1]; "
                                 "did you pass logits? "
                                 "Use SoftmaxCrossEntropy for logits")
            labels = as_labels(labels, scores.shape[1], len(scores))
            loss = forward(self, scores, labels)
            # only once forward has succeeded: what backward will return
            self._last_forward = (scores.shape, scores.dtype)
            return loss
        return wrapper
    return decorate


def checked_loss_backward(backward):
    """Wrap a loss's ``backward()``: forward must have run."""
    @functools.wraps(backward)
    def wrapper(self):
        require_forward(self)
        return backward(self)
    return wrapper
