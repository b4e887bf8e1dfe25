"""nnlib.lab.slider: the static slider has one caption per frame and an accessible name."""

import html as html_lib
import re

import matplotlib.text

from nnlib.lab.drawing import new_figure
from nnlib.lab.explorer import update
from nnlib.lab.runs import regime, run
from nnlib.lab.slider import lr_animation


def test_static_slider_one_caption_per_frame_and_an_accessible_name():
    lrs = (0.001, 0.1, 1.0, 100.0)
    page = lr_animation(lrs, epochs=100, dpi=40, resolution=30).data
    frames = re.findall(r'frames\[\d+\] = "data:image/png;base64,', page)
    assert len(frames) == len(lrs)
    labels = eval(re.search(r"var labels = (\[.*?\]);", page).group(1))  # a JSON list
    assert len(labels) == len(lrs)
    for lr, label in zip(lrs, labels, strict=True):
        result = run(lr, 100)
        where = "(article data, one Linear layer)"
        assert label.startswith(f"learning rate = {lr:g} {where}: {regime(result)};")
    # each frame's caption is printed once: one caption element above the player (the
    # pictures carry none, see the next test)
    assert page.count('class="lr-frame-label"') == 1
    caption = re.search(r'<p id="(lr_label_\w+)" class="lr-frame-label"[^>]*>(.*?)</p>',
                        page)
    assert caption.group(2) == html_lib.escape(labels[0])
    slider = re.search(r'<input id="_anim_slider\w+"[^>]*>', page, re.S).group(0)
    assert 'aria-label="learning rate"' in slider
    assert f'aria-describedby="{caption.group(1)}"' in slider
    assert re.search(r'<img id="_anim_img\w+" alt="learning rate = 0.001', page)
    assert "http://" not in page and "https://" not in page  # nothing from the network


def figure_texts(fig) -> str:
    """Every visible piece of text in the figure (titles, labels, legends, annotations)."""
    return "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_visible())


def test_slider_frames_have_no_caption_inside_the_picture():
    fig = new_figure()
    update(1.0, 100, "article", fig)
    assert not fig.get_suptitle()
    assert "learning rate" not in figure_texts(fig) and "lr =" not in figure_texts(fig)
