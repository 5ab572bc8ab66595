"""coursekit.timeseries: the shipped BasicMotions files, the .ts reader, and label-keeping augmentations."""
import hashlib
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

import coursekit as ck
from coursekit import timeseries as ts

ROOT = Path(__file__).resolve().parent.parent
SERIES = np.sin(np.linspace(0, 6, 100))[:, None] * np.arange(1, 7)[None, :].astype("float32")
SERIES = SERIES.astype("float32")

OPS = [ts.Jitter(0.1), ts.Scaling(0.2), ts.MagnitudeWarp(0.3, 4), ts.TimeWarp(0.3, 4), ts.WindowSlice(0.7),
       ts.RandomRotation3D(max_degrees=90.0), ts.preset("standard", rotation=True)]
IDS = [type(o).__name__ for o in OPS]


def test_checksums_match_the_shipped_files():
    lines = [ln.split() for ln in (ROOT / "datasets" / "checksums.sha256").read_text().splitlines() if ln.strip()]
    ours = {path: digest for digest, path in lines if "basic_motions" in path}
    assert len(ours) == 2
    for path, digest in ours.items():
        assert hashlib.sha256((ROOT / path).read_bytes()).hexdigest() == digest, path


def test_load_basic_motions_shapes_and_labels():
    x_tr, y_tr, x_te, y_te, names = ts.load_basic_motions()
    assert x_tr.shape == (40, 100, 6) and x_te.shape == (40, 100, 6)
    assert x_tr.dtype == np.float32 and y_tr.dtype == np.int64
    assert names == ["Standing", "Running", "Walking", "Badminton"]
    assert np.bincount(y_tr).tolist() == [10] * 4 and np.bincount(y_te).tolist() == [10] * 4
    assert np.isfinite(x_tr).all()
    # Running shakes the watch far more than standing still.
    assert x_tr[y_tr == 1].std() > 5 * x_tr[y_tr == 0].std()


def test_data_load_basic_motions_subset():
    d = ck.data.load("basic_motions", n_per_class=5)
    assert d.kind == "timeseries" and d.input_shape == (100, 6)
    assert len(d.x_train) == 20 and np.bincount(d.y_train).tolist() == [5] * 4


def test_read_ts_parses_a_small_file(tmp_path):
    f = tmp_path / "tiny.ts"
    f.write_text("# comment\n@problemName tiny\n@classLabel true a b\n@data\n1,2,3:4,5,6:b\n7,?,9:1,1,1:a\n")
    x, labels, names = ts.read_ts(f)
    assert x.shape == (2, 3, 2) and names == ["a", "b"] and labels == ["b", "a"]
    assert x[0, :, 1].tolist() == [4, 5, 6] and np.isnan(x[1, 1, 0])


def test_read_ts_refuses_ragged_series(tmp_path):
    f = tmp_path / "ragged.ts"
    f.write_text("@classLabel true a\n@data\n1,2,3:4,5:a\n")
    with pytest.raises(ValueError, match="different lengths"):
        ts.read_ts(f)


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_op_keeps_shape_dtype_and_is_seeded(op):
    a = op(tf.constant(SERIES), tf.constant([1, 2]))
    b = op(SERIES, [1, 2])
    c = op(SERIES, [5, 6])
    assert a.shape == SERIES.shape and a.dtype == tf.float32
    np.testing.assert_allclose(a.numpy(), b.numpy())
    assert np.abs(a.numpy() - c.numpy()).max() > 1e-4
    assert np.abs(a.numpy() - SERIES).max() > 1e-4
    assert np.isfinite(a.numpy()).all()


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_op_keeps_label_in_a_pipeline_and_runs_in_graph(op):
    x = np.stack([SERIES] * 6)
    y = np.arange(6) % 3
    ds = ck.pipeline.make_dataset(x, y, augment=op, batch_size=6, shuffle=False, kind="timeseries")
    xb, yb = next(iter(ds))
    assert xb.shape == (6, 100, 6) and yb.numpy().tolist() == y.tolist()


