"""Run all in JupyterLab, in a real browser: it stops at the first question without a prediction, and nothing
the experiment measures reaches the page before the learner commits.

Opens a copy of lesson 3 (small parameters: 2 epochs, a short size sweep) in JupyterLab on 127.0.0.1 in
headless Chromium (Debian's chromium driven by Playwright, as in test_jupyterlab_browser.py), with a fresh
prediction record and COURSEKIT_HEADLESS unset (a learner's kernel), then:

1. Run > Run All Cells with nothing committed: the run stops at the cell after the two questions, with one
   sentence, and no later cell ran;
2. keeps the page's text there: every element's text (hidden ones included) and every attribute value;
3. commits a prediction for 03/main and presses "Show the answer" for 03/gap, then dumps the state of every
   widget of the kernel (a cell added at the end of the copy);
4. runs from the refused cell down: the experiment runs and the reveal shows 03/main's answer;
5. reads the measured numbers and the verdict sentence from the kernel's prediction record, and checks that
   none of them was in the page text or the widget state kept in 2 and 3 (and that the page shows them now);
6. checks that the scorecard counts the prediction as made before the answer, and 03/gap as not predicted.
"""
import json
import re
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, ROOT, Deadline, Lab, begin_step, fail_with_screenshot, jupyterlab

import coursekit as ck
from coursekit.widgets import record

pytestmark = pytest.mark.browser

LESSON = ROOT / "notebooks" / "03_augmentation_regularizes.ipynb"
SMALL = {"EPOCHS": "2", "SIZES": "[10, 30]", "N_VIEWS": "2"}
PREDICTED = "augmentation higher"
TIME_LIMIT = 420
DUMP = ("import json as _json, ipywidgets as _w\n"
        "_all = getattr(_w.widgets.widget, '_instances', None) or _w.Widget.widgets\n"
        "print('WIDGET-STATE ' + _json.dumps([m.get_state() for m in list(_all.values())], default=str))")
# Every text node of the page, hidden or not (not the code of <style> and <script>), and every attribute value
# that can carry text (not the geometry of icons, nor layout).
PAGE_TEXT = """() => {
  const out = [], walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const tag = walk.currentNode.parentElement && walk.currentNode.parentElement.tagName;
    if (tag !== 'STYLE' && tag !== 'SCRIPT') out.push(walk.currentNode.nodeValue);
  }
  const layout = new Set(['d', 'viewBox', 'style', 'points', 'transform', 'width', 'height', 'x', 'y', 'src']);
  for (const e of document.querySelectorAll('*')) {
    for (const a of e.attributes) if (!layout.has(a.name)) out.push(a.value);
  }
  return out.join('\\n');
}"""


def make_copy(work):
    nb = nbformat.read(LESSON, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    for name, value in SMALL.items():
        params.source = re.sub(rf"^{name} = None", f"{name} = {value}", params.source, flags=re.M)
    nb.cells.append(nbformat.v4.new_code_cell(DUMP))
    path = work / LESSON.name
    nbformat.write(nb, path)
    return path, nb


def menu(page, top, item):
    page.locator(".lm-MenuBar-itemLabel").filter(has_text=re.compile(f"^{top}$")).first.click()
    page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile(f"^{re.escape(item)}$")).first.click()


def idle(page, deadline):
    page.wait_for_timeout(500)
    page.locator("#jp-main-statusbar").get_by_text("Idle").first.wait_for(timeout=deadline.ms())


