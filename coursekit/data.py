"""Datasets for the course, as float32 NHWC images in [0, 1] with integer labels.

Offline (they ship inside scikit-learn and scikit-image, so they work anywhere):

- ``digits``  8x8 handwritten digits (1,797 images, 10 classes), resized (16x16 by default)
- ``faces``   25x25 faces vs. non-faces from scikit-image's ``lfw_subset`` (200 images, 2 classes)
- ``basic_motions`` smartwatch accelerometer + gyroscope series, 4 activities (shipped in datasets/)

Online (downloaded once into a cache folder, from the same addresses Keras uses):

- ``cifar10``, ``fashion_mnist``, ``tf_flowers``

``sample_photos()`` gives real photos for showing what transforms do.
"""
import gzip
import json
import os
import pickle
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .base import validate

OFFLINE = ("digits", "faces", "basic_motions")
ONLINE = ("cifar10", "fashion_mnist", "tf_flowers")
NAMES = OFFLINE + ONLINE
DEFAULT_CACHE = Path(os.environ.get("COURSEKIT_CACHE", Path.home() / ".cache" / "augment-course"))
SOURCES_FILE = Path(__file__).with_name("data_files") / "sources.json"


class DownloadError(RuntimeError):
    """An online dataset could not be fetched (usually: no network)."""


@dataclass
class Dataset:
    """A dataset split three ways. ``kind`` tells augmentation presets what suits it."""

    name: str
    kind: str
    class_names: list
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    notes: dict = field(default_factory=dict)

    @property
    def num_classes(self):
        return len(self.class_names)

    @property
    def input_shape(self):
        return tuple(self.x_train.shape[1:])

    def __repr__(self):
        return (f"Dataset({self.name!r}: {self.num_classes} classes, input {self.input_shape}, "
                f"train {len(self.x_train)}, val {len(self.x_val)}, test {len(self.x_test)})")


# ---------------------------------------------------------------- helpers

def _resize(x, size):
    """Resize NHWC float images to size x size (bilinear, antialiased), staying in [0, 1]."""
    if size is None or x.shape[1:3] == (size, size):
        return x.astype("float32")
    import tensorflow as tf

    out = tf.image.resize(x, (size, size), method="bilinear", antialias=True).numpy()
    return np.clip(out, 0.0, 1.0).astype("float32")


def _split(x, y, seed, val_fraction, test_fraction):
    """Stratified train / validation / test split with a fixed seed."""
    from sklearn.model_selection import train_test_split

    x_rest, x_test, y_rest, y_test = train_test_split(
        x, y, test_size=test_fraction, stratify=y, random_state=seed)
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest, y_rest, test_size=val_fraction / (1 - test_fraction), stratify=y_rest, random_state=seed)
    return x_train, y_train, x_val, y_val, x_test, y_test


def _balanced_subset(x, y, n_per_class, seed, name):
    """Take n_per_class training examples of every class (seeded)."""
    counts = np.bincount(y)
    if n_per_class > counts.min():
        raise ValueError(f"n_per_class={n_per_class} is more than {name!r} has: its training split holds "
                         f"{counts.min()} examples of its smallest class. Use n_per_class <= {counts.min()}.")
    rng = np.random.default_rng(seed)
    idx = np.concatenate([rng.choice(np.flatnonzero(y == c), n_per_class, replace=False) for c in range(len(counts))])
    rng.shuffle(idx)
    return x[idx], y[idx]


def sources():
    """Where each online dataset comes from, with its checksum (see datasets/README.md)."""
    return json.loads(SOURCES_FILE.read_text())


def _fetch(name, cache_dir):
    """Download (or find in the cache) every file of an online dataset; return their paths."""
    import keras

    cache_dir = Path(cache_dir or DEFAULT_CACHE)
    paths = []
    for f in sources()[name]["files"]:
        try:
            paths.append(Path(keras.utils.get_file(
                f["name"], f["url"], file_hash=f.get("md5"), cache_dir=str(cache_dir), cache_subdir="datasets")))
        except Exception as e:  # urllib, socket and hash errors all mean "not available here"
            raise DownloadError(
                f"Could not download {name!r} from {f['url']} ({type(e).__name__}); this machine seems to be "
                f"offline. Use an offline dataset instead: {', '.join(repr(n) for n in OFFLINE)}, e.g. "
                f"coursekit.data.load('digits'), or copy {f['name']} into {cache_dir / 'datasets'}.") from None
    return paths


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


# ---------------------------------------------------------------- offline loaders

def _digits(image_size):
    from sklearn.datasets import load_digits

    d = load_digits()
    x = (d.images / 16.0).astype("float32")[..., None]
    return _resize(x, image_size or 16), d.target.astype("int64"), [str(i) for i in range(10)], "digits", None


def _faces(image_size):
    from skimage.data import lfw_subset

    x = lfw_subset().astype("float32")[..., None]  # first 100 faces, then 100 non-faces
    y = np.array([1] * 100 + [0] * 100, dtype="int64")
    return _resize(x, image_size or 32), y, ["not face", "face"], "faces", None


