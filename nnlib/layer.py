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

Two more attributes, with defaults here:

- ``training`` (True by default) says whether the layer is in training or
  in evaluation mode: ``Dropout`` and ``BatchNorm`` behave differently in
  the two; ``Model.training_mode()`` and ``Model.evaluation_mode()`` set it
  on every layer at once;
- ``decay_names`` lists the parameters that weight decay shrinks (the
  optimizers read it through ``Param.decays``): ``Linear``'s weights ``w``,
  not its biases; ``buffer_names`` lists arrays that forward updates
  without a gradient (``BatchNorm``'s running statistics), which early
  stopping saves together with the parameters.

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
    decays: bool = False  # does weight decay shrink it? (Layer.decay_names)


class Layer:
    """Base class of every layer: the parameter walk and its defaults."""

    param_names: tuple[str, ...] = ()  # e.g. ("w", "b")
    decay_names: tuple[str, ...] = ()  # those weight decay shrinks: ("w",)
    buffer_names: tuple[str, ...] = ()  # state without a gradient
    training: bool = True  # False: evaluation mode

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
        stored in ``dw``) and whether weight decay shrinks it."""
        return [Param(name, getattr(self, name),
                      getattr(self, "d" + name, None),
                      name in self.decay_names)
                for name in self.param_names]

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
