"""Answers to the exercises, written as learners write them: wrong ones (each with the property it breaks) and
correct ones written differently from the reference solutions. tests/test_exercises.py runs them all.

WRONG[(notebook, question)] is a list of (name, answers, property id, subtle): `subtle` answers break ONLY that
property (every other property that can be measured holds).
ALTERNATIVES[(notebook, question)] is a list of (name, answers) that must pass.
"""
import random

import keras
import numpy as np
import tensorflow as tf

from coursekit import augment as ck_augment
from coursekit import exercises as E

S = E.solutions
aug = S.augmenter
rng = tf.random.Generator.from_seed(7)


def label_seeded(img, label):
    """A random rotation seeded by the example's label: the same angle for that image in every epoch."""
    seed = tf.stack([tf.cast(label, tf.int64), tf.constant(0, tf.int64)])
    return ck_augment.affine(img, degrees=tf.random.stateless_uniform([], seed, -15.0, 15.0), fill_mode="constant")


def pipeline(x, y, batch_size, pre=None, augment=True, cache=None, shuffle=True, post=None, batch=True):
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if pre:
        ds = pre(ds)
    if cache == "before":
        ds = ds.cache()
    if shuffle:
        ds = ds.shuffle(len(x))
    if cache == "after_shuffle":
        ds = ds.cache()
    if augment:
        ds = ds.map(lambda i, l: (aug(i, training=True), l))
    if cache == "after":
        ds = ds.cache()
    if post:
        ds = post(ds)
    return ds.batch(batch_size) if batch else ds


def static(x, y, batch_size=8, cache=None):
    return pipeline(np.asarray(aug(x, training=True)), y, batch_size, augment=False, cache=cache)


def unpaired(x, y, batch_size=8):
    xs = tf.data.Dataset.from_tensor_slices(x).shuffle(len(x)).map(lambda i: aug(i, training=True))
    return tf.data.Dataset.zip(xs, tf.data.Dataset.from_tensor_slices(y).shuffle(len(y))).batch(batch_size)


def duplicated(x, y, batch_size=8, **kw):
    """Example 0 twice, the last one never: pairs and batch sizes intact."""
    return pipeline(np.concatenate([x[:-1], x[:1]]), np.concatenate([y[:-1], y[:1]]), batch_size, **kw)


def next_label(y, label):
    """The label of the next example of y (the last one's: the first's): every image gets another's label."""
    at = tf.argmax(tf.cast(tf.equal(tf.constant(y), label), tf.int32))
    return tf.gather(tf.constant(np.roll(y, -1)), at)


def half(ds):
    return ds.map(lambda i, l: (tf.cast(i, tf.float16), l))


