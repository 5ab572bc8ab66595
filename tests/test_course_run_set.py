"""``coursekit run --set NAME=VALUE``: a parameter set in every notebook that declares it, for short check runs
(make test-colab sets the capstone's WIDTH: its full-profile ResNet in float16 on 2 CPU cores is too slow)."""
from pathlib import Path

import pytest

from coursekit import course, timings


def test_set_reaches_only_the_notebooks_that_declare_the_parameter_and_records_no_times(monkeypatch, tmp_path):
    calls = {}

    def fake_execute(path, out_dir, profile="auto", parameters=None, timeout=1800):
        calls[Path(path).name] = parameters
        return Path(out_dir) / Path(path).name, {}, 1.0

    def no_recording(*args, **kwargs):
        raise AssertionError("a run with --set must not record times")

    monkeypatch.setattr(course, "execute", fake_execute)
    monkeypatch.setattr(timings, "record", no_recording)
    monkeypatch.setattr(timings, "sync_headers", no_recording)
    names = ["02_what_is_augmentation.ipynb", "03_augmentation_regularizes.ipynb", "08_capstone_real_photos.ipynb"]
    assert course.main(["run", "--profile", "full", "--epochs", "1", "--set", "WIDTH=8", "--set", "N_PER_CLASS=20",
                        "--out", str(tmp_path), *names]) == 0
    assert calls == {"02_what_is_augmentation.ipynb": None,
                     "03_augmentation_regularizes.ipynb": {"EPOCHS": 1, "N_PER_CLASS": 20},
                     "08_capstone_real_photos.ipynb": {"EPOCHS": 1, "WIDTH": 8, "N_PER_CLASS": 20}}


@pytest.mark.parametrize("item, message", [
    ("WIDTH", "--set takes NAME=VALUE with a Python literal, e.g. --set WIDTH=8; got 'WIDTH'."),
    ("WIDTH=eight", "got 'WIDTH=eight'"),
    ("NO_SUCH=1", "no notebook run here declares the parameter NO_SUCH, so it would set nothing."),
])
def test_a_bad_set_is_one_sentence_before_anything_runs(monkeypatch, capsys, item, message):
    monkeypatch.setattr(course, "execute", lambda *a, **k: pytest.fail("nothing may run after a bad --set"))
    with pytest.raises(SystemExit) as stop:
        course.main(["run", "--set", item, "08_capstone_real_photos.ipynb"])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err
