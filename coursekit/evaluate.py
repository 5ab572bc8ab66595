"""Measuring what a model has learned beyond accuracy: invariance to transforms, and data-equivalence.

- ``prediction_consistency``: how often a model keeps its prediction when the input is transformed;
- ``invariance_table``: that, and accuracy on transformed images, for many models and transforms;
- ``equivalent_size``: how many real training examples a plain model needs to match a given accuracy;
- ``tta_accuracy``: test-time augmentation: accuracy of the averaged prediction over transformed views;
- ``accuracies``: the accuracy of each of several models (e.g. one per seed) on one evaluation set;
- ``stroke_thickness`` and ``top_per_class``: pick out a real style (thick strokes) to build a shifted test set.
"""
import numpy as np
import pandas as pd

from . import augment as augment_lib
from . import pipeline
from .base import validate
from .models import predicted_classes, predicted_probabilities


def _check_model(model):
    if not hasattr(model, "predict"):
        raise TypeError(f"model must be a trained Keras model (with .predict); got {type(model).__name__}.")


BATCH = 512  # examples per eager batch when predicting (models.predicted_classes)


def transformed_views(x, augment, n_views=5, seed=0, kind="digits"):
    """n_views randomly transformed copies of every image: an array shaped (n_views, N, H, W, C).

    Each view uses its own seed, so the same seed always gives the same views.
    """
    x, _ = pipeline.check_inputs(x, kind=kind)
    validate.positive_int(n_views, "n_views")
    validate.positive_int(seed, "seed", allow_zero=True)
    if augment_lib.resolve(augment, kind) is None:
        raise ValueError("augment is 'no augmentation': give a transform to test invariance against, "
                         "e.g. 'standard' or ck.augment.custom(rotation=0.05).")
    return np.stack([pipeline.augment_once(x, augment, seed=seed * 1000 + i, kind=kind) for i in range(n_views)])


def prediction_consistency(model, x, augment, n_views=5, seed=0, kind="digits", views=None):
    """The fraction of transformed views whose predicted class equals the prediction on the clean image.

    1.0: the model never changes its mind when the image is transformed (fully invariant);
    lower: transforms that keep the label still flip the model's answer.
    views: precomputed ``transformed_views(x, ...)`` (to test several models on the same views).
    """
    _check_model(model)
    x, _ = pipeline.check_inputs(x, kind=kind)
    if views is None:
        views = transformed_views(x, augment, n_views, seed, kind)
    clean = predicted_classes(model, x, BATCH)
    moved = predicted_classes(model, views.reshape((-1,) + x.shape[1:]), BATCH).reshape(len(views), len(x))
    return float((moved == clean[None]).mean())


def invariance_table(models, x, y, transforms, n_views=5, seed=0, kind="digits"):
    """Consistency and accuracy under each transform, for every model: one row per (model, transform).

    models:     {name: [model, ...]} as in ``Results.models`` (one model per seed), or {name: model}.
    transforms: {label: augmentation}; every model sees the same transformed views.
    Columns: name, run, transform, clean_acc, transformed_acc, consistency.
    """
    if not isinstance(models, dict) or not models:
        raise TypeError("models must be a non-empty dict {name: [model, ...]}, e.g. results.models.")
    if not isinstance(transforms, dict) or not transforms:
        raise TypeError("transforms must be a non-empty dict {label: augmentation}, e.g. {'standard': 'standard'}.")
    x, y = pipeline.check_inputs(x, y, kind)
    all_views = {label: transformed_views(x, t, n_views, seed, kind) for label, t in transforms.items()}
    rows = []
    for name, group in models.items():
        group = group if isinstance(group, (list, tuple)) else [group]
        for run, model in enumerate(group):
            _check_model(model)
            clean = predicted_classes(model, x, BATCH)
            for label, views in all_views.items():
                moved = predicted_classes(model, views.reshape((-1,) + x.shape[1:]), BATCH).reshape(len(views), len(x))
                rows.append(dict(name=name, run=run, transform=label, clean_acc=float((clean == y).mean()),
                                 transformed_acc=float((moved == y[None]).mean()),
                                 consistency=float((moved == clean[None]).mean())))
    return pd.DataFrame(rows)


