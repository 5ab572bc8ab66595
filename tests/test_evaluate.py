"""coursekit.evaluate: invariance is measured, not assumed; equivalent_size interpolates a real curve."""
import math

import keras
import numpy as np
import pytest

from coursekit import evaluate


def _model(fn, shape=(8, 8, 1), classes=2):
    """A tiny Keras model whose prediction is a fixed function of the image (no training needed)."""
    inputs = keras.Input(shape)
    return keras.Model(inputs, keras.layers.Lambda(fn)(inputs))


def _left_vs_right(x):
    # class 1 when the left half is brighter than the right half: NOT invariant to flips
    left = keras.ops.mean(x[:, :, :4, :], axis=(1, 2, 3))
    right = keras.ops.mean(x[:, :, 4:, :], axis=(1, 2, 3))
    return keras.ops.stack([right - left, left - right], axis=1)


def _brightness(x):
    # class 1 when the image is brighter than average: invariant to flips
    m = keras.ops.mean(x, axis=(1, 2, 3))
    return keras.ops.stack([0.5 - m, m - 0.5], axis=1)


@pytest.fixture(scope="module")
def images():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (40, 8, 8, 1)).astype("float32")
    x[:20, :, :4] += 0.5   # half the images are clearly brighter on the left
    x[20:, :, 4:] += 0.5   # half on the right
    return np.clip(x, 0, 1)


def test_flip_invariant_model_is_fully_consistent(images):
    flip = evaluate.augment_lib.custom(flip="horizontal")
    assert evaluate.prediction_consistency(_model(_brightness), images, flip, n_views=4, kind="photos") == 1.0


def test_flip_sensitive_model_changes_its_mind(images):
    flip = evaluate.augment_lib.custom(flip="horizontal")
    c = evaluate.prediction_consistency(_model(_left_vs_right), images, flip, n_views=8, kind="photos")
    assert 0.2 < c < 0.8  # about half the views are mirrored, and each mirror flips the answer


def test_views_are_seeded(images):
    a = evaluate.transformed_views(images, "standard", n_views=2, seed=3, kind="digits")
    b = evaluate.transformed_views(images, "standard", n_views=2, seed=3, kind="digits")
    c = evaluate.transformed_views(images, "standard", n_views=2, seed=4, kind="digits")
    assert a.shape == (2,) + images.shape
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    assert not np.allclose(a[0], a[1])


def test_invariance_table_rows_and_accuracy(images):
    y = np.array([1] * 20 + [0] * 20)
    flip = evaluate.augment_lib.custom(flip="horizontal")
    table = evaluate.invariance_table({"sided": [_model(_left_vs_right)], "bright": _model(_brightness)},
                                      images, y, {"flip": flip}, n_views=4, kind="photos")
    assert list(table["name"]) == ["sided", "bright"]
    sided = table.iloc[0]
    assert sided["clean_acc"] == 1.0 and sided["transformed_acc"] < 1.0
    assert sided["consistency"] == pytest.approx(sided["transformed_acc"])
    assert table.iloc[1]["consistency"] == 1.0


def test_no_transform_is_refused(images):
    with pytest.raises(ValueError, match="no augmentation"):
        evaluate.transformed_views(images, None)
    with pytest.raises(TypeError, match="Keras model"):
        evaluate.prediction_consistency("not a model", images, "standard")


def test_equivalent_size_interpolates_in_log_size():
    sizes, acc = [10, 30, 100], [0.80, 0.90, 0.95]
    assert evaluate.equivalent_size(sizes, acc, 0.90) == pytest.approx(30)
    mid = evaluate.equivalent_size(sizes, acc, 0.925)
    assert mid == pytest.approx(math.sqrt(30 * 100))
    assert evaluate.equivalent_size(sizes, acc, 0.99) == math.inf
    assert evaluate.equivalent_size(sizes, acc, 0.5) == 10
    # a noisy dip is smoothed: reaching 0.9 needs the 30-point, not a later one
    assert evaluate.equivalent_size([10, 30, 100], [0.8, 0.9, 0.88], 0.89) < 30


def test_equivalent_size_checks_input():
    with pytest.raises(ValueError, match="same length"):
        evaluate.equivalent_size([10, 30], [0.8], 0.9)
    with pytest.raises(ValueError, match="target"):
        evaluate.equivalent_size([10, 30], [0.8, 0.9], 1.5)


def test_stroke_thickness_measures_the_width_of_a_stroke_in_pixels():
    x = np.zeros((3, 16, 16), dtype="float32")
    x[0, 2:14, 7:8] = 1.0    # a vertical bar 1 pixel wide
    x[1, 2:14, 6:9] = 1.0    # the same bar, 3 pixels wide
    thin, thick, empty = evaluate.stroke_thickness(x[..., None])
    assert thick > 2 * thin and empty == 0.0
    assert 0.9 <= thin <= 1.3 and 2.7 <= thick <= 4.0  # ink per pixel of centre line (a bit short at the ends)


def test_top_per_class_keeps_each_class_balanced():
    y = np.array([0] * 6 + [1] * 3)
    values = np.array([5, 1, 4, 2, 6, 3, 10, 30, 20], dtype=float)
    mask = evaluate.top_per_class(values, y, 1 / 3)
    assert mask.tolist() == [True, False, False, False, True, False, False, True, False]
    with pytest.raises(ValueError, match="one entry per example"):
        evaluate.top_per_class(values[:3], y, 0.5)


def test_accuracies_one_number_per_model(images):
    y = np.array([1] * 20 + [0] * 20)  # the first 20 are brighter on the left: class 1 for _left_vs_right
    models = [_model(_left_vs_right), _model(_brightness)]
    accs = evaluate.accuracies(models, images, y)
    assert len(accs) == 2 and accs[0] == 1.0 and 0.0 <= accs[1] <= 1.0
