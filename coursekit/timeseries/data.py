"""Time-series data: the BasicMotions sensor dataset, the ``.ts`` file format, synthetic motions, standardisation.

``load_basic_motions()`` reads the UEA archive's BasicMotions (a smartwatch's 3-D accelerometer and
3-D gyroscope, 4 activities), shipped in ``coursekit/data_files/basic_motions`` (provenance, licence
and checksums in ``datasets/README.md``). ``read_ts`` reads any equal-length ``.ts`` file.

``make_motions()`` generates synthetic recordings of the same four activities and sensors (seeded): as
many as an experiment needs, where BasicMotions' 80 series are too few to measure a difference.
"""
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..base import validate
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


# ---------------------------------------------------------------- synthetic smartwatch recordings

MOTION_CLASSES = ["Standing", "Running", "Walking", "Badminton"]  # BasicMotions' classes, in its order
MOTION_RATE_HZ = 10  # samples per second, as BasicMotions
# Each activity: the arm's swing frequency in Hz (one swing per stride, so the body bounces at twice it),
# the movement's acceleration amplitude in g, the arm's angular velocity in rad/s, how many sudden strokes
# the recording holds (badminton's shots; standing's odd fidget) and their sizes. The ranges overlap on
# purpose: a slow jog and a brisk walk, a quiet rally and a restless stand are hard to tell apart.
MOTION_ACTIVITIES = {
    "Standing": dict(freq=(0.15, 0.6), acc=(0.02, 0.15), gyro=(0.05, 0.5), strokes=(0, 2),
                     stroke_acc=(0.1, 0.6), stroke_gyro=(0.3, 2.0), forearm_down=0.9),
    "Running": dict(freq=(1.0, 1.5), acc=(0.35, 1.6), gyro=(1.2, 4.0), strokes=(0, 0),
                    stroke_acc=(0, 0), stroke_gyro=(0, 0), forearm_down=0.3),
    "Walking": dict(freq=(0.75, 1.15), acc=(0.12, 0.7), gyro=(0.5, 2.2), strokes=(0, 1),
                    stroke_acc=(0.1, 0.5), stroke_gyro=(0.3, 1.5), forearm_down=0.9),
    "Badminton": dict(freq=(0.4, 1.2), acc=(0.1, 0.6), gyro=(0.3, 1.8), strokes=(1, 4),
                      stroke_acc=(0.5, 2.5), stroke_gyro=(1.5, 6.0), forearm_down=0.5),
}
# What differs between recordings of the SAME activity (what the time-series augmentations imitate):
MOTION_NUISANCE = dict(
    tempo_sd=0.12,        # the pace speeds up and slows down smoothly (TimeWarp)
    effort_sd=0.15,       # the effort drifts smoothly over the recording (MagnitudeWarp)
    gain_sd=0.12,         # each sensor axis has its own gain, recording to recording (Scaling)
    max_degrees=45.0,     # the watch sits at another angle on the wrist: one 3-D rotation (RandomRotation3D)
    acc_noise=(0.02, 0.06), gyro_noise=(0.03, 0.10),  # sensor noise, g and rad/s (Jitter)
    acc_bias_sd=0.03, gyro_bias_sd=0.05, gyro_drift_sd=0.05,  # offsets and a slow gyroscope drift
)


def _smooth_curves(rng, n, t, sd):
    """n smooth random curves near 1 over times t (s): three slow sinusoids (periods 10, 5, 3.3 s)."""
    span = t[-1] + (t[1] - t[0])
    curve = np.zeros((n, len(t)))
    for k in (1, 2, 3):
        amp = rng.normal(0.0, 1.0, (n, 1)) / np.sqrt(3)
        phase = rng.uniform(0, 2 * np.pi, (n, 1))
        curve += amp * np.sin(2 * np.pi * k * t / span + phase)
    return 1.0 + sd * curve


def _rotations(rng, n, max_degrees):
    """n random 3x3 rotations: a uniform random axis, an angle uniform in +-max_degrees (Rodrigues)."""
    axis = rng.normal(size=(n, 3))
    axis /= np.linalg.norm(axis, axis=1, keepdims=True)
    angle = rng.uniform(-1, 1, n) * np.deg2rad(max_degrees)
    k = np.zeros((n, 3, 3))
    k[:, 0, 1], k[:, 0, 2], k[:, 1, 2] = -axis[:, 2], axis[:, 1], -axis[:, 0]
    k -= k.transpose(0, 2, 1)
    s, c = np.sin(angle)[:, None, None], np.cos(angle)[:, None, None]
    return np.eye(3) + s * k + (1 - c) * (k @ k)