def equivalent_size(sizes, accuracies, target):
    """How many training examples (per class) a model needs to reach ``target`` accuracy.

    sizes, accuracies: a measured curve (e.g. a plain model's validation accuracy against
    examples per class), interpolated linearly in log(size). Returns a float; ``inf`` when the
    target is above every measured accuracy, and the smallest size when it is below all of them.
    """
    sizes = np.asarray(sizes, dtype=float)
    acc = np.asarray(accuracies, dtype=float)
    if sizes.ndim != 1 or sizes.shape != acc.shape or len(sizes) < 2:
        raise ValueError("sizes and accuracies must be two lists of the same length, at least 2 points each.")
    if (sizes <= 0).any() or not np.isfinite(acc).all():
        raise ValueError("sizes must be positive and accuracies finite numbers.")
    validate.fraction(float(target), "target", 0.0, 1.0)
    order = np.argsort(sizes)
    sizes, acc = sizes[order], np.maximum.accumulate(acc[order])  # more data never needs to look worse
    if target > acc[-1]:
        return float("inf")
    if target <= acc[0]:
        return float(sizes[0])
    i = int(np.searchsorted(acc, target))  # first point at or above the target
    lo, hi = np.log(sizes[i - 1]), np.log(sizes[i])
    frac = 0.0 if acc[i] == acc[i - 1] else (target - acc[i - 1]) / (acc[i] - acc[i - 1])
    return float(np.exp(lo + frac * (hi - lo)))


def tta_accuracy(model, x, y, augment, n_views=4, seed=0, kind="digits", views=None):
    """Accuracy with test-time augmentation, and without: ``(plain, tta)``.

    TTA averages the predicted probabilities of the clean image and ``n_views`` transformed copies,
    then takes the most likely class. Use gentle, label-keeping transforms (a one-pixel shift, a
    flip for photos); the same seed gives the same views.
    """
    _check_model(model)
    x, y = pipeline.check_inputs(x, y, kind)
    if views is None:
        views = transformed_views(x, augment, n_views, seed, kind)
    stack = np.concatenate([x[None], views]).reshape((-1,) + x.shape[1:])
    probs = predicted_probabilities(model, stack, BATCH).reshape(len(views) + 1, len(x), -1)
    plain = float((probs[0].argmax(axis=1) == y).mean())
    tta = float((probs.mean(axis=0).argmax(axis=1) == y).mean())
    return plain, tta


def accuracies(models, x, y, kind="digits"):
    """The accuracy of each model on (x, y), in the models' order: one number per model (e.g. per seed)."""
    group = models if isinstance(models, (list, tuple)) else [models]
    x, y = pipeline.check_inputs(x, y, kind)
    out = []
    for model in group:
        _check_model(model)
        out.append(float((predicted_classes(model, x, BATCH) == y).mean()))
    return out


def stroke_thickness(x, threshold=0.5):
    """The average stroke width of each image, in pixels: its ink divided by the length of its skeleton.

    x: one-channel images (N, H, W, 1) or (N, H, W), light strokes on a dark background, values in [0, 1].
    The ink is the sum of the pixel values; the skeleton is the one-pixel-wide centre line of the pixels above
    ``threshold`` (``skimage.morphology.skeletonize``). A stroke twice as wide carries twice the ink for each
    pixel of its centre line. An image with no pixel above the threshold gets 0.
    """
    from skimage.morphology import skeletonize

    x = np.asarray(x, dtype="float32")
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 3:
        raise ValueError(f"x must be one-channel images shaped (N, H, W, 1) or (N, H, W); got shape {x.shape}.")
    validate.fraction(float(threshold), "threshold", 0.0, 1.0)
    out = np.zeros(len(x))
    for i, image in enumerate(x):
        length = int(skeletonize(image > threshold).sum())
        out[i] = float(image.sum()) / length if length else 0.0
    return out


def top_per_class(values, y, fraction):
    """A boolean mask of the examples whose value is among the highest ``fraction`` of their own class.

    Each class contributes round(fraction x its size) examples (at least 1), so the mask keeps the classes
    balanced as they are; ties are broken by position (stable), so the same input gives the same mask.
    """
    values, y = np.asarray(values, dtype="float64"), np.asarray(y)
    if values.shape != y.shape or values.ndim != 1:
        raise ValueError(f"values and y need one entry per example each; got shapes {values.shape} and {y.shape}.")
    validate.fraction(float(fraction), "fraction", 0.01, 1.0)
    mask = np.zeros(len(y), dtype=bool)
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        k = max(1, int(round(fraction * len(idx))))
        mask[idx[np.argsort(values[idx], kind="stable")][len(idx) - k:]] = True
    return mask
