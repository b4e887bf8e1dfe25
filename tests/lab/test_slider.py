"""nnlib.lab.slider: the static slider has one caption per frame and an accessible name."""

import html as html_lib
import re

import matplotlib.text

from nnlib.lab.drawing import REFERENCE_LABEL, new_figure
from nnlib.lab.explorer import update
from nnlib.lab.runs import FAILING_LRS, regime, run
from nnlib.lab.slider import frame_label, lr_animation


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


def _labels(page):
    return eval(re.search(r"var labels = (\[.*?\]);", page).group(1))  # a JSON list


def test_article_captions_state_the_margin_and_the_weight_norm():
    page = lr_animation((0.1, 100.0), epochs=500, dpi=30, resolution=20).data
    for lr, label in zip((0.1, 100.0), _labels(page), strict=True):
        result = run(lr)
        assert f"margin {result.margin:.3g} (widest possible 1.41)" in label
        assert f"|W| {result.weight_norm:.3g}" in label


def test_the_failing_slider_names_a_failure_and_keeps_its_loss_range():
    lrs = (0.01, 100.0, 3000.0)
    page = lr_animation(lrs, dataset="moons", dpi=30, resolution=20,
                        loss_ylim=(1e-3, 1e4)).data
    labels = _labels(page)
    assert "every ReLU dead" in labels[1] and "16 of 16 ReLU units dead" in labels[1]
    assert "diverges; the numbers stopped being finite at epoch" in labels[2]
    assert "(held-out points" in labels[0]


def test_the_reference_line_is_drawn_for_the_article_data_only():
    fig = new_figure()
    update(1.0, 50, "article", fig)
    assert [line.get_label() for line in fig.boundary_ax.lines] == [REFERENCE_LABEL]
    legend = [text.get_text() for text in fig.boundary_ax.get_legend().get_texts()]
    assert legend[-1] == REFERENCE_LABEL
    update(10.0, 50, "article", fig)  # same data: drawn once
    assert len(fig.boundary_ax.lines) == 1
    update(1.0, 50, "moons", fig)  # no straight line separates the moons
    assert not fig.boundary_ax.lines


def test_chapter_6_shows_both_sliders():
    """The rendered chapter 6 has the article's slider (margins in every caption) and
    the moons slider, whose frames include failing regimes (tested above)."""
    import json

    from conftest import ROOT

    cells = json.loads((ROOT / "book" / "06_training.ipynb").read_text("utf-8"))["cells"]
    calls = [src for cell in cells if cell["cell_type"] == "code"
             for src in ["".join(cell["source"])] if "lr_animation(" in src
             and "import" not in src]
    assert len(calls) == 2
    assert "lr_animation(DEFAULT_LRS" in calls[0]
    assert 'lr_animation(FAILING_LRS, dataset="moons"' in calls[1]
    labels = [frame_label(run(lr, dataset="moons")) for lr in FAILING_LRS]
    assert any("diverges" in label for label in labels)
    assert any("every ReLU dead" in label for label in labels)
