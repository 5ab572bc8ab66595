"""A notebook's outputs show coursekit's lines, not TensorFlow's C++ start-up log, and real errors still show.

TensorFlow 2.21 writes its C++ log lines (absl's "All log messages before absl::InitializeLog()", ``I0000``
info lines, the CUDA probe's ``E0000 ... failed call to cuInit``) straight to file descriptor 2, which a
Jupyter kernel shows as red text under the first cell. coursekit holds those back
(``coursekit.device.native_logs_filtered``). The kernels here run with ``TF_CPP_MIN_LOG_LEVEL`` unset,
as in a learner's kernel.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import notebook_runs as nr

ROOT = Path(__file__).resolve().parent.parent
TF_LOG = re.compile(r"^[IWE]0000 |\bcuInit\b|All log messages before absl::InitializeLog\(\)", re.M)


def _texts(nb):
    """(cell index, text) of every output: streams, errors, and the plain/HTML forms of displays."""
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                yield i, out.get("text", "")
            elif out.get("output_type") == "error":
                yield i, "\n".join(out.get("traceback", []))
            else:
                for mime in ("text/plain", "text/html"):
                    value = out.get("data", {}).get(mime, "")
                    yield i, "".join(value) if isinstance(value, list) else value


def tf_log_lines(nb):
    return [(i, line) for i, text in _texts(nb) for line in text.splitlines() if TF_LOG.search(line)]


@pytest.mark.notebook
@pytest.mark.parametrize("run", nr.ALL_RUNS, ids=str)
def test_executed_notebooks_hold_no_tensorflow_log_lines(run, executed):
    """The test session's one execution of each notebook (kernels run with TF_CPP_MIN_LOG_LEVEL unset)."""
    assert "TF_CPP_MIN_LOG_LEVEL" not in os.environ, "the notebook kernels must run as a learner's kernel does"
    lines = tf_log_lines(executed(run).nb)
    assert not lines, f"{run}: TensorFlow's C++ log lines in its outputs: {lines[:3]}"


def test_the_log_line_check_catches_them():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("import coursekit")
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text=(
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
        "E0000 00:00:1795851885.142202    1986 cuda_platform.cc:52] failed call to cuInit: INTERNAL\n"))]
    nb.cells = [cell, nbformat.v4.new_code_cell("print(1)")]
    assert len(tf_log_lines(nb)) == 2


def _learner_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env["COURSEKIT_PREDICTIONS"] = str(tmp_path / "predictions.json")
    return env


def test_import_and_setup_are_quiet_and_a_learners_error_still_shows(tmp_path):
    """In a plain Python process (fd 2 is the terminal): only the banner, then the learner's own errors."""
    code = ("import os, coursekit as ck\n"
            "ck.device.setup(seed=0)\n"
            "with ck.device.native_logs_filtered():\n"
            "    os.write(2, b'E0000 00:00:1.5  7 my_op.cc:12] a real native error\\n')\n"
            "ck.data.load('cifar')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240,
                          env=_learner_env(tmp_path), cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.count("\n") == 1 and proc.stdout.startswith("TensorFlow "), proc.stdout
    assert "Unknown dataset 'cifar'" in proc.stderr and "Traceback (most recent call last)" in proc.stderr
    assert "a real native error" in proc.stderr  # unknown native lines pass through the filter
    assert not TF_LOG.search(proc.stderr.replace("E0000 00:00:1.5  7 my_op.cc:12] a real native error", "")), \
        proc.stderr


@pytest.mark.notebook
def test_in_a_kernel_the_first_cell_shows_only_the_banner_and_errors_still_show(tmp_path):
    """A tiny notebook executed by papermill as a learner's kernel runs it."""
    import papermill as pm

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("import coursekit as ck\nck.device.setup(seed=0);"),
                nbformat.v4.new_code_cell("ck.data.load('cifar')  # a learner's deliberate mistake")]
    src, out = tmp_path / "learner.ipynb", tmp_path / "learner.out.ipynb"
    nbformat.write(nb, src)
    env_before = dict(os.environ)
    os.environ.clear()
    os.environ.update(_learner_env(tmp_path))
    try:
        with pytest.raises(pm.PapermillExecutionError, match="Unknown dataset 'cifar'"):
            pm.execute_notebook(str(src), str(out), kernel_name="python3", cwd=str(tmp_path),
                                progress_bar=False, execution_timeout=300)
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    done = nbformat.read(out, as_version=4)
    code = [c for c in done.cells if c.cell_type == "code"]  # papermill adds a markdown cell on an error
    first = code[0].outputs
    assert [o.output_type for o in first] == ["stream"] and first[0].name == "stdout", first
    assert first[0].text.startswith("TensorFlow ") and first[0].text.count("\n") == 1
    errors = [o for o in code[1].outputs if o.output_type == "error"]
    assert errors and errors[0].ename == "ValueError" and "Unknown dataset 'cifar'" in errors[0].evalue
    assert not tf_log_lines(done)


def test_notebooks_import_coursekit_before_tensorflow():
    """coursekit's import holds TensorFlow's start-up lines back; importing TensorFlow or Keras first prints them."""
    from coursekit import course

    late = []
    for path in course.notebook_paths():
        code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        tf = re.search(r"^(import|from) (tensorflow|keras)\b", code, re.M)
        ck = re.search(r"^(import coursekit|from coursekit)\b", code, re.M)
        if tf and (not ck or tf.start() < ck.start()):
            late.append(path.name)
    assert not late, f"import coursekit before tensorflow/keras in {late} (a clean first cell)"
