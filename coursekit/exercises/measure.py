"""What the checks measure with: small digit data, and helpers that walk and read tf.data pipelines."""
from functools import lru_cache

import numpy as np
import tensorflow as tf

from .. import data
from .core import _Outcome, _fail, _short

# ------------------------------------------------------------------ small data the checks use

@lru_cache(maxsize=1)
def _digits():
    return data.load("digits", seed=0)


def check_images(n=16, split="train"):
    """n digit images (float32, 16x16x1) from the split, and their true labels."""
    d = _digits()
    x, y = (d.x_train, d.y_train) if split == "train" else (d.x_val, d.y_val)
    return x[:n].copy(), y[:n].copy()


def _digit(label):
    d = _digits()
    return d.x_train[np.flatnonzero(d.y_train == label)[0]]


# ------------------------------------------------------------------ dataset helpers

def _chain(ds):
    """The datasets a tf.data pipeline is built from, from its output back to its source."""
    out, todo = [], [ds]
    while todo:
        node = todo.pop(0)
        out.append(node)
        if getattr(node, "_input_dataset", None) is not None:
            todo.append(node._input_dataset)
        for inner in getattr(node, "_datasets", None) or ():
            if isinstance(inner, tf.data.Dataset):
                todo.append(inner)
    return out


def _is_map(node):
    return "MapDataset" in type(node).__name__


def _is_cache(node):
    return "CacheDataset" in type(node).__name__


def _cache_after_map(ds):
    """True when a cache() sits downstream of a map (so it stores the map's output)."""
    seen_cache = False
    for node in _chain(ds):
        seen_cache = seen_cache or _is_cache(node)
        if _is_map(node) and seen_cache:
            return True
    return False


def _need_dataset(ds, what):
    if ds is None:
        _fail(f"{what} returned None: did you forget `return ds`?")
    if isinstance(ds, np.ndarray) or tf.is_tensor(ds):
        _fail(f"{what} returned an array, not a tf.data.Dataset: build one with "
              "tf.data.Dataset.from_tensor_slices((x, y)).")
    if isinstance(ds, tuple):
        _fail(f"{what} returned a tuple; it should return one tf.data.Dataset.")
    if not isinstance(ds, tf.data.Dataset):
        _fail(f"{what} should return a tf.data.Dataset; got {type(ds).__name__}.")


def _epoch(ds, n, what="your dataset"):
    """One pass over a dataset of (images, labels) batches, as arrays sorted by label."""
    xs, ys = [], []
    try:
        for count, element in enumerate(ds):
            if count > n + 1:
                _fail(f"{what} does not end after one pass over its {n} examples: remove .repeat() "
                      "(model.fit runs the epochs for you).")
            if not isinstance(element, (tuple, list)) or len(element) != 2:
                _fail(f"each element of {what} should be a pair (images, labels); got {type(element).__name__}.")
            xb, yb = (np.asarray(t) for t in element)
            if xb.ndim == 3:
                _fail(f"{what} yields single images of shape {xb.shape}, not batches: add .batch(batch_size) "
                      "(after the augmentation map).")
            if xb.ndim != 4 or yb.ndim != 1 or len(xb) != len(yb):
                _fail(f"{what} yields images of shape {xb.shape} with labels of shape {yb.shape}; expected "
                      "batches (batch, height, width, channels) with one label per image.")
            xs.append(xb)
            ys.append(yb)
    except _Outcome:
        raise
    except Exception as e:
        _fail(f"iterating over {what} raised {_short(e)}")
    if not xs:
        _fail(f"{what} is empty.")
    x, y = np.concatenate(xs), np.concatenate(ys)
    order = np.argsort(y, kind="stable")
    return x[order].astype("float32"), y[order]


def epoch_change(ds, n=None):
    """Mean absolute pixel change between two passes over a dataset of (images, labels) batches.

    0 means both epochs showed exactly the same images: the augmentation is frozen (or absent).
    Works with shuffled datasets whose labels identify the examples (as the exercises' are).
    """
    n = n or 10**6
    a, _ = _epoch(ds, n)
    b, _ = _epoch(ds, n)
    if a.shape != b.shape:
        return float("nan")
    return float(np.abs(a - b).mean())


def _index_labels(n, offset=0):
    return np.arange(offset, offset + n, dtype="int64")


def _verdict_pipeline(ds, x, what, require_cache=False):
    """Shared by the pipeline exercises: is ds augmented anew every epoch? Returns a confirmation."""
    _need_dataset(ds, what)
    n = len(x)
    e1, y1 = _epoch(ds, n, what)
    e2, y2 = _epoch(ds, n, what)
    expected = np.arange(n)
    if len(y1) != n or not np.array_equal(np.sort(y1), expected):
        _fail(f"one epoch of {what} holds {len(y1)} examples whose labels are not the {n} labels passed in: "
              "keep each label with its image, and keep every example exactly once per epoch.")
    if e1.shape[1:] != x.shape[1:]:
        _fail(f"{what} changed the image shape from {x.shape[1:]} to {e1.shape[1:]}: augmentation must "
              "keep the shape.")
    change = float(np.abs(e1 - e2).mean())
    if np.abs(e1 - x).max() < 1e-6 and np.abs(e2 - x).max() < 1e-6:
        _fail(f"{what} shows the untouched original images: nothing is augmented. Map the augmentation "
              "over the dataset: ds.map(lambda img, label: (augmenter(img, training=True), label)).")
    if change < 1e-6:
        if _cache_after_map(ds):
            _fail(f"Both epochs show exactly the same 'random' images: cache() comes AFTER the random map, so "
                  "it stores the first epoch's augmented images and replays them. Put cache() before the map.")
        if any(_is_map(node) for node in _chain(ds)):
            _fail(f"Your map runs, yet both epochs show the same images: its random ops draw the same values "
                  "every epoch (stateful tf.random / tf.image.random_* ops with a global seed restart with each "
                  "epoch). Use the Keras layers, augmenter(img, training=True), inside the map.")
        _fail(f"Both epochs show exactly the same augmented images: the augmentation ran ONCE, before the "
              "dataset was built (static augmentation), so the model sees one fixed copy. Augment on the fly "
              "with ds.map(...) so every epoch draws new images.")
    cached = any(_is_cache(node) for node in _chain(ds))
    if require_cache and not cached:
        _fail(f"Every epoch is augmented anew, but {what} has no cache(): this exercise asks you to cache "
              "the clean data (before the random map) so it is not re-read every epoch.")
    extra = " The clean data are cached before the random map." if cached else ""
    return (f"every epoch draws new augmented images (mean pixel change between two epochs: {change:.3f}).{extra}")

