"""The scorecard renders from predictions recorded here, and from no predictions at all.

The notebook's card cell is ``card = ck.widgets.scorecard()``: with a record made in this test it is run
in-process (as the notebook's kernel would); with no predictions it is read from the test session's one
execution of notebooks/09_scorecard.ipynb, whose record is fresh and empty.
"""
import nbformat
import pytest

import coursekit as ck
import notebook_runs as nr
from coursekit import course
from coursekit.widgets import record
from coursekit.widgets.questions import QUESTIONS

NOTEBOOK = course.NOTEBOOKS / "09_scorecard.ipynb"
CARD_CELL = next(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.source.startswith("card = "))


def test_scorecard_cell_renders_recorded_predictions(tmp_path, monkeypatch):
    monkeypatch.setenv(record.ENV, str(tmp_path / "made.json"))
    q = ck.widgets.Prediction("Which gives the highest validation accuracy here?",
                              ["augmentation alone", "augmentation + dropout"], id="06/combo")
    q.commit("augmentation alone")
    q.reveal("augmentation + dropout", because="a stand-in measurement")
    ck.widgets.Prediction("Where is validation accuracy highest?", ["the strongest (strength 1)", "moderate"],
                          id="06/strength").commit("moderate")
    namespace = {"ck": ck}
    exec(CARD_CELL.replace("\ncard\n", "\n").rstrip().removesuffix("card"), namespace)  # noqa: S102
    card = namespace["card"]
    text, html = str(card), card._repr_html_()
    assert f"You predicted 2 of {len(QUESTIONS)} questions; 1 of those have been measured, and you were right on 0" in text
    assert ck.widgets.MYTHS["enough-alone"] in text and "coursekit-score-mismatch" in html
    assert "augmentation alone" in html and "not measured yet" in html


@pytest.mark.notebook
def test_scorecard_notebook_renders_no_predictions(executed):
    run = executed(nr.Run(NOTEBOOK))
    card = next(c for c in run.nb.cells if c.source.startswith("card = "))
    data = [o["data"] for o in card.outputs if o.output_type == "execute_result"][0]
    text, html = data["text/plain"], data["text/html"]
    assert "You have not committed any prediction yet" in text and "<table" in html
    assert all(qid in text for qid in ck.widgets.QUESTIONS)