WRONG_Q1 = [
    ("static augmentation", lambda x, y, b=8: static(x, y, b), "fresh", True),
    ("no augmentation", lambda x, y, b=8: pipeline(x, y, b, augment=False), "fresh", False),
    ("training=False in the map", lambda x, y, b=8: pipeline(x, y, b, augment=False, post=lambda d: d.map(
        lambda i, l: (aug(i, training=False), l))), "fresh", False),
    ("random op seeded by the label", lambda x, y, b=8: pipeline(x, y, b, augment=False, post=lambda d: d.map(
        lambda i, l: (label_seeded(i, l), l))), "fresh", True),
    ("cache after the random map", lambda x, y, b=8: pipeline(x, y, b, cache="after", shuffle=False,
                                                               post=lambda d: d.shuffle(len(x))), "fresh", True),
    ("images and labels shuffled separately", unpaired, "paired", True),
    ("labels moved by one", lambda x, y, b=8: pipeline(x, y, b, post=lambda d: d.map(
        lambda i, l: (i, next_label(y, l)))), "paired", True),
    ("labels made from positions", lambda x, y, b=8: pipeline(x, np.arange(len(x)), b), "paired", True),
    ("a brightness change after the augmenter", lambda x, y, b=8: pipeline(x, y, b, post=lambda d: d.map(
        lambda i, l: (tf.clip_by_value(i + rng.uniform([], -0.1, 0.1), 0.0, 1.0), l))), "paired", True),
    ("its own faint noise instead of the augmenter", lambda x, y, b=8: pipeline(
        x, y, b, augment=False, post=lambda d: d.map(lambda i, l: (i + rng.uniform(tf.shape(i), 0.0, 0.004), l))),
     "fresh", True),
    ("a map that makes NaN", lambda x, y, b=8: pipeline(x, y, b, post=lambda d: d.map(
        lambda i, l: (i / tf.reduce_min(i), l))), "dtype_range", False),
    ("batch_size ignored", lambda x, y, batch_size=8: pipeline(x, y, 8), "batch_size", True),
    ("no shuffle", lambda x, y, b=8: pipeline(x, y, b, shuffle=False), "shuffled", True),
    ("float16 images", lambda x, y, b=8: pipeline(x, y, b, post=half), "dtype_range", True),
    ("one example twice, one missing", lambda x, y, b=8: duplicated(x, y, b), "each_once", True),
    ("unbatched", lambda x, y, b=8: pipeline(x, y, b, batch=False), "dataset", False),
    ("repeated", lambda x, y, b=8: S.make_train_ds(x, y, b).repeat(), "dataset", False),
    ("returns None", lambda x, y, b=8: None, "dataset", False),
    ("returns the array", lambda x, y, b=8: x, "dataset", False),
    ("returns a list", lambda x, y, b=8: [1, 2], "dataset", False),
    ("pairs are not pairs", lambda x, y, b=8: tf.data.Dataset.from_tensor_slices(x).batch(4), "dataset", False),
    ("empty", lambda x, y, b=8: pipeline(x, y, b).take(0), "dataset", False),
    ("labels of shape (batch, 1)", lambda x, y, b=8: pipeline(x, y[:, None], b), "dataset", False),
]

WRONG_Q2 = [
    ("no cache", S.make_train_ds, "cached", True),
    ("cache after the random map", lambda x, y, b=8: pipeline(x, y, b, cache="after"), "cache_clean", False),
    ("a random map before cache(), another after", lambda x, y, b=8: pipeline(
        x, y, b, pre=lambda d: d.map(lambda i, l: (aug(i, training=True), l)), cache="before"), "cache_clean", True),
    ("static augmentation, cached", lambda x, y, b=8: static(x, y, b, cache="before"), "fresh", True),
    ("cache after shuffle", lambda x, y, b=8: pipeline(x, y, b, cache="after_shuffle"), "shuffled", True),
    ("batch_size ignored", lambda x, y, batch_size=8: pipeline(x, y, 8, cache="before"), "batch_size", True),
    ("images and labels shuffled separately", lambda x, y, b=8: unpaired(x, y, b).cache(), "paired", False),
    ("labels moved by one", lambda x, y, b=8: pipeline(x, y, b, cache="before", post=lambda d: d.map(
        lambda i, l: (i, next_label(y, l)))), "paired", True),
    ("cache but no augmentation", lambda x, y, b=8: pipeline(x, y, b, cache="before", augment=False),
     "fresh", False),
    ("label-seeded op after cache", lambda x, y, b=8: pipeline(
        x, y, b, cache="before", augment=False, post=lambda d: d.map(lambda i, l: (label_seeded(i, l), l))),
     "fresh", True),
    ("float16 images", lambda x, y, b=8: pipeline(x, y, b, cache="before", post=half), "dtype_range", True),
    ("one example twice", lambda x, y, b=8: duplicated(x, y, b, cache="before"), "each_once", True),
    ("returns None", lambda x, y, b=8: None, "dataset", False),
    ("repeated", lambda x, y, b=8: S.make_cached_ds(x, y, b).repeat(), "dataset", False),
]


def datasets(train=S.make_train_ds, val=None):
    def make(x_train, y_train, x_val, y_val, batch_size=8):
        v = val(x_val, y_val, batch_size, x_train, y_train) if val else pipeline(x_val, y_val, batch_size,
                                                                                  augment=False, shuffle=False)
        return train(x_train, y_train, batch_size), v
    return make


def clean(x, y, b):
    return pipeline(x, y, b, augment=False, shuffle=False)


