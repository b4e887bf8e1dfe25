"""One epoch of mini-batch training on the handwritten digits: nnlib against
scikit-learn, over the same batches, timed in the same run.

    python benchmarks/digits.py            # prints the times and the ratio
    python benchmarks/digits.py --quick    # fewer rounds

The candidate is ``nnlib.train(..., epochs=1, batch_size=32)`` on the
standardised training part of ``nnlib.data.digits_split`` with
``mlp(64, [64], 10)`` and ``SGD(lr, momentum)``. The baseline is
scikit-learn's ``MLPClassifier`` with the same architecture and optimizer
settings, fed the same batches in the same order through ``partial_fit``, one
call per batch (``partial_fit`` makes one SGD step per call when the batch
holds ``batch_size`` rows). Both start from the same weights for the agreement
check: after one epoch their parameters must agree to rounding, or the
comparison is void. The ratio is nnlib's time over scikit-learn's, the median
over interleaved rounds (``timing.paired_ratio``).
"""

import argparse
import statistics
import sys
import warnings

import numpy as np
from cases import max_rel_diff

from nnlib import SGD, data, epoch_batches, mlp, train
from nnlib.timing import measure_rounds, paired_ratio

HIDDEN, LR, MOMENTUM, BATCH_SIZE = 64, 0.1, 0.9, 32


def sklearn_mlp(model, x, labels, *, lr: float = LR,
                momentum: float = MOMENTUM, batch_size: int = BATCH_SIZE):
    """An ``MLPClassifier`` for ``partial_fit`` with nnlib ``model``'s
    architecture and weights, SGD with the same settings, no L2 term, and
    zero velocity, as a fresh nnlib ``SGD`` has."""
    from sklearn.neural_network import MLPClassifier

    hidden = [layer.w.shape[1] for layer in model.layers[:-1:2]]
    clf = MLPClassifier(hidden, activation="relu", solver="sgd", alpha=0.0,
                        batch_size=batch_size, learning_rate="constant",
                        learning_rate_init=lr, momentum=momentum,
                        nesterovs_momentum=False, shuffle=False,
                        random_state=0)
    # The first call creates the weights (and takes a step): overwrite them
    # with nnlib's, and drop the optimizer so the next call starts it afresh.
    clf.partial_fit(x[:batch_size], labels[:batch_size],
                    classes=np.arange(labels.max() + 1))
    linears = model.layers[::2]
    for coef, intercept, layer in zip(clf.coefs_, clf.intercepts_, linears,
                                      strict=True):
        coef[...] = layer.w
        intercept[...] = layer.b
    del clf._optimizer
    return clf


def digits_epoch_times(seed: int = 0, *, repeats: int = 11) -> dict:
    """Time one epoch each way; returns medians (s), the paired ratio
    nnlib / scikit-learn, the agreement after one epoch from the same start,
    and the sizes."""
    split = data.digits_split(seed)
    x, labels = split.x_train, split.labels_train
    # the batches nnlib.train(..., batch_size=BATCH_SIZE, rng=seed) uses in
    # its first epoch
    batches = epoch_batches(len(x), BATCH_SIZE, np.random.default_rng(seed))

    def nnlib_side():
        model = mlp(64, [HIDDEN], 10, rng=seed)
        optimizer = SGD(LR, momentum=MOMENTUM)

        def epoch():
            train(model, x, labels, epochs=1, batch_size=BATCH_SIZE,
                  rng=seed, optimizer=optimizer)
        return model, epoch

    def sklearn_side(model):
        clf = sklearn_mlp(model, x, labels)

        def epoch():
            for rows in batches:
                clf.partial_fit(x[rows], labels[rows])
        return clf, epoch

    # The same computation? One epoch from the same start, then compare.
    model, nnlib_epoch = nnlib_side()
    clf, sklearn_epoch = sklearn_side(model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter
        nnlib_epoch()
        sklearn_epoch()
        ours = [p.value for p in model.parameters()]
        theirs = [clf.coefs_[0], clf.intercepts_[0], clf.coefs_[1],
                  clf.intercepts_[1]]
        agreement = max(max_rel_diff(a, b)
                        for a, b in zip(ours, theirs, strict=True))
        rounds = measure_rounds({"nnlib": nnlib_epoch,
                                 "sklearn": sklearn_epoch},
                                repeats=repeats, min_time=0.05)
    return {
        "nnlib_s": statistics.median(rounds["nnlib"]),
        "sklearn_s": statistics.median(rounds["sklearn"]),
        "ratio": paired_ratio(rounds["nnlib"], rounds["sklearn"]),
        "agreement": agreement,
        "rows": len(x), "batches": len(batches),
    }


def digits_epoch_case(*, item: int = 6, repeats: int = 11,
                      limit: float = 1.0):
    """``digits_epoch_times`` as one row of ``benchmarks/run.py``'s report
    (a ``cases.Row``; target: nnlib <= ``limit`` x scikit-learn)."""
    import cases  # here, not at the top: cases may import this module

    result = digits_epoch_times(repeats=repeats)
    same = result["agreement"] < 1e-9
    row = cases.Row(
        item, f"digits: one epoch, {result['rows']} rows, batch "
              f"{BATCH_SIZE}, 64 -> {HIDDEN} ReLU -> 10, SGD momentum",
        "nnlib.train(epochs=1)", "MLPClassifier.partial_fit per batch",
        result["nnlib_s"], result["sklearn_s"], f"<= {limit:.2f}x",
        result["ratio"] <= limit and same, result["agreement"],
        ratio=result["ratio"])
    row.notes.append(f"{result['batches']} batches, the same rows in the "
                     f"same order on both sides")
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds")
    args = parser.parse_args(argv)
    result = digits_epoch_times(repeats=5 if args.quick else 11)
    print(f"one epoch of digits training ({result['rows']} rows, "
          f"{result['batches']} batches of {BATCH_SIZE}):")
    print(f"  nnlib.train(epochs=1)            "
          f"{result['nnlib_s'] * 1e3:7.2f} ms")
    print(f"  MLPClassifier.partial_fit x {result['batches']}  "
          f"{result['sklearn_s'] * 1e3:7.2f} ms")
    print(f"  ratio nnlib / scikit-learn: {result['ratio']:.2f}x "
          f"(target <= 1.00x)")
    print(f"  parameters after one epoch from the same start: max relative "
          f"difference {result['agreement']:.1e}")
    return 0 if result["ratio"] <= 1.0 and result["agreement"] < 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main())
