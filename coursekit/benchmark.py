"""Timing input pipelines: how many images per second a tf.data pipeline delivers.

Lesson 5 times a few pipelines side by side on the learner's own machine::

    table = ck.benchmark.throughput_table({"plain": ds_a, "augmented": ds_b}, batches=20)

``serial_dataset`` builds the same pipeline as ``coursekit.pipeline.make_dataset`` but the
slow way (one map call at a time, no prefetch), so the gain from AUTOTUNE and prefetch can be
measured rather than asserted: with the same seed it yields the very same images.
"""
import time

import pandas as pd
import tensorflow as tf

from . import augment as augment_lib
from . import pipeline
from .base import validate


def _batch_size_of(batch):
    first = batch[0] if isinstance(batch, (tuple, list)) else batch
    if isinstance(first, dict):
        first = next(iter(first.values()))
    return int(tf.shape(first)[0])


def images_per_second(dataset, batches=None, warmup=1):
    """Iterate a batched dataset and return the images it delivered per second (a float).

    batches: how many batches to time (None: one full pass over the dataset).
    warmup:  batches read first and not timed (the first batch pays for tracing and buffers).
    """
    if not isinstance(dataset, tf.data.Dataset):
        raise TypeError(f"dataset must be a tf.data.Dataset (e.g. from coursekit.pipeline.make_dataset); "
                        f"got {type(dataset).__name__}.")
    if batches is not None:
        validate.positive_int(batches, "batches")
    validate.positive_int(warmup, "warmup", allow_zero=True)
    it = iter(dataset.repeat() if batches is not None else dataset)
    for _ in range(warmup):
        try:
            next(it)
        except StopIteration:
            raise ValueError(f"The dataset ran out during the {warmup} warm-up batch(es): "
                             "use warmup=0 or a larger dataset.") from None
    images, start = 0, time.perf_counter()
    for i, batch in enumerate(it):
        images += _batch_size_of(batch)
        if batches is not None and i + 1 >= batches:
            break
    seconds = time.perf_counter() - start
    if images == 0:
        raise ValueError("No batches were timed: the dataset is empty after the warm-up batches.")
    return images / seconds


def throughput_table(datasets, batches=20, warmup=1, repeats=3):
    """Time several pipelines side by side: a DataFrame with images/s per pipeline, one row each.

    datasets: {name: tf.data.Dataset}. Columns: ``images_per_sec`` (the best of ``repeats``: the fairest
    single figure on a shared machine, where other work only ever slows a pipeline down),
    ``relative_to_first`` (that best over the first pipeline's best) and ``repeat_1`` ... ``repeat_<repeats>``,
    every repeat's own figure. The repeats are interleaved (repeat 1 times every pipeline, then repeat 2...),
    so the pipelines of one repeat ran close together in time: compare two pipelines repeat by repeat with
    ``ck.verdict.paired(repeat_values(table, a), repeat_values(table, b), notes={"pairs": "repeats"})``.
    """
    if not isinstance(datasets, dict) or not datasets:
        raise TypeError("datasets must be a non-empty dict {name: tf.data.Dataset}.")
    validate.positive_int(repeats, "repeats")
    rates = {str(name): [] for name in datasets}
    for _ in range(repeats):
        for name, ds in datasets.items():
            rates[str(name)].append(images_per_second(ds, batches=batches, warmup=warmup))
    table = pd.DataFrame({"images_per_sec": {name: max(r) for name, r in rates.items()}})
    table.index.name = "pipeline"
    table["relative_to_first"] = table["images_per_sec"] / table["images_per_sec"].iloc[0]
    for i in range(repeats):
        table[f"repeat_{i + 1}"] = [rates[name][i] for name in table.index]
    return table


def repeat_values(table, name):
    """One pipeline's images/s in every repeat of a ``throughput_table``, in repeat order (a list of floats)."""
    if name not in table.index:
        raise KeyError(f"No pipeline named {name!r}; pipelines here: {list(table.index)}.")
    cols = [c for c in table.columns if str(c).startswith("repeat_")]
    return [float(v) for v in table.loc[name, cols]]


def serial_dataset(x, y, augment=None, batch_size=32, seed=0, kind="photos", shuffle=False):
    """The training pipeline of ``make_dataset`` built the slow way: a serial map and no prefetch.

    Same seed, same images as ``make_dataset(..., training=True, shuffle=shuffle)``; only the
    speed differs. Use it to measure what ``num_parallel_calls=AUTOTUNE`` and ``prefetch`` buy.
    """
    x, y = pipeline.check_inputs(x, y, kind)
    validate.positive_int(batch_size, "batch_size")
    validate.positive_int(seed, "seed", allow_zero=True)
    aug = augment_lib.resolve(augment, kind)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).cache()
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    if aug is not None:
        fn = pipeline._apply_per_example(aug)
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
        ds = tf.data.Dataset.zip(ds, seeds).map(lambda xy, s: fn(xy[0], xy[1], s))  # one call at a time
    return ds.batch(batch_size)  # and no prefetch
