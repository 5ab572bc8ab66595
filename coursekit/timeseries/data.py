"""Time-series data: the BasicMotions sensor dataset, the ``.ts`` file format, standardisation.

``load_basic_motions()`` reads the UEA archive's BasicMotions (a smartwatch's 3-D accelerometer and
3-D gyroscope, 4 activities), shipped in ``coursekit/data_files/basic_motions`` (provenance, licence
and checksums in ``datasets/README.md``). ``read_ts`` reads any equal-length ``.ts`` file.
"""
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..base.dataset import Dataset

DATA_DIR = Path(__file__).resolve().parent.parent / "data_files" / "basic_motions"
# In the archive's files: accelerometer x, y, z, then gyroscope x, y, z.
BASIC_MOTIONS_CHANNELS = ["acc x", "acc y", "acc z", "gyro x", "gyro y", "gyro z"]


def read_ts(path):
    """Read an equal-length ``.ts`` file (the sktime / aeon / UEA archive format).

    The format: comment lines start with '#', header lines with '@' (``@classLabel true A B C`` lists
    the classes), and after ``@data`` one line per series: its channels separated by ':', the values
    of a channel by ',', and the class label last. '?' marks a missing value (read as NaN).

    Returns ``(x, labels, class_names)``: x float32 shaped (examples, steps, channels), labels the
    class of each series as a string, class_names in the order the header lists them.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No .ts file at {path}.")
    class_names, series, labels, in_data = None, [], [], False
    with open(path, encoding="utf-8") as fh:
        for number, raw in enumerate(fh, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if not in_data:
                if line.lower().startswith("@classlabel"):
                    parts = line.split()
                    if len(parts) > 2 and parts[1].lower() == "true":
                        class_names = parts[2:]
                elif line.lower().startswith("@data"):
                    in_data = True
                elif not line.startswith("@"):
                    raise ValueError(f"{path.name}, line {number}: expected a header line starting with '@' "
                                     f"before @data; got {line[:40]!r}.")
                continue
            *channels, label = line.split(":")
            if not channels:
                raise ValueError(f"{path.name}, line {number}: a data line needs channels and a label "
                                 "separated by ':'.")
            try:
                values = [[np.nan if v == "?" else float(v) for v in ch.split(",")] for ch in channels]
            except ValueError:
                raise ValueError(f"{path.name}, line {number}: a value is not a number.") from None
            lengths = {len(v) for v in values}
            if len(lengths) != 1:
                raise ValueError(f"{path.name}, line {number}: channels have different lengths {sorted(lengths)}; "
                                 "only equal-length series are supported.")
            series.append(np.array(values, dtype="float32").T)  # (steps, channels)
            labels.append(label.strip())
    if not series:
        raise ValueError(f"{path.name} holds no series after @data.")
    shapes = {s.shape for s in series}
    if len(shapes) != 1:
        raise ValueError(f"{path.name}: series have different shapes {sorted(shapes)}; "
                         "only equal-length series are supported.")
    if class_names is None:
        class_names = sorted(set(labels))
    unknown = set(labels) - set(class_names)
    if unknown:
        raise ValueError(f"{path.name}: labels {sorted(unknown)} are not in the header's classes {class_names}.")
    return np.stack(series), labels, list(class_names)


def load_basic_motions():
    """BasicMotions as ``(x_train, y_train, x_test, y_test, class_names)``.

    x: float32 (40, 100, 6) per split: 100 steps (10 s at 10 Hz) of accelerometer xyz and gyroscope xyz.
    y: int64 class indices into class_names (Standing, Running, Walking, Badminton).
    """
    x_train, lab_train, names = read_ts(DATA_DIR / "BasicMotions_TRAIN.ts")
    x_test, lab_test, names_test = read_ts(DATA_DIR / "BasicMotions_TEST.ts")
    if names_test != names:
        raise ValueError(f"BasicMotions train and test list different classes: {names} vs {names_test}.")
    index = {n: i for i, n in enumerate(names)}
    y_train = np.array([index[s] for s in lab_train], dtype="int64")
    y_test = np.array([index[s] for s in lab_test], dtype="int64")
    return x_train, y_train, x_test, y_test, names


def standardize(data):
    """A copy of a time-series Dataset with each channel scaled to mean 0 and sd 1.

    The mean and sd come from the TRAINING split only (no peeking at validation or test), and
    are kept in ``notes['mean']`` and ``notes['std']``. Augmentation sigmas are then in sd units.
    """
    if not isinstance(data, Dataset):
        raise TypeError(f"standardize takes a coursekit.data.Dataset; got {type(data).__name__}.")
    if data.x_train.ndim != 3:
        raise ValueError(f"standardize needs series shaped (examples, steps, channels); got {data.x_train.shape}.")
    mean = data.x_train.mean(axis=(0, 1), keepdims=True)
    std = data.x_train.std(axis=(0, 1), keepdims=True) + 1e-6

    def f(x):
        return ((x - mean) / std).astype("float32")

    return replace(data, x_train=f(data.x_train), x_val=f(data.x_val), x_test=f(data.x_test),
                   notes={**data.notes, "mean": mean.ravel(), "std": std.ravel()})
