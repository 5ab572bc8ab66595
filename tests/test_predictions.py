"""'Predict before you run': predictions recorded under a stable id, closed after the reveal; the reveal's
callout; static forms of every widget; the scorecard. No ipywidgets-8-only API is used here, so the same tests
run under Colab's ipywidgets 7.7.1."""
import json

import pytest

import coursekit as ck
from coursekit.base.verdict import paired
from coursekit.widgets import record
from coursekit.widgets.questions import QUESTIONS

OPTIONS = ["augmented", "plain", "no clear difference"]
OUTCOMES = {"A better": "plain", "B better": "augmented", "no clear difference": "no clear difference"}


@pytest.fixture
def rec(tmp_path, monkeypatch):
    path = tmp_path / "predictions.json"
    monkeypatch.setenv(record.ENV, str(path))
    return path


def ask(qid="03/main", options=OPTIONS, **kw):
    return ck.widgets.Prediction("Which scores higher?", options, id=qid, **kw)


def test_question_commit_and_reveal(rec):
    """The smallest round trip; runs on ipywidgets 7.7.1 (Colab) and 8."""
    q = ask()
    q.commit("augmented")
    text = q.reveal("augmented", because="0.93 vs 0.91")
    assert text == "You predicted 'augmented', and the experiment agrees. Measured: 0.93 vs 0.91."
    assert text._ipython_display_() is None  # already shown as the callout: not shown twice as Out[...]
    entry = record.load()["03/main"]
    assert entry["choice"] == "augmented" and entry["answer"] == "augmented" and entry["matched"] is True
    assert entry["closed"] is True and entry["lesson"] == "03_augmentation_regularizes"


def test_record_file_env_var_pytest_default_and_user_folder(rec, monkeypatch):
    assert record.configured() == rec and record.location() == rec.with_suffix("")
    monkeypatch.delenv(record.ENV)
    assert record.configured() != record._user_data_dir() / "predictions.json"  # under pytest: temporary
    assert "coursekit-predictions-" in str(record.location())
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    assert record.location() == record._user_data_dir() / "predictions"
    assert "coursekit" in str(record.location())


def test_a_damaged_record_is_kept_aside_not_overwritten(rec, capsys):
    rec.write_text("{not json")  # a damaged single-file record of coursekit 0.2
    ask().commit("plain")
    assert rec.with_name(rec.name + ".unreadable").read_text() == "{not json"
    assert record.get("03/main")["choice"] == "plain" and "was moved to" in capsys.readouterr().err
    rec.write_text("{damaged again")  # a second damaged copy does not overwrite the first
    assert record.get("03/main")["choice"] == "plain"
    assert rec.with_name(rec.name + ".unreadable").read_text() == "{not json"
    assert rec.with_name(rec.name + ".unreadable.2").read_text() == "{damaged again"


def test_a_committed_prediction_survives_rebuilding_the_widget(rec):
    first = ask()
    first.commit("plain")
    again = ask()  # the learner re-ran the widget's cell (toolbar play, Shift+Enter)
    assert again.choice == "plain" and again.selected == "plain"
    assert again._radio.disabled and again._button.disabled
    first._radio.value = "augmented"  # clicks on the old copy after committing change nothing
    again.commit("augmented")  # nor does committing again
    assert again.choice == "plain" and again.selected == "plain"
    assert "You predicted 'plain', but the experiment says 'augmented'" in again.reveal("augmented")


def test_a_selection_that_was_not_committed_is_named_in_the_reveal(rec):
    q = ask()
    q._radio.value = "plain"  # selected in the browser, Commit never pressed
    text = q.reveal("augmented")
    assert text.startswith("You selected 'plain' but did not commit it")
    assert "No prediction was committed" in text
    assert record.load()["03/main"]["selected_uncommitted"] == "plain"


def test_after_the_reveal_the_question_is_closed(rec):
    q = ask()
    q.reveal("plain")
    q.commit("plain")  # committing the measured answer after seeing it
    assert q.choice is None and q.selected is None
    assert "No prediction was committed" in q.reveal("plain")  # not "...and the experiment agrees"
    rebuilt = ask()
    assert rebuilt.closed and rebuilt.choice is None and rebuilt._radio.disabled and rebuilt._button.disabled
    assert "closed" in rebuilt._status.value and rebuilt._button.description == "Closed"


