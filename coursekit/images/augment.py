"""Image augmentation: named presets, a strength knob, and builders with checked parameters.

Every augmentation here exists in two equivalent forms:

- ``aug.layers()``: Keras 3 preprocessing layers chained in a ``keras.layers.Pipeline``, to put
  inside a model or call on images yourself;
- ``aug(image, seed)``: the same transforms as *seeded stateless* TensorFlow ops on one image.
  ``coursekit.pipeline.make_dataset`` uses this form: each example gets its own seed, so runs are
  reproducible even with a parallel ``tf.data`` map, and the whole transform is one fused op (fast).

Presets, from gentle to destructive: ``none``, ``light``, ``standard``, ``heavy``, ``extreme``.
They are points on one ``strength`` scale in [0, 1], and depend on the kind of data:
digits never flip (a mirrored 2 is not a 2), photos and faces do.
"""
import math
from dataclasses import asdict, dataclass, replace

import keras
import tensorflow as tf

from ..base import validate
from ..base.stateless import StatelessAugment, as_seed

PRESETS = {"none": 0.0, "light": 0.1, "standard": 0.2, "heavy": 0.5, "extreme": 1.0}
KINDS = ("digits", "photos", "faces")
FLIPS = (None, "horizontal", "vertical", "horizontal_and_vertical")
FILL_MODES = ("constant", "reflect", "nearest", "wrap")
# The largest value the course allows for each factor (a strength of 1 reaches some of these).
# Preprocessing computes in float32 under every dtype policy: under "mixed_float16" (ck.device.setup on a GPU with
# tensor cores) a layer built without it computes in float16, and Keras 3.13-3.15's RandomErasing, MixUp and CutMix
# then fail (a float16 `range`, a float16/float32 `Mul`). The model's first layer casts the float32 images itself.
F32 = "float32"
LIMITS = {"rotation": 0.5, "zoom": 0.9, "translation": 0.5, "brightness": 1.0, "contrast": 1.0, "noise": 0.5}


