"""coursekit.benchmark: the timing helpers lesson 5 uses for its throughput table."""
import time

import numpy as np
import pytest
import tensorflow as tf

from coursekit import benchmark, pipeline


def _images(n=40, size=8, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, size, size, 1), dtype=np.float32), rng.integers(0, 3, n)


def _slow_dataset(n_batches, batch_size, delay):
    """A dataset whose every batch takes at least `delay` seconds to produce."""
    def slow(i):
        time.sleep(delay)
        return np.zeros((batch_size, 4), np.float32)

    ds = tf.data.Dataset.range(n_batches)
    return ds.map(lambda i: tf.numpy_function(slow, [i], tf.float32))


def test_rate_is_images_over_time():
    ds = _slow_dataset(n_batches=6, batch_size=10, delay=0.05)
    rate = benchmark.images_per_second(ds, batches=5, warmup=1)
    # 5 batches of 10 images, each at least 0.05 s: at most 200 images/s, and not absurdly slow
    assert 20 < rate <= 200


def test_full_pass_counts_a_partial_last_batch():
    x, y = _images(n=25)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(10)  # 10, 10, 5
    start = time.perf_counter()
    rate = benchmark.images_per_second(ds, warmup=0)
    elapsed = time.perf_counter() - start
    assert rate >= 25 / elapsed  # all 25 images counted, in less time than the whole call


def test_bad_arguments_give_one_clear_error():
    with pytest.raises(TypeError, match="tf.data.Dataset"):
        benchmark.images_per_second(np.zeros((4, 8, 8, 1)))
    ds = tf.data.Dataset.from_tensor_slices(np.zeros((4, 2), np.float32)).batch(2)
    with pytest.raises(ValueError, match="batches"):
        benchmark.images_per_second(ds, batches=0)
    with pytest.raises(ValueError, match="warm-up"):
        benchmark.images_per_second(ds, warmup=5)
    with pytest.raises(TypeError, match="non-empty dict"):
        benchmark.throughput_table({})


def test_table_has_one_row_per_pipeline_relative_to_the_first():
    x, y = _images()
    fast = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    slow = _slow_dataset(n_batches=4, batch_size=8, delay=0.05)
    table = benchmark.throughput_table({"fast": fast, "slow": slow}, batches=3, repeats=1)
    assert list(table.index) == ["fast", "slow"]
    assert table.loc["fast", "relative_to_first"] == 1.0
    assert table.loc["slow", "images_per_sec"] < table.loc["fast", "images_per_sec"]


def test_serial_dataset_gives_the_same_images_as_make_dataset():
    x, y = _images()
    fast = pipeline.make_dataset(x, y, augment=0.5, batch_size=8, seed=3, shuffle=False, kind="digits")
    slow = benchmark.serial_dataset(x, y, augment=0.5, batch_size=8, seed=3, kind="digits")
    xa, ya = pipeline.take_images(fast, n=40)
    xb, yb = pipeline.take_images(slow, n=40)
    np.testing.assert_array_equal(ya, yb)
    np.testing.assert_allclose(xa, xb, atol=1e-6)
    assert not np.allclose(xa, x)  # and it did augment


def test_gpu_input_benchmark_prints_its_three_setups_and_ratios():
    """benchmarks/gpu_input.py runs on a CPU (tiny sizes here) and prints every setup and ratio."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "gpu_input.py"
    proc = subprocess.run([sys.executable, str(script), "--steps", "2", "--repeats", "1", "--batch", "16",
                           "--width", "4", "--no-digits"], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert "CPU only" in out and "small sizes" in out
    for name in ("augmentation in tf.data", "augmentation in the model", "no augmentation"):
        assert name in out
    assert out.count("ratio ") == 2 and out.count("waiting for input") == 3


def test_table_keeps_every_repeat_interleaved_for_a_paired_verdict():
    x, y = _images()
    order = []

    def tagged(tag):
        def note(i):
            order.append(tag)
            return np.zeros((8, 4), np.float32)
        return tf.data.Dataset.range(1).map(lambda i: tf.numpy_function(note, [i], tf.float32))

    table = benchmark.throughput_table({"a": tagged("a"), "b": tagged("b")}, batches=1, warmup=0, repeats=3)
    assert list(table.columns) == ["images_per_sec", "relative_to_first", "repeat_1", "repeat_2", "repeat_3"]
    runs = [tag for i, tag in enumerate(order) if i == 0 or order[i - 1] != tag]  # tf.data may read ahead
    assert runs == ["a", "b"] * 3  # repeat 1 times every pipeline, then repeat 2, ...
    values = benchmark.repeat_values(table, "b")
    assert len(values) == 3 and table.loc["b", "images_per_sec"] == max(values)
    with pytest.raises(KeyError, match="pipelines here"):
        benchmark.repeat_values(table, "c")
