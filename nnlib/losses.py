"""Cross-entropy losses: standalone, and fused with softmax.

Both return the *mean* loss over the batch, so both gradients are divided by
the batch size B: the loss and its gradient must describe the same number.
"""

import numpy as np

from nnlib.checks import checked_loss, checked_loss_backward


def one_hot(labels: np.ndarray, n_classes: int,
            dtype=np.float64) -> np.ndarray:
    """labels: (B,) ints -> Y: (B, n_classes) with a single 1 per row."""
    out = np.zeros((len(labels), n_classes), dtype=dtype)
    out[np.arange(len(labels)), labels] = 1
    return out


class CrossEntropy:
    """L = -(1/B) sum_n log p_{n, y_n}, for probabilities P from elsewhere.

    Probabilities below the dtype's machine epsilon are raised to it before
    the log, so that a zero gives a large finite loss, not inf.
    """

    def __init__(self):
        self.probs = self.labels = None

    @checked_loss(probabilities=True)
    def forward(self, probs: np.ndarray, labels: np.ndarray) -> float:
        """P: (B, C) in [0, 1]; labels: (B,) ints -> L, a float."""
        self.labels = labels
        self.probs = np.maximum(probs, np.finfo(probs.dtype).eps)
        picked = self.probs[np.arange(len(labels)), labels]  # p_{n, y_n}
        return float(-np.log(picked).mean())

    @checked_loss_backward
    def backward(self) -> np.ndarray:
        """dL/dP: (B, C): -1 / (B p) at the true class, 0 elsewhere.

        Where p was raised to epsilon, the loss forward reported is flat, so
        its true slope is 0; we return the slope of -log p at epsilon
        instead, on purpose: a confidently wrong network must still be told
        to raise p. Above epsilon the two agree exactly.
        """
        batch, n_classes = self.probs.shape
        grad = -one_hot(self.labels, n_classes, self.probs.dtype) / self.probs
        return grad / batch  # the loss is a mean, so is its gradient


class SoftmaxCrossEntropy:
    """Softmax then cross-entropy, fused:
    L = -(1/B) sum_n log softmax(z_n)_{y_n}.

    Its gradient is simply (P - Y) / B, and it is stable for any finite
    logits because it works with log-probabilities.
    """

    def __init__(self):
        self.probs = self.labels = self.rows = None

    @checked_loss()
    def forward(self, logits: np.ndarray, labels: np.ndarray) -> float:
        """Z: (B, C) logits; labels: (B,) ints -> L, a float."""
        self.labels = labels
        shifted = logits - logits.max(axis=1, keepdims=True)  # all <= 0
        log_sum = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        log_probs = shifted - log_sum  # log P, computed without dividing
        self.probs = np.exp(log_probs)
        self.rows = np.arange(len(labels))  # row n's true class is y_n
        picked = log_probs[self.rows, labels]  # log p_{n, y_n}
        return -float(picked.sum()) / len(labels)  # the mean

    @checked_loss_backward
    def backward(self) -> np.ndarray:
        """dL/dZ: (B, C) = (P - Y) / B."""
        grad = self.probs.copy()
        grad[self.rows, self.labels] -= 1  # P - Y
        return grad / len(self.labels)
