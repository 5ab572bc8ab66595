"""The core of the self-checking exercises: :class:`Result`, :class:`Property` and :class:`Exercise`.

An exercise declares its contract as data: a tuple of :class:`Property` (an id, a one-line description, and a
``measure(run)`` that reads the learner's output). ``check`` runs the learner's code ONCE (the question's
``run`` function), then measures the properties in order; the first that fails gives the verdict, named by its
id and filled with the measured number against the expected one (templates: ``running.MESSAGES``).

The learner's code gets at most :data:`TIME_LIMIT` seconds per check in all, a dataset's map included
(``running.time_limit``), and nothing it raises but ``KeyboardInterrupt`` escapes a check.
"""
import inspect
import numbers
import textwrap
from dataclasses import dataclass

import keras
import tensorflow as tf

from ..base.stops import OneSentence
from ..widgets.static import COLOURS, esc, show  # the one home of rich notebook output
from .running import (CONTROL, MESSAGES, Outcome, TimeUp, ____, call, describe_error, fail,  # noqa: F401
                      in_worker, is_blank, learner_error, message, need_callable, need_finite, not_attempted, read,
                      time_limit)

STATUSES = {"correct": "Correct", "incorrect": "Incorrect", "not_attempted": "Not attempted yet",
            "error": "Could not check"}
TIME_LIMIT = 20.0  # seconds of the learner's code per check, in all
PRODUCED = set()   # template ids some check has produced in this process (the tests read it)


class Result:
    """The verdict of one check. ``passed`` is True only for a correct answer.

    ``property`` is the id of the first property that failed (None otherwise), ``template`` the id of the
    message template and ``values`` the numbers it was filled with.
    """

    def __init__(self, name, status, template, values=None, prop=None):
        self.name, self.status, self.template = name, status, template
        self.values, self.property = dict(values or {}), prop
        self.message = MESSAGES[template].format(**self.values)
        if prop is not None:
            self.message = f"{prop.description} (property '{prop.id}'): no. {self.message}"
        self._shown = False
        PRODUCED.add(template)

    @property
    def passed(self):
        return self.status == "correct"

    @property
    def property_id(self):
        return self.property.id if self.property else None

    @property
    def text(self):
        return f"[{self.name}] {STATUSES[self.status]}: {self.message}"

    def __repr__(self):
        return self.text

    def show(self):
        """Print the verdict: coloured in Jupyter, plain text elsewhere."""
        self._shown = True
        show(None, self.text, f'<div style="color:{COLOURS[self.status][0]}"><b>[{self.name}] '
                              f"{STATUSES[self.status]}:</b> {esc(self.message)}</div>")

    def _ipython_display_(self):
        if not self._shown:  # check() already displayed it: do not show it twice
            self.show()


class HintLevel(OneSentence, ValueError):
    """q.hint(level) with a level that is not a whole number."""


@dataclass(frozen=True)
class Property:
    """One declared part of an exercise's contract: ``measure(run)`` returns quietly when it holds and calls
    ``fail(template, **numbers)`` when it does not. ``kind`` says whether a correct answer can ever fail it:
    "deterministic" (never) or "statistical" (at most ALPHA, see coursekit.exercises.stats)."""

    id: str
    description: str
    measure: object
    kind: str = "deterministic"
    requires: tuple = ()  # ids of properties this one can only be measured after (their failure makes it moot)


