"""Audio: spectrograms, a synthetic pitch-pattern dataset, and SpecAugment masking.

- ``spectrogram(signal)``   log-magnitude short-time Fourier transform, computed by Keras's
                            ``keras.layers.STFTSpectrogram`` layer (usable inside a model too), (time, freq)
- ``make_tones(...)``       synthetic sounds whose class is a pitch PATTERN (steady, rising, falling,
                            warble), at a random pitch, start, length and loudness, in noise
- ``tones_dataset(...)``    those sounds as spectrograms in a ``coursekit.data.Dataset`` (train/val/test)
- ``TimeMask``, ``FreqMask`` SpecAugment (Park et al., 2019): blank out random bands of time steps or of
                            frequencies. Seeded stateless ops on one (time, freq) array, ``aug(x, seed)``,
                            like every coursekit augmentation, so they run in tf.data and on a GPU.
- ``spec_augment(...)``     both, chained.

A (time, freq) spectrogram has the same layout as a (steps, channels) series, so the course's 1-D CNN
(``model="cnn1d"``) and ``coursekit.pipeline.make_dataset`` take it as it is.
"""
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from .base import validate
from .base.dataset import Dataset
from .base.stateless import Compose, StatelessAugment, as_seed

CLASSES = ("steady", "rising", "falling", "warble")


def spectrogram(signal, frame_length=128, frame_step=32):
    """Log-magnitude spectrogram of one signal (samples,) -> (time, freq), or a batch (N, samples) ->
    (N, time, freq). float32; frequency bins run from 0 to half the sample rate."""
    validate.positive_int(frame_length, "frame_length")
    validate.positive_int(frame_step, "frame_step")
    x = np.asarray(signal.numpy() if hasattr(signal, "numpy") else signal)
    if x.ndim not in (1, 2):
        raise ValueError(f"signal must have shape (samples,) or (examples, samples); got shape {x.shape}.")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"signal must hold floats; got dtype {x.dtype}. Use signal.astype('float32').")
    if x.shape[-1] < frame_length:
        raise ValueError(f"signal has {x.shape[-1]} samples, fewer than frame_length={frame_length}.")
    magnitude = stft_layer(frame_length, frame_step)(np.atleast_2d(x).astype("float32")[..., None])
    out = np.log(np.asarray(magnitude) + 1e-3).astype("float32")
    return out if x.ndim == 2 else out[0]


def stft_layer(frame_length=128, frame_step=32):
    """The Keras layer behind ``spectrogram``: (N, samples, 1) -> (N, time, freq) STFT magnitudes.

    A Hann window, no extra scaling: the same numbers as ``tf.signal.stft``'s magnitude. Put it (and
    a log) at the front of a model to compute spectrograms on the GPU, from raw audio. It computes in float32
    under every dtype policy (under mixed_float16 the next layer casts its output).
    """
    return keras.layers.STFTSpectrogram(mode="magnitude", frame_length=frame_length, frame_step=frame_step,
                                        window="hann", periodic=True, scaling=None, dtype="float32")


def make_tones(n_per_class=50, seed=0, sample_rate=4000, duration=0.5, noise=0.5):
    """Synthetic sounds, ``n_per_class`` of each pitch pattern in CLASSES, seeded.

    Each sound: a tone at a random base pitch (300-1200 Hz) that stays put (steady), glides up by an
    octave (rising), glides down (falling) or wobbles up and down (warble); random start, length and
    loudness; Gaussian noise of sd ``noise`` added. Returns (signals (N, samples) float32, labels int64,
    class_names).
    """
    validate.positive_int(n_per_class, "n_per_class")
    validate.positive_int(seed, "seed", allow_zero=True)
    validate.positive_int(sample_rate, "sample_rate")
    validate.fraction(duration, "duration", 0.1, 10.0)
    validate.fraction(noise, "noise", 0.0, 10.0)
    rng = np.random.default_rng(seed)
    n = int(sample_rate * duration)
    t = np.arange(n) / sample_rate
    signals, labels = [], []
    for c, name in enumerate(CLASSES):
        for _ in range(n_per_class):
            f0 = rng.uniform(300, 1200)
            length = rng.uniform(0.5, 0.8) * duration
            start = rng.uniform(0, duration - length)
            u = np.clip((t - start) / length, 0, 1)  # 0 -> 1 across the tone
            if name == "steady":
                freq = np.full(n, f0)
            elif name == "rising":
                freq = f0 * 2.0 ** u
            elif name == "falling":
                freq = f0 * 2.0 ** (1 - u)
            else:
                freq = f0 * 2.0 ** (0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(3, 5) * u))
            phase = 2 * np.pi * np.cumsum(freq) / sample_rate
            envelope = ((t >= start) & (t <= start + length)) * np.sin(np.pi * u) ** 0.5
            signals.append(rng.uniform(0.5, 1.0) * envelope * np.sin(phase) + noise * rng.normal(size=n))
            labels.append(c)
    return np.array(signals, dtype="float32"), np.array(labels, dtype="int64"), list(CLASSES)