def _basic_motions(image_size):
    from . import timeseries

    x_tr, y_tr, x_te, y_te, names = timeseries.load_basic_motions()
    x = np.concatenate([x_tr, x_te]).astype("float32")
    y = np.concatenate([y_tr, y_te]).astype("int64")
    return x, y, list(names), "timeseries", None


# ---------------------------------------------------------------- online loaders

def _cifar10(image_size, cache_dir):
    folder = _untar(_fetch("cifar10", cache_dir)[0])
    batches = sorted(folder.rglob("data_batch_*")) + sorted(folder.rglob("test_batch"))

    def read(p):
        with open(p, "rb") as fh:
            d = pickle.load(fh, encoding="bytes")
        return d[b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), np.array(d[b"labels"], dtype="int64")

    train = [read(p) for p in batches if "data_batch" in p.name]
    x_tr = np.concatenate([a for a, _ in train]).astype("float32") / 255
    y_tr = np.concatenate([b for _, b in train])
    x_te, y_te = read(batches[-1])
    names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    return _resize(x_tr, image_size), y_tr, names, "photos", (_resize(x_te.astype("float32") / 255, image_size), y_te)


def _fashion_mnist(image_size, cache_dir):
    paths = {p.name: p for p in _fetch("fashion_mnist", cache_dir)}

    def idx(name, offset):
        with gzip.open(paths[name], "rb") as fh:
            return np.frombuffer(fh.read(), np.uint8, offset=offset)

    x_tr = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28, 1).astype("float32") / 255
    x_te = idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28, 1).astype("float32") / 255
    y_tr = idx("train-labels-idx1-ubyte.gz", 8).astype("int64")
    y_te = idx("t10k-labels-idx1-ubyte.gz", 8).astype("int64")
    names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    return _resize(x_tr, image_size), y_tr, names, "photos", (_resize(x_te, image_size), y_te)


def _tf_flowers(image_size, cache_dir):
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


_OFFLINE_LOADERS = {"digits": _digits, "faces": _faces, "basic_motions": _basic_motions}
_ONLINE_LOADERS = {"cifar10": _cifar10, "fashion_mnist": _fashion_mnist, "tf_flowers": _tf_flowers}


def load(name, n_per_class=None, image_size=None, seed=0, val_fraction=0.2, test_fraction=0.2, cache_dir=None):
    """Load a dataset, split into train / validation / test with a fixed seed.

    n_per_class:  keep only this many training examples of each class (balanced, seeded): the
                  small-data setting in which models overfit and augmentation helps most.
                  Validation and test splits stay whole.
    image_size:   resize images to image_size x image_size (None: the dataset's course default).
    seed:         the split and the subset depend on it, and on nothing else.
    """
    validate.one_of("dataset", name, NAMES, what="dataset")
    validate.positive_int(seed, "seed", allow_zero=True)
    if n_per_class is not None:
        validate.positive_int(n_per_class, "n_per_class")
    if image_size is not None:
        validate.positive_int(image_size, "image_size")
        if image_size < 8:
            raise ValueError(f"image_size must be at least 8 pixels for the course's CNN; got {image_size}.")
    validate.fraction(val_fraction, "val_fraction", 0.01, 0.5)
    validate.fraction(test_fraction, "test_fraction", 0.01, 0.5)

    if name in _OFFLINE_LOADERS:
        x, y, names, kind, official_test = _OFFLINE_LOADERS[name](image_size)
    else:
        x, y, names, kind, official_test = _ONLINE_LOADERS[name](image_size, cache_dir)
    if official_test is None:
        x_tr, y_tr, x_val, y_val, x_te, y_te = _split(x, y, seed, val_fraction, test_fraction)
    else:
        from sklearn.model_selection import train_test_split

        x_te, y_te = official_test
        x_tr, x_val, y_tr, y_val = train_test_split(x, y, test_size=val_fraction, stratify=y, random_state=seed)
    if n_per_class is not None:
        x_tr, y_tr = _balanced_subset(x_tr, y_tr, n_per_class, seed, name)
    return Dataset(name, kind, names, x_tr, y_tr, x_val, y_val, x_te, y_te,
                   notes={"n_per_class": n_per_class, "seed": seed})


def sample_photos(size=None):
    """Real photos shipped with scikit-learn and scikit-image, as float32 HWC arrays in [0, 1].

    Keys: china, flower (scikit-learn); astronaut, coffee, chelsea (scikit-image).
    size: resize each to size x size (None keeps the original).
    """
    from skimage import data as skdata
    from sklearn.datasets import load_sample_image

    photos = {
        "china": load_sample_image("china.jpg"),
        "flower": load_sample_image("flower.jpg"),
        "astronaut": skdata.astronaut(),
        "coffee": skdata.coffee(),
        "chelsea": skdata.chelsea(),
    }
    out = {}
    for k, v in photos.items():
        img = v.astype("float32")[None] / 255
        out[k] = _resize(img, size)[0] if size else img[0]
    return out
