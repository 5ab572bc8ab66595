"""The real download code for CIFAR-10, Fashion-MNIST and tf_flowers, tested on local files, no network."""
import gzip
import io
import pickle
import tarfile

import numpy as np
import pytest
from PIL import Image

import coursekit as ck
from coursekit.images import online
from _offline import offline_get_file


def _no_md5(monkeypatch, name):
    """Local fixture files are not the official ones: skip the checksum for them."""
    real = ck.data.sources()
    real[name]["files"] = [{**f, "md5": None, "sha256": None} for f in real[name]["files"]]
    monkeypatch.setattr(online, "sources", lambda: real)


def _add(tar, name, payload):
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    tar.addfile(info, io.BytesIO(payload))


def test_cifar10_from_cached_archive(tmp_path, monkeypatch):
    _no_md5(monkeypatch, "cifar10")
    (tmp_path / "datasets").mkdir()
    rng = np.random.default_rng(0)
    with tarfile.open(tmp_path / "datasets" / "cifar-10-python.tar.gz", "w:gz") as tar:
        for i, name in enumerate(["data_batch_1", "data_batch_2", "test_batch"]):
            n = 20 if name == "test_batch" else 50
            batch = {b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8), b"labels": [j % 10 for j in range(n)]}
            _add(tar, f"cifar-10-batches-py/{name}", pickle.dumps(batch))
    d = ck.data.load("cifar10", cache_dir=tmp_path, n_per_class=2)
    assert d.input_shape == (32, 32, 3) and d.kind == "photos" and d.class_names[0] == "airplane"
    assert len(d.x_test) == 20 and np.bincount(d.y_train).tolist() == [2] * 10
    assert d.x_train.dtype == np.float32 and d.x_train.max() <= 1


def test_fashion_mnist_from_cached_idx_files(tmp_path, monkeypatch):
    _no_md5(monkeypatch, "fashion_mnist")
    folder = tmp_path / "datasets"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for prefix, n in [("train", 50), ("t10k", 20)]:
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        labels = np.arange(n, dtype=np.uint8) % 10
        with gzip.open(folder / f"{prefix}-images-idx3-ubyte.gz", "wb") as fh:
            fh.write(b"\0" * 16 + images.tobytes())
        with gzip.open(folder / f"{prefix}-labels-idx1-ubyte.gz", "wb") as fh:
            fh.write(b"\0" * 8 + labels.tobytes())
    d = ck.data.load("fashion_mnist", cache_dir=tmp_path)
    assert d.input_shape == (28, 28, 1) and len(d.x_test) == 20 and d.class_names[-1] == "Ankle boot"


def test_tf_flowers_from_cached_folders(tmp_path, monkeypatch):
    _no_md5(monkeypatch, "tf_flowers")
    (tmp_path / "datasets").mkdir()
    with tarfile.open(tmp_path / "datasets" / "flower_photos.tgz", "w:gz") as tar:
        for cname in ["daisy", "roses"]:
            for i in range(6):
                buf = io.BytesIO()
                Image.new("RGB", (40, 30), (i * 40, 100, 50)).save(buf, format="JPEG")
                _add(tar, f"flower_photos/{cname}/{i}.jpg", buf.getvalue())
    d = ck.data.load("tf_flowers", cache_dir=tmp_path, image_size=16, val_fraction=0.2, test_fraction=0.2)
    assert d.class_names == ["daisy", "roses"] and d.input_shape == (16, 16, 3)


def test_offline_download_fails_with_one_clear_sentence(tmp_path, monkeypatch):
    import keras

    def refuse(*args, **kwargs):
        raise Exception("URL fetch failure: [Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(keras.utils, "get_file", refuse)
    with pytest.raises(ck.data.DownloadError) as info:
        ck.data.load("cifar10", cache_dir=tmp_path)
    msg = str(info.value)
    assert "offline" in msg and "'digits'" in msg and "'faces'" in msg and "\n" not in msg


def test_every_online_dataset_has_a_source_with_a_licence():
    src = ck.data.sources()
    assert set(src) == set(ck.data.ONLINE)
    for s in src.values():
        assert s["licence"] and all(f["url"].startswith("https://") for f in s["files"])


def test_every_online_file_has_a_published_checksum():
    for name, src in ck.data.sources().items():
        for f in src["files"]:
            digest = online.checksum(f)
            assert digest and len(digest) in (32, 64), f"{name}: {f['name']} has no md5 or sha256"
    flowers = ck.data.sources()["tf_flowers"]["files"][0]
    assert len(flowers["sha256"]) == 64  # published by tensorflow-datasets (url_checksums/tf_flowers.txt)


def test_a_cached_archive_with_the_wrong_checksum_is_not_used(tmp_path, monkeypatch):
    """The real tf_flowers sha256 is checked: a local stand-in fails it, so get_file tries to download
    again, and offline that is the one-sentence DownloadError."""
    import keras

    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "flower_photos.tgz").write_bytes(b"not the real archive")
    monkeypatch.setattr(keras.utils, "get_file", offline_get_file(monkeypatch))
    with pytest.raises(ck.data.DownloadError, match="offline"):
        ck.data.load("tf_flowers", cache_dir=tmp_path)


def test_offline_is_one_sentence_naming_the_cause_with_no_keras_download_line(tmp_path, monkeypatch, capsys):
    """No network: the host cannot be resolved. Nothing is printed before the one sentence, which names that."""
    import socket

    def no_dns(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(ck.data.DownloadError) as info:
        ck.data.load("cifar10", cache_dir=tmp_path)
    msg = str(info.value)
    out = capsys.readouterr()
    assert "Downloading data from" not in out.out + out.err and not (out.out + out.err).strip()
    assert "the host www.cs.toronto.edu could not be resolved" in msg and "(Exception)" not in msg
    assert "offline" in msg and "'digits'" in msg and "\n" not in msg and msg.count(". ") == msg.count("e.g. ")


def test_a_failed_download_after_the_lookup_names_the_network_error(tmp_path, monkeypatch):
    """The host resolves but the transfer fails (Keras wraps it in a bare Exception): the cause is still named."""
    import socket
    import urllib.error

    from keras.src.utils import file_utils  # where get_file's urlretrieve is looked up

    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [])

    def refused(*args, **kwargs):
        raise urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))

    monkeypatch.setattr(file_utils, "urlretrieve", refused)
    with pytest.raises(ck.data.DownloadError) as info:
        ck.data.load("fashion_mnist", cache_dir=tmp_path)
    assert "the network failed (Connection refused)" in str(info.value)
