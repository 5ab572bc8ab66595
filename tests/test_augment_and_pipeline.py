"""coursekit.augment and coursekit.pipeline: presets, stateless seeds, the order of a tf.data pipeline."""
import numpy as np
import pytest
import tensorflow as tf

import coursekit as ck
from coursekit.augment import ImageAugment, LabelAwareFlip


@pytest.fixture(scope="module")
def digits():
    return ck.data.load("digits", n_per_class=4)


@pytest.fixture(scope="module")
def photo():
    return ck.data.sample_photos(size=32)["astronaut"]


def _epoch(ds):
    return np.concatenate([x.numpy() for x, _ in ds])


def test_presets_grow_in_strength_and_digits_never_flip():
    names = list(ck.augment.PRESETS)
    assert names == ["none", "light", "standard", "heavy", "extreme"]
    rotations = [ck.augment.preset(n, "digits").rotation for n in names]
    assert rotations == sorted(rotations) and rotations[0] == 0 < rotations[-1]
    assert all(ck.augment.preset(n, "digits").flip is None for n in names)
    assert ck.augment.preset("standard", "photos").flip == "horizontal"


def test_custom_refuses_flipping_digits_and_unknown_settings():
    with pytest.raises(ValueError, match="Digits must not be flipped"):
        ck.augment.custom(kind="digits", flip="horizontal")
    with pytest.raises(ValueError, match=r"Unknown augmentation setting\(s\) \['rotate'\]"):
        ck.augment.custom(rotate=0.1)
    with pytest.raises(ValueError, match="rotation must be between 0"):
        ImageAugment(rotation=2.0)
    with pytest.raises(ValueError, match="Unknown augmentation preset 'strong'"):
        ck.augment.preset("strong")


def test_same_seed_same_image_other_seed_other_image(photo):
    aug = ck.augment.preset("heavy", "photos")
    a = aug(tf.constant(photo), tf.constant([3, 4])).numpy()
    b = aug(tf.constant(photo), tf.constant([3, 4])).numpy()
    c = aug(tf.constant(photo), tf.constant([5, 4])).numpy()
    assert np.array_equal(a, b) and not np.allclose(a, c)
    assert a.shape == photo.shape and a.dtype == np.float32 and 0 <= a.min() and a.max() <= 1


def test_affine_flip_is_an_exact_mirror(photo):
    out = ck.augment.affine(tf.constant(photo), flip_h=True).numpy()
    np.testing.assert_allclose(out, photo[:, ::-1], atol=1e-5)


def test_keras_layers_form_is_active_only_in_training(photo):
    layers = ck.augment.preset("standard", "photos").layers(seed=1)
    batch = photo[None]
    assert np.array_equal(np.asarray(layers(batch, training=False)), batch)
    assert not np.allclose(np.asarray(layers(batch, training=True)), batch)


def test_each_epoch_sees_new_images_and_the_same_seed_repeats_them(digits):
    make = lambda seed: ck.pipeline.make_dataset(digits.x_train, digits.y_train, augment="standard",
                                                kind="digits", seed=seed, shuffle=False)
    ds = make(0)
    e1, e2 = _epoch(ds), _epoch(ds)
    assert not np.allclose(e1, e2), "augmentation must differ from epoch to epoch"
    assert np.array_equal(e1, _epoch(make(0))), "the same seed must give the same first epoch"
    assert not np.allclose(e1, _epoch(make(1)))


def test_cache_after_the_random_map_freezes_augmentation(digits):
    ds = ck.pipeline.make_dataset(digits.x_train, digits.y_train, augment="standard", kind="digits",
                                  cache="after_augment", shuffle=False)
    assert np.array_equal(_epoch(ds), _epoch(ds))


def test_nothing_is_augmented_or_shuffled_when_not_training(digits):
    ds = ck.pipeline.make_dataset(digits.x_train, digits.y_train, augment="extreme", kind="digits", training=False)
    assert np.array_equal(_epoch(ds), digits.x_train)
    assert np.array_equal(np.concatenate([y.numpy() for _, y in ds]), digits.y_train)


