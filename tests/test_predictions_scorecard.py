"""The scorecard notebook renders from predictions recorded here, and from no predictions at all."""
import os

import nbformat
import pytest

import coursekit as ck
from coursekit import course
from coursekit.widgets import record
from coursekit.widgets.questions import QUESTIONS

NOTEBOOK = course.NOTEBOOKS / "09_scorecard.ipynb"


def _run(tmp_path, record_path):
    import papermill as pm

    out = tmp_path / f"scorecard-{record_path.stem}.ipynb"
    before = os.environ.get(record.ENV)
    os.environ[record.ENV] = str(record_path)
    try:
        pm.execute_notebook(str(NOTEBOOK), str(out), parameters={"PROFILE": "quick"}, kernel_name="python3",
                            cwd=str(NOTEBOOK.parent), progress_bar=False, execution_timeout=300)
    finally:
        if before is None:
            os.environ.pop(record.ENV)
        else:
            os.environ[record.ENV] = before
    card = next(c for c in nbformat.read(out, as_version=4).cells if c.source.startswith("card = "))
    data = [o["data"] for o in card.outputs if o.output_type == "execute_result"][0]
    return data["text/plain"], data["text/html"]


@pytest.mark.notebook
def test_scorecard_notebook_renders_recorded_predictions_and_none(tmp_path, monkeypatch):
    made = tmp_path / "made.json"
    monkeypatch.setenv(record.ENV, str(made))
    q = ck.widgets.Prediction("Which gives the highest validation accuracy here?",
                              ["augmentation alone", "augmentation + dropout"], id="06/combo")
    q.commit("augmentation alone")
    q.reveal("augmentation + dropout", because="a stand-in measurement")
    ck.widgets.Prediction("Where is validation accuracy highest?", ["the strongest (strength 1)", "moderate"],
                          id="06/strength").commit("moderate")
    text, html = _run(tmp_path, made)
    assert f"You predicted 2 of {len(QUESTIONS)} questions; 1 of those have been measured, and you were right on 0" in text
    assert ck.widgets.MYTHS["enough-alone"] in text and "coursekit-score-mismatch" in html
    assert "augmentation alone" in html and "not measured yet" in html

    text, html = _run(tmp_path, tmp_path / "empty.json")
    assert "You have not committed any prediction yet" in text and "<table" in html
    assert all(qid in text for qid in ck.widgets.QUESTIONS)
