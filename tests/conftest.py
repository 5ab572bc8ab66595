"""The notebook executions shared by the tests (notebook_runs.py).

`executed(run)` executes a notebook run once per session and returns the executed copy to every test that asks.
"""
from pathlib import Path

import pytest

import notebook_runs


@pytest.fixture(scope="session")
def executed(out_dir):
    """executed(run) -> notebook_runs.Executed: the one execution of that notebook and parameter set."""
    return notebook_runs.Executions(Path(out_dir))