def tones_dataset(n_per_class=8, n_val_per_class=50, n_test_per_class=50, seed=0, noise=0.5):
    """``make_tones`` as spectrograms in a coursekit Dataset: a small training set, larger val/test sets.

    Each split is generated from its own seed, so no sound appears in two splits. The spectrograms
    are standardised with the training mean and sd (one number each).
    """
    for v, name in ((n_per_class, "n_per_class"), (n_val_per_class, "n_val_per_class"),
                    (n_test_per_class, "n_test_per_class")):
        validate.positive_int(v, name)
    validate.positive_int(seed, "seed", allow_zero=True)
    parts = []
    for i, k in enumerate((n_per_class, n_val_per_class, n_test_per_class)):
        s, y, names = make_tones(k, seed=seed * 10 + i, noise=noise)
        parts.append((spectrogram(s), y))
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(parts[0][1]))
    parts[0] = (parts[0][0][order], parts[0][1][order])
    mean, std = parts[0][0].mean(), parts[0][0].std() + 1e-6
    (xtr, ytr), (xva, yva), (xte, yte) = [((x - mean) / std, y) for x, y in parts]
    return Dataset("tones", "timeseries", names, xtr, ytr, xva, yva, xte, yte,
                   notes={"n_per_class": n_per_class, "seed": seed, "noise": noise})


def _spec(x):
    return validate.one_example_2d(x, "spectrogram", "(time, freq)")


def _masks(x, seed, axis, max_width, count):
    """Multiply-mask that is 0 on `count` random bands (each 0..max_width wide) along `axis`, else 1."""
    size = tf.shape(x)[axis]
    width_cap = tf.minimum(max_width, size)
    keys = tf.random.experimental.stateless_split(as_seed(seed), count)
    idx = tf.range(size)
    keep = tf.ones([size], tf.bool)
    for i in range(count):
        k_w, k_s = tf.unstack(tf.random.experimental.stateless_split(keys[i], 2))
        width = tf.random.stateless_uniform([], k_w, 0, width_cap + 1, dtype=tf.int32)
        start = tf.random.stateless_uniform([], k_s, 0, size - width + 1, dtype=tf.int32)
        keep = keep & ~((idx >= start) & (idx < start + width))
    return keep


@dataclass(frozen=True)
class _Mask(StatelessAugment):
    max_width: int = 8
    count: int = 1
    fill: object = "mean"

    def __post_init__(self):
        validate.positive_int(self.max_width, "max_width", allow_zero=True)
        validate.positive_int(self.count, "count")
        if self.count > 20:
            raise ValueError(f"count must be at most 20 masks; got {self.count}.")
        if not (self.fill == "mean" or (isinstance(self.fill, (int, float)) and not isinstance(self.fill, bool))):
            raise ValueError(f"fill must be 'mean' (the spectrogram's mean) or a number; got {self.fill!r}.")

    def __call__(self, x, seed):
        x = _spec(x)
        axis = self.AXIS
        size = x.shape[axis]
        if size is not None and self.max_width > size:
            raise ValueError(f"max_width={self.max_width} is wider than the spectrogram's {size} "
                             f"{'time steps' if axis == 0 else 'frequency bins'}.")
        keep = _masks(x, seed, axis, self.max_width, self.count)
        keep = keep[:, None] if axis == 0 else keep[None, :]
        value = tf.reduce_mean(x) if self.fill == "mean" else tf.cast(self.fill, x.dtype)
        return tf.where(keep, x, value)


class TimeMask(_Mask):
    """SpecAugment time masking: blank ``count`` bands of up to ``max_width`` consecutive time steps.

    fill: 'mean' (the spectrogram's mean, the default) or a number.
    """

    AXIS = 0


class FreqMask(_Mask):
    """SpecAugment frequency masking: blank ``count`` bands of up to ``max_width`` adjacent frequency bins.

    fill: 'mean' (the spectrogram's mean, the default) or a number.
    """

    AXIS = 1


def spec_augment(time_width=8, freq_width=8, time_masks=1, freq_masks=1):
    """Time and frequency masking chained (``coursekit.base.stateless.Compose``)."""
    return Compose(TimeMask(time_width, time_masks), FreqMask(freq_width, freq_masks))


def plot_spectrograms(specs, title="Spectrograms", sample_rate=4000, frame_step=32):
    """Spectrograms side by side: {caption: (time, freq) array}; time in seconds, frequency in Hz."""
    import matplotlib.pyplot as plt

    if not isinstance(specs, dict) or not specs:
        raise TypeError("specs must be a non-empty dict {caption: (time, freq) array}.")
    fig, axes = plt.subplots(1, len(specs), figsize=(2.9 * len(specs), 2.9), squeeze=False)
    for ax, (name, s) in zip(axes.flat, specs.items()):
        s = np.asarray(s)
        if s.ndim != 2:
            raise ValueError(f"spectrogram {name!r} must have shape (time, freq); got shape {s.shape}.")
        extent = [0, s.shape[0] * frame_step / sample_rate, 0, sample_rate / 2]
        ax.imshow(s.T, origin="lower", aspect="auto", extent=extent, cmap="magma")
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("time (s)")
        ax.set_ylabel("frequency (Hz)")
    fig.suptitle(title)
    fig.tight_layout()
    return fig
