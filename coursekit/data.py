"""Datasets of every modality behind one call: ``load(name, n_per_class, image_size, seed)``.

Offline (they ship inside scikit-learn, scikit-image and coursekit, so they work anywhere):

- ``digits``  8x8 handwritten digits (1,797 images, 10 classes), resized (16x16 by default)
- ``faces``   25x25 faces vs. non-faces from scikit-image's ``lfw_subset`` (200 images, 2 classes)
- ``textures`` 16x16 patches of six real textures and photos from scikit-image (brick, grass, gravel, moon,
  tissue, stars; 960 train, 288 validation, 288 test), its splits cut from disjoint bands of each image
- ``basic_motions`` smartwatch accelerometer + gyroscope series, 4 activities (80 real recordings)
- ``synthetic_motions`` the same sensors and activities, generated (1,200 recordings, 300 per activity)

Online (downloaded once into a cache folder, checked against published checksums):

- ``cifar10``, ``fashion_mnist``, ``tf_flowers``

``sample_photos()`` gives real photos for showing what transforms do. The loaders themselves live
with their modality: ``coursekit.images.datasets``, ``coursekit.images.online``, ``coursekit.timeseries.data``.
"""
import numpy as np

from .base import validate
from .base.dataset import Dataset, balanced_subset, split
from .images import datasets as image_datasets
from .images import online
from .images.datasets import sample_photos  # noqa: F401  (public: ck.data.sample_photos)
from .images.online import DEFAULT_CACHE, DownloadError, sources  # noqa: F401  (public)
from .timeseries import data as series_data

__all__ = ["load", "sample_photos", "sources", "Dataset", "DownloadError", "OFFLINE", "ONLINE", "NAMES"]


def _basic_motions(image_size):
    x_tr, y_tr, x_te, y_te, names = series_data.load_basic_motions()
    x = np.concatenate([x_tr, x_te]).astype("float32")
    y = np.concatenate([y_tr, y_te]).astype("int64")
    return x, y, list(names), "timeseries", None


def _synthetic_motions(image_size):
    x, y, names = series_data.make_motions(n_per_class=300, seed=0)  # the data are fixed; the split follows seed
    return x, y, names, "timeseries", None


_OFFLINE_LOADERS = {"digits": image_datasets.digits, "faces": image_datasets.faces,
                    "textures": image_datasets.textures, "basic_motions": _basic_motions,
                    "synthetic_motions": _synthetic_motions}
_ONLINE_LOADERS = {"cifar10": online.cifar10, "fashion_mnist": online.fashion_mnist, "tf_flowers": online.tf_flowers}
OFFLINE = tuple(_OFFLINE_LOADERS)
ONLINE = tuple(_ONLINE_LOADERS)
NAMES = OFFLINE + ONLINE
assert OFFLINE == online.OFFLINE_NAMES, "the offline error message must name every offline dataset"


def _at_most(x, y, n_per_class, seed, name):
    return balanced_subset(x, y, min(n_per_class, int(np.bincount(y).min())), seed, name)


def load(name, n_per_class=None, image_size=None, seed=0, val_fraction=0.2, test_fraction=0.2, cache_dir=None,
         max_per_class=None):
    """Load a dataset, split into train / validation / test with a fixed seed.

    n_per_class:  keep only this many training examples of each class (balanced, seeded): the
                  small-data setting in which models overfit and augmentation helps most.
                  Validation and test splits stay whole.
    image_size:   resize images to image_size x image_size (None: the dataset's course default).
    seed:         the split and the subset depend on it, and on nothing else.
    max_per_class: keep at most this many examples of each class in each split (balanced, seeded): a smaller
                  dataset in memory (CIFAR-10 on Binder's 1-2 GB); ``ck.train``'s per-seed subsets are then
                  drawn from the training split that remains.
    val_fraction, test_fraction: the random split's sizes; a dataset with its own splits (``textures``, whose
                  splits are disjoint regions of its images) keeps them, and ``seed`` then draws only the subset.
    """
    validate.one_of("dataset", name, NAMES, what="dataset")
    validate.positive_int(seed, "seed", allow_zero=True)
    if n_per_class is not None:
        validate.positive_int(n_per_class, "n_per_class")
    if max_per_class is not None:
        validate.positive_int(max_per_class, "max_per_class")
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
        x_tr, y_tr, x_val, y_val, x_te, y_te = split(x, y, seed, val_fraction, test_fraction)
    elif isinstance(official_test, dict):  # the loader's own validation and test splits; x, y is the training split
        x_tr, y_tr = x, y
        (x_val, y_val), (x_te, y_te) = official_test["val"], official_test["test"]
    else:
        from sklearn.model_selection import train_test_split

        x_te, y_te = official_test
        x_tr, x_val, y_tr, y_val = train_test_split(x, y, test_size=val_fraction, stratify=y, random_state=seed)
    del x, y, official_test  # only the splits are kept
    if max_per_class is not None:
        x_tr, y_tr, x_val, y_val, x_te, y_te = (part for xs, ys in ((x_tr, y_tr), (x_val, y_val), (x_te, y_te))
                                                for part in _at_most(xs, ys, max_per_class, seed, name))
    if n_per_class is not None:
        x_tr, y_tr = balanced_subset(x_tr, y_tr, n_per_class, seed, name)
    if x_tr.dtype == np.uint8:  # read as bytes (CIFAR-10): only the images kept become float32
        x_tr, x_val, x_te = (online.as_float(a, image_size) for a in (x_tr, x_val, x_te))
    return Dataset(name, kind, names, x_tr, y_tr, x_val, y_val, x_te, y_te,
                   notes={"n_per_class": n_per_class, "seed": seed})
