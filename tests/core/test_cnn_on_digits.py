"""A small convolutional network reads the digits better than chapter 9's MLP (chapter 11).

The protocol of chapter 9 (tests/core/test_training_on_digits.py): the split seeds 0-4,
stratified 80/20, standardised on the training part only, mini-batch SGD with momentum,
batches of 32, 30 epochs, test accuracy. The CNN gets the same images as (N, 1, 8, 8),
standardised with one mean and one standard deviation over the training part's pixels,
and SGD 0.05 with momentum 0.9. Both are seeded with the split's seed.
"""

import numpy as np
import pytest

from nnlib import SGD, Conv2d, Flatten, Linear, MaxPool2d, Model, ReLU, data, mlp, train

# Five CNNs and five MLPs, 30 epochs each (about 10 s): the result chapter 11 asserts
# while the book builds, so it runs with the book's tests, not in the quick loop.
pytestmark = pytest.mark.book

SEEDS = range(5)
EPOCHS, BATCH_SIZE, MOMENTUM = 30, 32, 0.9
CNN_LR, MLP_LR = 0.05, 0.1


def cnn(seed) -> Model:
    """conv 3x3 (16) -> ReLU -> pool -> conv 3x3 (32) -> ReLU -> pool -> Linear, as in
    chapter 11 (Xavier's scale for the convolutions: section 11.6 says why)."""
    rng = np.random.default_rng(seed)
    return Model([Conv2d(1, 16, 3, padding=1, rng=rng, init="xavier"), ReLU(), MaxPool2d(2),
                  Conv2d(16, 32, 3, padding=1, rng=rng, init="xavier"), ReLU(), MaxPool2d(2),
                  Flatten(), Linear(32 * 2 * 2, 10, rng=rng)])


@pytest.fixture(scope="module")
def accuracies():
    from threadpoolctl import threadpool_limits  # small products: one thread is faster

    out = {"cnn": [], "mlp": []}
    with threadpool_limits(1):
        for seed in SEEDS:
            images, rows = data.digits_split(seed, images=True), data.digits_split(seed)
            for name, model, split, lr in (("cnn", cnn(seed), images, CNN_LR),
                                           ("mlp", mlp(64, [64], 10, rng=seed), rows, MLP_LR)):
                train(model, split.x_train, split.labels_train, epochs=EPOCHS,
                      batch_size=BATCH_SIZE, rng=seed, optimizer=SGD(lr, momentum=MOMENTUM))
                out[name].append(model.accuracy(split.x_test, split.labels_test))
    return {name: np.array(values) for name, values in out.items()}


def test_cnn_reaches_98_3_percent_with_no_split_below_97_5(accuracies):
    assert accuracies["cnn"].mean() >= 0.983, accuracies["cnn"]
    assert accuracies["cnn"].min() >= 0.975, accuracies["cnn"]


def test_cnn_beats_the_mlp_on_the_same_splits(accuracies):
    assert accuracies["cnn"].mean() > accuracies["mlp"].mean(), accuracies
    assert (accuracies["cnn"] >= accuracies["mlp"]).sum() >= 4, accuracies
