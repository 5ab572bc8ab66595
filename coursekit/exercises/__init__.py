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
Reference answers live in ``exercises.solutions``.


The package: ``core`` (Result, Exercise, messages), ``measure`` (small data and tf.data helpers), and one module
per exercise notebook (``ex1_pipeline_pitfalls``, ``ex2_choosing_augmentations``) with its checkers, texts,
hints and reference answers; ``solutions`` gathers those answers.
"""
from ..base import validate
from . import ex1_pipeline_pitfalls, ex2_choosing_augmentations, solutions
from .core import STATUSES, Exercise, Result, ____, is_blank  # noqa: F401
from .ex1_pipeline_pitfalls import digit_augmenter  # noqa: F401  (the notebooks use it)
from .ex2_choosing_augmentations import MIN_CHANGE, MIN_RECOGNISED, realism  # noqa: F401
from .measure import check_images, epoch_change  # noqa: F401

_QUESTIONS = {"ex1": ex1_pipeline_pitfalls.QUESTIONS, "ex2": ex2_choosing_augmentations.QUESTIONS}

def questions(notebook):
    """The exercise objects of one notebook, e.g. ``q1, q2, q3, q4 = questions("ex1")``."""
    validate.one_of("notebook", notebook, _QUESTIONS, what="exercise notebook")
    return _QUESTIONS[notebook]


def score(notebook):
    """(checks passed, number of questions) for a notebook, from each question's latest check."""
    qs = questions(notebook)
    return sum(bool(q.last and q.last.passed) for q in qs), len(qs)
