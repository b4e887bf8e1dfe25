"""Chapter 10's regularisation lab: the function behind the live sliders draws a figure
at every end of every control, never raises, and names a run that diverged."""

import matplotlib.text
import numpy as np
import pytest
from matplotlib.figure import Figure

from nnlib import SGD, train
from nnlib.lab import regularisation as lab


def texts(fig) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_visible())


@pytest.mark.parametrize("weight_decay", [min(lab.WEIGHT_DECAYS), max(lab.WEIGHT_DECAYS)])
@pytest.mark.parametrize("dropout", [0.0, lab.DROPOUT_MAX])
def test_explore_draws_at_the_ends_of_every_control(weight_decay, dropout):
    fig = lab.explore(weight_decay, dropout)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    words = texts(fig)
    assert f"weight decay \u03bb = {weight_decay:g}" in words
    assert f"dropout rate q = {dropout:g}" in words
    assert "no regularisation: validation" in words  # the reference run behind it
    fig.canvas.draw()  # renders without error


def test_a_diverging_run_is_drawn_and_named(monkeypatch):
    monkeypatch.setattr(lab, "LR", 1e4)
    result = lab.run(0.0, 0.0)
    assert result.diverged_at is not None
    fig = Figure()
    lab.draw(fig, result)
    assert f"diverged at epoch {result.diverged_at}" in texts(fig)


def test_run_is_chapter_9s_training_with_the_chosen_weight_decay():
    s = lab.split(0)
    model = lab.make_model(0.0, 0)
    history = train(model, s.x_train, s.labels_train, epochs=lab.EPOCHS, batch_size=32,
                    rng=0, optimizer=SGD(0.1, momentum=0.9, weight_decay=1e-3),
                    validation=(s.x_val, s.labels_val))
    np.testing.assert_array_equal(lab.run(1e-3, 0.0).history.val_loss, history.val_loss)


def test_dropout_sits_after_the_hidden_relu():
    names = [type(layer).__name__ for layer in lab.make_model(0.3).layers]
    assert names == ["Linear", "ReLU", "Dropout", "Linear"]
    assert [type(layer).__name__ for layer in lab.make_model(0.0).layers] == [
        "Linear", "ReLU", "Linear"]
