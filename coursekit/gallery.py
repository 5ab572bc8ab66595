"""Galleries of transforms: one row per transform, several random draws of each, side by side.

    ck.gallery.transform_grid(photo, {"flip": ck.augment.custom(flip="horizontal"),
                                      "hue": keras.layers.RandomHue(0.3, value_range=(0, 1), seed=0)})

Each transform may be anything ``coursekit.augment.resolve`` accepts: a preset name, a strength,
an ImageAugment (drawn with seeded stateless ops: the same seed, the same grid) or a Keras
layer / function of one image (called with ``training=True``).
"""
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from . import augment as augment_lib
from .base import validate


def draw(image, transform, n=5, seed=0, kind="photos"):
    """n random versions of one image (H, W, C) under one transform, as a list of NumPy arrays."""
    image = validate.images(image, name="image", batched=False)
    validate.positive_int(n, "n")
    validate.positive_int(seed, "seed", allow_zero=True)
    aug = augment_lib.resolve(transform, kind)
    if aug is None:
        return [image.copy() for _ in range(n)]
    if isinstance(aug, augment_lib.StatelessAugment):
        if aug.uses_labels:
            raise ValueError("draw shows image-only transforms; a label-changing one (LabelAwareFlip) needs labels.")
        seeds = tf.random.experimental.stateless_split(tf.constant([seed, 0], tf.int64), n)
        return [aug(tf.constant(image), s).numpy() for s in seeds]
    aug = augment_lib.in_float32(aug)  # a Keras layer computes in float32 under mixed_float16 too
    try:
        return [np.asarray(aug(tf.constant(image), training=True)) for _ in range(n)]
    except TypeError:  # a plain function of one image, without a training argument
        return [np.asarray(aug(tf.constant(image))) for _ in range(n)]


def transform_grid(image, transforms, n=5, seed=0, kind="photos", title="What each transform does"):
    """A figure: one row per transform, the original first, then n random versions.

    transforms: {row label: transform}, in the order the rows should appear.
    """
    if not isinstance(transforms, dict) or not transforms:
        raise TypeError("transforms must be a non-empty dict {label: transform}, e.g. {'flip': 'standard'}.")
    image = validate.images(image, name="image", batched=False)
    rows = {label: draw(image, t, n=n, seed=seed, kind=kind) for label, t in transforms.items()}
    fig, axes = plt.subplots(len(rows), n + 1, figsize=(1.5 * (n + 1) + 1.2, 1.5 * len(rows) + 0.6),
                             squeeze=False)
    for r, (label, versions) in enumerate(rows.items()):
        for c, img in enumerate([image] + versions):
            ax = axes[r, c]
            img = np.asarray(img, dtype="float32")  # matplotlib draws no float16
            if img.shape[-1] == 1:
                ax.imshow(img[..., 0], cmap="gray", vmin=0, vmax=1)
            else:
                ax.imshow(np.clip(img, 0, 1))
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title("original" if c == 0 else f"draw {c}", fontsize=9)
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
