"""coursekit: the small toolkit behind augment-course.

Import it once at the top of a notebook::

    import coursekit as ck
    ck.device.setup(seed=0)
    data = ck.data.load("digits", n_per_class=30)

The package is layered; each layer imports only from the layers below it (``coursekit.layers``)::

    command line  python -m coursekit run | refresh | sync
    course        runs every notebook headlessly; record() of headline figures; the release tag
    lesson order  sections: a cell run before the section that makes what it needs says which one
    exercises     self-checking pitfall exercises (a small core + one module per exercise notebook)
    display       plots · gallery · widgets ("predict before you run", reveals, scorecard, explorer)
    training      train (compare over seeds, Results.verdict) · evaluate (invariance, TTA) · benchmark · timings
    stacking      stack: the seeds of a config as members of one Keras model, trained in one step
    models        models (small CNNs, a small ResNet) · pretrained (bases with checked weights)
    pipeline      make_dataset: tf.data, augmentation on the fly (per example, or one fused op per batch)
    entry points  data.load(name) · augment.preset / custom / from_strength, for every modality
    modalities    images/ · timeseries/ · audio (spectrograms) · text;  device (GPU, seeds, profiles);
                  interrupts (the stop button ends training at the end of the running batch, in one sentence)
    base          validate (one-sentence errors) · stateless (aug(x, seed)) · dataset · verdict (paired CI)
"""
import os as _os

_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's later C++ info and warnings

from .base import validate, verdict  # noqa: E402,F401  (no TensorFlow import; ck.verdict.paired)
from . import device  # noqa: E402  (no TensorFlow import)

# Importing TensorFlow prints C++ start-up lines straight to fd 2, before any setting can apply: hold them
# back and show only what is not known noise (see device.native_logs_filtered), so real errors still show.
with device.native_logs_filtered():
    import tensorflow as _tf  # noqa: E402,F401
    from . import data, augment, pipeline, train, plots, widgets, course  # noqa: E402,F401
    from . import evaluate, gallery, benchmark, timeseries, audio, text, exercises  # noqa: E402,F401
    from . import models, pretrained, stack  # noqa: E402,F401
    from .course import record  # noqa: E402,F401
    from . import sections  # noqa: E402

sections.install()  # in a kernel: a cell run before the section that makes what it needs says which one

__version__ = course.RELEASE  # set once, in coursekit/course.py