@dataclass(frozen=True)
class ImageAugment(StatelessAugment):
    """Settings of an image augmentation, in the same units as Keras's Random* layers.

    flip:        None, "horizontal", "vertical" or "horizontal_and_vertical" (each with probability 1/2)
    rotation:    fraction of a full turn, both ways (0.05 = up to +-18 degrees)
    zoom:        fraction, both ways (0.1 = from 10% in to 10% out)
    translation: fraction of the image size, both ways and both axes
    brightness:  value added, both ways, on the [0, 1] scale
    contrast:    contrast factor drawn from [1 - contrast, 1 + contrast]
    noise:       standard deviation of added Gaussian noise
    fill_mode:   how pixels that come from outside the image are filled
    """

    flip: object = None
    rotation: float = 0.0
    zoom: float = 0.0
    translation: float = 0.0
    brightness: float = 0.0
    contrast: float = 0.0
    noise: float = 0.0
    fill_mode: str = "reflect"

    def __post_init__(self):
        if self.flip not in FLIPS:
            raise ValueError(f"flip must be one of {FLIPS}; got {self.flip!r}.")
        for name, high in LIMITS.items():
            validate.fraction(getattr(self, name), name, 0.0, high)
        validate.one_of("fill_mode", self.fill_mode, FILL_MODES, what="fill_mode")

    @property
    def is_identity(self):
        return self.flip is None and not any(getattr(self, k) for k in LIMITS)

    def describe(self):
        """A short human-readable list of what this augmentation does."""
        parts = []
        if self.flip:
            parts.append(f"flip {self.flip}")
        if self.rotation:
            parts.append(f"rotate +-{self.rotation * 360:.0f} deg")
        if self.zoom:
            parts.append(f"zoom +-{self.zoom:.0%}")
        if self.translation:
            parts.append(f"shift +-{self.translation:.0%}")
        if self.brightness:
            parts.append(f"brightness +-{self.brightness:.2f}")
        if self.contrast:
            parts.append(f"contrast x[{1 - self.contrast:.2f}, {1 + self.contrast:.2f}]")
        if self.noise:
            parts.append(f"noise sd {self.noise:.2f}")
        return ", ".join(parts) or "no augmentation"

    def __repr__(self):
        return f"ImageAugment({self.describe()})"

    def replace(self, **changes):
        """A copy with some settings changed, e.g. ``aug.replace(flip=None)``."""
        return replace(self, **changes)

    # ----------------------------------------------------------- Keras layers form
    def layers(self, seed=None):
        """The same augmentation as Keras 3 preprocessing layers in a ``keras.layers.Pipeline``.

        Works on one image (H, W, C) or a batch (N, H, W, C); active only when called with
        ``training=True`` (as ``model.fit`` does), an identity at inference. Every layer computes in
        float32 whatever the global dtype policy (see ``in_float32``).
        """
        L = keras.layers
        s = (lambda i: None if seed is None else seed + i)
        fill = self.fill_mode
        chain = []
        if self.flip:
            chain.append(L.RandomFlip(self.flip, seed=s(0)))
        if self.rotation:
            chain.append(L.RandomRotation(self.rotation, fill_mode=fill, seed=s(1)))
        if self.zoom:
            chain.append(L.RandomZoom(self.zoom, fill_mode=fill, seed=s(2)))
        if self.translation:
            chain.append(L.RandomTranslation(self.translation, self.translation, fill_mode=fill, seed=s(3)))
        if self.brightness:
            chain.append(L.RandomBrightness(self.brightness, value_range=(0.0, 1.0), seed=s(4)))
        if self.contrast:
            chain.append(L.RandomContrast(self.contrast, value_range=(0.0, 1.0), seed=s(5)))
        if self.noise:
            chain.append(L.GaussianNoise(self.noise, seed=s(6)))
        if self.noise or self.brightness or self.contrast:
            chain.append(ClipToUnitRange())
        return in_float32(L.Pipeline(chain, name="augmentation"))

    # ----------------------------------------------------------- stateless form
    def __call__(self, image, seed):
        """Augment one image (H, W, C) with a shape-[2] integer seed. Same seed, same output."""
        if self.is_identity:
            return image
        return self.batch(tf.convert_to_tensor(image)[None], seed)[0]

    def batch(self, images, seed):
        """Augment a batch (N, H, W, C) in one fused op per step: every image gets its OWN random flip,
        rotation, zoom, shift, lighting and noise, all drawn at once from one shape-[2] seed.

        The same seed gives the same batch. For one image this is exactly ``aug(image, seed)``.
        """
        if self.is_identity:
            return images
        k_geo, k_bright, k_contrast, k_noise = tf.unstack(tf.random.experimental.stateless_split(as_seed(seed), 4))
        x = tf.convert_to_tensor(images)
        n = tf.shape(x)[0]
        if self.flip or self.rotation or self.zoom or self.translation:
            u = tf.random.stateless_uniform(tf.stack([n, 6]), k_geo, -1.0, 1.0)
            h, w = tf.cast(tf.shape(x)[1], tf.float32), tf.cast(tf.shape(x)[2], tf.float32)
            flip_h = (u[:, 4] > 0) & (self.flip in ("horizontal", "horizontal_and_vertical"))
            flip_v = (u[:, 5] > 0) & (self.flip in ("vertical", "horizontal_and_vertical"))
            transforms = _transforms(u[:, 0] * self.rotation * 360, 1.0 + u[:, 1] * self.zoom,
                                     u[:, 2] * self.translation * w, u[:, 3] * self.translation * h,
                                     flip_h, flip_v, h, w)
            x = _apply_transforms(x, transforms, self.fill_mode)
        per_image = tf.stack([n, 1, 1, 1])
        if self.brightness:
            x = x + tf.random.stateless_uniform(per_image, k_bright, -self.brightness, self.brightness, x.dtype)
        if self.contrast:
            factor = tf.random.stateless_uniform(per_image, k_contrast, 1 - self.contrast, 1 + self.contrast, x.dtype)
            mean = tf.reduce_mean(x, axis=[1, 2], keepdims=True)
            x = (x - mean) * factor + mean
        if self.noise:
            x = x + self.noise * tf.random.stateless_normal(tf.shape(x), k_noise, dtype=x.dtype)
        if self.noise or self.brightness or self.contrast:
            x = tf.clip_by_value(x, 0.0, 1.0)
        return x


