"""nnlib.figures.timeline draws one row per point and one column per epoch, coloured by
the predicted class, with the rows grouped by true class and named."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlib.figures.timeline import plot_prediction_timeline


def test_rows_are_points_grouped_by_class_and_columns_are_epochs():
    labels = np.array([1, 0, 1, 0])
    predictions = np.array([[0, 0, 0, 0], [1, 1, 1, 1], [1, 0, 1, 0]])  # 3 epochs
    fig, ax = plt.subplots()
    image = plot_prediction_timeline(ax, predictions, labels, title="t")
    shown = image.get_array()
    assert shown.shape == (4, 3)  # points x epochs
    # class 0 first: points 1 and 3, then 0 and 2; the last epoch is right everywhere
    np.testing.assert_array_equal(shown[:, -1], [0, 0, 1, 1])
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "1 (class 0)", "3 (class 0)", "0 (class 1)", "2 (class 1)"]
    assert ax.get_title() == "t" and ax.get_xlabel() == "epoch"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["predicted 0", "predicted 1"]
    plt.close(fig)


def test_without_legend_and_wrong_shapes():
    fig, ax = plt.subplots()
    plot_prediction_timeline(ax, np.zeros((2, 3), int), np.array([0, 1, 1]), legend=False)
    assert ax.get_legend() is None
    with pytest.raises(ValueError, match=r"predictions must have shape \(epochs, 3\)"):
        plot_prediction_timeline(ax, np.zeros((3, 2), int), np.array([0, 1, 1]))
    plt.close(fig)
