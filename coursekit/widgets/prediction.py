"""'Predict before you run': a question the learner commits to before the experiment, revealed after it.

    q = ck.widgets.predict("Will augmentation raise validation accuracy?", ["yes", "no"], id="03/main")
    ... run the experiment ...
    q.reveal("yes", because="validation accuracy went from 0.95 to 0.97")

or, with the course's paired verdict (coursekit.base.verdict)::

    q = ck.widgets.predict("Which is better?", ["plain", "augmented", "no clear difference"], id="03/main",
                           outcomes={"A better": "plain", "B better": "augmented",
                                     "no clear difference": "no clear difference"})
    q.reveal(res.verdict("none", "standard"))

The committed answer is kept in the prediction record (``record.py``) under the question's id, so re-running
the question's cell brings it back committed; after the reveal the question is closed and its controls stay
disabled. Headless (papermill), nobody clicks: the reveal then says that no prediction was committed.
"""
import hashlib
import time

import ipywidgets as W

from ..base import validate
from ..base.verdict import OUTCOMES, Verdict
from . import record
from .questions import QUESTIONS
from .static import TEXT_STYLE, Rich, box, esc, show

HINT = "Pick an answer, then press Commit. The experiment below will test it."


def default_id(question):
    """An id for a question asked without one: stable as long as its text does not change."""
    return "q-" + hashlib.sha1(question.encode("utf-8")).hexdigest()[:10]


def _check_outcomes(outcomes, options):
    if outcomes is None:
        return None
    if not isinstance(outcomes, dict):
        raise TypeError(f"outcomes must be a dict {{verdict outcome: option}} for the outcomes {list(OUTCOMES)}.")
    missing = [o for o in OUTCOMES if o not in outcomes]
    if missing:
        raise ValueError(f"outcomes must give an option for every verdict outcome; missing {missing}.")
    for key, option in outcomes.items():
        validate.one_of("outcomes key", key, OUTCOMES, what="verdict outcome")
        validate.one_of("outcomes value", option, options, what="option")
    return dict(outcomes)


class Prediction:
    """A multiple-choice question, committed before the experiment and revealed after it."""

    def __init__(self, question, options, id=None, outcomes=None):  # pylint: disable=redefined-builtin
        if not isinstance(question, str) or not question.strip():
            raise TypeError("question must be a non-empty string.")
        if not options or isinstance(options, str) or not all(isinstance(o, str) for o in options):
            raise TypeError("options must be a non-empty list of strings.")
        if len(set(options)) != len(options):
            raise ValueError("options must be different from each other.")
        self.question, self.options = question, list(options)
        self.id = id if id is not None else default_id(question)
        if not isinstance(self.id, str) or not self.id:
            raise TypeError("id must be a non-empty string such as '03/main' (lesson/question).")
        self.outcomes = _check_outcomes(outcomes, self.options)
        info = QUESTIONS.get(self.id)
        entry = record.get(self.id) or {}
        if entry and entry.get("options") != self.options:  # a changed question starts afresh
            record.reset(self.id)
            entry = {}
        self.choice = entry.get("choice")
        self.closed = bool(entry.get("closed"))
        self._radio = W.RadioButtons(options=self.options, value=self.choice,
                                     layout=W.Layout(width="max-content", max_width="100%"))
        self._button = W.Button(description="Commit my prediction", button_style="primary",
                                tooltip="Record this answer; it cannot change once the experiment has run",
                                layout=W.Layout(width="max-content", min_width="12em"))
        self._status = W.HTML(layout=W.Layout(width="auto"))
        self._button.on_click(self._commit)
        title = W.HTML(f'<div style="{TEXT_STYLE}"><b>Predict before you run:</b> {esc(question)}</div>',
                       layout=W.Layout(width="auto"))
        self.widget = W.VBox([title, self._radio, self._button, self._status],
                             layout=W.Layout(width="auto", max_width="100%"))
        self.widget.add_class("coursekit-predict")
        record.update(self.id, question=question, options=self.options, closed=self.closed,
                      lesson=info.lesson if info else entry.get("lesson"),
                      myth=info.myth if info else None)
        self._refresh(entry)

    # ------------------------------------------------------------ state shown in the widget

    @property
    def selected(self):
        """The option selected in the widget right now (committed or not), or None."""
        return self._radio.value

    def _refresh(self, entry):
        locked = self.choice is not None or self.closed
        self._radio.disabled = self._button.disabled = locked
        self._button.description = "Closed" if self.closed else "Committed" if locked else "Commit my prediction"
        if self.closed:
            measured = entry.get("answer")
            said = f"You predicted <b>{esc(self.choice)}</b>" if self.choice else "No prediction was committed"
            self._status.value = (f'<div style="{TEXT_STYLE}">{said}; the experiment measured '
                                  f"<b>{esc(measured)}</b>. This question is closed: its answer cannot change "
                                  "after the measurement (<code>ck.widgets.reset_predictions()</code> starts "
                                  "afresh).</div>")
        elif self.choice is not None:
            self._status.value = (f'<div style="{TEXT_STYLE}">Committed: <b>{esc(self.choice)}</b>. Now run '
                                  "the experiment.</div>")
        else:
            self._status.value = f'<div style="{TEXT_STYLE}"><i>{HINT}</i></div>'

    def _commit(self, _=None):
        entry = record.get(self.id) or {}
        if entry.get("closed") or entry.get("choice") is not None:  # already committed, or revealed: locked
            self.closed, self.choice = bool(entry.get("closed")), entry.get("choice")
            self._radio.value = self.choice  # show the recorded answer, not the click or call just made
            self._refresh(entry)
            return
        if self._radio.value is None:
            self._status.value = f'<div style="{TEXT_STYLE}"><i>Choose one answer first.</i></div>'
            return
        self.choice = self._radio.value
        self._refresh(record.update(self.id, choice=self.choice, committed_at=time.strftime("%Y-%m-%dT%H:%M:%S")))

    def commit(self, choice):
        """Commit from code (tests, or a learner without widgets). Like the button: once committed, it stays."""
        validate.one_of("choice", choice, self.options, what="answer")
        self._radio.value = choice
        self._commit()

    # ------------------------------------------------------------ static forms

    def text(self):
        """The question as plain text, for papermill outputs, terminals and logs."""
        lines = [f"Predict before you run: {self.question}"]
        for o in self.options:
            mark = "(x)" if o == self.choice else "( )"
            lines.append(f"  {mark} {o}" + ("   <- committed" if o == self.choice else ""))
        lines.append("(closed: revealed)" if self.closed else
                     "(committed)" if self.choice else "(interactive in JupyterLab, Colab or Binder)")
        return "\n".join(lines)

    def html(self):
        items = "".join(f"<li>{'&#9673;' if o == self.choice else '&#9675;'} {esc(o)}"
                        f"{' <b>(committed)</b>' if o == self.choice else ''}</li>" for o in self.options)
        return (f'<div class="coursekit-predict-static" style="{TEXT_STYLE}"><b>Predict before you run:</b> '
                f'{esc(self.question)}<ul style="list-style:none;padding-left:1em;margin:4px 0">{items}</ul>'
                "<i>Interactive in JupyterLab, Colab or Binder.</i></div>")

    def _ipython_display_(self):
        show(self.widget, self.text(), self.html())

    # ------------------------------------------------------------ the reveal

    def _answer_of(self, result, because):
        if isinstance(result, Verdict):
            if self.outcomes is None:
                raise TypeError("reveal got a Verdict, but the question has no outcomes: build it with "
                                "outcomes={'A better': ..., 'B better': ..., 'no clear difference': ...}.")
            return self.outcomes[result.outcome], result.sentence_auto(), because
        validate.one_of("answer", result, self.options, what="answer")
        return result, None, because

    def reveal(self, answer, because=""):
        """Compare the committed prediction with what the experiment measured; close the question.

        answer:  one of the options, or a ``Verdict`` (mapped to an option by the question's ``outcomes``).
        because: the measurement behind the answer, e.g. "validation accuracy 0.91 -> 0.94".
        Shows a coloured callout and returns its text (a str that a notebook does not show a second time).
        """
        measured = answer.as_record() if isinstance(answer, Verdict) else None
        answer, verdict, because = self._answer_of(answer, because)
        entry = record.get(self.id) or {}
        self.choice = entry.get("choice", self.choice)  # the committed answer, whatever was clicked since
        pending = self._radio.value if self.choice is None else None
        matched = None if self.choice is None else self.choice == answer
        self.closed = True
        entry = record.update(self.id, answer=answer, because=because, verdict=verdict, verdict_record=measured,
                              matched=matched,
                              selected_uncommitted=pending, closed=True,
                              revealed_at=time.strftime("%Y-%m-%dT%H:%M:%S"))
        self._refresh(entry)
        callout = reveal_callout(self.question, self.choice, answer, because, verdict, pending)
        show(None, callout.text, callout.html)
        return Said(callout.text)


