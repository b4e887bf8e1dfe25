"""The book's data: the article's 10 points, generated 2-D sets, and real
handwritten digits.

Every function here is seeded: the same seed gives the same data and the same
split.
"""

from dataclasses import dataclass

import numpy as np

# Each row is (x1, x2, label). Class 0 sits near the origin, class 1 further
# out.
ARTICLE_DATA = np.array([
    [2, 1, 0],
    [2, 2, 0],
    [5, 4, 1],
    [4, 5, 1],
    [2, 3, 0],
    [3, 2, 0],
    [6, 5, 1],
    [4, 1, 0],
    [6, 3, 1],
    [7, 4, 1],
])


def article_data() -> tuple[np.ndarray, np.ndarray]:
    """x: (10, 2) float64 points and labels: (10,) int class indices."""
    return (ARTICLE_DATA[:, :2].astype(np.float64),
            ARTICLE_DATA[:, 2].astype(np.int64))


def query_points() -> np.ndarray:
    """The 4 points the article classifies after training: (4, 2) float64."""
    return np.array([[0, 0], [0, 4], [8, 6], [10, 10]], dtype=np.float64)


# --- Generated data sets (like TensorFlow Playground's), all seeded. ---------
# Each returns x: (n, 2) float64 and labels: (n,) int64; ``noise`` is the
# standard deviation of Gaussian jitter added to the points.


def make_moons(n: int = 200, *, noise: float = 0.1, seed: int = 0):
    """Two interleaving half circles, one per class."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2
    angle = rng.uniform(0, np.pi, n)
    x = np.column_stack([np.cos(angle), np.sin(angle)])
    # flip and shift the second moon
    x[labels == 1] = 1 - x[labels == 1] - [0, 0.5]
    return _jitter(x, noise, rng), labels


def make_circles(n: int = 200, *, noise: float = 0.1, factor: float = 0.5,
                 seed: int = 0):
    """A small circle (class 1) inside a large one (class 0)."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2
    angle = rng.uniform(0, 2 * np.pi, n)
    radius = np.where(labels == 1, factor, 1.0)
    x = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return _jitter(x, noise, rng), labels


def make_xor(n: int = 200, *, noise: float = 0.1, seed: int = 0):
    """Four clusters at (+-1, +-1); the class is 1 where the two signs
    differ."""
    rng = np.random.default_rng(seed)
    signs = rng.choice([-1.0, 1.0], size=(n, 2))
    labels = (signs[:, 0] != signs[:, 1]).astype(np.int64)
    return (_jitter(signs * rng.uniform(0.3, 1.0, size=(n, 2)), noise, rng),
            labels)


