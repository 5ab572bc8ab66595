"""Each exercise notebook, run with SOLUTIONS=True, passes every one of its checks (and none fails).

The unfilled run (every check "Not attempted yet") is covered by the central notebook tests.
"""
import json
from pathlib import Path

import pytest

from coursekit import course, exercises

EXERCISE_NOTEBOOKS = [p for p in course.notebook_paths() if p.name.startswith("ex")]
FAILURE_MARKS = [f"{label}:" for status, label in exercises.STATUSES.items() if status != "correct"]


def _texts(path):
    """Every plain-text output of an executed notebook (stream text and display data)."""
    nb = json.loads(Path(path).read_text())
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            text = out.get("text") or out.get("data", {}).get("text/plain", "")
            yield "".join(text) if isinstance(text, list) else text


def test_there_are_exercise_notebooks():
    assert len(EXERCISE_NOTEBOOKS) >= 2


@pytest.mark.notebook
@pytest.mark.parametrize("path", EXERCISE_NOTEBOOKS, ids=lambda p: p.name)
def test_exercise_notebook_passes_every_check_with_solutions(path, out_dir):
    out, figures, _ = course.execute(path, f"{out_dir}/exercise_solutions", profile="quick",
                                     parameters={"SOLUTIONS": True})
    text = "\n".join(_texts(out))
    n_checks = sum(1 for c in json.loads(Path(path).read_text())["cells"]
                   if c["cell_type"] == "code" and ".check(" in "".join(c["source"]))
    assert n_checks >= 4, f"{path.name} should hold at least 4 checks"
    assert text.count("Correct:") == n_checks, text
    for mark in FAILURE_MARKS:
        assert mark not in text, f"{path.name}: a check reported '{mark}' with the solutions filled in:\n{text}"
    passed = next(v for k, v in figures.items() if k.endswith("_checks_passed"))
    assert passed == n_checks
