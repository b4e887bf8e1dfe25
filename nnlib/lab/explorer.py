"""The live learning-rate explorer: ipywidgets controls on top of the lab
(``nnlib.lab.runs`` and ``nnlib.lab.drawing``). It needs a running Python
kernel; the rendered book uses the static slider instead
(``nnlib.lab.slider``).

One slider move is ``update``::

    result = update(lr, epochs=500, dataset="article", fig=fig)

It retrains a freshly seeded model (``nnlib.lab.runs.run``), shows the run
on ``fig`` (a figure from ``nnlib.lab.drawing.new_figure()``) by changing
its artists' data in place, renders it, and returns the ``LRResult``. The
benchmark times exactly that, plus ``rendered_png``, against ``run`` alone.
"""

import html

import numpy as np

from nnlib.figures.live_figure import LiveTrainingFigure
from nnlib.lab.drawing import RESOLUTION, draw, new_figure, rendered_png
from nnlib.lab.runs import (
    DATASET_NAMES,
    DEFAULT_EPOCHS,
    LRResult,
    default_hidden,
    describe,
    run,
)
from nnlib.layers.activations import ACTIVATIONS

# the learning-rate slider's range: at its top some settings diverge (the
# moons with 16 ReLU units from about 2000, see FAILING_LRS)
LR_MIN, LR_MAX = 1e-3, 1e4
HIDDEN_MAX = 64  # the largest width the "hidden units" slider offers
ACTIVATION_NAMES = tuple(ACTIVATIONS)  # "relu", "tanh", "sigmoid"


def update(lr: float, epochs: int = DEFAULT_EPOCHS, dataset: str = "article",
           fig: LiveTrainingFigure | None = None, *,
           resolution: int = RESOLUTION, hidden: int | None = None,
           activation: str = "relu") -> LRResult:
    """Retrain at ``lr`` and redraw ``fig`` in place (one slider move);
    returns the ``LRResult``.

    The figure is rendered on its canvas (``fig.render()``: only what
    changed is drawn again), so the time this takes is the time a reader
    waits. Without ``fig``, a new figure is drawn on and then dropped (the
    result is still returned).
    """
    fig = new_figure() if fig is None else fig
    result = run(lr, epochs, dataset, hidden=hidden, activation=activation)
    draw(fig, result, resolution=resolution)
    fig.render()
    return result


class LearningRateExplorer:
    """Live controls for ``update``: learning rate (log scale), epochs, data
    set, and the model's hidden units (0: the article's single Linear layer)
    and their activation (hidden while there are none).

    Display it as the last expression of a cell. Every change retrains and
    redraws the same figure; the latest ``LRResult`` is in ``.result``, its
    description (``describe``: the regime the run shows and the measures
    that show it, dead units included) above the picture.
    Choosing another data set also sets the hidden units to that data
    set's default (``default_hidden``). It needs a running Python kernel.
    """

    def __init__(self, lr: float = 0.1, epochs: int = DEFAULT_EPOCHS,
                 dataset: str = "article", hidden: int | None = None,
                 activation: str = "relu"):
        # imported here: update() works without ipywidgets
        import ipywidgets as widgets

        style = {"description_width": "110px"}
        layout = widgets.Layout(width="460px")
        self.lr = widgets.FloatLogSlider(
            value=lr, base=10, min=np.log10(LR_MIN), max=np.log10(LR_MAX),
            step=0.125, description="learning rate", readout_format=".3g",
            continuous_update=False, style=style, layout=layout)
        self.epochs = widgets.IntSlider(
            value=epochs, min=10, max=2000, step=10, description="epochs",
            continuous_update=False, style=style, layout=layout)
        self.dataset = widgets.Dropdown(options=DATASET_NAMES, value=dataset,
                                        description="data set", style=style)
        self.hidden = widgets.IntSlider(
            value=default_hidden(dataset) if hidden is None else hidden,
            min=0, max=HIDDEN_MAX, description="hidden units",
            continuous_update=False, style=style, layout=layout)
        self.activation = widgets.Dropdown(
            options=ACTIVATION_NAMES, value=activation,
            description="activation", style=style)
        self.caption = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.fig = new_figure()
        self.result = None
        # True while a control is set from code: retrain once
        self._quiet = False
        for control in (self.lr, self.epochs, self.hidden, self.activation):
            control.observe(self.refresh, names="value")
        self.dataset.observe(self._dataset_changed, names="value")
        self.widget = widgets.VBox([self.lr, self.epochs, self.dataset,
                                    self.hidden, self.activation,
                                    self.caption, self.image])
        self.refresh()

    def _dataset_changed(self, change) -> None:
        self._quiet = True
        try:
            self.hidden.value = default_hidden(change["new"])
        finally:
            self._quiet = False
        self.refresh()

    def refresh(self, change=None) -> None:
        """Retrain with the controls' current values and show the new
        picture."""
        if self._quiet:
            return
        # no hidden layer, no activation: do not offer a control that does
        # nothing
        self.activation.layout.display = (
            "none" if self.hidden.value == 0 else None)
        self.result = update(self.lr.value, self.epochs.value,
                             self.dataset.value, self.fig,
                             hidden=self.hidden.value,
                             activation=self.activation.value)
        self.caption.value = f"<b>{html.escape(describe(self.result))}</b>"
        self.image.value = rendered_png(self.fig)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
