"""The stacked model and its training step are plain Keras, so they run on the JAX backend too.

Each test runs a child Python with ``KERAS_BACKEND=jax`` that loads coursekit/models.py and coursekit/stack.py by
path (the package itself imports TensorFlow). JAX is not in the pinned environment (these tests skip there, saying
so); Colab's stack has it (requirements-colab.txt), so ``make test-colab`` runs them.
"""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(importlib.util.find_spec("jax") is None,
                                reason="JAX is not installed here (the pinned stack); make test-colab runs these")

CHILD = r'''
import importlib.util, sys
import numpy as np, keras
assert keras.backend.backend() == "jax", keras.backend.backend()

def load(name):
    spec = importlib.util.spec_from_file_location(name, f"{sys.argv[1]}/coursekit/{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

models, stack = load("models"), load("stack")
shape, classes, batch, seeds = (16, 16, 1), 10, 8, [3, 5, 7]
rng = np.random.default_rng(0)
xs = [[rng.random((batch,) + shape, dtype="float32") for _ in seeds] for _ in range(4)]
ys = [[rng.integers(0, classes, batch) for _ in seeds] for _ in range(4)]

def member(seed):
    keras.utils.set_random_seed(seed)
    m = models.build_cnn(shape, classes, width=8)
    m.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return m

separate = [member(s) for s in seeds]
initial = [[w.copy() for w in m.get_weights()] for m in separate]
for step in range(4):
    for i, m in enumerate(separate):
        m.train_on_batch(xs[step][i], ys[step][i])
members = [member(s) for s in seeds]
for m, w0 in zip(members, initial):
    assert all(np.array_equal(a, b) for a, b in zip(m.get_weights(), w0)), "a member's initial weights differ"
stacked = stack.compile_like(stack.stack_models(members), members[0])
for step in range(4):
    stacked.train_on_batch({f"x{i}": x for i, x in enumerate(xs[step])}, {f"m{i}": y for i, y in enumerate(ys[step])})
worst = max(float(np.max(np.abs(a - b))) for m, s in zip(members, separate)
            for a, b in zip(m.get_weights(), s.get_weights()))
moved = min(float(np.max(np.abs(a - b))) for m, w0 in zip(members, initial)
            for a, b in zip(m.get_weights()[:1], w0[:1]))
print(f"RESULT worst={worst:.3g} moved={moved:.3g}")
'''


def _child(code, *args, timeout=300):
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("PYTHONPATH", None)
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout,
                          env=env, cwd=ROOT)


def test_a_stack_of_three_members_trains_like_three_separate_models_on_jax():
    """Same initial weights per member, and after 4 Adam steps each member's weights equal its separate model's,
    bit for bit on the CPU (measured with JAX 0.7.2, Keras 3.13.2), as on TensorFlow (tests/test_stack.py)."""
    proc = _child(CHILD, str(ROOT))
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT"))
    values = dict(item.split("=") for item in line.split()[1:])
    assert float(values["moved"]) > 1e-4, "the members did not train"
    assert float(values["worst"]) == 0, line


def test_the_seeds_benchmarks_jax_mode_runs():
    """benchmarks/seeds.py's JAX mode (for a GPU machine) runs end to end; on a CPU its figures mean little."""
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "seeds.py"), "--ks", "1", "2", "--steps", "2"],
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "backend jax" in proc.stdout and proc.stdout.strip().splitlines()[-1].split()[0] == "2", proc.stdout
