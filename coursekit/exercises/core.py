"""The core of the self-checking exercises: the placeholder ``____``, :class:`Result`, :class:`Exercise`.

A checker is a function of the learner's answer(s) that returns a confirmation sentence, or stops with
``fail(message)`` (Incorrect) or ``not_attempted(what)``. :class:`Exercise` runs it, never lets it crash the
notebook, and shows the verdict. Nothing here imports the rest of coursekit.
"""
import html
import inspect
import textwrap

import tensorflow as tf

STATUSES = {"correct": "Correct", "incorrect": "Incorrect", "not_attempted": "Not attempted yet",
            "error": "Could not check"}
_COLOURS = {"correct": "#1a7f37", "incorrect": "#cf222e", "not_attempted": "#0969da", "error": "#9a6700"}


class _Blank:
    """The placeholder ``____`` a learner replaces with an answer."""

    def __repr__(self):
        return "____"


____ = _Blank()


def is_blank(value):
    return value is None or value is Ellipsis or isinstance(value, _Blank)


class Result:
    """The verdict of one check. ``passed`` is True only for a correct answer."""

    def __init__(self, name, status, message):
        self.name, self.status, self.message = name, status, message
        self._shown = False

    @property
    def passed(self):
        return self.status == "correct"

    @property
    def text(self):
        return f"[{self.name}] {STATUSES[self.status]}: {self.message}"

    def __repr__(self):
        return self.text

    def show(self):
        """Print the verdict: coloured in Jupyter, plain text elsewhere."""
        self._shown = True
        _show(self.text, f'<div style="color:{_COLOURS[self.status]}"><b>[{self.name}] {STATUSES[self.status]}:</b> '
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


def _show(plain, rich):
    if _in_ipython():
        from IPython.display import display

        display({"text/plain": plain, "text/html": rich}, raw=True)
    else:
        print(plain)


class _Outcome(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


def _fail(message):
    raise _Outcome("incorrect", message)


def _not_attempted(what):
    name = what.replace("creating ", "").split("(")[0]
    raise _Outcome("not_attempted", f"{name} is still the template (it raises NotImplementedError): replace that "
                                    "line with your code, then run this cell again.")


def _short(e):
    text = str(e).strip().splitlines()
    text = text[0] if text else ""
    return f"{type(e).__name__}: {text[:220]}" if text else type(e).__name__


def _call(fn, *args, what="your function", **kwargs):
    """Run learner code; NotImplementedError means 'not attempted', any other exception becomes a message."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        _not_attempted(what)
    except _Outcome:
        raise
    except Exception as e:  # the learner's code may raise anything: explain instead of crashing
        _fail(f"{what} raised {_short(e)}")


def _need_callable(value, what, expected):
    if is_blank(value):
        _not_attempted(what)
    if not callable(value):
        _fail(f"{what} should be {expected}; got {type(value).__name__} {value!r:.60}.")


class Exercise:
    """One question: ``check(answer)``, ``hint()``, ``solution()``."""

    def __init__(self, name, title, checker, hint, solution, n_answers=1):
        self.name, self.title, self._checker = name, title, checker
        self._hint, self._solution, self.n_answers = hint, solution, n_answers
        self.last = None

    def __repr__(self):
        return f"{self.name}: {self.title}"

    def check(self, *answers):
        """Run your answer(s) on small data and print what the check saw. Returns a Result."""
        if len(answers) != self.n_answers:
            names = "answer" if self.n_answers == 1 else f"{self.n_answers} answers"
            result = Result(self.name, "error", f"{self.name}.check takes {names}; got {len(answers)}. "
                                                f"Pass your answer explicitly, e.g. {self.name}.check(my_answer).")
        elif any(is_blank(a) for a in answers):
            result = Result(self.name, "not_attempted",
                            "replace each ____ with your answer, then run this cell again.")
        else:
            try:
                with _quiet_tf():
                    message = self._checker(*answers)
                result = Result(self.name, "correct", message)
            except _Outcome as o:
                result = Result(self.name, o.status, o.message)
            except NotImplementedError:
                result = Result(self.name, "not_attempted", "your answer still raises NotImplementedError: "
                                                            "replace that line with your code.")
            except Exception as e:  # a checker must never crash the notebook
                result = Result(self.name, "error", f"the check stopped on {_short(e)}. Read your answer again "
                                                    f"(or ask for {self.name}.hint()).")
        self.last = result
        result.show()
        return result

    def hint(self):
        """Print a hint."""
        _show(f"Hint ({self.name}): {self._hint}",
              f"<div><b>Hint ({self.name}):</b> {html.escape(self._hint)}</div>")

    def solution_code(self):
        if isinstance(self._solution, str):
            return self._solution
        return "\n\n".join(textwrap.dedent(inspect.getsource(obj)).strip() for obj in self._solution)

    def solution(self):
        """Print a reference answer (the code in coursekit.exercise_solutions)."""
        code = self.solution_code()
        _show(f"Solution ({self.name}):\n{code}",
              f"<div><b>Solution ({self.name}):</b><pre>{html.escape(code)}</pre></div>")


class _quiet_tf:
    """Silence tf.data's warnings about iterators cut short while a check runs."""

    def __enter__(self):
        self.level = tf.get_logger().level
        tf.get_logger().setLevel("ERROR")

    def __exit__(self, *exc):
        tf.get_logger().setLevel(self.level)

