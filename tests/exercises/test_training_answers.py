"""The training-loop checker (chapter 6) and the learning-rate prediction.

To add a learner's new mistake: write the loop above the table and add ONE
line to WRONG_LOOPS: (the_loop, "a distinctive phrase of the diagnosis").
"""

import copy

import numpy as np
import pytest

from nnlib import SGD, train
from nnlib import exercises as ex
from nnlib.exercises import training
from nnlib.lab.runs import describe
from nnlib.lab.runs import run as lab_run

from checker_helpers import assert_accepts, assert_rejects, check


def step(model, lr):
    SGD(lr).step(model.parameters())


def loop(model, x, labels, lr, epochs):
    losses = []
    for _ in range(epochs):
        losses.append(model.loss_and_backward(x, labels))  # the loss before the step
        step(model, lr)
    return losses


# --- Right loops ----------------------------------------------------------------------------

def loop_array_and_one_optimizer(model, x, labels, lr, epochs):
    optimizer = SGD(lr=lr)
    losses = np.empty(epochs)
    for epoch in range(epochs):
        losses[epoch] = model.loss_and_backward(x, labels)
        optimizer.step(model.parameters())
    return losses


def loop_own_update(model, x, labels, lr, epochs):
    losses = []
    for _ in range(epochs):
        losses.append(float(model.loss_and_backward(x, labels)))
        for param in model.parameters():
            param.value[...] = param.value - lr * param.grad
    return losses


def loop_with_train(model, x, labels, lr, epochs):
    return train(model, x, labels, lr=lr, epochs=epochs)  # a History


RIGHT_LOOPS = [loop, loop_array_and_one_optimizer, loop_own_update, loop_with_train]


@pytest.mark.parametrize("fn", RIGHT_LOOPS)
def test_right_loops_pass(fn):
    assert_accepts(ex.check_training_loop, fn)


# --- Wrong loops ----------------------------------------------------------------------------

def no_step(model, x, labels, lr, epochs):
    return [model.loss_and_backward(x, labels) for _ in range(epochs)]


def uphill(model, x, labels, lr, epochs):
    losses = []
    for _ in range(epochs):
        losses.append(model.loss_and_backward(x, labels))
        for param in model.parameters():
            param.value[...] += lr * param.grad
    return losses


def after_step(model, x, labels, lr, epochs):
    losses = []
    for _ in range(epochs):
        model.loss_and_backward(x, labels)
        step(model, lr)
        losses.append(model.mean_loss(x, labels))
    return losses


def one_late(model, x, labels, lr, epochs):
    losses, previous = [], np.nan
    for _ in range(epochs):
        losses.append(previous)
        previous = model.loss_and_backward(x, labels)
        step(model, lr)
    return losses


def epochs_off(count):
    def wrong_count(model, x, labels, lr, epochs):
        return loop(model, x, labels, lr, count(epochs))
    return wrong_count


def no_last_step(model, x, labels, lr, epochs):
    losses = []
    for epoch in range(epochs):
        losses.append(model.loss_and_backward(x, labels))
        if epoch < epochs - 1:
            step(model, lr)
    return losses


def weights_only(model, x, labels, lr, epochs):  # the biases stay at 0
    losses = []
    for _ in range(epochs):
        losses.append(model.loss_and_backward(x, labels))
        for param in model.parameters():
            if param.name.endswith(".w"):
                param.value[...] -= lr * param.grad
    return losses


def last_layer_only(model, x, labels, lr, epochs):  # passes the one-layer case only
    losses = []
    for _ in range(epochs):
        losses.append(model.loss_and_backward(x, labels))
        SGD(lr).step(model.layers[-1].parameters())
    return losses


def step_first(model, x, labels, lr, epochs):
    losses = []
    for _ in range(epochs):
        step(model, lr)
        losses.append(model.loss_and_backward(x, labels))
    return losses


def every_layer_has_w(model, x, labels, lr, epochs):
    losses = []
    for _ in range(epochs):
        losses.append(model.loss_and_backward(x, labels))
        for layer in model.layers:
            layer.w -= lr * layer.dw
            layer.b -= lr * layer.db
    return losses


def steps_the_layers(model, x, labels, lr, epochs):  # the old API: step(model.layers)
    losses = []
    for _ in range(epochs):
        losses.append(model.loss_and_backward(x, labels))
        SGD(lr).step(model.layers)
    return losses


def replaces_the_param_value(model, x, labels, lr, epochs):
    losses = []
    for _ in range(epochs):
        losses.append(model.loss_and_backward(x, labels))
        for param in model.parameters():
            param.value = param.value - lr * param.grad
    return losses


def sets_a_weight_to_none(model, x, labels, lr, epochs):
    losses = loop(model, x, labels, lr, epochs)
    model.layers[0].w = None
    return losses


def trains_a_copy(model, x, labels, lr, epochs):
    model = copy.deepcopy(model)  # "so that I do not break the caller's model"
    return loop(model, x, labels, lr, epochs)


def column_history(model, x, labels, lr, epochs):
    return np.array(loop(model, x, labels, lr, epochs))[:, None]  # shape (epochs, 1)


def list_of_arrays(model, x, labels, lr, epochs):
    return [np.array([loss]) for loss in loop(model, x, labels, lr, epochs)]


def per_sample(model, x, labels, lr, epochs):  # stochastic, one row at a time
    losses = []
    for _ in range(epochs):
        for n in range(len(x)):
            losses.append(model.loss_and_backward(x[n:n + 1], labels[n:n + 1]))
            step(model, lr)
    return losses


