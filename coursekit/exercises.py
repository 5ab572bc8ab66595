"""Exercises that check themselves, in the style of Kaggle Learn: ``q1.check(answer)``, ``q1.hint()``, ``q1.solution()``.

In an exercise notebook::

    from coursekit import exercises
    q1, q2, q3, q4 = exercises.questions("ex1")

    def make_train_ds(x, y, batch_size=8):
        ...                       # your code
    q1.check(make_train_ds)       # pass your answer explicitly

``check`` runs your code on a few small images and looks at what it DOES (two epochs compared, a known
6 fed through your augmentation, your layer called with ``training=False`` ...), then prints one of:

- ``Correct: ...``            your answer behaves as it should;
- ``Incorrect: ...``          a sentence that names the mistake it saw;
- ``Not attempted yet: ...``  the answer is still the placeholder ``____`` (or raises NotImplementedError).

It also returns a :class:`Result` (``.passed``, ``.status``, ``.message``) so tests can assert on it.
A checker never crashes on your code: an exception, a wrong type or a wrong shape becomes a message.
Reference answers live in ``exercises.solutions`` (the module ``coursekit.exercise_solutions``).

Note: checks reseed TensorFlow (``tf.random.set_seed(0)``) so that the same answer always gets the same verdict.
"""
import html
import inspect
import textwrap
from functools import lru_cache

import keras
import numpy as np
import tensorflow as tf

from . import augment as augment_lib
from . import exercise_solutions as solutions
from .exercise_solutions import digit_augmenter  # noqa: F401  (the notebooks use it)

STATUSES = {"correct": "Correct", "incorrect": "Incorrect", "not_attempted": "Not attempted yet",
            "error": "Could not check"}
_COLOURS = {"correct": "#1a7f37", "incorrect": "#cf222e", "not_attempted": "#0969da", "error": "#9a6700"}


class _Blank:
    """The placeholder ``____`` a learner replaces with an answer."""

    def __repr__(self):
        return "____"


____ = _Blank()


def is_blank(value):
    return value is None or value is Ellipsis or isinstance(value, _Blank)


class Result:
    """The verdict of one check. ``passed`` is True only for a correct answer."""

    def __init__(self, name, status, message):
        self.name, self.status, self.message = name, status, message
        self._shown = False

    @property
    def passed(self):
        return self.status == "correct"

    @property
    def text(self):
        return f"[{self.name}] {STATUSES[self.status]}: {self.message}"

    def __repr__(self):
        return self.text

    def show(self):
        """Print the verdict: coloured in Jupyter, plain text elsewhere."""
        self._shown = True
        _show(self.text, f'<div style="color:{_COLOURS[self.status]}"><b>[{self.name}] {STATUSES[self.status]}:</b> '
                         f"{html.escape(self.message)}</div>")

    def _ipython_display_(self):
        if not self._shown:  # check() already displayed it: do not show it twice
            self.show()


def _in_ipython():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return get_ipython() is not None


def _show(plain, rich):
    if _in_ipython():
        from IPython.display import display

        display({"text/plain": plain, "text/html": rich}, raw=True)
    else:
        print(plain)


