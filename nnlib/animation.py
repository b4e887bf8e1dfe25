"""The learning-rate experiment for the static book: a slider that needs no
kernel.

``lr_animation(lrs, epochs=500, dataset="article")`` trains once per
learning rate (``nnlib.experiment.run``, seeded), draws every run on one
``TrainingFigure`` (``nnlib.figures.draw``) and returns an
``IPython.display.HTML`` object: matplotlib's ``to_jshtml`` player (frames
embedded as PNG, a slider and buttons in plain JavaScript) under a caption
that says, for the frame on show, the learning rate and what the run did.
The caption is printed once, as text (not also inside the picture), and the
slider has an accessible name. Nothing is loaded from the network, so it
works in the rendered book, even offline.

``offline_jshtml(animation)`` does the same for any other
``FuncAnimation``.
"""

import html
import json
import re
import uuid

import matplotlib
from matplotlib.animation import FuncAnimation

from nnlib.experiment import DEFAULT_EPOCHS, DEFAULT_LRS, describe, run
from nnlib.figures import draw, new_figure
from nnlib.plots import loss_limits

__all__ = ["DEFAULT_LRS", "frame_label", "lr_animation", "offline_jshtml"]

# The player's buttons use Font Awesome icons loaded from a CDN; plain
# characters work offline, in Jupyter and in the book alike.
_ICONS = {
    "fa fa-minus": "\u2212", "fa fa-fast-backward": "\u21e4",
    "fa fa-step-backward": "\u2039",
    "fa fa-play fa-flip-horizontal": "\u25c0\ufe0e",
    "fa fa-pause": "\u275a\u275a",
    "fa fa-play": "\u25b6\ufe0e", "fa fa-step-forward": "\u203a",
    "fa fa-fast-forward": "\u21e5", "fa fa-plus": "+",
}


def frame_label(result) -> str:
    """The caption of a frame, e.g. "learning rate = 1 (article data):
    overshoots, then converges; final loss 0.00945, ..."."""
    return "learning rate = " + describe(result).removeprefix("lr = ")


def offline_jshtml(animation, **to_jshtml_kwargs) -> str:
    """``animation.to_jshtml(...)`` that loads nothing from the network.

    matplotlib's player links a Font Awesome stylesheet from a CDN for its
    button icons; this drops the link and writes the icons as plain
    characters. Use it for any ``FuncAnimation`` shown in the book:
    ``HTML(offline_jshtml(animation))``.
    ``animation`` may also be HTML that ``to_jshtml`` already returned.
    """
    if isinstance(animation, str):
        return _offline(animation)
    return _offline(animation.to_jshtml(**to_jshtml_kwargs))


def _offline(jshtml: str) -> str:
    """Drop the player's CDN stylesheet and replace its icons by
    characters."""
    jshtml = re.sub(r"<link[^>]*font-awesome[^>]*>", "", jshtml)
    for icon, char in _ICONS.items():
        jshtml = jshtml.replace(f'<i class="{icon}"></i>', char)
    if "https://" in jshtml or "http://" in jshtml:
        raise RuntimeError("the animation HTML still refers to the network")
    return jshtml


def _accessible(jshtml: str, anim_id: str, label_id: str,
                first_label: str) -> str:
    """Name the slider by the caption (aria-labelledby) and give the
    picture a text alternative, for screen readers."""
    slider = f'id="_anim_slider{anim_id}"'
    jshtml = jshtml.replace(
        slider, f'{slider} aria-label="learning rate" '
                f'aria-describedby="{label_id}" '
                f'aria-valuetext="{html.escape(first_label)}"', 1)
    img = f'<img id="_anim_img{anim_id}"'
    return jshtml.replace(img, f'{img} alt="{html.escape(first_label)}"', 1)


def _caption_script(label_id: str, labels: list[str], anim_id: str) -> str:
    """Keep the caption, the slider's value text and the picture's alt text
    in step with the player: watch the image it swaps on every frame."""
    return f"""
<script>
(function() {{
  var labels = {json.dumps(labels)};
  var label = document.getElementById("{label_id}");
  var slider = document.getElementById("_anim_slider{anim_id}");
  var img = document.getElementById("_anim_img{anim_id}");
  function show() {{
    var text = labels[parseInt(slider.value)] || labels[0];
    label.textContent = text;
    slider.setAttribute("aria-valuetext", text);
    img.setAttribute("alt", text);
  }}
  new MutationObserver(show).observe(
    img, {{attributes: true, attributeFilter: ["src"]}});
  slider.addEventListener("input", show);
}})();
</script>
"""


def lr_animation(lrs=DEFAULT_LRS, *, epochs: int = DEFAULT_EPOCHS,
                 dataset: str = "article", dpi: int = 80,
                 resolution: int = 100, interval: int = 1200):
    """One frame per learning rate: decision boundary and loss curve, as a
    browser slider.

    Every frame's caption says its learning rate and what the run shows
    (its regime, final loss, upward steps, accuracy); all frames share one
    loss range so they compare. Returns an ``IPython.display.HTML``;
    ``.data`` is the HTML text.
    """
    # imported here: nnlib itself needs no IPython
    from IPython.display import HTML

    lrs = [float(lr) for lr in lrs]
    if not lrs:
        raise ValueError("lrs must hold at least one learning rate")
    results = [run(lr, epochs, dataset) for lr in lrs]
    loss_ylim = loss_limits([r.history for r in results])
    fig = new_figure(dpi=dpi)

    def frame(i):
        draw(fig, results[i], resolution=resolution, loss_ylim=loss_ylim)
        return []

    animation = FuncAnimation(fig, frame, frames=len(results),
                              interval=interval, repeat=False)
    limit_mb = matplotlib.rcParams["animation.embed_limit"]
    jshtml = offline_jshtml(animation, default_mode="once")
    n_frames = len(re.findall(r'frames\[\d+\] = "data:image/png;base64,',
                              jshtml))
    if n_frames != len(results):
        raise RuntimeError(
            f"only {n_frames} of {len(results)} frames were embedded; "
            f"raise animation.embed_limit ({limit_mb} MB) or lower dpi")

    anim_id = re.search(r'id="_anim_img(\w+)"', jshtml).group(1)
    label_id = f"lr_label_{uuid.uuid4().hex}"
    labels = [frame_label(r) for r in results]
    caption = (f'<p id="{label_id}" class="lr-frame-label" '
               f'aria-live="polite" style="font-weight: bold; '
               f'margin: 0.3em 0;">{html.escape(labels[0])}</p>')
    player = _accessible(jshtml, anim_id, label_id, labels[0])
    return HTML(caption + player + _caption_script(label_id, labels, anim_id))
