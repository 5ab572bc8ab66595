"""Augmentations of every modality behind one name: ``ck.augment.preset("standard", "digits")``.

For images (from ``coursekit.images``):

- presets ``none``, ``light``, ``standard``, ``heavy``, ``extreme``: points on one ``from_strength(s)``
  scale in [0, 1] that depend on the kind of data (digits never flip; photos and faces do);
- ``custom(...)`` / ``ImageAugment``: each augmentation as Keras layers (``.layers()``) or as one
  fused, seeded stateless op (``aug(image, seed)``), which ``coursekit.pipeline`` uses;
- ``LabelAwareFlip``, ``mixup``, ``cutmix``, ``rand_augment``: transforms that change or mix labels.

For series and spectrograms (lesson 7): ``Jitter``, ``Scaling``, ``MagnitudeWarp``, ``TimeWarp``,
``WindowSlice``, ``RandomRotation3D`` (``coursekit.timeseries``) and ``TimeMask``, ``FreqMask``
(``coursekit.audio``). Every augmentation follows ``coursekit.base.stateless.StatelessAugment``.
"""
from .audio import FreqMask, TimeMask  # noqa: F401
from .base.stateless import Compose, StatelessAugment  # noqa: F401
from .images.augment import (FILL_MODES, FLIPS, KINDS, LIMITS, PRESETS, ClipToUnitRange,  # noqa: F401
                             FusedAugment, ImageAugment, affine, custom, from_strength, in_float32, preset,
                             resolve)
from .images.mixing import LabelAwareFlip, cutmix, mixup, rand_augment  # noqa: F401
from .timeseries.augment import (Jitter, MagnitudeWarp, RandomRotation3D, Scaling, TimeWarp,  # noqa: F401
                                 WindowSlice)
