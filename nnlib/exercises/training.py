"""Chapter 6: the training loop, and a prediction about the learning rate.

``check_training_loop`` grades the reader's full-batch gradient descent
against ``nnlib.train``; ``check_lr_prediction`` runs two trainings with
the learning-rate lab (``nnlib.lab.runs``) to answer a question asked
before running them.
"""

import copy
import dataclasses
import functools

import numpy as np

from nnlib.data import article_data
from nnlib.exercises.cases import SEED
from nnlib.exercises.compare import same
from nnlib.exercises.grading import (
    CheckResult,
    Exercise,
    Mistake,
    grade,
    make_case,
    report,
    verdict,
)
from nnlib.lab.runs import LRResult, describe, run
from nnlib.layer import Layer
from nnlib.layers.linear import Linear
from nnlib.model import Model, mlp
from nnlib.training import train

STEP = "SGD(lr).step(model.parameters())"


def _parameters(model) -> dict:
    """Every parameter of ``model`` by its name, e.g. "layers[0].w" (a copy
    of its array, or whatever the reader put there)."""
    return {param.name: copy.deepcopy(param.value)
            for param in model.parameters()}


def _trained(model, x, labels, lr, epochs):
    """nnlib's answer: the loss history and the final parameters."""
    model = copy.deepcopy(model)
    history = train(model, x, labels, lr=lr, epochs=epochs)
    return {"losses": history.loss, **_parameters(model)}


def _history(got) -> np.ndarray | None:
    return got.get("losses")


@functools.cache
def _training_exercise() -> Exercise:
    x, labels = article_data()
    specs = [("the article's network Model([Linear(2, 2)]) on the "
              "article's data, lr=0.1, epochs=20",
              Model([Linear(2, 2, rng=SEED)]), 0.1, 20),
             ("a hidden layer, mlp(2, [3], 2), on the article's data, "
              "lr=0.05, epochs=7", mlp(2, [3], 2, rng=SEED), 0.05, 7)]
    cases = tuple(make_case(text, (model, x, labels, lr, epochs), _trained)
                  for text, model, lr, epochs in specs)

    def retrained(c, epochs=None, lr=None):
        model, x, labels, rate, count = c.args
        return train(copy.deepcopy(model), x, labels, lr=lr or rate,
                     epochs=epochs or count).loss

    def flat(losses) -> bool:
        return (losses is not None and losses.ndim == 1 and len(losses) > 1
                and bool(np.allclose(losses, losses[0], rtol=1e-12)))

    def unchanged(c, got) -> list[str]:
        return [name for name, start in _parameters(c.args[0]).items()
                if same(got.get(name), start)]

    def trained_a_copy(c, got):  # the losses fall, the model did not move
        losses = _history(got)
        return (frozen(c, got) and losses is not None and losses.ndim == 1
                and len(losses) > 1 and bool(np.isfinite(losses).all())
                and losses[-1] < losses[0])

    def frozen(c, got) -> bool:  # no parameter ever changed
        return len(unchanged(c, got)) == len(_parameters(c.args[0]))

    def extra_axis(c, got):
        losses = _history(got)
        return (losses is not None and losses.ndim > 1
                and losses.size == c.args[4])

    def length_is(c, got, count):
        losses = _history(got)
        return losses is not None and losses.ndim == 1 and len(
            losses) == count

    def some_frozen(c, got):
        return any(not same(c.expected[name], start)
                   for name, start in _parameters(c.args[0]).items()
                   if name in unchanged(c, got))

    def rising(c, got):
        losses = _history(got)
        return (losses is not None and losses.ndim == 1 and len(losses) > 1
                and bool((np.diff(losses) > 0).all()))

    def shifted(c, got):
        ahead = retrained(c, c.args[4] + 1)
        losses = _history(got)
        return same(losses, ahead[1:]) or (
            losses is not None and losses.ndim == 1
            and same(losses[1:], ahead[:-2]))

    mistakes = (
        Mistake("the losses fall, but the model you were given never "
                "changed: your function trained a copy (copy.deepcopy, or "
                "a new Model). Train the `model` argument itself: the "
                "caller reads its parameters after the call",
                trained_a_copy),
        Mistake("only the final loss: return the whole history, one loss "
                "per epoch", lambda c, got: _history(got) is not None
                and _history(got).ndim == 0),
        Mistake("the history has an extra axis: each epoch stored an array "
                "of one number instead of the number. Record "
                "float(loss), or return np.ravel(losses)", extra_axis),
        Mistake("one loss per sample: this loop takes a step for every "
                "row of x (stochastic gradient descent). The exercise is "
                "full-batch: one step per epoch, on all of x at once",
                lambda c, got: length_is(c, got, c.args[4] * len(c.args[1]))),
        Mistake("wrong number of epochs: run the loop exactly `epochs` "
                "times (for epoch in range(epochs)) and record one loss in "
                "each", lambda c, got: _history(got) is not None
                and _history(got).ndim == 1
                and not length_is(c, got, c.args[4])),
        Mistake(f"the parameters never change, so neither does the loss: "
                f"nothing updates them. After loss_and_backward, step "
                f"every parameter: {STEP}",
                lambda c, got: flat(_history(got)) or frozen(c, got)),
        Mistake(f"some parameters never change: step every parameter of "
                f"every layer, the biases too: {STEP}, or a loop over "
                f"model.parameters() (p.value -= lr * p.grad)", some_frozen),
        Mistake("the loss rises: the step goes uphill. Move against the "
                "gradient, p.value -= lr * p.grad (not +=)", rising),
        Mistake("the steps are B times too small: the gradients are "
                "already means over the batch (the loss divides by B), so "
                "do not divide them or lr by B again",
                lambda c, got: same(_history(got), retrained(
                    c, lr=c.args[3] / len(c.args[1])))),
        Mistake("the losses are one epoch off: record the loss that "
                "loss_and_backward returns, before the step (the loss of "
                "the parameters whose gradient the step uses)", shifted),
        Mistake("the losses are right but the final parameters are not: "
                "every epoch, the last one too, ends with exactly one step",
                lambda c, got: same(_history(got), c.expected["losses"])),
    )
    return Exercise(args=("model", "x", "labels", "lr", "epochs"),
                    outputs=("losses",), cases=cases, mistakes=mistakes,
                    hints=(_param_hint, _layer_hint, _order_hint),
                    after=lambda args: _parameters(args[0]))


