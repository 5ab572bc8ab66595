"""Exercise notebook 1, pipeline pitfalls: reference answers, contracts (properties), texts and hints.

q1 augment on the fly, not once; q2 cache() before the random map; q3 never augment validation data;
q4 one random value per example, not per batch.
"""
import keras
import numpy as np
import tensorflow as tf

from . import stats
from .core import Exercise, Property, call, fail, learner_error, message, need_callable, need_finite, read
from .measure import EPS, cache_properties, pipeline_inputs, pipeline_properties, read_pipeline


def digit_augmenter(seed=None):
    """The Keras augmentation the pipeline exercises use: a small rotation and shift, black fill.

    A keras.layers.Pipeline (not a Sequential model) works on one image or a batch alike.
    """
    return keras.layers.Pipeline([
        keras.layers.RandomRotation(0.05, fill_mode="constant", seed=seed),
        keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=seed),
    ], name="digit_augmenter")


augmenter = digit_augmenter()

# ------------------------------------------------------------------ reference answers


def make_train_ds(x, y, batch_size=8):
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    ds = ds.shuffle(len(x))
    # On the fly: the map runs again every epoch, so every epoch sees new random images.
    ds = ds.map(lambda img, label: (augmenter(img, training=True), label),
                num_parallel_calls=tf.data.AUTOTUNE)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def make_cached_ds(x, y, batch_size=8):
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    ds = ds.cache()                      # cache the CLEAN data ...
    ds = ds.shuffle(len(x))
    ds = ds.map(lambda img, label: (augmenter(img, training=True), label),
                num_parallel_calls=tf.data.AUTOTUNE)  # ... and augment AFTER the cache
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def make_datasets(x_train, y_train, x_val, y_val, batch_size=8):
    train_ds = make_train_ds(x_train, y_train, batch_size)
    # Validation: no augmentation (and no need to shuffle): it must measure the real images.
    val_ds = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(batch_size)
    return train_ds, val_ds


_RNG = "rng = tf.random.Generator.from_seed(0)  # one random state, moved on by every call (and every epoch)"
rng = tf.random.Generator.from_seed(0)


def augment_batch(images):
    # A fresh seed from the generator, then a seeded stateless draw of ONE brightness change PER IMAGE:
    # shape (batch, 1, 1, 1) broadcasts over each image's pixels.
    seed = rng.make_seeds(1)[:, 0]
    delta = tf.random.stateless_uniform([tf.shape(images)[0], 1, 1, 1], seed, -0.2, 0.2, dtype=images.dtype)
    return tf.clip_by_value(images + delta, 0.0, 1.0)


# ------------------------------------------------------------------ q1-q3: pipelines

BATCH = 6  # not the default 8: a function that ignores batch_size shows it


def _pipeline_run(name):
    """run(fn): call the learner's fn(x, y, BATCH) once on tagged images and read two epochs."""
    def run(fn, seed=0):
        need_callable(fn, name, "a function (x, y, batch_size) -> tf.data.Dataset")
        x, y, levels = pipeline_inputs()
        return read_pipeline(call(fn, x, y, BATCH, what=name), f"{name}'s dataset", x, y, levels, BATCH)
    return run


message("ex1.q1.correct", "all {n} properties hold: labels stay with their images, each example once per epoch in "
                      "batches of {batch}, and every epoch draws new images (mean pixel change between two "
                      "epochs: {change:.3f}).")
message("ex1.q2.correct", "all {n} properties hold: the clean data are cached, the random map runs after cache(), "
                      "and every epoch draws new images (mean pixel change between two epochs: {change:.3f}).")
message("ex1.q3.correct", "all {n} properties hold: val_ds shows each real validation image once with its label, and "
                      "train_ds draws new augmented images every epoch (mean change {change:.3f}).")


def _change(run):
    a, b = (run["epochs"][e][0][np.argsort(run["epochs"][e][1], kind="stable")] for e in range(2))
    return float(np.abs(a - b).mean())


