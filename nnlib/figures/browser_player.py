"""A slider that plays in the browser with no kernel: matplotlib's
``to_jshtml`` player, made to work offline.

``offline_jshtml(animation)`` returns the HTML of a ``FuncAnimation`` (the
frames embedded as PNG, a slider and buttons in plain JavaScript) with its
Font Awesome stylesheet, which matplotlib loads from a CDN, replaced by
plain characters. Every kernel-free slider of the book goes through it.
"""

import re

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
