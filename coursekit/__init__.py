"""coursekit: the small toolkit behind augment-course.

Import it once at the top of a notebook::

    import coursekit as ck
    ck.device.setup(seed=0)
    data = ck.data.load("digits", n_per_class=30)

Modules, in the order the course meets them:

- ``device``    seeds, GPU memory growth, mixed precision, the setup banner, profiles
- ``data``      offline and online datasets, split into train / validation / test
- ``augment``   augmentation presets and builders (Keras layers and seeded stateless ops)
- ``pipeline``  ``make_dataset``: tf.data with augmentation on the fly
- ``train``     a small CNN, ``run`` and ``compare`` over seeds, returning tables
- ``plots``     pictures: augmentation grids, learning curves, bars, confusion matrices
- ``widgets``   "predict before you run" questions and the augmentation explorer
- ``course``    runs every notebook headlessly and records the figures each one measured

and, for particular lessons: ``evaluate`` (invariance, data-size equivalence), ``gallery`` (transform
grids), ``benchmark`` (images per second), ``timeseries``, ``audio`` and ``text`` (lesson 7),
``exercises`` (self-checking pitfall exercises).
"""
import os as _os

_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from .base import validate  # noqa: E402,F401  (no TensorFlow import)
from . import device, data, augment, pipeline, train, plots, widgets, course  # noqa: E402,F401
from . import evaluate, gallery, benchmark, timeseries, audio, text, exercises  # noqa: E402,F401
from .course import record  # noqa: E402,F401

__version__ = "0.1.0"
