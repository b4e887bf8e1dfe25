"""The rendered book works in a real browser with no network: maths is typeset by the
bundled MathJax, the learning-rate slider of chapter 6 changes the picture, no page
throws a JavaScript error or logs one, nothing is wider than its column at 1280 px,
prose reads at phone width, and figures are sharp at the size shown. All of it holds
for the Chinese edition too, whose every page links to its English twin and back,
and whose search finds 交叉熵.

Chromium (Debian's /usr/bin/chromium) is driven by Python Playwright. Every request
that does not go to the local server is aborted and recorded; none may be needed.
Without Chromium or Playwright the tests skip, except under CI=true, where they fail.
"""

import functools
import http.server
import os
import shutil
import threading
import warnings

import pytest

from conftest import NOTEBOOKS

pytestmark = pytest.mark.browser

CHAPTERS = [notebook.stem for notebook in NOTEBOOKS]
PAGES = ["intro", *CHAPTERS]
# every page of both editions, as paths under the site root
PATHS = [f"book/{name}" for name in PAGES] + [f"zh/book/{name}" for name in PAGES]
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-default-apps", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 400, "height": 800}


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI=true requires the browser test to run")
    pytest.skip(reason)


# Session-scoped and autouse (for this module's tests), so that pytest sets it up before
# the session-scoped book build: a machine without a browser skips in a second.
@pytest.fixture(scope="session", autouse=True)
def chromium_path() -> str:
    """The Chromium executable; skip (or, under CI=true, fail) when there is none."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Python Playwright is not installed (pip install -r requirements.txt)")
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        _unavailable("no chromium executable on PATH (Debian/Ubuntu: apt-get install chromium)")
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(chromium_path, built_book):
    """The built HTML served on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=BROWSER_ARGS)
        yield browser
        browser.close()


def new_offline_page(browser, site, viewport=DESKTOP):
    """A page that can reach only the local server: (context, page, blocked, errors).

    `blocked` collects the URLs it tried to load from elsewhere, `errors` every
    uncaught JavaScript exception and every message logged with console.error: a test
    passes only with both empty.
    """
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    blocked, errors = [], []

    def only_local(route):
        if route.request.url.startswith(site + "/"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(f"console.error: {message.text}")
            if message.type == "error" else None)
    return context, page, blocked, errors


@pytest.fixture
def offline_page(browser, site):
    """A 1280x900 page that can reach only the local server; yields (page, blocked, errors)."""
    context, page, blocked, errors = new_offline_page(browser, site)
    yield page, blocked, errors
    context.close()


def open_chapter(page, site, name="06_training"):
    response = page.goto(f"{site}/book/{name}.html", wait_until="load")
    assert response is not None and response.ok, f"{name}.html did not load"


def typeset_counts(page) -> tuple[int, int]:
    """Wait for MathJax to finish; return (formulas on the page, formulas typeset)."""
    page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise",
                           timeout=30_000)
    page.evaluate("MathJax.startup.promise")  # resolves once the page is typeset
    assert page.locator("mjx-merror").count() == 0, "MathJax reported a TeX error"
    return page.locator(".math").count(), page.locator("mjx-container").count()


def test_maths_is_typeset_offline(offline_page, site):
    page, blocked, errors = offline_page
    open_chapter(page, site)
    page.wait_for_selector("mjx-container", state="attached", timeout=30_000)
    n_math, n_typeset = typeset_counts(page)
    assert n_math > 0, "the chapter has no maths to typeset"
    assert n_typeset >= n_math, f"only {n_typeset} of {n_math} formulas were typeset"
    assert not errors, f"JavaScript errors: {errors}"
    assert not blocked, f"the page tried to load from the network: {blocked}"


@pytest.mark.parametrize("path", PATHS)
def test_every_chapter_renders_offline(offline_page, site, path):
    page, blocked, errors = offline_page
    response = page.goto(f"{site}/{path}.html", wait_until="load")
    assert response is not None and response.ok, f"{path}.html did not load"
    n_math, n_typeset = typeset_counts(page)
    assert n_typeset >= n_math, f"only {n_typeset} of {n_math} formulas were typeset"
    assert not errors, f"JavaScript errors: {errors}"
    assert not blocked, f"the page tried to load from the network: {blocked}"


