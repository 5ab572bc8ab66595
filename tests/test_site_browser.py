"""The built course website reads well offline, in a real browser.

`make site` builds build/site/ and then runs this test with COURSEKIT_SITE=build/site (elsewhere it is
skipped: there is nothing to open until the site is built). Headless Chromium (Debian's, driven by
Playwright) opens the landing page and every notebook's page from the files, with every request that is
not to a local file blocked, and the test fails if a page even tried one. Each lesson page must show its
title, at least one figure (an image with non-zero size), at least one printed verdict, and no empty
widget box. Saves <out>/site_lesson3.png (the README shows a copy: docs/site_lesson3.png).
"""
import json
import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb") if not p.name.startswith("_"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = "site_lesson3.png"

# A printed verdict, in the forms lessons print:
VERDICTS = (
    # coursekit.base.verdict's sentence: "B - A, val_acc: +0.019 (95% CI +0.008 to +0.030, 3 seeds): 'B' better"
    # (or in points: "... +1.9 points (95% CI +0.8 points to +3.0 points, 3 seeds): ...")
    r"\S.* - .+, [\w ]+: [+-]?\d+\.\d+(?: \w+)? \(\d+% CI [+-]?\d+\.\d+(?: \w+)? to [+-]?\d+\.\d+(?: \w+)?, "
    r"\d+ seeds?\): (.+ better|no clear difference)",
    # today's comparison lines: "standard minus none: +0.012 (largest sd ...)"
    r"\S+ minus \S+: [+-]\d+\.\d+",
    # the measured answer to a "predict before you run" question (widgets.predict(...).reveal(...))
    r"The experiment's answer: .+\. Measured: .+\d",
    # the same, as the reveal's callout shows it (coursekit.widgets.reveal_callout)
    r"Measured:\s+.+\s+Behind it:\s+.*\d",
)
# Lesson 00 compares nothing (it sets up and looks at the data): its printed evidence is the setup banner.
# Lesson 02 trains nothing either, but its measured answer (same pipeline, new images each epoch) is a verdict.
NO_COMPARISON = {
    "00_setup": r"^TensorFlow \S+ \| Keras \S+ \|",
    # The scorecard measures nothing itself: it reads the prediction record and says how many were made.
    "09_scorecard": r"You (predicted \d+ of \d+ questions|have not committed any prediction yet)",
}
# The scorecard is a table of the learner's predictions: it draws no figure.
TABLE_ONLY = {"09_scorecard"}
# Exercise pages come from the unfilled run: every check says it was not attempted yet.
EXERCISE_MARK = r"Not attempted yet"

# Per page, after load: the visible text of outputs, images and widget boxes (sizes after decoding).
PAGE_JS = """async () => {
  const imgs = Array.from(document.querySelectorAll('.cell_output img, .output img'));
  for (const img of imgs) { img.loading = 'eager'; img.scrollIntoView(); try { await img.decode(); } catch (e) {} }
  const views = Array.from(document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]'));
  const widgets = views.map(s => { const box = s.parentElement.querySelector('.jupyter-widgets');
    const r = box ? box.getBoundingClientRect() : {width: 0, height: 0};
    return {rendered: !!box, width: r.width, height: r.height,
            content: box ? (box.innerText.trim().length + box.querySelectorAll('img,canvas,input,button,select').length) : 0}; });
  return {
    title: (document.querySelector('main h1, article h1, h1') || {innerText: ''}).innerText,
    outputs: Array.from(document.querySelectorAll('.cell_output')).map(e => e.innerText).join('\\n'),
    text: document.body.innerText,
    images: imgs.map(i => [i.naturalWidth, i.naturalHeight, i.getAttribute('src')]),
    widgets: widgets,
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
  };
}"""


def _site():
    site = os.environ.get("COURSEKIT_SITE")
    if not site:
        pytest.skip("run by `make site`, after it builds the site (COURSEKIT_SITE=build/site)")
    site = Path(site).resolve()
    if not (site / "index.html").exists():
        pytest.fail(f"{site}/index.html is missing: `make site` did not build the site")
    return site


def _title(notebook):
    first = json.loads(notebook.read_text())["cells"][0]["source"]
    return ("".join(first) if isinstance(first, list) else first).splitlines()[0].lstrip("# ").strip()


