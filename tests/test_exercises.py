"""The exercise checkers: solutions pass, each known mistake gets its own message, nothing crashes."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from coursekit import augment as ck_augment
from coursekit import exercises as E

S = E.solutions
EX1 = dict(zip(("q1", "q2", "q3", "q4"), E.questions("ex1")))
EX2 = dict(zip(("q1", "q2", "q3", "q4"), E.questions("ex2")))
aug = S.augmenter


def verdict(q, *answers):
    r = q.check(*answers)
    assert isinstance(r, E.Result)
    return r


def assert_fails(q, *answers, says):
    r = verdict(q, *answers)
    assert r.status == "incorrect" and not r.passed, r.text
    assert says in r.message, r.text
    return r


# ------------------------------------------------------------------ solutions pass, blanks are "not attempted"

@pytest.mark.parametrize("q, answers", [
    (EX1["q1"], (S.make_train_ds,)), (EX1["q2"], (S.make_cached_ds,)), (EX1["q3"], (S.make_datasets,)),
    (EX1["q4"], (S.augment_batch,)), (EX2["q1"], (S.augment_digit,)), (EX2["q2"], (S.STRENGTH,)),
    (EX2["q3"], (S.RandomNoise,)), (EX2["q4"], (S.digits_augment, S.faces_augment)),
])
def test_solution_passes_its_check(q, answers, capsys):
    r = verdict(q, *answers)
    assert r.passed, r.text
    assert "Correct:" in capsys.readouterr().out
    assert q.solution_code().strip()


@pytest.mark.parametrize("q", list(EX1.values()) + list(EX2.values()))
def test_placeholder_is_not_attempted(q):
    answers = (E.____,) * q.n_answers
    r = verdict(q, *answers)
    assert r.status == "not_attempted" and "Not attempted yet" in r.text
    assert verdict(q, *((None,) * q.n_answers)).status == "not_attempted"


def _todo(*args, **kwargs):
    raise NotImplementedError


@pytest.mark.parametrize("q", [EX1["q1"], EX1["q2"], EX1["q3"], EX1["q4"], EX2["q1"]])
def test_function_raising_not_implemented_is_not_attempted(q):
    assert verdict(q, _todo).status == "not_attempted"


def test_template_layer_is_not_attempted():
    class RandomNoise(keras.layers.Layer):
        def call(self, x, training=None):
            raise NotImplementedError

    assert verdict(EX2["q3"], RandomNoise).status == "not_attempted"


def test_wrong_number_of_answers_is_explained():
    r = verdict(EX2["q4"], S.digits_augment)
    assert r.status == "error" and "2 answers" in r.message


def test_hint_and_solution_print(capsys):
    EX1["q1"].hint()
    EX1["q1"].solution()
    out = capsys.readouterr().out
    assert "Hint (q1)" in out and "def make_train_ds" in out and "augmenter(img, training=True)" in out


# ------------------------------------------------------------------ ex1 q1: static augmentation

def static_ds(x, y, batch_size=8):
    x_aug = aug(x, training=True)  # augmented ONCE
    return tf.data.Dataset.from_tensor_slices((x_aug, y)).shuffle(len(x)).batch(batch_size)


def clean_ds(x, y, batch_size=8):
    return tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)


def stateful_map_ds(x, y, batch_size=8):
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    return ds.map(lambda i, l: (tf.clip_by_value(tf.image.random_brightness(i, 0.3), 0, 1), l)).batch(batch_size)


def test_q1_static_augmentation_is_named():
    assert_fails(EX1["q1"], static_ds, says="the augmentation ran ONCE")


def test_q1_no_augmentation_is_named():
    assert_fails(EX1["q1"], clean_ds, says="untouched original images")


def test_q1_stateful_random_map_is_named():
    assert_fails(EX1["q1"], stateful_map_ds, says="draw the same values every epoch")


def test_q1_unbatched_and_repeated_datasets_are_named():
    def unbatched(x, y, batch_size=8):
        return tf.data.Dataset.from_tensor_slices((x, y)).map(lambda i, l: (aug(i, training=True), l))

    def repeated(x, y, batch_size=8):
        return S.make_train_ds(x, y, batch_size).repeat()

    assert_fails(EX1["q1"], unbatched, says="not batches")
    assert_fails(EX1["q1"], repeated, says="remove .repeat()")


@pytest.mark.parametrize("answer, says", [
    (lambda x, y, batch_size=8: None, "forget `return ds`"),
    (lambda x, y, batch_size=8: x, "returned an array"),
    (lambda x, y, batch_size=8: [1, 2], "should return a tf.data.Dataset"),
    (lambda x, y, batch_size=8: 1 / 0, "raised ZeroDivisionError"),
    (lambda x: x, "raised TypeError"),
    (lambda x, y, batch_size=8: tf.data.Dataset.from_tensor_slices(x).batch(4), "pair (images, labels)"),
    (lambda x, y, batch_size=8: tf.data.Dataset.from_tensor_slices((x[:, :8], y)).batch(4), "image shape"),
    (lambda x, y, batch_size=8: tf.data.Dataset.from_tensor_slices((x, y * 0)).batch(4), "keep each label"),
    (42, "should be a function"),
])
def test_q1_wrong_types_shapes_and_exceptions_give_messages(answer, says):
    assert_fails(EX1["q1"], answer, says=says)


# ------------------------------------------------------------------ ex1 q2: cache after the random map

def cache_after_map(x, y, batch_size=8):
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x))
    return ds.map(lambda i, l: (aug(i, training=True), l)).cache().batch(batch_size)


def test_q2_cache_after_map_is_named():
    assert_fails(EX1["q2"], cache_after_map, says="cache() comes AFTER the random map")


def test_q2_missing_cache_is_named():
    assert_fails(EX1["q2"], S.make_train_ds, says="has no cache()")


def test_q2_static_augmentation_is_named_too():
    assert_fails(EX1["q2"], static_ds, says="ran ONCE")


# ------------------------------------------------------------------ ex1 q3: augmenting validation data

def augmented_val(x_train, y_train, x_val, y_val, batch_size=8):
    return S.make_train_ds(x_train, y_train, batch_size), S.make_train_ds(x_val, y_val, batch_size)


def train_as_val(x_train, y_train, x_val, y_val, batch_size=8):
    return S.make_train_ds(x_train, y_train, batch_size), clean_ds(x_train, y_train, batch_size)


def test_q3_augmented_validation_is_named():
    assert_fails(EX1["q3"], augmented_val, says="augmented (changed) validation images")


def test_q3_training_data_as_validation_is_named():
    assert_fails(EX1["q3"], train_as_val, says="holds the TRAINING images")


def test_q3_unaugmented_training_and_wrong_return_are_named():
    def no_train_aug(x_train, y_train, x_val, y_val, batch_size=8):
        return clean_ds(x_train, y_train, batch_size), clean_ds(x_val, y_val, batch_size)

    assert_fails(EX1["q3"], no_train_aug, says="untouched original images")
    assert_fails(EX1["q3"], lambda *a: S.make_train_ds(a[0], a[1]), says="should return two datasets")


# ------------------------------------------------------------------ ex1 q4: one random value per batch

def test_q4_one_value_per_batch_is_named():
    r = assert_fails(EX1["q4"], lambda b: tf.image.random_brightness(b, 0.2), says="ONE random value for the whole batch")
    assert "same brightness change" in r.message


def test_q4_missing_clip_is_named():
    def no_clip(images):
        return images + tf.random.uniform([tf.shape(images)[0], 1, 1, 1], -0.2, 0.2)

    assert_fails(EX1["q4"], no_clip, says="tf.clip_by_value")


@pytest.mark.parametrize("answer, says", [
    (lambda b: b, "unchanged"),
    (lambda b: tf.clip_by_value(b + tf.random.normal(tf.shape(b), stddev=0.1), 0, 1), "noise"),
    (lambda b: b[:, :6], "into shape"),
    (lambda b: "bright", "should return the batch"),
    (lambda b: tf.clip_by_value(b + tf.random.stateless_uniform([tf.shape(b)[0], 1, 1, 1], [1, 2], -.2, .2), 0, 1),
     "same brightness changes on every call"),
    (lambda b: np.clip(b.numpy() + np.random.uniform(-.2, .2, (len(b), 1, 1, 1)), 0, 1).astype("float32"),
     "fails inside ds.map"),
])
def test_q4_other_mistakes_give_messages(answer, says):
    assert_fails(EX1["q4"], answer, says=says)


# ------------------------------------------------------------------ ex2 q1: label-changing augmentation

def turn_keep_label(image, label):
    return tf.cond(tf.random.uniform([]) < 0.5, lambda: tf.image.rot90(image, 2), lambda: image), label


def turn_everything(image, label):
    swap = tf.constant([0, 1, 2, 3, 4, 5, 9, 7, 8, 6], tf.int64)
    turn = tf.random.uniform([]) < 0.5
    return (tf.cond(turn, lambda: tf.image.rot90(image, 2), lambda: image),
            tf.where(turn, tf.gather(swap, label), label))


def mirror(image, label):
    return tf.image.flip_left_right(image), label


def test_ex2_q1_turn_without_relabel_is_named():
    assert_fails(EX2["q1"], turn_keep_label, says="kept the label 6")


def test_ex2_q1_turning_a_seven_is_named():
    assert_fails(EX2["q1"], turn_everything, says="turned a 7 upside down")


@pytest.mark.parametrize("answer, says", [
    (mirror, "mirrored digits"),
    (lambda image, label: (image, label), "never turned"),
    (lambda image, label: (image * 0.5, label), "neither the digit nor its half-turn"),
    (lambda image: image, "raised TypeError"),
    (lambda image, label: (image[:4], label), "keep the shape"),
])
def test_ex2_q1_other_mistakes_give_messages(answer, says):
    assert_fails(EX2["q1"], answer, says=says)


# ------------------------------------------------------------------ ex2 q2: too strong

@pytest.mark.parametrize("answer, says", [
    (1.0, "Too strong"),
    ("extreme", "Too strong"),
    (0, "no augmentation at all"),
    (0.005, "So gentle"),
    ("strong", "Unknown augmentation preset"),
    (2.0, "between 0 and 1"),
    ([0.1], "should be a number"),
    (ck_augment.custom(flip="horizontal", rotation=0.02), "flips digits"),
])
def test_ex2_q2_mistakes_give_messages(answer, says):
    assert_fails(EX2["q2"], answer, says=says)


def test_ex2_q2_reports_measured_realism():
    recognised, change = E.realism(ck_augment.from_strength(1.0, "digits"))
    gentle, small_change = E.realism(ck_augment.from_strength(0.1, "digits"))
    assert recognised < E.MIN_RECOGNISED <= gentle and small_change < change


# ------------------------------------------------------------------ ex2 q3: training flag

class IgnoresTraining(keras.layers.Layer):
    def call(self, x, training=None):
        return x + keras.random.normal(keras.ops.shape(x), stddev=0.1)


class DefaultTrainingTrue(keras.layers.Layer):
    def call(self, x, training=True):
        if not training:
            return x
        return x + keras.random.normal(keras.ops.shape(x), stddev=0.1)


class NeverAugments(keras.layers.Layer):
    def call(self, x, training=None):
        return x


class FixedNoise(keras.layers.Layer):
    def call(self, x, training=None):
        if not training:
            return x
        return x + tf.random.stateless_normal(tf.shape(x), [1, 2], stddev=0.1)


class NeedsArgument(keras.layers.Layer):
    def __init__(self, stddev, **kwargs):
        super().__init__(**kwargs)


def test_ex2_q3_ignoring_training_is_named():
    assert_fails(EX2["q3"], IgnoresTraining, says="ignores `training`")


def test_ex2_q3_default_training_true_is_named():
    assert_fails(EX2["q3"], DefaultTrainingTrue, says="default is training=True")


@pytest.mark.parametrize("answer, says", [
    (NeverAugments, "returns the images unchanged"),
    (FixedNoise, "SAME noise"),
    (NeedsArgument, "creating RandomNoise() raised TypeError"),
    (dict, "keras.layers.Layer subclass"),
    (lambda x: x, "should be a Keras layer"),
])
def test_ex2_q3_other_mistakes_give_messages(answer, says):
    assert_fails(EX2["q3"], answer, says=says)


def test_ex2_q3_accepts_an_instance():
    assert verdict(EX2["q3"], S.RandomNoise(stddev=0.05)).passed


# ------------------------------------------------------------------ ex2 q4: choosing augmentations

def test_ex2_q4_flipping_digits_is_named():
    flipping = ck_augment.custom(flip="horizontal", rotation=0.03)
    assert_fails(EX2["q4"], flipping, S.faces_augment, says="mirrors digits")


def test_ex2_q4_upside_down_faces_are_named():
    upside_down = ck_augment.custom(flip="horizontal_and_vertical")
    assert_fails(EX2["q4"], S.digits_augment, upside_down, says="turns faces upside down")


@pytest.mark.parametrize("digits, faces, says", [
    (S.digits_augment, ck_augment.custom(rotation=0.05), "never mirrors faces"),
    ("none", S.faces_augment, "hardly changes the digits"),
    (S.digits_augment, 3.5, "between 0 and 1"),
    (S.digits_augment, object(), "should be an augmentation"),
    (S.digits_augment, lambda img: img[:3], "keep the shape"),
    (ck_augment.LabelAwareFlip({6: 9, 9: 6}), S.faces_augment, "changes labels"),
])
def test_ex2_q4_other_mistakes_give_messages(digits, faces, says):
    assert_fails(EX2["q4"], digits, faces, says=says)


def test_ex2_q4_accepts_keras_layers_and_presets():
    faces = keras.Sequential([keras.layers.RandomFlip("horizontal"), keras.layers.RandomRotation(0.02)])
    assert verdict(EX2["q4"], "standard", faces).passed


def test_score_counts_latest_checks():
    E.questions("ex1")[0].check(S.make_train_ds)
    passed, total = E.score("ex1")
    assert total == 4 and passed >= 1
