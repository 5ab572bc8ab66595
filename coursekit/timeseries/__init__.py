"""Time series (layer 1): smartwatch sensor data, label-keeping augmentations, and their pictures.

- ``data``      ``load_basic_motions()``, ``read_ts(path)``, ``make_motions(n_per_class, seed)`` (synthetic),
                ``standardize(dataset)``
- ``augment``   ``Jitter``, ``Scaling``, ``MagnitudeWarp``, ``TimeWarp``, ``WindowSlice``,
                ``RandomRotation3D``, ``Compose``, ``preset(name)``, ``augment_many(x, aug)``
- ``plots``     ``plot_classes``, ``plot_augmentations``

Every name is also reachable as ``coursekit.timeseries.NAME``, as lesson 7 uses them.
"""
from .augment import (PRESETS, Compose, Jitter, MagnitudeWarp, RandomRotation3D, Scaling,  # noqa: F401
                      TimeWarp, WindowSlice, augment_many, preset)
from .data import (BASIC_MOTIONS_CHANNELS, DATA_DIR, MOTION_CLASSES, load_basic_motions, make_motions,  # noqa: F401
                   read_ts, standardize)
from .plots import plot_augmentations, plot_classes  # noqa: F401
