"""The exceptions nnlib raises beyond plain ``ValueError`` and
``TypeError``."""


class CallOrderError(RuntimeError, ValueError):
    """A method was called too early, e.g. ``backward`` before ``forward``.

    It is also a ``ValueError`` so that one ``except ValueError`` catches every
    misuse of a layer.
    """


class NonFiniteError(ValueError):
    """An array that must be finite holds inf or NaN.

    ``train`` checks the data before the first epoch, so during training this
    error can only mean that the network's own numbers overflowed.
    """


class TrainingDiverged(ArithmeticError):
    """The numbers of a training run stopped being finite.

    Attributes:
        epoch: the 1-based epoch at which training stopped.
        loss: that epoch's loss (nan or inf), or nan if a layer's output
            overflowed before the loss was computed.
        history: the ``History`` of the epochs before it.
    """

    def __init__(self, epoch: int, loss: float, history):
        self.epoch = epoch
        self.loss = loss
        self.history = history
        super().__init__(
            f"training diverged at epoch {epoch}: the loss became {loss:.4g} "
            "(the network's numbers overflowed); try a smaller learning rate"
        )