def _normal(text):
    return re.sub(r"\s+", " ", text.replace("\u2019", "'")).strip()


@pytest.fixture(scope="module")
def browse(out_dir):
    """open(page) -> what PAGE_JS saw; every request that is not a local file is blocked and recorded."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make browser)")
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    site, blocked, errors = _site(), [], []

    def guard(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=60_000)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
        context.route("**/*", guard)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("pageerror", lambda e: errors.append(str(e)))

        def open_page(name):
            blocked.clear()
            errors.clear()
            page.goto((site / name).as_uri(), wait_until="load")
            page.wait_for_load_state("networkidle")
            seen = page.evaluate(PAGE_JS)
            seen.update(blocked=list(blocked), errors=list(errors), page=page)
            return seen

        yield open_page
        browser.close()


def test_landing_page_has_the_course_map_and_launch_links(browse):
    seen = browse("index.html")
    assert not seen["blocked"], f"the landing page tried the network: {seen['blocked']}"
    assert "augment-course" in seen["title"]
    text = _normal(seen["text"])
    assert "Course map" in text
    for nb in NOTEBOOKS:
        assert f"{nb.stem}.html" in seen["links"], f"the course map does not link {nb.stem}"
        assert _normal(_title(nb)) in text, f"the course map lacks {_title(nb)!r}"
    assert any(h.startswith("https://colab.research.google.com/github/") for h in seen["links"])
    assert any(h.startswith("https://mybinder.org/v2/gh/") for h in seen["links"])
    assert re.search(r"profile", text) and re.search(r"TensorFlow \S+ \| Keras", text), (
        "the landing page must say which profile and which machine produced the numbers")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_page_shows_title_figures_verdicts_and_widgets_offline(browse, notebook, out_dir):
    seen = browse(f"{notebook.stem}.html")
    name = notebook.stem
    assert not seen["blocked"], f"{name}: the page tried the network: {seen['blocked']}"
    assert not seen["errors"], f"{name}: script errors on the page: {seen['errors']}"
    assert _normal(_title(notebook)) in _normal(seen["title"]), f"{name}: title {seen['title']!r}"
    links = seen["links"]
    rel = f"notebooks/{notebook.name}"
    assert any(h.startswith("https://colab.research.google.com/github/") and h.endswith(rel) for h in links), (
        f"{name}: no Colab launch link to {rel}")
    assert any(h.startswith("https://mybinder.org/v2/gh/") and h.endswith(rel) for h in links), (
        f"{name}: no Binder launch link to {rel}")
    text = seen["text"]
    assert re.search(r"profile", text) and re.search(r"TensorFlow \S+ \| Keras", text), (
        f"{name}: the page does not say which profile and which machine produced its outputs")
    empty = [w for w in seen["widgets"] if not w["rendered"] or w["height"] < 5 or w["content"] == 0]
    assert not empty, f"{name}: {len(empty)} of {len(seen['widgets'])} widget boxes are empty: {empty}"
    outputs = seen["outputs"]
    if name.startswith("ex"):
        assert re.search(EXERCISE_MARK, outputs), f"{name}: not the unfilled run's output (no '{EXERCISE_MARK}')"
        assert "Correct:" not in outputs, f"{name}: the page shows a solutions run"
        return
    figures = [i for i in seen["images"] if i[0] > 0 and i[1] > 0]
    if name not in TABLE_ONLY:
        assert figures, f"{name}: no figure with non-zero size on the page (images: {seen['images']})"
    marker = NO_COMPARISON.get(name)
    patterns = [marker] if marker else VERDICTS
    assert any(re.search(p, outputs, re.M) for p in patterns), (
        f"{name}: no printed verdict on the page (looked for {patterns})")
    if name.startswith("03"):
        page = seen["page"]
        # The plain-vs-augmented learning curves, with the code cell that drew them above.
        curves = page.locator(".cell_output img").nth(min(1, len(figures) - 1))
        curves.evaluate("el => el.scrollIntoView({block: 'start'})")
        page.evaluate("window.scrollBy(0, -250)")
        page.wait_for_timeout(300)
        shot = Path(out_dir) / SCREENSHOT
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
