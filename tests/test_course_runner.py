"""The course runner (coursekit.course): ck.record, stripped outputs, and python -m coursekit run's --epochs,
--seeds, --set and --jobs."""
import json
from pathlib import Path

import numpy as np
import pytest

import coursekit as ck


def test_record_writes_figures_for_the_runner(tmp_path, monkeypatch, capsys):
    path = tmp_path / "figs.json"
    monkeypatch.setenv(ck.course.RECORD_ENV, str(path))
    ck.record(val_acc=0.91234567, note="ok")
    ck.record(gap=np.float32(0.05), gpus=np.int64(2))
    assert json.loads(path.read_text()) == {"val_acc": 0.9123, "note": "ok", "gap": 0.05, "gpus": 2}
    assert "val_acc = 0.9123" in capsys.readouterr().out


def test_strip_outputs_keeps_only_checked_cells():
    import nbformat

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}})
    nb.cells = [nbformat.v4.new_code_cell("print(1)"), nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(2)")]
    for c in nb.cells:
        c.outputs = [nbformat.v4.new_output("stream", text="x\n")]
        c.execution_count = 3
    ck.course.strip_outputs(nb)
    assert nb.cells[0].outputs == [] and len(nb.cells[1].outputs) == 1
    assert nb.cells[0].execution_count is None and nb.cells[1].execution_count == 3  # the stored-output check matches it


@pytest.fixture
def short_run(monkeypatch):
    """The runner with execute faked and time recording forbidden (a short run records no times): returns the
    {notebook name: parameters} each execution was given."""
    from coursekit import course, timings

    calls = {}

    def fake_execute(path, out_dir, profile="auto", parameters=None, timeout=1800):
        calls[Path(path).name] = parameters
        return Path(out_dir) / Path(path).name, {}, 1.0

    def no_recording(*args, **kwargs):
        raise AssertionError("a short run (--epochs, --seeds, --set) must not record times")

    monkeypatch.setattr(course, "execute", fake_execute)
    monkeypatch.setattr(timings, "record", no_recording)
    monkeypatch.setattr(timings, "sync_headers", no_recording)
    return calls


def test_run_with_epochs_sets_epochs_only_where_declared_and_records_no_times(short_run, tmp_path):
    from coursekit import course

    assert "EPOCHS" in course.declared_parameters(course.NOTEBOOKS / "01_overfitting.ipynb")
    assert "EPOCHS" not in course.declared_parameters(course.NOTEBOOKS / "02_what_is_augmentation.ipynb")
    assert course.run(["01_overfitting.ipynb", "02_what_is_augmentation.ipynb"], tmp_path, "quick", epochs=2) == 0
    assert short_run == {"01_overfitting.ipynb": {"EPOCHS": 2}, "02_what_is_augmentation.ipynb": None}


def test_run_with_seeds_keeps_the_first_seeds_of_every_declared_seed_list(short_run, tmp_path):
    from coursekit import course

    names = ["02_what_is_augmentation.ipynb", "03_augmentation_regularizes.ipynb", "08_capstone_real_photos.ipynb"]
    assert course.run(names, tmp_path, "full", epochs=1, seeds=3) == 0
    assert short_run == {"02_what_is_augmentation.ipynb": None,
                         "03_augmentation_regularizes.ipynb": {"EPOCHS": 1, "SEEDS": [0, 1, 2],
                                                               "SWEEP_SEEDS": [0, 1, 2]},
                         "08_capstone_real_photos.ipynb": {"EPOCHS": 1, "SEEDS": [0, 1, 2]}}


def test_set_reaches_only_the_notebooks_that_declare_the_parameter_and_records_no_times(short_run, tmp_path):
    """--set NAME=VALUE (make test-colab sets the capstone's WIDTH: its full-profile ResNet in float16 on 2 CPU
    cores is too slow)."""
    from coursekit import course

    names = ["02_what_is_augmentation.ipynb", "03_augmentation_regularizes.ipynb", "08_capstone_real_photos.ipynb"]
    assert course.main(["run", "--profile", "full", "--epochs", "1", "--set", "WIDTH=8", "--set", "N_PER_CLASS=20",
                        "--out", str(tmp_path), *names]) == 0
    assert short_run == {"02_what_is_augmentation.ipynb": None,
                         "03_augmentation_regularizes.ipynb": {"EPOCHS": 1, "N_PER_CLASS": 20},
                         "08_capstone_real_photos.ipynb": {"EPOCHS": 1, "WIDTH": 8, "N_PER_CLASS": 20}}


@pytest.mark.parametrize("item, message", [
    ("WIDTH", "--set takes NAME=VALUE with a Python literal, e.g. --set WIDTH=8; got 'WIDTH'."),
    ("WIDTH=eight", "got 'WIDTH=eight'"),
    ("NO_SUCH=1", "no notebook run here declares the parameter NO_SUCH, so it would set nothing."),
])
def test_a_bad_set_is_one_sentence_before_anything_runs(monkeypatch, capsys, item, message):
    from coursekit import course

    monkeypatch.setattr(course, "execute", lambda *a, **k: pytest.fail("nothing may run after a bad --set"))
    with pytest.raises(SystemExit) as stop:
        course.main(["run", "--set", item, "08_capstone_real_photos.ipynb"])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


def test_run_refuses_fewer_seeds_than_a_verdict_pairs_in_one_sentence(capsys):
    from coursekit import course

    with pytest.raises(ValueError, match="seeds must be a whole number of at least 3: every verdict pairs"):
        course.run(["01_overfitting.ipynb"], seeds=2)
    with pytest.raises(SystemExit) as stop:
        course.main(["run", "--seeds", "2", "01_overfitting.ipynb"])
    assert stop.value.code == 2
    assert "seeds must be a whole number of at least 3" in capsys.readouterr().err


def test_every_profile_seed_list_counts_0_1_2_so_seeds_n_keeps_its_first_n():
    """--seeds N sets each declared seed list to [0, ..., N-1]: the first N of the profile's list only if every
    profile's list starts 0, 1, 2, ... and has at least 3 seeds (the fewest --seeds accepts)."""
    import re

    import nbformat

    from coursekit import course

    found = 0
    for path in course.notebook_paths():
        if not course.seed_lists(course.declared_parameters(path)):
            continue
        source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        # seeds=[0, 1, 2] in a settings dict, or seeds = SEEDS or {"quick": [0, 1, 2], "full": [...]}
        for match in re.finditer(r"seeds\"?\s*[=:]\s*(?:SEEDS or \{[^}]*\}|\[[\d,\s]*\])", source):
            for listed in re.findall(r"\[([\d,\s]*)\]", match.group(0)):
                seeds = [int(s) for s in listed.split(",") if s.strip()]
                found += 1
                assert seeds == list(range(len(seeds))) and len(seeds) >= 3, f"{path.name}: {match.group(0)}"
    assert found >= 16  # quick and full: lessons 1, 3 (SEEDS and SWEEP_SEEDS), 4, 5, 6, 7, 8


def test_run_with_jobs_executes_notebooks_at_once_reports_them_in_order_and_records_no_times(monkeypatch, tmp_path,
                                                                                           capsys):
    import nbformat

    from coursekit import course, timings

    def no_recording(*args, **kwargs):
        raise AssertionError("a run with --jobs 2 must not record times")

    monkeypatch.setattr(timings, "record", no_recording)
    monkeypatch.setattr(timings, "sync_headers", no_recording)
    monkeypatch.delenv(course.EXECUTION_LOG_ENV, raising=False)  # these throw-away notebooks are no course run
    paths = []
    for i, code in enumerate(["import coursekit\ncoursekit.record(which=PROFILE + ' a')", "raise ValueError('b broke')"]):
        nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                               "display_name": "Python 3"}})
        nb.cells = [nbformat.v4.new_code_cell('PROFILE = "auto"', metadata={"tags": ["parameters"]}),
                    nbformat.v4.new_code_cell(code)]
        paths.append(tmp_path / f"n{i}.ipynb")
        nbformat.write(nb, paths[-1])
    assert course.run([str(p) for p in paths], tmp_path / "out", "quick", jobs=2) == 1  # one notebook failed
    out = capsys.readouterr().out
    assert out.index("=== n0") < out.index("which") < out.index("quick a") < out.index("=== n1") < out.index("b broke")
    with pytest.raises(ValueError, match="jobs must be a whole number of at least 1"):
        course.run([str(paths[0])], tmp_path / "out", "quick", jobs=0)
