"""Shared pytest setup: the --out folder, markers, and a quick, headless, reproducible environment."""
import os

import pytest

# Every notebook kernel that pytest starts (papermill, nbval) inherits these.
os.environ.setdefault("COURSE_PROFILE", "quick")
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_addoption(parser):
    parser.addoption("--out", default="outputs/test",
                     help="folder for executed notebooks, screenshots and other test artefacts")


def pytest_configure(config):
    config.addinivalue_line("markers", "notebook: executes a notebook (slow)")
    config.addinivalue_line("markers", "browser: drives JupyterLab in headless Chromium")


@pytest.fixture(scope="session")
def out_dir(request):
    path = os.path.abspath(request.config.getoption("--out"))
    os.makedirs(path, exist_ok=True)
    return path
