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