def test_learning_rate_slider_changes_the_picture(offline_page, site):
    page, blocked, errors = offline_page
    open_chapter(page, site)
    slider = page.locator("input.anim-slider").first
    image = page.locator("img[id^='_anim_img']").first
    label = page.locator(".lr-frame-label").first
    slider.wait_for(state="visible", timeout=30_000)
    page.wait_for_function(
        "document.querySelector(\"img[id^='_anim_img']\").src.startsWith('data:image/png')",
        timeout=30_000)
    n_frames = int(slider.get_attribute("max")) + 1
    assert n_frames >= 5, f"expected a frame per learning rate, got {n_frames}"
    first_src, first_label = image.get_attribute("src"), label.text_content()
    assert first_label.startswith("learning rate = 0.001")

    slider.fill(str(n_frames - 1))  # drag to the largest learning rate
    page.wait_for_function(
        "(first) => document.querySelector(\"img[id^='_anim_img']\").src !== first",
        arg=first_src, timeout=10_000)
    last_src, last_label = image.get_attribute("src"), label.text_content()
    assert last_src != first_src
    # The label names the frame's learning rate and what it did (chapter 6 words it).
    assert last_label.startswith("learning rate = ") and last_label != first_label

    page.get_by_role("button", name="Previous frame").first.click()  # the buttons work too
    page.wait_for_function(
        "(last) => document.querySelector(\"img[id^='_anim_img']\").src !== last",
        arg=last_src, timeout=10_000)
    assert label.text_content() not in (first_label, last_label)
    assert not errors, f"JavaScript errors: {errors}"
    assert not blocked, f"the page tried to load from the network: {blocked}"


# --- Layout: what a reader sees at 1280 px and at phone width -----------------------------

# Blocks that can be wider than the column: code cells and their outputs, display maths,
# tables, figures, and the prose blocks (a long formula or identifier in a paragraph).
BLOCKS = ", ".join([
    "pre", "div.highlight", "div.cell_output", "div.output", "div.math",
    'mjx-container[display="true"]', "table", ".pst-scrollable-table-container",
    "img", "figure", "iframe", "video", ".admonition", "blockquote",
    "p", "li", "dt", "dd", "h1", "h2", "h3", "h4",
])

# Returns the outermost blocks of the article that are wider than the column: `inner`
# is how far the content runs past the block's own box (cut off, or scrolled sideways),
# `outer` how far the block runs past the column. Under 3 px is rounding, not overflow.
# Maths is named by its TeX source.
OVERFLOWS_JS = """(selector) => {
  const column = document.querySelector('article.bd-article');
  const style = getComputedStyle(column), box = column.getBoundingClientRect();
  const left = box.left + parseFloat(style.paddingLeft);
  const right = box.right - parseFloat(style.paddingRight);
  const tex = (e) => {
    const doc = window.MathJax && MathJax.startup && MathJax.startup.document;
    const items = doc && doc.getMathItemsWithin ? doc.getMathItemsWithin(e) : [];
    return items.map((item) => item.math).join(' ');
  };
  const found = [];
  for (const e of column.querySelectorAll(selector)) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const inner = e.scrollWidth - e.clientWidth;
    const outer = Math.max(r.right - right, left - r.left);
    if (inner > 2 || outer > 2) found.push({e, inner, outer, width: r.width});
  }
  // Inline maths is clipped by its span (overflow: hidden), so it never spills: compare
  // the typeset formula with the span instead (MathJax's hidden MathML sticks out: skip).
  for (const e of column.querySelectorAll('span.math')) {
    const formula = e.querySelector('mjx-math'), r = e.getBoundingClientRect();
    if (!formula || r.width === 0) continue;
    const inner = formula.getBoundingClientRect().width - r.width;
    if (inner > 2) found.push({e, inner, outer: 0, width: r.width});
  }
  return found.filter((o) => !found.some((p) => p !== o && p.e.contains(o.e))).map(
    ({e, inner, outer, width}) => ({
      tag: e.tagName.toLowerCase() + (e.classList.length ? '.' + e.classList[0] : ''),
      text: ((e.matches('.math, mjx-container') && tex(e)) || e.textContent || e.src || '')
        .replace(/\\s+/g, ' ').trim().slice(0, 80),
      content: Math.round(width + inner), box: Math.round(width),
      column: Math.round(right - left), inner: Math.round(inner), outer: Math.round(outer),
    }));
}"""

# Code blocks and outputs wrap their long lines (_static/layout.css). Which of them do:
# each <pre> is measured once more without wrapping, and its longest line is returned.
WRAPPED_JS = """() => {
  const found = [];
  for (const pre of document.querySelectorAll('article.bd-article pre')) {
    if (pre.clientWidth === 0) continue;
    const saved = pre.getAttribute('style');
    pre.style.whiteSpace = 'pre';
    pre.style.overflowWrap = 'normal';
    const wraps = pre.scrollWidth - pre.clientWidth > 2;
    if (saved === null) pre.removeAttribute('style'); else pre.setAttribute('style', saved);
    if (!wraps) continue;
    const lines = pre.textContent.split('\\n');
    const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), '');
    found.push({chars: longest.length, line: longest.trim().slice(0, 80)});
  }
  return found;
}"""

