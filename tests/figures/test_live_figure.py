"""nnlib.figures.live_figure: the fast redraw gives the pixels of a full draw."""

import numpy as np

from nnlib.lab.drawing import new_figure
from nnlib.lab.explorer import update


def test_fast_render_gives_the_same_pixels_as_a_full_draw():
    fig = new_figure()
    for lr in (0.1, 1.0, 0.1):  # the third render comes from a cached background
        update(lr, 300, "article", fig)
        fast = np.asarray(fig.canvas.buffer_rgba()).copy()
        legend = fig.boundary_ax.get_legend().get_window_extent()
        fig.canvas.draw()
        full = np.asarray(fig.canvas.buffer_rgba())
        rows, columns = np.nonzero(np.abs(fast.astype(int) - full).max(axis=2) > 2)
        y = full.shape[0] - rows  # pixel rows count from the top, display y from the bottom
        on_legend_edge = ((np.abs(columns - legend.x0) <= 2) | (np.abs(columns - legend.x1) <= 2)
                          | (np.abs(y - legend.y0) <= 2) | (np.abs(y - legend.y1) <= 2))
        # elsewhere only a few pixels where a line meets the frame, drawn in another order
        assert (~on_legend_edge).sum() < 50, f"{(~on_legend_edge).sum()} pixels differ"