class _Outcome(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


def _fail(message):
    raise _Outcome("incorrect", message)


def _not_attempted(what):
    name = what.replace("creating ", "").split("(")[0]
    raise _Outcome("not_attempted", f"{name} is still the template (it raises NotImplementedError): replace that "
                                    "line with your code, then run this cell again.")


def _short(e):
    text = str(e).strip().splitlines()
    text = text[0] if text else ""
    return f"{type(e).__name__}: {text[:220]}" if text else type(e).__name__


def _call(fn, *args, what="your function", **kwargs):
    """Run learner code; NotImplementedError means 'not attempted', any other exception becomes a message."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        _not_attempted(what)
    except _Outcome:
        raise
    except Exception as e:  # the learner's code may raise anything: explain instead of crashing
        _fail(f"{what} raised {_short(e)}")


def _need_callable(value, what, expected):
    if is_blank(value):
        _not_attempted(what)
    if not callable(value):
        _fail(f"{what} should be {expected}; got {type(value).__name__} {value!r:.60}.")


class Exercise:
    """One question: ``check(answer)``, ``hint()``, ``solution()``."""

    def __init__(self, name, title, checker, hint, solution, n_answers=1):
        self.name, self.title, self._checker = name, title, checker
        self._hint, self._solution, self.n_answers = hint, solution, n_answers
        self.last = None

    def __repr__(self):
        return f"{self.name}: {self.title}"

    def check(self, *answers):
        """Run your answer(s) on small data and print what the check saw. Returns a Result."""
        if len(answers) != self.n_answers:
            names = "answer" if self.n_answers == 1 else f"{self.n_answers} answers"
            result = Result(self.name, "error", f"{self.name}.check takes {names}; got {len(answers)}. "
                                                f"Pass your answer explicitly, e.g. {self.name}.check(my_answer).")
        elif any(is_blank(a) for a in answers):
            result = Result(self.name, "not_attempted",
                            "replace each ____ with your answer, then run this cell again.")
        else:
            try:
                with _quiet_tf():
                    message = self._checker(*answers)
                result = Result(self.name, "correct", message)
            except _Outcome as o:
                result = Result(self.name, o.status, o.message)
            except NotImplementedError:
                result = Result(self.name, "not_attempted", "your answer still raises NotImplementedError: "
                                                            "replace that line with your code.")
            except Exception as e:  # a checker must never crash the notebook
                result = Result(self.name, "error", f"the check stopped on {_short(e)}. Read your answer again "
                                                    f"(or ask for {self.name}.hint()).")
        self.last = result
        result.show()
        return result

    def hint(self):
        """Print a hint."""
        _show(f"Hint ({self.name}): {self._hint}",
              f"<div><b>Hint ({self.name}):</b> {html.escape(self._hint)}</div>")

    def solution_code(self):
        if isinstance(self._solution, str):
            return self._solution
        return "\n\n".join(textwrap.dedent(inspect.getsource(obj)).strip() for obj in self._solution)

    def solution(self):
        """Print a reference answer (the code in coursekit.exercise_solutions)."""
        code = self.solution_code()
        _show(f"Solution ({self.name}):\n{code}",
              f"<div><b>Solution ({self.name}):</b><pre>{html.escape(code)}</pre></div>")


class _quiet_tf:
    """Silence tf.data's warnings about iterators cut short while a check runs."""

    def __enter__(self):
        self.level = tf.get_logger().level
        tf.get_logger().setLevel("ERROR")

    def __exit__(self, *exc):
        tf.get_logger().setLevel(self.level)


# ------------------------------------------------------------------ small data the checks use

@lru_cache(maxsize=1)
def _digits():
    from . import data

    return data.load("digits", seed=0)


def check_images(n=16, split="train"):
    """n digit images (float32, 16x16x1) from the split, and their true labels."""
    d = _digits()
    x, y = (d.x_train, d.y_train) if split == "train" else (d.x_val, d.y_val)
    return x[:n].copy(), y[:n].copy()


def _digit(label):
    d = _digits()
    return d.x_train[np.flatnonzero(d.y_train == label)[0]]


# ------------------------------------------------------------------ dataset helpers

def _chain(ds):
    """The datasets a tf.data pipeline is built from, from its output back to its source."""
    out, todo = [], [ds]
    while todo:
        node = todo.pop(0)
        out.append(node)
        if getattr(node, "_input_dataset", None) is not None:
            todo.append(node._input_dataset)
        for inner in getattr(node, "_datasets", None) or ():
            if isinstance(inner, tf.data.Dataset):
                todo.append(inner)
    return out


def _is_map(node):
    return "MapDataset" in type(node).__name__


def _is_cache(node):
    return "CacheDataset" in type(node).__name__


def _cache_after_map(ds):
    """True when a cache() sits downstream of a map (so it stores the map's output)."""
    seen_cache = False
    for node in _chain(ds):
        seen_cache = seen_cache or _is_cache(node)
        if _is_map(node) and seen_cache:
            return True
    return False


def _need_dataset(ds, what):
    if ds is None:
        _fail(f"{what} returned None: did you forget `return ds`?")
    if isinstance(ds, np.ndarray) or tf.is_tensor(ds):
        _fail(f"{what} returned an array, not a tf.data.Dataset: build one with "
              "tf.data.Dataset.from_tensor_slices((x, y)).")
    if isinstance(ds, tuple):
        _fail(f"{what} returned a tuple; it should return one tf.data.Dataset.")
    if not isinstance(ds, tf.data.Dataset):
        _fail(f"{what} should return a tf.data.Dataset; got {type(ds).__name__}.")


def _epoch(ds, n, what="your dataset"):
    """One pass over a dataset of (images, labels) batches, as arrays sorted by label."""
    xs, ys = [], []
    try:
        for count, element in enumerate(ds):
            if count > n + 1:
                _fail(f"{what} does not end after one pass over its {n} examples: remove .repeat() "
                      "(model.fit runs the epochs for you).")
            if not isinstance(element, (tuple, list)) or len(element) != 2:
                _fail(f"each element of {what} should be a pair (images, labels); got {type(element).__name__}.")
            xb, yb = (np.asarray(t) for t in element)
            if xb.ndim == 3:
                _fail(f"{what} yields single images of shape {xb.shape}, not batches: add .batch(batch_size) "
                      "(after the augmentation map).")
            if xb.ndim != 4 or yb.ndim != 1 or len(xb) != len(yb):
                _fail(f"{what} yields images of shape {xb.shape} with labels of shape {yb.shape}; expected "
                      "batches (batch, height, width, channels) with one label per image.")
            xs.append(xb)
            ys.append(yb)
    except _Outcome:
        raise
    except Exception as e:
        _fail(f"iterating over {what} raised {_short(e)}")
    if not xs:
        _fail(f"{what} is empty.")
    x, y = np.concatenate(xs), np.concatenate(ys)
    order = np.argsort(y, kind="stable")
    return x[order].astype("float32"), y[order]


def epoch_change(ds, n=None):
    """Mean absolute pixel change between two passes over a dataset of (images, labels) batches.

    0 means both epochs showed exactly the same images: the augmentation is frozen (or absent).
    Works with shuffled datasets whose labels identify the examples (as the exercises' are).
    """
    n = n or 10**6
    a, _ = _epoch(ds, n)
    b, _ = _epoch(ds, n)
    if a.shape != b.shape:
        return float("nan")
    return float(np.abs(a - b).mean())


def _index_labels(n, offset=0):
    return np.arange(offset, offset + n, dtype="int64")


def _verdict_pipeline(ds, x, what, require_cache=False):
    """Shared by the pipeline exercises: is ds augmented anew every epoch? Returns a confirmation."""
    _need_dataset(ds, what)
    n = len(x)
    e1, y1 = _epoch(ds, n, what)
    e2, y2 = _epoch(ds, n, what)
    expected = np.arange(n)
    if len(y1) != n or not np.array_equal(np.sort(y1), expected):
        _fail(f"one epoch of {what} holds {len(y1)} examples whose labels are not the {n} labels passed in: "
              "keep each label with its image, and keep every example exactly once per epoch.")
    if e1.shape[1:] != x.shape[1:]:
        _fail(f"{what} changed the image shape from {x.shape[1:]} to {e1.shape[1:]}: augmentation must "
              "keep the shape.")
    change = float(np.abs(e1 - e2).mean())
    if np.abs(e1 - x).max() < 1e-6 and np.abs(e2 - x).max() < 1e-6:
        _fail(f"{what} shows the untouched original images: nothing is augmented. Map the augmentation "
              "over the dataset: ds.map(lambda img, label: (augmenter(img, training=True), label)).")
    if change < 1e-6:
        if _cache_after_map(ds):
            _fail(f"Both epochs show exactly the same 'random' images: cache() comes AFTER the random map, so "
                  "it stores the first epoch's augmented images and replays them. Put cache() before the map.")
        if any(_is_map(node) for node in _chain(ds)):
            _fail(f"Your map runs, yet both epochs show the same images: its random ops draw the same values "
                  "every epoch (stateful tf.random / tf.image.random_* ops with a global seed restart with each "
                  "epoch). Use the Keras layers, augmenter(img, training=True), inside the map.")
        _fail(f"Both epochs show exactly the same augmented images: the augmentation ran ONCE, before the "
              "dataset was built (static augmentation), so the model sees one fixed copy. Augment on the fly "
              "with ds.map(...) so every epoch draws new images.")
    cached = any(_is_cache(node) for node in _chain(ds))
    if require_cache and not cached:
        _fail(f"Every epoch is augmented anew, but {what} has no cache(): this exercise asks you to cache "
              "the clean data (before the random map) so it is not re-read every epoch.")
    extra = " The clean data are cached before the random map." if cached else ""
    return (f"every epoch draws new augmented images (mean pixel change between two epochs: {change:.3f}).{extra}")


# ------------------------------------------------------------------ ex1 checkers

def _check_pipeline_fn(fn, what, require_cache=False):
    """Build the learner's pipeline on 16 small images and judge two of its epochs."""
    _need_callable(fn, what, "a function (x, y, batch_size) -> tf.data.Dataset")
    x, _ = check_images(16)
    tf.random.set_seed(0)
    ds = _call(fn, x, _index_labels(len(x)), 8, what=what)
    _need_dataset(ds, what)
    return _verdict_pipeline(ds, x, f"{what}'s dataset", require_cache=require_cache)


def _check_train_ds(make_train_ds):
    return _check_pipeline_fn(make_train_ds, "make_train_ds")


def _check_cached_ds(make_cached_ds):
    return _check_pipeline_fn(make_cached_ds, "make_cached_ds", require_cache=True)


def _check_datasets(make_datasets):
    what = "make_datasets"
    _need_callable(make_datasets, what, "a function (x_train, y_train, x_val, y_val, batch_size) -> (train_ds, val_ds)")
    x_tr, _ = check_images(16, "train")
    x_val, _ = check_images(12, "val")
    y_tr, y_val = _index_labels(len(x_tr)), _index_labels(len(x_val), offset=100)
    tf.random.set_seed(0)
    out = _call(make_datasets, x_tr, y_tr, x_val, y_val, 8, what=what)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        _fail(f"make_datasets should return two datasets, (train_ds, val_ds); got {type(out).__name__}.")
    train_ds, val_ds = out
    _need_dataset(val_ds, "make_datasets (its val_ds)")
    v1, yv1 = _epoch(val_ds, len(x_val), "val_ds")
    v2, _ = _epoch(val_ds, len(x_val), "val_ds")
    if len(yv1) and (yv1 < 100).all():
        _fail("val_ds holds the TRAINING images (their labels came from y_train): build it from x_val, y_val.")
    if len(yv1) != len(x_val) or not np.array_equal(np.sort(yv1), y_val):
        _fail(f"val_ds should hold each of the {len(x_val)} validation examples once, with its label; "
              f"one pass gave {len(yv1)} examples with other labels.")
    if v1.shape[1:] != x_val.shape[1:]:
        _fail(f"val_ds changed the image shape from {x_val.shape[1:]} to {v1.shape[1:]}.")
    if np.abs(v1 - x_val).max() > 1e-6 or np.abs(v2 - x_val).max() > 1e-6:
        _fail("val_ds shows augmented (changed) validation images: augmenting validation or test data makes "
              "their accuracy measure something the model will never see. Leave val_ds unaugmented.")
    confirmation = _verdict_pipeline(train_ds, x_tr, "train_ds")
    return f"val_ds shows the real validation images, and train_ds: {confirmation}"


def _check_augment_batch(augment_batch):
    what = "augment_batch"
    _need_callable(augment_batch, what, "a function (images) -> images, on a whole batch")
    gray = tf.fill([8, 12, 12, 1], 0.5)
    tf.random.set_seed(0)
    out = _call(augment_batch, gray, what=what)
    try:
        out = np.asarray(out, dtype="float32")
    except Exception as e:
        _fail(f"augment_batch should return the batch of images as a tensor; got {type(out).__name__} ({_short(e)}).")
    if out.shape != tuple(gray.shape):
        _fail(f"augment_batch turned a batch of shape {tuple(gray.shape)} into shape {out.shape}: "
              "it must return images of the same shape.")
    if np.abs(out - 0.5).max() < 1e-6:
        _fail("augment_batch returned the images unchanged: add a random brightness change.")
    within = out.std(axis=(1, 2, 3))
    if within.max() > 1e-3:
        _fail("augment_batch changes the pixels of one image by different amounts (that is noise): a brightness "
              "change adds ONE value to all the pixels of an image.")
    shifts = out.mean(axis=(1, 2, 3)) - 0.5
    if shifts.std() < 1e-6:
        _fail(f"All 8 images of the batch got the same brightness change ({shifts[0]:+.3f}): the op drew ONE "
              "random value for the whole batch (tf.image.random_brightness does that on a batch). Draw one "
              "value per image, e.g. tf.random.uniform([batch, 1, 1, 1], -0.2, 0.2).")
    again = np.asarray(_call(augment_batch, gray, what=what), dtype="float32")
    if np.abs(again - out).max() < 1e-6:
        _fail("augment_batch gives the same brightness changes on every call: draw new random values each "
              "call (no fixed seed).")
    x, _ = check_images(8)
    dark_light = np.asarray(_call(augment_batch, tf.constant(x), what=what), dtype="float32")
    if dark_light.min() < -1e-6 or dark_light.max() > 1 + 1e-6:
        _fail(f"augment_batch pushed pixel values to [{dark_light.min():.2f}, {dark_light.max():.2f}]: keep them "
              "in [0, 1] with tf.clip_by_value(images, 0.0, 1.0).")
    try:
        ds = tf.data.Dataset.from_tensor_slices(x).batch(4).map(augment_batch)
        for _ in ds:
            pass
    except Exception as e:
        _fail(f"augment_batch works on a tensor but fails inside ds.map (graph mode): {_short(e)}. "
              "Use TensorFlow ops (tf.shape, tf.random.uniform), not NumPy.")
    return (f"each image of the batch gets its own brightness change (spread across the batch: "
            f"{shifts.std():.3f}), and it works inside tf.data.")


# ------------------------------------------------------------------ ex2 checkers

def _turn_outcomes(augment_digit, digit, tries=40):
    """Feed one known digit through augment_digit `tries` times (inside tf.data); classify each output."""
    image = _digit(digit)
    ds = tf.data.Dataset.from_tensors((image, np.int64(digit))).repeat(tries)
    try:
        ds = ds.map(augment_digit)
        outs = [(np.asarray(a, dtype="float32"), np.asarray(b)) for a, b in ds]
    except NotImplementedError:
        _not_attempted("augment_digit")
    except _Outcome:
        raise
    except Exception as e:
        _fail(f"mapping augment_digit over a dataset of (image, label) pairs raised {_short(e)}")
    kinds = {"same": np.asarray(image), "half-turn": np.rot90(image, 2),
             "mirror": image[:, ::-1], "upside-down mirror": image[::-1]}
    result = []
    for img, label in outs:
        if img.shape != image.shape:
            _fail(f"augment_digit turned an image of shape {image.shape} into {img.shape}: keep the shape.")
        if label.shape != ():
            _fail(f"augment_digit should return one label per image (a scalar); got shape {label.shape}.")
        kind = next((k for k, ref in kinds.items() if np.abs(img - ref).max() < 1e-5), "other")
        result.append((kind, int(label)))
    return result


def _check_augment_digit(augment_digit):
    what = "augment_digit"
    _need_callable(augment_digit, what, "a function (image, label) -> (image, label)")
    tf.random.set_seed(0)
    twin = {6: 9, 9: 6, 8: 8}
    turned = 0
    for digit in (6, 9, 8, 7):
        for kind, label in _turn_outcomes(augment_digit, digit):
            if kind in ("mirror", "upside-down mirror"):
                _fail(f"augment_digit gave a {kind} image of a {digit}: mirrored digits are no digits at all. "
                      "Turn by 180 degrees instead: tf.image.rot90(image, 2).")
            if kind == "other":
                _fail(f"augment_digit changed a {digit} into something that is neither the digit nor its half-turn: "
                      "this exercise asks only for the half-turn, tf.image.rot90(image, 2).")
            if digit == 7 and kind == "half-turn":
                _fail("augment_digit turned a 7 upside down: an upside-down 7 is no digit. Turn only 0, 1, 6, 8 "
                      "and 9, and leave every other digit alone.")
            if kind == "same" and label != digit:
                _fail(f"augment_digit changed the label of an unturned {digit} to {label}: change the label only "
                      "when you turn the image.")
            if kind == "half-turn":
                turned += 1
                if label == digit and digit in (6, 9):
                    _fail(f"augment_digit turned a {digit} upside down but kept the label {digit}: it now shows a "
                          f"{twin[digit]}. Change the label too: 6 <-> 9.")
                if label != twin[digit]:
                    _fail(f"augment_digit turned a {digit} upside down and labelled it {label}; it shows a "
                          f"{twin[digit]}.")
    if turned == 0:
        _fail("augment_digit never turned a 6, a 9 or an 8 in 120 tries: turn them at random (say half the time).")
    return (f"a turned 6 becomes a 9 and a turned 9 a 6, an 8 stays an 8 and a 7 is never turned "
            f"({turned} of 120 tries were turned).")


@lru_cache(maxsize=1)
def _judge():
    """A 3-nearest-neighbour classifier that knows only CLEAN digits: a proxy for 'still recognisable'."""
    from sklearn.neighbors import KNeighborsClassifier

    d = _digits()
    return KNeighborsClassifier(3).fit(d.x_train.reshape(len(d.x_train), -1), d.y_train)


MIN_RECOGNISED = 0.75
MIN_CHANGE = 0.02


def realism(augment, n=200, seed=1):
    """How recognisable digits stay under an augmentation: (fraction recognised, mean pixel change).

    A nearest-neighbour judge that has seen only clean digits labels n augmented validation digits.
    """
    from . import pipeline

    d = _digits()
    x, y = d.x_val[:n], d.y_val[:n]
    xa = pipeline.augment_once(x, augment, seed=seed, kind="digits")
    recognised = float((_judge().predict(xa.reshape(len(xa), -1)) == y).mean())
    return recognised, float(np.abs(xa - x).mean())


def _check_strength(strength):
    if isinstance(strength, bool) or not isinstance(strength, (int, float, np.floating, np.integer, str,
                                                               augment_lib.ImageAugment)):
        _fail(f"STRENGTH should be a number between 0 and 1 (or a preset name); got {type(strength).__name__}.")
    if isinstance(strength, (np.floating, np.integer)):
        strength = float(strength)
    try:
        aug = augment_lib.resolve(strength, kind="digits")
    except (TypeError, ValueError) as e:
        _fail(str(e))
    if aug is None:
        _fail("A strength of 0 means no augmentation at all, so nothing regularizes the model: pick a value above 0.")
    if isinstance(aug, augment_lib.ImageAugment) and aug.flip:
        _fail(f"Your augmentation flips digits ({aug.describe()}): a mirrored digit is not that digit. Use flip=None.")
    recognised, change = realism(aug)
    if recognised < MIN_RECOGNISED:
        _fail(f"Too strong: only {recognised:.0%} of the augmented digits are still recognised by a judge that "
              f"knows clean digits (it needs {MIN_RECOGNISED:.0%}). Unrealistic images teach the model wrong "
              "patterns: lower the strength.")
    if change < MIN_CHANGE:
        _fail(f"So gentle it barely changes the images (mean pixel change {change:.3f}, below {MIN_CHANGE}): "
              "the model would see almost the same images every epoch. Raise the strength a little.")
    return (f"the digits change visibly (mean pixel change {change:.3f}) yet {recognised:.0%} stay recognisable. "
            "Confirm it on accuracy in lesson experiments: a realistic strength is the one that helps.")


def _as_layer_instance(value, what):
    if isinstance(value, type):
        if not issubclass(value, keras.layers.Layer):
            _fail(f"{what} should be a keras.layers.Layer subclass; got the class {value.__name__}.")
        return _call(value, what=f"creating {what}()")
    if not isinstance(value, keras.layers.Layer):
        _fail(f"{what} should be a Keras layer (a subclass of keras.layers.Layer); got {type(value).__name__}.")
    return value


def _run_layer(layer, x, what, **kwargs):
    out = _call(layer, x, what=what, **kwargs)
    try:
        out = np.asarray(out, dtype="float32")
    except Exception as e:
        _fail(f"{what} should return images; got {type(out).__name__} ({_short(e)}).")
    if out.shape != x.shape:
        _fail(f"{what} turned images of shape {x.shape} into shape {out.shape}: keep the shape.")
    return out


def _check_training_flag(RandomNoise):
    what = "RandomNoise"
    if is_blank(RandomNoise):
        _not_attempted(what)
    layer = _as_layer_instance(RandomNoise, what)
    x, _ = check_images(4)
    tf.random.set_seed(0)
    trained = _run_layer(layer, x, "RandomNoise(...)(x, training=True)", training=True)
    if np.abs(trained - x).max() < 1e-6:
        _fail("With training=True the layer returns the images unchanged: it should add random noise while training.")
    again = _run_layer(layer, x, "RandomNoise(...)(x, training=True)", training=True)
    if np.abs(again - trained).max() < 1e-6:
        _fail("The layer adds the SAME noise on every call: draw new random numbers each call "
              "(keras.random.normal with a keras.random.SeedGenerator, not a fixed seed).")
    inference = _run_layer(layer, x, "RandomNoise(...)(x, training=False)", training=False)
    if np.abs(inference - x).max() > 1e-6:
        _fail("With training=False the layer still changes the images: it ignores `training`, so it would "
              "augment at inference (evaluate, predict). Return x unchanged when not training.")
    default = _run_layer(layer, x, "RandomNoise(...)(x)")
    if np.abs(default - x).max() > 1e-6:
        _fail("Called without a training argument (as model(x) does outside fit) the layer augments: its "
              "default is training=True. Use `training=None` and treat None like False.")
    try:
        model = keras.Sequential([keras.Input(x.shape[1:]), layer])
        predicted = model.predict(x, verbose=0)
    except Exception as e:
        _fail(f"Putting the layer in a model and calling predict raised {_short(e)}")
    if np.abs(predicted - x).max() > 1e-5:
        _fail("model.predict returns changed images: the layer augments at inference.")
    return ("the layer adds fresh noise while training and returns the images untouched at inference "
            "(training=False, no argument, and model.predict).")


def _flip_rates(augment, kind, tries=40):
    """How often an augmentation mirrors a test pattern left-right, and turns one upside down."""
    size = 16
    left = np.zeros((size, size, 1), "float32")
    left[6:10, 1:5] = 1.0   # a blob on the left, half-way down
    top = np.zeros((size, size, 1), "float32")
    top[1:5, 6:10] = 1.0    # a blob at the top, half-way across
    run = _image_fn(augment, kind)
    a, b = run(left, tries), run(top, tries)
    h_flips = (a[:, :, size // 2:].sum(axis=(1, 2, 3)) > a[:, :, :size // 2].sum(axis=(1, 2, 3))).mean()
    v_flips = (b[:, size // 2:].sum(axis=(1, 2, 3)) > b[:, :size // 2].sum(axis=(1, 2, 3))).mean()
    changed = (np.abs(a - left).max(axis=(1, 2, 3)) > 1e-4).mean()
    return float(h_flips), float(v_flips), float(changed)


def _image_fn(augment, kind):
    """Any augmentation a learner may hand in, as run(one image, n) -> n augmented versions (NumPy)."""
    what = f"{kind}_augment"
    if isinstance(augment, str) or (isinstance(augment, (int, float)) and not isinstance(augment, bool)):
        try:
            augment = augment_lib.resolve(augment, kind=kind)
        except (TypeError, ValueError) as e:
            _fail(f"{what}: {e}")
        if augment is None:
            return lambda img, n: np.repeat(img[None], n, axis=0)
    if isinstance(augment, augment_lib.StatelessAugment):
        if augment.uses_labels:
            _fail(f"{what} changes labels (a LabelAwareFlip); pick an image augmentation here.")

        def many(img, n):  # one traced map over n seeds: fast
            seeds = tf.data.Dataset.range(n).map(lambda i: tf.stack([i, tf.constant(7, tf.int64)]))
            return next(iter(seeds.map(lambda s: augment(tf.constant(img), s)).batch(n)))
    elif isinstance(augment, keras.layers.Layer):
        def many(img, n):  # one call on a batch of n copies
            return augment(tf.constant(np.repeat(img[None], n, axis=0)), training=True)
    elif callable(augment):
        def many(img, n):
            return np.stack([np.asarray(augment(tf.constant(img)), dtype="float32") for _ in range(n)])
    else:
        _fail(f"{what} should be an augmentation (ck.augment.custom(...), a preset name, or Keras layers); "
              f"got {type(augment).__name__}.")

    def run(img, n):
        out = _call(many, img, n, what=what)
        try:
            out = np.asarray(out, dtype="float32")
        except Exception as e:
            _fail(f"{what} should return images; got {type(out).__name__} ({_short(e)}).")
        if out.shape != (n,) + img.shape:
            _fail(f"{what} turned an image of shape {img.shape} into shape {out.shape[1:]}: keep the shape.")
        return out

    return run


def _check_choices(digits_augment, faces_augment):
    tf.random.set_seed(0)
    dh, dv, dchanged = _flip_rates(digits_augment, "digits")
    fh, fv, fchanged = _flip_rates(faces_augment, "faces")
    if dh > 0.2:
        _fail(f"digits_augment mirrors digits left-right ({dh:.0%} of 40 tries): a mirrored 2, 3 or 7 is no "
              "longer that digit. Use no flip for digits.")
    if dv > 0.2:
        _fail(f"digits_augment turns digits upside down ({dv:.0%} of 40 tries): a 6 becomes a 9 with the wrong "
              "label. Use no flip for digits.")
    if dchanged < 0.5:
        _fail("digits_augment hardly changes the digits: give them small rotations, zooms and shifts.")
    if fv > 0.2:
        _fail(f"faces_augment turns faces upside down ({fv:.0%} of 40 tries): no camera sees faces like that. "
              "Flip faces only horizontally.")
    if fh < 0.2:
        _fail("faces_augment never mirrors faces: a mirrored face is still a face, so flip='horizontal' is the "
              "cheapest realistic augmentation for faces and photos.")
    return (f"faces are mirrored left-right ({fh:.0%} of tries) and never turned upside down; digits are never "
            f"flipped but still changed ({dchanged:.0%} of tries).")


# ------------------------------------------------------------------ the questions

_CHOICES_SOLUTION = '''\
# Digits: geometry only. A mirrored or upside-down digit is no longer that digit.
digits_augment = ck.augment.custom(kind="digits", rotation=0.03, zoom=0.1, translation=0.08, fill_mode="constant")
# Faces: a mirrored face is still a face; an upside-down face is not what the camera sees.
faces_augment = ck.augment.custom(kind="faces", flip="horizontal", rotation=0.03, zoom=0.1, brightness=0.1)'''


def _build():
    ex1 = (
        Exercise("q1", "augment on the fly, not once", _check_train_ds,
                 "Build the dataset from the CLEAN x, y and put the augmentation inside ds.map(...), "
                 "calling augmenter(img, training=True). A map runs again every epoch; an array augmented "
                 "before from_tensor_slices never changes.",
                 [solutions.make_train_ds]),
        Exercise("q2", "cache() before the random map", _check_cached_ds,
                 "cache() stores whatever reaches it during the first epoch and replays it. Put it right after "
                 "from_tensor_slices, then shuffle, then map the augmentation, then batch.",
                 [solutions.make_cached_ds]),
        Exercise("q3", "never augment validation data", _check_datasets,
                 "Reuse make_train_ds for the training data. For validation, from_tensor_slices((x_val, y_val)) "
                 "and .batch(batch_size): no map, no augmentation.",
                 [solutions.make_datasets]),
        Exercise("q4", "one random value per example, not per batch", _check_augment_batch,
                 "tf.image.random_brightness(images, 0.2) on a batch draws ONE delta for all the images. Draw "
                 "the deltas yourself with shape [batch, 1, 1, 1] (batch = tf.shape(images)[0]), add, and clip.",
                 [solutions.augment_batch]),
    )
    ex2 = (
        Exercise("q1", "a half-turn that keeps labels true", _check_augment_digit,
                 "Use a lookup table of what each digit becomes after tf.image.rot90(image, 2): 0, 1 and 8 stay, "
                 "6 and 9 swap, the rest are -1 (never turn). Turn only when the table says so AND a coin "
                 "(tf.random.uniform([]) < 0.5) says so, with tf.cond, and return the new label.",
                 [solutions.augment_digit]),
        Exercise("q2", "a strength that keeps digits realistic", _check_strength,
                 "Look at the grid of strengths above: pick the strongest setting whose digits you can still read "
                 "at a glance. Values near 0.1 usually are; 0.5 and more rarely are.",
                 "STRENGTH = 0.1  # between about 0.05 and 0.2 for digits"),
        Exercise("q3", "a custom layer that respects `training`", _check_training_flag,
                 "In call(self, x, training=None): `if not training: return x` (None and False both mean "
                 "inference). Otherwise add keras.random.normal(..., seed=self.seed_generator), with a "
                 "keras.random.SeedGenerator made in __init__.",
                 [solutions.RandomNoise]),
        Exercise("q4", "augmentations that suit the data", _check_choices,
                 "Ask of each transform: would the real data ever look like this, with the same label? "
                 "A mirrored face yes; an upside-down face, a mirrored 7 or an upside-down 6 no.",
                 _CHOICES_SOLUTION, n_answers=2),
    )
    return {"ex1": ex1, "ex2": ex2}


_QUESTIONS = _build()


def questions(notebook):
    """The exercise objects of one notebook, e.g. ``q1, q2, q3, q4 = questions("ex1")``."""
    from .base import validate

    validate.one_of("notebook", notebook, _QUESTIONS, what="exercise notebook")
    return _QUESTIONS[notebook]


def score(notebook):
    """(checks passed, number of questions) for a notebook, from each question's latest check."""
    qs = questions(notebook)
    return sum(bool(q.last and q.last.passed) for q in qs), len(qs)
