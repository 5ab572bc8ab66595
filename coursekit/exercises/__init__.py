"""Exercises that check themselves, in the style of Kaggle Learn: ``q1.check(answer)``, ``q1.hint()``,
``q1.solution()``.

In an exercise notebook::

    from coursekit import exercises
    q1, q2, q3, q4 = exercises.questions("ex1")

    def make_train_ds(x, y, batch_size=8):
        ...                       # your code
    q1.check(make_train_ds)       # pass your answer explicitly

``check`` runs your code ONCE on small data and measures the whole contract of the exercise, property by
property (labels stay with their images, every epoch is new, the random values are per image and in range,
probabilities are right, dtype and range are kept, graph mode behaves like eager mode, every argument is
honoured...). It prints one of:

- ``Correct: ...``            every property holds;
- ``Incorrect: ...``          the first property that failed, the number measured and the number expected;
- ``Not attempted yet: ...``  the answer is still the placeholder ``____`` (or raises NotImplementedError).

It also returns a :class:`Result` (``.passed``, ``.status``, ``.message``, ``.property_id``, ``.template``).
A checker never crashes on your code (even ``sys.exit``), and gives it at most 20 seconds, a dataset's map
included. ``q.hint()`` nudges, ``q.hint(2)`` gets
closer, ``q.solution()`` shows a reference answer (all of them live in ``exercises.solutions``).

Checks reseed the random generators (``keras.utils.set_random_seed(seed)``, ``seed=0`` unless you pass another)
so that the same answer always gets the same verdict; a correct answer fails at most once in 10,000 seeds
(``exercises.stats`` shows how the draws and tolerances were sized).

The package: ``running`` (message templates, learner errors, the time limit), ``core`` (Result, Exercise,
Property), ``stats`` (sizing), ``fixtures`` (the digits and the "F" test image the checks feed your code),
``measure`` (tf.data pipelines), ``judge`` (realism, where a pattern points), and one module per
exercise notebook with its reference answers, texts and hints: ``ex1_pipeline_pitfalls`` and
``ex2_choosing_augmentations`` (whose questions 3 and 4 measure with ``ex2_layer_and_choices``).
"""
from ..base import validate
from . import ex1_pipeline_pitfalls, ex2_choosing_augmentations, solutions  # noqa: F401
from .core import MESSAGES, STATUSES, Exercise, Property, Result, ____, is_blank  # noqa: F401
from .ex1_pipeline_pitfalls import digit_augmenter  # noqa: F401  (the notebooks use it)
from .judge import MIN_CHANGE, MIN_RECOGNISED, realism  # noqa: F401
from .fixtures import check_images  # noqa: F401
from .measure import epoch_change, epoch_changes  # noqa: F401

_QUESTIONS = {"ex1": ex1_pipeline_pitfalls.QUESTIONS, "ex2": ex2_choosing_augmentations.QUESTIONS}


def questions(notebook):
    """The exercise objects of one notebook, e.g. ``q1, q2, q3, q4 = questions("ex1")``."""
    validate.one_of("notebook", notebook, _QUESTIONS, what="exercise notebook")
    return _QUESTIONS[notebook]


def score(notebook):
    """(checks passed, number of questions) for a notebook, from each question's latest check."""
    qs = questions(notebook)
    return sum(bool(q.last and q.last.passed) for q in qs), len(qs)


def sizing_table():
    """Rows (notebook, question, property, draws, tolerance, false-rejection probability of a correct answer)."""
    return ([("ex1",) + tuple(r) for r in ex1_pipeline_pitfalls.SIZES()]
            + [("ex2",) + tuple(r) for r in ex2_choosing_augmentations.SIZES()])
