"""The learning-rate lab. A teaching tool: it imports nnlib's core, the core
never imports it. Its data flow one way:

- ``runs``: one seeded training run per setting, and the regime it shows;
- ``drawing``: a run's result, drawn;
- ``explorer``: the live front end (ipywidgets, needs a kernel);
- ``slider``: the static front end (a slider in the rendered book).

``digits`` is the same lab on real data (chapter 9's MLP on the handwritten
digits, by batch size and learning rate): runs, drawing and live controls.

``regularisation`` is chapter 10's lab: chapter 9's MLP on the digits with
a chosen weight decay and dropout rate, run and drawn, for the chapter's
static slider and its live sliders.
"""
