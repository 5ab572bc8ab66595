"""Run all stops at the first question the learner has not answered, with one sentence.

``predict()`` shows its question and registers it here. While a question asked in this kernel is neither
committed nor opened with "Show the answer", the next cell is refused *before it executes*: an IPython AST
transformer raises :class:`Unanswered`, an ``InputRejected`` (IPython aborts the cell, the kernel replies with an
error, so JupyterLab's and Colab's Run-all queue stops there) shown as its one sentence (``OneSentence``). The
learner commits (or shows the answer) and runs the cell again. Cells that answer or manage the question
(re-running its ``predict``, ``q.commit(...)``, ``q.show_answer()``, ``reset_predictions``, ``keep_on_drive``,
``import_predictions``, ``export_predictions``, ``scorecard``) are let through.

Headless runs show everything: where ``COURSEKIT_HEADLESS`` is set (the course runner, the tests' notebook
executions and the site build set it) no question is ever registered and nothing is refused.
"""
import ast
import os

from IPython.core.error import InputRejected

from ..base.stops import OneSentence

HEADLESS_ENV = "COURSEKIT_HEADLESS"
LET_THROUGH = {"predict", "commit", "show_answer", "reset_predictions", "keep_on_drive", "import_predictions",
               "export_predictions", "scorecard", "Prediction"}
_ASKED = {}  # question id -> the Prediction last built for it in this kernel (in the order asked)
_CELL = {"quiet": False}  # the cell being run is a frontend's own (silent, or kept out of the history)


class Unanswered(OneSentence, InputRejected):
    """The cell was refused because a question above it has no committed prediction yet."""


def headless():
    """True where nobody can click (COURSEKIT_HEADLESS set to anything but '' or '0')."""
    return os.environ.get(HEADLESS_ENV, "") not in ("", "0")


def previous(qid):
    """The Prediction built for ``qid`` earlier in this kernel, or None."""
    return _ASKED.get(qid)


def pending():
    """The questions of this kernel that wait for a commit or for 'Show the answer', in the order asked."""
    return [q for q in _ASKED.values() if q.waiting]


def _called_names(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            yield f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)


class Gate(ast.NodeTransformer):
    """The AST transformer: refuses a cell while a question waits (see the module docstring)."""

    def visit(self, node):
        waiting = [] if _CELL["quiet"] else pending()
        if waiting and not LET_THROUGH.intersection(_called_names(node)):
            q = waiting[0]
            raise Unanswered(f"Question {q.id} ({q.short}) has no committed prediction yet: pick an answer and "
                             "press Commit (or press Show the answer), then run this cell again.")
        return node


def register(question):
    """Remember a question shown in this kernel; install the gate in the running IPython (once)."""
    if headless():
        return
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:  # a plain script: there is no next cell to hold back
        return
    _ASKED.pop(question.id, None)
    _ASKED[question.id] = question
    if not any(isinstance(t, Gate) for t in shell.ast_transformers):
        shell.ast_transformers.append(Gate())
        shell.events.register("pre_execute", _any_cell)
        shell.events.register("pre_run_cell", _learners_cell)


# A frontend's own code (a variable viewer, completion helpers) runs silent or out of the history: it is never
# refused. IPython triggers pre_execute for every cell, then pre_run_cell only for cells that are not silent.
def _any_cell():
    _CELL["quiet"] = True


def _learners_cell(info=None):
    _CELL["quiet"] = not getattr(info, "store_history", True)


def forget(qid=None):
    """Stop waiting for ``qid`` (None: for every question), e.g. after reset_predictions()."""
    if qid is None:
        _ASKED.clear()
    else:
        _ASKED.pop(qid, None)