def _transforms(degrees, scale, shift_x, shift_y, flip_h, flip_v, h, w):
    """Projective transforms (N, 8) that flip, rotate, zoom and shift about each image's centre.

    Each row maps an OUTPUT pixel to the INPUT pixel it is read from (the convention of
    ``keras.ops.image.affine_transform``)."""
    angle = tf.cast(degrees, tf.float32) * (math.pi / 180)
    scale = tf.cast(scale, tf.float32)
    fx = tf.where(tf.cast(flip_h, tf.bool), -1.0, 1.0)
    fy = tf.where(tf.cast(flip_v, tf.bool), -1.0, 1.0)
    cos, sin = tf.cos(angle) * scale, tf.sin(angle) * scale
    a0, a1, b0, b1 = cos * fx, -sin * fy, sin * fx, cos * fy
    cx, cy = (w - 1) / 2, (h - 1) / 2
    tx, ty = tf.cast(shift_x, tf.float32), tf.cast(shift_y, tf.float32)
    zero = tf.zeros_like(a0)
    return tf.stack([a0, a1, cx - a0 * cx - a1 * cy - tx, b0, b1, cy - b0 * cx - b1 * cy - ty, zero, zero], axis=-1)


def _apply_transforms(images, transforms, fill_mode):
    return keras.ops.image.affine_transform(images, transforms, interpolation="bilinear", fill_mode=fill_mode,
                                            fill_value=0.0, data_format="channels_last")


def affine(image, degrees=0.0, scale=1.0, shift_x=0.0, shift_y=0.0, flip_h=False, flip_v=False,
           fill_mode="reflect"):
    """Flip, rotate (degrees, counter-clockwise), zoom and shift one image (H, W, C) as ONE transform.

    scale > 1 shows a larger area (the content looks smaller); shifts are in pixels.
    One interpolation instead of four keeps the image sharper and the op fast.
    """
    image = tf.convert_to_tensor(image)
    h, w = tf.cast(tf.shape(image)[0], tf.float32), tf.cast(tf.shape(image)[1], tf.float32)
    transform = _transforms(degrees, scale, shift_x, shift_y, flip_h, flip_v, h, w)
    return _apply_transforms(image, transform, fill_mode)


class FusedAugment(keras.layers.Layer):
    """An ImageAugment as ONE layer: its fused batch op, a new seed every training step.

    Put it first in a model: while training (``training=True``, as ``fit`` passes) every image of the batch
    gets its own random transform inside the compiled training step, where a handful of small ops cost
    microseconds; otherwise (``predict``, ``evaluate``, a call with no flag) it passes images through. Off
    unless training=True, like Dropout: a model never augments by accident at inference. It computes in float32
    unless given another ``dtype``, whatever the global policy.
    """

    def __init__(self, augment, seed=None, **kwargs):
        kwargs.setdefault("dtype", F32)
        super().__init__(**kwargs)
        if not isinstance(augment, ImageAugment):
            raise TypeError(f"FusedAugment takes an ImageAugment (a preset, strength or custom(...)); "
                            f"got {type(augment).__name__}.")
        self.augment = augment
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=None):
        if not training:
            return images
        return self.augment.batch(images, self.seed_generator.next())

    def compute_output_shape(self, input_shape):
        return input_shape


