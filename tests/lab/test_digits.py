"""nnlib.lab.digits: chapter 9's explorer trains and draws at every setting its controls
offer; a run that diverges is drawn ("diverged at epoch k"), never raised."""

import json

import matplotlib.text
import numpy as np
import pytest
from matplotlib.figure import Figure

from nnlib import SGD, TrainingDiverged, data, mlp, train
from nnlib.lab.digits import (
    BATCH_SIZES,
    LR_MAX,
    LR_MIN,
    DigitsExplorer,
    batch_sizes,
    describe_digits,
    digits_run,
    explore,
    full_batch,
)

from conftest import ROOT


@pytest.fixture(scope="module")
def split():
    return data.digits_split(seed=0)


def figure_texts(fig) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_visible())


@pytest.mark.parametrize("batch_size, lr", [(4, LR_MAX), (8, LR_MAX), ("full", LR_MIN),
                                            (4, LR_MIN), ("full", LR_MAX)])
def test_explore_returns_a_drawing_at_the_extremes_of_its_controls(split, batch_size, lr):
    size = full_batch(split) if batch_size == "full" else batch_size
    fig = explore(split, size, lr)  # raises nothing
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    title = fig.get_suptitle()
    assert title.startswith(f"Batch size {size}") and f"lr {lr:g}" in title
    texts = figure_texts(fig)
    if "diverged" in title:  # named in the title and in both panels
        epoch = title.split("diverged at epoch ")[1].split(":")[0]
        assert texts.count(f"diverged at epoch {epoch}") >= 3
    else:
        assert "final validation accuracy" in title


def test_the_largest_rate_diverges_with_small_batches_and_is_drawn(split):
    for size in (4, 8):
        run = digits_run(split, size, LR_MAX)
        assert run.diverged_at is not None and run.val_accuracy is None
        with pytest.raises(TrainingDiverged) as caught:  # what train itself does
            train(mlp(64, [64], 10, rng=0), split.x_train, split.labels_train, epochs=30,
                  batch_size=size, rng=0, optimizer=SGD(LR_MAX, momentum=0.9),
                  validation=(split.x_val, split.labels_val))
        assert caught.value.epoch == run.diverged_at
    # the reader's crash: batches of 4 at the default rate 0.1
    assert digits_run(split, 4, 0.1).diverged_at is not None


def test_a_digits_run_is_chapter_9s_training(split):
    run = digits_run(split, 32, 0.1, epochs=3)
    model = mlp(64, [64], 10, rng=0)
    history = train(model, split.x_train, split.labels_train, epochs=3, batch_size=32, rng=0,
                    optimizer=SGD(0.1, momentum=0.9),
                    validation=(split.x_val, split.labels_val))
    np.testing.assert_array_equal(run.history.loss, history.loss)
    np.testing.assert_array_equal(run.history.val_accuracy, history.val_accuracy)
    assert run.val_accuracy == history.val_accuracy[-1]
    assert run.steps_per_epoch == -(-len(split.x_train) // 32)
    assert "full batch" in describe_digits(digits_run(split, full_batch(split), 0.1, epochs=1))


def test_the_live_controls_offer_these_extremes_and_survive_them(split):
    explorer = DigitsExplorer(split, batch_size=32, lr=0.1)
    options = list(explorer.batch_size.options)
    assert options == [*BATCH_SIZES, full_batch(split)] == list(batch_sizes(split))
    assert min(options) == 4 and max(options) == full_batch(split)
    assert 10 ** explorer.lr.min == pytest.approx(LR_MIN)
    assert 10 ** explorer.lr.max == pytest.approx(LR_MAX)
    first = bytes(explorer.image.value)
    explorer.batch_size.value = 4
    explorer.lr.value = LR_MAX  # diverges: drawn, not raised
    assert explorer.run.diverged_at is not None
    assert bytes(explorer.image.value) != first
    explorer.batch_size.value = full_batch(split)
    explorer.lr.value = LR_MIN
    assert explorer.run.diverged_at is None
    assert bytes(explorer.image.value).startswith(b"\x89PNG")


def test_chapter_9s_live_cell_uses_the_tested_explorer():
    cells = json.loads((ROOT / "book" / "09_digits.ipynb").read_text("utf-8"))["cells"]
    live = [cell for cell in cells
            if "skip-execution" in cell.get("metadata", {}).get("tags", [])]
    assert len(live) == 1
    assert "DigitsExplorer(split)" in "".join(live[0]["source"])
