"""Every notebook runs top to bottom with papermill in the quick profile, records what it measured, and shows
the stored output in each of its `# NBVAL_CHECK_OUTPUT` cells. What the recorded figures must agree with is
checked in test_evidence.py: each verdict recomputed from its per-seed numbers, never a fixed outcome.

Each notebook is executed once per test session (notebook_runs.py); every test here reads that executed copy.
"""
import pytest

import notebook_runs as nr

LESSONS_AND_EXERCISES = nr.runs(nr.NOTEBOOKS)  # the exercise notebooks unfilled, as a learner opens them
WITH_CHECKED_CELLS = [r for r in LESSONS_AND_EXERCISES if nr.checked_cells(nr.nbformat.read(r.path, as_version=4))]


@pytest.mark.notebook
@pytest.mark.parametrize("run", LESSONS_AND_EXERCISES, ids=nr.ids(LESSONS_AND_EXERCISES))
def test_notebook_runs_in_quick_profile(run, executed):
    ran = executed(run)  # papermill raises PapermillExecutionError at the first cell that fails
    print(f"{run}: {ran.seconds:.0f} s, figures {ran.figures}")
    if run.name[:2].isdigit() and run.name[:2] != "00":
        assert ran.figures, f"{run.name} recorded no headline figures (call coursekit.record)"


@pytest.mark.notebook
@pytest.mark.parametrize("run", WITH_CHECKED_CELLS, ids=nr.ids(WITH_CHECKED_CELLS))
def test_checked_cells_show_their_stored_output(run, executed):
    """What nbval --nbval-lax compared, read from the executed copy instead of executing the notebook again."""
    stored = nr.nbformat.read(run.path, as_version=4)
    problems = nr.compare_checked_outputs(stored, executed(run).nb, run.name)
    assert not problems, (f"{len(problems)} of {len(nr.checked_cells(stored))} '# NBVAL_CHECK_OUTPUT' cells differ "
                          f"(if the change is intended: python -m coursekit.course refresh notebooks/{run.name}):\n\n"
                          + "\n\n".join(problems))
