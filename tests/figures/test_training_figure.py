"""nnlib.figures.training_figure: plot_training is the book's two-panel figure."""

from nnlib import Linear, Model, train
from nnlib import data as nn_data
from nnlib.figures.training_figure import TrainingFigure, plot_training
from nnlib.lab.drawing import new_figure


def test_plot_training_is_the_same_two_panel_figure():
    x, labels = nn_data.article_data()
    model = Model([Linear(2, 2, rng=0)])
    history = train(model, x, labels, lr=0.1, epochs=50)
    fig = plot_training(model, x, labels, history, title="A title")
    assert isinstance(fig, TrainingFigure)
    live = new_figure()
    assert tuple(fig.get_size_inches()) == tuple(live.get_size_inches())
    assert fig.get_layout_engine() is None and live.get_layout_engine() is None
    assert fig.get_suptitle() == "A title"
    assert fig.axes[1].get_ylabel() == live.loss_ax.get_ylabel()  # nobody overwrites it
    import matplotlib.pyplot as plt
    plt.close(fig)
