"""The core of the self-checking exercises: ``____``, messages, properties, :class:`Result`, :class:`Exercise`.

An exercise declares its contract as data: a tuple of :class:`Property` (an id, a one-line description, and a
``measure(run)`` that reads the learner's output). ``check`` runs the learner's code ONCE (the question's
``run`` function), then measures the properties in order; the first that fails gives the verdict, named by its
id and filled with the measured number against the expected one. Every sentence a check prints comes from a
message template with an id (:data:`MESSAGES`), so tests can assert that each template is reachable.

The learner's code gets at most :data:`TIME_LIMIT` seconds per check in all (a slow Python loop or an endless
dataset ends with the time-limit message), and its exceptions are shown by their last lines and the learner's
own frame. Nothing here imports the rest of coursekit.
"""
import html
import inspect
import os
import signal
import textwrap
import threading
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass

import keras
import tensorflow as tf

STATUSES = {"correct": "Correct", "incorrect": "Incorrect", "not_attempted": "Not attempted yet",
            "error": "Could not check"}
_COLOURS = {"correct": "#1a7f37", "incorrect": "#cf222e", "not_attempted": "#0969da", "error": "#9a6700"}
TIME_LIMIT = 20.0  # seconds of the learner's code per check, in all
MESSAGES = {}      # template id -> template text; filled by message() in every exercise module
PRODUCED = set()   # template ids some check has produced in this process (the tests read it)


def message(template_id, text):
    """Declare a message template; ids are unique across the package."""
    if template_id in MESSAGES:
        raise ValueError(f"message template {template_id!r} declared twice")
    MESSAGES[template_id] = text
    return template_id


message("core.answers", "{name}.check takes {expected}; got {got}. Pass your answer explicitly, e.g. "
                        "{name}.check(my_answer).")
message("core.blank", "replace each ____ with your answer, then run this cell again.")
message("core.todo", "{what} still raises NotImplementedError: replace that line with your code, then run "
                     "this cell again.")
message("core.raised", "{what} raised {error}")
message("core.time", "{what} ran for more than {limit:.0f} s (the time limit of a check), measured "
                     "{seconds:.1f} s: look for a slow Python loop over pixels or examples, or a dataset that "
                     "never ends (.repeat()). Use TensorFlow ops on whole tensors.")
message("core.not_callable", "{what} should be {expected}; got {got}.")
message("core.crashed", "the check itself stopped on {error}. Read your answer again (or ask for {name}.hint()).")


class _Blank:
    """The placeholder ``____`` a learner replaces with an answer."""

    def __repr__(self):
        return "____"


____ = _Blank()


def is_blank(value):
    return value is None or value is Ellipsis or isinstance(value, _Blank)


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
        show(self.text, f'<div style="color:{_COLOURS[self.status]}"><b>[{self.name}] {STATUSES[self.status]}:</b> '
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


def show(plain, rich):
    if _in_ipython():
        from IPython.display import display

        display({"text/plain": plain, "text/html": rich}, raw=True)
    else:
        print(plain)


class Outcome(Exception):
    """Stops a check: a status, a message template id and the numbers that fill it."""

    def __init__(self, status, template, **values):
        super().__init__(template)
        self.status, self.template, self.values = status, template, values


class TimeUp(BaseException):
    """Raised inside the learner's code when the check's time limit is reached (not an Exception: a bare
    ``except Exception`` in learner code must not swallow it)."""


def fail(template, **values):
    """The property being measured does not hold: Incorrect, with this template filled with values."""
    raise Outcome("incorrect", template, **values)


def not_attempted(what):
    raise Outcome("not_attempted", "core.todo", what=what)


_OWN_DIRS = (os.path.dirname(os.path.dirname(__file__)), os.path.dirname(tf.__file__),
             os.path.dirname(keras.__file__), os.path.dirname(os.__file__))


def describe_error(e, limit=3):
    """The useful part of an exception: its type, its LAST lines (TensorFlow puts the cause there) and the
    learner's own frame (the last frame outside coursekit, TensorFlow, Keras and the standard library)."""
    lines = [line.strip() for line in str(e).strip().splitlines() if line.strip()]
    text = " / ".join(lines[-limit:])[-400:]
    own = [f for f in traceback.extract_tb(e.__traceback__)
           if not f.filename.startswith(_OWN_DIRS) and "site-packages" not in f.filename
           and "__autograph_generated" not in f.filename]
    where = f" (in {own[-1].name}, line {own[-1].lineno}: `{(own[-1].line or '').strip()[:80]}`)" if own else ""
    return f"{type(e).__name__}: {text}{where}" if text else f"{type(e).__name__}{where}"


def call(fn, *args, what="your function", **kwargs):
    """Run learner code; NotImplementedError means 'not attempted', any other exception becomes a message."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        not_attempted(what)
    except Outcome:
        raise
    except Exception as e:  # the learner's code may raise anything: explain instead of crashing
        raise Outcome("incorrect", "core.raised", what=what, error=describe_error(e)) from None


def need_callable(value, what, expected):
    if is_blank(value):
        not_attempted(what)
    if not callable(value):
        fail("core.not_callable", what=what, expected=expected, got=f"{type(value).__name__} {value!r:.60}")


@contextmanager
def time_limit(seconds, what):
    """Stop the code inside after `seconds` (on the main thread, via SIGALRM) with the time-limit message."""
    start = time.perf_counter()
    use_alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if use_alarm:
        def on_alarm(signum, frame):
            raise TimeUp()
        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except TimeUp:
        raise Outcome("incorrect", "core.time", what=what, limit=seconds,
                      seconds=time.perf_counter() - start) from None
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    if time.perf_counter() - start > seconds:  # off the main thread: judged afterwards
        fail("core.time", what=what, limit=seconds, seconds=time.perf_counter() - start)


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
        except Exception as e:  # a checker must never crash the notebook
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
            except Exception:
                failing.append((prop.id, "crash"))
        return failing

    def hint(self, level=1):
        """Print a hint: level 1 nudges, level 2 gets closer (neither gives the code)."""
        text = self._hints[min(max(int(level), 1), len(self._hints)) - 1]
        show(f"Hint {level} ({self.name}): {text}",
             f"<div><b>Hint {level} ({self.name}):</b> {html.escape(text)}</div>")

    def solution_code(self):
        if isinstance(self._solution, str):
            return self._solution
        return "\n\n".join(obj if isinstance(obj, str) else textwrap.dedent(inspect.getsource(obj)).strip()
                           for obj in self._solution)

    def solution(self):
        """Print a reference answer."""
        code = self.solution_code()
        show(f"Solution ({self.name}):\n{code}",
             f"<div><b>Solution ({self.name}):</b><pre>{html.escape(code)}</pre></div>")


class _quiet_tf:
    """Silence tf.data's warnings about iterators cut short while a check runs."""

    def __enter__(self):
        self.level = tf.get_logger().level
        tf.get_logger().setLevel("ERROR")

    def __exit__(self, *exc):
        tf.get_logger().setLevel(self.level)
