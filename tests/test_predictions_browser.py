"""A lesson's "predict before you run" widget, clicked in JupyterLab in a real browser.

Opens a small notebook made here from lesson 3's question cell (a cell that clears the record, the lesson's
predict cell unchanged, a stand-in reveal cell) in JupyterLab on 127.0.0.1 in headless Chromium (Debian's
chromium driven by Playwright, as in test_jupyterlab_browser.py), and checks with real mouse clicks and keys:

A. commit, then Shift+Enter at once: the focus came back to the notebook, on the next cell, so the reveal runs
   and names the committed answer; the widget cell re-run with the toolbar's run button comes back committed;
B. commit, click an option (disabled by then), re-run it with Shift+Enter: the same;
E. commit, click the widget's text, re-run it with Shift+Enter: the same;
C. select without committing: the next cell is refused with one sentence (Run all would stop there); after
   "Show the answer" it runs, and the reveal names the selection as not committed;
D. re-run the widget cell after the reveal: it shows the committed answer, disabled;
and that the reveal's HTML marks match or mismatch, and that the Commit button's label is not cut.
Saves <out>/jupyterlab_reveal.png. The kernel's prediction record is a temporary file.
"""
import json
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, ROOT, Deadline, Lab, begin_step, fail_with_screenshot, jupyterlab

pytestmark = pytest.mark.browser

LESSON = ROOT / "notebooks" / "03_augmentation_regularizes.ipynb"
QUESTION = "q_main = ck.widgets.predict("
ANSWER = "plain higher"  # the stand-in measurement
TIME_LIMIT = 170
SCREENSHOT = "jupyterlab_reveal.png"


def make_notebook(path):
    """Cells: 0 clear the record, 1 the lesson's question (unchanged), 2 the reveal."""
    lesson = nbformat.read(LESSON, as_version=4)
    cell = next(c for c in lesson.cells if c.cell_type == "code" and c.source.startswith(QUESTION))
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("import coursekit as ck\nck.widgets.reset_predictions();"),
                nbformat.v4.new_code_cell(cell.source),
                nbformat.v4.new_code_cell(f'q_main.reveal("{ANSWER}", because="the stand-in measurement of this '
                                          'test: validation accuracy 0.95 -> 0.93")')]
    nbformat.write(nb, path)


def _checked(widget):
    return widget.evaluate("""w => [...w.querySelectorAll('input[type=radio]')].map(r =>
        [r.closest('label').innerText.trim(), r.checked, r.disabled])""")


def _not_cut(loc):
    return loc.evaluate("el => el.scrollWidth <= el.clientWidth + 1")


