"""The stop button during training, pressed in JupyterLab in a real browser, three times.

Opens a small notebook made here (import; a ``ck.train.compare`` cell; a cell that prints the run's progress) in
JupyterLab on 127.0.0.1 in headless Chromium (Debian's chromium driven by Playwright, as in
test_jupyterlab_browser.py). Each time: Shift+Enter runs the training cell and queues the progress cell behind it
(as Run all does); once the progress bar shows a finished epoch, the toolbar's stop button is clicked.
Then: training stopped within the batch that was running when the stop reached the kernel (read from the
run's progress: the times the kernel's training batches ended), the cell's output is one sentence, and the cell
ended in error: the queued cell never ran. The 60 s wait for the stop guards only against a hang. Saves <out>/jupyterlab_stop.png.
"""
import re
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, ROOT, Deadline, begin_step, fail_with_screenshot, jupyterlab

pytestmark = pytest.mark.browser

TIME_LIMIT = 300
SETUP = ("import coursekit as ck\nfrom coursekit import interrupts\n"
         "cfg = ck.train.config(dataset='digits', n_per_class=30, epochs=200, batch_size=8)\nprint('ready')")
TRAIN = "res = ck.train.compare({'plain': cfg, 'standard': {**cfg, 'augment': 'standard'}}, seeds=[0, 1])"
PROGRESS = "print('progress', interrupts.LAST.pressed_at, len(interrupts.LAST.batch_ends), *interrupts.LAST.batch_ends)"


def make_notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in (SETUP, TRAIN, PROGRESS)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def stop_training_three_times(out_dir, root_dir=ROOT, time_limit=TIME_LIMIT):
    """[{clicked, pressed, ends, error_text, output_text, queued_ran}, ...] for three presses of stop."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make browser)")
    deadline = Deadline(time_limit)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(root_dir) / "build" / "browser-stop"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    make_notebook(work / "stop.ipynb")
    rel = (work / "stop.ipynb").relative_to(root_dir).as_posix()
    seen, step = [], "starting JupyterLab"
    with tempfile.TemporaryDirectory(prefix="coursekit-lab-") as scratch, \
            jupyterlab(root_dir, Path(scratch), out_dir / "jupyterlab_stop_server.log", deadline) as (base, token), \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                     timeout=deadline.ms())
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        cells = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell")

        def output(i):
            return cells.nth(i).locator(".jp-OutputArea")

        def select(i):
            cells.nth(i).locator(".jp-InputPrompt").first.click()
            page.keyboard.press("Escape")

        def wait_text(i, pattern, seconds):
            end = time.monotonic() + seconds
            while time.monotonic() < min(end, deadline.end):
                match = re.search(pattern, output(i).inner_text())
                if match:
                    return match
                page.wait_for_timeout(100)
            raise TimeoutError(f"cell {i + 1} never showed {pattern!r}; it shows {output(i).inner_text()[-300:]!r}")

        try:
            step = begin_step(page, deadline, "opening the notebook")
            page.goto(f"{base}/lab/tree/{rel}?token={token}", timeout=deadline.ms())
            cells.nth(2).wait_for(state="attached", timeout=deadline.ms())
            page.locator("#jp-main-statusbar").get_by_text("Idle").first.wait_for(timeout=deadline.ms())
            step = begin_step(page, deadline, "importing coursekit")
            select(0)
            page.keyboard.press("Shift+Enter")
            wait_text(0, r"ready", 120)
            for attempt in range(3):
                step = begin_step(page, deadline, f"training, stop {attempt + 1} of 3")
                select(1)
                page.keyboard.press("Shift+Enter")  # the training cell...
                page.keyboard.press("Shift+Enter")  # ...and the progress cell queued behind it, as Run all does
                wait_text(1, r"\b[1-9]\d*/\d+\s\[", 120)  # the progress bar: at least one epoch done
                page.wait_for_timeout(300 * attempt)
                clicked = time.time()
                page.locator('.jp-NotebookPanel-toolbar [data-command="notebook:interrupt-kernel"]').first.click()
                wait_text(1, r"Interrupted: ", 60)  # guards only against a hang
                page.locator("#jp-main-statusbar").get_by_text("Idle").first.wait_for(timeout=deadline.ms())
                page.wait_for_timeout(500)
                errors = output(1).locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
                record = dict(clicked=clicked, error_text=errors.first.inner_text().strip(), errors=errors.count(),
                              queued_ran=bool(output(2).inner_text().strip()))
                step = begin_step(page, deadline, f"reading the run's progress after stop {attempt + 1}")
                select(2)
                page.keyboard.press("Control+Enter")
                numbers = wait_text(2, r"progress ([\d.]+) (\d+)((?: [\d.]+)*)", 60)
                record.update(pressed=float(numbers[1]), ends=[float(t) for t in numbers[3].split()])
                seen.append(record)
            page.screenshot(path=str(out_dir / "jupyterlab_stop.png"))
        except (TimeoutError, PlaywrightError) as e:
            fail_with_screenshot(page, out_dir, "jupyterlab_stop", "JupyterLab stop test failed", step, deadline, e)
        finally:
            browser.close()
    shutil.rmtree(work, ignore_errors=True)
    return seen


def test_stop_button_stops_training_within_a_batch_with_one_sentence_three_times(out_dir):
    seen = stop_training_three_times(out_dir)
    assert len(seen) == 3
    for i, s in enumerate(seen, 1):
        # The click reaches the kernel through the server as SIGINT (tens of ms: several of these small batches);
        # from then on, at most the batch that was running ends.
        after = [t for t in s["ends"] if t >= s["pressed"]]
        assert s["clicked"] <= s["pressed"] < s["clicked"] + 2, f"stop {i}: the kernel got the stop late"
        assert len(s["ends"]) - len(after) >= 30, f"stop {i}: training was not under way when stop was clicked"
        assert len(after) <= 1, f"stop {i}: {len(after)} batches ended after the interrupt (at most the running one)"
        assert s["errors"] == 1 and "\n" not in s["error_text"], s["error_text"]
        assert re.fullmatch(r"Interrupted: Stopped training 'plain' with seed 0 \(run 1 of 4\) at your interrupt; "
                            r"running this cell again starts that experiment again from its beginning\.",
                            s["error_text"]), s["error_text"]
        assert not s["queued_ran"], f"stop {i}: the cell queued after the training cell ran: Run all went on"
