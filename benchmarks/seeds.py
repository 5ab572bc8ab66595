"""Seeds per second: K seeds stacked in one model (coursekit.stack) vs K separate fits, side by side.

    python benchmarks/seeds.py [--ks 1 3 8 16] [--repeats 3] [--models cnn resnet] [--epochs N]
    KERAS_BACKEND=jax python benchmarks/seeds.py [--ks 1 3 8 16] [--steps 50]

TensorFlow (the default): ``ck.train.compare`` with ``stack=False`` (one model, one fit and one tf.data pipeline
per seed) against ``stack=K`` (the K seeds as members of one model, one fit), timed around the whole call
(building, tracing, training, the per-run measurements), on

- cnn:    lesson 3's config: digits, 30 per class, 30 epochs, ``standard`` augmentation in the training step;
- resnet: the capstone's small ResNet (quick profile: 30 per class, width 16, 6 epochs, crop in the model) on
          CIFAR-10 when it is available offline, else on digits as the capstone falls back to.

For each K it prints seeds per second both ways and their ratio. At K = 8 the two ways alternate ``--repeats``
times, and the ratio gets a paired verdict over the repeats (ck.verdict.paired). Both ways give the same
numbers (tests/test_stack.py), so only time is compared. Run it on an otherwise idle machine.

KERAS_BACKEND=jax (for a GPU machine; no TensorFlow, no tf.data): the stacked model's training step against K
separate models' steps, on random batches already in memory, the CNN without augmentation (the fused
augmentation op is TensorFlow's). It loads coursekit/models.py and coursekit/stack.py by path, which import only
Keras and NumPy. JAX is not in the pinned environment: that mode is untested there.
"""
import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parent.parent


def _load(name):
    """A coursekit module by path, without importing the package (which imports TensorFlow)."""
    spec = importlib.util.spec_from_file_location(f"_ck_{name}", ROOT / "coursekit" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def configs(models, epochs=None):
    import coursekit as ck

    out = {"cnn": ck.train.config(dataset="digits", n_per_class=30, epochs=30, augment="standard", augment_in="step")}
    if "resnet" in models:
        try:
            photos = ck.data.load("cifar10", seed=0)
        except ck.data.DownloadError:  # offline: the capstone trains on digits then
            photos = "digits"
        crop = ck.augment.custom(translation=0.125, flip="horizontal" if photos != "digits" else None,
                                 fill_mode="reflect" if photos != "digits" else "constant")
        out["resnet"] = ck.train.config(dataset=photos, n_per_class=30, model="resnet", width=16, epochs=6,
                                        batch_size=32, learning_rate=2e-3, augment=crop, augment_in="model")
    return {k: {**v, "epochs": epochs or v["epochs"]} for k, v in out.items() if k in models}


def seconds(cfg, k, stacked):
    import coursekit as ck

    start = time.perf_counter()
    ck.train.run(cfg, seeds=list(range(k)), progress=False, keep_models=False, stack=k if stacked else False)
    return time.perf_counter() - start


def tensorflow_mode(args):
    import coursekit as ck

    for name, cfg in configs(args.models, args.epochs).items():
        if name not in args.models:
            continue
        seconds(cfg, 1, True)  # warm-up: the process's first trace and data load are paid by nobody below
        print(f"\n{name}: seeds per second (higher is better)\n   K   separate    stacked   ratio")
        for k in args.ks:
            sep, stk = seconds(cfg, k, False), seconds(cfg, k, True)
            print(f"{k:4d} {k / sep:10.3f} {k / stk:10.3f} {sep / stk:7.2f}x", flush=True)
        sep_rate, stk_rate = [], []
        for _ in range(args.repeats):  # K = 8 again, the two ways alternating, paired by repeat
            sep_rate.append(8 / seconds(cfg, 8, False))
            stk_rate.append(8 / seconds(cfg, 8, True))
        ratios = [s / p for s, p in zip(stk_rate, sep_rate)]
        print(f"K = 8, {args.repeats} repeats: stacked / separate = " + ", ".join(f"{r:.2f}x" for r in ratios))
        if args.repeats >= 3:  # a paired verdict needs 3 pairs at least
            print(ck.verdict.paired(sep_rate, stk_rate, a="separate fits", b="stacked", metric="seeds per second",
                                    higher_is_better=True, word="faster", notes={"pairs": "repeats"}))


def jax_mode(args):
    try:
        import jax  # noqa: F401
    except ImportError:
        print("KERAS_BACKEND=jax needs JAX, which is not installed here: nothing measured (this mode is untested "
              "in the pinned environment; Colab's stack has JAX).")
        return
    import keras
    import numpy as np

    models, stack = _load("models"), _load("stack")
    rng = np.random.default_rng(0)
    shape, classes, batch = (16, 16, 1), 10, 32

    def member(seed):
        keras.utils.set_random_seed(seed)
        m = models.build_cnn(shape, classes)
        m.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        return m

    def rate(step, n):
        step()  # compile
        start = time.perf_counter()
        for _ in range(n):
            step()
        return n / (time.perf_counter() - start)

    print(f"backend {keras.backend.backend()}, devices {jax.devices()}\n   K  separate steps/s  stacked steps/s  ratio")
    for k in args.ks:
        xs = [rng.random((batch,) + shape, dtype="float32") for _ in range(k)]
        ys = [rng.integers(0, classes, batch) for _ in range(k)]
        separate = [member(s) for s in range(k)]
        sep = rate(lambda: [m.train_on_batch(x, y) for m, x, y in zip(separate, xs, ys)], args.steps)
        members = [member(s) for s in range(k)]
        stacked = stack.compile_like(stack.stack_models(members), members[0])
        x = {f"x{i}": v for i, v in enumerate(xs)}
        y = {f"m{i}": v for i, v in enumerate(ys)}
        stk = rate(lambda: stacked.train_on_batch(x, y), args.steps)
        print(f"{k:4d} {sep:17.1f} {stk:16.1f} {stk / sep:6.2f}x", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ks", type=int, nargs="+", default=[1, 3, 8, 16], help="seeds per comparison")
    parser.add_argument("--repeats", type=int, default=3, help="paired repeats at K = 8")
    parser.add_argument("--models", nargs="+", default=["cnn", "resnet"], choices=["cnn", "resnet"])
    parser.add_argument("--epochs", type=int, default=None, help="override the configs' epochs (a quick check)")
    parser.add_argument("--steps", type=int, default=50, help="JAX mode: timed steps per measurement")
    args = parser.parse_args(argv)
    if os.environ.get("KERAS_BACKEND") == "jax":
        jax_mode(args)
    else:
        tensorflow_mode(args)


if __name__ == "__main__":
    sys.exit(main())
