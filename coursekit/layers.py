"""The layer map of coursekit, declared once. Imports only go DOWN it (tests/test_architecture.py checks).

Each layer lists the top-level modules and subpackages of coursekit that belong to it. A module may
import from its own layer's subpackage (e.g. ``images.online`` from ``images.datasets``) and from
any lower layer, never from a higher one, and never in a circle.
"""

LAYERS = (
    ("base", ("base", "layers"),
     "argument checks, the stateless-augmentation protocol, Dataset; imports nothing from coursekit"),
    ("modalities", ("device", "interrupts", "images", "timeseries", "audio", "text"),
     "hardware setup and the stop button; data and augmentation of each modality: images, series, spectrograms, text"),
    ("entry points", ("data", "augment"),
     "one name for the datasets and one for the augmentations of every modality"),
    ("pipeline", ("pipeline",), "tf.data input pipelines with augmentation on the fly"),
    ("models", ("models", "pretrained"), "the course's Keras models, and pretrained bases with checked weights"),
    ("stacking", ("stack",), "the seeds of a config as members of one model, trained in one step (for train)"),
    ("training", ("train", "evaluate", "benchmark", "timings"), "runs over seeds, measurements, measured times"),
    ("display", ("plots", "gallery", "widgets"), "pictures and interactive widgets"),
    ("exercises", ("exercises",), "self-checking pitfall exercises"),
    ("lesson order", ("sections",), "a cell run before the section that makes what it needs says which one"),
    ("course", ("course",), "runs the notebooks headlessly; keeps their shared cells in one place"),
    ("command line", ("__main__",), "python -m coursekit: the course runner's command line"),
)


def layer_of(module):
    """The index in LAYERS of a dotted module name inside coursekit, e.g. 'coursekit.images.augment' -> 1."""
    parts = module.split(".")
    top = parts[1] if parts[0] == "coursekit" and len(parts) > 1 else parts[0]
    for i, (_, members, _) in enumerate(LAYERS):
        if top in members:
            return i
    raise KeyError(f"{module} is in no layer of coursekit.layers.LAYERS: add it to one.")