def test_reopened_after_reveal_shows_the_committed_answer_disabled(rec):
    q = ask()
    q.commit("augmented")
    q.reveal("plain")
    rebuilt = ask()
    assert rebuilt.closed and rebuilt.choice == "augmented" and rebuilt.selected == "augmented"
    assert rebuilt._radio.disabled and rebuilt._button.disabled
    assert "(x) augmented   <- committed" in rebuilt.text() and "closed" in rebuilt.text()


def test_a_changed_question_and_reset_predictions_start_afresh(rec, capsys):
    ask().commit("plain")
    assert ask(options=["yes", "no"]).choice is None  # other options: not the same question any more
    ask().commit("plain")
    ask(qid="03/size").commit("augmented")
    assert ck.widgets.reset_predictions("03/main") == 1 and ask().choice is None
    ask().commit("augmented")
    assert ck.widgets.reset_predictions() == 2 and record.load() == {}  # 03/size and the new 03/main
    assert "Cleared 2 recorded prediction(s) (every question)" in capsys.readouterr().out


def test_reveal_with_a_verdict_maps_the_outcome_to_an_option(rec):
    q = ask(outcomes=OUTCOMES)
    q.commit("augmented")
    v = paired([0.90, 0.91, 0.92], [0.93, 0.95, 0.95], a="none", b="standard")
    assert v.outcome == "B better"
    text = q.reveal(v)
    assert "and the experiment agrees" in text and v.sentence_auto() in text
    entry = record.get("03/main")
    assert entry["answer"] == "augmented" and entry["verdict"] == v.sentence_auto()
    # the record keeps the per-seed values, so the tests can recompute the verdict independently
    assert entry["verdict_record"]["a_values"] == [0.90, 0.91, 0.92]
    assert entry["verdict_record"]["outcome"] == "B better"
    with pytest.raises(TypeError, match="build it with outcomes"):
        ask(qid="x/1", options=["yes", "no"]).reveal(v)  # two options: no order to read the outcomes from
    with pytest.raises(ValueError, match="missing"):
        ask(qid="x/2", outcomes={"A better": "plain"})
    with pytest.raises(ValueError, match="Unknown option"):
        ask(qid="x/3", outcomes={**OUTCOMES, "A better": "maybe"})


def test_outcomes_are_read_from_the_order_of_the_options(rec):
    from coursekit.widgets.prediction import infer_outcomes

    assert infer_outcomes(OPTIONS) == OUTCOMES  # the first option is B (b - a), then A; "no clear difference"
    assert infer_outcomes(["more", "about the same", "less"]) == {"B better": "more", "A better": "less",
                                                                  "no clear difference": "about the same"}
    assert infer_outcomes(["yes", "no"]) is None
    undecided = {"equivalent": "no clear difference", "cannot tell": "no clear difference"}
    assert ask().outcomes == {**OUTCOMES, **undecided}
    assert ask(qid="x/4", outcomes=OUTCOMES).outcomes == {**OUTCOMES, **undecided}  # outcomes= is still accepted
    assert ask(qid="x/5", outcomes={**OUTCOMES, "cannot tell": "plain"}).outcomes["cannot tell"] == "plain"


def test_no_clear_difference_is_right_against_equivalence_and_cannot_tell_scores_nothing(rec):
    equal = paired([0.90, 0.91, 0.92], [0.905, 0.912, 0.918], a="plain", b="augmented")
    wide = paired([0.80, 0.85, 0.70], [0.86, 0.80, 0.79], a="plain", b="augmented")
    raised = paired([0.80, 0.85, 0.70], [0.90, 0.95, 0.81], a="none", b="time-series augmentation")
    assert (equal.resolution, wide.resolution, raised.resolution) == ("equivalent", "cannot tell", "decided")
    size = ask(qid="03/size")
    size.commit("no clear difference")
    assert "and the experiment agrees" in size.reveal(equal)
    shifted = ask(qid="03/shifted")
    shifted.commit("augmented")
    assert "undecided, not scored" in shifted.reveal(wide)
    series = ask(qid="07/timeseries", options=["raise it", "no clear difference", "lower it"])
    series.commit("no clear difference")
    assert "the experiment says 'raise it'" in series.reveal(raised)
    card = ck.widgets.scorecard()
    by_id = {r["id"]: r for r in card.rows}
    assert by_id["03/size"]["result"] == "match" and not by_id["03/size"]["believed"]  # calibrated, not a myth
    assert by_id["03/shifted"]["result"] == "undecided" and not by_id["03/shifted"]["believed"]
    assert by_id["07/timeseries"]["result"] == "mismatch" and by_id["07/timeseries"]["believed"]
    assert (card.predicted, card.measured, card.right, card.undecided) == (3, 2, 1, 1)
    assert card.myths_believed == ["images-only"] and "undecided, not scored" in str(card)
    assert record.load()["03/shifted"]["matched"] is None


