"""The notebook executions shared by the tests (notebook_runs.py), and what the execution count test needs.

`executed(run)` executes a notebook run once per session and returns the executed copy to every test that asks.
The collection hooks note which runs the selected tests need, and move the counting test (marked
after_notebooks) behind every other test, the browser test included.
"""
from pathlib import Path

import pytest

import notebook_runs

SELECTION = pytest.StashKey[dict]()


def runs_of(item):
    """The notebook runs a test reads: the Run values it is parametrized with."""
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return set()
    return {v for v in callspec.params.values() if isinstance(v, notebook_runs.Run)}


def _selection(config):
    if SELECTION not in config.stash:
        config.stash[SELECTION] = {"selected": set(), "deselected": set(), "browser_tests": 0}
    return config.stash[SELECTION]


def pytest_deselected(items):
    for item in items:
        _selection(item.config)["deselected"] |= runs_of(item)


@pytest.hookimpl(trylast=True)  # after -k, -m and --lf have deselected what they deselect
def pytest_collection_modifyitems(session, config, items):
    selection = _selection(config)
    selection["selected"] = set().union(*(runs_of(i) for i in items))
    selection["browser_tests"] = sum(1 for i in items if i.get_closest_marker("browser"))
    items.sort(key=lambda i: i.get_closest_marker("after_notebooks") is not None)  # stable: order kept


@pytest.fixture(scope="session")
def executed(out_dir):
    """executed(run) -> notebook_runs.Executed: the one execution of that notebook and parameter set."""
    return notebook_runs.Executions(Path(out_dir))


@pytest.fixture
def run_selection(request):
    """{"selected": runs the selected tests read, "deselected": runs of deselected tests, "browser_tests": n}."""
    return _selection(request.config)
