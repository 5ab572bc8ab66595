"""Time series: the BasicMotions sensor dataset and augmentations that keep the label.

Data: ``load_basic_motions()`` reads the UEA archive's BasicMotions (a smartwatch's 3-D accelerometer
and 3-D gyroscope, 4 activities), shipped in ``coursekit/data_files/basic_motions`` (provenance,
licence and checksums in ``datasets/README.md``). ``read_ts`` reads any equal-length ``.ts`` file.

Augmentations work on ONE series shaped (steps, channels) with a seed, ``aug(x, seed)``, like
``coursekit.augment.ImageAugment``: pure TensorFlow stateless ops, so they run inside a ``tf.data``
map and on a GPU, and the same seed always gives the same output.

- ``Jitter(sigma)``            add Gaussian noise (sensor noise)
- ``Scaling(sigma)``           multiply each channel by one random factor near 1 (sensor gain)
- ``MagnitudeWarp(sigma, knots)`` multiply by a smooth random curve near 1 (drifting gain)
- ``TimeWarp(sigma, knots)``   speed up and slow down time smoothly (a faster or slower movement)
- ``WindowSlice(ratio)``       crop a random window and stretch it back to full length
- ``RandomRotation3D(...)``    rotate each xyz sensor as if the watch sat at another angle
- ``Compose(*augs)`` and ``preset(name)`` chain them.
"""
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tensorflow as tf

from .base import validate
from .augment import StatelessAugment

DATA_DIR = Path(__file__).with_name("data_files") / "basic_motions"
# In the archive's files: accelerometer x, y, z, then gyroscope x, y, z.
BASIC_MOTIONS_CHANNELS = ["acc x", "acc y", "acc z", "gyro x", "gyro y", "gyro z"]
PRESETS = ("none", "light", "standard", "heavy")


# ---------------------------------------------------------------- the .ts file format