def divides_by_batch(model, x, labels, lr, epochs):
    return loop(model, x, labels, lr / len(x), epochs)


def standardises_x_in_place(model, x, labels, lr, epochs):
    x -= x.mean(axis=0)
    return loop(model, x, labels, lr, epochs)


def forgets_return(model, x, labels, lr, epochs):
    losses = loop(model, x, labels, lr, epochs)  # noqa: F841 (the learner's bug)


def returns_model_too(model, x, labels, lr, epochs):
    return model, loop(model, x, labels, lr, epochs)


WRONG_LOOPS = [
    (no_step, "the parameters never change, so neither does the loss"),
    (lambda model, x, labels, lr, epochs: np.full(epochs, np.nan), "the parameters never change"),
    (lambda model, x, labels, lr, epochs: iter(loop(model, x, labels, lr, epochs)),
     "an iterator: np.array(list(...))"),
    (uphill, "the loss rises"),
    (after_step, "one epoch off"),
    (one_late, "one epoch off"),
    (epochs_off(lambda epochs: epochs - 1), "wrong number of epochs"),
    (epochs_off(lambda epochs: epochs + 1), "wrong number of epochs"),
    (epochs_off(lambda epochs: 500), "wrong number of epochs"),
    (lambda model, x, labels, lr, epochs: loop(model, x, labels, lr, epochs)[-1],
     "only the final loss"),
    (no_last_step, "the losses are right but the final parameters are not"),
    (weights_only, "some parameters never change"),
    (last_layer_only, "some parameters never change"),
    (step_first, "hint: call model.loss_and_backward(x, labels) before each step"),
    (every_layer_has_w, "hint: ReLU layers have no parameters"),
    (steps_the_layers, "hint: SGD.step takes model.parameters()"),
    (trains_a_copy, "your function trained a copy"),
    (replaces_the_param_value, "hint: a Param cannot be given a new array"),
    (sets_a_weight_to_none, "layers[0].w is None"),
    (column_history, "extra axis"),
    (list_of_arrays, "extra axis"),
    (per_sample, "one loss per sample"),
    (divides_by_batch, "B times too small"),
    (standardises_x_in_place, "changed its input `x` in place"),
    (forgets_return, "has a body but no `return`"),
    (returns_model_too, "got a tuple of 2 values"),
]


@pytest.mark.parametrize("fn, phrase", WRONG_LOOPS)
def test_wrong_loops_fail_with_their_diagnosis(fn, phrase):
    assert_rejects(ex.check_training_loop, fn, phrase)


def test_a_history_of_shape_epochs_by_1_is_not_a_wrong_epoch_count():
    assert_rejects(ex.check_training_loop, column_history, "shape (20, 1)",
                   absent=["wrong number of epochs"])


def test_a_copy_trained_is_not_told_about_biases():
    assert_rejects(ex.check_training_loop, trains_a_copy, "trained a copy",
                   absent=["the biases too"])


def test_the_messages_teach_the_parameters_api():
    for fn, _ in WRONG_LOOPS:
        message = check(ex.check_training_loop, fn)[1]
        if fn is not steps_the_layers:  # whose own line is quoted
            assert "model.layers)" not in message, message


def test_a_loop_on_the_last_layer_fails_on_the_hidden_layer_case():
    assert_rejects(ex.check_training_loop, last_layer_only, "mlp(2, [3], 2)")


# --- The learning-rate prediction -----------------------------------------------------------

def test_lr_prediction_runs_the_trainings_to_find_the_truth():
    runs = training.lr_runs()
    assert set(runs) == {0.1, 10.0}
    for lr, result in runs.items():  # the lab's run, not a copy of it
        np.testing.assert_array_equal(result.history, lab_run(lr).history)
    small, large = runs[0.1].final_loss, runs[10.0].final_loss
    assert training.lr_truth() == ("lower" if large < small else "higher")


def test_lr_prediction_right_answer_says_what_the_runs_show():
    truth = training.lr_truth()
    passed, message = check(ex.check_lr_prediction, truth)
    assert passed and message.startswith("✓ right")
    small, large = training.lr_runs()[0.1], training.lr_runs()[10.0]
    flat = " ".join(message.split())  # the report wraps its lines
    for result in (small, large):  # the lab's own description of each run
        assert " ".join(describe(result).split()) in flat
    assert f"{large.history.upward_steps} upward steps" in flat
    assert "X^T (P - Y) / B is bounded" in flat
    # the price of the lower loss: larger weights, a narrower margin
    assert large.margin < small.margin and large.weight_norm > small.weight_norm
    assert "A lower loss is not a better boundary" in flat
    assert f"margin {large.margin:.3g} against {small.margin:.3g}" in flat


@pytest.mark.parametrize("answer, phrase", [
    ("higher", "overshooting is not the end of the story"),
    ("diverges", "diverging means the numbers stop being finite"),
    ("  Diverge ", "diverging means the numbers stop being finite"),
])
def test_lr_prediction_wrong_answers_get_their_explanation(answer, phrase):
    assert training.lr_truth() == "lower"  # what nnlib's train does on the article's data
    assert_rejects(ex.check_lr_prediction, answer, phrase, "the data are separable")


@pytest.mark.parametrize("answer, phrase", [
    ("maybe", '"higher", "lower" or "diverges"'),
    (3, "int is not one of the answers"),
    (None, "no answer yet"),
    (..., "no answer yet"),
    ("", "no answer yet"),
])
def test_lr_prediction_unknown_answers_list_the_accepted_ones(answer, phrase):
    assert_rejects(ex.check_lr_prediction, answer, phrase)