def _layer_hint(error, case, args) -> str | None:
    """AttributeError on a layer: a layer without parameters, or layers
    given to SGD.step."""
    owner = getattr(error, "obj", None)
    if not isinstance(error, AttributeError) or not isinstance(owner, Layer):
        return None
    kind = type(owner).__name__
    if error.name in ("grad", "value", "name"):
        return (f"SGD.step takes model.parameters(), each with .value and "
                f".grad, not the layers: {STEP}")
    if not owner.param_names:
        return (f"{kind} layers have no parameters: walk "
                f"model.parameters() (each p.value and p.grad), or use "
                f"{STEP}")
    return None


def _param_hint(error, case, args) -> str | None:
    """A Param's value assigned anew: Params are frozen."""
    if isinstance(error, dataclasses.FrozenInstanceError):
        return ("a Param cannot be given a new array: change the array "
                "itself, in place: p.value -= lr * p.grad")
    return None


def _order_hint(error, case, args) -> str | None:
    """A step before any backward pass: some gradient is still None."""
    model = args[0]
    if any(param.grad is None for param in model.parameters()):
        return ("call model.loss_and_backward(x, labels) before each step: "
                "it computes the gradients the step uses")
    return None


def check_training_loop(fn, *, verbose: bool = True) -> CheckResult:
    """Check ``fn(model, x, labels, lr, epochs) -> losses``: full-batch
    gradient descent.

    Every epoch: one forward and backward pass
    (``model.loss_and_backward(x, labels)``, which returns the loss), then
    one step ``p.value -= lr * p.grad`` for every parameter
    (``SGD(lr).step(model.parameters())`` does it). Returns the loss of
    every epoch, recorded before that epoch's step: a list or array of
    length ``epochs``. The model passed in is trained in place.

    The checker trains identically seeded copies of each test model, one
    with ``fn`` and one with ``nnlib.train``, and compares the loss
    histories and the final parameters.
    """
    return report(grade(fn, _training_exercise()), verbose)


# --- A prediction: what does lr = 10 do on the article's data? ---------------

ANSWERS = {"higher": "higher", "lower": "lower", "diverges": "diverges",
           "diverge": "diverges", "diverged": "diverges"}
RATES, EPOCHS = (0.1, 10.0), 500


