"""Cross-entropy losses: standalone, and fused with softmax.

Both return the *mean* loss over the batch, so both gradients are divided by
the batch size: the loss and its gradient must describe the same number.
"""

import numpy as np

from nnlib.checks import as_float_matrix, as_labels, require_forward


def one_hot(labels: np.ndarray, n_classes: int,
            dtype=np.float64) -> np.ndarray:
    """labels: (batch,) ints -> (batch, n_classes) with a single 1 per row."""
    out = np.zeros((len(labels), n_classes), dtype=dtype)
    out[np.arange(len(labels)), labels] = 1
    return out


class CrossEntropy:
    """L = -mean_b log p[b, y_b], for probabilities p that come from
    elsewhere."""

    def __init__(self):
        self.probs = self.labels = None

    def forward(self, probs: np.ndarray, labels: np.ndarray) -> float:
        """probs: (batch, classes) in [0, 1]; labels: (batch,) ints -> scalar
        mean loss."""
        probs = as_float_matrix(probs, "probs")
        if (probs < 0).any() or (probs > 1).any():
            raise ValueError("probs must be probabilities in [0, 1]; "
                             "did you pass logits? "
                             "Use SoftmaxCrossEntropy for logits")
        self.labels = as_labels(labels, probs.shape[1], len(probs))
        # log(0) = -inf: clip to the smallest step the dtype can tell from 0
        # relative to 1.
        self.probs = np.clip(probs, np.finfo(probs.dtype).eps, 1.0)
        picked = self.probs[np.arange(len(self.labels)), self.labels]
        return float(-np.log(picked).mean())

    def backward(self) -> np.ndarray:
        """dL/dprobs: (batch, classes); -1 / (batch * p) at the true class,
        0 elsewhere."""
        require_forward(self.probs, self)
        batch, classes = self.probs.shape
        grad = -one_hot(self.labels, classes, self.probs.dtype) / self.probs
        return grad / batch  # the loss is a mean, so is its gradient


class SoftmaxCrossEntropy:
    """Softmax followed by cross-entropy, fused:
    L = -mean_b log softmax(x)[b, y_b].

    Its gradient is simply (p - onehot(y)) / batch, and it is stable for any
    finite logits because it works with log-probabilities.
    """

    def __init__(self):
        self.probs = self.labels = self.rows = None

    def forward(self, logits: np.ndarray, labels: np.ndarray) -> float:
        """logits: (batch, classes); labels: (batch,) ints -> scalar mean
        loss."""
        logits = as_float_matrix(logits, "logits")
        self.labels = as_labels(labels, logits.shape[1], len(logits))
        # every entry <= 0
        shifted = logits - logits.max(axis=1, keepdims=True)
        # in [0, log C]
        log_sum = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        log_probs = shifted - log_sum
        self.probs = np.exp(log_probs)
        # row b's true class is labels[b]
        self.rows = np.arange(len(self.labels))
        picked = log_probs[self.rows, self.labels]  # log p of the true class
        # the mean; cheaper than .mean() when small
        return -float(picked.sum() / len(picked))

    def backward(self) -> np.ndarray:
        """dL/dlogits: (batch, classes) = (p - onehot(y)) / batch."""
        require_forward(self.probs, self)
        grad = self.probs.copy()
        grad[self.rows, self.labels] -= 1
        grad /= len(self.labels)  # in place: grad is our own copy
        return grad
