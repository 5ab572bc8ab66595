"""Where the course runs and how: seeds, GPUs, mixed precision, the quick/full profile.

``setup()`` is the first call of every notebook. It works the same with or
without a GPU, and prints one banner line so that a learner (and an
instructor reading a log) sees at once what the notebook is running on.
"""
import contextlib
import functools
import os
import random
import re
import sys
import tempfile

import numpy as np

from .base import validate

PROFILES = ("quick", "full")

# TensorFlow's C++ start-up chatter on file descriptor 2, which Python's own filters cannot see: absl's note
# that logging is not initialised yet, info lines (oneDNN, CPU features, "no CUDA drivers", devices created),
# and the CUDA probe's errors on a machine without a usable GPU. Anything else is shown.
def _prefix(levels):
    """A log line's prefix for these level letters: absl's (TF 2.21: 'E0000 00:00:17.5  7 file.cc:52] ') or
    the older TensorFlow one (TF 2.20, Colab: '2026-11-28 09:44:30.021465: E external/.../file.cc:51] ')."""
    return rf"(?:[{levels}]\d{{4}} [\d:.]+\s+\d+ |\d{{4}}-\d\d-\d\d [\d:.]+: [{levels}] )\S+:\d+\] "


NATIVE_NOISE = re.compile("|".join([
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR",
    _prefix("I"),  # every info line
    _prefix("WE") + r"(failed call to cuInit|Could not find cuda drivers|Unable to register cu\w+ factory|"
            r"computation placer already registered|TF-TRT Warning|could not open file to read NUMA node|"
            r"successful NUMA node read|cuda_executor|Failed to get device properties|"
            r"CPU feature guard|Compiled cluster using XLA|Loaded cuDNN version)",
    r"To enable the following instructions: [\w ]+, in other operations, rebuild TensorFlow",
    r"Created device /job:\S+ with \d+ MB memory",
]))


def _is_noise(line):
    return bool(NATIVE_NOISE.match(line.strip())) if line.strip() else True