Q1_PROPERTIES = pipeline_properties()
Q2_PROPERTIES = Q1_PROPERTIES[:5] + cache_properties() + Q1_PROPERTIES[5:]


def _run_datasets(fn, seed=0):
    what = "make_datasets"
    need_callable(fn, what, "a function (x_train, y_train, x_val, y_val, batch_size) -> (train_ds, val_ds)")
    x_tr, y_tr, lv_tr = pipeline_inputs(20)
    x_val, y_val, lv_val = pipeline_inputs(12, offset=100)
    out = call(fn, x_tr, y_tr, x_val, y_val, BATCH, what=what)
    problem = not isinstance(out, (tuple, list)) or len(out) != 2
    out = (None, None) if problem else out
    return dict(train=read_pipeline(out[0], "train_ds", x_tr, y_tr, lv_tr, BATCH),
                val=read_pipeline(out[1], "val_ds", x_val, y_val, lv_val, BATCH), pair_problem=problem)


message("val.pair", "make_datasets should return two datasets, (train_ds, val_ds).")
message("val.source", "val_ds holds {train} training examples (their labels came from y_train) and {val} of the "
                      "{n} validation examples: build it from x_val, y_val.")
message("val.changed", "val_ds shows {changed} of {n} validation images changed (largest pixel change "
                       "{largest:.3f}, expected 0): augmenting validation or test data makes their accuracy measure "
                       "images the model will never see. Leave val_ds unaugmented.")


def _pair(run):
    if run["pair_problem"]:
        fail("val.pair")


def _val_source(run):
    val = run["val"]
    if val["problem"] is None:
        y = val["epochs"][0][1]
        if (y < 100).any():
            fail("val.source", train=int((y < 100).sum()), val=int((y >= 100).sum()), n=len(val["y"]))


def _val_clean(run):
    """Each image of val_ds is one of the validation images, untouched (pairing is val_paired's business)."""
    val, x = run["val"], run["val"]["x"].reshape(len(run["val"]["x"]), -1)
    out = np.concatenate([val["epochs"][e][0] for e in range(2)]).reshape(-1, x.shape[1])
    change = np.abs(out[:, None] - x[None]).max(axis=2).min(axis=1)  # to the closest validation image
    if (change > 1e-3).any():
        fail("val.changed", changed=int((change > 1e-3).sum()), n=len(out), largest=float(change.max()))


_VAL = pipeline_properties("val_", after=("val_source",))
Q3_PROPERTIES = ((Property("two_datasets", "it returns two datasets, (train_ds, val_ds)", _pair), _VAL[0],
                  Property("val_source", "val_ds holds the validation examples, not training ones", _val_source,
                           requires=("val_dataset",)))
                 + _VAL[1:5]
                 + (Property("val_unaugmented", "val_ds shows the validation images unchanged", _val_clean,
                             requires=("val_dataset", "val_source")),)
                 + pipeline_properties("train_"))


# ------------------------------------------------------------------ q4: one random value per image

N4 = 200                 # images per batch: every rate below is measured on 200 draws
LIMIT4 = 0.2             # the asked range, +-0.2
BOTH_WAYS = stats.count_interval(N4, 0.5)   # how many of 200 changes are positive, for a correct answer
OUTER = 0.9 * LIMIT4     # 200 uniform draws all miss the outer tenth of one side with probability 0.9^200
COLLISIONS = 2           # float32 draws that coincide exactly: expected 0.003 pairs in 200; 3 or more: < 1e-8


def SIZES():
    """(question, property, draws, tolerance, false-rejection probability of a correct answer) for ex1."""
    lo, hi = BOTH_WAYS
    return [("q4", "both_ways", N4, f"{lo}..{hi} positive", stats.two_sided_miss(N4, 0.5, lo, hi)),
            ("q4", "spread", N4, f"max > {OUTER:.2f} and min < -{OUTER:.2f}", 2 * 0.9 ** N4),
            ("q4", "per_image / fresh / graph", N4, f"at most {COLLISIONS} coincident values",
             "< 1e-8 (Poisson, mean 0.003)")]


