"""The GPU learner's path on a CPU: every augmentation the course offers trains under mixed_float16.

ck.device.setup() turns mixed_float16 on for any GPU with tensor cores (Colab's T4, L4, A100). These tests set that
policy on the CPU and train one epoch through ck.train: a probe layer at the model's input keeps the last training
batch the model saw (after every augmentation), and the model's training step keeps the labels it was given. So
each test sees what the model saw, wherever the augmentation ran (tf.data, the model, the training step).
"""
import keras
import numpy as np
import pytest
import tensorflow as tf

import coursekit as ck

N_PER_CLASS, BATCH = 2, 10  # digits: 20 training images, two full batches an epoch


@pytest.fixture
def mixed_float16():
    """The global policy of a Colab GPU learner, restored to float32 afterwards whatever happens."""
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        yield
    finally:
        keras.mixed_precision.set_global_policy("float32")


class Probe(keras.layers.Layer):
    """Passes its input on, keeping a float32 copy of the last training batch (what the model's first layer gets)."""

    def __init__(self, shape):
        super().__init__(dtype="float32")
        self.seen = self.add_weight(shape=(BATCH, *shape), initializer="zeros", trainable=False, name="seen")

    def call(self, x, training=None):
        if training:
            self.seen.assign(keras.ops.cast(x, "float32"))
        return x


