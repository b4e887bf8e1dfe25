"""The learning-rate lab for the static book: a slider that needs no
kernel.

``lr_animation(lrs, epochs=500, dataset="article")`` trains once per
learning rate (``nnlib.lab.runs.run``, seeded), draws every run on one
figure (``nnlib.lab.drawing.draw``) and returns an
``IPython.display.HTML`` object: the offline ``to_jshtml`` player
(``nnlib.figures.browser_player``) under a caption that says, for the frame
on show, the learning rate and what the run did. The caption is printed
once, as text (not also inside the picture), and the slider has an
accessible name. Nothing is loaded from the network, so it works in the
rendered book, even offline.
"""

import html
import json
import re
import uuid

import matplotlib
from matplotlib.animation import FuncAnimation

from nnlib.figures.browser_player import offline_jshtml
from nnlib.figures.loss_curve import loss_limits
from nnlib.lab.drawing import draw, new_figure
from nnlib.lab.runs import DEFAULT_EPOCHS, DEFAULT_LRS, describe, run


def frame_label(result) -> str:
    """The caption of a frame, e.g. "learning rate = 1 (article data):
    overshoots, then converges; final loss 0.00945, ..."."""
    return "learning rate = " + describe(result).removeprefix("lr = ")


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
                 resolution: int = 100, interval: int = 1200,
                 loss_ylim: tuple[float, float] | None = None):
    """One frame per learning rate: decision boundary and loss curve, as a
    browser slider.

    Every frame's caption says its learning rate, what the run shows (its
    regime) and the measures that show it (``describe``: final loss,
    upward steps, accuracy, margin and |W| or dead units); all frames share
    one loss range so they compare: ``loss_ylim``, or by default one that
    holds every run's losses. (A narrower range spreads out the curves
    that matter; a loss outside it leaves the panel at its edge.) Returns an
    ``IPython.display.HTML``; ``.data`` is the HTML text.
    """
    # imported here: nnlib itself needs no IPython
    from IPython.display import HTML

    lrs = [float(lr) for lr in lrs]
    if not lrs:
        raise ValueError("lrs must hold at least one learning rate")
    results = [run(lr, epochs, dataset) for lr in lrs]
    if loss_ylim is None:
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