def test_a_question_that_declares_its_margin_refuses_a_verdict_with_another(rec, monkeypatch):
    from coursekit.widgets.questions import Question

    monkeypatch.setitem(QUESTIONS, "x/margin", Question("x", "a test question", margin=0.05,
                                                        margin_reason="five points matter here"))
    a, b = [0.90, 0.91, 0.92], [0.93, 0.95, 0.95]
    with pytest.raises(ValueError, match="declares a margin of 0.05"):
        ask(qid="x/margin").reveal(paired(a, b))
    assert "agrees" not in ask(qid="x/margin").reveal(paired(a, b, margin=0.05, margin_reason="five points"))


def test_reveal_rejects_an_unknown_answer_and_bad_questions(rec):
    with pytest.raises(ValueError, match="Unknown answer"):
        ask().reveal("maybe")
    with pytest.raises(TypeError, match="options must be"):
        ck.widgets.Prediction("Q?", "yes")
    with pytest.raises(ValueError, match="different"):
        ck.widgets.Prediction("Q?", ["a", "a"])


def test_the_reveal_callout_marks_match_and_mismatch_in_colour():
    match = ck.widgets.reveal_callout("Q?", "yes", "yes", because="0.9 > 0.8").html
    miss = ck.widgets.reveal_callout("Q?", "no", "yes", verdict="b - a, val_acc: +0.010: b better").html
    none = ck.widgets.reveal_callout("Q?", None, "yes", pending="no")
    assert 'data-outcome="match"' in match and "#1b5e20" in match and "0.9 &gt; 0.8" in match
    assert 'data-outcome="mismatch"' in miss and "#b71c1c" in miss and "Verdict:" in miss
    assert 'data-outcome="none"' in none.html and "did not commit it" in none.html
    assert "word-break:normal" in match and "overflow-wrap:break-word" in match  # no wrapping mid-word


def _published(obj):
    """What IPython would publish for obj: the bundle its _ipython_display_ sends."""
    from unittest import mock

    from IPython.core.interactiveshell import InteractiveShell

    sent = []
    with mock.patch.object(InteractiveShell, "initialized", return_value=True), \
            mock.patch("coursekit.widgets.static.display", lambda data, raw: sent.append(data)):
        obj._ipython_display_()
    return sent[0]


def test_every_widget_carries_a_static_form(rec):
    q = ask()
    bundle = _published(q)
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == q.widget.model_id
    assert bundle["text/plain"].startswith("Predict before you run: Which scores higher?")
    assert "( ) plain" in bundle["text/plain"] and "VBox" not in bundle["text/plain"]
    assert "<li>" in bundle["text/html"] and "no clear difference" in bundle["text/html"]
    photo = ck.data.sample_photos(size=24)["chelsea"]
    box = ck.widgets.explorer(photo)
    bundle = _published(box)
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == box.model_id
    assert "HBox" not in bundle["text/plain"] and "rotation" in bundle["text/plain"]
    assert bundle["text/html"].count("<img src=\"data:image/png;base64,") == 8


def test_commit_button_label_is_not_cut():
    from coursekit.widgets.prediction import Prediction

    q = Prediction("Q?", ["a", "b"], id="x/label")
    assert q._button.layout.width == "max-content"


def test_scorecard_from_recorded_predictions(rec):
    for qid, options, choice, answer in [
            ("03/size", ["augmented, 30 per class", "plain, 100 per class", "about the same"],
             "augmented, 30 per class", "plain, 100 per class"),
            ("06/combo", ["augmentation alone", "augmentation + dropout"], "augmentation + dropout",
             "augmentation + dropout"),
            ("01/gap", ["training higher", "the same"], "training higher", None)]:
        q = ck.widgets.Prediction(f"question {qid}", options, id=qid)
        q.commit(choice)
        if answer:
            q.reveal(answer)
    ask(qid="04/flip", options=["flips", "noise"]).reveal("flips")  # measured, never predicted
    card = ck.widgets.scorecard()
    assert len(card.rows) == len(ck.widgets.QUESTIONS)
    assert (card.predicted, card.measured, card.right) == (3, 2, 1)
    assert card.myths_believed == ["like-real-data"]
    by_id = {r["id"]: r for r in card.rows}
    assert by_id["03/size"]["result"] == "mismatch" and by_id["03/size"]["believed"]
    assert by_id["06/combo"]["result"] == "match" and not by_id["06/combo"]["believed"]
    assert by_id["01/gap"]["result"] == "not measured yet" and by_id["04/flip"]["result"] == "not predicted"
    text, html = str(card), card._repr_html_()
    assert f"You predicted 3 of {len(QUESTIONS)} questions" in text and "right on 1" in text
    assert ck.widgets.MYTHS["like-real-data"] in text and ck.widgets.MYTHS["like-real-data"] in html
    assert html.count("<tr class=") == len(QUESTIONS) and "coursekit-score-mismatch" in html