def test_rotation_keeps_each_sensor_vector_length():
    out = ts.RandomRotation3D(max_degrees=180.0)(SERIES, [3, 4]).numpy()
    for g in ((0, 1, 2), (3, 4, 5)):
        np.testing.assert_allclose(np.linalg.norm(out[:, g], axis=1), np.linalg.norm(SERIES[:, g], axis=1),
                                   rtol=1e-4)


def test_time_warp_and_window_slice_keep_the_ends_in_order():
    ramp = np.linspace(0, 1, 100, dtype="float32")[:, None]
    for op in (ts.TimeWarp(0.5), ts.WindowSlice(0.5)):
        out = op(ramp, [7, 8]).numpy()[:, 0]
        assert np.all(np.diff(out) >= -1e-6)  # time never runs backwards


def test_zero_strength_is_identity():
    for op in (ts.Jitter(0.0), ts.Scaling(0.0), ts.MagnitudeWarp(0.0), ts.TimeWarp(0.0), ts.WindowSlice(1.0),
               ts.RandomRotation3D(max_degrees=0.0)):
        np.testing.assert_allclose(op(SERIES, [1, 1]).numpy(), SERIES, atol=1e-4)


@pytest.mark.parametrize("make, message", [
    (lambda: ts.Jitter(-0.1), "sigma must be between"),
    (lambda: ts.Scaling(5.0), "sigma must be between"),
    (lambda: ts.MagnitudeWarp(0.2, knots=0), "knots must be at least 1"),
    (lambda: ts.TimeWarp(0.2, knots=500), "knots must be at most 50"),
    (lambda: ts.WindowSlice(0.0), "ratio must be between"),
    (lambda: ts.RandomRotation3D(max_degrees=400), "max_degrees must be between"),
    (lambda: ts.RandomRotation3D(groups=((0, 1),)), "channel triples"),
    (lambda: ts.RandomRotation3D(groups=((0, 1, 2), (2, 3, 4))), "must not share channels"),
    (lambda: ts.preset("strong"), "Unknown time-series preset"),
])
def test_bad_parameters_say_what_is_wrong(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_inputs_say_what_is_wrong():
    with pytest.raises(ValueError, match="shape \\(steps, channels\\)"):
        ts.Jitter(0.1)(np.stack([SERIES] * 2), [1, 2])
    with pytest.raises(TypeError, match="must hold floats"):
        ts.Jitter(0.1)(np.zeros((10, 3), dtype="int32"), [1, 2])
    with pytest.raises(ValueError, match="only 3 channels"):
        ts.RandomRotation3D()(SERIES[:, :3], [1, 2])
    with pytest.raises(TypeError, match="Compose takes"):
        ts.Compose(ts.Jitter(0.1), "noise")


def test_standardize_uses_training_statistics_only():
    d = ts.standardize(ck.data.load("basic_motions", n_per_class=5))
    np.testing.assert_allclose(d.x_train.mean(axis=(0, 1)), 0, atol=1e-4)
    np.testing.assert_allclose(d.x_train.std(axis=(0, 1)), 1, atol=1e-3)
    assert not np.allclose(d.x_val.mean(axis=(0, 1)), 0, atol=1e-3)


def test_cnn1d_trains_with_time_series_augmentation():
    d = ts.standardize(ck.data.load("basic_motions", n_per_class=2))
    cfg = ck.train.config(dataset=d, model="cnn1d", augment=ts.preset("light"), epochs=2, width=4, batch_size=8)
    res = ck.train.run(cfg, seeds=[0], progress=False, keep_models=False)
    row = res.runs.iloc[0]
    assert 0.0 <= row["val_acc"] <= 1.0 and len(res.histories["run"][0]["loss"]) == 2


def test_augment_many_gives_each_series_its_own_seed():
    x = np.stack([SERIES] * 3)
    a = ts.augment_many(x, ts.Jitter(0.1), seed=4)
    assert a.shape == x.shape and a.dtype == np.float32
    np.testing.assert_array_equal(a, ts.augment_many(x, ts.Jitter(0.1), seed=4))
    assert not np.allclose(a[0], a[1])
    with pytest.raises(ValueError, match="shape \\(examples, steps, channels\\)"):
        ts.augment_many(SERIES, ts.Jitter(0.1))


def test_plots_are_titled_and_labelled():
    import matplotlib

    matplotlib.use("Agg")
    fig = ts.plot_augmentations(SERIES, {"jitter": ts.Jitter(0.1), "warp": ts.TimeWarp(0.2)}, channel=2)
    ax = fig.axes[0]
    assert fig._suptitle.get_text() and ax.get_xlabel() and ax.get_ylabel() and len(ax.lines) == 4
    x_tr, y_tr, _, _, names = ts.load_basic_motions()
    fig = ts.plot_classes(x_tr, y_tr, names)
    assert [a.get_title() for a in fig.axes] == names
    with pytest.raises(ValueError, match="channel 9 does not exist"):
        ts.plot_augmentations(SERIES, {"jitter": ts.Jitter(0.1)}, channel=9)


# ---------------------------------------------------------------- synthetic motions

def test_make_motions_shapes_balance_and_finite_values():
    x, y, names = ts.make_motions(n_per_class=20, seed=3)
    assert x.shape == (80, 100, 6) and x.dtype == np.float32 and y.dtype == np.int64
    assert names == ["Standing", "Running", "Walking", "Badminton"] == ts.MOTION_CLASSES
    assert np.bincount(y).tolist() == [20] * 4
    assert np.isfinite(x).all()
    assert len(set(y[:8].tolist())) > 1  # shuffled, not one class after the other


def test_make_motions_is_deterministic_by_seed():
    a, ya, _ = ts.make_motions(n_per_class=5, seed=1)
    b, yb, _ = ts.make_motions(n_per_class=5, seed=1)
    c, _, _ = ts.make_motions(n_per_class=5, seed=2)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ya, yb)
    assert not np.allclose(a, c)
    assert ts.make_motions(n_per_class=5, seed=1, steps=40)[0].shape == (20, 40, 6)


