"""What the checks measure with: small data, and the properties of a tf.data training pipeline.

The pipeline exercises (ex1 q1-q3) feed the learner's function TAGGED images: each is the same asymmetric
shape (an "F") drawn at its own grey level on black, and its label is its index. Rotations, shifts and zooms
move the shape but keep the level of its inside (bilinear interpolation of a flat region is flat), so the
brightest pixel of any augmented image says which image it was: a label is "paired" when the level of its
image is the level of that label. This is exact: a correct pipeline pairs every label, every time.
"""
from functools import lru_cache

import numpy as np
import tensorflow as tf

from .. import data
from .core import Outcome, Property, describe_error, fail, message

EPS = 1e-4  # pixel values closer than this are "the same"


@lru_cache(maxsize=1)
def _digits():
    return data.load("digits", seed=0)


def check_images(n=16, split="train"):
    """n digit images (float32, 16x16x1) from the split, and their true labels."""
    d = _digits()
    x, y = (d.x_train, d.y_train) if split == "train" else (d.x_val, d.y_val)
    return x[:n].copy(), y[:n].copy()


def digit(label):
    """The first training image of a digit."""
    d = _digits()
    return d.x_train[np.flatnonzero(d.y_train == label)[0]]


def tagged_images(n, low=0.40, high=0.95, size=16):
    """n images of one "F" shape, image i at its own grey level (float32, size x size x 1), and the levels."""
    shape = np.zeros((size, size), "float32")
    shape[3:13, 4:8] = 1.0    # the stem
    shape[3:7, 4:13] = 1.0    # the top bar
    shape[8:11, 4:11] = 1.0   # the middle bar
    levels = np.linspace(low, high, n).astype("float32")
    return (levels[:, None, None] * shape)[..., None], levels


# ------------------------------------------------------------------ reading a dataset

message("ds.none", "{what} returned None, not a tf.data.Dataset: did you forget `return ds`?")
message("ds.array", "{what} returned an array, not a tf.data.Dataset: build one with "
                    "tf.data.Dataset.from_tensor_slices((x, y)).")
message("ds.type", "{what} should return one tf.data.Dataset; got {got}.")
message("ds.endless", "{what} does not end after one pass over its {n} examples (measured more than {batches} "
                      "batches): remove .repeat() (model.fit runs the epochs for you).")
message("ds.element", "each element of {what} should be a pair (images, labels); got {got}.")
message("ds.unbatched", "{what} yields single images of shape {shape}, not batches: add .batch(batch_size).")
message("ds.shapes", "{what} yields images of shape {shape} with labels of shape {labels}; expected batches "
                     "(batch, height, width, channels) with one label per image.")
message("ds.empty", "{what} is empty.")


def need_dataset(ds, what):
    if ds is None:
        fail("ds.none", what=what)
    if isinstance(ds, np.ndarray) or tf.is_tensor(ds):
        fail("ds.array", what=what)
    if not isinstance(ds, tf.data.Dataset):
        fail("ds.type", what=what, got=type(ds).__name__)


def read_epoch(ds, n, what):
    """One pass: (images as float32, labels in the order seen, batch sizes, image dtype)."""
    xs, ys = [], []
    try:
        for count, element in enumerate(ds):
            if count > n + 1:
                fail("ds.endless", what=what, n=n, batches=n + 1)
            if not isinstance(element, (tuple, list)) or len(element) != 2:
                fail("ds.element", what=what, got=type(element).__name__)
            xb, yb = element
            dtype = xb.dtype.name if hasattr(xb, "dtype") else type(xb).__name__
            xb, yb = np.asarray(xb), np.asarray(yb)
            if xb.ndim == 3:
                fail("ds.unbatched", what=what, shape=xb.shape)
            if xb.ndim != 4 or yb.ndim != 1 or len(xb) != len(yb):
                fail("ds.shapes", what=what, shape=xb.shape, labels=yb.shape)
            xs.append(xb)
            ys.append(yb)
    except Outcome:
        raise
    except Exception as e:
        fail("core.raised", what=f"iterating over {what}", error=describe_error(e))
    if not xs:
        fail("ds.empty", what=what)
    return np.concatenate(xs).astype("float32"), np.concatenate(ys), [len(b) for b in ys], dtype


