"""Interactive pieces: "predict before you run" questions, the augmentation explorer, the scorecard.

They work in JupyterLab, Colab and Binder (ipywidgets 7 and 8), and show a static text and HTML form where
widgets cannot run (papermill, static pages, GitHub, terminals). Headless, nobody clicks: a question then
reports that no prediction was committed. Run all stops at the first question without a commit (gate.py).

- ``predict(question, options, id="03/main")`` and ``.reveal(answer or Verdict, because=...)``;
- ``reset_predictions()`` forgets every recorded prediction (``reset_predictions("03/main")``: one);
- ``keep_on_drive()`` (Colab), ``export_predictions(path)`` and ``import_predictions(path)``: carry the record
  between runtimes (carry.py);
- ``scorecard()``: every question of the course, the learner's prediction, the measurement, the myths believed;
- ``explorer(image)`` and ``render(image, ...)``: the transforms of lesson 2, live.
"""
from . import record
from .carry import export_predictions, import_predictions, keep_on_drive  # noqa: F401
from .explorer import Explorer, explorer, render, static_grid  # noqa: F401
from .prediction import Prediction, predict, reveal_callout  # noqa: F401
from .questions import MYTHS, QUESTIONS  # noqa: F401
from .scorecard import Scorecard, scorecard  # noqa: F401


def reset_predictions(question_id=None):
    """Forget every recorded prediction, or only that of ``question_id`` (e.g. "03/main"). Prints what it did."""
    removed = record.reset(question_id)
    what = "every question" if question_id is None else f"question {question_id!r}"
    print(f"Cleared {removed} recorded prediction(s) ({what}) from {record.location()}.")
    return removed
