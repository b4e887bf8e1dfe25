"""The book's figures, one module per picture. A teaching tool: it imports
nnlib's core, the core never imports it.

- ``boundary``: the plane shaded by a model's class probabilities;
- ``loss_curve``: loss per epoch on log-log axes;
- ``training_figure``: the two side by side, ``plot_training``;
- ``live_figure``: the same figure with a fast redraw, for live sliders;
- ``graph``: computational graphs with values and gradients;
- ``filters``: a convolution's filters and the feature maps of one image;
- ``network``: the whole network as layer boxes, with shapes and gradients;
- ``timeline``: the class predicted for each point, epoch by epoch;
- ``browser_player``: a kernel-free slider over precomputed frames.
"""
