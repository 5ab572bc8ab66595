"""Lesson 8's online path fits Binder's memory: on a full-size CIFAR-10 archive in the real format (generated
here: 50,000 + 10,000 random 32x32x3 images in its python pickle layout, tar.gz), loading, drawing a seed's
subset and training one epoch as the lesson does peaks under 1.5 GB of resident memory, TensorFlow's import
(about 0.68 GB) included.

The peak is the child process's ``ru_maxrss``, read by a small parent whose only child it is (pytest's own
RUSAGE_CHILDREN would include every process the session started). ``prlimit --as`` cannot measure this:
TensorFlow alone maps about 2 GB of address space. The generated archive is not the published one, so the child
skips the checksum for it alone; the checksum path has its own test (test_online_datasets.py).
"""
import io
import json
import os
import pickle
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB = 1500

LESSON8_DATA_PATH = r"""
import json, sys
import coursekit as ck
from coursekit.images import online

real = online.sources()
real["cifar10"]["files"] = [{**f, "md5": None, "sha256": None} for f in real["cifar10"]["files"]]
online.sources = lambda: real  # this generated archive only: it is not the published one
ck.device.setup(seed=0)
# lesson 8, quick profile: its load, the first config's subset of seed 0, one epoch of the lesson's ResNet
data = ck.data.load("cifar10", seed=0, cache_dir=sys.argv[1], max_per_class=500)
crop = ck.augment.custom(translation=0.125, flip="horizontal", fill_mode="reflect")
cfg = ck.train.config(dataset=data, n_per_class=30, model="resnet", width=16, epochs=1, batch_size=32,
                      learning_rate=2e-3, augment_in="model", augment=crop)
res = ck.train.run(cfg, seeds=[0], progress=False, keep_models=False)
print(json.dumps({"train": len(data.x_train), "val": len(data.x_val), "test": len(data.x_test),
                  "trained": int(res.runs.n_train[0]), "dtype": str(data.x_train.dtype)}))
"""

PEAK_OF_CHILD = r"""
import resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stderr.write(proc.stderr)
print(proc.stdout.strip().splitlines()[-1] if proc.returncode == 0 else "failed")
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)  # KiB on Linux
"""


def _write_archive(path):
    rng = np.random.default_rng(0)
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
            batch = {b"batch_label": name.encode(), b"labels": rng.integers(0, 10, 10_000).tolist(),
                     b"data": rng.integers(0, 256, (10_000, 3072), dtype=np.uint8),
                     b"filenames": [f"{name}_{i}.png".encode() for i in range(10_000)]}
            payload = pickle.dumps(batch, protocol=2)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))


@pytest.mark.slow  # Binder runs the pinned stack: make test measures it there
def test_lesson8_cifar10_path_peaks_under_1_5_gb(tmp_path):
    (tmp_path / "datasets").mkdir()
    _write_archive(tmp_path / "datasets" / "cifar-10-python.tar.gz")
    child = tmp_path / "lesson8_data_path.py"
    child.write_text(LESSON8_DATA_PATH)
    env_python = [sys.executable, "-c", PEAK_OF_CHILD, sys.executable, str(child), str(tmp_path)]
    proc = subprocess.run(env_python, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    report, peak_kib = proc.stdout.strip().splitlines()[-2:]
    assert report != "failed", proc.stderr[-3000:]
    sizes = json.loads(report)
    assert sizes == {"train": 5_000, "val": 5_000, "test": 5_000, "trained": 300, "dtype": "float32"}
    peak_mb = int(peak_kib) / 1024
    print(f"peak resident memory of lesson 8's CIFAR-10 path: {peak_mb:.0f} MB")
    assert peak_mb < LIMIT_MB, f"lesson 8's CIFAR-10 path peaked at {peak_mb:.0f} MB (limit {LIMIT_MB} MB)"
