"""The exercise checkers check the whole contract.

For every exercise: wrong answers (at least 12, and for each declared property a subtle one that breaks only it)
are rejected with the property they break; correct answers written differently from the reference pass, and so
do they and the reference on 50 seeds; every message template is produced by some test; hints come in two
levels and never hold the solution's code; learner code has a time limit. Answers live in exercise_answers.py.
"""
import os
import re
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

@pytest.mark.parametrize("key, name, answers, prop, subtle", WRONG_CASES)
def test_wrong_answer_is_rejected_by_its_property(key, name, answers, prop, subtle):
    A.rng.reset_from_seed(7)  # the answers' own generator: the same draws whatever ran before
    r = Q[key].check(*answers)
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
    E.questions("ex1")[0].check(S.make_train_ds)
    passed, total = E.score("ex1")
    assert total == 4 and passed >= 1


@pytest.mark.slow  # reads what every check produced, the 50-seed runs (slow) included
def test_every_message_template_is_produced_by_some_test(request):
    """Runs last in this file: every template must have been produced by one of the tests above."""
    ran = {item.name for item in request.session.items if item.module is request.module}
    if not any(n.startswith("test_wrong_answer_is_rejected") for n in ran) or len(ran) < 100:
        pytest.skip("only meaningful when the whole file runs")
    produced_here = set(core.PRODUCED)
    never = sorted(set(E.MESSAGES) - produced_here)
    assert not never, f"message templates no test produces: {never}"
    if TIMES:
        lines = [f"{nb} {q}: median {np.median(t):.2f} s, worst {np.max(t):.2f} s over {len(t)} checks"
                 for (nb, q), t in sorted(TIMES.items())]
        print("\nCheck times (50-seed test):\n" + "\n".join(lines))
        if os.environ.get("EXERCISE_TIMES"):  # where to write them, e.g. for a report
            with open(os.environ["EXERCISE_TIMES"], "w") as f:
                f.write("\n".join(lines) + "\n")
