"""Input pipelines with tf.data: augmentation on the fly, per example, before batching.

The order of ``make_dataset`` is the lesson of step 5 in code::

    from_tensor_slices -> cache -> shuffle -> map(augment, AUTOTUNE) -> batch -> prefetch

- ``cache`` comes BEFORE the random map: cache after it and every epoch replays the same
  "random" images (``cache="after_augment"`` shows that mistake on purpose);
- the random map runs per example, so every image gets its own transform, in parallel;
- each example gets its own seed from ``tf.data.Dataset.random``, which draws a new sequence
  every epoch: new images each epoch, yet the same seed gives the same run;
- nothing is shuffled or augmented when ``training=False`` (validation, test, inference);
- augmentation runs in float32 under every dtype policy: the arrays are float32, and every Keras layer used to
  augment computes in float32 (``augment.in_float32``), also under ``mixed_float16`` on a GPU.
"""
import keras
import numpy as np
import tensorflow as tf

from . import augment as augment_lib
from .base import validate

AUTOTUNE = tf.data.AUTOTUNE
CACHE_CHOICES = (True, False, "after_augment")


def check_inputs(x, y=None, kind="photos"):
    """Validate a learner's arrays, as the ``kind`` of data says they are (never guessed from the shape).

    Images ('digits', 'photos', 'faces'): float (N, H, W, C) in [0, 1]. Series and spectrograms
    ('timeseries'): float (N, steps, channels). Both finite; labels one integer per example.
    """
    validate.one_of("kind", kind, augment_lib.KINDS + ("timeseries",), what="kind of data")
    x = validate.series(x) if kind == "timeseries" else validate.images(x)
    if y is not None:
        y = validate.labels(y, len(x))
    return x, y


def _apply_per_example(aug):
    """A tf.data map function (x, y, seed) -> (x, y) for any kind of augmentation."""
    if isinstance(aug, augment_lib.StatelessAugment):
        if aug.uses_labels:
            return lambda x, y, seed: aug(x, y, seed)
        return lambda x, y, seed: (aug(x, seed), y)
    if isinstance(aug, keras.layers.Layer):
        augment_lib.in_float32(aug)
        return lambda x, y, seed: (aug(x, training=True), y)
    return lambda x, y, seed: (aug(x), y)


