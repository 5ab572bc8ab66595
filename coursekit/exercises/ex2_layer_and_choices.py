"""Exercise notebook 2, questions 3 and 4: the contracts of a custom noise layer and of augmentations chosen for
faces and digits (ex2_choosing_augmentations holds the texts, hints and reference answers)."""
import keras
import numpy as np
import tensorflow as tf

from .. import augment as augment_lib
from . import stats
from .core import Outcome, Property, call, describe_error, fail, learner_error, message, need_finite, not_attempted
from .judge import COPIES, MIN_CHANGE, MIN_RECOGNISED, image_fn, judge_images, pattern, pose
from .fixtures import digits as _digits
from .measure import EPS

# ------------------------------------------------------------------ q3: a custom layer that respects `training`

STDDEVS = (0.1, 0.05)          # the default, and one passed as stddev=0.05: both must be honoured
N3 = 64 * 16 * 16              # noise values per measurement (64 grey images of 16 x 16)
STD3 = stats.std_interval(N3 - 64)   # pooled within-image std / stddev; 64 image means estimated
RGB3 = np.full((16, 8, 8, 3), 0.5, "float32")  # colour images: each channel of a pixel gets its own noise


def _layer(value, stddev):
    if isinstance(value, type):
        if not issubclass(value, keras.layers.Layer):
            fail("ex2.q3.type", got=f"the class {value.__name__}")
        return call(value, stddev=stddev, what=f"creating RandomNoise(stddev={stddev})")
    if not isinstance(value, keras.layers.Layer):
        fail("ex2.q3.type", got=type(value).__name__)
    return call(type(value), stddev=stddev, what=f"creating {type(value).__name__}(stddev={stddev})")


def _array(out, what):
    try:
        return np.asarray(out), getattr(getattr(out, "dtype", None), "name", str(getattr(out, "dtype", "")))
    except BaseException as e:
        learner_error(e)
        fail("core.raised", what=what, error=describe_error(e))


def run_noise(value, seed=0):
    if isinstance(value, type) and issubclass(value, keras.layers.Layer):
        try:
            value(stddev=0.1)(tf.zeros([1, 2, 2, 1]), training=True)
        except NotImplementedError:
            not_attempted("RandomNoise.call")
        except BaseException as e:
            learner_error(e)  # otherwise the properties report it
    try:
        return _measure_noise(value)
    except Outcome as o:
        if o.status != "incorrect":
            raise
        return dict(problem=o)


def _measure_noise(value):
    grey = tf.constant(np.full((64, 16, 16, 1), 0.5, "float32"))
    edges = tf.constant(np.concatenate([np.full((8, 16, 16, 1), 0.02), np.full((8, 16, 16, 1), 0.98)]), "float32")
    layers = [_layer(value, s) for s in STDDEVS]
    layer = layers[0]
    out = dict(x=grey.numpy(), problem=None)
    out["false"] = _array(call(layer, grey, training=False, what="RandomNoise(...)(x, training=False)"), "")
    out["none"] = _array(call(layer, grey, what="RandomNoise(...)(x)"), "")
    model = keras.Sequential([keras.Input(grey.shape[1:]), layer])
    out["model"] = _array(call(model, grey, what="a model holding RandomNoise, called as model(x)"), "")
    out["train"] = [_array(call(lay, grey, training=True, what="RandomNoise(...)(x, training=True)"), "")
                    for lay in layers]
    out["again"] = _array(call(layer, grey, training=True, what="RandomNoise(...)(x, training=True)"), "")
    out["edges"] = _array(call(layer, edges, training=True, what="RandomNoise(...)(x, training=True)"), "")
    graph = tf.function(lambda x: layer(x, training=True))
    out["graph"] = [_array(call(graph, grey, what="RandomNoise inside a tf.function"), "") for _ in range(2)]
    out["rgb"] = _array(call(layer, tf.constant(RGB3), training=True, what="RandomNoise(...)(rgb, training=True)"), "")
    return out


message("ex2.q3.type", "RandomNoise should be a Keras layer (a subclass of keras.layers.Layer); got {got}.")
message("ex2.q3.false", "called with training=False the layer changes the images (largest change {change:.3f}, "
                    "expected 0): it ignores `training`, so it would augment in evaluate and predict. Return x "
                    "unchanged when not training.")
