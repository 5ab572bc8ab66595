"""coursekit.validate and coursekit.data: clear errors, offline datasets, splits."""
import numpy as np
import pytest

import coursekit as ck
from coursekit.base import validate


def test_unknown_name_suggests_the_close_one():
    with pytest.raises(ValueError, match=r"Unknown dataset 'digit'.*Did you mean 'digits'"):
        ck.data.load("digit")


@pytest.mark.parametrize("bad, err, words", [
    (np.zeros((2, 8, 8, 3), "uint8"), TypeError, "uint8"),
    (np.zeros((8, 8, 3), "float32"), ValueError, "add a batch axis"),
    (np.zeros((2, 8, 8), "float32"), ValueError, r"x\[\.\.\., None\]"),
    (np.zeros((5, 16, 1), "float32"), ValueError, r"x\[\.\.\., None\]"),
    (np.zeros((5, 16, 3), "float32"), ValueError, "kind='timeseries'"),
    (np.zeros((2, 3, 8, 8), "float32"), ValueError, "Channels-first"),
    (np.full((2, 8, 8, 1), 255.0, "float32"), ValueError, "Divide 0-255"),
    (np.zeros((2, 8, 8, 1), "int32"), TypeError, "float"),
])
def test_images_are_checked_with_one_sentence(bad, err, words):
    with pytest.raises(err, match=words) as info:
        validate.images(bad)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("value", [-0.1, 1.5, float("nan")])
def test_strength_out_of_range(value):
    with pytest.raises(ValueError, match="between 0 and 1"):
        validate.strength(value)


def test_strength_wrong_type():
    with pytest.raises(TypeError, match="number between 0 and 1"):
        validate.strength("strong")


def test_labels_must_match_images():
    with pytest.raises(ValueError, match="3 images but 2 labels"):
        validate.labels([0, 1], 3)
    with pytest.raises(ValueError, match="argmax"):
        validate.labels(np.eye(3), 3)


def test_digits_split_is_float_nhwc_and_balanced_subset():
    d = ck.data.load("digits", n_per_class=7, seed=1)
    assert d.x_train.dtype == np.float32 and d.x_train.ndim == 4 and d.input_shape == (16, 16, 1)
    assert 0.0 <= d.x_train.min() and d.x_train.max() <= 1.0
    assert np.bincount(d.y_train).tolist() == [7] * 10
    assert d.class_names == [str(i) for i in range(10)]
    assert len(d.x_val) > 300 and len(d.x_test) > 300  # validation and test stay whole


def test_same_seed_same_split_other_seed_other_subset():
    a = ck.data.load("digits", n_per_class=5, seed=3)
    b = ck.data.load("digits", n_per_class=5, seed=3)
    c = ck.data.load("digits", n_per_class=5, seed=4)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_val, b.y_val)
    assert not np.array_equal(a.x_train, c.x_train)


def test_digits_resize_to_32():
    assert ck.data.load("digits", n_per_class=2, image_size=32).input_shape == (32, 32, 1)


def test_faces_are_two_classes_of_grayscale():
    d = ck.data.load("faces")
    assert d.class_names == ["not face", "face"] and d.input_shape == (32, 32, 1) and d.kind == "faces"
    assert len(d.x_train) + len(d.x_val) + len(d.x_test) == 200


def test_sample_photos_are_real_rgb_in_unit_range():
    photos = ck.data.sample_photos(size=48)
    assert set(photos) == {"china", "flower", "astronaut", "coffee", "chelsea"}
    for img in photos.values():
        assert img.shape == (48, 48, 3) and img.dtype == np.float32 and img.max() <= 1 and img.std() > 0.05


def test_n_per_class_too_large_says_the_limit():
    with pytest.raises(ValueError, match=r"n_per_class=500 is more than 'faces'.*Use n_per_class <="):
        ck.data.load("faces", n_per_class=500)


@pytest.mark.parametrize("kwargs, err", [
    ({"n_per_class": 0}, ValueError), ({"n_per_class": 2.5}, TypeError), ({"image_size": 4}, ValueError),
    ({"seed": -1}, ValueError), ({"val_fraction": 0.9}, ValueError)])
def test_bad_load_arguments(kwargs, err):
    with pytest.raises(err):
        ck.data.load("digits", **kwargs)


@pytest.mark.parametrize("bad, count, first", [
    (np.where(np.arange(2 * 4 * 4).reshape(2, 4, 4, 1) == 21, np.nan, 0.5).astype("float32"), 1, "(1, 1, 1, 0)"),
    (np.full((2, 4, 4, 1), np.inf, "float32"), 32, "(0, 0, 0, 0)"),
])
def test_non_finite_pixels_are_refused_with_count_and_place(bad, count, first):
    with pytest.raises(ValueError) as info:
        validate.images(bad)
    msg = str(info.value)
    assert f"hold {count} NaN or infinite" in msg and first in msg and "\n" not in msg


def test_float_images_without_channel_axis_get_one_sentence_not_a_traceback():
    """The commonest grayscale shape after x / 255: (N, H, W) floats. Refused up front, naming the fix."""
    x = np.random.default_rng(0).random((6, 16, 16)).astype("float32")
    with pytest.raises(ValueError, match=r"x\[\.\.\., None\]") as info:
        ck.pipeline.make_dataset(x, np.zeros(6, "int64"), augment="standard", kind="digits")
    assert "\n" not in str(info.value)
    ds = ck.pipeline.make_dataset(x[..., None], np.zeros(6, "int64"), augment="standard", kind="digits")
    assert next(iter(ds))[0].shape == (6, 16, 16, 1)


def test_series_are_series_by_kind_never_by_shape():
    x = np.random.default_rng(0).normal(size=(6, 20, 3)).astype("float32")  # 3 channels, like RGB
    with pytest.raises(ValueError, match="kind='timeseries'"):
        ck.pipeline.make_dataset(x, np.zeros(6, "int64"))  # the default kind is an image kind
    xb, _ = next(iter(ck.pipeline.make_dataset(x, np.zeros(6, "int64"), kind="timeseries", batch_size=6)))
    assert xb.shape == (6, 20, 3)
    with pytest.raises(ValueError, match="examples, steps, channels"):
        ck.pipeline.make_dataset(x[..., None], np.zeros(6, "int64"), kind="timeseries")


def test_non_finite_series_are_refused_with_count_and_place():
    x = np.zeros((4, 10, 2), "float32")
    x[2, 3, 1] = np.nan
    x[3, 0, 0] = np.inf
    with pytest.raises(ValueError, match=r"hold 2 NaN or infinite value\(s\), the first at index \(2, 3, 1\)"):
        ck.pipeline.make_dataset(x, np.zeros(4, "int64"), kind="timeseries")
