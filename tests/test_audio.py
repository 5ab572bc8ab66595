"""coursekit.audio: spectrograms, the synthetic tones, and SpecAugment time / frequency masks."""
import numpy as np
import pytest
import tensorflow as tf

import coursekit as ck
from coursekit import audio

SPEC = np.linspace(1.0, 2.0, 40 * 30, dtype="float32").reshape(40, 30)
OPS = [audio.TimeMask(10, 2), audio.FreqMask(10, 2), audio.spec_augment(10, 10)]
IDS = ["TimeMask", "FreqMask", "spec_augment"]


def test_spectrogram_finds_the_pitch_of_a_tone():
    sr, f = 4000, 1000.0
    tone = np.sin(2 * np.pi * f * np.arange(2000) / sr).astype("float32")
    s = audio.spectrogram(tone, frame_length=128, frame_step=32)
    assert s.dtype == np.float32 and s.shape == (59, 65)
    peak_hz = s.mean(axis=0).argmax() * sr / 128
    assert abs(peak_hz - f) <= sr / 128
    assert audio.spectrogram(np.stack([tone, tone])).shape == (2, 59, 65)


def test_make_tones_is_seeded_and_balanced():
    a, ya, names = audio.make_tones(3, seed=1)
    b, _, _ = audio.make_tones(3, seed=1)
    c, _, _ = audio.make_tones(3, seed=2)
    assert a.shape == (12, 2000) and a.dtype == np.float32 and names == list(audio.CLASSES)
    assert np.bincount(ya).tolist() == [3, 3, 3, 3]
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_rising_tone_ends_higher_than_it_starts():
    s, y, _ = audio.make_tones(1, seed=0, noise=0.0)
    spec = audio.spectrogram(s[y == 1][0])
    loud = spec.max(axis=1) > spec.max() - 3  # frames where the tone sounds
    peaks = spec[loud].argmax(axis=1)
    assert peaks[-1] > peaks[0]


def test_tones_dataset_splits():
    d = audio.tones_dataset(n_per_class=2, n_val_per_class=3, n_test_per_class=4)
    assert len(d.x_train) == 8 and len(d.x_val) == 12 and len(d.x_test) == 16
    assert d.input_shape == (59, 65) and d.kind == "timeseries"


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_masks_keep_shape_dtype_and_are_seeded(op):
    a = op(tf.constant(SPEC), tf.constant([1, 2])).numpy()
    b = op(SPEC, [1, 2]).numpy()
    outs = [op(SPEC, [s, 0]).numpy() for s in range(10)]
    assert a.shape == SPEC.shape and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, o) for o in outs)
    assert any(not np.array_equal(SPEC, o) for o in outs)


def test_time_mask_blanks_whole_time_steps_only():
    fill = -5.0
    for s in range(20):
        out = audio.TimeMask(10, 1, fill=fill)(SPEC, [s, 1]).numpy()
        rows = (out == fill).all(axis=1)
        assert ((out == fill).any(axis=1) == rows).all()  # a masked step is masked in every frequency
        assert rows.sum() <= 10
        if rows.any():  # one consecutive band
            idx = np.flatnonzero(rows)
            assert idx[-1] - idx[0] + 1 == len(idx)
        np.testing.assert_array_equal(out[~rows], SPEC[~rows])


def test_freq_mask_blanks_whole_frequency_bins_only():
    out = audio.FreqMask(30, 3, fill=0.0)(SPEC, [3, 3]).numpy()
    cols = (out == 0).all(axis=0)
    assert ((out == 0).any(axis=0) == cols).all()
    np.testing.assert_array_equal(out[:, ~cols], SPEC[:, ~cols])


def test_masks_keep_labels_in_a_pipeline():
    x = np.stack([SPEC] * 5)
    y = np.array([3, 1, 0, 2, 1])
    xb, yb = next(iter(ck.pipeline.make_dataset(x, y, augment=audio.spec_augment(5, 5), batch_size=5,
                                                shuffle=False, kind="timeseries")))
    assert xb.shape == (5, 40, 30) and yb.numpy().tolist() == y.tolist()


@pytest.mark.parametrize("make, message", [
    (lambda: audio.TimeMask(-1), "max_width must be 0 or more"),
    (lambda: audio.FreqMask(5, count=0), "count must be at least 1"),
    (lambda: audio.FreqMask(5, count=50), "count must be at most 20"),
    (lambda: audio.TimeMask(5, fill="zero"), "fill must be 'mean'"),
    (lambda: audio.TimeMask(100)(SPEC, [1, 2]), "wider than the spectrogram's 40 time steps"),
    (lambda: audio.FreqMask(5)(np.stack([SPEC] * 2), [1, 2]), "shape \\(time, freq\\)"),
    (lambda: audio.spectrogram(np.zeros((2, 2, 300), "float32")), "shape \\(samples,\\)"),
    (lambda: audio.spectrogram(np.zeros(50, "float32")), "fewer than frame_length"),
    (lambda: audio.make_tones(3, noise=-1.0), "noise must be between"),
])
def test_bad_values_say_what_is_wrong(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_plot_spectrograms_is_titled_and_labelled():
    import matplotlib

    matplotlib.use("Agg")
    fig = audio.plot_spectrograms({"a": SPEC, "b": SPEC}, title="two")
    assert fig._suptitle.get_text() == "two" and fig.axes[0].get_xlabel() == "time (s)"
    assert fig.axes[1].get_ylabel() == "frequency (Hz)"
    with pytest.raises(ValueError, match="shape \\(time, freq\\)"):
        audio.plot_spectrograms({"a": SPEC[0]})
