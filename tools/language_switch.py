"""A Sphinx extension: a link at the top of every page to the same page in the other
edition of the book.

The English book lives at _build/html, the Chinese one at _build/html/zh, with the same
page names, so the link is relative and works offline, from the file system too.
Configure it in _config.yml (sphinx: config:) with

    language_switch: {root: "zh/", label: "中文版", lang: "zh-CN"}  # the English book
    language_switch: {root: "../", label: "English", lang: "en"}    # the Chinese book

where `root` is the other edition's folder seen from this edition's root.
"""

import html


def counterpart(pagename: str, root: str) -> str:
    """The relative URL of page `pagename` (e.g. "book/05_linear") in the other
    edition, seen from the page itself."""
    up = "../" * pagename.count("/")
    return f"{up}{root}{pagename}.html"


def add_switch(app, pagename, templatename, context, doctree):
    setting = app.config.language_switch
    if not setting or "body" not in context:
        return
    url = counterpart(pagename, setting["root"])
    link = (f'<p class="language-switch"><a href="{html.escape(url)}" '
            f'hreflang="{setting["lang"]}" lang="{setting["lang"]}">'
            f'{html.escape(setting["label"])}</a></p>\n')
    context["body"] = link + context["body"]


def setup(app):
    app.add_config_value("language_switch", None, "html")
    app.connect("html-page-context", add_switch)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