RGB4 = np.tile(np.array([0.3, 0.5, 0.7], "float32"), (50, 4, 4, 1))  # 50 colour images: one change for 3 channels


def _run_augment_batch(fn, seed=0):
    what = "augment_batch"
    need_callable(fn, what, "a function (images) -> images, on a whole batch")
    grey = np.full((N4, 4, 4, 1), 0.5, "float32")
    edges = np.concatenate([np.full((20, 4, 4, 1), 0.05, "float32"), np.full((20, 4, 4, 1), 0.95, "float32")])
    batch = tf.constant(np.concatenate([grey, edges]))
    first, second = call(fn, batch, what=what), call(fn, batch, what=what)
    rgb = call(fn, tf.constant(RGB4), what=f"{what} on RGB images")
    graph, graph_error = None, None
    try:  # two batches in one pass of a map: two calls of the traced function
        ds = tf.data.Dataset.from_tensor_slices(np.concatenate([grey, grey])).batch(N4).map(fn)
        graph = [np.asarray(b) for b in read(ds)]
    except BaseException as e:  # reported by the `graph` property, in its turn
        learner_error(e)
        graph_error = e
    return dict(first=first, second=second, rgb=rgb, shape=tuple(batch.shape), graph=graph, graph_error=graph_error)


message("ex1.q4.type", "augment_batch should return the batch of images as a tensor of shape {expected}; got {got}.")
message("ex1.q4.dtype", "augment_batch turned float32 images into {dtype}: keep the dtype of the images it gets "
                    "(dtype=images.dtype).")
message("ex1.q4.noise", "augment_batch changes the pixels of one image by different amounts (largest spread inside "
                    "one image {spread:.3f}, expected 0): that is noise. A brightness change adds ONE value to all "
                    "the pixels of an image.")
message("ex1.q4.channels", "on RGB images augment_batch changes the colour channels of one image by different "
                           "amounts (largest spread {spread:.3f}, expected 0): that shifts the colours. Draw one "
                           "value per image for all its pixels and channels, shape [batch, 1, 1, 1].")
message("ex1.q4.per_batch", "the {n} images of a batch got {distinct} different brightness changes (expected {n}): "
                        "draw one value per image, shape [batch, 1, 1, 1] with batch = tf.shape(images)[0].")
message("ex1.q4.range", "brightness changes reach {low:+.3f} .. {high:+.3f}; expected within -{limit} .. +{limit}.")
message("ex1.q4.one_way", "{positive} of {n} brightness changes are positive; a change drawn from -{limit} .. +{limit} "
                      "is positive about half the time ({lo} to {hi} of {n} for a correct answer).")
message("ex1.q4.narrow", "brightness changes reach only {low:+.3f} .. {high:+.3f}; changes drawn from -{limit} .. "
                     "+{limit} reach beyond +-{outer:.2f} on both sides.")
message("ex1.q4.same_call", "two calls gave the same brightness change to {same} of {n} images (expected at most "
                        "{allowed}): draw new random values on every call (no fixed seed).")
message("ex1.q4.clip", "on dark and light images the output reaches [{low:.2f}, {high:.2f}]: keep values in [0, 1] "
                   "with tf.clip_by_value(images, 0.0, 1.0).")
message("ex1.q4.graph", "augment_batch works on a tensor but not inside ds.map (graph mode): {error}. Use TensorFlow "
                    "ops (tf.shape, tf.random...), not NumPy or Python random.")
message("ex1.q4.graph_batch", "inside ds.map the {n} images of a batch got {distinct} different brightness changes "
                          "(expected {n}): a value drawn in Python (random.random(), NumPy) is drawn ONCE, when "
                          "the map is traced. Draw with TensorFlow ops.")
message("ex1.q4.graph_same", "inside ds.map two batches got the same brightness change for {same} of {n} images "
                         "(expected at most {allowed}): values drawn in Python are drawn once, when the map is "
                         "traced. Draw them with TensorFlow ops.")
