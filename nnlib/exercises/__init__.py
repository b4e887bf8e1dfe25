"""Exercises that check themselves: the reader writes a function, a checker
grades it.

Each ``check_*`` function calls the reader's function on seeded inputs
chosen to separate the right idea from its look-alikes, compares what comes
back with nnlib's reference (and, for gradients, with the numerical
gradient of ``nnlib.gradcheck``), prints what it found and returns a
``CheckResult``, truthy only when the function is correct.

- ``grading``: the one framework (cases, known mistakes, the verdict);
  ``reading`` and ``compare`` read any return value and compare it;
  ``inputs`` gives the reader read-only copies and names a changed input;
  ``cases`` holds what several checkers share;
- one module per topic: ``encoding`` (chapter 1), ``softmax`` (chapters 2,
  4, 8), ``losses`` (chapters 2, 3 and the binary cross-entropy),
  ``layers`` (chapters 5, 7), ``training`` (chapter 6), ``minibatches``
  (chapter 9), ``normalisation`` (chapter 10), ``convolution`` (chapter
  11).

How to put an exercise in a chapter, and how to add a checker or a
learner's new mistake: docs/exercises.md.
"""

from nnlib.exercises.convolution import check_im2col
from nnlib.exercises.encoding import check_one_hot
from nnlib.exercises.grading import WIDTH, CheckResult
from nnlib.exercises.layers import (
                                    check_linear_backward,
                                    check_relu_backward,
                                    check_transposed_linear_backward,
)
from nnlib.exercises.losses import (
                                    check_bce_gradient,
                                    check_cross_entropy_backward,
                                    check_fused_gradient,
)
from nnlib.exercises.minibatches import check_minibatch_batches
from nnlib.exercises.normalisation import check_batchnorm_backward
from nnlib.exercises.softmax import (
                                    check_softmax,
                                    check_softmax_backward,
                                    check_softmax_jacobian,
)
from nnlib.exercises.training import check_lr_prediction, check_training_loop

__all__ = [
    "WIDTH", "CheckResult", "check_batchnorm_backward", "check_bce_gradient",
    "check_cross_entropy_backward", "check_fused_gradient", "check_im2col",
    "check_linear_backward", "check_lr_prediction",
    "check_minibatch_batches", "check_one_hot",
    "check_relu_backward", "check_softmax", "check_softmax_backward",
    "check_softmax_jacobian", "check_training_loop",
    "check_transposed_linear_backward",
]
