"""Augmentations that change or mix labels: a label-aware flip, and Keras's MixUp, CutMix and RandAugment."""
import keras
import tensorflow as tf

from ..base import validate
from ..base.stateless import StatelessAugment
from .augment import F32


class LabelAwareFlip(StatelessAugment):
    """A flip (or half-turn) that knows which classes it changes.

    mapping: {class: class it becomes after the flip}. Classes missing from the mapping are
             never flipped. For digits turned by 180 degrees: {0: 0, 1: 1, 8: 8, 6: 9, 9: 6}.
    mode:    'horizontal', 'vertical' or 'rotate180'.
    """

    uses_labels = True
    MODES = ("horizontal", "vertical", "rotate180")

    def __init__(self, mapping, mode="horizontal", probability=0.5):
        if not isinstance(mapping, dict) or not mapping:
            raise TypeError("mapping must be a non-empty dict {class: class after the flip}, e.g. {6: 9, 9: 6, 0: 0}.")
        for k, v in mapping.items():
            validate.positive_int(k, "each class in mapping", allow_zero=True)
            validate.positive_int(v, "each class in mapping", allow_zero=True)
        self.mapping = dict(mapping)
        self.mode = validate.one_of("mode", mode, self.MODES, what="flip mode")
        self.probability = validate.fraction(probability, "probability")

    def __repr__(self):
        return f"LabelAwareFlip({self.mode}, mapping={self.mapping}, p={self.probability})"

    def flip(self, image):
        if self.mode == "horizontal":
            return tf.image.flip_left_right(image)
        if self.mode == "vertical":
            return tf.image.flip_up_down(image)
        return tf.image.rot90(image, 2)

    def __call__(self, image, label, seed):
        size = max(max(self.mapping), max(self.mapping.values())) + 1
        target = [self.mapping.get(c, -1) for c in range(size)]
        label = tf.cast(label, tf.int64)
        in_table = label < size
        new_label = tf.where(in_table, tf.gather(tf.constant(target, tf.int64), tf.minimum(label, size - 1)), -1)
        do_flip = (new_label >= 0) & (tf.random.stateless_uniform([], seed) < self.probability)
        image = tf.cond(do_flip, lambda: self.flip(image), lambda: image)
        return image, tf.where(do_flip, new_label, label)


def mixup(alpha=0.2, seed=None):
    """Keras's MixUp layer: blends pairs of images AND their one-hot labels (works on batches), in float32."""
    validate.fraction(alpha, "alpha", 0.0, 10.0)
    return keras.layers.MixUp(alpha=alpha, seed=seed, dtype=F32)


def cutmix(factor=1.0, seed=None):
    """Keras's CutMix layer: pastes a patch of one image into another, mixing labels by area (batches), in float32."""
    validate.fraction(factor, "factor", 0.0, 10.0)
    return keras.layers.CutMix(factor=factor, seed=seed, dtype=F32)


class ColourOnGray(keras.layers.Layer):
    """Run a colour-aware layer on grayscale images too: the channel is repeated to RGB, the layer applied,
    and the result averaged back to one channel. (Keras 3.13's RandAugment, Colab's in 2026, fails on one
    channel; 3.15's accepts it.) Images with 3 channels go straight through."""

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        self.layer = layer

    def call(self, images, training=None):
        if images.shape[-1] != 1:
            return self.layer(images, training=training)
        rgb = keras.ops.repeat(images, 3, axis=-1)
        return keras.ops.mean(self.layer(rgb, training=training), axis=-1, keepdims=True)

    def compute_output_shape(self, input_shape):
        return input_shape


def rand_augment(magnitude=0.5, num_ops=2, seed=None):
    """Keras's RandAugment: num_ops random operations at a given magnitude in [0, 1] (grayscale too), in float32."""
    validate.strength(magnitude, "magnitude")
    validate.positive_int(num_ops, "num_ops")
    return ColourOnGray(keras.layers.RandAugment(value_range=(0, 1), num_ops=num_ops, factor=magnitude, seed=seed,
                                                 dtype=F32), dtype=F32)