message("ex1.q4.correct", "all {n} properties hold: one brightness change per image (spread {spread:.3f}, from "
                      "{low:+.3f} to {high:+.3f}), values kept in [0, 1], fresh on every call, "
                      "in eager and graph mode.")


def _returns(run):
    for out, expected in ((run["first"], run["shape"]), (run["second"], run["shape"]), (run["rgb"], RGB4.shape)):
        shape = getattr(out, "shape", None)
        if not (tf.is_tensor(out) or isinstance(out, np.ndarray)) or tuple(shape) != expected:
            got = f"{type(out).__name__} of shape {tuple(shape)}" if shape is not None else type(out).__name__
            fail("ex1.q4.type", expected=expected, got=got)
        need_finite(out, "augment_batch")


def _dtype4(run):
    dtype = run["first"].dtype
    name = getattr(dtype, "name", str(dtype))
    if name != "float32":
        fail("ex1.q4.dtype", dtype=name)


def _deltas(out):
    return np.asarray(out)[:N4].reshape(N4, -1).mean(axis=1) - 0.5


message("ex1.q4.unchanged", "augment_batch returned the images unchanged (largest change {change:.3f}): add a random "
                           "brightness change.")


def _changes(run):
    change = float(np.abs(np.asarray(run["first"]) - 0.5)[:N4].max())
    if change < EPS:
        fail("ex1.q4.unchanged", change=change)


def _one_value(run):
    spread = float(np.asarray(run["first"])[:N4].reshape(N4, -1).std(axis=1).max())
    if spread > 1e-4:
        fail("ex1.q4.noise", spread=spread)
    out = np.asarray(run["rgb"], "float32")
    change = np.where((out > EPS) & (out < 1 - EPS), out - RGB4, np.nan)  # clipped values aside (range's business)
    spread = float(np.nan_to_num(np.nanstd(change.reshape(len(change), -1), axis=1)).max())
    if spread > 1e-4:
        fail("ex1.q4.channels", spread=spread)


def _distinct(deltas):
    return len(np.unique(np.asarray(deltas, "float32")))


def _per_image(run):
    distinct = _distinct(_deltas(run["first"]))
    if distinct < N4 - COLLISIONS:
        fail("ex1.q4.per_batch", n=N4, distinct=distinct)


def _range(run):
    d = np.concatenate([_deltas(run["first"]), _deltas(run["second"])])
    if d.min() < -LIMIT4 - EPS or d.max() > LIMIT4 + EPS:
        fail("ex1.q4.range", low=float(d.min()), high=float(d.max()), limit=LIMIT4)


def _both_ways(run):
    positive = int((_deltas(run["first"]) > 0).sum())
    lo, hi = BOTH_WAYS
    if not lo <= positive <= hi:
        fail("ex1.q4.one_way", positive=positive, n=N4, limit=LIMIT4, lo=lo, hi=hi)


def _spread(run):
    d = _deltas(run["first"])
    if d.max() < OUTER or d.min() > -OUTER:
        fail("ex1.q4.narrow", low=float(d.min()), high=float(d.max()), limit=LIMIT4, outer=OUTER)


def _same(a, b):  # images whose changes coincide in two calls
    return int((np.abs(np.asarray(a) - np.asarray(b)) < 1e-7).sum())


def _fresh_call(run):
    same = _same(_deltas(run["first"]), _deltas(run["second"]))
    if same > COLLISIONS:
        fail("ex1.q4.same_call", same=same, n=N4, allowed=COLLISIONS)


def _clip(run):
    edges = np.asarray(run["first"])[N4:]
    if edges.min() < -EPS or edges.max() > 1 + EPS:
        fail("ex1.q4.clip", low=float(edges.min()), high=float(edges.max()))