def test_augmentation_after_batching_still_differs_per_image(digits):
    ds = ck.pipeline.make_dataset(np.repeat(digits.x_train[:1], 8, axis=0), np.zeros(8, "int64"),
                                  augment="heavy", kind="digits", where="batch", batch_size=8)
    batch = next(iter(ds))[0].numpy()
    assert len({b.tobytes() for b in batch}) == 8


def test_label_aware_flip_turns_6_into_9_and_leaves_others(digits):
    flip = LabelAwareFlip({0: 0, 1: 1, 8: 8, 6: 9, 9: 6}, mode="rotate180", probability=1.0)
    ds = ck.pipeline.make_dataset(digits.x_train, digits.y_train, augment=flip, shuffle=False)
    xs = _epoch(ds)
    ys = np.concatenate([y.numpy() for _, y in ds])
    assert (ys[digits.y_train == 6] == 9).all() and (ys[digits.y_train == 9] == 6).all()
    keep = digits.y_train == 2
    assert (ys[keep] == 2).all() and np.array_equal(xs[keep], digits.x_train[keep])
    six = np.flatnonzero(digits.y_train == 6)[0]
    np.testing.assert_allclose(xs[six], digits.x_train[six][::-1, ::-1], atol=1e-6)


def test_label_aware_flip_checks_its_mapping():
    with pytest.raises(TypeError, match="mapping must be a non-empty dict"):
        LabelAwareFlip([6, 9])
    with pytest.raises(ValueError, match="Unknown flip mode"):
        LabelAwareFlip({6: 9}, mode="diagonal")


def test_mixup_makes_soft_one_hot_labels(digits):
    ds = ck.pipeline.make_dataset(digits.x_train, digits.y_train, batch_augment="mixup", num_classes=10, seed=2)
    x, y = next(iter(ds))
    y = y.numpy()
    np.testing.assert_allclose(y.sum(axis=1), 1.0, atol=1e-5)
    assert y.shape == (32, 10) and (y.max(axis=1) < 1).any()
    with pytest.raises(ValueError, match="needs num_classes"):
        ck.pipeline.make_dataset(digits.x_train, digits.y_train, batch_augment="mixup")


@pytest.mark.parametrize("how", ["mixup", "cutmix"])
def test_batch_mixing_repeats_with_the_same_seed(digits, how):
    def labels(seed):
        ds = ck.pipeline.make_dataset(digits.x_train[:96], digits.y_train[:96], batch_size=8, batch_augment=how,
                                      num_classes=10, seed=seed)
        return np.concatenate([y.numpy() for _ in range(2) for _, y in ds])

    np.testing.assert_array_equal(labels(3), labels(3))
    assert not np.array_equal(labels(3), labels(4))


def test_augment_once_is_static_and_seeded(digits):
    a = ck.pipeline.augment_once(digits.x_train[:10], "heavy", seed=1, kind="digits")
    b = ck.pipeline.augment_once(digits.x_train[:10], "heavy", seed=1, kind="digits")
    assert np.array_equal(a, b) and not np.allclose(a, digits.x_train[:10])


@pytest.mark.parametrize("kwargs, err, words", [
    ({"augment": 1.5}, ValueError, "between 0 and 1"),
    ({"augment": "mild"}, ValueError, "Unknown augmentation preset"),
    ({"augment": object()}, TypeError, "augment must be None"),
    ({"cache": "before"}, ValueError, "cache must be"),
    ({"batch_size": 0}, ValueError, "batch_size must be at least 1"),
    ({"where": "epoch"}, ValueError, "Unknown place to augment"),
])
def test_make_dataset_bad_arguments(digits, kwargs, err, words):
    with pytest.raises(err, match=words):
        ck.pipeline.make_dataset(digits.x_train, digits.y_train, kind="digits", **kwargs)


def test_make_dataset_refuses_0_255_images(digits):
    with pytest.raises(TypeError, match="uint8"):
        ck.pipeline.make_dataset((digits.x_train * 255).astype("uint8"), digits.y_train)