def in_float32(layer):
    """Make a Keras augmentation layer, and every layer inside it, compute in float32; returns the same layer.

    Under ``mixed_float16`` a Keras layer built without ``dtype="float32"`` computes in float16, and some of Keras's
    own augmentation layers then fail (RandomErasing, CutMix: a float16 ``range``; MixUp: a float16/float32 ``Mul``).
    ``coursekit.pipeline`` and ``coursekit.train`` pass every augmentation layer they are given through this, so a
    learner's ``keras.layers.RandomErasing(...)`` works on a GPU as on a CPU. Anything else is returned unchanged.
    """
    if isinstance(layer, keras.layers.Layer):
        for sub in layer._flatten_layers(include_self=True, recursive=True):
            if sub.dtype_policy.name != F32:
                sub.dtype_policy = F32
    return layer


class ClipToUnitRange(keras.layers.Layer):
    """Keep pixel values in [0, 1] after brightness, contrast or noise."""

    def call(self, x):
        return keras.ops.clip(x, 0.0, 1.0)


def _check_kind(kind):
    return validate.one_of("kind", kind, KINDS + ("timeseries",), what="kind of data")


def from_strength(strength, kind="photos"):
    """One knob from 0 (nothing) to 1 (the strongest the course uses), suited to a kind of data.

    Geometry grows with strength for every kind (rotation up to +-90 deg, zoom and shift up to
    50% and 40%); photos and faces also flip horizontally and change brightness and contrast;
    digits never flip and fill with black, like the paper they were written on.
    """
    s = validate.strength(strength)
    kind = _check_kind(kind)
    if kind == "timeseries":
        raise ValueError("For time series use coursekit.timeseries (jitter, scaling, warping), not image presets.")
    if s == 0:
        return ImageAugment()
    geometry = dict(rotation=0.25 * s, zoom=0.5 * s, translation=0.4 * s, noise=0.1 * s)
    if kind == "digits":
        return ImageAugment(**geometry, fill_mode="constant")
    return ImageAugment(flip="horizontal", brightness=0.4 * s, contrast=0.6 * s, **geometry, fill_mode="reflect")


def preset(name, kind="photos"):
    """A named preset: 'none', 'light', 'standard', 'heavy' or 'extreme', for a kind of data."""
    validate.one_of("preset", name, PRESETS, what="augmentation preset")
    return from_strength(PRESETS[name], kind)


def custom(kind=None, **settings):
    """Build an ImageAugment from explicit settings (checked), e.g. ``custom(rotation=0.1, flip='horizontal')``.

    With ``kind='digits'`` a flip is refused, because it changes what a digit means.
    """
    unknown = set(settings) - set(asdict(ImageAugment()))
    if unknown:
        raise ValueError(f"Unknown augmentation setting(s) {sorted(unknown)}: use {sorted(asdict(ImageAugment()))}.")
    if kind is not None:
        _check_kind(kind)
        if kind == "digits" and settings.get("flip"):
            raise ValueError("Digits must not be flipped: a mirrored 2 or 7 is no longer that digit. Use flip=None.")
    return ImageAugment(**settings)


def resolve(augment, kind="photos"):
    """Turn what a learner passes as ``augment`` into an augmentation object (or None for none).

    Accepts None, a preset name, a strength in [0, 1], an ImageAugment / StatelessAugment,
    or any callable such as a Keras layer.
    """
    if augment is None:
        return None
    if isinstance(augment, str):
        aug = preset(augment, kind)
    elif isinstance(augment, (int, float)) and not isinstance(augment, bool):
        aug = from_strength(augment, kind)
    elif isinstance(augment, StatelessAugment) or callable(augment):
        aug = augment
    else:
        raise TypeError("augment must be None, a preset name such as 'standard', a strength in [0, 1], "
                        f"an ImageAugment, or a Keras layer; got {type(augment).__name__}.")
    if isinstance(aug, ImageAugment) and aug.is_identity:
        return None
    return aug
