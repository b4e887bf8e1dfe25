"""nnlib.figures.browser_player: any animation plays offline."""

import re

from nnlib.figures.browser_player import offline_jshtml


def test_any_animation_can_be_made_offline():
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    fig, ax = plt.subplots(figsize=(2, 2), dpi=40)
    line, = ax.plot([0, 1], [0, 0])
    animation = FuncAnimation(fig, lambda i: line.set_ydata([0, i]), frames=3)
    page = offline_jshtml(animation, default_mode="once")
    assert offline_jshtml(animation.to_jshtml()).count("font-awesome") == 0  # HTML works too
    plt.close(fig)
    assert "font-awesome" not in page and "https://" not in page
    assert len(re.findall(r'frames\[\d+\] = "data:image/png;base64,', page)) == 3
