"""The augmentation explorer works in a real browser, not only under papermill.

Starts JupyterLab from the project's environment on 127.0.0.1, opens lesson 2 in headless Chromium
(Debian's `chromium`, installed by `make browser`; driven by the Playwright python package, which never
downloads a browser here), runs the cells up to and including the explorer cell, moves the rotation
slider, and checks that the displayed image changed. Saves <out>/jupyterlab_explorer.png.

It executes only what it tests: the cells up to the explorer (about half of the lesson; what comes after it
never runs), in the one kernel JupyterLab starts, which test_notebook_executions.py counts. The lesson's full
run is the papermill one the notebook tests share.

The lesson is copied to build/browser/ before it is opened, so that JupyterLab's autosave never
writes outputs into the committed notebook. The whole test is bounded (TIME_LIMIT seconds) and the
server, with its kernel, is killed at the end whatever happens.
"""
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, ROOT, Deadline, begin_step, fail_with_screenshot, jupyterlab

pytestmark = pytest.mark.browser

LESSON = ROOT / "notebooks" / "02_what_is_augmentation.ipynb"
EXPLORER_MARK = "# Augmentation explorer"  # first line of the lesson's explorer cell
TIME_LIMIT = 150  # seconds, for everything: server start, kernel start, cells, slider, screenshot
SCREENSHOT = "jupyterlab_explorer.png"
# A checksum of the pixels the browser shows for an <img> (drawn on a canvas): changes iff the picture does.
PIXELS_JS = """el => { const c = document.createElement('canvas'); c.width = el.naturalWidth; c.height = el.naturalHeight;
  const g = c.getContext('2d'); g.drawImage(el, 0, 0); const d = g.getImageData(0, 0, c.width, c.height).data;
  let h = 0; for (let i = 0; i < d.length; i++) { h = (h * 31 + d[i]) >>> 0; } return [c.width, c.height, h]; }"""


def explorer_cell_index(notebook):
    cells = json.loads(Path(notebook).read_text())["cells"]
    for i, cell in enumerate(cells):
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code" and source.startswith(EXPLORER_MARK):
            return i, len(cells)
    raise AssertionError(f"{notebook} has no code cell starting with {EXPLORER_MARK!r}")


def _wait_for_explorer(page, deadline):
    """Wait until the explorer's image is shown; fail at once with the traceback if a cell errs."""
    img = page.locator(".coursekit-explorer img").first
    # JupyterLab renders an exception as stderr text holding IPython's "Traceback (most recent call last)".
    error = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').filter(
        has_text="Traceback").first
    while True:
        if img.count() and img.is_visible():
            return img
        if error.count():
            pytest.fail("a cell failed in JupyterLab before the explorer showed:\n" + error.inner_text()[-3000:])
        if time.monotonic() > deadline.end - 25:  # keep time for the slider and the screenshot
            raise TimeoutError("the explorer's image did not appear (cells still running?)")
        page.wait_for_timeout(500)


def _move_rotation_slider(page, explorer, deadline):
    """Move the rotation slider right with the keyboard (drag with the mouse if keys do nothing)."""
    slider = explorer.locator(".widget-slider").filter(has_text="rotat").first
    slider.scroll_into_view_if_needed(timeout=deadline.ms())
    handle = slider.locator(".noUi-handle").first
    readout = slider.locator(".widget-readout").first
    before = readout.inner_text(timeout=deadline.ms())
    handle.focus(timeout=deadline.ms())
    for _ in range(6):
        handle.press("ArrowRight")
    page.wait_for_timeout(500)
    if readout.inner_text() == before:
        box = handle.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] / 2 + 40, box["y"] + box["height"] / 2, steps=8)
        page.mouse.up()
    after = readout.inner_text()
    assert after != before, f"the rotation slider did not move (readout stayed {before!r})"
    return before, after


