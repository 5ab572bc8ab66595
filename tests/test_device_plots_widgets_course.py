"""coursekit.device, plots, widgets and the course runner."""
import json
from pathlib import Path

import matplotlib
import numpy as np
import pytest

import coursekit as ck

matplotlib.use("Agg")


def test_setup_works_without_gpu_and_prints_one_banner_line(capsys):
    info = ck.device.setup(seed=1)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "TensorFlow" in out[0] and "Keras" in out[0]
    assert info["seed"] == 1 and info["where"] in ("local", "colab", "binder")
    assert ck.device.strategy().num_replicas_in_sync >= 1


def test_setup_same_seed_same_random_numbers():
    import tensorflow as tf

    ck.device.setup(seed=5, verbose=False)
    a = (np.random.rand(), float(tf.random.uniform([])))
    ck.device.setup(seed=5, verbose=False)
    assert a == (np.random.rand(), float(tf.random.uniform([])))


def test_setup_rejects_bad_arguments():
    with pytest.raises(ValueError, match="mixed_precision must be"):
        ck.device.setup(mixed_precision="yes")
    with pytest.raises(ValueError, match="seed must be 0 or more"):
        ck.device.setup(seed=-3)


def test_where_reads_service_markers(monkeypatch):
    for var in ("COLAB_RELEASE_TAG", "COLAB_GPU", "BINDER_SERVICE_HOST", "BINDER_LAUNCH_HOST", "BINDER_REPO_URL"):
        monkeypatch.delenv(var, raising=False)
    assert ck.device.where() == "local"
    monkeypatch.setenv("BINDER_SERVICE_HOST", "10.0.0.1")
    assert ck.device.where() == "binder"


def test_pick_profile(monkeypatch):
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    assert ck.device.pick_profile("auto", verbose=False) == ("full" if ck.device.gpus() else "quick")
    assert ck.device.pick_profile("full", verbose=False) == "full"
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    assert ck.device.pick_profile("auto", verbose=False) == "quick"
    with pytest.raises(ValueError, match="Unknown profile 'fast'"):
        ck.device.pick_profile("fast")


def _labelled(fig):
    for ax in fig.axes:
        if ax.get_visible() and ax.has_data() and ax.get_xlabel():
            assert ax.get_ylabel()
    assert fig._suptitle is not None or any(ax.get_title() for ax in fig.axes)


def test_plots_have_titles_and_return_figures():
    photo = ck.data.sample_photos(size=32)["coffee"]
    fig = ck.plots.show_augmentations(photo, "heavy", n=4)
    assert len(fig.axes) == 5 and fig._suptitle.get_text().startswith("Augmented versions")
    hist = {"a": [{"accuracy": [0.5, 0.9], "val_accuracy": [0.4, 0.6], "train_clean_accuracy": [0.5, 1.0]}]}
    fig = ck.plots.learning_curves(hist)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "epoch" and "gap" in ax.get_title()
    assert ax.lines[0].get_ydata().tolist() == [0.5, 1.0]  # the clean train accuracy is plotted
    import pandas as pd

    runs = pd.DataFrame({"name": ["x", "x", "y"], "val_acc": [0.5, 0.7, 0.9], "gap": [0.1, 0.2, 0.0]})
    fig = ck.plots.compare_bars(runs)
    _labelled(fig)
    assert [p.get_height() for p in fig.axes[0].patches] == pytest.approx([0.6, 0.9])


def test_show_augmentations_is_seeded_and_checks_input():
    photo = ck.data.sample_photos(size=24)["china"]
    a = ck.plots.show_augmentations(photo, "heavy", n=2, seed=3).axes[1].images[0].get_array()
    b = ck.plots.show_augmentations(photo, "heavy", n=2, seed=3).axes[1].images[0].get_array()
    assert np.array_equal(a, b)
    with pytest.raises(ValueError, match="Pass one image"):
        ck.plots.show_augmentations(photo[None], "heavy")


def test_prediction_question_reveals_against_the_measurement():
    q = ck.widgets.Prediction("Does it help?", ["yes", "no"], id="test/unanswered")
    assert "No prediction was committed" in q.reveal("yes")
    q = ck.widgets.Prediction("Does it help?", ["yes", "no"], id="test/answered")
    q.commit("no")  # before the reveal: after it the question is closed (tests/test_predictions.py)
    assert "but the experiment says 'yes'" in q.reveal("yes", because="0.9 > 0.8")
    with pytest.raises(ValueError, match="Unknown answer"):
        q.reveal("maybe")


def test_explorer_updates_the_image_when_a_slider_moves():
    photo = ck.data.sample_photos(size=32)["chelsea"]
    box = ck.widgets.explorer(photo)
    before = box.image.value
    box.controls["rotation"].value = 45
    assert box.image.value != before
    box.controls["rotation"].value = 0
    assert box.image.value == before


def test_render_identity_returns_the_image():
    photo = ck.data.sample_photos(size=16)["flower"]
    np.testing.assert_allclose(ck.widgets.render(photo), photo, atol=1e-5)


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


def test_run_with_epochs_sets_epochs_only_where_declared_and_records_no_times(monkeypatch, tmp_path):
    from coursekit import course, timings

    calls = {}

    def fake_execute(path, out_dir, profile="auto", parameters=None, timeout=1800):
        calls[Path(path).name] = parameters
        return Path(out_dir) / Path(path).name, {}, 1.0

    def no_recording(*args, **kwargs):
        raise AssertionError("a run with --epochs must not record times")

    monkeypatch.setattr(course, "execute", fake_execute)
    monkeypatch.setattr(timings, "record", no_recording)
    monkeypatch.setattr(timings, "sync_headers", no_recording)
    assert "EPOCHS" in course.declared_parameters(course.NOTEBOOKS / "01_overfitting.ipynb")
    assert "EPOCHS" not in course.declared_parameters(course.NOTEBOOKS / "02_what_is_augmentation.ipynb")
    assert course.run(["01_overfitting.ipynb", "02_what_is_augmentation.ipynb"], tmp_path, "quick", epochs=2) == 0
    assert calls == {"01_overfitting.ipynb": {"EPOCHS": 2}, "02_what_is_augmentation.ipynb": None}


def test_run_with_seeds_keeps_the_first_seeds_of_every_declared_seed_list(monkeypatch, tmp_path):
    from coursekit import course, timings

    calls = {}

    def fake_execute(path, out_dir, profile="auto", parameters=None, timeout=1800):
        calls[Path(path).name] = parameters
        return Path(out_dir) / Path(path).name, {}, 1.0

    def no_recording(*args, **kwargs):
        raise AssertionError("a run with --seeds must not record times")

    monkeypatch.setattr(course, "execute", fake_execute)
    monkeypatch.setattr(timings, "record", no_recording)
    monkeypatch.setattr(timings, "sync_headers", no_recording)
    names = ["02_what_is_augmentation.ipynb", "03_augmentation_regularizes.ipynb", "08_capstone_real_photos.ipynb"]
    assert course.run(names, tmp_path, "full", epochs=1, seeds=3) == 0
    assert calls == {"02_what_is_augmentation.ipynb": None,
                     "03_augmentation_regularizes.ipynb": {"EPOCHS": 1, "SEEDS": [0, 1, 2], "SWEEP_SEEDS": [0, 1, 2]},
                     "08_capstone_real_photos.ipynb": {"EPOCHS": 1, "SEEDS": [0, 1, 2]}}


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
