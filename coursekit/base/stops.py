"""Stops a learner reads as one sentence: the cell ends in error (so Runtime > Run all stops there), and
IPython shows the message alone instead of a traceback.

IPython's ``showtraceback`` asks an exception for ``_render_traceback_()`` before formatting a traceback;
``OneSentence`` answers with its message. It needs no handler to be installed, works the same in JupyterLab,
Colab (IPython 7.34) and papermill, and a plain Python process still shows the usual traceback.
"""


class OneSentence:
    """Mix-in for an exception that a notebook shows as ``Name: message`` and nothing else."""

    def _render_traceback_(self):
        return [f"{type(self).__name__}: {self}"]


class LearnerStop(OneSentence, Exception):
    """A cell cannot go on: the message says why and what to run first. Catchable like any Exception."""


class Interrupted(OneSentence, KeyboardInterrupt):
    """The learner pressed stop: a KeyboardInterrupt (``except Exception`` does not swallow it) shown as one
    sentence saying what stopped and how to start it again."""
