"""Pretrained bases for transfer learning, with weights coursekit downloads and checks itself.

``keras.applications`` checks a fixed hash on its own download and keeps the file where it likes.
coursekit fetches the same published file into the course's cache, checks it against the published
checksum (``coursekit/data_files/weights.json``), and passes ``weights=<path>``: so a file you copied
by hand, or a local stand-in in the tests, is used the same way, and offline the failure is one
sentence::

    path = ck.pretrained.weights_path("mobilenet_v3_small")     # DownloadError offline
    cfg = ck.train.config(dataset=flowers, model=ck.pretrained.transfer(path), ...)
"""
import json
from pathlib import Path

import keras

from .base import validate
from .images.online import fetch_file

WEIGHTS_FILE = Path(__file__).resolve().parent / "data_files" / "weights.json"
OFFLINE_ADVICE = "train from scratch instead, e.g. ck.train.config(model='resnet')"


def sources():
    """Where each pretrained weights file comes from, with its checksum and licence."""
    return json.loads(WEIGHTS_FILE.read_text())


def weights_path(name="mobilenet_v3_small", cache_dir=None):
    """The local path of a pretrained weights file: downloaded once into the course's cache, then checked."""
    validate.one_of("weights", name, sources(), what="pretrained weights")
    return fetch_file(sources()[name]["file"], cache_dir, "models", OFFLINE_ADVICE)


def build_transfer(input_shape, num_classes, weights, fine_tune_layers=0, dropout=0.2, augmentation=None):
    """MobileNetV3Small (ImageNet features) with a new classifier for ``num_classes``.

    weights:          a path from ``weights_path`` (or None for a random base, to test the plumbing).
    fine_tune_layers: 0 freezes the whole base (only the new head learns); n > 0 also trains the base's
                      last n layers, batch normalisation excepted (its statistics stay ImageNet's).
    Images come in [0, 1]; the base rescales them itself.
    """
    validate.positive_int(fine_tune_layers, "fine_tune_layers", allow_zero=True)
    validate.fraction(dropout, "dropout", 0.0, 0.95)
    base = keras.applications.MobileNetV3Small(input_shape=tuple(input_shape), include_top=False, pooling="avg",
                                               weights=None if weights is None else str(weights),
                                               include_preprocessing=True)
    base.trainable = fine_tune_layers > 0
    for i, layer in enumerate(base.layers):
        keep_frozen = i < len(base.layers) - fine_tune_layers or isinstance(layer, keras.layers.BatchNormalization)
        layer.trainable = base.trainable and not keep_frozen
    inputs = keras.Input(tuple(input_shape))
    x = augmentation(inputs) if augmentation is not None else inputs
    x = keras.layers.Rescaling(255.0)(x)  # MobileNetV3 expects 0-255 and rescales to [-1, 1] itself
    x = base(x, training=False)  # batch norm in inference mode, also while fine-tuning
    x = keras.layers.Dropout(dropout)(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", dtype="float32")(x)
    return keras.Model(inputs, outputs, name="mobilenet_v3_small_transfer")


def transfer(weights, fine_tune_layers=0, dropout=0.2):
    """A model builder for ``ck.train.config(model=...)`` (with ``augment_in='model'``, ck.train puts the
    augmentation layers in front of it)."""
    def build(input_shape, num_classes, cfg):
        return build_transfer(input_shape, num_classes, weights, fine_tune_layers, dropout)

    return build
