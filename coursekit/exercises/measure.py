"""What the checks measure with: small data, and the properties of a tf.data training pipeline.

The pipeline exercises (ex1 q1-q3) feed the learner's function TAGGED images: each is the same asymmetric
shape (an "F") drawn at its own grey level on black. Their labels are a shuffle in which no label equals its
image's index, so a pipeline that makes up its own labels (0, 1, 2, ...) cannot pass. Rotations, shifts and
zooms move the shape but keep the level of its inside (bilinear interpolation of a flat region is flat), so the
brightest pixel of any augmented image says which image it was: a label is "paired" when the level of its
image is the level of that label. This is exact: a correct pipeline pairs every label, every time. A pipeline
that changes brightness or contrast moves that level off every input's: the check says so, instead of calling
the labels separated.
"""
import numpy as np
import tensorflow as tf

from .core import Outcome, Property, describe_error, fail, learner_error, message, need_finite, read
from .fixtures import check_images, digit, letter_f  # noqa: F401  (check_images, digit: where they were)

EPS = 1e-4  # pixel values closer than this are "the same"


def tagged_images(n, low=0.40, high=0.95, size=16):
    """n images of one "F" shape, image i at its own grey level (float32, size x size x 1), and the levels."""
    shape = letter_f(size, top=3, left=4, height=10, width=9, middle=(5, 7))
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
        for count, element in enumerate(read(ds, limit=n + 3)):
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
    except BaseException as e:  # the learner's map may raise anything
        learner_error(e)
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
    """n tagged images (n even), their labels and their grey levels. The labels are offset + (7 i + 3) mod n: each
    of offset .. offset + n - 1 once, none at its own index i (7 i + 3 = i mod n has no solution for even n)."""
    x, levels = tagged_images(n)
    return x, (offset + (7 * np.arange(n) + 3) % n).astype("int64"), levels


def read_pipeline(ds, what, x, y, levels, batch_size):
    """Read two epochs of the learner's dataset; keep any problem for the `dataset` property to report."""
    out = dict(ds=ds, what=what, x=x, y=y, levels=levels, batch_size=batch_size, problem=None,
               x_by_label=x[np.argsort(y, kind="stable")])
    try:
        need_dataset(ds, what)
        out["epochs"] = [read_epoch(ds, len(x), what) for _ in range(2)]
    except Outcome as o:
        out["problem"] = o
    return out


def by_label(run, epoch):
    """Images of one epoch in label order (None if an example is missing or repeated)."""
    x, y, _, _ = run["epochs"][epoch]
    if len(y) != len(run["y"]) or not np.array_equal(np.sort(y), np.sort(run["y"])):
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
message("pipe.levels", "in {what}, the brightest pixel of {count} of {n} images matches the grey level of no input "
                       "image (measured {level:.3f}, nearest input {nearest:.3f}): the pipeline changes brightness "
                       "or contrast, and this check tells the images apart by their grey level, which the "
                       "augmenter you were given keeps (it only moves pixels). Map only that augmenter.")
message("pipe.tiny", "{what} changes {tiny} of {n} images by less than {limit} at every pixel: the augmenter you "
                     "were given turns and shifts the shape, which changes its edges far more. Map that "
                     "augmenter, not an augmentation of your own.")
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
    if sorted(sizes) != sorted(expected):  # in any order: shuffled batches may put the short one first
        fail("pipe.batch", what=run["what"], asked=b, got=sorted(set(sizes), reverse=True))


def _dtype(run):
    x, _, _, dtype = run["epochs"][0]
    need_finite(x, f"{run['what']} (its images)")
    if dtype != "float32" or x.shape[1:] != run["x"].shape[1:] or x.min() < -EPS or x.max() > 1 + EPS:
        fail("pipe.dtype", what=run["what"], dtype=dtype, shape=x.shape[1:], low=float(x.min()),
             high=float(x.max()), expected=run["x"].shape[1:])


LEVEL_TOLERANCE = 0.005  # the tagged levels are 0.029 apart; an interpolated flat region keeps its level to 1e-6


def _paired(run):
    for epoch in range(2):
        x, y, _, _ = run["epochs"][epoch]
        level = x.reshape(len(x), -1).max(axis=1)
        gap = np.abs(level[:, None] - run["levels"][None])
        nearest = gap.argmin(axis=1)
        off = gap.min(axis=1) > LEVEL_TOLERANCE
        if off.any():
            i = int(np.flatnonzero(off)[0])
            fail("pipe.levels", what=run["what"], count=int(off.sum()), n=len(y), level=float(level[i]),
                 nearest=float(run["levels"][nearest[i]]))
        paired = int((run["y"][nearest] == y).sum())
        if paired < len(y):
            fail("pipe.paired", what=run["what"], paired=paired, n=len(y))


VISIBLE = 0.1  # a turn or shift of the tagged shape changes some edge pixel by more, in all but ~0.3% of images


def _augmented(run):
    x = by_label(run, 0)
    largest = np.abs(x - run["x_by_label"]).reshape(len(x), -1).max(axis=1)
    changed = int((largest > EPS).sum())
    if changed < len(x):
        fail("pipe.untouched", what=run["what"], changed=changed, n=len(x))
    tiny = int((largest < VISIBLE).sum())
    if tiny > len(x) // 2:  # a correct answer: P(more than half of 20 tiny) < 1e-20
        fail("pipe.tiny", what=run["what"], tiny=tiny, n=len(x), limit=VISIBLE)


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
    """The order changes, or a shuffle that reshuffles every epoch runs after every cache(): shuffling a few
    batches (batch, cache, shuffle) gives the same order in two epochs 1 time in 4! = 24, and is still right."""
    if not np.array_equal(run["epochs"][0][1], run["epochs"][1][1]):
        return
    nodes = chain(run["ds"])
    caches = [i for i, node in enumerate(nodes) if _kind(node, "CacheDataset")]
    if any(_kind(node, "ShuffleDataset") and getattr(node, "_reshuffle_each_iteration", False)
           and all(i < c for c in caches) for i, node in enumerate(nodes)):
        return
    fail("pipe.order", what=run["what"])


message("cache.none", "{what} has no cache(): this exercise asks you to cache the clean data (before the random "
                      "map) so they are not re-read every epoch.")
message("cache.random", "what reaches cache() differs between two passes (mean pixel change {change:.3f}, "
                        "expected 0.000): a random map runs BEFORE cache(), so cache() freezes its first "
                        "results. Put cache() right after from_tensor_slices, and the random map after it.")


def _caches(run):
    return [node for node in chain(run["ds"]) if _kind(node, "CacheDataset")]


def _cached(run):
    if not _caches(run):
        fail("cache.none", what=run["what"])


def _pass(ds):
    """One pass over any dataset, as a sorted list of each element's bytes (order does not matter)."""
    return sorted(b"".join(np.asarray(t).tobytes() for t in tf.nest.flatten(e)) for e in read(ds))


def _cache_clean(run):
    for node in _caches(run):
        first, second = _pass(node._input_dataset), _pass(node._input_dataset)
        if first != second:
            a, b = (np.frombuffer(b"".join(p), "uint8").astype("float32") for p in (first, second))
            change = float(np.abs(a - b).mean() / 255) if a.shape == b.shape else float("nan")
            fail("cache.random", change=change)


def cache_properties():
    """What a pipeline that caches must also do (ex1 q2): cache, and cache what does not change."""
    return (
        Property("cached", "the pipeline caches the clean data with cache()", _cached, requires=("dataset",)),
        Property("cache_clean", "what cache() stores is the same on every pass (no random map before it)",
                 _cache_clean, requires=("dataset",)),
    )


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
