"""The article's data: 10 labelled points in the plane and 4 query points."""

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


DATASETS = {
    "article": lambda seed=0: article_data(),
    "moons": lambda seed=0: make_moons(seed=seed),
    "circles": lambda seed=0: make_circles(seed=seed),
    "xor": lambda seed=0: make_xor(seed=seed),
    "spirals": lambda seed=0: make_spirals(seed=seed),
}
"""Name -> function(seed) returning (x, labels) with the default sizes and
noise."""
