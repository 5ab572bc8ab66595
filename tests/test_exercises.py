"""The exercise checkers check the whole contract.

For every exercise: wrong answers (at least 12, and for each declared property a subtle one that breaks only it)
are rejected with the property they break; correct answers written differently from the reference pass, and so
do they and the reference on 50 seeds; every message template is produced by some answer; hints come in two
levels and never hold the solution's code; learner code has a time limit, inside a dataset's map too, and
nothing it raises but KeyboardInterrupt escapes a check. Answers live in exercise_answers.py.
"""
import os
import re
import sys
import time

import numpy as np
import pytest
import tensorflow as tf

import exercise_answers as A
from coursekit import exercises as E
from coursekit.exercises import core, stats

S = E.solutions
EX1 = dict(zip(("q1", "q2", "q3", "q4"), E.questions("ex1")))
EX2 = dict(zip(("q1", "q2", "q3", "q4"), E.questions("ex2")))
Q = {("ex1", k): v for k, v in EX1.items()} | {("ex2", k): v for k, v in EX2.items()}


def _one(answers):
    return answers if isinstance(answers, tuple) else (answers,)


WRONG = {("ex1", "q1"): A.WRONG_Q1, ("ex1", "q2"): A.WRONG_Q2, ("ex1", "q3"): A.WRONG_Q3, ("ex1", "q4"): A.WRONG_Q4,
         ("ex2", "q1"): A.WRONG_EX2_Q1, ("ex2", "q2"): A.WRONG_EX2_Q2, ("ex2", "q3"): A.WRONG_EX2_Q3,
         ("ex2", "q4"): A.WRONG_EX2_Q4}
REFERENCE = {("ex1", "q1"): (S.make_train_ds,), ("ex1", "q2"): (S.make_cached_ds,), ("ex1", "q3"): (S.make_datasets,),
             ("ex1", "q4"): (S.augment_batch,), ("ex2", "q1"): (S.augment_digit,), ("ex2", "q2"): (S.STRENGTH,),
             ("ex2", "q3"): (S.RandomNoise,), ("ex2", "q4"): (S.digits_augment, S.faces_augment)}
ALTERNATIVES = {("ex1", "q1"): A.ALT_Q1, ("ex1", "q2"): A.ALT_Q2, ("ex1", "q3"): A.ALT_Q3, ("ex1", "q4"): A.ALT_Q4,
                ("ex2", "q1"): A.ALT_EX2_Q1, ("ex2", "q2"): A.ALT_EX2_Q2, ("ex2", "q3"): A.ALT_EX2_Q3,
                ("ex2", "q4"): A.ALT_EX2_Q4}
WRONG_CASES = [pytest.param(key, name, _one(ans), prop, subtle, id=f"{key[0]}-{key[1]}-{name}")
               for key, cases in WRONG.items() for name, ans, prop, subtle in cases]
CORRECT_CASES = ([pytest.param(key, "reference", ans, id=f"{key[0]}-{key[1]}-reference")
                  for key, ans in REFERENCE.items()]
                 + [pytest.param(key, name, _one(ans), id=f"{key[0]}-{key[1]}-{name}")
                    for key, cases in ALTERNATIVES.items() for name, ans in cases])
SEEDS = range(1, 51)
TIMES = {}  # (notebook, question) -> seconds of each check in the 50-seed test
TEMPLATES = {}  # (notebook, question, answer name) -> the template its check produced


@pytest.fixture(scope="module", autouse=True)
def report_check_times():
    """After this file: the time of each check in the 50-seed test, if it ran (EXERCISE_TIMES: where to write)."""
    yield
    if TIMES:
        lines = [f"{nb} {q}: median {np.median(t):.2f} s, worst {np.max(t):.2f} s over {len(t)} checks"
                 for (nb, q), t in sorted(TIMES.items())]
        print("\nCheck times (50-seed test):\n" + "\n".join(lines))
        if os.environ.get("EXERCISE_TIMES"):
            with open(os.environ["EXERCISE_TIMES"], "w") as f:
                f.write("\n".join(lines) + "\n")


# ------------------------------------------------------------------ the contract, declared

def test_every_question_declares_its_properties_as_data():
    for key, q in Q.items():
        ids = [p.id for p in q.properties]
        assert len(ids) == len(set(ids)) >= 4, key
        for p in q.properties:
            assert re.fullmatch(r"[a-z_]+", p.id) and p.description and "\n" not in p.description, (key, p)
            assert p.kind in ("deterministic", "statistical")