def chain(ds):
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


def _kind(node, name):
    return name in type(node).__name__


def epoch_changes(ds, n=None):
    """The mean absolute pixel change of EACH image between two passes over a dataset of (images, labels)
    batches, in label order: one number per image (pair them with another pipeline's, image by image).

    0 means both epochs showed exactly that image again: the augmentation is frozen (or absent).
    Works with shuffled datasets whose labels identify the examples (as the exercises' are).
    """
    n = n or 10**6
    a, ya, _, _ = read_epoch(ds, n, "the dataset")
    b, yb, _, _ = read_epoch(ds, n, "the dataset")
    if a.shape != b.shape:
        return np.full(len(a), np.nan, dtype="float64")
    diff = np.abs(a[np.argsort(ya, kind="stable")] - b[np.argsort(yb, kind="stable")])
    return diff.reshape(len(diff), -1).mean(axis=1).astype("float64")


def epoch_change(ds, n=None):
    """Mean absolute pixel change between two passes over a dataset (the mean of ``epoch_changes``)."""
    return float(epoch_changes(ds, n).mean())


# ------------------------------------------------------------------ a training pipeline, measured

def pipeline_inputs(n=20, offset=0):
    """n tagged images, their labels (offset, offset + 1, ...) and their grey levels."""
    x, levels = tagged_images(n)
    return x, np.arange(offset, offset + n, dtype="int64"), levels


def read_pipeline(ds, what, x, y, levels, batch_size):
    """Read two epochs of the learner's dataset; keep any problem for the `dataset` property to report."""
    out = dict(ds=ds, what=what, x=x, y=y, levels=levels, batch_size=batch_size, problem=None)
    try:
        need_dataset(ds, what)
        out["epochs"] = [read_epoch(ds, len(x), what) for _ in range(2)]
    except Outcome as o:
        out["problem"] = o
    return out


def by_label(run, epoch):
    """Images of one epoch in label order (None if an example is missing or repeated)."""
    x, y, _, _ = run["epochs"][epoch]
    if len(y) != len(run["y"]) or not np.array_equal(np.sort(y), run["y"]):
        return None
    return x[np.argsort(y, kind="stable")]


message("pipe.once", "one epoch of {what} holds {got} examples with {distinct} distinct labels; expected each "
                     "of the {n} examples exactly once (keep each label with its image; no filter, take or "
                     "drop_remainder).")
message("pipe.batch", "{what} was called with batch_size={asked} and gave batches of {got}: use the "
                      "batch_size argument, .batch(batch_size).")
message("pipe.dtype", "{what} gives {dtype} images of shape {shape} with values in [{low:.2f}, {high:.2f}]; "
                      "expected float32 images of shape {expected} with values in [0, 1], as passed in.")
message("pipe.paired", "in {what}, {paired} of {n} labels still belong to their image (measured by each image's "
                       "grey level); expected all {n}. Images and labels were separated: shuffle, map and batch "
                       "the (image, label) PAIRS of one from_tensor_slices((x, y)).")
message("pipe.untouched", "{what} shows the original images: {changed} of {n} differ from the input; expected "
                          "all. Map the augmentation over the dataset: ds.map(lambda img, label: "
                          "(augmenter(img, training=True), label)).")
message("pipe.frozen.cache", "{same} of {n} images are identical in two epochs (expected 0): cache() stores what "
                             "a random map produced in the first epoch, and replays it. Put cache() before the "
                             "random map.")
message("pipe.frozen.static", "{same} of {n} images are identical in two epochs (expected 0), and the pipeline "
                              "has no map: the augmentation ran ONCE, before the dataset was built (static "
                              "augmentation). Augment on the fly, with ds.map(...).")
message("pipe.frozen.map", "{same} of {n} images are identical in two epochs (expected 0), although the pipeline "
                           "maps a function: its random values are the same every epoch (a fixed seed, or a "
                           "value drawn once in Python). Use augmenter(img, training=True) inside the map.")
