"""Images per second: a naive per-image NumPy/SciPy loop vs coursekit's tf.data pipeline.

    python benchmarks/pipeline.py [--images 4096] [--repeats 3]

All three run in this one process on the same data (32x32x3 float images) with the same
transforms (random horizontal flip, rotation +-18 deg, zoom +-10%, shift +-10%):

1. naive loop:  for each image, np.fliplr + scipy.ndimage.rotate / zoom / shift with their
                default settings, one image at a time, as a first attempt usually looks;
2. tf.data:     coursekit.pipeline.make_dataset (per example, parallel map, prefetch);
3. no augment:  the same pipeline without augmentation (the ceiling of the input pipeline).

The last line is the ratio of (2) to (1). Each figure is the best of --repeats passes.
"""
import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from scipy import ndimage  # noqa: E402

import coursekit as ck  # noqa: E402

AUG = ck.augment.ImageAugment(flip="horizontal", rotation=0.05, zoom=0.1, translation=0.1)


def naive_loop(x, rng):
    """Augment every image one by one with NumPy and SciPy."""
    out = np.empty_like(x)
    h, w = x.shape[1:3]
    for i, img in enumerate(x):
        if rng.random() < 0.5:
            img = np.fliplr(img)
        img = ndimage.rotate(img, rng.uniform(-18, 18), reshape=False, mode="reflect")
        z = rng.uniform(0.9, 1.1)
        img = ndimage.affine_transform(img, [z, z, 1], offset=[(1 - z) * h / 2, (1 - z) * w / 2, 0], mode="reflect")
        img = ndimage.shift(img, [rng.uniform(-0.1, 0.1) * h, rng.uniform(-0.1, 0.1) * w, 0], mode="reflect")
        out[i] = np.clip(img, 0, 1)
    return out


def images_per_second(fn, n, repeats):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return n / best


def drain(ds):
    n = 0
    for xb, _ in ds:
        n += int(xb.shape[0])
    return n


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=4096)
    parser.add_argument("--naive-images", type=int, default=512, help="the naive loop is slow: time fewer images")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    ck.device.setup(seed=0)
    rng = np.random.default_rng(0)
    x = rng.random((args.images, 32, 32, 3), dtype=np.float32)
    y = rng.integers(0, 10, args.images)

    naive = images_per_second(lambda: naive_loop(x[: args.naive_images], rng), args.naive_images, args.repeats)
    aug_ds = ck.pipeline.make_dataset(x, y, augment=AUG, batch_size=128, seed=0)
    plain_ds = ck.pipeline.make_dataset(x, y, augment=None, batch_size=128, seed=0)
    drain(aug_ds), drain(plain_ds)  # warm up: trace the map functions and fill the caches
    pipeline = images_per_second(lambda: drain(aug_ds), args.images, args.repeats)
    plain = images_per_second(lambda: drain(plain_ds), args.images, args.repeats)

    print(f"Augmentation: {AUG.describe()}; 32x32x3 images; {os.cpu_count()} CPU cores")
    print(f"{'naive NumPy/SciPy loop':<34}{naive:>12,.0f} images/s")
    print(f"{'coursekit tf.data pipeline':<34}{pipeline:>12,.0f} images/s")
    print(f"{'same pipeline, no augmentation':<34}{plain:>12,.0f} images/s")
    print(f"ratio tf.data pipeline / naive loop: {pipeline / naive:.1f}x")
    return pipeline / naive


if __name__ == "__main__":
    main()
