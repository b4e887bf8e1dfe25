"""Real data: nnlib reads scikit-learn's handwritten digits.

The protocol of chapter 9: a seeded, stratified split (80 % training and
validation, 20 % test), standardisation fitted on the training part only,
mini-batch SGD with momentum. Accuracies are measured on the test part, over
split seeds 0-4, and compared with scikit-learn's ``MLPClassifier`` trained
with the same architecture and optimizer settings.
"""

import warnings

import numpy as np
import pytest

from nnlib import SGD, data, mlp, train
from nnlib.exercises import check_minibatch_batches

SEEDS = range(5)
HIDDEN, LR, MOMENTUM, BATCH_SIZE, EPOCHS = 64, 0.1, 0.9, 32, 30


def train_nnlib(split, hidden, seed):
    model = mlp(64, hidden, 10, rng=seed)
    history = train(model, split.x_train, split.labels_train, epochs=EPOCHS,
                    batch_size=BATCH_SIZE, rng=seed,
                    optimizer=SGD(LR, momentum=MOMENTUM),
                    validation=(split.x_val, split.labels_val))
    return model, history


def train_sklearn(split, seed):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(
        (HIDDEN,), activation="relu", solver="sgd", alpha=0.0,
        batch_size=BATCH_SIZE, learning_rate="constant",
        learning_rate_init=LR, momentum=MOMENTUM, nesterovs_momentum=False,
        max_iter=EPOCHS, shuffle=True, early_stopping=False,
        # never stop early: run all EPOCHS epochs, as nnlib does
        tol=0.0, n_iter_no_change=EPOCHS + 1, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(split.x_train, split.labels_train)
    assert clf.n_iter_ == EPOCHS
    return clf


@pytest.fixture(scope="module")
def results():
    # small matrices: one BLAS thread is faster on a busy machine, same numbers
    from threadpoolctl import threadpool_limits

    out = {"mlp": [], "softmax": [], "sklearn": []}
    with threadpool_limits(1):
        return _results(out)


def _results(out):
    for seed in SEEDS:
        split = data.digits_split(seed)
        test = split.x_test, split.labels_test
        out["mlp"].append(train_nnlib(split, [HIDDEN], seed)[0].accuracy(*test))
        out["softmax"].append(train_nnlib(split, [], seed)[0].accuracy(*test))
        out["sklearn"].append(train_sklearn(split, seed).score(*test))
    return {name: np.array(values) for name, values in out.items()}


# --- the data --------------------------------------------------------------


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


# --- training: the "must show" -------------------------------------


def test_mlp_reaches_97_percent(results):
    accuracy = results["mlp"]
    assert accuracy.mean() >= 0.97, accuracy
    assert accuracy.min() >= 0.96, accuracy


def test_softmax_regression_reaches_95_percent(results):
    assert results["softmax"].mean() >= 0.95, results["softmax"]


def test_nnlib_matches_scikit_learn_within_one_point(results):
    gap = results["mlp"].mean() - results["sklearn"].mean()
    assert abs(gap) <= 0.01, (results["mlp"], results["sklearn"])


def test_mini_batch_training_is_reproducible():
    split = data.digits_split(1)
    (model_a, history_a), (model_b, history_b) = (
        train_nnlib(split, [16], seed=7) for _ in range(2))
    for field in ("loss", "val_loss", "val_accuracy"):
        assert np.array_equal(getattr(history_a, field),
                              getattr(history_b, field))
    for p, q in zip(model_a.parameters(), model_b.parameters(), strict=True):
        assert np.array_equal(p.value, q.value)
    # and another seed is really another run
    _, history_c = train_nnlib(split, [16], seed=8)
    assert not np.array_equal(history_a.loss, history_c.loss)


def test_validation_history_has_one_entry_per_epoch():
    split = data.digits_split(0)
    _, history = train_nnlib(split, [], seed=0)
    assert len(history.loss) == len(history.val_loss) == EPOCHS
    assert ((0 <= history.val_accuracy) & (history.val_accuracy <= 1)).all()
    assert history.val_loss[-1] < history.val_loss[0]


# --- the exercise's checker ------------------------------------------------


def minibatches(n_rows, batch_size, rng):
    order = rng.permutation(n_rows)
    return [order[start:start + batch_size]
            for start in range(0, n_rows, batch_size)]


def drops_last(n_rows, batch_size, rng):
    order = rng.permutation(n_rows)
    return [order[start:start + batch_size]
            for start in range(0, n_rows - batch_size + 1, batch_size)]


def same_order(n_rows, batch_size, rng):
    return minibatches(n_rows, batch_size, np.random.default_rng(0))


def overlapping(n_rows, batch_size, rng):
    order = rng.permutation(n_rows)
    return [order[start:start + batch_size]
            for start in range(0, n_rows, max(batch_size - 1, 1))]


def one_short(n_rows, batch_size, rng):
    order = rng.permutation(n_rows)
    return [order[start:start + batch_size - 1]
            for start in range(0, n_rows, batch_size)]


def unshuffled(n_rows, batch_size, rng):
    order = np.arange(n_rows)
    return [order[start:start + batch_size]
            for start in range(0, n_rows, batch_size)]


def global_random(n_rows, batch_size, rng):
    return minibatches(n_rows, batch_size, np.random.default_rng())


def stub(n_rows, batch_size, rng):
    return None


def test_checker_accepts_the_right_answer():
    result = check_minibatch_batches(minibatches, verbose=False)
    assert result and "the very batches nnlib's train draws" in result.message


def test_checker_agrees_with_nnlib_train_batches():
    # train's first epoch uses exactly these batches: same seed, same rows
    from nnlib.batches import epoch_batches

    ours = minibatches(1151, 32, np.random.default_rng(5))
    nnlib_batches = epoch_batches(1151, 32, np.random.default_rng(5))
    assert all(np.array_equal(a, b)
               for a, b in zip(ours, nnlib_batches, strict=True))


@pytest.mark.parametrize("fn, words", [
    (drops_last, "last short batch is dropped"),
    (same_order, "same order every epoch"),
    (overlapping, "overlapping batches"),
    (one_short, "off by one"),
    (unshuffled, "original order"),
    (global_random, "not reproducible"),
    (stub, "not implemented yet"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_checker_names_the_usual_mistakes(fn, words):
    result = check_minibatch_batches(fn, verbose=False)
    assert not result and words in result.message, result.message
    assert all(len(line) <= 62 for line in result.message.splitlines())


def test_checker_reports_an_exception_instead_of_raising():
    def broken(n_rows, batch_size, rng):
        raise IndexError("oops")

    result = check_minibatch_batches(broken, verbose=False)
    assert not result and "IndexError: oops" in result.message