message("pipe.order", "both epochs of {what} show the examples in the same order: shuffle the dataset "
                      "(.shuffle(len(x)) reshuffles every epoch), after any cache().")


def _problem(run):
    if run["problem"] is not None:
        raise run["problem"]


def _once(run):
    for epoch in range(2):
        _, y, _, _ = run["epochs"][epoch]
        if by_label(run, epoch) is None:
            fail("pipe.once", what=run["what"], got=len(y), distinct=len(np.unique(y)), n=len(run["y"]))


def _batch(run):
    sizes, b, n = run["epochs"][0][2], run["batch_size"], len(run["y"])
    expected = [b] * (n // b) + ([n % b] if n % b else [])
    if sizes != expected:
        fail("pipe.batch", what=run["what"], asked=b, got=sorted(set(sizes), reverse=True))


def _dtype(run):
    x, _, _, dtype = run["epochs"][0]
    if dtype != "float32" or x.shape[1:] != run["x"].shape[1:] or x.min() < -EPS or x.max() > 1 + EPS:
        fail("pipe.dtype", what=run["what"], dtype=dtype, shape=x.shape[1:], low=float(x.min()),
             high=float(x.max()), expected=run["x"].shape[1:])


def _paired(run):
    for epoch in range(2):
        x, y, _, _ = run["epochs"][epoch]
        level = x.reshape(len(x), -1).max(axis=1)
        nearest = np.abs(level[:, None] - run["levels"][None]).argmin(axis=1)
        paired = int((nearest == y - run["y"][0]).sum())
        if paired < len(y):
            fail("pipe.paired", what=run["what"], paired=paired, n=len(y))


def _augmented(run):
    x = by_label(run, 0)
    changed = int((np.abs(x - run["x"]).reshape(len(x), -1).max(axis=1) > EPS).sum())
    if changed < len(x):
        fail("pipe.untouched", what=run["what"], changed=changed, n=len(x))


def _fresh(run):
    _augmented(run)
    a, b = by_label(run, 0), by_label(run, 1)
    same = int((np.abs(a - b).reshape(len(a), -1).max(axis=1) <= EPS).sum())
    if same == 0:
        return
    nodes = chain(run["ds"])
    caches = [i for i, node in enumerate(nodes) if _kind(node, "CacheDataset")]
    maps = [i for i, node in enumerate(nodes) if _kind(node, "MapDataset")]
    if caches and maps and max(maps) > min(caches):  # a map upstream of a cache
        fail("pipe.frozen.cache", what=run["what"], same=same, n=len(a))
    if not maps:
        fail("pipe.frozen.static", what=run["what"], same=same, n=len(a))
    fail("pipe.frozen.map", what=run["what"], same=same, n=len(a))


def _order(run):
    if np.array_equal(run["epochs"][0][1], run["epochs"][1][1]):
        fail("pipe.order", what=run["what"])


def pipeline_properties(prefix="", after=()):
    """The contract of a training pipeline (ex1 q1-q3), each reading the output of read_pipeline; `after`: ids
    of properties every property but the first can only be measured after."""
    def get(fn):
        return (lambda out: fn(out[prefix.rstrip("_")])) if prefix else fn

    first = (f"{prefix}dataset",) + tuple(after)
    return (
        Property(f"{prefix}dataset", "it returns a finite tf.data.Dataset of (images, labels) batches", get(_problem)),
        Property(f"{prefix}each_once", "each example appears exactly once per epoch", get(_once), requires=first),
        Property(f"{prefix}batch_size", "the batch_size argument is honoured", get(_batch), requires=first),
        Property(f"{prefix}dtype_range", "images stay float32, of the same shape, in [0, 1]", get(_dtype),
                 requires=first),
        Property(f"{prefix}paired", "labels stay paired with their images", get(_paired), requires=first),
        Property(f"{prefix}fresh", "every image is augmented, with fresh randomness every epoch", get(_fresh),
                 requires=first + (f"{prefix}each_once",)),
        Property(f"{prefix}shuffled", "the order of the examples changes every epoch", get(_order), requires=first),
    )