message("ex2.q3.default", "called with no training argument ({how}) the layer changes the images (largest change "
                      "{change:.3f}, expected 0): it treats a missing flag as training. Use `training=None` and "
                      "treat None like False.")
message("ex2.q3.inactive", "with training=True the layer returns the images unchanged (largest change {change:.3f}): "
                       "add random noise while training.")
message("ex2.q3.dtype", "with training=True the layer returns {dtype} values in [{low:.2f}, {high:.2f}]; expected "
                    "float32 values in [0, 1]: keep the dtype and clip with keras.ops.clip(x, 0.0, 1.0).")
message("ex2.q3.per_pixel", "{shared:.0%} of neighbouring pixels got the same noise value (expected 0%): draw "
                            "noise of the image's full shape, keras.ops.shape(x).")
message("ex2.q3.per_channel", "on RGB images {shared:.0%} of neighbouring colour channels got the same noise value "
                              "(expected 0%): draw noise of the image's full shape, channels included, "
                              "keras.ops.shape(x).")
message("ex2.q3.stddev", "RandomNoise(stddev={asked}) adds noise of standard deviation {measured:.4f}; expected "
                     "{asked} (a correct layer measures {lo:.4f} to {hi:.4f}). Pass stddev=self.stddev to "
                     "keras.random.normal (the standard deviation, not the variance).")
message("ex2.q3.centred", "the noise has mean {mean:+.4f}; expected 0 (within +-{limit:.4f}): add zero-mean noise, "
                      "not a brightness shift.")
message("ex2.q3.gaussian", "the noise is not Gaussian (Kolmogorov-Smirnov p = {p:.1e}, below {alpha:.0e}; its "
                       "kurtosis is {kurtosis:.2f}, a Gaussian's is 3.00): use keras.random.normal.")
message("ex2.q3.same_call", "two calls with training=True added the same noise to {same:.0%} of the pixels (expected "
                        "0%): draw new numbers on each call (a keras.random.SeedGenerator, not a fixed seed).")
message("ex2.q3.graph", "inside a tf.function (as in model.fit) the layer {problem}: draw the noise with "
                    "keras.random, not NumPy or Python random, so it is drawn anew at every call.")
message("ex2.q3.correct", "all {n} properties hold: fresh Gaussian noise (measured stddev {measured:.4f} for {asked}) "
                      "while training, in eager and graph mode, and the images untouched otherwise.")


def _largest(result, x):
    arr, _ = result
    if arr.shape != x.shape:
        fail("aug.shape", what="RandomNoise", expected=x.shape[1:], got=arr.shape[1:])
    need_finite(arr, "RandomNoise")
    return float(np.abs(arr.astype("float32") - x).max())


def _problem(run):
    if run["problem"] is not None:
        raise run["problem"]


def _off(run):
    change = _largest(run["false"], run["x"])
    if change > EPS:
        fail("ex2.q3.false", change=change)


def _off_default(run):
    for key, how in (("none", "layer(x)"), ("model", "model(x), as outside fit")):
        change = _largest(run[key], run["x"])
        if change > EPS:
            fail("ex2.q3.default", how=how, change=change)


def _active(run):
    change = _largest(run["train"][0], run["x"])
    if change <= EPS:
        fail("ex2.q3.inactive", change=change)


def _dtype3(run):
    arr, dtype = run["edges"]
    if dtype != "float32" or arr.min() < -EPS or arr.max() > 1 + EPS:
        fail("ex2.q3.dtype", dtype=dtype, low=float(arr.min()), high=float(arr.max()))


def _noise(result, x):
    return (result[0].astype("float64") - x).reshape(len(x), -1)


def _per_pixel(run):
    noise = _noise(run["train"][0], run["x"]).reshape(run["x"].shape)
    shared = float(np.mean([(np.abs(np.diff(noise, axis=a)) < 1e-7).mean() for a in (1, 2)]))
    if shared > 0.05:  # continuous draws for neighbours coincide with probability ~0 (clipping aside: < 1e-6)
        fail("ex2.q3.per_pixel", shared=shared)
    _largest(run["rgb"], RGB3)
    noise = run["rgb"][0].astype("float64") - RGB3
    shared = float((np.abs(np.diff(noise, axis=3)) < 1e-7).mean())
    if shared > 0.05:
        fail("ex2.q3.per_channel", shared=shared)


