"""Image batches (B, C, H, W) flow through the existing API: train, Model.predict,
accuracy and predict_proba, when the first layer takes images; every other shape still
gets a clear message with the shapes."""

import numpy as np
import pytest

from nnlib import (
    SGD,
    Conv2d,
    Flatten,
    Linear,
    MaxPool2d,
    Model,
    ReLU,
    Sigmoid,
    Tanh,
    data,
    gradcheck,
    mlp,
    train,
)


def small_cnn(rng=0) -> Model:
    rng = np.random.default_rng(rng)
    return Model([Conv2d(1, 4, 3, padding=1, rng=rng, init="xavier"), ReLU(), MaxPool2d(2),
                  Flatten(), Linear(4 * 4 * 4, 10, rng=rng)])


@pytest.fixture(scope="module")
def digits():
    return data.digits_split(0, images=True)


def test_digits_as_images_are_the_same_split(digits):
    rows = data.digits_split(0)
    assert digits.x_train.shape == (len(rows.x_train), 1, 8, 8)
    for part in ("train", "val", "test"):
        np.testing.assert_array_equal(getattr(digits, f"labels_{part}"),
                                      getattr(rows, f"labels_{part}"))
        images = getattr(digits, f"x_{part}")
        pixels = images * digits.standardize.scale + digits.standardize.mean
        rows_pixels = getattr(rows, f"x_{part}") * rows.standardize.scale + rows.standardize.mean
        np.testing.assert_allclose(pixels.reshape(len(pixels), 64), rows_pixels, atol=1e-12)
    # one mean and one standard deviation, from the training part's pixels only
    assert abs(digits.x_train.mean()) < 1e-12 and abs(digits.x_train.std() - 1) < 1e-12
    assert digits.standardize.mean.shape == (1,)
    assert abs(digits.x_test.mean()) > 1e-4


def test_train_predict_and_accuracy_take_images(digits):
    model = small_cnn()
    history = train(model, digits.x_train, digits.labels_train, epochs=3, batch_size=32,
                    rng=0, optimizer=SGD(0.05, momentum=0.9),
                    validation=(digits.x_val, digits.labels_val))
    assert history.loss[-1] < history.loss[0] and len(history.val_loss) == 3
    assert history.val_accuracy[-1] > 0.85
    probs = model.predict_proba(digits.x_test)
    assert probs.shape == (len(digits.x_test), 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1)
    predicted = model.predict(digits.x_test)
    np.testing.assert_array_equal(predicted, probs.argmax(axis=1))
    assert model.accuracy(digits.x_test, digits.labels_test) == (
        predicted == digits.labels_test).mean()


def test_a_whole_cnn_passes_the_gradient_check():
    rng = np.random.default_rng(1)
    x, labels = rng.normal(size=(3, 1, 6, 6)), np.array([0, 2, 1])
    model = Model([Conv2d(1, 2, 3, padding=1, rng=0), Tanh(), MaxPool2d(2),
                   Conv2d(2, 3, 2, rng=1), Sigmoid(), Flatten(), Linear(3 * 2 * 2, 3, rng=2)])
    errors = gradcheck.check_model(model, x, labels)
    assert len(errors) == 6 and max(errors.values()) < 1e-6, errors


def test_an_mlp_on_images_starts_with_flatten(digits):
    model = Model([Flatten(), *mlp(64, [16], 10, rng=0).layers])
    train(model, digits.x_train[:64], digits.labels_train[:64], epochs=2, batch_size=32)
    assert model.predict(digits.x_test[:5]).shape == (5,)
    # and the same network still reads rows
    assert model.predict(digits.x_test[:5].reshape(5, 64)).shape == (5,)


def test_rows_given_to_a_cnn_are_explained(digits):
    rows = digits.x_train.reshape(-1, 64)
    message = (r"x must be 4-D with shape \(batch, channels, height, width\); got shape "
               r"\(1151, 64\) \(rows of 64 pixels\? as images of one channel: "
               r"x.reshape\(-1, 1, 8, 8\)\)")
    with pytest.raises(ValueError, match=message):
        train(small_cnn(), rows, digits.labels_train, epochs=1)
    with pytest.raises(ValueError, match=r"x must be 4-D.*\(1151, 64\)"):
        small_cnn().predict(rows)


def test_validation_images_must_have_the_training_images_shape(digits):
    with pytest.raises(ValueError, match=r"validation x must have shape \(batch, 1, 8, 8\) "
                                         r"like x; got shape \(287, 1, 4, 16\)"):
        train(small_cnn(), digits.x_train, digits.labels_train, epochs=1,
              validation=(digits.x_val.reshape(-1, 1, 4, 16), digits.labels_val))
    with pytest.raises(ValueError, match=r"validation x must be 4-D.*got shape \(287, 64\)"):
        train(small_cnn(), digits.x_train, digits.labels_train, epochs=1,
              validation=(digits.x_val.reshape(-1, 64), digits.labels_val))


def test_images_given_to_an_mlp_are_explained(digits):
    message = (r"x must be 2-D with shape \(batch, features\); got shape \(1151, 1, 8, 8\) "
               r"\(images\? put a Flatten\(\) layer before this one\)")
    with pytest.raises(ValueError, match=message):
        train(mlp(64, [8], 10), digits.x_train, digits.labels_train, epochs=1)
    with pytest.raises(ValueError, match=r"x must be 2-D.*\(5, 1, 8, 8\)"):
        mlp(64, [8], 10).predict(digits.x_test[:5])
    # the MLP's other messages are unchanged
    with pytest.raises(ValueError, match=r"validation x must have 64 columns \(features\); "
                                         r"got shape \(3, 63\)"):
        train(mlp(64, [8], 10), np.zeros((4, 64)), np.arange(4), epochs=1,
              validation=(np.zeros((3, 63)), np.arange(3)))


@pytest.mark.parametrize("activation", [ReLU, Tanh, Sigmoid])
def test_activations_take_any_shape_with_the_batch_first(activation):
    x = np.random.default_rng(0).choice([-1.0, 1.0], size=(2, 3, 4, 5)) * 0.5
    layer = activation()
    assert layer.forward(x).shape == x.shape
    assert gradcheck.check_layer(activation(), x)["x"] < 1e-7
    with pytest.raises(ValueError, match=r"x must have a batch axis and at least one more, "
                                         r"shape \(batch, \.\.\.\); got shape \(3,\)"):
        layer.forward(np.ones(3))