@pytest.mark.parametrize("key", list(WRONG))
def test_enough_wrong_and_alternative_answers(key):
    assert len(WRONG[key]) >= 12, key
    assert len(ALTERNATIVES[key]) >= 3, key
    subtle = {prop for _, _, prop, is_subtle in WRONG[key] if is_subtle}
    first = Q[key].properties[0].id  # "it returns the right kind of thing": nothing else can be measured without it
    missing = {p.id for p in Q[key].properties} - subtle - {first} - {prop for _, _, prop, _ in WRONG[key]}
    assert not missing, f"{key}: no wrong answer breaks {missing}"
    missing_subtle = {p.id for p in Q[key].properties[1:]} - subtle
    assert not missing_subtle, f"{key}: no subtle wrong answer breaks only {missing_subtle}"


# ------------------------------------------------------------------ wrong answers are rejected, by the right property

def _check_wrong(key, name, answers):
    A.rng.reset_from_seed(7)  # the answers' own generator: the same draws whatever ran before
    r = Q[key].check(*answers)
    TEMPLATES[key + (name,)] = r.template
    return r


@pytest.mark.parametrize("key, name, answers, prop, subtle", WRONG_CASES)
def test_wrong_answer_is_rejected_by_its_property(key, name, answers, prop, subtle):
    r = _check_wrong(key, name, answers)
    assert r.status == "incorrect" and not r.passed, r.text
    assert r.property_id == prop, r.text
    assert f"property '{prop}'" in r.message and r.template in E.MESSAGES
    if subtle:
        failing = Q[key].failing_properties()  # of what this check measured
        broken = [p for p, template in failing if template not in ("crash", "skipped")]
        assert broken == [prop], f"{name} should break only {prop}; it breaks {failing}"


# ------------------------------------------------------------------ correct answers pass, on 50 seeds

@pytest.mark.slow
@pytest.mark.parametrize("key, name, answers", CORRECT_CASES)
def test_correct_answer_passes_on_50_seeds(key, name, answers, capsys):
    times = []
    for seed in SEEDS:
        start = time.perf_counter()
        r = Q[key].check(*answers, seed=seed)
        times.append(time.perf_counter() - start)
        assert r.passed, f"seed {seed}: {r.text}"
    assert "Correct:" in capsys.readouterr().out
    TIMES.setdefault(key, []).extend(times)


def test_reference_solutions_print():
    for q in Q.values():
        assert q.solution_code().strip()
    assert "rng.make_seeds" in EX1["q4"].solution_code() and "stateless_uniform" in EX1["q4"].solution_code()


# ------------------------------------------------------------------ blanks, errors, time limit

@pytest.mark.parametrize("key", list(Q))
def test_placeholder_is_not_attempted(key):
    q = Q[key]
    assert q.check(*(E.____,) * q.n_answers).status == "not_attempted"
    assert q.check(*(None,) * q.n_answers).status == "not_attempted"


def _todo(*args, **kwargs):
    raise NotImplementedError


@pytest.mark.parametrize("key", [("ex1", "q1"), ("ex1", "q2"), ("ex1", "q3"), ("ex1", "q4"), ("ex2", "q1")])
def test_function_raising_not_implemented_is_not_attempted(key):
    r = Q[key].check(_todo)
    assert r.status == "not_attempted" and "NotImplementedError" in r.message


def test_template_layer_is_not_attempted():
    import keras

    class Template(keras.layers.Layer):
        def __init__(self, stddev=0.1, seed=None, **kwargs):
            super().__init__(**kwargs)

        def call(self, x, training=None):
            raise NotImplementedError

    assert EX2["q3"].check(Template).status == "not_attempted"


def test_wrong_number_of_answers_is_explained():
    r = EX2["q4"].check(S.digits_augment)
    assert r.status == "error" and "2 answers" in r.message and r.template == "core.answers"


def test_not_a_function_is_named():
    r = EX1["q1"].check(42)
    assert r.template == "core.not_callable" and "should be a function" in r.message


def test_learner_error_shows_its_last_line_and_the_learners_frame():
    def make_train_ds(x, y, batch_size=8):
        ds = tf.data.Dataset.from_tensor_slices((x, y))
        return ds.map(lambda i, l: (tf.reshape(i, [7, -1]), l)).batch(batch_size)  # 256 pixels: not 7 rows

    r = EX1["q1"].check(make_train_ds)
    assert r.status == "incorrect" and r.template == "core.raised", r.text
    assert "in user code" not in r.message.split("raised")[-1][:40], r.text
    assert "reshape" in r.message.lower() and "256" in r.message and "in make_train_ds" in r.message, r.text

    def divides(x, y, batch_size=8):
        return 1 / 0

    r = EX1["q1"].check(divides)
    assert "ZeroDivisionError" in r.message and "in divides" in r.message and "return 1 / 0" in r.message, r.text


