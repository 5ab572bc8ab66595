"""Shared pytest setup: the --out folder, markers, and a quick, headless, reproducible environment.

Every notebook execution is logged to <out>/executions.jsonl (one file per test session), so that a test can
assert that each notebook ran once per parameter set (tests/test_notebook_executions.py): coursekit.course.execute
writes a line per execution, and every IPython kernel writes a line when it starts (tests/kernel_startup.py).
"""
import os
from pathlib import Path

import pytest

# As the environment was before anything imported coursekit (which sets it for its own process).
LEARNER_TF_LOG_LEVEL = os.environ.get("TF_CPP_MIN_LOG_LEVEL")

# Every notebook kernel that pytest starts (papermill, JupyterLab) inherits these. Their plots use the
# kernel's own inline backend, as a learner's do, so the executed copies keep their figures (make site).
os.environ.setdefault("COURSE_PROFILE", "quick")

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # this pytest process only: plots drawn by unit tests open no window

EXECUTION_LOG = "executions.jsonl"
KERNEL_STARTUP = Path(__file__).resolve().parent / "tests" / "kernel_startup.py"


def pytest_addoption(parser):
    parser.addoption("--out", default="outputs/test",
                     help="folder for executed notebooks, screenshots and other test artefacts")


def pytest_configure(config):
    config.addinivalue_line("markers", "notebook: executes a notebook (slow)")
    config.addinivalue_line("markers", "browser: drives JupyterLab in headless Chromium")
    config.addinivalue_line("markers", "after_notebooks: runs after every other test (it counts their executions)")
    # A fresh execution log for this session, named for coursekit.course.execute and for every kernel.
    out = Path(config.getoption("--out")).resolve()
    out.mkdir(parents=True, exist_ok=True)
    log = out / EXECUTION_LOG
    log.write_text("")
    from coursekit import course  # importing coursekit sets TF_CPP_MIN_LOG_LEVEL for this process...

    if LEARNER_TF_LOG_LEVEL is None:  # ...but the notebook kernels must start as a learner's kernel does
        os.environ.pop("TF_CPP_MIN_LOG_LEVEL", None)
    os.environ[course.EXECUTION_LOG_ENV] = str(log)
    # IPython kernels run PYTHONSTARTUP (plain, non-interactive python ignores it): each kernel logs its start.
    os.environ["PYTHONSTARTUP"] = str(KERNEL_STARTUP)


@pytest.fixture(scope="session")
def out_dir(request):
    path = os.path.abspath(request.config.getoption("--out"))
    os.makedirs(path, exist_ok=True)
    return path