# Prose must read at phone width: no sideways scrolling of the whole page, and no
# paragraph, list item or heading wider than the screen or with a formula cut off.
# Code, display maths and tables may scroll inside their own boxes there.
PHONE_JS = """() => {
  const root = document.documentElement, width = root.clientWidth;
  const tex = (e) => {
    const doc = window.MathJax && MathJax.startup && MathJax.startup.document;
    const items = doc && doc.getMathItemsWithin ? doc.getMathItemsWithin(e) : [];
    return items.map((item) => item.math).join(' ') || e.textContent;
  };
  const cut = (m) => {
    const formula = m.querySelector('mjx-math');
    return formula && formula.getBoundingClientRect().width > m.getBoundingClientRect().width + 2;
  };
  const found = [];
  for (const e of document.querySelectorAll(
      'article.bd-article :is(p, li, dt, dd, h1, h2, h3, h4, blockquote, figcaption)')) {
    if (e.closest('pre, table, .math, mjx-container, .cell_output')) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0) continue;
    const formula = [...e.querySelectorAll('span.math')].find(cut);
    if (formula || r.right > width + 2 || r.left < -2 || e.scrollWidth - e.clientWidth > 2)
      found.push({e, why: formula ? 'cuts off a formula' : `reaches ${Math.round(r.right)} px`,
                  text: (formula ? tex(formula) : e.textContent)
                    .replace(/\\s+/g, ' ').trim().slice(0, 80)});
  }
  const prose = found.filter((o) => !found.some((p) => p !== o && p.e.contains(o.e)))
    .map(({e, why, text}) => ({tag: e.tagName.toLowerCase(), why, text}));
  return {page: root.scrollWidth, screen: width, prose};
}"""

# Every figure (PNG in the article): loaded, and its natural (file) width against the
# width it is shown at.
FIGURES_JS = """() => [...document.querySelectorAll('article.bd-article img')]
  .filter((img) => img.getBoundingClientRect().width > 0)
  .map((img) => ({src: img.getAttribute('src').slice(0, 60), loaded: img.complete,
                  natural: img.naturalWidth, shown: img.getBoundingClientRect().width}))"""


def settled(page, site, path):
    """Open a page (e.g. "book/05_linear") and wait until it looks final: maths
    typeset, fonts and images loaded, every collapsed code cell (<details>) opened,
    since a reader can open it."""
    response = page.goto(f"{site}/{path}.html", wait_until="load")
    assert response is not None and response.ok, f"{path}.html did not load"
    if page.locator("script[src*='mathjax']").count():
        typeset_counts(page)
    page.evaluate("""async () => {
      document.querySelectorAll('article details').forEach((d) => { d.open = true; });
      await document.fonts.ready;
      await Promise.all([...document.images].filter((img) => !img.complete).map(
        (img) => new Promise((done) => { img.onload = img.onerror = done; })));
    }""")
    return page


@pytest.fixture(scope="module")
def desktop_layout(browser, site):
    """{path: (overflowing blocks, wrapped lines, figures, JS errors, language-switch
    URL)} at 1280x900, for every page of both editions."""
    context, page, blocked, errors = new_offline_page(browser, site, DESKTOP)
    layout = {}
    for path in PATHS:
        errors.clear()
        settled(page, site, path)
        switch = page.evaluate("() => { const a = document.querySelector("
                               "'.language-switch a'); return a ? a.href : null; }")
        layout[path] = (page.evaluate(OVERFLOWS_JS, BLOCKS), page.evaluate(WRAPPED_JS),
                        page.evaluate(FIGURES_JS), list(errors), switch)
    context.close()
    assert not blocked, f"the pages tried to load from the network: {blocked}"
    return layout


def test_nothing_overflows_its_column_at_1280px(desktop_layout):
    """No code, output, maths, table or figure is cut off, scrolls sideways or sticks out
    of the article column in a 1280 px window. The failure message is the list to fix,
    page by page; what CSS could fix is fixed in _static/layout.css."""
    report, wrapped = [], []
    for name, (overflows, wraps, *_) in desktop_layout.items():
        report += [f"{name}: <{o['tag']}> content {o['content']} px in a {o['box']} px box, "
                   f"column {o['column']} px: {o['text']!r}" for o in overflows]
        wrapped += [f"{name}: {w['chars']} characters: {w['line']!r}" for w in wraps]
    if wrapped:  # readable, since they wrap; shorter lines would read better
        warnings.warn(f"{len(wrapped)} code blocks or outputs wrap at 1280 px:\n"
                      + "\n".join(wrapped), stacklevel=1)
    assert not report, (f"{len(report)} blocks are wider than their column at 1280 px "
                        "(split the equation, shorten the line or the table):\n"
                        + "\n".join(report))


