"""Exercise notebook 2, choosing augmentations: reference answers, contracts (properties), texts and hints.

q1 a half-turn that keeps labels true; q2 a strength that keeps digits realistic; q3 a custom layer that
respects `training`; q4 augmentations that suit the data.
"""
import keras
import numpy as np
import tensorflow as tf

from .. import augment as augment_lib
from . import stats
from . import ex2_layer_and_choices as L
from .core import (Exercise, Property, describe_error, fail, learner_error, message, need_callable, need_finite,
                   not_attempted, read)
from .judge import COPIES, MIN_CHANGE, MIN_RECOGNISED, P_REFERENCE, realism
from .fixtures import digit

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


# Digits: geometry only. A mirrored or upside-down digit is no longer that digit.
digits_augment = augment_lib.custom(kind="digits", rotation=0.03, zoom=0.1, translation=0.08, fill_mode="constant")
# Faces: a mirrored face is still a face; an upside-down face is not what the camera sees.
faces_augment = augment_lib.custom(kind="faces", flip="horizontal", rotation=0.03, zoom=0.1, brightness=0.1)

# ------------------------------------------------------------------ q1: a half-turn that keeps labels true

TWINS = {0: 0, 1: 1, 6: 9, 8: 8, 9: 6}   # what each digit shows after a half-turn
OTHERS = (2, 3, 4, 5, 7)
M1, K1 = 60, 20                          # copies of each twin digit, of each other digit
N1 = M1 * len(TWINS)                     # 300 draws of the coin
RATE1 = stats.count_interval(N1, 0.5)    # turns out of 300 for a coin of 1/2


def again_limit(k):
    """Of k digits turned in epoch 1, the most a fresh coin turns again in epoch 2 (one-sided, exact)."""
    return int(stats.binom_isf(k))


def _inputs1():
    """Copies of one image of each digit; copy j carries a faint tag (j / 1000 in its first pixel) so that
    copies are distinct images, as in a real dataset."""
    xs, ys = [], []
    for d in list(TWINS) + list(OTHERS):
        m = M1 if d in TWINS else K1
        x = np.repeat(digit(d)[None], m, axis=0)
        x[:, 0, 0, 0] = np.arange(m) / 1000
        xs.append(x)
        ys.append(np.full(m, d, "int64"))
    return np.concatenate(xs), np.concatenate(ys)


def _run_augment_digit(fn, seed=0):
    need_callable(fn, "augment_digit", "a function (image, label) -> (image, label)")
    x, y = _inputs1()
    out = dict(x=x, y=y, error=None)
    try:  # shuffled, then mapped, as in a training pipeline; each example carries its index alongside
        ds = tf.data.Dataset.from_tensor_slices((x, y, np.arange(len(x)))).shuffle(len(x))
        ds = ds.map(lambda image, label, i: (fn(image, label), i)).batch(len(x))
        out["epochs"] = []
        for (image, label), index in (read(ds, limit=1)[0] for _ in range(2)):
            order = np.argsort(np.asarray(index))
            out["epochs"].append((np.asarray(image)[order], np.asarray(label)[order]))
    except NotImplementedError:
        not_attempted("augment_digit")
    except BaseException as e:  # reported by the first property
        learner_error(e)
        out["error"] = describe_error(e)
    return out


message("ex2.q1.map", "mapping augment_digit over a dataset of (image, label) pairs raised {error}")
message("ex2.q1.shape", "augment_digit should return (image, label) with the image's shape {expected} and one "
                    "integer label per image; got images of shape {got} and labels of shape {labels} ({dtype}).")
message("ex2.q1.mirror", "augment_digit gave {count} mirrored images of the {digit}s (expected 0): a mirrored digit is "
                     "no digit at all. Turn by 180 degrees: tf.image.rot90(image, 2).")
message("ex2.q1.other", "augment_digit changed {count} images of {digit}s into something that is neither the digit nor "
                    "its half-turn (expected 0): this exercise asks only for the half-turn.")
message("ex2.q1.label", "augment_digit {how} {count} {digit}s and labelled them {label}; they show a {shows}.")
message("ex2.q1.turned_other", "augment_digit turned {count} of {n} {digit}s upside down (expected 0): an upside-down "
                           "{digit} is no digit. Turn only 0, 1, 6, 8 and 9.")