def _activity(rng, n, p, t, nuisance):
    """n recordings of one activity, (n, steps, 6): accelerometer (g, with gravity) and gyroscope (rad/s)."""
    steps, dt = len(t), t[1] - t[0]
    u = lambda lo_hi, size=(n, 1): rng.uniform(lo_hi[0], lo_hi[1], size)  # noqa: E731
    # The arm's swing phase: a frequency of its own per recording, a pace that drifts (time warping).
    tempo = _smooth_curves(rng, n, t, nuisance["tempo_sd"])
    phi = 2 * np.pi * u(p["freq"]) * np.cumsum(tempo, axis=1) * dt + rng.uniform(0, 2 * np.pi, (n, 1))
    acc_amp, gyro_amp = u(p["acc"]), u(p["gyro"])
    style = lambda: rng.uniform(0.4, 1.0, (n, 1))  # noqa: E731  (how much of each component this person has)
    ph = lambda: rng.uniform(0, 2 * np.pi, (n, 1))  # noqa: E731
    # Watch frame: x along the forearm, y across the wrist, z out of the watch face.
    acc = np.stack([style() * np.sin(phi + ph()),                                     # forward swing
                    0.5 * style() * np.sin(phi + ph()),                               # sideways sway
                    style() * np.sin(2 * phi + ph()) + 0.3 * style() * np.sin(3 * phi + ph())],  # bounce per step
                   axis=2) * acc_amp[..., None]
    swing = np.sin(phi + ph())
    gyro = np.stack([0.3 * style() * np.sin(2 * phi + ph()), swing,
                     0.3 * style() * np.sin(phi + ph())], axis=2) * gyro_amp[..., None]
    # Strokes: a quick turn of the wrist (a bump of angular velocity) with a push-then-brake acceleration.
    counts = rng.integers(p["strokes"][0], p["strokes"][1] + 1, n)
    for i in np.flatnonzero(counts):
        for _ in range(counts[i]):
            centre, width = rng.uniform(0.5, t[-1] - 0.5), rng.uniform(0.15, 0.4)
            bump = np.exp(-0.5 * ((t - centre) / width) ** 2)
            axis_g, axis_a = rng.normal(size=3), rng.normal(size=3)
            gyro[i] += u(p["stroke_gyro"], ()) * bump[:, None] * axis_g / np.linalg.norm(axis_g)
            acc[i] += (u(p["stroke_acc"], ()) * (-(t - centre) / width * bump)[:, None]
                       * axis_a / np.linalg.norm(axis_a))
    # The effort drifts over the recording (magnitude warping of the movement).
    effort = _smooth_curves(rng, n, t, nuisance["effort_sd"])[..., None]
    acc, gyro = acc * effort, gyro * effort
    # Gravity (1 g): the forearm points down by an amount typical of the activity, tilting with the swing.
    tilt = np.arcsin(np.clip(p["forearm_down"] + rng.normal(0, 0.1, (n, 1)), -1, 1))
    tilt = tilt + np.clip(np.cumsum(gyro[:, :, 1], axis=1) * dt, -1.0, 1.0) * 0.5
    acc += np.stack([-np.sin(tilt), np.zeros_like(tilt), -np.cos(tilt)], axis=2)
    # How this watch sits on this wrist: one rotation for both sensors (they share the watch's frame).
    rot = _rotations(rng, n, nuisance["max_degrees"])
    acc, gyro = acc @ rot.transpose(0, 2, 1), gyro @ rot.transpose(0, 2, 1)
    x = np.concatenate([acc, gyro], axis=2)
    # The sensors: a gain per axis, offsets, a slow gyroscope drift, noise.
    x *= 1.0 + nuisance["gain_sd"] * rng.normal(size=(n, 1, 6))
    x[:, :, :3] += nuisance["acc_bias_sd"] * rng.normal(size=(n, 1, 3))
    x[:, :, 3:] += nuisance["gyro_bias_sd"] * rng.normal(size=(n, 1, 3))
    x[:, :, 3:] += nuisance["gyro_drift_sd"] * rng.normal(size=(n, 1, 3)) * (t / t[-1])[None, :, None]
    x[:, :, :3] += u(nuisance["acc_noise"])[..., None] * rng.normal(size=(n, steps, 3))
    x[:, :, 3:] += u(nuisance["gyro_noise"])[..., None] * rng.normal(size=(n, steps, 3))
    return x


def make_motions(n_per_class=300, seed=0, steps=100):
    """Synthetic smartwatch recordings of BasicMotions' four activities, as ``(x, y, class_names)``.

    x: float32 (4 * n_per_class, steps, 6): accelerometer x, y, z in g (gravity included) and gyroscope
    x, y, z in rad/s, at 10 Hz. y: int64 class indices into class_names (Standing, Running, Walking,
    Badminton), n_per_class of each, shuffled. The same seed always gives the same recordings.

    Each recording is an arm swinging at an activity-specific frequency and strength (walking and running
    with a bounce at every step, badminton and restless standing with sudden strokes), seen by a watch
    worn at its own angle. Within one activity, recordings differ in exactly the ways the course's
    time-series augmentations imitate (``MOTION_NUISANCE``): pace drifting (time warping), effort
    drifting (magnitude warping), per-axis gain (scaling), the watch's angle (3-D rotation) and sensor
    noise (jitter), plus offsets and gyroscope drift. The activities' ranges (``MOTION_ACTIVITIES``) overlap,
    so a few examples per class do not make the task easy. It is a model of the physics, not a recording:
    use it where a real data set is too small to measure a difference.
    """
    validate.positive_int(n_per_class, "n_per_class")
    validate.positive_int(seed, "seed", allow_zero=True)
    validate.positive_int(steps, "steps")
    if steps < 20:
        raise ValueError(f"steps must be at least 20 (2 s at 10 Hz) to hold a movement; got {steps}.")
    rng = np.random.default_rng([seed, 7007])
    t = np.arange(steps) / MOTION_RATE_HZ
    x = np.concatenate([_activity(rng, n_per_class, MOTION_ACTIVITIES[name], t, MOTION_NUISANCE)
                        for name in MOTION_CLASSES])
    y = np.repeat(np.arange(len(MOTION_CLASSES)), n_per_class)
    order = rng.permutation(len(y))
    return x[order].astype("float32"), y[order].astype("int64"), list(MOTION_CLASSES)