WRONG_Q3 = [
    ("one dataset", lambda *a: S.make_train_ds(a[0], a[1]), "two_datasets", False),
    ("val_ds None", datasets(val=lambda x, y, b, *_: None), "val_dataset", True),
    ("training data as validation", datasets(val=lambda x, y, b, xt, yt: clean(xt, yt, b)), "val_source", True),
    ("validation augmented", datasets(val=lambda x, y, b, *_: S.make_train_ds(x, y, b)), "val_unaugmented", True),
    ("validation images augmented once",
     datasets(val=lambda x, y, b, *_: clean(np.asarray(aug(x, training=True)), y, b)),
     "val_unaugmented", True),
    ("validation labels shuffled apart", datasets(val=lambda x, y, b, *_: tf.data.Dataset.zip(
        tf.data.Dataset.from_tensor_slices(x), tf.data.Dataset.from_tensor_slices(y).shuffle(len(y))).batch(b)),
     "val_paired", True),
    ("validation batch_size ignored", datasets(val=lambda x, y, b, *_: clean(x, y, 8)), "val_batch_size", True),
    ("validation float16", datasets(val=lambda x, y, b, *_: half(clean(x, y, b).unbatch()).batch(b)),
     "val_dtype_range", True),
    ("validation example twice", datasets(val=lambda x, y, b, *_: duplicated(x, y, b, augment=False, shuffle=False)),
     "val_each_once", True),
    ("validation and training swapped", lambda xt, yt, xv, yv, b=8: (clean(xv, yv, b), S.make_train_ds(xt, yt, b)),
     "val_source", False),
    ("train_ds None", datasets(train=lambda x, y, b: None), "train_dataset", True),
    ("training not augmented", datasets(train=lambda x, y, b: pipeline(x, y, b, augment=False)), "train_fresh", False),
    ("training augmented once", datasets(train=lambda x, y, b: static(x, y, b)), "train_fresh", True),
    ("training separately shuffled", datasets(train=unpaired), "train_paired", True),
    ("training batch_size ignored", datasets(train=lambda x, y, b: pipeline(x, y, 8)), "train_batch_size", True),
    ("training not shuffled", datasets(train=lambda x, y, b: pipeline(x, y, b, shuffle=False)), "train_shuffled", True),
    ("training float16", datasets(train=lambda x, y, b: pipeline(x, y, b, post=half)), "train_dtype_range", True),
    ("training example twice", datasets(train=lambda x, y, b: duplicated(x, y, b)), "train_each_once", True),
]


def per_batch(images):
    return tf.clip_by_value(tf.image.random_brightness(images, 0.2), 0.0, 1.0)


def uniform_delta(low=-0.2, high=0.2, clip=True, dtype=tf.float32):
    def augment_batch(images):
        delta = rng.uniform([tf.shape(images)[0], 1, 1, 1], low, high)
        out = images + delta
        return tf.cast(tf.clip_by_value(out, 0.0, 1.0) if clip else out, dtype)
    return augment_batch


def first_only(images):
    mask = tf.one_hot(0, tf.shape(images)[0])[:, None, None, None]
    return tf.clip_by_value(images + mask * rng.uniform([], -0.2, 0.2), 0.0, 1.0)


def two_values(images):
    two = rng.uniform([2], -0.2, 0.2)
    delta = tf.gather(two, tf.range(tf.shape(images)[0]) % 2)[:, None, None, None]
    return tf.clip_by_value(images + delta, 0.0, 1.0)


def skewed(images):
    """Changes up to +-0.2, but 80% of them up."""
    n = tf.shape(images)[0]
    size = rng.uniform([n, 1, 1, 1], 0.0, 0.2)
    sign = tf.where(rng.uniform([n, 1, 1, 1]) < 0.8, 1.0, -1.0)
    return tf.clip_by_value(images + sign * size, 0.0, 1.0)


def stateful_uniform(images):
    """The old reference answer: a stateful op, fresh on every call (also in a traced map)."""
    delta = tf.random.uniform([tf.shape(images)[0], 1, 1, 1], -0.2, 0.2)
    return tf.clip_by_value(images + delta, 0.0, 1.0)


def numpy_deltas(images):
    delta = np.random.uniform(-0.2, 0.2, (images.shape[0], 1, 1, 1)).astype("float32")
    return tf.clip_by_value(images + delta, 0.0, 1.0)


