"""nnlib.layers.flatten: Flatten agrees with torch.flatten(x, 1) forward and backward
(values stored by tests/references/make_conv_references.py)."""

from pathlib import Path

import numpy as np
import pytest

from nnlib import Flatten, gradcheck

REFERENCES = np.load(Path(__file__).parents[1] / "references" / "conv_references.npz")
CONFIGS = sorted({key.split("_")[0] for key in REFERENCES.files if key.startswith("flatten")})


@pytest.mark.parametrize("name", CONFIGS)
def test_agrees_with_pytorch_flatten(name):
    x, g, z, dx = (REFERENCES[f"{name}_{part}"] for part in ("x", "g", "z", "dx"))
    flatten = Flatten()
    np.testing.assert_array_equal(flatten.forward(x), z)
    np.testing.assert_array_equal(flatten.backward(g), dx)
    assert gradcheck.check_layer(Flatten(), x)["x"] < 1e-9


def test_images_become_rows_in_channel_row_column_order():
    x = np.arange(2 * 3 * 2 * 2, dtype=float).reshape(2, 3, 2, 2)
    rows = Flatten().forward(x)
    assert rows.shape == (2, 12)
    np.testing.assert_array_equal(rows[1], np.arange(12, 24))


def test_float32_stays_float32_and_bad_input():
    flatten = Flatten()
    assert flatten.forward(np.ones((2, 1, 3, 3), np.float32)).dtype == np.float32
    with pytest.raises(ValueError, match=r"x must have a batch axis and at least one more, "
                                         r"shape \(batch, \.\.\.\); got shape \(4,\)"):
        flatten.forward(np.ones(4))