def test_scorecard_with_no_predictions_is_friendly_and_lists_the_questions(rec):
    card = ck.widgets.scorecard()
    assert card.predicted == 0 and card.myths_believed == []
    text = str(card)
    assert "You have not committed any prediction yet" in text
    for qid in ck.widgets.QUESTIONS:
        assert qid in text
    assert "<table" in card._repr_html_()


def test_every_lesson_question_has_an_id_in_the_catalog():
    """The scorecard lists every question: each lesson's predict call names an id of widgets.QUESTIONS."""
    import re

    import nbformat

    from coursekit import course

    found = {}
    for path in course.notebook_paths():
        if not path.name[:2].isdigit():
            continue
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code" and "ck.widgets.predict(" in cell.source:
                m = re.search(r'\bid="([^"]+)"', cell.source)
                assert m, f"{path.name}: a predict call without id=: {cell.source[:80]!r}"
                found[m.group(1)] = path.stem
    assert found == {qid: q.lesson for qid, q in ck.widgets.QUESTIONS.items()}
    assert {q.myth for q in ck.widgets.QUESTIONS.values() if q.myth} == set(ck.widgets.MYTHS)


def spoilers(cells, questions=QUESTIONS):
    """(question id, phrase, cell index) of each phrase stating a question's answer in a markdown cell before it."""
    import re

    found, before = [], []
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown":
            before.append((i, " ".join(cell.source.lower().split())))
        elif "widgets.predict(" in cell.source:
            m = re.search(r'\bid="([^"]+)"', cell.source)
            q = questions.get(m.group(1)) if m else None
            found += [(m.group(1), p, j) for p in (q.answer_phrases if q else ()) for j, text in before if p in text]
    return found


def test_no_markdown_cell_before_a_question_states_its_answer():
    import nbformat

    from coursekit import course

    found = {p.name: spoilers(nbformat.read(p, as_version=4).cells) for p in course.notebook_paths()}
    assert not {k: v for k, v in found.items() if v}, f"answers stated before their questions: {found}"
    assert sum(len(q.answer_phrases) for q in QUESTIONS.values()) >= 5


def test_the_spoiler_scan_finds_a_planted_spoiler():
    from nbformat.v4 import new_code_cell, new_markdown_cell

    cells = [new_markdown_cell("## 1. Too much of a good thing:\na strength sweep"), new_markdown_cell("Setup."),
             new_code_cell('q = ck.widgets.predict("Which?", ["a", "b"], id="06/strength")'),
             new_markdown_cell("Too much of a good thing, after the question: no spoiler.")]
    assert spoilers(cells) == [("06/strength", "too much of a good thing", 0)]


def test_a_static_page_shows_the_static_forms_not_a_blank_box(rec):
    """nbconvert (static pages, GitHub-like viewers) without widget state falls back to the HTML forms."""
    import nbformat
    from nbconvert import HTMLExporter

    q = ask()
    q.commit("plain")
    said = q.reveal("augmented", because="0.93 vs 0.91")
    box = ck.widgets.explorer(ck.data.sample_photos(size=16)["chelsea"])
    callout = ck.widgets.reveal_callout(q.question, q.choice, "augmented", because="0.93 vs 0.91")
    cell = nbformat.v4.new_code_cell("q")
    cell.outputs = [nbformat.v4.new_output("display_data", data=_published(q)),
                    nbformat.v4.new_output("display_data", data={"text/plain": said, "text/html": callout.html}),
                    nbformat.v4.new_output("display_data", data=_published(box))]
    nb = nbformat.v4.new_notebook(cells=[cell])
    page, _ = HTMLExporter().from_notebook_node(nb)
    assert "Predict before you run:" in page and "coursekit-explorer-static" in page
    assert 'data-outcome="mismatch"' in page
    assert "VBox(" not in page and "HBox(" not in page