message("ex2.q1.never", "augment_digit never turned the {digits} in {m} tries each (a correct answer turns each "
                    "about half the time): every digit with a twin (0, 1, 6, 8, 9) may be turned.")
message("ex2.q1.rate", "augment_digit turned {turned} of {n} digits that may be turned; with probability 1/2, a "
                   "correct answer turns {lo} to {hi} of them.")
message("ex2.q1.fresh", "of the {k} digits turned in one epoch, {again} were turned again in the next (a fresh coin "
                        "turns at most {limit} of them again): draw a new random value every time the map runs, not "
                        "one fixed by a seed or by the image.")
message("ex2.q1.correct", "all {n} properties hold: 6 <-> 9 and 0, 1, 8 turned with their label kept true, about half "
                      "of the time ({turned} of {total}), every epoch anew; 2, 3, 4, 5, 7 never turned.")


def _outcomes(run, epoch):
    """For each output: 0 same, 1 half-turn, 2 mirror, 3 other; and its label."""
    img, label = run["epochs"][epoch]
    x = run["x"]
    refs = [x, np.rot90(x, 2, axes=(1, 2)), x[:, :, ::-1], x[:, ::-1]]
    close = np.stack([np.abs(img - r).reshape(len(x), -1).max(axis=1) < 1e-5 for r in refs], axis=1)
    kind = np.where(close.any(axis=1), close.argmax(axis=1), 3)
    return kind, label


def _pair1(run):
    if run["error"]:
        fail("ex2.q1.map", error=run["error"])
    img, label = run["epochs"][0]
    need_finite(img, "augment_digit")
    if img.shape != run["x"].shape or label.shape != (len(run["x"]),) or label.dtype.kind not in "iu":
        fail("ex2.q1.shape", expected=run["x"].shape[1:], got=img.shape[1:], labels=label.shape[1:], dtype=label.dtype)


def _only_turns(run):
    for epoch in range(2):
        kind, _ = _outcomes(run, epoch)
        for k, template in ((2, "ex2.q1.mirror"), (3, "ex2.q1.other")):
            if (kind == k).any():
                fail(template, count=int((kind == k).sum()), digit=int(run["y"][kind == k][0]))


def _labels(run):
    for epoch in range(2):
        kind, label = _outcomes(run, epoch)
        for d in TWINS:
            for k, shows, how in ((1, TWINS[d], "turned"), (0, d, "left unturned")):
                wrong = (run["y"] == d) & (kind == k) & (label != shows)
                if wrong.any():
                    fail("ex2.q1.label", how=how, count=int(wrong.sum()), digit=d, label=int(label[wrong][0]),
                         shows=shows)


def _others(run):
    kind, _ = _outcomes(run, 0)
    for d in OTHERS:
        turned = int(((run["y"] == d) & (kind == 1)).sum())
        if turned:
            fail("ex2.q1.turned_other", count=turned, n=K1, digit=d)


def _every_twin(run):
    kind, _ = _outcomes(run, 0)
    never = [d for d in TWINS if not ((run["y"] == d) & (kind == 1)).any()]
    if never:
        fail("ex2.q1.never", digits=", ".join(map(str, never)), m=M1)


def _turned(run, epoch):
    kind, _ = _outcomes(run, epoch)
    return (kind == 1)[np.isin(run["y"], list(TWINS))]


def _rate(run):
    turned = int(_turned(run, 0).sum())
    if not RATE1[0] <= turned <= RATE1[1]:
        fail("ex2.q1.rate", turned=turned, n=N1, lo=RATE1[0], hi=RATE1[1])


def _fresh1(run):
    first, second = _turned(run, 0), _turned(run, 1)
    k, again = int(first.sum()), int((first & second).sum())
    if again > again_limit(k):
        fail("ex2.q1.fresh", k=k, again=again, limit=again_limit(k))