@functools.cache
def lr_runs() -> dict[float, LRResult]:
    """The two runs the question is about, as the learning-rate lab makes
    them: ``nnlib.lab.runs.run(lr)``, the article's network (one
    Linear(2, 2), seeded) trained full-batch for 500 epochs with nnlib's
    ``train``, at each rate: {lr: LRResult}."""
    return {lr: run(lr, EPOCHS, "article") for lr in RATES}


def lr_truth() -> str:
    """What the runs show: "higher", "lower" or "diverges"."""
    small, large = (lr_runs()[lr] for lr in RATES)
    if large.diverged_at is not None:
        return "diverges"
    return "lower" if large.final_loss < small.final_loss else "higher"


def _facts() -> list[str]:
    """What the two runs did, one line each (the lab's ``describe``)."""
    return [f"  {describe(result)}" for result in lr_runs().values()]


def _why(truth: str) -> str:
    """Why the runs came out as they did, from the data and the runs."""
    x, _ = article_data()
    small, large = (lr_runs()[lr] for lr in RATES)
    if truth == "diverges":
        return ("  why: the steps grew the numbers until they overflowed; "
                "train stops when the loss is no longer finite.")
    largest = float(np.abs(x).max())
    step = RATES[1] * largest
    text = (f"  why: the fused gradient dL/dW = X^T (P - Y) / B is "
            f"bounded: each entry of P - Y lies in [-1, 1] and every "
            f"|x| <= {largest:g}, so one step moves a weight by at most "
            f"lr * {largest:g} = {step:g}; in {EPOCHS} epochs a weight "
            f"can grow by at most {EPOCHS * step:g}, far from overflowing, "
            f"and the loss is computed stably. ")
    overshoots = large.history.upward_steps > 0
    if overshoots:
        text += ("The large steps do overshoot (the loss jumps up at "
                 "times), ")
    if truth == "lower":
        text += "but the data " if overshoots else "The data "
        text += ("are separable: once a line separates the "
                 "classes, the steps grow the weights along it, the "
                 "probabilities get more certain, and the loss heads to "
                 "0.")
        if (large.margin is not None and small.margin is not None
                and large.margin < small.margin):
            text += (f" A lower loss is not a better boundary, though: "
                     f"it was bought with larger weights (|W| "
                     f"{large.weight_norm:.3g} against "
                     f"{small.weight_norm:.3g}), and the boundary lies "
                     f"closer to the points (margin {large.margin:.3g} "
                     f"against {small.margin:.3g}).")
    else:
        text += "and at this rate the overshoots win."
    return text


def check_lr_prediction(answer, *, verbose: bool = True) -> CheckResult:
    """Check a prediction made before running: with lr = 10 instead of 0.1
    (the article's network, 500 epochs, full batch), is the final loss
    "higher", "lower", or does training "diverge"?

    The checker runs both trainings with ``nnlib.train`` (seeded) and
    answers with what they show and why.
    """
    try:
        key = answer.strip().lower() if isinstance(answer, str) else None
    except Exception:
        key = None
    accepted = '"higher", "lower" or "diverges"'
    if answer is None or answer is ... or key == "":
        return report(verdict(False, f"… no answer yet: set answer to "
                                     f"{accepted} and run the cell "
                                     f"again."), verbose)
    if key not in ANSWERS:
        shown = repr(answer) if isinstance(answer, str) else type(
            answer).__name__
        return report(verdict(False, f"✗ {shown} is not one of the answers "
                                     f"this checker knows: {accepted} (a "
                                     f"string)."), verbose)
    truth, guess = lr_truth(), ANSWERS[key]
    if guess == truth:
        head = ("✓ right: with lr = 10 training diverges." if truth ==
                "diverges" else f"✓ right: with lr = 10 the final loss is "
                f"{truth} than with lr = 0.1.")
    elif truth == "diverges":
        head = "✗ not what the runs show: with lr = 10 training diverges."
    else:
        head = (f"✗ not what the runs show: with lr = 10 the final loss is "
                f"{truth} than with lr = 0.1.")
        if guess == "diverges":
            head += (" Training does not diverge: diverging means the "
                     "numbers stop being finite, and they cannot here.")
        else:
            head += (" The large steps overshoot, but overshooting is not "
                     "the end of the story.")
    return report(verdict(guess == truth, head, *_facts(), _why(truth)),
                  verbose)
