"""nnlib.batches: every row once per epoch, and a clear error for a bad batch size."""

import pytest

from nnlib import (
    Linear,
    Model,
    ReLU,
    train,
)
from nnlib import data as nn_data


def test_mini_batches_cover_every_row_once_per_epoch():
    seen = []

    class Spy(ReLU):
        def forward(self, x):
            seen.append(len(x))
            return super().forward(x)

    x, labels = nn_data.make_moons(n=23, seed=0)
    model = Model([Linear(2, 4), Spy(), Linear(4, 2)])
    train(model, x, labels, lr=0.1, epochs=2, batch_size=5, rng=0)
    assert seen == [5, 5, 5, 5, 3] * 2  # the last, short batch included


@pytest.mark.parametrize("batch_size", [0, -1, 2.5])
def test_bad_batch_size(batch_size):
    x, labels = nn_data.article_data()
    with pytest.raises(ValueError, match="batch_size must be a positive integer or None"):
        train(Model([Linear(2, 2)]), x, labels, batch_size=batch_size)
