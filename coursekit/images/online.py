"""Online image datasets: downloaded once into a cache folder, from the addresses Keras uses, and checked.

- ``cifar10``, ``fashion_mnist``, ``tf_flowers``: each file's address and checksum are in
  ``coursekit/data_files/sources.json`` (provenance in ``datasets/README.md``).
- Offline, a load fails with one sentence (``DownloadError``) that names the offline datasets.

Each loader returns ``(x, y, class_names, kind, official_test)``; ``coursekit.data.load`` splits them.
"""
import gzip
import hashlib
import json
import os
import pickle
import socket
import tarfile
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from .datasets import resize

OFFLINE_NAMES = ("digits", "faces", "textures", "basic_motions", "synthetic_motions")  # named in the offline error message
DEFAULT_CACHE = Path(os.environ.get("COURSEKIT_CACHE", Path.home() / ".cache" / "augment-course"))
SOURCES_FILE = Path(__file__).resolve().parent.parent / "data_files" / "sources.json"


class DownloadError(RuntimeError):
    """An online dataset could not be fetched (usually: no network)."""


def sources():
    """Where each online dataset comes from, with its checksum (see datasets/README.md)."""
    return json.loads(SOURCES_FILE.read_text())


def checksum(entry):
    """The published checksum of one file: its sha256 where one is published, else its MD5."""
    return entry.get("sha256") or entry.get("md5")


def _hash_ok(path, digest):
    """Whether a cached file matches its published md5 (32 hex digits) or sha256 (64); no checksum: yes."""
    if not digest:
        return True
    h = hashlib.md5() if len(digest) == 32 else hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest() == digest


def _cause(error, host):
    """What really stopped a download, in words (Keras wraps a network error in a bare Exception)."""
    import urllib.error

    seen = error
    while seen is not None:
        if isinstance(seen, urllib.error.URLError) and isinstance(seen.reason, BaseException):
            seen = seen.reason
            continue
        if isinstance(seen, socket.gaierror):
            return f"the host {host} could not be resolved (no network, or no DNS)"
        if isinstance(seen, urllib.error.HTTPError):
            return f"the server answered HTTP {seen.code} ({seen.reason})"
        if isinstance(seen, (TimeoutError, socket.timeout)):
            return f"the connection to {host} timed out"
        if isinstance(seen, ValueError) and "hash" in str(seen):
            return "the file downloaded did not match its published checksum"
        if isinstance(seen, OSError) and (seen.strerror or seen.args):
            return f"the network failed ({seen.strerror or seen.args[0]})"
        seen = seen.__cause__ or seen.__context__
    return f"the download failed ({error})"


def fetch_file(entry, cache_dir=None, subdir="datasets", instead=None):
    """Download one file (or find it in the cache) and check it against its published checksum.

    entry: {"name", "url", "md5" or "sha256"}. A cached file whose checksum does not match is fetched
    again. Offline, raises DownloadError: one sentence naming the cause and ending with ``instead`` (what
    to do offline); the host is looked up first, so Keras prints no "Downloading data from" line before it.
    """
    import keras

    cache_dir = Path(cache_dir or DEFAULT_CACHE)
    cached, host = cache_dir / subdir / entry["name"], urlparse(entry["url"]).hostname

    def failed(cause):
        return DownloadError(
            f"Could not download {entry['name']} from {entry['url']}: {cause}, so this machine seems to be "
            f"offline; {instead or 'work offline instead'}, or copy {entry['name']} into {cache_dir / subdir}.")

    if cached.exists() and _hash_ok(cached, checksum(entry)):
        return cached
    try:
        socket.getaddrinfo(host, 443)
    except OSError as e:
        raise failed(_cause(e, host)) from None
    try:
        return Path(keras.utils.get_file(entry["name"], entry["url"], file_hash=checksum(entry),
                                         cache_dir=str(cache_dir), cache_subdir=subdir))
    except Exception as e:  # urllib, socket and hash errors all mean "not available here"
        raise failed(_cause(e, host)) from None


def _fetch(name, cache_dir):
    """Download (or find in the cache) every file of an online dataset; return their paths."""
    instead = (f"use an offline dataset instead: {', '.join(repr(n) for n in OFFLINE_NAMES)}, "
               f"e.g. coursekit.data.load('digits')")
    return [fetch_file(f, cache_dir, "datasets", instead) for f in sources()[name]["files"]]


def _untar(path):
    """Extract a .tar.gz once next to itself; return the folder."""
    out = path.parent / (path.name.split(".")[0] + "_extracted")
    if not (out / ".done").exists():
        out.mkdir(parents=True, exist_ok=True)
        with tarfile.open(path) as tar:
            kw = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(out, **kw)
        (out / ".done").touch()
    return out


def as_float(x, image_size):
    """uint8 images -> float32 in [0, 1] at image_size, one array at a time: only what is kept becomes float."""
    out = x.astype("float32")
    out /= 255
    return resize(out, image_size)


def cifar10(image_size, cache_dir):
    """CIFAR-10 as uint8 (4x less memory than float32): ``coursekit.data.load`` converts only the images it
    keeps (its splits, after ``pool_per_class`` and ``n_per_class``), so a lesson that trains on a few hundred
    images holds a few hundred, not 60,000, as float32 (Binder's 1-2 GB)."""
    folder = _untar(_fetch("cifar10", cache_dir)[0])

    def read(p):
        with open(p, "rb") as fh:
            d = pickle.load(fh, encoding="bytes")
        return d[b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), np.array(d[b"labels"], dtype="int64")

    train = [read(p) for p in sorted(folder.rglob("data_batch_*"))]
    x_tr, y_tr = np.concatenate([a for a, _ in train]), np.concatenate([b for _, b in train])
    del train
    x_te, y_te = read(next(folder.rglob("test_batch")))
    names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    return x_tr, y_tr, names, "photos", (np.ascontiguousarray(x_te), y_te)


def fashion_mnist(image_size, cache_dir):
    paths = {p.name: p for p in _fetch("fashion_mnist", cache_dir)}

    def idx(name, offset):
        with gzip.open(paths[name], "rb") as fh:
            return np.frombuffer(fh.read(), np.uint8, offset=offset)

    x_tr = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28, 1).astype("float32") / 255
    x_te = idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28, 1).astype("float32") / 255
    y_tr = idx("train-labels-idx1-ubyte.gz", 8).astype("int64")
    y_te = idx("t10k-labels-idx1-ubyte.gz", 8).astype("int64")
    names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    return resize(x_tr, image_size), y_tr, names, "photos", (resize(x_te, image_size), y_te)


def tf_flowers(image_size, cache_dir):
    from PIL import Image

    folder = _untar(_fetch("tf_flowers", cache_dir)[0])
    class_dirs = sorted((p for p in folder.rglob("*") if p.is_dir() and any(p.glob("*.jpg"))), key=lambda p: p.name)
    classes = [p.name for p in class_dirs]
    size = image_size or 64
    xs, ys = [], []
    for c, class_dir in enumerate(class_dirs):
        for f in sorted(class_dir.glob("*.jpg")):
            img = Image.open(f).convert("RGB").resize((size, size), Image.BILINEAR)
            xs.append(np.asarray(img, dtype="float32") / 255)
            ys.append(c)
    return np.stack(xs), np.array(ys, dtype="int64"), classes, "photos", None