def read_ts(path):
    """Read an equal-length ``.ts`` file (the sktime / aeon / UEA archive format).

    The format: comment lines start with '#', header lines with '@' (``@classLabel true A B C`` lists
    the classes), and after ``@data`` one line per series: its channels separated by ':', the values
    of a channel by ',', and the class label last. '?' marks a missing value (read as NaN).

    Returns ``(x, labels, class_names)``: x float32 shaped (examples, steps, channels), labels the
    class of each series as a string, class_names in the order the header lists them.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No .ts file at {path}.")
    class_names, series, labels, in_data = None, [], [], False
    with open(path, encoding="utf-8") as fh:
        for number, raw in enumerate(fh, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if not in_data:
                if line.lower().startswith("@classlabel"):
                    parts = line.split()
                    if len(parts) > 2 and parts[1].lower() == "true":
                        class_names = parts[2:]
                elif line.lower().startswith("@data"):
                    in_data = True
                elif not line.startswith("@"):
                    raise ValueError(f"{path.name}, line {number}: expected a header line starting with '@' "
                                     f"before @data; got {line[:40]!r}.")
                continue
            *channels, label = line.split(":")
            if not channels:
                raise ValueError(f"{path.name}, line {number}: a data line needs channels and a label "
                                 "separated by ':'.")
            try:
                values = [[np.nan if v == "?" else float(v) for v in ch.split(",")] for ch in channels]
            except ValueError:
                raise ValueError(f"{path.name}, line {number}: a value is not a number.") from None
            lengths = {len(v) for v in values}
            if len(lengths) != 1:
                raise ValueError(f"{path.name}, line {number}: channels have different lengths {sorted(lengths)}; "
                                 "only equal-length series are supported.")
            series.append(np.array(values, dtype="float32").T)  # (steps, channels)
            labels.append(label.strip())
    if not series:
        raise ValueError(f"{path.name} holds no series after @data.")
    shapes = {s.shape for s in series}
    if len(shapes) != 1:
        raise ValueError(f"{path.name}: series have different shapes {sorted(shapes)}; "
                         "only equal-length series are supported.")
    if class_names is None:
        class_names = sorted(set(labels))
    unknown = set(labels) - set(class_names)
    if unknown:
        raise ValueError(f"{path.name}: labels {sorted(unknown)} are not in the header's classes {class_names}.")
    return np.stack(series), labels, list(class_names)


def load_basic_motions():
    """BasicMotions as ``(x_train, y_train, x_test, y_test, class_names)``.

    x: float32 (40, 100, 6) per split: 100 steps (10 s at 10 Hz) of accelerometer xyz and gyroscope xyz.
    y: int64 class indices into class_names (Standing, Running, Walking, Badminton).
    """
    x_train, lab_train, names = read_ts(DATA_DIR / "BasicMotions_TRAIN.ts")
    x_test, lab_test, names_test = read_ts(DATA_DIR / "BasicMotions_TEST.ts")
    if names_test != names:
        raise ValueError(f"BasicMotions train and test list different classes: {names} vs {names_test}.")
    index = {n: i for i, n in enumerate(names)}
    y_train = np.array([index[s] for s in lab_train], dtype="int64")
    y_test = np.array([index[s] for s in lab_test], dtype="int64")
    return x_train, y_train, x_test, y_test, names


# ---------------------------------------------------------------- helpers for the ops

def _series(x):
    """One series as a float tensor (steps, channels); a clear error for anything else."""
    return validate.one_example_2d(x, "series", "(steps, channels)")


def _seed(seed):
    return tf.cast(tf.convert_to_tensor(seed), tf.int64)


def _smooth_curve(seed, knots, channels, steps, sigma):
    """A smooth random curve near 1, shaped (steps, channels): knots+2 random values, bicubic-resized."""
    values = 1.0 + sigma * tf.random.stateless_normal([knots + 2, channels, 1], seed, dtype=tf.float32)
    curve = tf.image.resize(values, [steps, channels], method="bicubic")
    return curve[:, :, 0]


def _interp(x, positions):
    """Read series x (steps, channels) at fractional step positions (linear interpolation)."""
    steps = tf.shape(x)[0]
    positions = tf.clip_by_value(positions, 0.0, tf.cast(steps - 1, tf.float32))
    low = tf.cast(tf.floor(positions), tf.int32)
    high = tf.minimum(low + 1, steps - 1)
    w = (positions - tf.cast(low, tf.float32))[:, None]
    xf = tf.cast(x, tf.float32)
    return tf.gather(xf, low) * (1.0 - w) + tf.gather(xf, high) * w


def _sigma(value, name="sigma", high=2.0):
    return validate.fraction(value, name, 0.0, high)


def _knots(value):
    validate.positive_int(value, "knots")
    if value > 50:
        raise ValueError(f"knots must be at most 50 (a handful gives a smooth warp); got {value}.")
    return int(value)


# ---------------------------------------------------------------- augmentations

@dataclass(frozen=True)
class Jitter(StatelessAugment):
    """Add Gaussian noise with standard deviation ``sigma`` (in the data's units) to every value."""

    sigma: float = 0.05

    def __post_init__(self):
        _sigma(self.sigma)

    def __call__(self, x, seed):
        x = _series(x)
        noise = tf.random.stateless_normal(tf.shape(x), _seed(seed), dtype=tf.float32)
        return tf.cast(tf.cast(x, tf.float32) + self.sigma * noise, x.dtype)


@dataclass(frozen=True)
class Scaling(StatelessAugment):
    """Multiply each channel by one random factor drawn from N(1, sigma): a sensor's gain changes."""

    sigma: float = 0.1

    def __post_init__(self):
        _sigma(self.sigma)

    def __call__(self, x, seed):
        x = _series(x)
        factor = 1.0 + self.sigma * tf.random.stateless_normal([1, tf.shape(x)[1]], _seed(seed), dtype=tf.float32)
        return tf.cast(tf.cast(x, tf.float32) * factor, x.dtype)


@dataclass(frozen=True)
class MagnitudeWarp(StatelessAugment):
    """Multiply each channel by a smooth random curve near 1 through ``knots`` random points (sd ``sigma``)."""

    sigma: float = 0.2
    knots: int = 4

    def __post_init__(self):
        _sigma(self.sigma)
        _knots(self.knots)

    def __call__(self, x, seed):
        x = _series(x)
        shape = tf.shape(x)
        curve = _smooth_curve(_seed(seed), self.knots, shape[1], shape[0], self.sigma)
        return tf.cast(tf.cast(x, tf.float32) * curve, x.dtype)


@dataclass(frozen=True)
class TimeWarp(StatelessAugment):
    """Speed time up and down smoothly: a random speed curve (``knots`` points, sd ``sigma``) sets
    where each output step reads the input; the start and end stay in place. All channels share it."""

    sigma: float = 0.2
    knots: int = 4

    def __post_init__(self):
        _sigma(self.sigma, high=1.0)
        _knots(self.knots)

    def __call__(self, x, seed):
        x = _series(x)
        steps = tf.shape(x)[0]
        speed = _smooth_curve(_seed(seed), self.knots, 1, steps, self.sigma)[:, 0]
        speed = tf.maximum(speed, 0.05)  # time never runs backwards
        t = tf.cumsum(speed) - speed[0]
        positions = t / tf.maximum(t[-1], 1e-6) * tf.cast(steps - 1, tf.float32)
        return tf.cast(_interp(x, positions), x.dtype)


@dataclass(frozen=True)
class WindowSlice(StatelessAugment):
    """Crop a random window of ``ratio`` x the length, then stretch it back to the full length."""

    ratio: float = 0.9

    def __post_init__(self):
        validate.fraction(self.ratio, "ratio", 0.1, 1.0)

    def __call__(self, x, seed):
        x = _series(x)
        steps = tf.cast(tf.shape(x)[0], tf.float32)
        span = self.ratio * (steps - 1)
        start = tf.random.stateless_uniform([], _seed(seed), 0.0, 1.0) * (steps - 1 - span)
        positions = start + tf.linspace(0.0, 1.0, tf.shape(x)[0]) * span
        return tf.cast(_interp(x, positions), x.dtype)


@dataclass(frozen=True)
class RandomRotation3D(StatelessAugment):
    """Rotate tri-axial sensors, as if the device were worn at another angle.

    groups:      channel index triples that are one sensor's x, y, z, e.g. ((0, 1, 2), (3, 4, 5)) for
                 an accelerometer and a gyroscope. Other channels are left alone.
    max_degrees: the rotation angle is drawn from [-max_degrees, max_degrees] about a random axis.
    shared:      True (default) turns every group by the SAME rotation: the sensors sit in one watch.
    """

    groups: tuple = ((0, 1, 2), (3, 4, 5))
    max_degrees: float = 30.0
    shared: bool = True

    def __post_init__(self):
        validate.fraction(self.max_degrees, "max_degrees", 0.0, 180.0)
        try:
            groups = tuple(tuple(g) for g in self.groups)
        except TypeError:
            raise TypeError("groups must be a list of channel triples such as ((0, 1, 2), (3, 4, 5)).") from None
        if not groups or any(len(g) != 3 for g in groups):
            raise ValueError(f"groups must hold channel triples (x, y, z), such as ((0, 1, 2), (3, 4, 5)); "
                             f"got {self.groups!r}.")
        flat = [c for g in groups for c in g]
        for c in flat:
            validate.positive_int(c, "each channel in groups", allow_zero=True)
        if len(set(flat)) != len(flat):
            raise ValueError(f"groups must not share channels; got {groups}.")
        if not isinstance(self.shared, bool):
            raise TypeError(f"shared must be True or False; got {self.shared!r}.")
        object.__setattr__(self, "groups", groups)

    @staticmethod
    def matrix(seed, max_degrees):
        """A random 3x3 rotation (Rodrigues' formula): uniform axis, angle within +-max_degrees."""
        k_axis, k_angle = tf.unstack(tf.random.experimental.stateless_split(_seed(seed), 2))
        axis = tf.random.stateless_normal([3], k_axis)
        axis = axis / tf.maximum(tf.norm(axis), 1e-6)
        angle = tf.random.stateless_uniform([], k_angle, -1.0, 1.0) * (max_degrees * math.pi / 180)
        kx, ky, kz = tf.unstack(axis)
        zero = tf.zeros([])
        k = tf.stack([tf.stack([zero, -kz, ky]), tf.stack([kz, zero, -kx]), tf.stack([-ky, kx, zero])])
        return tf.eye(3) + tf.sin(angle) * k + (1 - tf.cos(angle)) * (k @ k)

    def __call__(self, x, seed):
        x = _series(x)
        channels = x.shape[1]
        need = max(c for g in self.groups for c in g) + 1
        if channels is not None and channels < need:
            raise ValueError(f"RandomRotation3D groups use channel {need - 1}, but the series has only "
                             f"{channels} channels.")
        keys = tf.random.experimental.stateless_split(_seed(seed), len(self.groups))
        xf = tf.cast(x, tf.float32)
        out = [xf[:, c] for c in range(channels)]
        for i, g in enumerate(self.groups):
            rot = self.matrix(keys[0] if self.shared else keys[i], self.max_degrees)
            xyz = tf.stack([xf[:, c] for c in g], axis=1) @ tf.transpose(rot)
            for j, c in enumerate(g):
                out[c] = xyz[:, j]
        return tf.cast(tf.stack(out, axis=1), x.dtype)


class Compose(StatelessAugment):
    """Apply several augmentations in turn, each with its own seed split from the one given."""

    def __init__(self, *augs):
        if len(augs) == 1 and isinstance(augs[0], (list, tuple)):
            augs = tuple(augs[0])
        for a in augs:
            if not isinstance(a, StatelessAugment) or a.uses_labels:
                raise TypeError(f"Compose takes augmentations of one series such as Jitter(0.05); got {a!r}.")
        self.augs = tuple(augs)

    def __call__(self, x, seed):
        x = _series(x)
        if not self.augs:
            return x
        keys = tf.random.experimental.stateless_split(_seed(seed), len(self.augs))
        for i, a in enumerate(self.augs):
            x = a(x, keys[i])
        return x

    def __repr__(self):
        return f"Compose({', '.join(repr(a) for a in self.augs)})"

    def describe(self):
        return " -> ".join(repr(a) for a in self.augs) or "no augmentation"


def preset(name="standard", rotation=False):
    """A named chain of time-series augmentations: 'none', 'light', 'standard' or 'heavy'.

    rotation: also rotate the accelerometer and gyroscope of BasicMotions-like data (channels 0-2, 3-5).
    Sigmas are in the data's units, sized for signals of roughly unit scale (like BasicMotions).
    """
    validate.one_of("preset", name, PRESETS, what="time-series preset")
    if not isinstance(rotation, bool):
        raise TypeError(f"rotation must be True or False; got {rotation!r}.")
    s = {"none": 0.0, "light": 0.5, "standard": 1.0, "heavy": 2.0}[name]
    if s == 0:
        return Compose()
    augs = [Jitter(0.05 * s), Scaling(0.1 * s), MagnitudeWarp(0.1 * s, 4), TimeWarp(0.1 * s, 4),
            WindowSlice(1.0 - 0.1 * s)]
    if rotation:
        augs.append(RandomRotation3D(max_degrees=15.0 * s))
    return Compose(augs)


def augment_many(x, aug, seed=0):
    """Apply ``aug`` to every series of x (N, T, C), each with its own seed; returns a NumPy array."""
    x = np.asarray(x, dtype="float32")
    if x.ndim != 3:
        raise ValueError(f"x must have shape (examples, steps, channels); got shape {x.shape}.")
    validate.positive_int(seed, "seed", allow_zero=True)
    keys = tf.random.experimental.stateless_split(tf.constant([seed, 0], tf.int64), len(x))
    return np.stack([aug(tf.constant(s), k).numpy() for s, k in zip(x, keys)])


def standardize(data):
    """A copy of a time-series Dataset with each channel scaled to mean 0 and sd 1.

    The mean and sd come from the TRAINING split only (no peeking at validation or test), and
    are kept in ``notes['mean']`` and ``notes['std']``. Augmentation sigmas are then in sd units.
    """
    from dataclasses import replace

    from .data import Dataset

    if not isinstance(data, Dataset):
        raise TypeError(f"standardize takes a coursekit.data.Dataset; got {type(data).__name__}.")
    if data.x_train.ndim != 3:
        raise ValueError(f"standardize needs series shaped (examples, steps, channels); got {data.x_train.shape}.")
    mean = data.x_train.mean(axis=(0, 1), keepdims=True)
    std = data.x_train.std(axis=(0, 1), keepdims=True) + 1e-6

    def f(x):
        return ((x - mean) / std).astype("float32")

    return replace(data, x_train=f(data.x_train), x_val=f(data.x_val), x_test=f(data.x_test),
                   notes={**data.notes, "mean": mean.ravel(), "std": std.ravel()})


# ---------------------------------------------------------------- pictures

def plot_classes(x, y, class_names, channels=None, title="One series of each class"):
    """One panel per class: the first series of that class, every channel (or those in ``channels``)."""
    import matplotlib.pyplot as plt

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
    import matplotlib.pyplot as plt

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