def test_batch_op_gives_every_image_its_own_transform_and_matches_the_single_image_op(digits):
    aug = ck.augment.preset("heavy", "digits")
    same = np.repeat(digits.x_train[:1], 16, axis=0)
    out = aug.batch(tf.constant(same), tf.constant([3, 4], tf.int64)).numpy()
    assert len({o.tobytes() for o in out}) == 16  # sixteen copies, sixteen different transforms
    again = aug.batch(tf.constant(same), tf.constant([3, 4], tf.int64)).numpy()
    np.testing.assert_array_equal(out, again)
    one = aug(tf.constant(same[0]), tf.constant([3, 4], tf.int64)).numpy()
    np.testing.assert_allclose(out[0], one, atol=1e-6)  # a batch of one is the single-image op
    assert out.min() >= 0 and out.max() <= 1


def test_fused_pipeline_draws_per_image_fresh_each_epoch_and_refuses_other_augmentations(digits):
    x = np.repeat(digits.x_train[:1], 8, axis=0)
    ds = ck.pipeline.make_dataset(x, np.zeros(8, "int64"), augment="heavy", kind="digits", where="fused",
                                  batch_size=8, seed=1)
    first, second = (next(iter(ds))[0].numpy() for _ in range(2))
    assert len({o.tobytes() for o in first}) == 8 and not np.array_equal(first, second)
    flip = ck.augment.LabelAwareFlip({6: 9, 9: 6}, mode="rotate180")
    with pytest.raises(TypeError, match="where='fused' needs an ImageAugment"):
        ck.pipeline.make_dataset(x, np.zeros(8, "int64"), augment=flip, kind="digits", where="fused")


def test_fused_layer_augments_only_while_training_and_per_image(digits):
    layer = ck.augment.FusedAugment(ck.augment.preset("heavy", "digits"), seed=0)
    x = np.repeat(digits.x_train[:1], 8, axis=0)
    np.testing.assert_array_equal(np.asarray(layer(x)), x)  # no flag: off, like Dropout
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)
    out = np.asarray(layer(x, training=True))
    assert len({o.tobytes() for o in out}) == 8
    assert not np.array_equal(out, np.asarray(layer(x, training=True)))  # a new seed every step
    with pytest.raises(TypeError, match="FusedAugment takes an ImageAugment"):
        ck.augment.FusedAugment("standard")


def test_train_places_image_augmentation_in_the_step_and_others_in_the_pipeline(digits):
    data = ck.train.get_data(ck.train.config(dataset="digits", n_per_class=5))
    cfg = ck.train.config(dataset="digits", n_per_class=5, augment="standard")
    assert ck.train.placement(cfg, data) == "step"
    flip = ck.augment.LabelAwareFlip({6: 9, 9: 6}, mode="rotate180")
    assert ck.train.placement({**cfg, "augment": flip}, data) == "pipeline"
    assert ck.train.placement({**cfg, "augment_in": "model"}, data) == "model"
    assert ck.train.placement({**cfg, "augment": None}, data) is None
    with pytest.raises(ValueError, match="augment_in='step' runs an ImageAugment"):
        ck.train.placement({**cfg, "augment": flip, "augment_in": "step"}, data)
    model = ck.train.run({**cfg, "epochs": 1}, seeds=[0], progress=False).models["run"][0]
    assert any(isinstance(layer, ck.augment.FusedAugment) for layer in model.layers)


def test_rand_augment_takes_grayscale_images(digits):
    """Keras 3.13's RandAugment (Colab's) fails on one channel; coursekit's runs it on RGB copies and averages back."""
    ra = ck.augment.rand_augment(magnitude=0.5, num_ops=2, seed=1)
    out = np.asarray(ra(digits.x_train[:8], training=True))
    assert out.shape == (8, 16, 16, 1) and not np.allclose(out, digits.x_train[:8])
    np.testing.assert_array_equal(np.asarray(ra(digits.x_train[:8], training=False)), digits.x_train[:8])
