"""Where should augmentation run? Training images per second, side by side in one run.

    python benchmarks/gpu_input.py                    # TensorFlow: all three setups + the digits ratio
    KERAS_BACKEND=jax python benchmarks/gpu_input.py  # Keras on JAX (a GPU machine without TensorFlow):
                                                      # in-model augmentation vs none only

A CIFAR-10-sized training step (32x32x3 images, 10 classes, the course's small ResNet) with:

1. augmentation in tf.data: coursekit's fused batch op in the input pipeline (CPU), prefetched;
2. augmentation in the model: Keras preprocessing layers as the model's first layers (on the device);
3. no augmentation.

The same flip + crop (shift by up to 1/8) in every augmented setup. It prints images per second and the
ratios between them, the fraction of step time spent waiting for input (the TensorFlow profiler calls a
step input-bound above 5%), and, with TensorFlow, the augmented / plain training-time ratio of
``ck.train.compare`` on digits (30 per class, 30 epochs, 5 seeds) with the augmentation inside the training
step (ck.train's default) and in a tf.data map; the goal is at most 1.15 on a CPU.
Without a GPU it runs at small sizes and says so. Each figure is the best of --repeats timed passes.
"""
import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TENSORFLOW = keras.backend.backend() == "tensorflow"


def _models():
    """coursekit/models.py imports nothing but Keras: load it alone, so a JAX machine needs no TensorFlow."""
    spec = importlib.util.spec_from_file_location("course_models", ROOT / "coursekit" / "models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _gpu():
    if TENSORFLOW:
        import tensorflow as tf

        return bool(tf.config.list_physical_devices("GPU"))
    import jax

    return any(d.platform == "gpu" for d in jax.devices())


def _layers():
    L = keras.layers
    return keras.Sequential([L.RandomFlip("horizontal", seed=1),
                             L.RandomTranslation(0.125, 0.125, fill_mode="reflect", seed=2)], name="augmentation")


def _model(width, augmentation):
    model = _models().build_resnet((32, 32, 3), 10, width=width, augmentation=augmentation)
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="sparse_categorical_crossentropy")
    return model


def _batches_numpy(x, y, batch):
    while True:
        for i in range(0, len(x) - batch + 1, batch):
            yield x[i:i + batch], y[i:i + batch]


def _tf_dataset(x, y, batch, augment):
    import coursekit as ck

    aug = ck.augment.custom(flip="horizontal", translation=0.125, fill_mode="reflect") if augment else None
    ds = ck.pipeline.make_dataset(x, y, augment=aug, batch_size=batch, where="fused", kind="photos", seed=0)
    return iter(ds.repeat())


def time_training(model, batches, steps, repeats):
    """(images per second, fraction of the time spent waiting for the next batch), best of repeats."""
    xb, yb = next(batches)
    for _ in range(3):  # warm up: trace and compile the train step
        model.train_on_batch(xb, yb)
    best = None
    for _ in range(repeats):
        wait = 0.0
        start = time.perf_counter()
        for _ in range(steps):
            t0 = time.perf_counter()
            xb, yb = next(batches)
            wait += time.perf_counter() - t0
            model.train_on_batch(xb, yb)
        total = time.perf_counter() - start
        if best is None or total < best[0]:
            best = (total, wait)
    total, wait = best
    return steps * len(xb) / total, wait / total


def digits_ratios(seeds):
    """Training seconds on digits with and without 'standard' augmentation: ck.train's default placement (the
    fused op inside the training step) and a tf.data map (one call per image). A short warm-up run first, so
    that no config pays for the process's first trace; plain runs before and after the augmented ones."""
    import coursekit as ck

    cfg = ck.train.config(dataset="digits", n_per_class=30, epochs=30)
    res = ck.train.compare({"warm-up": {**cfg, "epochs": 2}, "none": cfg, "step": {**cfg, "augment": "standard"},
                            "pipeline": {**cfg, "augment": "standard", "augment_in": "pipeline"}, "none again": cfg},
                           seeds=seeds, keep_models=False, progress=False, stack=False)  # a time per run
    return res


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=None, help="timed training steps per pass")
    parser.add_argument("--batch", type=int, default=None)
    parser.add_argument("--width", type=int, default=None, help="ResNet width (64 is the published size)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-digits", action="store_true", help="skip the digits training-time ratio")
    args = parser.parse_args(argv)
    gpu = _gpu()
    steps = args.steps or (50 if gpu else 8)
    batch = args.batch or (512 if gpu else 64)
    width = args.width or (64 if gpu else 16)
    if TENSORFLOW:
        import coursekit as ck

        ck.device.setup(seed=0, verbose=False)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    n = batch * 8
    x = rng.random((n, 32, 32, 3), dtype=np.float32)
    y = rng.integers(0, 10, n).astype("int64")
    print(f"Keras {keras.__version__} on {keras.backend.backend()}, {'GPU' if gpu else 'CPU only'}: "
          f"batch {batch}, ResNet width {width}, {steps} timed steps, best of {args.repeats}"
          + ("" if gpu else " (small sizes: no GPU here)"))

    rows = {}
    if TENSORFLOW:
        rows["augmentation in tf.data (fused op, prefetched)"] = time_training(
            _model(width, None), _tf_dataset(x, y, batch, True), steps, args.repeats)
    rows["augmentation in the model (Keras layers)"] = time_training(
        _model(width, _layers()), _batches_numpy(x, y, batch), steps, args.repeats)
    rows["no augmentation"] = time_training(
        _model(width, None), _tf_dataset(x, y, batch, False) if TENSORFLOW else _batches_numpy(x, y, batch),
        steps, args.repeats)
    for name, (ips, wait) in rows.items():
        print(f"{name:<50}{ips:>10,.0f} images/s   waiting for input {wait:6.1%}")
    plain = rows["no augmentation"][0]
    for name, (ips, _) in rows.items():
        if name != "no augmentation":
            print(f"ratio {name} / no augmentation: {ips / plain:.2f}")
    if TENSORFLOW and not args.no_digits:
        res = digits_ratios([0, 1, 2, 3, 4])
        sec = res.summary["seconds_mean"]
        plain = (sec["none"] + sec["none again"]) / 2
        print(f"digits, 30 per class, 30 epochs, 5 seeds: {plain:.2f} s plain; with 'standard' augmentation "
              f"{sec['step']:.2f} s in the training step (ck.train's default), {sec['pipeline']:.2f} s in a tf.data map")
        print("   " + res.verdict("none", "step", "seconds", higher_is_better=False).sentence())
        print(f"augmented / plain training time: {sec['step'] / plain:.2f} in the training step, "
              f"{sec['pipeline'] / plain:.2f} in a tf.data map (goal: at most 1.15)")
    return rows


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