def _stddev(run):
    for asked, result in zip(STDDEVS, run["train"]):
        noise = _noise(result, run["x"])
        measured = float(np.sqrt(((noise - noise.mean(axis=1, keepdims=True)) ** 2).sum() / (noise.size - len(noise))))
        lo, hi = (asked * r for r in STD3)
        if not lo <= measured <= hi:
            fail("ex2.q3.stddev", asked=asked, measured=measured, lo=lo, hi=hi)


def _centred(run):
    mean, limit = float(_noise(run["train"][0], run["x"]).mean()), stats.mean_limit(N3, STDDEVS[0])
    if abs(mean) > limit:
        fail("ex2.q3.centred", mean=mean, limit=limit)


def _gaussian(run):
    noise = _noise(run["train"][0], run["x"]).ravel()
    p = stats.normal_shape_p(noise)
    if p < stats.ALPHA:
        kurtosis = float(((noise - noise.mean()) ** 4).mean() / noise.var() ** 2)
        fail("ex2.q3.gaussian", p=p, alpha=stats.ALPHA, kurtosis=kurtosis)


def _fresh3(run):
    same = float((np.abs(run["again"][0] - run["train"][0][0]) < 1e-7).mean())
    if same > 0.01:
        fail("ex2.q3.same_call", same=same)


def _graph3(run):
    """Graph mode must behave as eager mode did."""
    a, b = (_noise(r, run["x"]) for r in run["graph"])
    eager = _noise(run["train"][0], run["x"]), _noise(run["again"], run["x"])
    if np.abs(a - b).max() < EPS < np.abs(eager[0] - eager[1]).max():
        fail("ex2.q3.graph", problem="adds the same noise at every call (eagerly it draws new noise)")
    ratio = float(a.std() / max(eager[0].std(), 1e-12))
    lo, hi = STD3
    if not lo / hi <= ratio <= hi / lo:
        fail("ex2.q3.graph", problem=f"adds noise of standard deviation {a.std():.4f}, eagerly {eager[0].std():.4f}")


LAYER, NOISE = ("layer",), ("layer", "augments", "per_pixel")
Q3_PROPERTIES = (
    Property("layer", "RandomNoise is a Keras layer that can be created with stddev=... and called", _problem),
    Property("off_at_inference", "training=False returns the images unchanged", _off, requires=LAYER),
    Property("off_by_default", "no training argument (layer(x), model(x)) returns the images unchanged",
             _off_default, requires=LAYER),
    Property("augments", "training=True changes the images", _active, requires=LAYER),
    Property("dtype_range", "values stay float32 in [0, 1]", _dtype3, requires=LAYER),
    Property("per_pixel", "every pixel, and every channel of a pixel, gets its own noise", _per_pixel,
             requires=NOISE[:2]),
    Property("stddev", "the noise has the standard deviation asked, stddev=0.1 and stddev=0.05", _stddev,
             "statistical", NOISE),
    Property("centred", "the noise has mean 0", _centred, "statistical", NOISE),
    Property("gaussian", "the noise is Gaussian", _gaussian, "statistical", NOISE),
    Property("fresh", "every call draws new noise", _fresh3, requires=NOISE),
    Property("graph", "it behaves the same inside a tf.function (graph mode)", _graph3, "statistical", NOISE),
)


def q3_correct(run):
    noise = _noise(run["train"][0], run["x"])
    return "ex2.q3.correct", dict(n=len(Q3_PROPERTIES), measured=float(noise.std()), asked=STDDEVS[0])


# ------------------------------------------------------------------ q4: augmentations that suit the data

N4 = 100                                   # copies of the test pattern through each augmentation
FLIP4 = stats.count_interval(N4, 0.5)      # mirrored faces out of 100, for a flip with probability 1/2
MAX_WRONG4 = 10                            # mirrored digits or upside-down faces a correct answer may show


def _no_flip(augment):
    """The realism judge measures geometry: flips are digits_not_mirrored's business."""
    if isinstance(augment, augment_lib.ImageAugment):
        return augment.replace(flip=None)
    return augment