def run_all_in_jupyterlab(out_dir, rec):
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make browser)")
    deadline = Deadline(TIME_LIMIT)
    out_dir = Path(out_dir)
    work = ROOT / "build" / "browser-runall"  # same depth as notebooks/
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    copy, nb = make_copy(work)
    code = range(len(nb.cells))
    ask_main = next(i for i in code if nb.cells[i].source.startswith("q_main = "))
    ask_gap = next(i for i in code if nb.cells[i].source.startswith("q_gap = "))
    reveal_main = next(i for i in code if "q_main.reveal(" in nb.cells[i].source)
    seen, step = {"first_after": ask_gap + 1}, "starting JupyterLab"
    with tempfile.TemporaryDirectory(prefix="coursekit-lab-") as scratch, \
            jupyterlab(ROOT, Path(scratch), out_dir / "jupyterlab_runall_server.log", deadline) as (base, token), \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                     timeout=deadline.ms())
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        lab = Lab(page, deadline)
        try:
            step = begin_step(page, deadline, "opening the copy of lesson 3")
            page.goto(f"{base}/lab/tree/{copy.relative_to(ROOT).as_posix()}?token={token}", timeout=deadline.ms())
            lab.cells.nth(len(nb.cells) - 1).wait_for(state="attached", timeout=deadline.ms())
            idle(page, deadline)
            page.keyboard.press("Control+b")

            step = begin_step(page, deadline, "Run > Run All Cells, nothing committed")
            menu(page, "Run", "Run All Cells")
            refusal = page.locator(".jp-OutputArea-output").filter(has_text="Unanswered:").first
            refusal.wait_for(timeout=deadline.ms())
            idle(page, deadline)
            seen["refused_at"] = lab.cells.evaluate_all(
                "cells => cells.findIndex(c => c.textContent.includes('Unanswered:'))")
            seen["refusal"] = refusal.text_content()
            seen["prompts_after"] = lab.cells.evaluate_all(
                "(cells, i) => cells.slice(i + 1).map(c => (c.querySelector('.jp-InputPrompt') || {}).textContent)",
                seen["refused_at"])
            seen["page_at_stop"] = page.evaluate(PAGE_TEXT)

            step = begin_step(page, deadline, "committing 03/main, showing the answer of 03/gap")
            main = lab.cell(ask_main).locator(".coursekit-predict").first
            lab.choose(main, PREDICTED)
            lab.commit(main)
            gap = lab.cell(ask_gap).locator(".coursekit-predict").first
            gap.locator("button").filter(has_text="Show the answer").first.click()
            gap.get_by_text("without predicting").first.wait_for(timeout=deadline.ms())
            dump = lab.run(len(nb.cells) - 1, "pre")
            lab.cell(len(nb.cells) - 1).get_by_text("WIDGET-STATE").first.wait_for(timeout=deadline.ms())
            seen["widget_state"] = dump.inner_text()
            seen["page_before_answer"] = page.evaluate(PAGE_TEXT)

            step = begin_step(page, deadline, "running from the refused cell down to the reveal")
            lab.select(seen["refused_at"])
            menu(page, "Run", "Run Selected Cell and All Below")
            lab.wait_output(reveal_main, ".coursekit-reveal", seconds=300)
            idle(page, deadline)
            seen["page_after"] = page.evaluate(PAGE_TEXT)
            page.screenshot(path=str(out_dir / "jupyterlab_runall.png"))
        except (TimeoutError, PlaywrightError) as e:
            fail_with_screenshot(page, out_dir, "jupyterlab_runall", "JupyterLab Run-all test failed", step,
                                 deadline, e)
        finally:
            browser.close()
    shutil.rmtree(work, ignore_errors=True)
    return seen


def number_forms(values):
    """The ways a lesson may print a measured number: 0.8133, 0.813, 81.3 (points or %)."""
    forms = set()
    for v in values:
        forms |= {f"{v:.4f}", f"{v:.3f}", f"{100 * v:.1f}", f"{100 * v:+.1f}"}
    return {f for f in forms if f.strip("+-0.") and len(f.lstrip("+-")) >= 4}


def test_run_all_stops_before_any_answer_and_the_scorecard_counts_the_prediction(out_dir, tmp_path, monkeypatch):
    rec = tmp_path / "predictions.json"
    monkeypatch.setenv(record.ENV, str(rec))
    for var in ("COURSEKIT_HEADLESS", "COURSEKIT_COMMIT"):
        monkeypatch.delenv(var, raising=False)
    seen = run_all_in_jupyterlab(out_dir, rec)
    (Path(out_dir) / "jupyterlab_runall_seen.json").write_text(json.dumps(seen, indent=1))
    assert seen["refused_at"] == seen["first_after"], seen["refused_at"]
    assert seen["refusal"].startswith("Unanswered: Question 03/main") and "\n" not in seen["refusal"].strip()
    assert all(p.strip() in ("[ ]:", "") for p in seen["prompts_after"]), f"cells ran after the stop: {seen}"

    entries = record.read(rec)
    main = entries["03/main"]
    measured = main["verdict_record"]
    numbers = number_forms(measured["a_values"] + measured["b_values"] + measured["differences"])
    secrets = numbers | {main["verdict"], measured["sentence"]}
    assert main["verdict"] in seen["page_after"], "the reveal should show the verdict once it ran"
    before = seen["page_at_stop"] + seen["page_before_answer"] + seen["widget_state"]
    leaked = sorted(s for s in secrets if re.search(rf"(?<![\d.]){re.escape(s)}(?!\d)", before))
    assert not leaked, f"shown before the learner committed: {leaked}"

    assert main["choice"] == PREDICTED and main["committed_at"] < main["shown_at"]
    card = ck.widgets.Scorecard(entries)
    rows = {r["id"]: r for r in card.rows}
    # made before the answer, so counted: scored as a match or a mismatch, or "undecided" when the run's verdict
    # was "cannot tell" (which of the three depends on what the run measured, never on this test)
    assert rows["03/main"]["prediction"] == PREDICTED
    assert rows["03/main"]["result"] in ("match", "mismatch", "undecided")
    assert rows["03/gap"]["result"] == "not predicted" and entries["03/gap"].get("skipped")
    assert card.predicted == 1