class Said(str):
    """The reveal's text, returned for code and tests; already shown, so a notebook does not show it again."""

    def _ipython_display_(self):
        pass


def reveal_callout(question, choice, answer, because="", verdict=None, pending=None):
    """The reveal as a ``Rich`` object: HTML callout (match green, mismatch red) and the same in text."""
    measured = "; ".join(s for s in (because, verdict) if s)
    why = f" Measured: {measured}." if measured else ""
    if choice is None:
        kind, title = "none", "No prediction was committed"
        text = f"No prediction was committed. The experiment's answer: {answer}.{why}"
        if pending is not None:
            text = f"You selected '{pending}' but did not commit it, so it does not count. " + text
    elif choice == answer:
        kind, title = "match", "Your prediction matches the measurement"
        text = f"You predicted '{choice}', and the experiment agrees.{why}"
    else:
        kind, title = "mismatch", "The measurement disagrees with your prediction"
        text = f"You predicted '{choice}', but the experiment says '{answer}'.{why}"
    if choice is not None:
        yours = f"<b>{esc(choice)}</b>"
    elif pending is not None:
        yours = f"you selected <b>{esc(pending)}</b> but did not commit it"
    else:
        yours = "<i>nothing committed</i>"
    rows = [("Question:", esc(question)), ("Your prediction:", yours), ("Measured:", f"<b>{esc(answer)}</b>")]
    if because:
        rows.append(("Behind it:", esc(because)))
    if verdict:
        rows.append(("Verdict:", esc(verdict)))
    return Rich(text, box(kind, title, rows, "coursekit-reveal"))


def predict(question, options, id=None, outcomes=None):  # pylint: disable=redefined-builtin
    """Show a Prediction question and return it (call ``.reveal(...)`` after the experiment).

    id: a stable name, "<lesson>/<question>" (e.g. "03/main"), under which the committed answer is recorded.
    outcomes: {verdict outcome: option}, to reveal with a ``Verdict`` (see ``Prediction.reveal``).
    """
    from IPython.display import display

    q = Prediction(question, options, id=id, outcomes=outcomes)
    display(q)
    return q