def run_choices(digits_augment, faces_augment, seed=0):
    many = np.repeat(pattern()[None], N4, axis=0)
    d = _digits()
    try:
        geometry = image_fn(_no_flip(digits_augment), "digits_augment", "digits", seed)
        digits = image_fn(digits_augment, "digits_augment", "digits", seed)
        faces = image_fn(faces_augment, "faces_augment", "faces", seed)
        return dict(problem=None, digits_pose=pose(digits(many)), faces_pose=pose(faces(many)),
                    realism=judge_images(geometry(np.concatenate([d.x_val] * COPIES))))
    except Outcome as o:
        if o.status != "incorrect":
            raise
        return dict(problem=o)


message("ex2.q4.digits_mirror", "digits_augment mirrors {count} of {n} digits (expected at most {allowed}): a mirrored "
                            "or upside-down 2, 6 or 7 is no longer that digit. Use no flip for digits.")
message("ex2.q4.digits_strong", "the judge of ex2 q2 recognises only {recognised:.0%} of the digits digits_augment "
                            "makes; realistic augmentation keeps at least {limit:.0%}. Use smaller rotations, "
                            "zooms and shifts.")
message("ex2.q4.digits_gentle", "digits_augment changes the digits by {change:.3f} on average, below {limit}: give "
                            "them small rotations, zooms and shifts.")
message("ex2.q4.faces_upside", "faces_augment turns {count} of {n} faces upside down (expected at most {allowed}): no "
                           "camera sees faces like that. Flip faces only horizontally.")
message("ex2.q4.faces_mirror", "faces_augment mirrors {count} of {n} faces; a horizontal flip with probability 1/2 "
                           "mirrors {lo} to {hi}. A mirrored face is still a face: flip='horizontal'.")
message("ex2.q4.correct", "all {n} properties hold: faces mirrored {faces} of {total} times and never upside down; "
                      "digits never mirrored, changed by {change:.3f} and {recognised:.0%} still recognised.")


def _digits_mirror(run):
    count = int(run["digits_pose"][0].sum())
    if count > MAX_WRONG4:
        fail("ex2.q4.digits_mirror", count=count, n=N4, allowed=MAX_WRONG4)


def _digits_real(run):
    if run["realism"][0] < MIN_RECOGNISED:
        fail("ex2.q4.digits_strong", recognised=run["realism"][0], limit=MIN_RECOGNISED)


def _digits_change(run):
    if run["realism"][1] < MIN_CHANGE:
        fail("ex2.q4.digits_gentle", change=run["realism"][1], limit=MIN_CHANGE)


def _faces_upright(run):
    count = int((np.abs(run["faces_pose"][1]) > 90).sum())
    if count > MAX_WRONG4:
        fail("ex2.q4.faces_upside", count=count, n=N4, allowed=MAX_WRONG4)


def _faces_mirror(run):
    count = int(run["faces_pose"][0].sum())
    if not FLIP4[0] <= count <= FLIP4[1]:
        fail("ex2.q4.faces_mirror", count=count, n=N4, lo=FLIP4[0], hi=FLIP4[1])


AUGS = ("augmentations",)
Q4_PROPERTIES = (
    Property("augmentations", "both are augmentations that keep the image shape", _problem),
    Property("digits_not_mirrored", "digits are never mirrored or turned upside down", _digits_mirror,
             requires=AUGS),
    Property("digits_realistic", f"the judge of ex2 q2 still recognises at least {MIN_RECOGNISED:.0%} of the "
                                 "augmented digits", _digits_real, "statistical", AUGS),
    Property("digits_changed", f"digits change by at least {MIN_CHANGE} on average", _digits_change, requires=AUGS),
    Property("faces_upright", "faces are never turned upside down", _faces_upright, requires=AUGS),
    Property("faces_mirrored", "faces are mirrored left-right about half of the time", _faces_mirror,
             "statistical", AUGS),
)


def q4_correct(run):
    return "ex2.q4.correct", dict(n=len(Q4_PROPERTIES), faces=int(run["faces_pose"][0].sum()), total=N4,
                              change=run["realism"][1], recognised=run["realism"][0])
