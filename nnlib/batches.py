"""Mini-batches: which rows each optimizer step of an epoch trains on.

``epoch_batches(n_rows, batch_size, rng)`` gives one epoch's batches. Each
call draws a new permutation from ``rng``, so calling it once per epoch with
the same generator gives every epoch a new order, and the same seed the
same sequence of orders: the same numbers.
"""

import numpy as np


def check_batch_size(batch_size) -> None:
    """Raise a clear error unless ``batch_size`` is None or an int >= 1."""
    if batch_size is None:
        return
    if (isinstance(batch_size, bool)
            or not isinstance(batch_size, (int, np.integer))
            or batch_size < 1):
        raise ValueError(
            f"batch_size must be a positive integer or None; "
            f"got {batch_size!r}")


def epoch_batches(n_rows: int, batch_size: int | None,
                  rng: np.random.Generator) -> list[np.ndarray | None]:
    """The row indices of each batch of one epoch, in order.

    ``batch_size=None``: ``[None]``, one batch of every row in its original
    order (full-batch gradient descent; ``rng`` is not used). Otherwise a
    new permutation of the ``n_rows`` rows, cut into batches of
    ``batch_size``; the last batch takes what is left.
    """
    check_batch_size(batch_size)
    if batch_size is None:
        return [None]
    order = rng.permutation(n_rows)  # a new shuffle every epoch
    return [order[start:start + batch_size]
            for start in range(0, n_rows, batch_size)]