def _graph(run):
    """Graph mode must behave as eager mode did: whatever held eagerly must hold in the map too."""
    if run["graph_error"] is not None:
        fail("ex1.q4.graph", error=str(run["graph_error"]).strip().splitlines()[-1][:200])
    eager = _deltas(run["first"]), _deltas(run["second"])
    graph = [_deltas(b) for b in run["graph"]]
    distinct = _distinct(graph[0])
    if _distinct(eager[0]) >= N4 - COLLISIONS > distinct:
        fail("ex1.q4.graph_batch", n=N4, distinct=distinct)
    same = _same(*graph)
    if _same(*eager) <= COLLISIONS < same:
        fail("ex1.q4.graph_same", same=same, n=N4, allowed=COLLISIONS)


BATCH4 = ("returns_batch",)
Q4_PROPERTIES = (
    Property("returns_batch", "it returns a tensor of numbers of the same shape", _returns),
    Property("dtype", "the dtype (float32) is kept", _dtype4, requires=BATCH4),
    Property("changes", "it changes the brightness", _changes, requires=BATCH4),
    Property("brightness", "all the pixels and channels of one image change by the same amount", _one_value,
             requires=BATCH4),
    Property("per_image", "each image gets its own random value", _per_image, "statistical", ("changes",)),
    Property("range", "the changes stay within -0.2 .. +0.2", _range, requires=BATCH4),
    Property("both_ways", "the changes go both ways, about half of them up", _both_ways, "statistical",
             ("per_image",)),
    Property("spread", "the changes fill the range -0.2 .. +0.2", _spread, "statistical", ("per_image",)),
    Property("fresh", "every call draws new values", _fresh_call, "statistical", ("per_image",)),
    Property("value_range", "values stay in [0, 1]", _clip, requires=BATCH4),
    Property("graph", "it behaves the same inside ds.map (graph mode)", _graph, "statistical"),
)


def _q4_correct(run):
    d = _deltas(run["first"])
    return "ex1.q4.correct", dict(n=len(Q4_PROPERTIES), spread=float(d.std()), low=float(d.min()), high=float(d.max()))


def _pipeline_correct(template, n, key=None):
    def confirm(run):
        r = run[key] if key else run
        return template, dict(n=n, batch=BATCH, change=_change(r))
    return confirm


QUESTIONS = (
    Exercise("q1", "augment on the fly, not once", _pipeline_run("make_train_ds"), Q1_PROPERTIES,
             ("Which code runs again at every epoch: the code before tf.data.Dataset.from_tensor_slices, or the "
              "functions the dataset maps? Labels must travel with their images all the way.",
              "Build the dataset from the CLEAN pairs (x, y), shuffle it, map a function of (image, label) that "
              "calls the augmenter while training, and batch with the batch_size you were given."),
             [make_train_ds], _pipeline_correct("ex1.q1.correct", len(Q1_PROPERTIES))),
    Exercise("q2", "cache() before the random map", _pipeline_run("make_cached_ds"), Q2_PROPERTIES,
             ("cache() replays whatever reaches it during the first epoch. What should it replay: the clean "
              "images, or the random ones?",
              "Order the steps: read the pairs, cache, shuffle (so the order still changes), then the random map, "
              "then batch."),
             [make_cached_ds], _pipeline_correct("ex1.q2.correct", len(Q2_PROPERTIES))),
    Exercise("q3", "never augment validation data", _run_datasets, Q3_PROPERTIES,
             ("Validation accuracy should measure the images the model will really meet. Which of the two "
              "datasets needs augmenting, and which must stay as it is?",
              "The training dataset is the one you built in Exercise 1. The validation one needs only to be "
              "read from its own arrays and batched."),
             [make_datasets], _pipeline_correct("ex1.q3.correct", len(Q3_PROPERTIES), key="train")),
    Exercise("q4", "one random value per example, not per batch", _run_augment_batch, Q4_PROPERTIES,
             ("How many random numbers does your op draw for a whole batch? A brightness change needs exactly "
              "one per image, and new ones every call and every epoch.",
              "Draw a tensor of random changes whose shape has the batch size first and 1 for every other axis, "
              "so it broadcasts over each image; clip the result. For fresh values in every epoch of a map, "
              "take seeds from a tf.random.Generator and use a seeded stateless op."),
             [_RNG, augment_batch], _q4_correct),
)
