"""What the browser tests share: JupyterLab on a free localhost port, headless Chromium's settings, a time budget,
named steps that fail with a screenshot, and a driver for the cells of an open notebook (Lab).

Used by test_jupyterlab_browser.py, test_predictions_browser.py, test_predictions_runall_browser.py and
test_interrupts_browser.py.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


class Deadline:
    def __init__(self, seconds):
        self.seconds, self.end = seconds, time.monotonic() + seconds

    def left(self, floor=1.0):
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"the browser test ran out of its {self.seconds} s budget")
        return max(left, floor)

    def ms(self):
        return int(self.left() * 1000)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _jupyter():
    """The jupyter of the environment running the tests (the project's .venv)."""
    exe = Path(sys.executable).with_name("jupyter")
    if not exe.exists():
        pytest.fail(f"JupyterLab is not installed next to {sys.executable} (run: make venv)")
    return str(exe)


def _quiet_settings(settings_dir):
    """User settings for a throw-away JupyterLab: no news or update pop-ups over the notebook."""
    path = Path(settings_dir) / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True}))


@contextmanager
def jupyterlab(root_dir, scratch, log_path, deadline):
    """Run JupyterLab on a free localhost port; yield (base URL, token); kill it and its kernels after."""
    port, token = _free_port(), uuid.uuid4().hex
    env = dict(os.environ, COURSE_PROFILE="quick", JUPYTERLAB_SETTINGS_DIR=str(scratch / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(scratch / "workspaces"), JUPYTER_RUNTIME_DIR=str(scratch / "runtime"))
    env.pop("MPLBACKEND", None)  # let the kernel show plots inline, as a learner sees them
    _quiet_settings(scratch / "settings")
    cmd = [_jupyter(), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--port-retries=0",
           f"--ServerApp.token={token}", f"--ServerApp.root_dir={root_dir}", "--ServerApp.open_browser=False",
           "--allow-root", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    log = open(log_path, "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root_dir,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    start, budget = time.monotonic(), 0.4 * deadline.seconds  # leave the browser most of the time
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {proc.returncode} before serving; see {log_path}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > start + budget:
                pytest.fail(f"JupyterLab did not answer on {base} within {budget:.0f} s; see {log_path}")
            time.sleep(0.5)
        yield base, token
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # the server and the kernels it started
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


def begin_step(page, deadline, what):
    """Name the step (for the failure message) and bound every browser wait by the time left."""
    page.set_default_timeout(deadline.ms())
    return what


def fail_with_screenshot(page, out_dir, name, what, step, deadline, error):
    """Fail the test with one line: what failed at which step, after how long, and where to look."""
    from playwright.sync_api import Error as PlaywrightError

    failed = out_dir / f"{name}_failure.png"
    try:
        page.screenshot(path=str(failed))
    except PlaywrightError:
        pass
    pytest.fail(f"{what} while {step} ({time.monotonic() - (deadline.end - deadline.seconds):.0f} s of "
                f"{deadline.seconds} s): {str(error).splitlines()[0]}. Screenshot: {failed}; server log: "
                f"{out_dir / (name + '_server.log')}")


class Lab:
    """The open notebook: run cells with real keys and clicks, wait for their outputs."""

    def __init__(self, page, deadline):
        self.page, self.deadline = page, deadline
        self.cells = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell")

    def cell(self, i):
        return self.cells.nth(i)

    def select(self, i):
        """Make cell i active in command mode, by clicking its prompt."""
        self.cell(i).locator(".jp-InputPrompt").first.click()
        self.page.keyboard.press("Escape")

    def mark_old(self, i):
        """Tag cell i's current outputs, so that wait_output sees only what a new run shows."""
        self.cell(i).evaluate("el => el.querySelectorAll('.jp-OutputArea-output').forEach(o => o.dataset.old = '1')")

    def wait_output(self, i, selector, seconds=60):
        loc = self.cell(i).locator(f".jp-OutputArea-output:not([data-old]) {selector}").first
        error = self.page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').filter(
            has_text="Traceback").first
        end = min(time.monotonic() + seconds, self.deadline.end - 15)
        while time.monotonic() < end:
            if loc.count() and loc.is_visible():
                return loc
            if error.count():
                pytest.fail("a cell failed in JupyterLab:\n" + error.inner_text()[-3000:])
            self.page.wait_for_timeout(250)
        raise TimeoutError(f"cell {i} showed no {selector!r}")

    def run(self, i, selector, key=True):
        """Select cell i and run it with Shift+Enter; return the new output matching selector."""
        self.mark_old(i)
        self.select(i)
        self.page.keyboard.press("Shift+Enter")
        return self.wait_output(i, selector)

    def widget(self):
        return self.wait_output(1, ".coursekit-predict")

    def choose(self, widget, option, **kw):
        widget.locator("label").filter(has_text=re.compile("^" + re.escape(option) + "$")).first.click(**kw)

    def commit(self, widget):
        widget.locator("button").filter(has_text="Commit").first.click()
        widget.get_by_text("Committed:").first.wait_for(timeout=self.deadline.ms())
        # The widget hands the keyboard back to the notebook (prediction.FOCUS_JS): wait until it has.
        self.page.wait_for_function("() => document.activeElement && document.activeElement.closest('.jp-Notebook')",
                                    timeout=self.deadline.ms())