def run_explorer_in_jupyterlab(notebook, out_dir, root_dir=ROOT, time_limit=TIME_LIMIT):
    """Open `notebook` in JupyterLab in headless Chromium, run it up to the explorer, move a slider.

    Returns {"src": (before, after), "pixels": (before, after), "readout": (before, after), "screenshot": path};
    "pixels" is (width, height, checksum) of what the browser displays.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make browser)")
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    deadline = Deadline(time_limit)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    index, n_cells = explorer_cell_index(notebook)
    work = Path(root_dir) / "build" / "browser"  # same depth as notebooks/, so relative paths still work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    copy = work / Path(notebook).name
    shutil.copy(notebook, copy)
    rel = copy.relative_to(root_dir).as_posix()
    shot = out_dir / SCREENSHOT
    step = "starting JupyterLab"
    with tempfile.TemporaryDirectory(prefix="coursekit-lab-") as scratch, \
            jupyterlab(root_dir, Path(scratch), out_dir / "jupyterlab_server.log", deadline) as (base, token), \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                     timeout=deadline.ms())
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.set_default_timeout(deadline.ms())
        try:
            step = begin_step(page, deadline, "opening the notebook")
            page.goto(f"{base}/lab/tree/{rel}?token={token}", timeout=deadline.ms())
            cells = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell")
            cells.nth(n_cells - 1).wait_for(state="attached", timeout=deadline.ms())
            page.locator("#jp-main-statusbar").get_by_text("Idle").first.wait_for(timeout=deadline.ms())

            step = begin_step(page, deadline, f"running cells 1 to {index + 1} (the explorer)")
            cells.first.locator(".jp-InputPrompt").first.click()  # select the first cell, command mode
            page.keyboard.press("Escape")
            for _ in range(index + 1):
                page.keyboard.press("Shift+Enter")
                page.wait_for_timeout(150)
            img = _wait_for_explorer(page, deadline)
            explorer = page.locator(".coursekit-explorer").first
            img.evaluate("el => el.decode()")
            src_before, pixels_before = img.get_attribute("src"), img.evaluate(PIXELS_JS)
            assert src_before, "the explorer's <img> has no src"

            step = begin_step(page, deadline, "moving the rotation slider")
            read_before, read_after = _move_rotation_slider(page, explorer, deadline)
            step = begin_step(page, deadline, "waiting for the image to update")
            page.wait_for_function("([el, old]) => el.getAttribute('src') !== old",
                                   arg=[img.element_handle(), src_before], timeout=deadline.ms())
            img.evaluate("el => el.decode()")
            src_after, pixels_after = img.get_attribute("src"), img.evaluate(PIXELS_JS)

            step = begin_step(page, deadline, "saving the screenshot")
            page.keyboard.press("Escape")
            page.keyboard.press("Control+b")  # hide the file browser: the notebook fills the picture
            # Show the explorer cell's code above its output, as a learner sees it.
            cells.nth(index).evaluate("el => el.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(500)
            page.screenshot(path=str(shot))
            result = dict(src=(src_before, src_after), pixels=(pixels_before, pixels_after),
                          readout=(read_before, read_after), screenshot=shot)
        except (TimeoutError, PlaywrightError) as e:
            fail_with_screenshot(page, out_dir, "jupyterlab", "JupyterLab browser test timed out or failed", step,
                                 deadline, e)
        finally:
            browser.close()
    shutil.rmtree(work, ignore_errors=True)  # reached only on success: keep the copy to debug a failure
    return result


def test_explorer_slider_changes_the_image_in_jupyterlab(out_dir):
    if not LESSON.exists():
        pytest.skip(f"{LESSON.relative_to(ROOT)} is not written yet: nothing to open in the browser")
    seen = run_explorer_in_jupyterlab(LESSON, out_dir)
    (src_before, src_after), (pixels_before, pixels_after) = seen["src"], seen["pixels"]
    assert seen["readout"][0] != seen["readout"][1]
    assert src_after != src_before, "moving the slider did not change the displayed image's src"
    assert pixels_before[:2] == pixels_after[:2] and pixels_before[0] > 0, "the image changed size or is empty"
    assert pixels_after[2] != pixels_before[2], "the image's src changed but its pixels did not"
    shot = seen["screenshot"]
    assert shot.exists() and shot.stat().st_size > 10_000, f"screenshot {shot} is missing or empty"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
