"""Time-series augmentations that keep the label, on ONE series shaped (steps, channels).

Each is called ``aug(x, seed)``, like ``coursekit.images.augment.ImageAugment``: pure TensorFlow
stateless ops, so they run inside a ``tf.data`` map and on a GPU, and the same seed always gives the
same output.

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

import numpy as np
import tensorflow as tf

from ..base import validate
from ..base.stateless import Compose, StatelessAugment, as_seed

PRESETS = ("none", "light", "standard", "heavy")


def _series(x):
    """One series as a float tensor (steps, channels); a clear error for anything else."""
    return validate.one_example_2d(x, "series", "(steps, channels)")


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
        noise = tf.random.stateless_normal(tf.shape(x), as_seed(seed), dtype=tf.float32)
        return tf.cast(tf.cast(x, tf.float32) + self.sigma * noise, x.dtype)


@dataclass(frozen=True)
class Scaling(StatelessAugment):
    """Multiply each channel by one random factor drawn from N(1, sigma): a sensor's gain changes."""

    sigma: float = 0.1

    def __post_init__(self):
        _sigma(self.sigma)

    def __call__(self, x, seed):
        x = _series(x)
        factor = 1.0 + self.sigma * tf.random.stateless_normal([1, tf.shape(x)[1]], as_seed(seed), dtype=tf.float32)
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
        curve = _smooth_curve(as_seed(seed), self.knots, shape[1], shape[0], self.sigma)
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
        speed = _smooth_curve(as_seed(seed), self.knots, 1, steps, self.sigma)[:, 0]
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
        start = tf.random.stateless_uniform([], as_seed(seed), 0.0, 1.0) * (steps - 1 - span)
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
        k_axis, k_angle = tf.unstack(tf.random.experimental.stateless_split(as_seed(seed), 2))
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
        keys = tf.random.experimental.stateless_split(as_seed(seed), len(self.groups))
        xf = tf.cast(x, tf.float32)
        out = [xf[:, c] for c in range(channels)]
        for i, g in enumerate(self.groups):
            rot = self.matrix(keys[0] if self.shared else keys[i], self.max_degrees)
            xyz = tf.stack([xf[:, c] for c in g], axis=1) @ tf.transpose(rot)
            for j, c in enumerate(g):
                out[c] = xyz[:, j]
        return tf.cast(tf.stack(out, axis=1), x.dtype)


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
