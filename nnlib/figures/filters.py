"""A convolution's first layer as pictures: its K x K filters, and the
feature maps they give for one image (chapter 11's slider and its live
version draw every frame with ``draw_filters_and_maps``)."""

import math

import numpy as np
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from nnlib.layers.conv import Conv2d


def feature_maps(conv: Conv2d, image: np.ndarray) -> np.ndarray:
    """max(conv(image), 0) for one image (C_in, H_in, W_in): the maps after
    the layer and its ReLU, (C_out, H_out, W_out)."""
    return np.maximum(conv.forward(image[None])[0], 0)


def _grid(subfig, count: int):
    """A square-ish grid of ``count`` axes without ticks."""
    columns = math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    axes = subfig.subplots(rows, columns, squeeze=False).ravel()
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes[count:]:
        ax.axis("off")
    return axes[:count]


def draw_filters_and_maps(fig: Figure, conv: Conv2d, image: np.ndarray, *,
                          title: str = "", filter_limit: float | None = None,
                          map_limit: float | None = None) -> Figure:
    """Draw the filters of ``conv`` (a Conv2d with one input channel) on the
    left, red > 0 > blue, and the feature maps of ``image`` (1, H_in, W_in)
    on the right. The colour limits default to the largest |weight| and the
    largest map value; pass fixed ones so that frames compare. Returns
    ``fig``, cleared and redrawn."""
    fig.clear()
    fig.set_layout_engine("constrained")  # room for the titles, no overlap
    filters = conv.w[:, 0]  # (C_out, K, K)
    maps = feature_maps(conv, image)
    # a positive limit even for all-zero filters or maps
    filter_limit = filter_limit or float(np.abs(filters).max()) or 1.0
    map_limit = map_limit or float(maps.max()) or 1.0
    left, right = fig.subfigures(1, 2, wspace=0.05)
    weight_norm = Normalize(-filter_limit, filter_limit)
    for k, ax in enumerate(_grid(left, len(filters))):
        ax.imshow(filters[k], cmap="RdBu_r", norm=weight_norm)
        ax.set_title(f"filter {k}", fontsize="x-small", pad=2)
    left.colorbar(_mappable(weight_norm, "RdBu_r"), ax=left.axes,
                  shrink=0.8, label="weight", extend="both")
    left.suptitle(f"First-layer filters ({filters.shape[1]} x "
                  f"{filters.shape[2]})", fontsize="medium")
    map_norm = Normalize(0, map_limit)
    for k, ax in enumerate(_grid(right, len(maps))):
        ax.imshow(maps[k], cmap="magma", norm=map_norm)
        ax.set_title(f"map {k}", fontsize="x-small", pad=2)
    right.colorbar(_mappable(map_norm, "magma"), ax=right.axes, shrink=0.8,
                   label="max(z, 0)", extend="max")
    right.suptitle("Their feature maps of the digit, after ReLU",
                   fontsize="medium")
    if title:
        fig.suptitle(title)
    return fig


def _mappable(norm, cmap):
    from matplotlib.cm import ScalarMappable

    return ScalarMappable(norm=norm, cmap=cmap)
