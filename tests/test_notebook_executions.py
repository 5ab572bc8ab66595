"""Each notebook executes once per parameter set in a test session: every lesson once, every exercise notebook
once unfilled and once with SOLUTIONS=True, and nothing else starts a kernel except the browser test.

The log (<out>/executions.jsonl, set up in conftest.py) gets a line from coursekit.course.execute for each
execution and a line from every IPython kernel that starts (tests/kernel_startup.py), so a notebook executed any
other way (nbval, a second papermill call, a test calling course.execute itself) is counted as well.
"""
import json
import os
import runpy
import sys
import types
from collections import Counter
from pathlib import Path

import nbformat
import pytest

import notebook_runs as nr
from coursekit import course

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def test_full_session_runs_each_lesson_once_and_each_exercise_notebook_twice():
    by_name = Counter(r.name for r in nr.ALL_RUNS)
    assert nr.LESSONS and nr.EXERCISES
    assert all(by_name[p.name] == 1 for p in nr.LESSONS)
    assert all(by_name[p.name] == 2 for p in nr.EXERCISES)
    assert {r.parameters.get("SOLUTIONS", False) for r in nr.ALL_RUNS if r.path in nr.EXERCISES} == {False, True}
    assert len({r.key for r in nr.ALL_RUNS}) == len(nr.ALL_RUNS) == len(nr.LESSONS) + 2 * len(nr.EXERCISES)


def test_execute_logs_each_execution_before_it_runs(tmp_path, monkeypatch):
    calls = []
    fake = types.ModuleType("papermill")
    fake.execute_notebook = lambda src, dst, **kw: calls.append((src, dst, kw)) or Path(dst).write_text("{}")
    monkeypatch.setitem(sys.modules, "papermill", fake)
    log = tmp_path / "log.jsonl"
    monkeypatch.setenv(course.EXECUTION_LOG_ENV, str(log))
    course.execute(ROOT / "notebooks" / "ex1_pipeline_pitfalls.ipynb", tmp_path / "a", profile="quick",
                   parameters={"SOLUTIONS": True})
    course.execute(ROOT / "notebooks" / "00_setup.ipynb", tmp_path / "b", profile="quick")
    entries = nr.read_log(log)
    assert len(calls) == 2 and [e["event"] for e in entries] == ["execute", "execute"]
    assert [nr.key(e["notebook"], e["parameters"]) for e in entries] == [
        nr.key("ex1_pipeline_pitfalls.ipynb", {"PROFILE": "quick", "SOLUTIONS": True}),
        nr.key("00_setup.ipynb", {"PROFILE": "quick"})]
    # Without the variable (make course), nothing is written anywhere.
    monkeypatch.delenv(course.EXECUTION_LOG_ENV)
    course.execute(ROOT / "notebooks" / "00_setup.ipynb", tmp_path / "c", profile="quick")
    assert len(nr.read_log(log)) == 2


def test_a_run_executes_once_and_a_failed_run_fails_every_reader_without_running_again(tmp_path, monkeypatch):
    calls = []

    def fake_execute(path, out_dir, profile, parameters):
        calls.append((Path(path).name, parameters))
        if parameters:
            raise RuntimeError("cell 7 raised")
        out = Path(out_dir) / Path(path).name
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nbformat.v4.new_notebook(), out)
        return out, {"x": 1}, 0.5

    monkeypatch.setattr(course, "execute", fake_execute)
    executed = nr.Executions(tmp_path)
    lesson, solved = nr.Run(nr.LESSONS[0]), nr.Run(nr.EXERCISES[0], solutions=True)
    first = executed(lesson)
    assert executed(nr.Run(nr.LESSONS[0])) is first and first.figures == {"x": 1}
    assert first.path == tmp_path / "notebooks" / lesson.name
    for _ in range(2):
        with pytest.raises(nr.RunFailed, match="cell 7 raised"):
            executed(solved)
    assert calls == [(lesson.name, {}), (solved.name, {"SOLUTIONS": True})]


