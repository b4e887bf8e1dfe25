"""The layer contract, in one place. Every layer has four methods:

- ``forward(x)`` caches what ``backward`` needs and returns the output;
- ``backward(grad)`` takes dL/d(output), returns dL/d(input) and stores the
  gradient of each parameter (``dw`` for ``w``, ``db`` for ``b``); it never
  changes a parameter: the optimizer does;
- ``param_backward(grad)`` stores the parameter gradients only. ``Model``
  calls it on its first layer, whose input is the data: nobody needs
  dL/d(data), so a layer may skip computing it (``Linear`` does). The
  default runs ``backward``;
- ``parameters()`` lists each parameter with its gradient. It is the one walk
  over parameters that the optimizer, the gradient checks and the exercises
  use.

The input checks (``nnlib.checks``) wrap ``forward`` and ``backward``; the
record of the last forward (``_last_forward``) is how ``backward`` knows
that forward has run.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter array and the gradient backward stored for it."""

    name: str  # e.g. "w", or "layers[0].w" inside a Model
    value: np.ndarray  # the array itself: changing it changes the layer
    grad: np.ndarray | None  # dL/d(value), same shape; None before backward


class Layer:
    """Base class of every layer: the parameter walk and its defaults."""

    param_names: tuple[str, ...] = ()  # e.g. ("w", "b")

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def param_backward(self, grad: np.ndarray) -> None:
        """Store the parameter gradients only, without dL/d(input).

        ``Model`` calls it on its first layer, whose input is the data: no
        layer below needs that gradient. By default it runs ``backward``.
        """
        if self.param_names:
            self.backward(grad)

    def parameters(self) -> list[Param]:
        """Each parameter with its gradient (the gradient of ``w`` is
        stored in ``dw``)."""
        return [Param(name, getattr(self, name),
                      getattr(self, "d" + name, None))
                for name in self.param_names]

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
