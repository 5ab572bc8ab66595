"""Exercise notebook 2, choosing augmentations: its reference answers, checkers, texts and hints.

q1 a half-turn that keeps labels true; q2 a strength that keeps digits realistic; q3 a custom layer that
respects `training`; q4 augmentations that suit the data.
"""
from functools import lru_cache

import keras
import numpy as np
import tensorflow as tf

from .. import augment as augment_lib
from .. import pipeline
from .core import Exercise, _Outcome, _call, _fail, _need_callable, _not_attempted, _short, is_blank
from .measure import _digit, _digits, check_images

# ------------------------------------------------------------------ reference answers

def augment_digit(image, label):
    # After a half-turn: 0, 1, 8 stay themselves, 6 <-> 9; -1 means "never turn this digit".
    turned_label = tf.gather(tf.constant([0, 1, -1, -1, -1, -1, 9, -1, 8, 6], tf.int64),
                             tf.cast(label, tf.int64))
    turn = (turned_label >= 0) & (tf.random.uniform([]) < 0.5)
    image = tf.cond(turn, lambda: tf.image.rot90(image, 2), lambda: image)
    label = tf.where(turn, turned_label, tf.cast(label, tf.int64))
    return image, label


STRENGTH = 0.1


class RandomNoise(keras.layers.Layer):
    def __init__(self, stddev=0.1, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = stddev
        self.seed_generator = keras.random.SeedGenerator(seed)  # new numbers on every call

    def call(self, x, training=None):
        if not training:  # False AND None mean inference: return the input untouched
            return x
        noise = keras.random.normal(keras.ops.shape(x), stddev=self.stddev, seed=self.seed_generator)
        return keras.ops.clip(x + noise, 0.0, 1.0)


def _choices():
    # Digits: geometry only. A mirrored or upside-down digit is no longer that digit.
    digits = augment_lib.custom(kind="digits", rotation=0.03, zoom=0.1, translation=0.08, fill_mode="constant")
    # Faces: a mirrored face is still a face; an upside-down face is not what the camera sees.
    faces = augment_lib.custom(kind="faces", flip="horizontal", rotation=0.03, zoom=0.1, brightness=0.1)
    return digits, faces


digits_augment, faces_augment = _choices()


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



QUESTIONS = (
    Exercise("q1", "a half-turn that keeps labels true", _check_augment_digit,
             "Use a lookup table of what each digit becomes after tf.image.rot90(image, 2): 0, 1 and 8 stay, "
             "6 and 9 swap, the rest are -1 (never turn). Turn only when the table says so AND a coin "
             "(tf.random.uniform([]) < 0.5) says so, with tf.cond, and return the new label.",
             [augment_digit]),
    Exercise("q2", "a strength that keeps digits realistic", _check_strength,
             "Look at the grid of strengths above: pick the strongest setting whose digits you can still read "
             "at a glance. Values near 0.1 usually are; 0.5 and more rarely are.",
             "STRENGTH = 0.1  # between about 0.05 and 0.2 for digits"),
    Exercise("q3", "a custom layer that respects `training`", _check_training_flag,
             "In call(self, x, training=None): `if not training: return x` (None and False both mean "
             "inference). Otherwise add keras.random.normal(..., seed=self.seed_generator), with a "
             "keras.random.SeedGenerator made in __init__.",
             [RandomNoise]),
    Exercise("q4", "augmentations that suit the data", _check_choices,
             "Ask of each transform: would the real data ever look like this, with the same label? "
             "A mirrored face yes; an upside-down face, a mirrored 7 or an upside-down 6 no.",
             _CHOICES_SOLUTION, n_answers=2),
)
