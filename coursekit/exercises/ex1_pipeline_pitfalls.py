"""Exercise notebook 1, pipeline pitfalls: its reference answers, checkers, texts and hints.

q1 augment on the fly, not once; q2 cache() before the random map; q3 never augment validation data;
q4 one random value per example, not per batch.
"""
import keras
import numpy as np
import tensorflow as tf

from .core import Exercise, _call, _fail, _need_callable, _short
from .measure import _epoch, _index_labels, _need_dataset, _verdict_pipeline, check_images

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


def augment_batch(images):
    # One random brightness change PER IMAGE: shape (batch, 1, 1, 1) broadcasts over its pixels.
    batch = tf.shape(images)[0]
    delta = tf.random.uniform([batch, 1, 1, 1], -0.2, 0.2, dtype=images.dtype)
    return tf.clip_by_value(images + delta, 0.0, 1.0)


# ------------------------------------------------------------------ ex1 checkers

def _check_pipeline_fn(fn, what, require_cache=False):
    """Build the learner's pipeline on 16 small images and judge two of its epochs."""
    _need_callable(fn, what, "a function (x, y, batch_size) -> tf.data.Dataset")
    x, _ = check_images(16)
    tf.random.set_seed(0)
    ds = _call(fn, x, _index_labels(len(x)), 8, what=what)
    _need_dataset(ds, what)
    return _verdict_pipeline(ds, x, f"{what}'s dataset", require_cache=require_cache)


def _check_train_ds(make_train_ds):
    return _check_pipeline_fn(make_train_ds, "make_train_ds")


def _check_cached_ds(make_cached_ds):
    return _check_pipeline_fn(make_cached_ds, "make_cached_ds", require_cache=True)


def _check_datasets(make_datasets):
    what = "make_datasets"
    _need_callable(make_datasets, what, "a function (x_train, y_train, x_val, y_val, batch_size) -> (train_ds, val_ds)")
    x_tr, _ = check_images(16, "train")
    x_val, _ = check_images(12, "val")
    y_tr, y_val = _index_labels(len(x_tr)), _index_labels(len(x_val), offset=100)
    tf.random.set_seed(0)
    out = _call(make_datasets, x_tr, y_tr, x_val, y_val, 8, what=what)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        _fail(f"make_datasets should return two datasets, (train_ds, val_ds); got {type(out).__name__}.")
    train_ds, val_ds = out
    _need_dataset(val_ds, "make_datasets (its val_ds)")
    v1, yv1 = _epoch(val_ds, len(x_val), "val_ds")
    v2, _ = _epoch(val_ds, len(x_val), "val_ds")
    if len(yv1) and (yv1 < 100).all():
        _fail("val_ds holds the TRAINING images (their labels came from y_train): build it from x_val, y_val.")
    if len(yv1) != len(x_val) or not np.array_equal(np.sort(yv1), y_val):
        _fail(f"val_ds should hold each of the {len(x_val)} validation examples once, with its label; "
              f"one pass gave {len(yv1)} examples with other labels.")
    if v1.shape[1:] != x_val.shape[1:]:
        _fail(f"val_ds changed the image shape from {x_val.shape[1:]} to {v1.shape[1:]}.")
    if np.abs(v1 - x_val).max() > 1e-6 or np.abs(v2 - x_val).max() > 1e-6:
        _fail("val_ds shows augmented (changed) validation images: augmenting validation or test data makes "
              "their accuracy measure something the model will never see. Leave val_ds unaugmented.")
    confirmation = _verdict_pipeline(train_ds, x_tr, "train_ds")
    return f"val_ds shows the real validation images, and train_ds: {confirmation}"


def _check_augment_batch(augment_batch):
    what = "augment_batch"
    _need_callable(augment_batch, what, "a function (images) -> images, on a whole batch")
    gray = tf.fill([8, 12, 12, 1], 0.5)
    tf.random.set_seed(0)
    out = _call(augment_batch, gray, what=what)
    try:
        out = np.asarray(out, dtype="float32")
    except Exception as e:
        _fail(f"augment_batch should return the batch of images as a tensor; got {type(out).__name__} ({_short(e)}).")
    if out.shape != tuple(gray.shape):
        _fail(f"augment_batch turned a batch of shape {tuple(gray.shape)} into shape {out.shape}: "
              "it must return images of the same shape.")
    if np.abs(out - 0.5).max() < 1e-6:
        _fail("augment_batch returned the images unchanged: add a random brightness change.")
    within = out.std(axis=(1, 2, 3))
    if within.max() > 1e-3:
        _fail("augment_batch changes the pixels of one image by different amounts (that is noise): a brightness "
              "change adds ONE value to all the pixels of an image.")
    shifts = out.mean(axis=(1, 2, 3)) - 0.5
    if shifts.std() < 1e-6:
        _fail(f"All 8 images of the batch got the same brightness change ({shifts[0]:+.3f}): the op drew ONE "
              "random value for the whole batch (tf.image.random_brightness does that on a batch). Draw one "
              "value per image, e.g. tf.random.uniform([batch, 1, 1, 1], -0.2, 0.2).")
    again = np.asarray(_call(augment_batch, gray, what=what), dtype="float32")
    if np.abs(again - out).max() < 1e-6:
        _fail("augment_batch gives the same brightness changes on every call: draw new random values each "
              "call (no fixed seed).")
    x, _ = check_images(8)
    dark_light = np.asarray(_call(augment_batch, tf.constant(x), what=what), dtype="float32")
    if dark_light.min() < -1e-6 or dark_light.max() > 1 + 1e-6:
        _fail(f"augment_batch pushed pixel values to [{dark_light.min():.2f}, {dark_light.max():.2f}]: keep them "
              "in [0, 1] with tf.clip_by_value(images, 0.0, 1.0).")
    try:
        ds = tf.data.Dataset.from_tensor_slices(x).batch(4).map(augment_batch)
        for _ in ds:
            pass
    except Exception as e:
        _fail(f"augment_batch works on a tensor but fails inside ds.map (graph mode): {_short(e)}. "
              "Use TensorFlow ops (tf.shape, tf.random.uniform), not NumPy.")
    return (f"each image of the batch gets its own brightness change (spread across the batch: "
            f"{shifts.std():.3f}), and it works inside tf.data.")



# ------------------------------------------------------------------ the questions

QUESTIONS = (
    Exercise("q1", "augment on the fly, not once", _check_train_ds,
             "Build the dataset from the CLEAN x, y and put the augmentation inside ds.map(...), "
             "calling augmenter(img, training=True). A map runs again every epoch; an array augmented "
             "before from_tensor_slices never changes.",
             [make_train_ds]),
    Exercise("q2", "cache() before the random map", _check_cached_ds,
             "cache() stores whatever reaches it during the first epoch and replays it. Put it right after "
             "from_tensor_slices, then shuffle, then map the augmentation, then batch.",
             [make_cached_ds]),
    Exercise("q3", "never augment validation data", _check_datasets,
             "Reuse make_train_ds for the training data. For validation, from_tensor_slices((x_val, y_val)) "
             "and .batch(batch_size): no map, no augmentation.",
             [make_datasets]),
    Exercise("q4", "one random value per example, not per batch", _check_augment_batch,
             "tf.image.random_brightness(images, 0.2) on a batch draws ONE delta for all the images. Draw "
             "the deltas yourself with shape [batch, 1, 1, 1] (batch = tf.shape(images)[0]), add, and clip.",
             [augment_batch]),
)