def run_predict_in_jupyterlab(out_dir, root_dir=ROOT, time_limit=TIME_LIMIT):
    """Drive scenarios A-D; return what was seen: {scenario: (reveal text, data-outcome), ...}."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make browser)")
    deadline = Deadline(time_limit)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(root_dir) / "build" / "browser-predict"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    make_notebook(work / "predict.ipynb")
    rel = (work / "predict.ipynb").relative_to(root_dir).as_posix()
    seen, step = {}, "starting JupyterLab"
    with tempfile.TemporaryDirectory(prefix="coursekit-lab-") as scratch, \
            jupyterlab(root_dir, Path(scratch), out_dir / "jupyterlab_predict_server.log", deadline) as (base, token), \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                     timeout=deadline.ms())
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        lab = Lab(page, deadline)
        try:
            step = begin_step(page, deadline, "opening the notebook")
            page.goto(f"{base}/lab/tree/{rel}?token={token}", timeout=deadline.ms())
            lab.cells.nth(2).wait_for(state="attached", timeout=deadline.ms())
            page.locator("#jp-main-statusbar").get_by_text("Idle").first.wait_for(timeout=deadline.ms())
            page.keyboard.press("Control+b")  # hide the file browser: the notebook at its default width
            step = begin_step(page, deadline, "importing coursekit (cell 1)")
            lab.mark_old(0)
            lab.select(0)
            page.keyboard.press("Shift+Enter")
            lab.wait_output(0, "pre", seconds=90)  # "Cleared 0 recorded prediction(s)..."

            step = begin_step(page, deadline, "A: commit, then the toolbar's run button")
            widget = lab.run(1, ".coursekit-predict")
            button = widget.locator("button").filter(has_text="Commit").first
            seen["button_not_cut"] = _not_cut(button) and "Commit my prediction" in button.inner_text()
            seen["labels_not_cut"] = all(_not_cut(lbl) for lbl in widget.locator("label").all())
            lab.choose(widget, "augmentation higher")
            lab.commit(widget)
            lab.mark_old(2)
            page.keyboard.press("Shift+Enter")  # no click: the commit gave the focus back, on the next cell
            box = lab.wait_output(2, ".coursekit-reveal")
            seen["A"] = box.inner_text(), box.get_attribute("data-outcome")
            lab.select(1)
            lab.mark_old(1)
            page.locator('.jp-NotebookPanel-toolbar [data-command="notebook:run-cell-and-select-next"]').first.click()
            widget = lab.widget()
            seen["A_rebuilt"] = _checked(widget)

            step = begin_step(page, deadline, "E: commit, click the widget's text, then Shift+Enter")
            lab.run(0, "pre")
            widget = lab.run(1, ".coursekit-predict")
            lab.choose(widget, "no clear difference")
            lab.commit(widget)
            widget.get_by_text("Predict before you run:").first.click()
            lab.mark_old(1)
            page.keyboard.press("Shift+Enter")
            lab.widget()
            seen["E"] = reveal(lab)

            step = begin_step(page, deadline, "B: commit, then Shift+Enter after clicking an option")
            lab.run(0, "pre")
            widget = lab.run(1, ".coursekit-predict")
            lab.choose(widget, ANSWER)
            lab.commit(widget)
            # The mouse back on the options (now disabled): a click there keeps the focus in the widget.
            lab.choose(widget, ANSWER, force=True)
            seen["B_focus_in_widget"] = widget.evaluate("w => w.contains(document.activeElement)")
            lab.mark_old(1)  # (the locator `widget` matches only unmarked outputs: mark after using it)
            page.keyboard.press("Shift+Enter")
            lab.widget()
            seen["B"] = reveal(lab)

            step = begin_step(page, deadline, "D: re-run the widget cell after the reveal")
            widget = lab.run(1, ".coursekit-predict")
            widget.get_by_text("closed").first.wait_for(timeout=deadline.ms())
            seen["D"] = dict(radios=_checked(widget), button_disabled=widget.locator("button").first.is_disabled())
            step = begin_step(page, deadline, "saving the screenshot")
            lab.cell(1).evaluate("el => el.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(400)
            page.screenshot(path=str(out_dir / SCREENSHOT))

            step = begin_step(page, deadline, "C: select without committing")
            lab.run(0, "pre")
            widget = lab.run(1, ".coursekit-predict")
            lab.choose(widget, "no clear difference")
            page.wait_for_timeout(500)  # the selection travels to the kernel
            lab.mark_old(2)
            lab.select(2)
            page.keyboard.press("Shift+Enter")
            refused = lab.cell(2).locator(".jp-OutputArea-output:not([data-old])").filter(has_text="Unanswered")
            refused.first.wait_for(timeout=deadline.ms())
            seen["C_refused"] = refused.first.inner_text()
            widget.locator("button").filter(has_text="Show the answer").first.click()
            widget.get_by_text("without predicting").first.wait_for(timeout=deadline.ms())
            seen["C"] = reveal(lab)
        except (TimeoutError, PlaywrightError) as e:
            fail_with_screenshot(page, out_dir, "jupyterlab_predict", "JupyterLab predict test failed", step,
                                 deadline, e)
        finally:
            browser.close()
    shutil.rmtree(work, ignore_errors=True)
    return seen


def reveal(lab):
    """Run the reveal cell; return (its text, its data-outcome)."""
    box = lab.run(2, ".coursekit-reveal")
    return box.inner_text(), box.get_attribute("data-outcome")


def test_predictions_survive_real_clicks_in_jupyterlab(out_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEKIT_PREDICTIONS", str(tmp_path / "predictions.json"))
    seen = run_predict_in_jupyterlab(out_dir)
    print(json.dumps(seen, indent=1))
    assert seen["button_not_cut"] and seen["labels_not_cut"], "a label of the widget is cut off"
    committed = "augmentation higher"
    assert [c for c in seen["A_rebuilt"] if c[1]] == [[committed, True, True]]  # came back committed
    text, outcome = seen["A"]
    assert committed in text and outcome == "mismatch" and "disagrees" in text, seen["A"]
    text, outcome = seen["B"]
    assert f"Your prediction: {ANSWER}" in text and outcome == "match" and "matches" in text, seen["B"]
    radios, disabled = seen["D"]["radios"], seen["D"]["button_disabled"]
    assert [c[0] for c in radios if c[1]] == [ANSWER] and all(c[2] for c in radios) and disabled, seen["D"]
    text, outcome = seen["E"]
    assert "Your prediction: no clear difference" in text and outcome == "mismatch", seen["E"]
    assert seen["C_refused"].strip() == (
        "Unanswered: Question 03/main ('Compared seed by seed with the plain model, what will aug...') has no committed prediction yet: pick an answer and press Commit (or press Show the answer), "
        "then run this cell again."), seen["C_refused"]
    text, outcome = seen["C"]
    assert "you selected no clear difference but did not commit it" in text and outcome == "none", seen["C"]
    shot = Path(out_dir) / SCREENSHOT
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
