"""Colab, simulated: its markers make coursekit say 'colab', the first cell installs coursekit there and
nowhere else, and setup() reports the GPU and suggests the full profile when one is present."""
import subprocess
import sys
import types

import pytest

from coursekit import course, device

MARKERS = ("COLAB_RELEASE_TAG", "COLAB_GPU", "BINDER_SERVICE_HOST", "BINDER_LAUNCH_HOST", "BINDER_REPO_URL")


@pytest.fixture
def local(monkeypatch):
    """No Colab or Binder markers, whatever machine runs the tests; pip calls recorded, never run."""
    for var in MARKERS + ("COURSE_PROFILE",):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append((a, k)))
    monkeypatch.calls = calls
    return monkeypatch


@pytest.fixture
def colab(local):
    """Colab's markers: the google.colab module is importable and COLAB_RELEASE_TAG is set."""
    google = types.ModuleType("google")
    google.colab = types.ModuleType("google.colab")
    local.setitem(sys.modules, "google", google)
    local.setitem(sys.modules, "google.colab", google.colab)
    local.setenv("COLAB_RELEASE_TAG", "release-colab_20260101-060000_RC00")
    return local


def _run_first_cell():
    exec(compile(course.first_cell_source(), "<first cell>", "exec"), {"__name__": "__main__"})


def test_where_is_local_without_markers(local):
    assert device.where() == "local"


def test_where_is_colab_with_its_markers(colab):
    assert device.where() == "colab"


def test_first_cell_installs_coursekit_once_on_colab(colab):
    _run_first_cell()
    assert len(colab.calls) == 1, f"expected one pip call, got {colab.calls}"
    (args,), kwargs = colab.calls[0]
    assert args[:4] == [sys.executable, "-m", "pip", "install"]
    packages = [a for a in args[4:] if not a.startswith("-")]
    assert packages == [f"coursekit @ git+https://github.com/{course.REPO}@{course.TAG}"]
    assert course.TAG == f"v{course.RELEASE}", "Colab installs the release tag, never a branch"
    assert kwargs.get("check") is True, "a failed install must stop the notebook, not go on silently"


def test_first_cell_does_nothing_outside_colab(local):
    _run_first_cell()
    assert local.calls == []


def test_first_cell_does_nothing_on_binder(local):
    local.setenv("BINDER_SERVICE_HOST", "10.0.0.1")
    _run_first_cell()
    assert local.calls == []


class _FakeGPU:
    name, device_type = "/physical_device:GPU:0", "GPU"


def test_setup_on_colab_with_a_gpu_reports_it_and_suggests_full(colab, capsys):
    import keras
    import tensorflow as tf

    colab.setattr(device, "gpus", lambda: [_FakeGPU()])
    colab.setattr(tf.config.experimental, "set_memory_growth", lambda d, on: None)
    colab.setattr(tf.config.experimental, "get_device_details",
                  lambda d: {"device_name": "Tesla T4", "compute_capability": (7, 5)})
    try:
        info = device.setup(seed=0)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    banner = capsys.readouterr().out
    assert info["where"] == "colab" and info["gpus"] == ["Tesla T4"]
    assert "Tesla T4" in banner and "running on colab" in banner
    assert "suggested profile: full" in banner
    assert device.pick_profile("auto", verbose=False) == "full"


def test_setup_on_colab_without_gpu_suggests_quick_and_says_how_to_get_one(colab, capsys):
    colab.setattr(device, "gpus", lambda: [])
    info = device.setup(seed=0)
    banner = capsys.readouterr().out
    assert info["suggested_profile"] == "quick" and "running on colab" in banner
    assert "GPU" in banner and "Runtime" in banner, f"the banner should say how to get a GPU on Colab: {banner}"
    assert device.pick_profile("auto", verbose=False) == "quick"
