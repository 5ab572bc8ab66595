"""Facts about Keras preprocessing layers that the course teaches, checked on the pinned Keras.

A docstring can be wrong (RandomCrop's promises a centre crop at inference), so each fact a lesson or an
exercise relies on is asserted here by running it.
"""
import keras
import numpy as np
import pytest
import tensorflow as tf

RNG = np.random.default_rng(0)
X = RNG.random((8, 16, 16, 3)).astype("float32")
RAMP = np.stack([np.arange(16 * 16 * 3).reshape(16, 16, 3).astype("float32") / 768] * 4)


@pytest.mark.pinned_env
def test_pinned_keras():
    assert keras.__version__ == "3.15.1"


def test_random_crop_changes_size_between_training_and_inference():
    crop = keras.layers.RandomCrop(8, 8, seed=0)
    assert crop(X, training=True).shape == (8, 8, 8, 3)
    assert crop(X).shape == (8, 8, 8, 3)  # called with no flag, it crops: training=True by default
    assert crop(X, training=False).shape == (8, 16, 16, 3)  # inference: the full image, no centre crop


@pytest.mark.parametrize("layer", [keras.layers.RandomZoom(0.2, seed=0), keras.layers.RandomTranslation(0.2, 0.2, seed=0)],
                         ids=["RandomZoom", "RandomTranslation"])
def test_size_keeping_layers_are_the_safe_replacement(layer):
    assert layer(X, training=True).shape == layer(X, training=False).shape == X.shape


def test_random_crop_draws_one_location_per_call():
    out = np.asarray(keras.layers.RandomCrop(8, 8, seed=3)(RAMP, training=True))
    assert all(np.array_equal(out[0], o) for o in out)  # four identical images, four identical crops


def test_rand_augment_picks_its_operations_per_call_and_magnitudes_per_image():
    ra = keras.layers.RandAugment(value_range=(0, 1), num_ops=2, factor=0.5, seed=0)
    t = ra.get_random_transformation(X, training=True)
    assert tuple(t["layer_idxes"].shape) == (2,)  # one choice of 2 operations for the whole batch
    rotation = t["transforms"]["random_rotation"]
    angles = np.asarray(rotation["angle"] if isinstance(rotation, dict) else rotation)
    assert angles.shape[0] == len(X) and len(np.unique(angles)) > 1  # a magnitude per image


def test_preprocessing_layers_augment_unless_told_training_false():
    flip = keras.layers.RandomFlip("horizontal", seed=0)
    model = keras.Sequential([keras.Input((16, 16, 3)), flip])
    assert not np.allclose(np.asarray(model(X)), X)  # model(x): augments
    assert not np.allclose(np.asarray(keras.layers.Pipeline([flip])(X)), X)  # Pipeline too
    assert np.allclose(np.asarray(model(X, training=False)), X)
    assert np.allclose(model.predict(X, verbose=0), X)  # predict and evaluate switch them off


@pytest.mark.parametrize("layer", [keras.layers.Dropout(0.5), keras.layers.GaussianNoise(0.5)],
                         ids=["Dropout", "GaussianNoise"])
def test_regularization_layers_are_off_unless_training_true(layer):
    assert np.allclose(np.asarray(layer(X)), X)
    assert not np.allclose(np.asarray(layer(X, training=True)), X)


def test_mixup_needs_the_labels_passed_with_the_images():
    mix = keras.layers.MixUp(alpha=0.2, seed=0)
    y = np.eye(2)[np.arange(8) % 2].astype("float32")
    images_only = mix(X, training=True)
    assert tuple(images_only.shape) == X.shape  # no labels in, no labels out, no warning
    out = mix({"images": X, "labels": y}, training=True)
    assert not np.allclose(np.asarray(out["labels"]), y)  # passed together, the labels are mixed


def test_stateless_ops_repeat_with_the_same_seed_in_this_process():
    """The scope of the promise: same seed, same op, same TF version and hardware -> same numbers."""
    a = tf.random.stateless_uniform([5], seed=[1, 2])
    b = tf.random.stateless_uniform([5], seed=[1, 2])
    c = tf.random.stateless_uniform([5], seed=[1, 3])
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("name", ["RandomErasing", "MixUp", "CutMix"])
def test_some_augmentation_layers_fail_in_float16_and_work_in_float32(name):
    """Why coursekit builds augmentation layers in float32 (coursekit.augment.in_float32): under mixed_float16, the
    policy ck.device.setup() sets on a Colab T4, L4 or A100, these fail inside a tf.function (Keras 3.13 and 3.15)."""
    images, labels = tf.constant(X), tf.one_hot(np.arange(8) % 4, 4)
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        layers = {dtype: getattr(keras.layers, name)(seed=0, dtype=dtype) for dtype in (None, "float32")}
    finally:
        keras.mixed_precision.set_global_policy("float32")
    data = images if name == "RandomErasing" else {"images": images, "labels": labels}
    with pytest.raises((TypeError, ValueError, tf.errors.InvalidArgumentError)):
        tf.function(lambda: layers[None](data, training=True))()
    out = tf.function(lambda: layers["float32"](data, training=True))()
    assert all(t.dtype == tf.float32 for t in tf.nest.flatten(out))