def test_figures_are_sharp_at_the_size_shown(desktop_layout):
    """A figure shown wider than its file is blurred by the browser; one more than three
    times wider than shown is a heavy page for nothing (book/matplotlibrc sets the dpi)."""
    problems, n_figures = [], 0
    for name, (_, _, figures, *_) in desktop_layout.items():
        for figure in figures:
            n_figures += 1
            ratio = figure["natural"] / figure["shown"] if figure["shown"] else 0
            if not figure["loaded"] or figure["natural"] == 0:
                problems.append(f"{name}: {figure['src']} did not load")
            elif not 0.99 <= ratio <= 3:
                problems.append(f"{name}: {figure['src']} is {figure['natural']} px wide, "
                                f"shown at {figure['shown']:.0f} px (x{ratio:.2f})")
    assert n_figures >= len(CHAPTERS), f"only {n_figures} figures in the whole book"
    assert not problems, "figures not sharp at the size shown (want x1 to x3):\n" + \
        "\n".join(problems)


def test_console_errors_are_caught(browser, site):
    """The error list the page tests assert empty does see console.error (the theme's
    "Got invalid theme mode" was one, on a reader's first visit)."""
    context, page, _, errors = new_offline_page(browser, site)
    page.set_content("<script>console.error('a logged error')</script>")
    context.close()
    assert errors == ["console.error: a logged error"]


def test_no_page_throws_a_javascript_error(desktop_layout):
    thrown = {name: errors for name, (_, _, _, errors, _) in desktop_layout.items() if errors}
    assert not thrown, f"JavaScript errors: {thrown}"


def test_prose_reads_at_phone_width(browser, site):
    """At 400 px the page does not scroll sideways and every paragraph, list item and
    heading fits the screen. Code, display maths and tables may scroll in their own box:
    a phone cannot show an 80-column line or a long equation whole."""
    context, page, blocked, errors = new_offline_page(browser, site, PHONE)
    problems = []
    for name in PATHS:
        settled(page, site, name)
        result = page.evaluate(PHONE_JS)
        if result["page"] > result["screen"]:
            problems.append(f"{name}: the page is {result['page']} px wide on a "
                            f"{result['screen']} px screen")
        problems += [f"{name}: <{p['tag']}> {p['why']}: {p['text']!r}"
                     for p in result["prose"]]
    context.close()
    assert not problems, "not readable at phone width:\n" + "\n".join(problems)
    assert not errors, f"JavaScript errors: {errors}"
    assert not blocked, f"the pages tried to load from the network: {blocked}"


# --- The two editions ----------------------------------------------------------------------

def test_every_page_links_to_its_twin_in_the_other_edition(desktop_layout, site):
    wrong = {}
    for path, (*_, switch) in desktop_layout.items():
        twin = path.removeprefix("zh/") if path.startswith("zh/") else f"zh/{path}"
        if switch != f"{site}/{twin}.html":
            wrong[path] = switch
    assert not wrong, f"language links that do not lead to the twin page: {wrong}"


def test_the_language_switch_can_be_followed_both_ways(offline_page, site):
    page, blocked, errors = offline_page
    settled(page, site, "book/05_linear")
    page.locator(".language-switch a").click()
    page.wait_for_url(f"{site}/zh/book/05_linear.html")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.locator(".language-switch a").click()
    page.wait_for_url(f"{site}/book/05_linear.html")
    assert not errors, f"JavaScript errors: {errors}"
    assert not blocked, f"the pages tried to load from the network: {blocked}"


def test_searching_the_chinese_book_finds_cross_entropy(offline_page, site):
    page, blocked, errors = offline_page
    page.goto(f"{site}/zh/search.html?q=交叉熵", wait_until="load")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(state="attached", timeout=30_000)
    found = {link.split("#")[0].split("/")[-1] for link in
             (results.nth(i).get_attribute("href") for i in range(results.count()))}
    assert {"02_softmax_cross_entropy.html", "03_cross_entropy.html"} <= found, found
    assert not errors, f"JavaScript errors: {errors}"
    assert not blocked, f"the pages tried to load from the network: {blocked}"
