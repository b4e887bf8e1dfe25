"""The exceptions nnlib raises beyond plain ``ValueError`` and
``TypeError``."""


class CallOrderError(RuntimeError, ValueError):
    """A method was called too early, e.g. ``backward`` before ``forward``.

    It is also a ``ValueError`` so that one ``except ValueError`` catches every
    misuse of a layer.
    """


class TrainingDiverged(ArithmeticError):
    """The loss stopped being finite, or exploded, during training.

    Attributes:
        epoch: the 1-based epoch at which training stopped.
        loss: that epoch's loss (nan or inf if it was not finite).
        history: the losses of the epochs before it, shape (epoch - 1,).
    """

    def __init__(self, epoch: int, loss: float, history):
        self.epoch = epoch
        self.loss = loss
        self.history = history
        super().__init__(
            f"training diverged at epoch {epoch}: the loss became {loss:.4g}; "
            "try a smaller learning rate"
        )