def make_spirals(n: int = 300, *, arms: int = 3, noise: float = 0.1,
                 seed: int = 0):
    """``arms`` interleaved spiral arms, one class per arm."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % arms
    t = rng.uniform(0, 1, n)  # 0 at the centre, 1 at the tip of the arm
    angle = 4 * t + 2 * np.pi * labels / arms
    x = t[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return _jitter(x, noise * 0.3, rng), labels


def _jitter(x: np.ndarray, noise: float,
            rng: np.random.Generator) -> np.ndarray:
    if noise < 0:
        raise ValueError(f"noise must be >= 0; got {noise}")
    return x + rng.normal(0, noise, x.shape)


def train_test_split(x: np.ndarray, labels: np.ndarray, *,
                     test_fraction: float = 0.25, seed: int = 0):
    """Shuffle and split: returns x_train, x_test, labels_train,
    labels_test."""
    if not 0 < test_fraction < 1:
        raise ValueError(
            f"test_fraction must be in (0, 1); got {test_fraction}")
    order = np.random.default_rng(seed).permutation(len(x))
    n_test = max(1, round(test_fraction * len(x)))
    test, train = order[:n_test], order[n_test:]
    return x[train], x[test], labels[train], labels[test]


# --- Real data: handwritten digits -----------------------------------------


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """1,797 handwritten digits of 8x8 pixels, shipped with scikit-learn.

    Returns x: (1797, 64) float64, each row one image, its 8 rows of 8
    pixels one after the other, values 0 (white) to 16 (black); and labels:
    (1797,) int64, the digit 0..9 that each image shows. Nothing downloads:
    the data are part of the scikit-learn package.
    """
    # imported here: the rest of nnlib does not need scikit-learn
    from sklearn.datasets import load_digits as sklearn_digits

    digits = sklearn_digits()
    return (digits.data.astype(np.float64),
            digits.target.astype(np.int64))


def stratified_split(x: np.ndarray, labels: np.ndarray, *,
                     test_fraction: float = 0.2, seed=0):
    """Like ``train_test_split``, but every class is split in the same
    proportion: each class gives ``test_fraction`` of its rows (rounded) to
    the test part, chosen at random. ``seed``: an int or a NumPy Generator.
    Returns x_train, x_test, labels_train, labels_test, each part in
    shuffled order."""
    if not 0 < test_fraction < 1:
        raise ValueError(
            f"test_fraction must be in (0, 1); got {test_fraction}")
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    test = []
    for k in np.unique(labels):
        rows = rng.permutation(np.flatnonzero(labels == k))
        test.append(rows[:round(test_fraction * len(rows))])
    test = np.concatenate(test)
    train = np.setdiff1d(np.arange(len(labels)), test)
    if len(test) == 0 or len(train) == 0:
        raise ValueError(
            f"test_fraction {test_fraction} leaves one part empty for "
            f"{len(labels)} rows")
    train, test = rng.permutation(train), rng.permutation(test)
    return x[train], x[test], labels[train], labels[test]


class Standardizer:
    """Shift and scale every feature (column) to mean 0 and standard
    deviation 1, using the mean and standard deviation of the data given
    here, the training part.

    ``Standardizer(x_train)`` measures; ``standardize(x)`` applies the same
    shift and scale to any data: the training, validation or test part. A
    feature that never changes in the training part (standard deviation 0)
    is only shifted.
    """

    def __init__(self, x_train: np.ndarray):
        x_train = np.asarray(x_train, dtype=np.float64)
        self.mean = x_train.mean(axis=0)
        std = x_train.std(axis=0)
        self.scale = np.where(std > 0, std, 1.0)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=np.float64) - self.mean) / self.scale


@dataclass
class Split:
    """Training, validation and test parts, standardised with the training
    part's mean and standard deviation (``standardize``)."""

    x_train: np.ndarray
    labels_train: np.ndarray
    x_val: np.ndarray
    labels_val: np.ndarray
    x_test: np.ndarray
    labels_test: np.ndarray
    standardize: Standardizer


def digits_split(seed: int = 0, *, test_fraction: float = 0.2,
                 validation_fraction: float = 0.2,
                 images: bool = False) -> Split:
    """The digits, split three ways, stratified and seeded, standardised.

    ``test_fraction`` of every class goes to the test part; of the rest,
    ``validation_fraction`` to the validation part. With the defaults:
    80 % training and validation (64 % and 16 % of all rows), 20 % test.
    The standardisation is fitted on the training part only.

    ``images=True``: the same parts as images, (N, 1, 8, 8), for a
    convolutional network, standardised with one mean and one standard
    deviation over all pixels of the training part (the same weights slide
    over every position, so every position gets the same scale).
    """
    x, labels = load_digits()
    rng = np.random.default_rng(seed)  # one generator for both splits
    x_rest, x_test, labels_rest, labels_test = stratified_split(
        x, labels, test_fraction=test_fraction, seed=rng)
    x_train, x_val, labels_train, labels_val = stratified_split(
        x_rest, labels_rest, test_fraction=validation_fraction, seed=rng)
    if not images:
        standardize = Standardizer(x_train)
        return Split(standardize(x_train), labels_train, standardize(x_val),
                     labels_val, standardize(x_test), labels_test,
                     standardize)
    # every pixel of every training image as one feature
    standardize = Standardizer(x_train.reshape(-1, 1))
    x_train, x_val, x_test = (standardize(part).reshape(-1, 1, 8, 8)
                              for part in (x_train, x_val, x_test))
    return Split(x_train, labels_train, x_val, labels_val, x_test,
                 labels_test, standardize)


def standardised_article_data() -> tuple[np.ndarray, np.ndarray]:
    """The article's points with each feature shifted and scaled to mean 0
    and standard deviation 1 (``Standardizer``), and their labels."""
    x, labels = article_data()
    return Standardizer(x)(x), labels


DATASETS = {
    "article": lambda seed=0: article_data(),
    "standardised article": lambda seed=0: standardised_article_data(),
    "moons": lambda seed=0: make_moons(seed=seed),
    "circles": lambda seed=0: make_circles(seed=seed),
    "xor": lambda seed=0: make_xor(seed=seed),
    "spirals": lambda seed=0: make_spirals(seed=seed),
}
"""Name -> function(seed) returning (x, labels) with the default sizes and
noise."""