def test_slow_learner_code_gets_the_time_limit_message(monkeypatch):
    monkeypatch.setattr(core, "TIME_LIMIT", 1.0)

    def sleepy(images):
        time.sleep(5)
        return images

    start = time.perf_counter()
    r = EX1["q4"].check(sleepy)
    assert time.perf_counter() - start < 4
    assert r.status == "incorrect" and r.template == "core.time" and "time limit" in r.message, r.text

    def python_loop(x, y, batch_size=8):
        total = 0
        while True:  # a slow Python loop that never ends
            total += 1

    r = EX1["q1"].check(python_loop)
    assert r.template == "core.time", r.text


def test_a_checker_bug_is_reported_not_raised(monkeypatch):
    broken = core.Property("broken", "a measure that crashes", lambda run: 1 / 0)
    q = core.Exercise("qx", "test", lambda a, seed=0: a, (broken,), ("h1", "h2"), "x = 1", None)
    r = q.check(1)
    assert r.status == "error" and r.template == "core.crashed", r.text


# ------------------------------------------------------------------ hints

@pytest.mark.parametrize("key", list(Q))
def test_two_hint_levels_differ_and_hold_no_solution_code(key, capsys):
    q = Q[key]
    q.hint()
    first = capsys.readouterr().out
    q.hint(2)
    second = capsys.readouterr().out
    assert first.startswith(f"Hint 1 ({q.name})") and second.startswith(f"Hint 2 ({q.name})")
    assert first.split(":", 1)[1] != second.split(":", 1)[1]
    code = [line.strip() for line in q.solution_code().splitlines()
            if line.strip() and not line.strip().startswith(("#", "def ", "return", "class ", '"""'))]
    for line in code:
        assert line.split("#")[0].strip() not in first + second, (key, line)
    for token in ("0.2", "[batch, 1, 1, 1]", "tf.image.rot90(image, 2)", "training=True)", 'flip="horizontal"'):
        assert token not in first, (key, token)


# ------------------------------------------------------------------ the numbers: draws, tolerances, templates

def test_sizing_keeps_false_rejection_below_1_in_10000():
    rows = E.sizing_table()
    assert rows
    per_check = {}
    for notebook, question, prop, draws, tolerance, p in rows:
        if isinstance(p, float):
            assert p <= stats.ALPHA * 2, (notebook, question, prop, p)
            per_check[(notebook, question)] = per_check.get((notebook, question), 0) + p
    for key, total in per_check.items():
        assert total <= stats.FALSE_REJECTION, key
    for key, q in Q.items():
        assert sum(p.kind == "statistical" for p in q.properties) <= stats.MAX_TESTS, key


def test_score_counts_latest_checks():
    qs = E.questions("ex1")
    for q in qs:
        q.last = None
    qs[0].check(S.make_train_ds)
    assert E.score("ex1") == (1, 4)
    qs[1].check(E.____)
    assert E.score("ex1") == (1, 4)


def _edge_templates(monkeypatch):
    """The templates of the core: blanks, wrong calls, errors, a checker bug, the time limit."""
    out = {EX1["q1"].check(E.____).template, EX2["q4"].check(S.digits_augment).template,
           EX1["q1"].check(_todo).template, EX1["q1"].check(42).template,
           EX1["q1"].check(lambda x, y, b=8: 1 / 0).template}
    broken = core.Property("broken", "a measure that crashes", lambda run: 1 / 0)
    out.add(core.Exercise("qx", "test", lambda a, seed=0: a, (broken,), ("h1", "h2"), "x = 1", None).check(1).template)
    monkeypatch.setattr(core, "TIME_LIMIT", 0.5)
    out.add(EX1["q4"].check(lambda b: time.sleep(3)).template)
    return out


def test_every_message_template_is_produced_by_some_answer(monkeypatch):
    """Each template is what some wrong answer, reference answer or core case gets: runs the wrong answers that
    have not run yet in this session, so it holds in any order and alone."""
    produced = {TEMPLATES.get(key + (name,)) or _check_wrong(key, name, _one(ans)).template
                for key, cases in WRONG.items() for name, ans, _, _ in cases}
    produced |= {Q[key].check(*ans).template for key, ans in REFERENCE.items()}
    produced |= _edge_templates(monkeypatch)
    never = sorted(set(E.MESSAGES) - produced)
    assert not never, f"message templates no answer produces: {never}"


# ------------------------------------------------------------------ what learner code can do to a check

class _Mine(BaseException):
    """A learner's own exception, outside the Exception tree."""


def _raise_mine(*args):
    raise _Mine("mine")


