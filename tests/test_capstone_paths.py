"""Lesson 8's online paths, on local files in the real formats (no network): pretrained weights that
coursekit downloads and checks itself, the transfer model built on them, the small ResNet, and TTA."""
import hashlib
import shutil

import h5py
import keras
import numpy as np
import pytest

import coursekit as ck
from _offline import offline_get_file
from coursekit import pretrained
from coursekit.images import online

SHAPE = (32, 32, 3)


def _legacy_h5_weights(path):
    """Weights of a randomly initialised MobileNetV3Small (no top), in the legacy HDF5 layout that
    keras.applications publishes (weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5)."""
    from keras.src.legacy.saving import legacy_h5_format

    model = keras.applications.MobileNetV3Small(input_shape=SHAPE, include_top=False, weights=None, pooling="avg")
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)
    return model


@pytest.fixture(scope="module")
def cached_weights(tmp_path_factory):
    """The weights file placed in the course's cache under its published name, and its md5."""
    cache = tmp_path_factory.mktemp("cache")
    entry = pretrained.sources()["mobilenet_v3_small"]["file"]
    (cache / "models").mkdir()
    path = cache / "models" / entry["name"]
    model = _legacy_h5_weights(path)
    return cache, hashlib.md5(path.read_bytes()).hexdigest(), model


def _use_md5(monkeypatch, md5):
    real = pretrained.sources()
    real["mobilenet_v3_small"]["file"]["md5"] = md5
    monkeypatch.setattr(pretrained, "sources", lambda: real)


def test_weights_come_from_the_cache_after_the_checksum(cached_weights, monkeypatch):
    cache, md5, _ = cached_weights
    _use_md5(monkeypatch, md5)
    path = pretrained.weights_path("mobilenet_v3_small", cache_dir=cache)
    assert path.name == "weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5" and path.exists()


def test_the_published_checksum_rejects_a_stand_in_and_offline_is_one_sentence(cached_weights, tmp_path,
                                                                              monkeypatch):
    cache, _, _ = cached_weights
    local = tmp_path / "cache"
    shutil.copytree(cache, local)
    monkeypatch.setattr(keras.utils, "get_file", offline_get_file(monkeypatch))
    with pytest.raises(ck.data.DownloadError) as info:  # the real md5 does not match the stand-in
        pretrained.weights_path("mobilenet_v3_small", cache_dir=local)
    msg = str(info.value)
    assert "offline" in msg and "model='resnet'" in msg and "\n" not in msg


def test_transfer_model_loads_the_weights_file_and_freezes_or_fine_tunes(cached_weights, monkeypatch):
    cache, md5, source = cached_weights
    _use_md5(monkeypatch, md5)
    path = pretrained.weights_path("mobilenet_v3_small", cache_dir=cache)
    frozen = pretrained.build_transfer(SHAPE, 5, path)
    base = frozen.get_layer(source.name)
    np.testing.assert_array_equal(base.weights[0].numpy(), source.weights[0].numpy())  # weights=<path> used
    trainable_frozen = sum(int(np.prod(w.shape)) for w in frozen.trainable_weights)
    assert trainable_frozen == base.output_shape[-1] * 5 + 5  # only the new head learns
    tuned = pretrained.build_transfer(SHAPE, 5, path, fine_tune_layers=10)
    assert sum(int(np.prod(w.shape)) for w in tuned.trainable_weights) > trainable_frozen
    assert not any(lay.trainable for lay in tuned.get_layer(source.name).layers
                   if isinstance(lay, keras.layers.BatchNormalization))


def test_transfer_trains_through_ck_train_with_augmentation_in_front():
    rng = np.random.default_rng(0)
    x = rng.random((40, 32, 32, 3), dtype=np.float32)
    y = np.arange(40) % 2
    data = ck.base.dataset.Dataset("tiny", "photos", ["a", "b"], x[:20], y[:20], x[20:30], y[20:30], x[30:], y[30:])
    cfg = ck.train.config(dataset=data, model=pretrained.transfer(None), epochs=1, batch_size=10,
                          augment="standard", augment_in="model")
    res = ck.train.run(cfg, seeds=[0], progress=False)
    model = res.models["run"][0]
    assert model.name.startswith("augmented_") and 0 <= res.runs.val_acc[0] <= 1


def test_small_resnet_learns_digits_quickly():
    cfg = ck.train.config(dataset="digits", n_per_class=20, model="resnet", width=8, epochs=4, learning_rate=3e-3)
    res = ck.train.run(cfg, seeds=[0], progress=False, keep_models=False)
    assert res.runs.val_acc[0] > 0.5  # chance is 0.1: the BN statistics keep up in a short run


def test_tta_averages_views_and_reports_plain_too():
    data = ck.data.load("digits", n_per_class=5)

    class Constant:  # a model that always answers 3; coursekit calls models eagerly, never model.predict
        def __call__(self, x, training=False):
            assert training is False
            return np.tile(np.eye(10)[3], (len(x), 1))

        def predict(self, x, batch_size=None, verbose=0):
            raise AssertionError("tta_accuracy called model.predict")

    plain, tta = ck.evaluate.tta_accuracy(Constant(), data.x_test[:50], data.y_test[:50], "light", n_views=3)
    assert plain == tta == float((data.y_test[:50] == 3).mean())


def test_cifar10_archive_trains_the_resnet(tmp_path, monkeypatch):
    """The capstone's online from-scratch path: the real CIFAR-10 archive format, through the same calls."""
    import io
    import pickle
    import tarfile

    real = ck.data.sources()
    real["cifar10"]["files"] = [{**f, "md5": None} for f in real["cifar10"]["files"]]
    monkeypatch.setattr(online, "sources", lambda: real)
    (tmp_path / "datasets").mkdir()
    rng = np.random.default_rng(0)
    with tarfile.open(tmp_path / "datasets" / "cifar-10-python.tar.gz", "w:gz") as tar:
        for name, n in [("data_batch_1", 60), ("test_batch", 20)]:
            payload = pickle.dumps({b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                                    b"labels": [j % 10 for j in range(n)]})
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    data = ck.data.load("cifar10", cache_dir=tmp_path, n_per_class=4)
    crop = ck.augment.custom(translation=0.125, flip="horizontal")
    cfg = ck.train.config(dataset=data, model="resnet", width=4, epochs=1, augment=crop, augment_in="model",
                          batch_augment="cutmix")
    res = ck.train.run(cfg, seeds=[0], progress=False, keep_models=False)
    assert data.kind == "photos" and res.runs.replicas[0] == 1