def test_make_motions_is_physically_plausible():
    x, y, names = ts.make_motions(n_per_class=50, seed=0)
    acc_length = np.linalg.norm(x[:, :, :3], axis=2)
    standing, running = y == names.index("Standing"), y == names.index("Running")
    # Standing still, the accelerometer reads gravity: about 1 g in length, whatever the watch's angle.
    assert abs(np.median(acc_length[standing]) - 1.0) < 0.15
    # Running shakes and turns the watch far more than standing still.
    assert x[running].std(axis=1).mean() > 3 * x[standing].std(axis=1).mean()
    # The watch's angle varies: where gravity shows up differs between standing recordings.
    assert x[standing][:, :, :3].mean(axis=1).std(axis=0).max() > 0.2


def test_make_motions_refuses_bad_arguments():
    with pytest.raises(ValueError):
        ts.make_motions(n_per_class=0)
    with pytest.raises(ValueError, match="at least 20"):
        ts.make_motions(n_per_class=2, steps=10)


def test_data_load_synthetic_motions_has_a_large_validation_split():
    d = ck.data.load("synthetic_motions", n_per_class=3, seed=1)
    assert d.kind == "timeseries" and d.input_shape == (100, 6)
    assert len(d.x_train) == 12 and np.bincount(d.y_train).tolist() == [3] * 4
    assert len(d.x_val) >= 200 and len(d.x_test) >= 200
    assert np.bincount(d.y_val).tolist() == [len(d.y_val) // 4] * 4
    assert "synthetic_motions" in ck.data.OFFLINE
