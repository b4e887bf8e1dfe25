"""nnlib.data: the article's points, the generated 2-D sets, the digits and their split."""

import numpy as np
import pytest

from nnlib import (
    data,
)
from nnlib import data as nn_data

GENERATORS = {"moons": (data.make_moons, 2), "circles": (data.make_circles, 2),
              "xor": (data.make_xor, 2), "spirals": (data.make_spirals, 3)}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generator_shapes_and_labels(name):
    make, n_classes = GENERATORS[name]
    x, labels = make(120, seed=3)
    assert x.shape == (120, 2) and x.dtype == np.float64
    assert labels.shape == (120,) and labels.dtype.kind == "i"
    assert set(labels.tolist()) == set(range(n_classes))
    assert np.isfinite(x).all()


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generators_are_seeded(name):
    make, _ = GENERATORS[name]
    x1, y1 = make(seed=5)
    x2, y2 = make(seed=5)
    x3, _ = make(seed=6)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(x1, x3)


def test_spirals_arms_and_noise():
    x, labels = data.make_spirals(200, arms=4, noise=0.0, seed=0)
    assert set(labels.tolist()) == {0, 1, 2, 3}
    assert np.linalg.norm(x, axis=1).max() <= 1.0  # without noise, every point is in the unit disc
    with pytest.raises(ValueError, match="noise must be >= 0"):
        data.make_moons(noise=-1)


def test_datasets_registry():
    for name, make in data.DATASETS.items():
        x, labels = make(seed=0)
        assert x.shape == (len(labels), 2), name


def test_train_test_split_is_disjoint_and_complete():
    x = np.arange(100, dtype=np.float64).reshape(50, 2)  # row i is (2i, 2i + 1)
    labels = np.arange(50) % 2
    x_train, x_test, y_train, y_test = data.train_test_split(x, labels, test_fraction=0.2,
                                                             seed=1)
    assert len(x_test) == 10 and len(x_train) == 40
    rows_train, rows_test = set(x_train[:, 0] // 2), set(x_test[:, 0] // 2)
    assert not rows_train & rows_test
    assert rows_train | rows_test == set(range(50))
    np.testing.assert_array_equal(y_train, (x_train[:, 0] // 2) % 2)  # labels follow rows
    np.testing.assert_array_equal(y_test, (x_test[:, 0] // 2) % 2)
    again = data.train_test_split(x, labels, test_fraction=0.2, seed=1)
    np.testing.assert_array_equal(again[1], x_test)
    with pytest.raises(ValueError, match="test_fraction"):
        data.train_test_split(x, labels, test_fraction=1.5)


def test_load_digits_shapes_and_types():
    x, labels = data.load_digits()
    assert x.shape == (1797, 64) and x.dtype == np.float64
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert x.min() == 0 and x.max() == 16
    assert set(np.unique(labels)) == set(range(10))


def test_stratified_split_keeps_every_class_in_proportion():
    x, labels = data.load_digits()
    x_train, x_test, labels_train, labels_test = data.stratified_split(
        x, labels, test_fraction=0.2, seed=3)
    assert len(x_train) + len(x_test) == len(x)
    counts, test_counts = np.bincount(labels), np.bincount(labels_test)
    assert np.all(np.abs(test_counts - 0.2 * counts) <= 0.5)
    # disjoint and complete: every image lands in exactly one part
    rows = {row.tobytes() for row in x}
    assert len(rows) == len(x)  # the digits hold no duplicate image
    assert {r.tobytes() for r in x_train}.isdisjoint(
        {r.tobytes() for r in x_test})
    # the labels travel with their images
    lookup = {row.tobytes(): label for row, label in zip(x, labels,
                                                         strict=True)}
    assert all(lookup[r.tobytes()] == k
               for r, k in zip(x_test, labels_test, strict=True))


def test_split_is_seeded():
    a, b, c = (data.stratified_split(*data.load_digits(), seed=s)
               for s in (1, 1, 2))
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    assert not np.array_equal(a[3], c[3])


def test_stratified_split_rejects_bad_fractions():
    x, labels = data.load_digits()
    for fraction in (0, 1, 1.5, -0.1):
        with pytest.raises(ValueError, match="test_fraction"):
            data.stratified_split(x, labels, test_fraction=fraction)


def test_digits_split_sizes_and_standardisation_from_training_only():
    split = data.digits_split(0)
    n_train, n_val, n_test = (len(split.labels_train), len(split.labels_val),
                              len(split.labels_test))
    assert n_train + n_val + n_test == 1797
    assert abs(n_test - 0.2 * 1797) <= 5
    assert abs(n_val - 0.2 * (1797 - n_test)) <= 5
    # the training part is standardised exactly (constant pixels: centred)
    assert np.allclose(split.x_train.mean(axis=0), 0, atol=1e-12)
    std = split.x_train.std(axis=0)
    assert np.allclose(std[std > 1e-12], 1)
    # the other parts use the training part's numbers, not their own
    raw_train = split.x_train * split.standardize.scale + split.standardize.mean
    assert np.allclose(split.standardize.mean, raw_train.mean(axis=0))
    assert not np.allclose(split.x_test.mean(axis=0), 0, atol=1e-3)
    raw_test = split.x_test * split.standardize.scale + split.standardize.mean
    pixels = np.round(raw_test)
    assert np.allclose(raw_test, pixels)  # pixels 0..16 again
    assert pixels.min() == 0 and pixels.max() == 16


def test_standardizer_leaves_constant_features_finite():
    x_train = np.array([[0.0, 1.0], [0.0, 3.0]])
    standardize = data.Standardizer(x_train)
    assert np.array_equal(standardize.scale, [1.0, 1.0])
    assert np.allclose(standardize(x_train), [[0, -1], [0, 1]])
    assert np.allclose(standardize([[5.0, 2.0]]), [[5.0, 0.0]])


def test_article_data_is_the_article_data():
    x, labels = nn_data.article_data()
    assert x.shape == (10, 2) and x.dtype == np.float64 and labels.dtype.kind == "i"
    assert x[0].tolist() == [2, 1] and x[-1].tolist() == [7, 4]
    assert labels.tolist() == [0, 0, 1, 1, 0, 0, 1, 0, 1, 1]
    assert nn_data.query_points().tolist() == [[0, 0], [0, 4], [8, 6], [10, 10]]