def make_dataset(x, y, augment=None, batch_size=32, training=True, cache=True, seed=0, kind="photos",
                 where="example", batch_augment=None, num_classes=None, shuffle=None):
    """A batched, prefetched tf.data.Dataset of (image, label) pairs.

    augment:       None, a preset name ('standard'), a strength in [0, 1], an ImageAugment, a
                   LabelAwareFlip, or any Keras layer / function of one image.
    training:      True shuffles and augments; False does neither (use it for validation and test).
    cache:         True caches the clean data before the random map (right); "after_augment"
                   caches after it (wrong: freezes the augmentation; shown in lesson 5); False: no cache.
    seed:          seeds the shuffle and every example's augmentation.
    kind:          'digits', 'photos' or 'faces' for images (which presets suit them), or
                   'timeseries' for series and spectrograms shaped (N, steps, channels).
    where:         'example' (per example, before batching; the default), 'fused' (after batching, ONE
                   fused op per batch that still gives every image its own random transform: the
                   same augmentation, cheaper; needs an ImageAugment) or 'batch' (after batching,
                   with the Keras-layer form of the augmentation).
    batch_augment: 'mixup', 'cutmix' or a Keras layer that mixes examples within a batch; labels
                   become one-hot (pass num_classes).
    """
    x, y = check_inputs(x, y, kind)
    validate.positive_int(batch_size, "batch_size")
    validate.positive_int(seed, "seed", allow_zero=True)
    if cache not in CACHE_CHOICES:
        raise ValueError(f"cache must be True, False or 'after_augment'; got {cache!r}.")
    validate.one_of("where", where, ("example", "fused", "batch"), what="place to augment")
    aug = augment_lib.resolve(augment, kind)
    shuffle = training if shuffle is None else shuffle

    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if cache is True:
        ds = ds.cache()
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    if training and aug is not None and where == "example":
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
        ds = tf.data.Dataset.zip(ds, seeds).map(
            lambda xy, s: _apply_per_example(aug)(xy[0], xy[1], s), num_parallel_calls=AUTOTUNE)
    if cache == "after_augment":
        ds = ds.cache()
    ds = ds.batch(batch_size)
    if training and aug is not None and where == "fused":
        if not isinstance(aug, augment_lib.ImageAugment):
            raise TypeError(f"where='fused' needs an ImageAugment (a preset, strength or custom(...)); got "
                            f"{type(aug).__name__}. Use where='example' for other augmentations.")
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
        ds = tf.data.Dataset.zip(ds, seeds).map(lambda xy, s: (aug.batch(xy[0], s), xy[1]),
                                                num_parallel_calls=AUTOTUNE)
    if training and aug is not None and where == "batch":
        layer = aug.layers(seed=seed) if isinstance(aug, augment_lib.ImageAugment) else augment_lib.in_float32(aug)
        ds = ds.map(lambda xb, yb: (layer(xb, training=True), yb), num_parallel_calls=AUTOTUNE)
    if batch_augment is not None and training:
        ds = _add_batch_augment(ds, batch_augment, num_classes, seed)
    elif batch_augment is not None:
        ds = ds.map(lambda xb, yb: (xb, tf.one_hot(yb, num_classes)))
    return ds.prefetch(AUTOTUNE)


def _add_batch_augment(ds, batch_augment, num_classes, seed):
    if num_classes is None:
        raise ValueError("batch_augment mixes labels, so it needs num_classes (e.g. data.num_classes).")
    validate.positive_int(num_classes, "num_classes")
    if isinstance(batch_augment, str):
        validate.one_of("batch_augment", batch_augment, ("mixup", "cutmix"), what="batch augmentation")
        layer = augment_lib.mixup(seed=seed) if batch_augment == "mixup" else augment_lib.cutmix(seed=seed)
    else:
        layer = augment_lib.in_float32(batch_augment)

    def mix(xb, yb):
        out = layer({"images": xb, "labels": tf.one_hot(yb, num_classes)}, training=True)
        return out["images"], out["labels"]

    # One batch at a time: the layer draws from its own seed generator, whose state advances in call order, so a
    # parallel map would hand the draws to batches in a different order each run (same seed, other mixes).
    return ds.map(mix)


def augment_once(x, augment, seed=0, kind="photos"):
    """Apply an augmentation ONCE to every image and return a NumPy array (static augmentation).

    Training on this (instead of augmenting on the fly) shows the same "augmented" images every
    epoch: useful only to compare against doing it right.
    """
    x, _ = check_inputs(x, kind=kind)
    aug = augment_lib.resolve(augment, kind)
    if aug is None:
        return x.copy()
    if getattr(aug, "uses_labels", False):
        raise ValueError("augment_once cannot change labels; apply a LabelAwareFlip through make_dataset.")
    fn = _apply_per_example(aug)
    seeds = tf.data.Dataset.random(seed=seed).batch(2)
    ds = tf.data.Dataset.zip(tf.data.Dataset.from_tensor_slices(x), seeds)
    ds = ds.map(lambda img, s: fn(img, 0, s)[0], num_parallel_calls=AUTOTUNE).batch(256)
    return np.concatenate([b.numpy() for b in ds])


def take_images(ds, n=8):
    """The first n images (and labels) of a dataset as NumPy arrays: a quick look at what the model sees."""
    xs, ys = [], []
    for xb, yb in ds.unbatch().take(n):
        xs.append(xb.numpy())
        ys.append(yb.numpy())
    return np.stack(xs), np.stack(ys)
