"""Each exercise notebook, run unfilled, reports every check "Not attempted yet"; run with SOLUTIONS=True, it
passes every one of its checks (and none fails).

Both runs are shared with the other notebook tests (notebook_runs.py): the unfilled one is the run
test_notebooks.py checks for errors, so each exercise notebook executes exactly twice.
"""
import json
from pathlib import Path

import pytest

import notebook_runs as nr
from coursekit import exercises

UNFILLED = nr.runs(nr.EXERCISES)
SOLVED = nr.runs(nr.EXERCISES, solutions=True)
FAILURE_MARKS = [f"{label}:" for status, label in exercises.STATUSES.items() if status != "correct"]
CORRECT_MARK = f"{exercises.STATUSES['correct']}:"
NOT_ATTEMPTED_MARK = f"{exercises.STATUSES['not_attempted']}:"


def _texts(nb):
    """Every plain-text output of an executed notebook (stream text and display data)."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text") or out.get("data", {}).get("text/plain", "")
            yield "".join(text) if isinstance(text, list) else text


def _n_checks(path):
    n = sum(1 for c in json.loads(Path(path).read_text())["cells"]
            if c["cell_type"] == "code" and ".check(" in "".join(c["source"]))
    assert n >= 4, f"{Path(path).name} should hold at least 4 checks"
    return n


def _checks_passed(figures, name):
    passed = [v for k, v in figures.items() if k.endswith("_checks_passed")]
    assert passed, f"{name} recorded no *_checks_passed figure: {figures}"
    return passed[0]


def test_there_are_exercise_notebooks():
    assert len(nr.EXERCISES) >= 2


@pytest.mark.notebook
@pytest.mark.parametrize("run", SOLVED, ids=nr.ids(SOLVED))
def test_exercise_notebook_passes_every_check_with_solutions(run, executed):
    ran = executed(run)
    text = "\n".join(_texts(ran.nb))
    n_checks = _n_checks(run.path)
    assert text.count(CORRECT_MARK) == n_checks, text
    for mark in FAILURE_MARKS:
        assert mark not in text, f"{run.name}: a check reported '{mark}' with the solutions filled in:\n{text}"
    assert _checks_passed(ran.figures, run.name) == n_checks


@pytest.mark.notebook
@pytest.mark.parametrize("run", UNFILLED, ids=nr.ids(UNFILLED))
def test_unfilled_exercise_notebook_reports_every_check_not_attempted(run, executed):
    ran = executed(run)
    text = "\n".join(_texts(ran.nb))
    n_checks = _n_checks(run.path)
    assert text.count(NOT_ATTEMPTED_MARK) == n_checks, text
    for mark in [CORRECT_MARK] + [m for m in FAILURE_MARKS if m != NOT_ATTEMPTED_MARK]:
        assert mark not in text, f"{run.name}: unfilled, a check reported '{mark}':\n{text}"
    assert _checks_passed(ran.figures, run.name) == 0
