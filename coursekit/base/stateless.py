"""The protocol every coursekit augmentation follows: ``aug(x, seed)`` on ONE example.

``seed`` is a shape-[2] integer tensor and the same seed always gives the same output, so an
augmentation runs inside a parallel ``tf.data`` map and stays reproducible. Images, series and
spectrograms all implement it (``coursekit.images``, ``coursekit.timeseries``, ``coursekit.audio``).
"""
import tensorflow as tf


class StatelessAugment:
    """Base class: an augmentation that takes one example and a seed, ``aug(x, seed)``.

    Subclasses that must see (and may change) the label set ``uses_labels = True`` and
    take ``aug(x, y, seed)`` returning ``(x, y)``.
    """

    uses_labels = False

    def __call__(self, x, seed):  # pragma: no cover - interface
        raise NotImplementedError


def as_seed(seed):
    """A seed as the int64 tensor the stateless ops want."""
    return tf.cast(tf.convert_to_tensor(seed), tf.int64)


class Compose(StatelessAugment):
    """Apply several augmentations of one example in turn, each with its own seed split from the one given."""

    def __init__(self, *augs):
        if len(augs) == 1 and isinstance(augs[0], (list, tuple)):
            augs = tuple(augs[0])
        for a in augs:
            if not isinstance(a, StatelessAugment) or a.uses_labels:
                raise TypeError(f"Compose takes augmentations of one example such as Jitter(0.05); got {a!r}.")
        self.augs = tuple(augs)

    def __call__(self, x, seed):
        if not self.augs:
            return tf.convert_to_tensor(x)
        keys = tf.random.experimental.stateless_split(as_seed(seed), len(self.augs))
        for i, a in enumerate(self.augs):
            x = a(x, keys[i])
        return x

    def __repr__(self):
        return f"Compose({', '.join(repr(a) for a in self.augs)})"

    def describe(self):
        return " -> ".join(repr(a) for a in self.augs) or "no augmentation"
