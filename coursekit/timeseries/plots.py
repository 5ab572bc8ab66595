"""Pictures of time series: one series per class, and augmented versions of one series."""
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from ..base import validate
from .data import BASIC_MOTIONS_CHANNELS


def plot_classes(x, y, class_names, channels=None, title="One series of each class"):
    """One panel per class: the first series of that class, every channel (or those in ``channels``)."""
    x, y = np.asarray(x), np.asarray(y)
    channels = list(range(x.shape[2])) if channels is None else list(channels)
    names = BASIC_MOTIONS_CHANNELS if x.shape[2] == 6 else [f"channel {c}" for c in range(x.shape[2])]
    fig, axes = plt.subplots(1, len(class_names), figsize=(3.2 * len(class_names), 2.8), sharey=True, squeeze=False)
    for c, ax in enumerate(axes.flat):
        idx = np.flatnonzero(y == c)
        if len(idx):
            for ch in channels:
                ax.plot(x[idx[0], :, ch], lw=1, label=names[ch])
        ax.set_title(class_names[c])
        ax.set_xlabel("time step (0.1 s)")
        ax.grid(alpha=0.3)
    axes.flat[0].set_ylabel("sensor value")
    axes.flat[-1].legend(fontsize=7, loc="upper right")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_augmentations(series, augs, channel=0, seeds=(0, 1, 2), title=None):
    """One panel per augmentation: the original series (black) and its augmented versions, one seed each.

    augs: {name: augmentation}. channel: which channel to draw.
    """
    series = np.asarray(series, dtype="float32")
    if series.ndim != 2:
        raise ValueError(f"series must have shape (steps, channels); got shape {series.shape}.")
    validate.positive_int(channel, "channel", allow_zero=True)
    if channel >= series.shape[1]:
        raise ValueError(f"channel {channel} does not exist: the series has {series.shape[1]} channels.")
    cols = min(3, len(augs))
    rows = int(np.ceil(len(augs) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.6 * rows), squeeze=False)
    for ax, (name, aug) in zip(axes.flat, augs.items()):
        for s in seeds:
            ax.plot(aug(series, tf.constant([s, 7])).numpy()[:, channel], lw=1, alpha=0.8, label=f"seed {s}")
        ax.plot(series[:, channel], color="black", lw=1.5, label="original")
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("time step")
        ax.set_ylabel("value")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(augs):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.suptitle(title or f"Augmented versions of one series (channel {channel})")
    fig.tight_layout()
    return fig