class Exercise:
    """One question: ``check(answer)``, ``hint()`` / ``hint(2)``, ``solution()``.

    run(*answers, seed) runs the learner's code once and returns what the properties measure; each
    property's measure(run_output) checks one part of the contract; `correct` is the template of the
    confirmation, filled by confirm(run_output).
    """

    def __init__(self, name, title, run, properties, hints, solution, correct, n_answers=1):
        self.name, self.title, self._run, self.properties = name, title, run, tuple(properties)
        self._hints, self._solution, self._correct, self.n_answers = tuple(hints), solution, correct, n_answers
        self.last, self._measured = None, None

    def __repr__(self):
        return f"{self.name}: {self.title}"

    def check(self, *answers, seed=0):
        """Run your answer(s) on small data and print what the check saw. Returns a Result.

        seed: the check's random seed (a fixed default, so the same answer always gets the same verdict).
        """
        result = self._verdict(answers, seed)
        self.last = result
        result.show()
        return result

    def _verdict(self, answers, seed):
        if len(answers) != self.n_answers:
            expected = "one answer" if self.n_answers == 1 else f"{self.n_answers} answers"
            return Result(self.name, "error", "core.answers", dict(name=self.name, expected=expected,
                                                                   got=len(answers)))
        if any(is_blank(a) for a in answers):
            return Result(self.name, "not_attempted", "core.blank")
        prop = None
        try:
            with _quiet_tf(), time_limit(TIME_LIMIT, "your answer"):
                keras.utils.set_random_seed(seed)
                measured = self._measured = self._run(*answers, seed=seed)
                for prop in self.properties:
                    prop.measure(measured)
                prop = None
                template, values = self._correct(measured)
            return Result(self.name, "correct", template, values)
        except Outcome as o:
            return Result(self.name, o.status, o.template, o.values, prop if o.status == "incorrect" else None)
        except NotImplementedError:
            return Result(self.name, "not_attempted", "core.todo", dict(what="your answer"))
        except KeyboardInterrupt:
            raise
        except BaseException as e:  # a checker must never crash the notebook, whatever the learner's code raised
            return Result(self.name, "error", "core.crashed", dict(error=describe_error(e), name=self.name))

    def failing_properties(self, *answers, seed=0):
        """Every property that fails, not only the first: [(property id, template id)]. For tests: a subtle
        wrong answer should break exactly one property. A property whose `requires` failed is "skipped"; a
        measure that cannot run is a "crash". With no answers, it reads what the latest check measured."""
        if answers:
            keras.utils.set_random_seed(seed)
            with _quiet_tf():
                measured = self._run(*answers, seed=seed)
        else:
            measured = self._measured
        failing = []
        for prop in self.properties:
            if any(p == r for r in prop.requires for p, _ in failing):
                failing.append((prop.id, "skipped"))
                continue
            try:
                prop.measure(measured)
            except Outcome as o:
                failing.append((prop.id, o.template))
            except Exception:  # a measure that cannot run on this output
                failing.append((prop.id, "crash"))
        return failing

    def hint(self, level=1):
        """Print a hint: level 1 nudges, level 2 gets closer (neither gives the code)."""
        try:
            number = int(level) if isinstance(level, (numbers.Integral, str)) and not isinstance(level, bool) else None
        except ValueError:
            number = None
        if number is None:
            raise HintLevel(f"{self.name}.hint takes the number 1 (a nudge) or 2 (a bigger one), e.g. "
                            f"{self.name}.hint(2); got {level!r}.")
        text = self._hints[min(max(number, 1), len(self._hints)) - 1]
        show(None, f"Hint {level} ({self.name}): {text}", f"<div><b>Hint {level} ({self.name}):</b> {esc(text)}</div>")

    def solution_code(self):
        if isinstance(self._solution, str):
            return self._solution
        return "\n\n".join(obj if isinstance(obj, str) else textwrap.dedent(inspect.getsource(obj)).strip()
                           for obj in self._solution)

    def solution(self):
        """Print a reference answer."""
        code = self.solution_code()
        show(None, f"Solution ({self.name}):\n{code}",
             f"<div><b>Solution ({self.name}):</b><pre>{esc(code)}</pre></div>")


class _quiet_tf:
    """Silence tf.data's warnings about iterators cut short while a check runs."""

    def __enter__(self):
        self.level = tf.get_logger().level
        tf.get_logger().setLevel("ERROR")

    def __exit__(self, *exc):
        tf.get_logger().setLevel(self.level)
