"""Running the learner's code inside a check: message templates and the Outcome a check stops on, learner errors
explained, and the time limit.

Every sentence a check prints comes from a message template with an id (:data:`MESSAGES`), so tests can assert
that each template is reachable. Whatever the learner's code raises (``SystemExit`` included) becomes an
``Incorrect`` verdict that shows its last lines and the learner's own frame; only ``KeyboardInterrupt`` (the stop
button) goes through. The time limit holds wherever the learner's code runs: Python code on the main thread is
stopped by SIGALRM, and datasets are read on a worker thread (:func:`read`) that the check stops waiting for,
since no signal interrupts TensorFlow's C++ while it runs a dataset's map. Nothing here imports the rest of
coursekit.
"""
import os
import signal
import threading
import time
import traceback
from contextlib import contextmanager

import keras
import numpy as np
import tensorflow as tf

MESSAGES = {}  # template id -> template text; filled by message() in every exercise module


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
                     "{seconds:.1f} s: look for a slow Python loop over pixels or examples, a slow function "
                     "inside a dataset's map, or a dataset that never ends (.repeat()). Use TensorFlow ops on "
                     "whole tensors. The check stopped waiting, but work your code already started may keep the "
                     "kernel busy until it ends.")
message("core.not_callable", "{what} should be {expected}; got {got}.")
message("core.nan", "{what} gives {count} values that are not numbers (NaN) or infinite, of {total}: look for a "
                   "division by zero, or the log or square root of a value below 0.")
message("core.crashed", "the check itself stopped on {error}. Read your answer again (or ask for {name}.hint()).")


class _Blank:
    """The placeholder ``____`` a learner replaces with an answer."""

    def __repr__(self):
        return "____"


____ = _Blank()


def is_blank(value):
    return value is None or value is Ellipsis or isinstance(value, _Blank)


class Outcome(Exception):
    """Stops a check: a status, a message template id and the numbers that fill it."""

    def __init__(self, status, template, **values):
        super().__init__(template)
        self.status, self.template, self.values = status, template, values


class TimeUp(BaseException):
    """Raised inside the learner's code when the check's time limit is reached (not an Exception: a bare
    ``except Exception`` in learner code must not swallow it)."""


# What the learner's code may not turn into a verdict: the check's own outcome and time limit, and the stop button.
CONTROL = (KeyboardInterrupt, TimeUp, Outcome)


def learner_error(e):
    """Re-raise e unless it is the learner's code failing (then the caller explains it): see CONTROL."""
    if isinstance(e, CONTROL):
        raise e


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
    except BaseException as e:  # the learner's code may raise anything, SystemExit included: explain it
        learner_error(e)
        raise Outcome("incorrect", "core.raised", what=what, error=describe_error(e)) from None


def need_finite(values, what):
    """Fail with core.nan when some of the values are NaN or infinite."""
    values = np.asarray(values)
    if values.dtype.kind in "fc":
        bad = int((~np.isfinite(values)).sum())
        if bad:
            fail("core.nan", what=what, count=bad, total=values.size)


def need_callable(value, what, expected):
    if is_blank(value):
        not_attempted(what)
    if not callable(value):
        fail("core.not_callable", what=what, expected=expected, got=f"{type(value).__name__} {value!r:.60}")


_deadline = None  # time.perf_counter() at which the running check's time is up; None outside a check


def in_worker(work):
    """work() on a worker thread, waited for until the check's time is up (then TimeUp); outside a check, work()
    itself. SIGALRM reaches Python code only between bytecodes, never while TensorFlow's C++ runs a dataset's map:
    waiting on a thread is what a signal can interrupt, so the limit holds there too. The abandoned thread
    finishes its current step in the background."""
    if _deadline is None:
        return work()
    box = {}

    def target():
        try:
            box["value"] = work()
        except BaseException as e:  # handed to the waiting thread, which decides
            box["error"] = e

    thread = threading.Thread(target=target, daemon=True, name="coursekit-check")
    thread.start()
    thread.join(max(_deadline - time.perf_counter(), 0.0) + 0.05)
    if thread.is_alive():
        raise TimeUp()
    if "error" in box:
        raise box["error"]
    return box["value"]


def read(ds, limit=None):
    """The elements of one pass over a dataset (at most `limit` of them), in a list, read with in_worker."""
    stop = threading.Event()

    def work():
        out = []
        for element in ds:
            out.append(element)
            if stop.is_set() or (limit is not None and len(out) >= limit):
                break
        return out

    try:
        return in_worker(work)
    finally:
        stop.set()  # an abandoned reader stops after the element it is computing


@contextmanager
def time_limit(seconds, what):
    """Stop the code inside after `seconds` with the time-limit message: Python code on the main thread via
    SIGALRM, datasets read with :func:`read` by no longer waiting for them."""
    global _deadline
    start = time.perf_counter()
    _deadline = start + seconds
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
        _deadline = None
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    if time.perf_counter() - start > seconds:  # off the main thread: judged afterwards
        fail("core.time", what=what, limit=seconds, seconds=time.perf_counter() - start)