class LabelProbe(keras.Model):
    """Keeps the smallest top label weight of any training example seen: 1 for hard labels, below 1 once mixed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.top = self.add_weight(shape=(), initializer="ones", trainable=False, name="top", dtype="float32")

    def train_step(self, data):
        y = data[1]
        if len(y.shape) == 2:  # one-hot or mixed labels
            self.top.assign(tf.minimum(self.top, tf.reduce_min(tf.reduce_max(tf.cast(y, tf.float32), axis=-1))))
        return super().train_step(data)


def probed_cnn(input_shape, num_classes, cfg):
    """The course's small CNN with a Probe in front (a config's ``model`` function)."""
    inputs = keras.Input(input_shape)
    probe = Probe(input_shape)
    inner = ck.train.build_cnn(input_shape, num_classes, width=8)
    return LabelProbe(inputs, inner(probe(inputs)), name="probed_cnn")


def train(augment=None, augment_in="auto", batch_augment=None):
    cfg = ck.train.config(dataset="digits", n_per_class=N_PER_CLASS, epochs=1, batch_size=BATCH, model=probed_cnn,
                          augment=augment, augment_in=augment_in, batch_augment=batch_augment, subset="fixed")
    res = ck.train.run(cfg, seeds=[0], progress=False)
    model, hist = res.models["run"][0], res.histories["run"][0]
    assert model.dtype_policy.name == "mixed_float16"
    inner = next(layer for layer in model._flatten_layers() if layer.name == "small_cnn")
    assert inner.dtype_policy.name == "mixed_float16"
    assert any(layer.compute_dtype == "float16" for layer in inner.layers), "nothing computed in float16"
    for name in ("loss", "val_loss"):
        assert np.all(np.isfinite(hist[name])), f"{name} is not finite under mixed_float16: {hist[name]}"
    seen = next(layer for layer in model._flatten_layers() if isinstance(layer, Probe)).seen.numpy()
    clean = ck.train.get_data(cfg).x_train
    # how far each image the model saw is from the nearest clean training image
    distance = np.abs(seen[:, None] - clean[None]).reshape(len(seen), len(clean), -1).max(axis=-1).min(axis=1)
    # the LabelProbe's training step runs unless the augmentation layers were put in front of it (model, step)
    return distance, float(model.top.numpy()) if isinstance(model, LabelProbe) else 1.0


def changed(distance):
    return float((distance > 1e-3).mean())


PRESETS = ["light", "standard", "heavy", "extreme"]


def test_without_augmentation_the_model_sees_the_clean_images(mixed_float16):
    distance, top = train(None)
    assert changed(distance) == 0 and top == 1.0
    distance, _ = train("none", augment_in="model")
    assert changed(distance) == 0


@pytest.mark.parametrize("where", ["pipeline", "model", "step"])
@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_trains_under_mixed_float16_in_every_placement(mixed_float16, preset, where):
    distance, top = train(preset, augment_in=where)
    assert changed(distance) >= 0.5, f"{preset} in {where}: only {changed(distance):.0%} of the images changed"
    assert top == 1.0


@pytest.mark.parametrize("where", ["pipeline", "model"])
def test_rand_augment_and_random_erasing_train_under_mixed_float16(mixed_float16, where):
    distance, _ = train(ck.augment.rand_augment(magnitude=0.5, num_ops=2, seed=1), augment_in=where)
    assert changed(distance) >= 0.5
    # built by the learner without dtype="float32", as lesson 8 does: float16 would fail in Keras 3.13-3.15
    # factor=(1, 1) erases every image; factor=1.0, which its docstring says "always" erases, draws the probability
    # from U(0, 1) per image and erased about half (3.15.1): this test then failed on some runs (0.4 < 0.5)
    erasing = keras.layers.RandomErasing(factor=(1.0, 1.0), scale=(0.1, 0.3), fill_value=0.5, value_range=(0, 1),
                                        seed=2)
    assert erasing.compute_dtype == "float16"
    distance, _ = train(erasing, augment_in=where)
    assert changed(distance) == 1.0


@pytest.mark.parametrize("batch_augment", ["mixup", "cutmix"])
def test_mixup_and_cutmix_train_under_mixed_float16_with_soft_labels(mixed_float16, batch_augment):
    distance, top = train(batch_augment=batch_augment)
    assert changed(distance) >= 0.5
    assert top < 0.999, f"{batch_augment}: every training label stayed one-hot (top weight {top})"


def test_custom_and_from_strength_train_under_mixed_float16(mixed_float16):
    distance, _ = train(ck.augment.custom(kind="digits", rotation=0.1, zoom=0.1), augment_in="model")
    assert changed(distance) >= 0.5
    distance, _ = train(0.3, augment_in="step")
    assert changed(distance) >= 0.5


@pytest.mark.parametrize("make", [lambda: ck.augment.rand_augment(seed=1), lambda: ck.augment.mixup(seed=1),
                                  lambda: ck.augment.cutmix(seed=1),
                                  lambda: ck.augment.preset("standard").layers(seed=1),
                                  lambda: ck.augment.FusedAugment(ck.augment.preset("standard"), seed=1)],
                         ids=["rand_augment", "mixup", "cutmix", "layers", "fused"])
def test_the_course_builds_its_augmentation_layers_in_float32(mixed_float16, make):
    layer = make()
    assert {sub.compute_dtype for sub in layer._flatten_layers()} == {"float32"}
    images = tf.random.stateless_uniform([4, 16, 16, 3], [1, 2])
    data = {"images": images, "labels": tf.one_hot([0, 1, 2, 3], 4)} if "Mix" in type(layer).__name__ else images
    out = tf.function(lambda: layer(data, training=True))()
    assert all(t.dtype == tf.float32 for t in tf.nest.flatten(out))


def test_series_and_spectrogram_ops_run_in_a_tf_data_map_under_mixed_float16(mixed_float16):
    a = ck.augment
    series = np.random.default_rng(0).normal(size=(8, 60, 6)).astype("float32")
    for aug in (a.Jitter(0.1), a.Scaling(0.1), a.MagnitudeWarp(0.2), a.TimeWarp(0.2), a.WindowSlice(0.9),
                a.RandomRotation3D(), a.TimeMask(8), a.FreqMask(3)):
        ds = ck.pipeline.make_dataset(series, np.arange(8) % 2, augment=aug, kind="timeseries", batch_size=8)
        xb, _ = next(iter(ds))
        assert xb.dtype == tf.float32 and np.isfinite(xb.numpy()).all(), repr(aug)
        assert not np.allclose(np.sort(xb.numpy(), axis=None), np.sort(series, axis=None)), repr(aug)


def test_setup_honours_the_switch_that_forces_mixed_precision(monkeypatch, capsys):
    """COURSEKIT_MIXED_PRECISION=1 gives a CPU the policy of a Colab GPU learner (make test-colab sets it)."""
    try:
        monkeypatch.setenv("COURSEKIT_MIXED_PRECISION", "1")
        info = ck.device.setup(seed=0)
        assert info["mixed_precision"] and keras.mixed_precision.global_policy().name == "mixed_float16"
        assert "mixed precision on (COURSEKIT_MIXED_PRECISION=1)" in capsys.readouterr().out
        assert not ck.device.setup(seed=0, mixed_precision=False, verbose=False)["mixed_precision"]  # explicit wins
        monkeypatch.setenv("COURSEKIT_MIXED_PRECISION", "0")
        monkeypatch.setattr(ck.device, "_gpu_gains_from_mixed_precision", lambda devices: True)  # a T4, say
        assert not ck.device.setup(seed=0, verbose=False)["mixed_precision"]
        monkeypatch.setenv("COURSEKIT_MIXED_PRECISION", "yes")
        with pytest.raises(ValueError, match="COURSEKIT_MIXED_PRECISION must be 1 .* or 0"):
            ck.device.setup(seed=0)
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_pictures_of_keras_layers_and_spectrograms_work_under_mixed_float16(mixed_float16):
    """Lesson 2 draws a learner's keras.layers.RandomCrop: in float16 matplotlib could not draw it."""
    import matplotlib.pyplot as plt

    photo = np.random.default_rng(0).random((24, 24, 3)).astype("float32")
    for fig in (ck.gallery.transform_grid(photo, {"crop": keras.layers.RandomCrop(16, 16, seed=0)}, n=2),
                ck.plots.show_augmentations(photo, keras.layers.RandomColorJitter(value_range=(0, 1), seed=0), n=2)):
        fig.canvas.draw()
        plt.close(fig)
    signal = np.sin(np.linspace(0, 400, 2000)).astype("float32")
    assert ck.audio.spectrogram(signal).dtype == np.float32 and ck.audio.stft_layer().compute_dtype == "float32"
