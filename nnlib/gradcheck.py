"""Numerical gradient checks: central differences and relative error.

Use them on any layer (``check_layer``) or loss (``check_loss``) to confirm
that a hand-written backward agrees with the derivative of its forward.
"""

import numpy as np


def numerical_gradient(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """d f(x) / dx by central differences:
    (f(x + h) - f(x - h)) / (2 h), entry by entry, with a small step h.

    ``f`` takes no argument and reads ``x``, which is perturbed in place and
    restored.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        f_plus = f()
        x[index] = original - h
        f_minus = f()
        x[index] = original
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / (||a|| + ||b||): 0 when equal, 1 when one of them is
    zero."""
    # extended precision, so that huge entries do not overflow the norms
    a, b = np.asarray(a, np.longdouble), np.asarray(b, np.longdouble)
    if a.shape != b.shape:
        raise ValueError(
            f"cannot compare gradients of shapes {a.shape} and {b.shape}")
    scale = np.linalg.norm(a.ravel()) + np.linalg.norm(b.ravel())
    return 0.0 if scale == 0 else float(np.linalg.norm((a - b).ravel())
                                        / scale)


def layer_gradients(layer, x: np.ndarray, upstream: np.ndarray) -> dict:
    """What ``layer.backward(upstream)`` gives: {"x": dL/dx, "w": dL/dw, ...}
    after ``layer.forward(x)``."""
    layer.forward(x)
    gradients = {"x": layer.backward(upstream)}
    gradients.update({p.name: p.grad for p in layer.parameters()})
    return gradients


def layer_numerical_gradients(layer, x: np.ndarray,
                              upstream: np.ndarray) -> dict:
    """The same gradients by central differences of the scalar
    L = sum(forward(x) * upstream), whose dL/d(output) is ``upstream``."""
    x = np.array(x, dtype=np.float64)

    def scalar() -> float:
        return float((layer.forward(x) * upstream).sum())

    gradients = {"x": numerical_gradient(scalar, x)}
    gradients.update({p.name: numerical_gradient(scalar, p.value)
                      for p in layer.parameters()})
    return gradients


def check_layer(layer, x: np.ndarray, *, seed: int = 0) -> dict[str, float]:
    """Relative error of ``layer.backward`` for dL/dx and every parameter.

    The upstream gradient is a fixed random array, so that any layer output
    is checked. Returns {"x": err, "w": err, ...}.
    """
    x = np.array(x, dtype=np.float64)
    upstream = np.random.default_rng(seed).normal(size=layer.forward(x).shape)
    analytic = layer_gradients(layer, x, upstream)
    numeric = layer_numerical_gradients(layer, x, upstream)
    return {name: rel_error(analytic[name], numeric[name])
            for name in analytic}


def check_loss(loss, inputs: np.ndarray, labels: np.ndarray) -> float:
    """Relative error of ``loss.backward()`` against the numerical gradient
    of ``loss.forward``."""
    inputs = np.array(inputs, dtype=np.float64)
    loss.forward(inputs, labels)
    analytic = loss.backward()
    numeric = numerical_gradient(lambda: loss.forward(inputs, labels), inputs)
    return rel_error(analytic, numeric)


def check_model(model, x: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Relative error of every parameter gradient of a whole model, loss
    included. Returns {"layers[0].w": err, "layers[0].b": err, ...}.

    The numerical gradients come first, at the parameters as they are; then
    one ``model.loss_and_backward`` gives the analytic ones. (A layer that
    wrongly changed its parameters inside backward would otherwise be
    compared at the changed values.)
    """
    x = np.array(x, dtype=np.float64)

    numeric = {param.name: numerical_gradient(
                   lambda: model.mean_loss(x, labels), param.value)
               for param in model.parameters()}
    model.loss_and_backward(x, labels)
    errors = {}
    for param in model.parameters():
        if param.grad is None:
            raise ValueError(
                f"{param.name}: backward stored no gradient for it")
        errors[param.name] = rel_error(param.grad, numeric[param.name])
    return errors


def check_backward_changes_nothing(layer, x: np.ndarray, *,
                                   seed: int = 0) -> dict[str, float]:
    """How far one ``layer.backward`` call moved each parameter:
    {"w": 0.0, "b": 0.0} for a layer that keeps the contract.

    The gradient checks compare numbers, so they cannot see a backward
    that also updates the parameters: ``check_model`` takes its finite
    differences before backward runs, and such a backward computes its
    gradients before it moves anything. This check looks at the parameters
    themselves: it runs forward, copies every parameter, runs backward with
    a fixed random upstream gradient and returns the largest absolute
    change of each parameter (0.0 when untouched).
    """
    x = np.array(x, dtype=np.float64)
    upstream = np.random.default_rng(seed).normal(size=layer.forward(x).shape)
    before = {p.name: p.value.copy() for p in layer.parameters()}
    layer.backward(upstream)
    return {p.name: float(np.max(np.abs(p.value - before[p.name]),
                                 initial=0.0))
            for p in layer.parameters()}