EXITS = [
    pytest.param(("ex1", "q1"), (lambda x, y, b=8: sys.exit("done"),), "SystemExit", id="ex1-q1-sys.exit"),
    pytest.param(("ex1", "q1"), (lambda x, y, b=8: A.pipeline(x, y, b, post=lambda d: d.map(_raise_mine)),),
                 "_Mine", id="ex1-q1-BaseException-in-map"),
    pytest.param(("ex1", "q4"), (lambda b: sys.exit(3),), "SystemExit", id="ex1-q4-sys.exit"),
    pytest.param(("ex2", "q1"), (lambda image, label: sys.exit(),), "SystemExit", id="ex2-q1-sys.exit-traced"),
    pytest.param(("ex2", "q3"), (A.noise_layer(lambda s, x: sys.exit("no noise")),), "SystemExit",
                 id="ex2-q3-SystemExit-in-call"),
    pytest.param(("ex2", "q4"), (S.digits_augment, lambda img: sys.exit()), "SystemExit", id="ex2-q4-sys.exit"),
]


@pytest.mark.parametrize("key, answers, error", EXITS)
def test_nothing_the_learner_raises_escapes_a_check(key, answers, error):
    r = Q[key].check(*answers)
    assert r.status == "incorrect" and error in r.message, r.text


def test_the_stop_button_still_stops_a_check():
    def stopped(images):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        EX1["q4"].check(stopped)


def _sleepy_map(seconds):
    def slow(img):
        time.sleep(seconds)
        return img
    return lambda i, *rest: (tf.py_function(slow, [i], tf.float32), *rest)


SLOW_MAPS = [
    pytest.param(EX1["q1"], lambda x, y, b=8: tf.data.Dataset.from_tensor_slices((x, y)).map(_sleepy_map(3)).batch(b),
                 id="ex1-q1-pipeline"),
    pytest.param(EX2["q1"], lambda image, label: _sleepy_map(3)(image, label), id="ex2-q1-mapped-function"),
]


@pytest.mark.parametrize("q, answer", SLOW_MAPS)
def test_time_limit_holds_inside_a_dataset_map(q, answer, monkeypatch):
    """SIGALRM cannot interrupt TensorFlow's C++ running a map (6 images x 3 s per batch here): the check stops
    waiting for it instead, and says that the abandoned work may keep the kernel busy."""
    monkeypatch.setattr(core, "TIME_LIMIT", 1.0)
    start = time.perf_counter()
    r = q.check(answer)
    took = time.perf_counter() - start
    assert r.template == "core.time", r.text
    assert took < 1.0 + 5, f"the check took {took:.1f} s"
    assert "keep the kernel busy" in r.message, r.text


@pytest.mark.parametrize("q, answer", [
    pytest.param(EX1["q1"], A.batch_cache_shuffle_batches, id="ex1-q1"),
    pytest.param(EX1["q2"], A.batch_cache_shuffle_batches, id="ex1-q2")])
def test_shuffled_batches_pass_whichever_batch_comes_first(q, answer):
    """batch -> cache -> shuffle the batches -> augment: the short batch may come first, and 4 batches keep their
    order in two epochs 1 time in 24."""
    for seed in range(8):
        r = q.check(answer, seed=seed)
        assert r.passed, f"seed {seed}: {r.text}"


NAN_CASES = [case for case in WRONG_CASES if "NaN" in case.values[1]]


@pytest.mark.parametrize("key, name, answers, prop, subtle", NAN_CASES)
def test_nan_outputs_are_called_nan(key, name, answers, prop, subtle):
    assert len(NAN_CASES) >= 5
    r = _check_wrong(key, name, answers)
    assert r.template == "core.nan" and "NaN" in r.message, r.text


def test_a_brightness_change_is_named_not_taken_for_separated_labels():
    name = "a brightness change after the augmenter"
    answer = next(ans for n, ans, _, _ in A.WRONG_Q1 if n == name)
    r = _check_wrong(("ex1", "q1"), name, (answer,))
    assert r.template == "pipe.levels" and "brightness" in r.message and "separated" not in r.message, r.text


def test_pipeline_labels_are_not_the_indices():
    for n, offset in ((20, 0), (12, 100)):
        _, y, _ = E.measure.pipeline_inputs(n, offset)
        assert sorted(y - offset) == list(range(n)) and not (y - offset == np.arange(n)).any()


@pytest.mark.parametrize("level", ["two", 1.5, None, True])
def test_a_hint_level_that_is_not_a_whole_number_gets_one_sentence(level):
    with pytest.raises(ValueError) as info:
        EX1["q1"].hint(level)
    (line,) = info.value._render_traceback_()
    assert "1" in line and "2" in line and repr(level) in line, line
