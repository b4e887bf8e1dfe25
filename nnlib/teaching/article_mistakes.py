"""The article's mistakes that still run, kept as counterexamples.

The book trains and checks them next to nnlib's layers, and the tests show
that the checks catch them. Never use them for anything else.
"""

import numpy as np

from nnlib.layers.linear import Linear


class ReturnsDW(Linear):
    """WRONG (the article's section 5): hands dL/dW down, not dL/dX."""

    def backward(self, grad: np.ndarray) -> np.ndarray:
        super().backward(grad)  # stores the correct dw and db
        return self.dw  # shape (D, C), not (B, D)
