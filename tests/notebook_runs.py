"""One execution per notebook and parameter set, shared by every test that reads an executed notebook.

A :class:`Run` is a notebook and the parameters papermill gives it: each lesson runs once (quick profile),
each exercise notebook runs twice, unfilled and with ``SOLUTIONS=True``. The session fixture ``executed``
(tests/conftest.py) executes a Run the first time a test asks for it, through ``coursekit.course.execute``,
and hands the same :class:`Executed` copy (the executed notebook and the figures it recorded) to every later
test: the run-without-errors test, the recorded-figure promises, and the exercise checks. A run that fails is not tried again either: every
test that needs it fails with the same error.

Tests are parametrized by Run, so ``pytest -k 03_`` executes lesson 3 and nothing else.
"""
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from coursekit import course

PROFILE = "quick"
NOTEBOOKS = course.notebook_paths()
LESSONS = [p for p in NOTEBOOKS if not p.name.startswith("ex")]
EXERCISES = [p for p in NOTEBOOKS if p.name.startswith("ex")]


@dataclass(frozen=True)
class Run:
    """A notebook and the parameters papermill sets (besides PROFILE="quick")."""

    path: Path
    solutions: bool = False

    @property
    def name(self):
        return self.path.name

    @property
    def parameters(self):
        return {"SOLUTIONS": True} if self.solutions else {}

    @property
    def key(self):
        """What identifies the run in the execution log: (notebook, parameters), PROFILE included."""
        return key(self.name, {"PROFILE": PROFILE, **self.parameters})

    @property
    def out_subdir(self):
        return "exercise_solutions" if self.solutions else "notebooks"

    def __str__(self):
        return self.name + (" with SOLUTIONS=True" if self.solutions else "")


def key(notebook, parameters):
    return notebook, json.dumps(parameters, sort_keys=True)


def runs(paths, solutions=False):
    return [Run(p, solutions) for p in paths]


# Every run a full test session needs: each lesson once; each exercise notebook unfilled and with solutions.
ALL_RUNS = runs(NOTEBOOKS) + runs(EXERCISES, solutions=True)


def ids(run_list):
    return [r.name for r in run_list]


@dataclass
class Executed:
    run: Run
    path: Path        # the executed copy (under <--out>/notebooks or <--out>/exercise_solutions)
    nb: object        # that copy, read with nbformat
    figures: dict     # what the notebook recorded with coursekit.record
    seconds: float


@dataclass
class Executions:
    """Executes each Run at most once per test session and remembers the result (or the failure)."""

    out_dir: Path
    done: dict = field(default_factory=dict)

    def __call__(self, run):
        if run not in self.done:
            start = time.perf_counter()
            try:
                out, figures, seconds = course.execute(run.path, Path(self.out_dir) / run.out_subdir,
                                                       profile=PROFILE, parameters=run.parameters)
                self.done[run] = Executed(run, Path(out), nbformat.read(out, as_version=4), figures, seconds)
            except Exception as e:  # noqa: BLE001  (kept, and reported to every test that needs this run)
                self.done[run] = RunFailed(f"{run} failed after {time.perf_counter() - start:.0f} s "
                                           f"(executed once; every test that reads it fails): "
                                           f"{type(e).__name__}: {e}")
        result = self.done[run]
        if isinstance(result, RunFailed):
            raise result
        return result


class RunFailed(AssertionError):
    """The one execution of a run failed; raised again for each test that reads that run."""