def traced_python(images):
    """Per image in eager mode; in a graph, Python draws ONE value when the function is traced."""
    n = images.shape[0] if tf.executing_eagerly() else 1
    delta = tf.constant([[[[random.uniform(-0.2, 0.2)]]] for _ in range(n)], tf.float32)
    return tf.clip_by_value(images + delta, 0.0, 1.0)


WRONG_Q4 = [
    ("one value per batch", per_batch, "per_image", True),
    ("no clipping", uniform_delta(clip=False), "value_range", True),
    ("unchanged", lambda b: b, "changes", True),
    ("noise", lambda b: tf.clip_by_value(b + tf.random.normal(tf.shape(b), stddev=0.1), 0, 1), "brightness", False),
    ("a brightness change plus faint noise", lambda b: tf.clip_by_value(
        b + rng.uniform([tf.shape(b)[0], 1, 1, 1], -0.195, 0.195) + rng.normal(tf.shape(b), stddev=0.002), 0, 1),
     "brightness", True),
    ("NumPy values drawn for up to 1000 images", lambda b: tf.clip_by_value(b + tf.constant(np.random.uniform(
        -0.2, 0.2, (1000, 1, 1, 1)), tf.float32)[:tf.shape(b)[0]], 0.0, 1.0), "graph", True),
    ("cropped", lambda b: b[:, :2], "returns_batch", False),
    ("a string", lambda b: "bright", "returns_batch", False),
    ("fixed stateless seed", lambda b: tf.clip_by_value(b + tf.random.stateless_uniform(
        [tf.shape(b)[0], 1, 1, 1], [1, 2], -.2, .2), 0, 1), "fresh", True),
    ("NumPy deltas", numpy_deltas, "graph", True),
    ("Python random, traced once", traced_python, "graph", True),
    ("float64 output", uniform_delta(dtype=tf.float64), "dtype", True),
    ("range +-0.5", uniform_delta(-0.5, 0.5), "range", True),
    ("range +-0.001", uniform_delta(-0.001, 0.001), "spread", True),
    ("one-sided range", uniform_delta(0.0, 0.2), "both_ways", False),
    ("80% of the changes up", skewed, "both_ways", True),
    ("only the first image changes", first_only, "per_image", False),
    ("two values shared by the batch", two_values, "per_image", False),
    ("one change per channel", lambda b: tf.clip_by_value(
        b + rng.uniform([tf.shape(b)[0], 1, 1, tf.shape(b)[-1]], -0.2, 0.2), 0.0, 1.0), "brightness", True),
    ("only the first channel changes", lambda b: tf.clip_by_value(b + rng.uniform([tf.shape(b)[0], 1, 1, 1], -0.2, 0.2)
                                                                  * tf.one_hot(0, tf.shape(b)[-1]), 0.0, 1.0),
     "brightness", True),
    ("NaN for dark images", lambda b: uniform_delta()(b) * tf.math.log(b - 0.05) / tf.math.log(b - 0.05),
     "returns_batch", False),
    ("pairs of images share a value", lambda b: tf.clip_by_value(b + tf.repeat(
        rng.uniform([tf.shape(b)[0] // 2, 1, 1, 1], -0.2, 0.2), 2, axis=0), 0.0, 1.0), "per_image", True),
]


def cached_map_batch(x, y, batch_size=8):
    """Cache, shuffle, batch, then augment whole batches (Keras layers draw per image)."""
    ds = tf.data.Dataset.from_tensor_slices((x, y)).cache().shuffle(len(x)).batch(batch_size)
    return ds.map(lambda i, l: (aug(i, training=True), l))


stateless_aug = ck_augment.custom(rotation=0.05, translation=0.1, fill_mode="constant")


def indices_then_gather(x, y, batch_size=8):
    """Shuffle indices, gather each pair, augment with coursekit's seeded stateless op and a Generator seed."""
    x, y = tf.constant(x), tf.constant(y)
    ds = tf.data.Dataset.range(len(x)).shuffle(len(x))
    ds = ds.map(lambda i: (stateless_aug(tf.gather(x, i), rng.make_seeds(1)[:, 0]), tf.gather(y, i)))
    return ds.batch(batch_size)


def separate_layers(x, y, batch_size=8):
    rot, shift = keras.layers.RandomRotation(0.05, fill_mode="constant"), keras.layers.RandomTranslation(0.1, 0.1)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), reshuffle_each_iteration=True)
    ds = ds.map(lambda i, l: (rot(i), l)).map(lambda i, l: (shift(i), l))  # preprocessing layers: on by default
    return ds.batch(batch_size, num_parallel_calls=tf.data.AUTOTUNE)


def cast_cache_augment(x, y, batch_size=8):
    """A deterministic map (a cast) before cache() is fine: what is cached is still the same every epoch."""
    ds = tf.data.Dataset.from_tensor_slices((x * 255, y)).map(lambda i, l: (tf.cast(i, tf.float32) / 255.0, l))
    ds = ds.cache().shuffle(len(x)).map(lambda i, l: (aug(i, training=True), l))
    return ds.batch(batch_size).prefetch(1)


def batch_cache_shuffle_batches(x, y, batch_size=8):
    """Batch, cache the clean batches, shuffle the BATCHES every epoch, augment them: the short batch can come first,
    and two epochs can show the batches in the same order."""
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size).cache().shuffle(8)
    return ds.map(lambda i, l: (aug(i, training=True), l))


ALT_Q1 = [("augment whole batches", lambda x, y, b=8: cached_map_batch(x, y, b)),
          ("shuffled indices, stateless op", indices_then_gather),
          ("two Keras layers, no training flag", separate_layers),
          ("batch, cache, shuffle the batches, augment", batch_cache_shuffle_batches)]
ALT_Q2 = [("cache, shuffle, batch, augment batches", cached_map_batch),
          ("a deterministic map before cache()", cast_cache_augment),
          ("cache() into memory, named", lambda x, y, b=8: pipeline(x, y, b, pre=lambda d: d.cache(""),
                                                                    post=lambda d: d.prefetch(2))),
          ("batch, cache, shuffle the batches, augment", batch_cache_shuffle_batches)]
ALT_Q3 = [("val prefetched", datasets(val=lambda x, y, b, *_: clean(x, y, b).prefetch(1))),
          ("train from the cached pipeline, val cached", datasets(train=cast_cache_augment,
                                                                  val=lambda x, y, b, *_: clean(x, y, b).cache())),
          ("val through an identity map", datasets(train=indices_then_gather, val=lambda x, y, b, *_: clean(
              x, y, b).map(lambda i, l: (tf.identity(i), l))))]

_bright = keras.layers.RandomBrightness(0.2, value_range=(0.0, 1.0))
_keras_seeds = keras.random.SeedGenerator(9)


def map_stateless(images):
    seeds = rng.make_seeds(tf.shape(images)[0])
    return tf.map_fn(lambda a: tf.clip_by_value(tf.image.stateless_random_brightness(a[0], 0.2, a[1]), 0.0, 1.0),
                     (images, tf.transpose(seeds)), fn_output_signature=tf.float32)


ALT_Q4 = [("a Generator's uniform", uniform_delta()),
          ("keras RandomBrightness", lambda images: _bright(images, training=True)),
          ("keras.random with a SeedGenerator", lambda images: keras.ops.clip(images + keras.random.uniform(
              (keras.ops.shape(images)[0], 1, 1, 1), -0.2, 0.2, seed=_keras_seeds), 0.0, 1.0)),
          ("map_fn of a seeded stateless op", map_stateless),
          ("stateful tf.random.uniform", stateful_uniform)]

# ------------------------------------------------------------------ ex2 q1

SWAP = tf.constant([0, 1, 2, 3, 4, 5, 9, 7, 8, 6], tf.int64)


def half_turn(rule, coin=lambda: rng.uniform([]) < 0.5, relabel=True):
    """Turn when rule(label) and the coin say so; relabel 6 <-> 9 if asked."""
    def augment_digit(image, label):
        label = tf.cast(label, tf.int64)
        turn = rule(label) & coin()
        image = tf.cond(turn, lambda: tf.image.rot90(image, 2), lambda: image)
        return image, (tf.where(turn, tf.gather(SWAP, label), label) if relabel else label)
    return augment_digit


def twins(label):
    return tf.reduce_any(label == tf.constant([0, 1, 6, 8, 9], tf.int64))


def content_seeded(image, label):
    """A different coin for every image, but the same one every epoch: seeded by the image's pixels."""
    seed = tf.stack([tf.cast(tf.reduce_sum(image) * 1e4, tf.int64), tf.constant(0, tf.int64)])
    return half_turn(twins, coin=lambda: tf.random.stateless_uniform([], seed) < 0.5)(image, label)


WRONG_EX2_Q1 = [
    ("turned, label kept", half_turn(twins, relabel=False), "labels_true", True),
    ("every digit turned, 6 <-> 9", half_turn(lambda l: tf.constant(True)), "others_kept", True),
    ("2s and 5s turned too", half_turn(lambda l: twins(l) | (l == 2) | (l == 5)), "others_kept", True),
    ("mirrored", lambda image, label: (tf.image.flip_left_right(image), label), "half_turn_only", False),
    ("7s mirrored at random", lambda image, label: _mirror_sevens(*S.augment_digit(image, label)), "half_turn_only",
     True),
    ("darkened", lambda image, label: (image * 0.5, label), "half_turn_only", False),
    ("never turns", lambda image, label: (image, label), "every_twin", False),
    ("0, 1 and 8 never turned", half_turn(lambda l: (l == 6) | (l == 9)), "every_twin", False),
    ("0 never turned, the others more often", half_turn(lambda l: twins(l) & (l != 0),
                                                        coin=lambda: rng.uniform([]) < 0.6), "every_twin", True),
    ("always turns", half_turn(twins, coin=lambda: tf.constant(True)), "probability", False),
    ("probability 0.1", half_turn(twins, coin=lambda: rng.uniform([]) < 0.1), "probability", True),
    ("Python random, frozen when traced", half_turn(twins, coin=lambda: tf.constant(random.random() < 0.5)),
     "every_twin", False),
    ("fixed stateless seed", half_turn(twins, coin=lambda: tf.random.stateless_uniform([], [3, 4]) < 0.5),
     "probability", False),
    ("coin seeded by the pixels", content_seeded, "fresh", True),
    ("NaN pixels", lambda image, label: (image / tf.reduce_max(image) * 0.0 / 0.0, label), "pairs", False),
    ("one argument", lambda image: image, "pairs", False),
    ("cropped", lambda image, label: (image[:4], label), "pairs", False),
    ("float label", lambda image, label: (image, tf.cast(label, tf.float32)), "pairs", False),
]

ALT_EX2_Q1 = [
    ("half-turn as two reversals, keras coin", lambda image, label: _reverse_turn(image, label)),
    ("a table of twins as a dict, tf.where", half_turn(twins)),
    ("a Generator and tf.switch_case", lambda image, label: _switch_turn(image, label)),
]

_seeds = keras.random.SeedGenerator(11)


def _mirror_sevens(image, label):
    flip = (label == 7) & (rng.uniform([]) < 0.5)
    return tf.cond(flip, lambda: tf.image.flip_left_right(image), lambda: image), label


def _reverse_turn(image, label):
    table = tf.constant([0, 1, -1, -1, -1, -1, 9, -1, 8, 6], tf.int64)
    new = tf.gather(table, tf.cast(label, tf.int64))
    turn = (new >= 0) & (keras.random.uniform([], seed=_seeds) < 0.5)
    return tf.where(turn, tf.reverse(image, axis=[0, 1]), image), tf.where(turn, new, tf.cast(label, tf.int64))


def _switch_turn(image, label):
    label = tf.cast(label, tf.int64)
    coin = rng.uniform([], 0, 2, tf.int64)
    new = tf.switch_case(tf.cast(label, tf.int32), [lambda d=d: tf.constant(d, tf.int64) for d in
                                                    (0, 1, -1, -1, -1, -1, 9, -1, 8, 6)])
    turn = (new >= 0) & (coin == 1)
    return tf.cond(turn, lambda: tf.image.rot90(image, 2), lambda: image), tf.where(turn, new, label)


# ------------------------------------------------------------------ ex2 q2

WRONG_EX2_Q2 = [
    ("strength 1", 1.0, "realistic", False),
    ("extreme", "extreme", "realistic", False),
    ("heavy", "heavy", "realistic", False),
    ("strength 0.3", 0.3, "realistic", True),
    ("rotations of +-90 degrees", ck_augment.custom(rotation=0.25, fill_mode="constant"), "realistic", True),
    ("zoom 50%", ck_augment.custom(zoom=0.5, fill_mode="constant"), "realistic", True),
    ("zero", 0, "visible", True),
    ("none", "none", "visible", True),
    ("strength 0.005", 0.005, "visible", True),
    ("strength 0.01", 0.01, "visible", True),
    ("unknown preset", "strong", "number", False),
    ("above 1", 2.0, "number", False),
    ("negative", -0.1, "number", False),
    ("a list", [0.1], "number", False),
    ("True", True, "number", False),
    ("a flip", ck_augment.custom(flip="horizontal", rotation=0.02), "no_flip", True),
]

ALT_EX2_Q2 = [("0.15", 0.15), ("light", "light"), ("0.05", 0.05),
              ("custom", ck_augment.custom(rotation=0.03, zoom=0.1, fill_mode="constant")), ("numpy", np.float32(0.12))]

# ------------------------------------------------------------------ ex2 q3


def noise_layer(add, default=None, clip=True, cast=None, on_when_false=False):
    """A RandomNoise layer whose training-time output is add(self, x)."""
    class Layer(keras.layers.Layer):
        def __init__(self, stddev=0.1, **kwargs):
            super().__init__(**kwargs)
            self.stddev = stddev
            self.seed_generator = keras.random.SeedGenerator(3)

        def call(self, x, training=default):
            if training is None if on_when_false else not training:
                return x
            out = add(self, x)
            out = keras.ops.clip(out, 0.0, 1.0) if clip else out
            return keras.ops.cast(out, cast) if cast else out
    Layer.__name__ = "RandomNoise"
    return Layer


def normal(self, x, stddev=None, shape=None):
    shape = keras.ops.shape(x) if shape is None else shape
    return keras.random.normal(shape, stddev=stddev or self.stddev, seed=self.seed_generator)


class IgnoresTraining(keras.layers.Layer):
    def __init__(self, stddev=0.1, **kwargs):
        super().__init__(**kwargs)
        self.stddev = stddev

    def call(self, x, training=None):
        return x + keras.random.normal(keras.ops.shape(x), stddev=self.stddev)


class NeedsScale(keras.layers.Layer):
    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)


class Keras2Style(keras.layers.Layer):
    """Calls the noise of keras.layers.GaussianNoise, which is off unless training=True: a correct answer."""
    def __init__(self, stddev=0.1, **kwargs):
        super().__init__(**kwargs)
        self.noise = keras.layers.GaussianNoise(stddev, seed=5)

    def call(self, x, training=None):
        return keras.ops.clip(self.noise(x, training=training), 0.0, 1.0)


WRONG_EX2_Q3 = [
    ("ignores training", IgnoresTraining, "off_at_inference", False),
    ("on with training=False", noise_layer(lambda s, x: x + normal(s, x), on_when_false=True),
     "off_at_inference", True),
    ("training=True by default", noise_layer(lambda s, x: x + normal(s, x), default=True), "off_by_default", True),
    ("never augments", noise_layer(lambda s, x: x), "augments", True),
    ("fixed stateless seed", noise_layer(lambda s, x: x + tf.random.stateless_normal(tf.shape(x), [1, 2],
                                                                                     stddev=s.stddev)), "fresh", True),
    ("no clipping", noise_layer(lambda s, x: x + normal(s, x), clip=False), "dtype_range", True),
    ("uint8 output", noise_layer(lambda s, x: x + normal(s, x), cast="uint8"), "dtype_range", False),
    ("NumPy noise", noise_layer(lambda s, x: x + np.random.normal(0, s.stddev, tuple(x.shape)).astype("float32")),
     "graph", True),
    ("one scalar for the whole batch", noise_layer(lambda s, x: x + normal(s, x, shape=())), "per_pixel", True),
    ("one value per image", noise_layer(lambda s, x: x + normal(s, x, shape=(keras.ops.shape(x)[0], 1, 1, 1))),
     "per_pixel", True),
    ("noise on the first channel only", noise_layer(lambda s, x: x + normal(s, x) * tf.one_hot(0, tf.shape(x)[-1])),
     "per_pixel", True),
    ("one noise per pixel shared by its channels", noise_layer(lambda s, x: x + normal(
        s, x, shape=tf.concat([tf.shape(x)[:-1], [1]], axis=0))), "per_pixel", True),
    ("NaN noise", noise_layer(lambda s, x: x + normal(s, x) / 0.0 * 0.0, clip=False), "augments", False),
    ("hard-coded stddev", noise_layer(lambda s, x: x + normal(s, x, stddev=0.1)), "stddev", True),
    ("variance as stddev", noise_layer(lambda s, x: x + normal(s, x, stddev=s.stddev ** 2)), "stddev", True),
    ("uniform noise", noise_layer(lambda s, x: x + keras.random.uniform(
        keras.ops.shape(x), -s.stddev * 3 ** 0.5, s.stddev * 3 ** 0.5, seed=s.seed_generator)), "gaussian", True),
    ("multiplicative noise", noise_layer(lambda s, x: x * (1 + normal(s, x))), "stddev", True),
    ("noise plus a brightness shift", noise_layer(lambda s, x: x + 0.02 + normal(s, x)), "centred", True),
    ("needs another argument", NeedsScale, "layer", False),
    ("a dict", dict, "layer", False),
    ("a function", lambda x: x, "layer", False),
]

ALT_EX2_Q3 = [
    ("stateful tf.random.normal", noise_layer(lambda s, x: x + tf.random.normal(tf.shape(x), stddev=s.stddev))),
    ("GaussianNoise inside", Keras2Style),
    ("a tf.random.Generator", noise_layer(lambda s, x: x + rng.normal(tf.shape(x), stddev=s.stddev))),
    ("an instance", S.RandomNoise(stddev=0.05)),
]

# ------------------------------------------------------------------ ex2 q4

L = keras.layers
faces_keras = L.Pipeline([L.RandomFlip("horizontal", seed=1), L.RandomRotation(0.02, seed=2)])

WRONG_EX2_Q4 = [
    ("digits flipped", (ck_augment.custom(flip="horizontal", rotation=0.03), S.faces_augment),
     "digits_not_mirrored", True),
    ("digits turned upside down", (ck_augment.custom(flip="vertical", rotation=0.03), S.faces_augment),
     "digits_not_mirrored", False),
    ("digits rotated +-90", (ck_augment.custom(rotation=0.25, fill_mode="constant"), S.faces_augment),
     "digits_realistic", True),
    ("digits zoomed 50%", (ck_augment.custom(zoom=0.5, fill_mode="constant"), S.faces_augment),
     "digits_realistic", True),
    ("digits untouched", ("none", S.faces_augment), "digits_changed", True),
    ("digits barely moved", (ck_augment.custom(rotation=0.002), S.faces_augment), "digits_changed", True),
    ("faces upside down too", (S.digits_augment, ck_augment.custom(flip="horizontal_and_vertical")),
     "faces_upright", True),
    ("faces turned all the way", (S.digits_augment, ck_augment.custom(flip="horizontal", rotation=0.5)),
     "faces_upright", True),
    ("faces never mirrored", (S.digits_augment, ck_augment.custom(rotation=0.05)), "faces_mirrored", True),
    ("faces always mirrored", (S.digits_augment, lambda img: tf.image.flip_left_right(img)), "faces_mirrored", True),
    ("a number out of range", (S.digits_augment, 3.5), "augmentations", False),
    ("an object", (S.digits_augment, object()), "augmentations", False),
    ("cropping", (S.digits_augment, lambda img: img[:3]), "augmentations", False),
    ("faces made NaN", (S.digits_augment, lambda img: img * float("nan")), "augmentations", False),
    ("a label-aware flip", (ck_augment.LabelAwareFlip({6: 9, 9: 6}), S.faces_augment), "augmentations", False),
]

ALT_EX2_Q4 = [
    ("light preset and Keras layers", ("light", faces_keras)),
    ("presets", ("light", "light")),
    ("Keras layers for digits, a function for faces",
     (L.Pipeline([L.RandomRotation(0.03, fill_mode="constant", seed=3),
                  L.RandomZoom(0.1, fill_mode="constant", seed=4)]),
      lambda img: tf.image.random_flip_left_right(img))),
]
