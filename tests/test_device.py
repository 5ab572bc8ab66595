"""coursekit.device: setup (one banner line, seeds, checked arguments), where the kernel runs, the profile."""
import numpy as np
import pytest

import coursekit as ck


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
