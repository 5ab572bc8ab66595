"""Checks that turn a learner's mistake into one clear sentence.

Every public coursekit function checks its arguments here first, so a wrong
shape, dtype or value raises a short ``ValueError`` or ``TypeError`` that says
what is wrong and what to do, instead of a long TensorFlow traceback.
"""
import difflib
import numbers

import numpy as np


def one_of(name, value, choices, what="name"):
    """Return ``value`` if it is in ``choices``; else raise a ValueError that lists them."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, one of {sorted(choices)}; got {type(value).__name__} {value!r}.")
    if value not in choices:
        close = difflib.get_close_matches(value, list(choices), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"Unknown {what} {value!r}: choose one of {sorted(choices)}.{hint}")
    return value


def strength(value, name="strength"):
    """A strength is a number in [0, 1]: 0 means no augmentation, 1 the strongest the course uses."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number between 0 and 1; got {type(value).__name__} {value!r}.")
    if not 0.0 <= float(value) <= 1.0 or np.isnan(value):
        raise ValueError(f"{name} must be between 0 and 1 (0 = off, 1 = strongest); got {value}.")
    return float(value)


def fraction(value, name, low=0.0, high=1.0):
    """A number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number between {low} and {high}; got {type(value).__name__} {value!r}.")
    if not low <= float(value) <= high:
        raise ValueError(f"{name} must be between {low} and {high}; got {value}.")
    return float(value)


def positive_int(value, name, allow_zero=False):
    """A whole number above zero (or zero, where that makes sense)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number; got {type(value).__name__} {value!r}.")
    if value < 0 or (value == 0 and not allow_zero):
        bound = "0 or more" if allow_zero else "at least 1"
        raise ValueError(f"{name} must be {bound}; got {value}.")
    return int(value)


def seeds(values):
    """A list of whole-number seeds (one int is taken as a list of one)."""
    if isinstance(values, numbers.Integral) and not isinstance(values, bool):
        values = [values]
    try:
        values = list(values)
    except TypeError:
        raise TypeError(f"seeds must be a list of whole numbers such as [0, 1, 2]; got {values!r}.") from None
    if not values:
        raise ValueError("seeds must hold at least one seed, such as [0, 1, 2].")
    for s in values:
        positive_int(s, "each seed", allow_zero=True)
    repeated = sorted({int(s) for s in values if values.count(s) > 1})
    if repeated:
        raise ValueError(f"seeds must all differ (repeated: {repeated}): a verdict would count one pair of runs as "
                         "several independent ones.")
    return [int(s) for s in values]


def images(x, name="images", batched=True):
    """Check float images in [0, 1]: NHWC when ``batched``, HWC otherwise. Returns a float32 array.

    uint8 images (0-255) are refused with the fix spelled out, because silently
    rescaling them hides a bug the learner should see once.
    """
    if hasattr(x, "numpy"):
        x = x.numpy()
    if not isinstance(x, np.ndarray):
        try:
            x = np.asarray(x)
        except Exception:
            raise TypeError(f"{name} must be a NumPy array or tensor; got {type(x).__name__}.") from None
    rank = 4 if batched else 3
    layout = "(batch, height, width, channels)" if batched else "(height, width, channels)"
    if x.ndim != rank:
        extra = ""
        if batched and x.ndim == 3 and x.shape[-1] in (1, 3):
            extra = (" For grayscale images, add a channel axis with x[..., None]; for one image, add a batch "
                     "axis with x[None]. Series are not images: pass kind='timeseries'.")
        elif x.ndim == rank - 1:
            extra = " For grayscale, add a channel axis with x[..., None]."
            extra += " Series are not images: pass kind='timeseries'." if batched else ""
        elif not batched and x.ndim == 4:
            extra = " Pass one image, e.g. x[0], not a batch."
        raise ValueError(f"{name} must have shape {layout}; got shape {x.shape}.{extra}")
    if x.shape[-1] not in (1, 3):
        raise ValueError(f"{name} must have 1 or 3 channels in the last axis {layout}; got shape {x.shape}. "
                         "Channels-first data needs np.moveaxis(x, 1, -1).")
    if x.dtype == np.uint8:
        raise TypeError(f"{name} are uint8 (0-255); the course works with float images in [0, 1]: "
                        "use x.astype('float32') / 255.")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name} must be float images in [0, 1]; got dtype {x.dtype}. Use x.astype('float32').")
    finite(x, name)
    if x.size and (np.nanmin(x) < -1e-3 or np.nanmax(x) > 1 + 1e-3):
        raise ValueError(f"{name} must hold values in [0, 1]; got values from {np.nanmin(x):.3g} to {np.nanmax(x):.3g}. "
                         "Divide 0-255 images by 255.")
    return x.astype("float32", copy=False)


def finite(x, name="values"):
    """Refuse NaN and infinite values, saying how many there are and where the first one is."""
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        return x
    bad = ~np.isfinite(x)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} hold {int(bad.sum())} NaN or infinite value(s), the first at index {first} "
                         f"({x[first]}): clean or impute them first.")
    return x


def series(x, name="series"):
    """Float series shaped (examples, steps, channels), all finite. Returns a float32 array."""
    if hasattr(x, "numpy"):
        x = x.numpy()
    x = np.asarray(x)
    if x.ndim != 3:
        extra = " For one channel, add a channel axis with x[..., None]." if x.ndim == 2 else ""
        raise ValueError(f"{name} must have shape (examples, steps, channels); got shape {x.shape}.{extra}")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name} must hold floats; got dtype {x.dtype}. Use x.astype('float32').")
    finite(x, name)
    return x.astype("float32", copy=False)


def labels(y, n, name="labels"):
    """Integer class labels, one per example."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of integer classes, one per image; got shape {y.shape}. "
                         "One-hot labels can be turned back with y.argmax(axis=1).")
    if len(y) != n:
        raise ValueError(f"There are {n} images but {len(y)} {name}: pass one label per image.")
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"{name} must be integers (class indices); got dtype {y.dtype}. Use y.astype('int64').")
    return y.astype("int64", copy=False)


def one_example_2d(x, what, layout):
    """One 2-D float example as a tensor, e.g. a series (steps, channels) or a spectrogram (time, freq)."""
    import tensorflow as tf

    x = tf.convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise TypeError(f"A {what} must hold floats; got dtype {x.dtype.name}. Use x.astype('float32').")
    if x.shape.rank is not None and x.shape.rank != 2:
        extra = f" Pass one {what}, e.g. x[0], not a batch." if x.shape.rank == 3 else ""
        raise ValueError(f"A {what} must have shape {layout}; got shape {tuple(x.shape)}.{extra}")
    return x