def test_kernel_startup_logs_the_kernel_and_leaves_no_name_behind(tmp_path, monkeypatch):
    log = tmp_path / "log.jsonl"
    monkeypatch.setenv(course.EXECUTION_LOG_ENV, str(log))
    monkeypatch.setenv("JPY_SESSION_NAME", "build/browser/02_what_is_augmentation.ipynb")
    namespace = runpy.run_path(str(TESTS / "kernel_startup.py"), run_name="__main__")
    assert not [n for n in namespace if not n.startswith("__")], "the startup file leaked names into the notebook"
    (entry,) = nr.read_log(log)
    assert entry["event"] == "kernel" and entry["pid"] == os.getpid()
    assert entry["session"] == "build/browser/02_what_is_augmentation.ipynb"


def test_the_session_logs_kernel_starts():
    assert os.environ.get("PYTHONSTARTUP") == str(TESTS / "kernel_startup.py")
    assert Path(os.environ[course.EXECUTION_LOG_ENV]).name == "executions.jsonl"


def _whole_suite_requested(config):
    """True when the tests folder itself was collected (make test; pytest tests -m notebook)."""
    return any(Path(arg.split("::")[0]).resolve() in (TESTS, ROOT) for arg in config.args)


@pytest.mark.notebook
@pytest.mark.after_notebooks
def test_each_notebook_executed_once_per_parameter_set(run_selection, request):
    selected, deselected = run_selection["selected"], run_selection["deselected"]
    if not selected:
        pytest.skip("no selected test reads an executed notebook: nothing to count")
    if _whole_suite_requested(request.config) and not deselected:
        # make test: every notebook and parameter set, whatever the test modules ask for.
        assert {r.key for r in selected} == {r.key for r in nr.ALL_RUNS}, (
            f"the notebook tests should read every run; they miss "
            f"{sorted(map(str, set(nr.ALL_RUNS) - selected))}, add {sorted(map(str, selected - set(nr.ALL_RUNS)))}")

    log = nr.read_log(os.environ[course.EXECUTION_LOG_ENV])
    executions = Counter(nr.key(e["notebook"], e["parameters"]) for e in log if e["event"] == "execute")
    expected = Counter(r.key for r in selected)
    names = {r.key: str(r) for r in nr.ALL_RUNS}

    def show(keys):
        return sorted(f"{names.get(k, k)} x{executions[k]}" for k in keys)

    missing = [k for k in expected if executions[k] == 0]
    repeated = [k for k in executions if executions[k] > 1]
    unexpected = [k for k in executions if k not in expected]
    assert not missing, f"never executed (did its tests fail before asking for it?): {show(missing)}"
    assert not repeated, f"executed more than once: {show(repeated)}"
    assert not unexpected, f"executed though no selected test reads it: {show(unexpected)}"
    assert executions == expected  # so: exactly once each, and nothing else

    # Every kernel of the session: one per execution above, plus the browser test's JupyterLab kernel.
    kernels = [e for e in log if e["event"] == "kernel"]
    # Headless kernels in the notebooks folder ran course notebooks (course.execute runs them there); tests
    # that execute a small notebook of their own (in a temporary folder) are not course executions.
    headless = [e for e in kernels if not e.get("session") and Path(e.get("cwd", "")) == course.NOTEBOOKS]
    in_lab = [e for e in kernels if e.get("session")]
    assert len(headless) == sum(executions.values()), (
        f"{len(headless)} kernels started without JupyterLab for {sum(executions.values())} executions through "
        f"coursekit.course.execute: something else executed notebooks (nbval?). Log: {json.dumps(log)}")
    assert len(in_lab) <= run_selection["browser_tests"], f"JupyterLab kernels beyond the browser test: {in_lab}"
    assert all("build/browser" in e["session"] for e in in_lab), (
        f"the browser tests should open their copies under build/browser*/: {in_lab}")