PAIRS = ("pairs",)
Q1_PROPERTIES = (
    Property("pairs", "inside a tf.data map it returns (image, label): same shape, one integer label", _pair1),
    Property("half_turn_only", "every image is left as it is or turned by 180 degrees", _only_turns,
             requires=PAIRS),
    Property("labels_true", "every label says what its image shows (6 <-> 9; 0, 1, 8 keep theirs)", _labels,
             requires=PAIRS),
    Property("others_kept", "2, 3, 4, 5 and 7 are never turned", _others, requires=PAIRS),
    Property("every_twin", "each of 0, 1, 6, 8 and 9 is turned sometimes", _every_twin, "statistical", PAIRS),
    Property("probability", "digits with a twin are turned with probability 1/2", _rate, "statistical", PAIRS),
    Property("fresh", "every epoch brings fresh randomness: a turned digit is turned again only half the time",
             _fresh1, "statistical", ("pairs",)),
)


def _q1_correct(run):
    return "ex2.q1.correct", dict(n=len(Q1_PROPERTIES), turned=int(_turned(run, 0).sum()), total=N1)


# ------------------------------------------------------------------ q2: a strength that keeps digits realistic

def _run_strength(strength, seed=0):
    """Deterministic: the judge's own seed (1) is fixed, so one STRENGTH always gets one verdict."""
    out = dict(value=strength, aug=None)
    if isinstance(strength, (np.floating, np.integer)):
        strength = float(strength)
    if isinstance(strength, bool) or not isinstance(strength, (int, float, str, augment_lib.ImageAugment)):
        out["error"] = f"a {type(strength).__name__}"
        return out
    try:
        out["aug"] = augment_lib.resolve(strength, kind="digits")
        out["error"] = None
    except (TypeError, ValueError) as e:
        out["error"] = str(e)
    return out


message("ex2.q2.type", "STRENGTH should be a number between 0 and 1 (or a preset name); got {got}.")
message("ex2.q2.zero", "STRENGTH gives no augmentation at all ({value!r}): the mean pixel change is 0, so nothing "
                       "regularizes the model. Pick a value above 0.")
message("ex2.q2.flip", "your augmentation flips digits ({describe}): a mirrored digit is not that digit. "
                       "Use flip=None.")
message("ex2.q2.strong", "the judge still recognises {recognised:.0%} of the augmented digits; realistic augmentation "
                     "keeps at least {limit:.0%}. Unrealistic images teach the model wrong patterns: lower the "
                     "strength.")
message("ex2.q2.gentle", "the mean pixel change is {change:.3f}, below {limit}: the model would see almost the same "
                     "images every epoch. Raise the strength a little.")
message("ex2.q2.correct", "all {n} properties hold: the digits change visibly (mean pixel change {change:.3f}) yet "
                      "{recognised:.0%} stay recognisable. Confirm it on accuracy in the lesson experiments.")


def _number(run):
    if run["error"]:
        fail("ex2.q2.type", got=run["error"])


def _no_flip2(run):
    if isinstance(run["aug"], augment_lib.ImageAugment) and run["aug"].flip:
        fail("ex2.q2.flip", describe=run["aug"].describe())


def _geometry(aug):
    """What the realism judge measures: the augmentation without its flips (no_flip judges those)."""
    return aug.replace(flip=None) if isinstance(aug, augment_lib.ImageAugment) else aug


def _realistic2(run):
    recognised, _ = realism(_geometry(run["aug"]))
    if recognised < MIN_RECOGNISED:
        fail("ex2.q2.strong", recognised=recognised, limit=MIN_RECOGNISED)


def _visible2(run):
    if run["aug"] is None:
        fail("ex2.q2.zero", value=run["value"])
    _, change = realism(_geometry(run["aug"]))
    if change < MIN_CHANGE:
        fail("ex2.q2.gentle", change=change, limit=MIN_CHANGE)


Q2_PROPERTIES = (
    Property("number", "STRENGTH is a number in [0, 1] or a preset name", _number),
    Property("no_flip", "it never flips digits", _no_flip2, requires=("number",)),
    Property("realistic", f"the judge recognises at least {MIN_RECOGNISED:.0%} of the augmented digits", _realistic2,
             requires=("number",)),
    Property("visible", f"it changes the digits visibly: mean pixel change at least {MIN_CHANGE}", _visible2,
             requires=("number",)),
)


def _q2_correct(run):
    recognised, change = realism(_geometry(run["aug"]))
    return "ex2.q2.correct", dict(n=len(Q2_PROPERTIES), recognised=recognised, change=change)


# ------------------------------------------------------------------ the questions