@contextlib.contextmanager
def native_logs_filtered():
    """Hold back TensorFlow's C++ start-up lines (written to fd 2, e.g. at ``import tensorflow`` and at the
    first GPU probe) and show every other line afterwards, so that real errors still reach the learner.

    File descriptor 2 points at a temporary file for the duration; on the way out it is restored and each
    line that is not known noise (``NATIVE_NOISE``) is written to ``sys.stderr``.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real fd 2 (an embedded interpreter): do nothing
        yield
        return
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            try:
                sys.stderr.flush()
            except (OSError, ValueError):
                pass
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            kept = [line for line in held.read().decode("utf-8", "replace").splitlines(keepends=True)
                    if not _is_noise(line)]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()


def where():
    """'colab', 'binder' or 'local', read from the markers each service sets."""
    if "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ or "COLAB_GPU" in os.environ:
        return "colab"
    if "BINDER_SERVICE_HOST" in os.environ or "BINDER_LAUNCH_HOST" in os.environ or "BINDER_REPO_URL" in os.environ:
        return "binder"
    return "local"


def gpus():
    """The physical GPUs TensorFlow sees (an empty list on a CPU-only machine)."""
    with native_logs_filtered():  # the first probe prints CUDA's errors on a machine without a GPU
        import tensorflow as tf

        return tf.config.list_physical_devices("GPU")


def pick_profile(requested="auto", verbose=True):
    """Resolve a notebook's PROFILE parameter to 'quick' or 'full'.

    'auto' picks 'full' when a GPU is present and 'quick' otherwise; the
    environment variable COURSE_PROFILE, when set, overrides 'auto' (the
    course runner and CI use it).
    """
    if requested == "auto":
        requested = os.environ.get("COURSE_PROFILE", "auto")
    if requested == "auto":
        profile, why = ("full", "a GPU is present") if gpus() else ("quick", "no GPU: a few minutes on a laptop CPU")
    else:
        profile, why = validate.one_of("PROFILE", requested, PROFILES + ("auto",), what="profile"), "asked for"
    if verbose:
        print(f"Profile: {profile} ({why})")
    return profile


def _gpu_gains_from_mixed_precision(devices):
    """Mixed float16 only pays off on GPUs with tensor cores (compute capability 7.0 and up)."""
    import tensorflow as tf

    for d in devices:
        cc = tf.config.experimental.get_device_details(d).get("compute_capability")
        if not cc or cc < (7, 0):
            return False
    return bool(devices)


MIXED_PRECISION_ENV = "COURSEKIT_MIXED_PRECISION"


def _forced_mixed_precision():
    """True or False when COURSEKIT_MIXED_PRECISION is set to 1 or 0, None when it is unset or empty."""
    value = os.environ.get(MIXED_PRECISION_ENV, "").strip()
    if not value:
        return None
    if value not in ("0", "1"):
        raise ValueError(f"{MIXED_PRECISION_ENV} must be 1 (mixed precision on) or 0 (off); got {value!r}.")
    return value == "1"


def setup(seed=0, deterministic=False, mixed_precision="auto", verbose=True):
    """Seed everything, set GPUs up, and print a one-line banner. Returns a dict of what it found.

    seed:            seeds Python, NumPy, TensorFlow and Keras (same seed, same numbers on the same machine).
    deterministic:   also turn on TensorFlow op determinism (slower; coursekit's own pipelines are
                     already reproducible because they use seeded stateless random ops).
    mixed_precision: "auto" (on only for GPUs with tensor cores), True or False. The environment variable
                     COURSEKIT_MIXED_PRECISION, when set to 1 (on) or 0 (off), overrides "auto": with
                     COURSEKIT_MIXED_PRECISION=1 a CPU runs the mixed_float16 path of a Colab GPU learner (T4,
                     L4, A100), which is how `make test-colab` checks it. True or False passed here win over it.
    """
    validate.positive_int(seed, "seed", allow_zero=True)
    if mixed_precision not in ("auto", True, False):
        raise ValueError(f"mixed_precision must be 'auto', True or False; got {mixed_precision!r}.")
    forced = _forced_mixed_precision() if mixed_precision == "auto" else None
    import keras
    import tensorflow as tf

    devices = gpus()
    with native_logs_filtered():  # on a GPU: the device set-up lines; the banner below says what counts
        for d in devices:
            try:
                tf.config.experimental.set_memory_growth(d, True)
            except RuntimeError:
                pass  # already initialised: growth can only be set before first use
        tf.constant(0)  # create the devices now, inside the filter, not in the learner's first experiment
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    if forced is not None:
        use_mp = forced
    else:
        use_mp = _gpu_gains_from_mixed_precision(devices) if mixed_precision == "auto" else bool(mixed_precision)
    keras.mixed_precision.set_global_policy("mixed_float16" if use_mp else "float32")

    place = where()
    info = {
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "gpus": [tf.config.experimental.get_device_details(d).get("device_name", d.name) for d in devices],
        "where": place,
        "mixed_precision": use_mp,
        "seed": seed,
        "deterministic": bool(deterministic),
        "suggested_profile": "full" if devices else "quick",
    }
    if verbose:
        hw = f"{len(devices)} GPU ({', '.join(info['gpus'])})" if devices else f"CPU only ({os.cpu_count()} cores)"
        tip = {"binder": " - Binder has 1 CPU and 2 GB: keep PROFILE='quick'.",
               "colab": "" if devices else " - tip: Runtime > Change runtime type > GPU for the full profile."}.get(place, "")
        mp = ("on" if use_mp else "off") + (f" ({MIXED_PRECISION_ENV}={int(use_mp)})" if forced is not None else "")
        print(f"TensorFlow {info['tensorflow']} | Keras {info['keras']} | {hw} | running on {place} | "
              f"mixed precision {mp} | seed {seed} | suggested profile: {info['suggested_profile']}{tip}")
    return info


def strategy():
    """A tf.distribute strategy: mirrored whenever more than one device is visible, the default one otherwise.

    Several GPUs count, and so do several logical devices (a CPU split with
    ``tf.config.set_logical_device_configuration``, a GPU split into virtual GPUs). Build and compile
    models inside ``with strategy().scope():``; ``coursekit.train`` does.
    """
    import tensorflow as tf

    devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
    if len(devices) > 1:
        return _mirrored(tuple(d.name for d in devices))
    return tf.distribute.get_strategy()


@functools.lru_cache(maxsize=None)
def _mirrored(names):
    """One MirroredStrategy per set of devices, for the whole process: each new one numbers its all-reduce
    ops from the same start, so a second one clashes with the first as soon as their models' shapes differ."""
    import tensorflow as tf

    return tf.distribute.MirroredStrategy(list(names))
