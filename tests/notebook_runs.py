"""One execution per notebook and parameter set, shared by every test that reads an executed notebook.

A :class:`Run` is a notebook and the parameters papermill gives it: each lesson runs once (quick profile),
each exercise notebook runs twice, unfilled and with ``SOLUTIONS=True``. The session fixture ``executed``
(tests/conftest.py) executes a Run the first time a test asks for it, through ``coursekit.course.execute``,
and hands the same :class:`Executed` copy (the executed notebook and the figures it recorded) to every later
test: the run-without-errors test, the recorded-figure promises, the exercise checks and the comparison of
``# NBVAL_CHECK_OUTPUT`` cells with their stored outputs. A run that fails is not tried again either: every
test that needs it fails with the same error.

Tests are parametrized by Run, so ``pytest -k 03_`` executes lesson 3 and nothing else, and the execution
count test (test_notebook_executions.py) knows from the selected tests which runs it should find in the log.
"""
import json
import re
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
            raise RunFailed(str(result))  # a fresh exception: each test gets its own traceback
        return result


class RunFailed(AssertionError):
    """The one execution of a run failed; raised again for each test that reads that run."""


# ---------------------------------------------------------------------------------------------------------
# Stored outputs of '# NBVAL_CHECK_OUTPUT' cells against the executed copy: what nbval --nbval-lax compared,
# read from the copy instead of executing the notebook again.

# Output fields never compared, as in nbval: metadata, tracebacks, counters, pictures, widget model ids.
SKIP_COMPARE = {"metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
                "image/png", "image/jpeg", "application/vnd.jupyter.widget-view+json"}
# Run-to-run noise that does not change what a cell shows (nbval would need a --nbval-sanitize-with file).
SANITIZE = [(re.compile(r"\b0x[0-9a-fA-F]{6,16}\b"), "0xADDRESS")]
_BACKSPACE = re.compile("[^\n]\x08")  # a character, then the backspace that erases it
_CARRIAGE_RETURN = re.compile(r"^.*\r(?=[^\n])", re.MULTILINE)


def checked_cells(nb):
    """The code cells whose first line is course.CHECK_MARK."""
    return [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(course.CHECK_MARK)]


def _sanitize(value):
    if isinstance(value, list):  # nbformat may keep multi-line strings as lists
        value = "".join(value)
    if not isinstance(value, str):
        return json.dumps(value, sort_keys=True)
    for pattern, replacement in SANITIZE:
        value = pattern.sub(replacement, value)
    return value


def _stream_text(text):
    """A terminal's view of a stream: backspaces and carriage returns applied (progress bars)."""
    old = None
    while old != text:
        old, text = text, _BACKSPACE.sub("", text)
    return _CARRIAGE_RETURN.sub("", text)


def comparable(outputs):
    """{field: [values]} of a cell's outputs: streams merged per name (stdout, stderr), data flattened by MIME
    type, fields in SKIP_COMPARE left out, every string sanitized. Like nbval, the order of outputs of
    different kinds does not matter; the order of those of one kind does."""
    streams, fields = {}, {}
    for out in outputs:
        if out.get("output_type") == "stream":
            text = out.get("text", "")
            streams[out.get("name", "stdout")] = streams.get(out.get("name", "stdout"), "") + (
                "".join(text) if isinstance(text, list) else text)
            continue
        for k, v in out.items():
            if k in SKIP_COMPARE:
                continue
            if k == "data":
                for mime, value in v.items():
                    if mime not in SKIP_COMPARE:
                        fields.setdefault(mime, []).append(_sanitize(value))
            else:
                fields.setdefault(k, []).append(_sanitize(v))
    for name, text in streams.items():
        fields[name] = [_sanitize(_stream_text(text))]
    return fields


def _show(fields):
    if not fields:
        return "    (no output)"
    return "\n".join(f"    [{k}]\n" + "\n".join("      " + line for v in vals for line in str(v).splitlines())
                     for k, vals in sorted(fields.items()))


def compare_checked_outputs(stored_nb, executed_nb, name="notebook"):
    """One message per checked cell whose stored outputs differ from the executed copy's (empty: all agree).

    Cells are matched by id (papermill keeps ids and inserts its 'injected-parameters' cell), else by source.
    """
    by_id = {c.get("id"): c for c in executed_nb.cells if c.cell_type == "code" and c.get("id")}
    by_source = {c.source: c for c in executed_nb.cells if c.cell_type == "code"}
    problems = []
    for i, cell in enumerate(stored_nb.cells):
        if not (cell.cell_type == "code" and cell.source.startswith(course.CHECK_MARK)):
            continue
        where = f"{name}, cell {i} (id {cell.get('id')}): {cell.source.splitlines()[1:2]}"
        ran = by_id.get(cell.get("id")) if cell.get("id") in by_id else by_source.get(cell.source)
        if ran is None or ran.source != cell.source:
            problems.append(f"{where}: no cell with this id and source in the executed copy")
            continue
        if cell.execution_count is None and not cell.outputs:
            problems.append(f"{where}: no stored output to compare with "
                            f"(run: python -m coursekit.course refresh notebooks/{name})")
            continue
        expected, got = comparable(cell.outputs), comparable(ran.outputs)
        if expected != got:
            problems.append(f"{where}: outputs differ\n  stored in the notebook:\n{_show(expected)}\n"
                            f"  executed now:\n{_show(got)}")
    return problems


# ---------------------------------------------------------------------------------------------------------
# The execution log: coursekit.course.execute writes one "execute" line per execution, and every IPython
# kernel started during the session writes one "kernel" line (tests/kernel_startup.py, via PYTHONSTARTUP).

def read_log(path):
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
