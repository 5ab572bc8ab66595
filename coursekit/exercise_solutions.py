"""Reference answers to the exercises in ``coursekit.exercises`` (``q.solution()`` prints them).

Each answer is real, working TensorFlow code and passes its own check; the tests make sure of it.
Peek only after you have tried: the checker's messages are meant to lead you there first.
"""
import keras
import tensorflow as tf


def digit_augmenter(seed=None):
    """The Keras augmentation the pipeline exercises use: a small rotation and shift, black fill.

    A keras.layers.Pipeline (not a Sequential model) works on one image or a batch alike.
    """
    return keras.layers.Pipeline([
        keras.layers.RandomRotation(0.05, fill_mode="constant", seed=seed),
        keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=seed),
    ], name="digit_augmenter")


augmenter = digit_augmenter()


# ------------------------------------------------------------------ ex1: pipeline pitfalls

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


# ------------------------------------------------------------------ ex2: choosing augmentations

def augment_digit(image, label):
    # After a half-turn: 0, 1, 8 stay themselves, 6 <-> 9; -1 means "never turn this digit".
    turned_label = tf.gather(tf.constant([0, 1, -1, -1, -1, -1, 9, -1, 8, 6], tf.int64),
                             tf.cast(label, tf.int64))
    turn = (turned_label >= 0) & (tf.random.uniform([]) < 0.5)
    image = tf.cond(turn, lambda: tf.image.rot90(image, 2), lambda: image)
    label = tf.where(turn, turned_label, tf.cast(label, tf.int64))
    return image, label


STRENGTH = 0.1


class RandomNoise(keras.layers.Layer):
    def __init__(self, stddev=0.1, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = stddev
        self.seed_generator = keras.random.SeedGenerator(seed)  # new numbers on every call

    def call(self, x, training=None):
        if not training:  # False AND None mean inference: return the input untouched
            return x
        noise = keras.random.normal(keras.ops.shape(x), stddev=self.stddev, seed=self.seed_generator)
        return keras.ops.clip(x + noise, 0.0, 1.0)


def _choices():
    from . import augment as ck_augment

    # Digits: geometry only. A mirrored or upside-down digit is no longer that digit.
    digits = ck_augment.custom(kind="digits", rotation=0.03, zoom=0.1, translation=0.08, fill_mode="constant")
    # Faces: a mirrored face is still a face; an upside-down face is not what the camera sees.
    faces = ck_augment.custom(kind="faces", flip="horizontal", rotation=0.03, zoom=0.1, brightness=0.1)
    return digits, faces


digits_augment, faces_augment = _choices()