_CHOICES_SOLUTION = '''\
# Digits: geometry only. A mirrored or upside-down digit is no longer that digit.
digits_augment = ck.augment.custom(kind="digits", rotation=0.03, zoom=0.1, translation=0.08, fill_mode="constant")
# Faces: a mirrored face is still a face; an upside-down face is not what the camera sees.
faces_augment = ck.augment.custom(kind="faces", flip="horizontal", rotation=0.03, zoom=0.1, brightness=0.1)'''

QUESTIONS = (
    Exercise("q1", "a half-turn that keeps labels true", _run_augment_digit, Q1_PROPERTIES,
             ("Which digits still show a digit after a half-turn, and which digit do they show then? The label "
              "must always say what the image shows.",
              "Look the label up in a table of what each digit becomes when turned (a value meaning 'never turn' "
              "for the others), and decide with a fresh TensorFlow coin whether to turn; keep both branches "
              "graph-friendly (tf.cond, tf.where)."),
             [augment_digit], _q1_correct),
    Exercise("q2", "a strength that keeps digits realistic", _run_strength, Q2_PROPERTIES,
             ("Look at the grid of strengths above: which is the strongest one whose digits you can still read "
              "at a glance?",
              "The judge wants most digits still recognisable AND visibly changed: try a few values between "
              "the weakest and the middle of the scale, and read the numbers the check prints."),
             "STRENGTH = 0.1  # between about 0.05 and 0.2 for digits", _q2_correct),
    Exercise("q3", "a custom layer that respects `training`", L.run_noise, L.Q3_PROPERTIES,
             ("What does `training` hold when fit calls the layer, when predict calls it, and when you call "
              "the model yourself? Which of those should add noise?",
              "Treat a missing flag like inference: only a training flag that is true adds noise. Draw the noise "
              "with Keras's own random functions, seeded by a generator the layer keeps, at the shape of x, "
              "with the layer's stddev, and keep values in [0, 1]."),
             [RandomNoise], L.q3_correct),
    Exercise("q4", "augmentations that suit the data", L.run_choices, L.Q4_PROPERTIES,
             ("Ask of each transform: would the real data ever look like this, with the same label?",
              "Faces may be mirrored but never turned over; digits may be neither, and their rotations, zooms "
              "and shifts must stay small enough that the judge of Exercise 2 still reads them."),
             _CHOICES_SOLUTION, L.q4_correct, n_answers=2),
)


N_JUDGED = 360 * COPIES  # validation digits x copies the realism judge labels


def SIZES():
    """(question, property, draws, tolerance, false-rejection probability of a correct answer) for ex2."""
    from scipy import stats as st

    lo, hi = RATE1
    flo, fhi = L.FLIP4
    slo, shi = L.STD3
    return [("q1", "probability", N1, f"{lo}..{hi} turned", stats.two_sided_miss(N1, 0.5, lo, hi)),
            ("q1", "fresh", "k = turned in epoch 1 (about 150)", f"turned again <= binom.isf(1e-5, k, 1/2) "
             f"({again_limit(150)} for k = 150)", float(st.binom.sf(again_limit(150), 150, 0.5))),
            ("q1", "every_twin", M1, "each twin turned at least once", len(TWINS) * 0.5 ** M1),
            ("q2", "realistic / visible", "fixed seed", "deterministic", 0.0),
            ("q3", "stddev (x2)", L.N3, f"measured/asked in {slo:.4f}..{shi:.4f}", 2 * stats.ALPHA),
            ("q3", "centred", L.N3, f"|mean| <= {stats.mean_limit(L.N3, 0.1):.4f}", stats.ALPHA),
            ("q3", "gaussian", L.N3, f"KS p >= {stats.ALPHA:.0e}", f"<= {stats.ALPHA:.0e}"),
            ("q3", "graph", L.N3, f"graph/eager stddev in {slo / shi:.4f}..{shi / slo:.4f}", 2 * stats.ALPHA),
            ("q4", "digits_realistic", N_JUDGED, f"recognised >= {MIN_RECOGNISED} (reference p = {P_REFERENCE})",
             float(st.binom.cdf(int(np.ceil(MIN_RECOGNISED * N_JUDGED)) - 1, N_JUDGED, P_REFERENCE))),
            ("q4", "faces_mirrored", L.N4, f"{flo}..{fhi} mirrored", stats.two_sided_miss(L.N4, 0.5, flo, fhi))]
