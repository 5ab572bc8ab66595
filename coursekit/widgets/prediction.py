"""'Predict before you run': a question the learner commits to before the experiment, revealed after it.

    q = ck.widgets.predict("Will augmentation raise validation accuracy?", ["yes", "no"], id="03/main")
    ... run the experiment ...
    q.reveal("yes", because="validation accuracy went from 0.95 to 0.97")

or, with the course's paired verdict (coursekit.base.verdict)::

    q = ck.widgets.predict("Which is better?", ["augmented", "plain", "no clear difference"], id="03/main")
    q.reveal(res.verdict("none", "standard"))   # b = "standard" (augmented), the first option; a = "none" (plain)

The options' order gives the verdict's meaning (see ``infer_outcomes``); ``outcomes=`` spells it out instead.
A verdict that cannot tell (its interval holds 0 and reaches past the question's margin) scores no prediction:
the question shows as undecided on the scorecard.

The committed answer is kept in the prediction record (``record.py``) under the question's id, so re-running
the question's cell brings it back committed (and an answer selected but not committed comes back selected, named
as not committed); after the reveal the question is closed and its controls stay disabled. "Show the answer"
goes on without predicting: the question then does not count on the scorecard.

In JupyterLab, Colab and Binder, Run all stops at the first question without a commit (gate.py). Headless
(papermill, ``COURSEKIT_HEADLESS=1``) nobody clicks: nothing stops, and the reveal says that no prediction was
committed, unless ``COURSEKIT_COMMIT='{"03/main": "plain higher"}'`` names an answer to commit for a question.
"""
import hashlib
import json
import os

import ipywidgets as W

from ..base import validate
from ..base.verdict import KINDS, OUTCOMES, Verdict
from . import carry, gate, record
from .questions import QUESTIONS
from .static import TEXT_STYLE, Rich, box, esc, show

NO_CLEAR = "no clear difference"
UNDECIDED = KINDS[1:]  # "equivalent", "cannot tell": the two kinds of "no clear difference"
HINT = "Pick an answer, then press Commit. The experiment below will test it."
COMMIT_ENV = "COURSEKIT_COMMIT"  # '{"03/main": "plain higher"}': headless runs commit these answers
_LAST = {}  # question id -> the Prediction last built for it in this process
# Run in the output of the widget after a click (JupyterLab: `element` is the output's node; the classic
# notebook passes a jQuery object): activate the next cell in command mode and focus the notebook.
FOCUS_JS = """
(function (el, tries) {
  var node = el && el.jquery ? el[0] : el;
  function go(left) {
    var cell = node && node.isConnected && node.closest ? node.closest('.jp-Cell') : null;
    var nb = cell ? cell.closest('.jp-Notebook') : null;
    if (!nb) {  /* not in the page yet (JupyterLab runs this before attaching the output): try again */
      if (left > 0) { setTimeout(function () { go(left - 1); }, 50); return; }
      try { window.parent.focus(); } catch (e) {}  /* Colab: the output is an iframe of its own */
      return;
    }
    var next = cell.nextElementSibling;
    while (next && !(next.classList && next.classList.contains('jp-Cell'))) { next = next.nextElementSibling; }
    var target = next ? (next.querySelector('.jp-InputPrompt') || next) : null;
    if (target) {
      ['mousedown', 'mouseup'].forEach(function (t) {
        target.dispatchEvent(new MouseEvent(t, {bubbles: true, cancelable: true, button: 0, view: window}));
      });
    }
    nb.focus();
  }
  go(tries);
})(typeof element !== 'undefined' ? element : null, 40);
"""


def _headless_choice(qid, options):
    """The answer COURSEKIT_COMMIT names for question ``qid`` (a JSON object {id: option}), or None."""
    raw = os.environ.get(COMMIT_ENV)
    if not raw:
        return None
    try:
        wanted = json.loads(raw)
    except ValueError:
        raise ValueError(f"{COMMIT_ENV} must be a JSON object such as {{\"03/main\": \"plain higher\"}}; "
                         f"got {raw!r}.") from None
    if not isinstance(wanted, dict) or qid not in wanted:
        return None
    validate.one_of(f"{COMMIT_ENV}[{qid!r}]", wanted[qid], options, what="answer")
    return wanted[qid]


def default_id(question):
    """An id for a question asked without one: stable as long as its text does not change."""
    return "q-" + hashlib.sha1(question.encode("utf-8")).hexdigest()[:10]


def infer_outcomes(options):
    """{verdict outcome: option} read from the order of three options, or None when there are not three.

    The option "no clear difference" (or, when no option is named so, the middle one) stands for an interval
    that holds 0; of the other two, the first names setup B (the verdict's ``b``, whose difference ``b - a`` the
    sentence reads first) and the second names A. So ["augmentation higher", "plain higher", "no clear
    difference"] is revealed with ``res.verdict("none", "standard")``.
    """
    if len(options) != 3:
        return None
    middle = NO_CLEAR if NO_CLEAR in options else options[1]
    b, a = [o for o in options if o != middle]
    return {"A better": a, "B better": b, NO_CLEAR: middle}


def _check_outcomes(outcomes, options):
    if outcomes is None:
        outcomes = infer_outcomes(options)
        if outcomes is None:
            return None
    if not isinstance(outcomes, dict):
        raise TypeError(f"outcomes must be a dict {{verdict outcome: option}} for the outcomes {list(OUTCOMES)}.")
    missing = [o for o in OUTCOMES if o not in outcomes]
    if missing:
        raise ValueError(f"outcomes must give an option for every verdict outcome; missing {missing}.")
    for key, option in outcomes.items():
        validate.one_of("outcomes key", key, OUTCOMES + UNDECIDED, what="verdict outcome")
        validate.one_of("outcomes value", option, options, what="option")
    return {kind: outcomes[NO_CLEAR] for kind in UNDECIDED} | dict(outcomes)


class Prediction:
    """A multiple-choice question, committed before the experiment and revealed after it."""

    def __init__(self, question, options, id=None, outcomes=None):  # pylint: disable=redefined-builtin
        """outcomes: {verdict outcome: option}; None reads it from the options' order (``infer_outcomes``)."""
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
        info = self._info = QUESTIONS.get(self.id)
        self._meta = dict(question=question, options=self.options, lesson=info.lesson if info else None,
                          myth=info.myth if info else None)
        entry = record.get(self.id) or {}
        if entry and entry.get("options") not in (None, self.options):  # a changed question starts afresh
            record.reset(self.id)
            entry = {}
        self.choice = entry.get("choice")
        self.closed = bool(entry.get("closed"))
        self.skipped = bool(entry.get("skipped"))
        self.notice = None
        before = _LAST.get(self.id)  # this question's widget before its cell was re-run, in this kernel
        pending = before.selected if before is not None and before.choice is None and before.options == \
            self.options and not self.closed and self.choice is None else None
        self._radio = W.RadioButtons(options=self.options, value=self.choice if self.choice is not None else pending,
                                     layout=W.Layout(width="max-content", max_width="100%"))
        self._button = W.Button(description="Commit my prediction", button_style="primary",
                                tooltip="Record this answer; it cannot change once the experiment has run",
                                layout=W.Layout(width="max-content", min_width="12em"))
        self._show = W.Button(description="Show the answer", tooltip="Run on without predicting: this question "
                              "will not count on your scorecard", layout=W.Layout(width="max-content"))
        self._status = W.HTML(layout=W.Layout(width="auto"))
        self._focus = W.Output(layout=W.Layout(height="0px", overflow="hidden"))
        self._button.on_click(self._commit)
        self._show.on_click(self.show_answer)
        self._radio.observe(self._selected, "value")
        title = W.HTML(f'<div style="{TEXT_STYLE}"><b>Predict before you run:</b> {esc(question)}</div>',
                       layout=W.Layout(width="auto"))
        buttons = W.HBox([self._button, self._show], layout=W.Layout(width="auto", flex_flow="row wrap"))
        self.widget = W.VBox([title, self._radio, buttons, self._status, self._focus],
                             layout=W.Layout(width="auto", max_width="100%"))
        self.widget.add_class("coursekit-predict")
        _LAST[self.id] = self
        headless_choice = _headless_choice(self.id, self.options)
        if headless_choice is not None and self.choice is None and not self.closed:
            self._radio.value = headless_choice
            self._commit()
        else:
            self._refresh(entry)

    # ------------------------------------------------------------ state shown in the widget

    @property
    def selected(self):
        """The option selected in the widget right now (committed or not), or None."""
        return self._radio.value

    @property
    def waiting(self):
        """True while the learner has neither committed nor asked to see the answer (Run all stops here)."""
        return self.choice is None and not self.closed and not self.skipped and _LAST.get(self.id) is self

    @property
    def short(self):
        """The question in a few words, for a one-sentence message."""
        return repr(self.question if len(self.question) <= 60 else self.question[:57] + "...")

    def _refresh(self, entry):
        locked = self.choice is not None or self.closed or self.skipped
        self._radio.disabled = self._button.disabled = self._show.disabled = locked
        self._button.description = ("Closed" if self.closed else "Committed" if self.choice is not None
                                    else "Not predicted" if self.skipped else "Commit my prediction")
        self._show.layout.display = "none" if locked else None
        notice = f'<div style="{TEXT_STYLE}"><b>{esc(self.notice)}</b></div>' if self.notice else ""
        if self.closed:
            unscored = " (the seeds cannot tell: not scored)" if entry.get("undecided") else ""
            measured = f"{entry.get('answer')}{unscored}"
            said = f"You predicted <b>{esc(self.choice)}</b>" if self.choice else "No prediction was committed"
            status = (f'<div style="{TEXT_STYLE}">{said}; the experiment measured '
                      f"<b>{esc(measured)}</b>. This question is closed: its answer cannot change "
                      "after the measurement (<code>ck.widgets.reset_predictions()</code> starts "
                      "afresh).</div>")
        elif self.choice is not None:
            status = (f'<div style="{TEXT_STYLE}">Committed: <b>{esc(self.choice)}</b>. Now run '
                      "the experiment.</div>")
        elif self.skipped:
            status = (f'<div style="{TEXT_STYLE}">You chose to see the answer without predicting: run the '
                      "next cells. This question does not count on your scorecard.</div>")
        elif self._radio.value is not None:
            status = (f'<div style="{TEXT_STYLE}"><i>You selected <b>{esc(self._radio.value)}</b> but have not '
                      "committed it: press Commit to record it.</i></div>")
        else:
            status = f'<div style="{TEXT_STYLE}"><i>{HINT}</i></div>'
        self._status.value = status + notice

    def _selected(self, _):
        """A click on an option: name it as not committed yet (until Commit)."""
        if self.choice is None and not self.closed and not self.skipped:
            self._refresh({})

    def _commit(self, _=None):
        entry = record.get(self.id) or {}
        if entry.get("closed") or entry.get("choice") is not None or self.skipped:  # locked
            self.closed, self.choice = bool(entry.get("closed")), entry.get("choice")
            self._radio.value = self.choice  # show the recorded answer, not the click or call just made
            self._refresh(entry)
            return
        if self._radio.value is None:
            self._status.value = f'<div style="{TEXT_STYLE}"><i>Choose one answer first.</i></div>'
            return
        entry = record.commit(self.id, self._radio.value, **self._meta)
        self.choice, self.closed = entry.get("choice"), bool(entry.get("closed"))
        self._radio.value = self.choice
        self.notice = carry.first_commit_notice()
        if self.notice:
            print(self.notice)
        self._refresh(entry)
        if _ is not None:  # a click: give the keyboard back to the notebook
            self._return_focus()

    def _return_focus(self):
        """Put the keyboard focus back on the notebook, on the cell after this one, so that Shift+Enter runs it.

        JupyterLab: works (the button that had the focus is disabled by the commit, which would leave the focus
        on the page's body, where JupyterLab's shortcuts do not reach). Colab shows each output in its own
        iframe, from another origin: only a best effort there (the frame asks its parent window for the focus).
        """
        from IPython.display import Javascript, display

        self._focus.clear_output()
        with self._focus:
            display(Javascript(FOCUS_JS))

    def commit(self, choice):
        """Commit from code (tests, or a learner without widgets). Like the button: once committed, it stays."""
        validate.one_of("choice", choice, self.options, what="answer")
        self._radio.value = choice
        self._commit()

    def show_answer(self, _=None):
        """Go on without predicting: the next cells run, and this question does not count on the scorecard."""
        if self.choice is None and not self.closed:
            self.skipped = True
            record.show(self.id, **self._meta)
        self._refresh(record.get(self.id) or {})
        if _ is not None:
            self._return_focus()

    # ------------------------------------------------------------ static forms

    def text(self):
        """The question as plain text, for papermill outputs, terminals and logs."""
        lines = [f"Predict before you run: {self.question}"]
        for o in self.options:
            mark = "(x)" if o == self.choice else "( )"
            lines.append(f"  {mark} {o}" + ("   <- committed" if o == self.choice else ""))
        lines.append("(closed: revealed)" if self.closed else "(committed)" if self.choice else
                     "(answer shown without a prediction)" if self.skipped else
                     "(interactive in JupyterLab, Colab or Binder)")
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
            declared = self._info.margin if self._info else None
            if declared is not None and result.margin != declared:
                raise ValueError(f"question {self.id} declares a margin of {declared}; compute its verdict with "
                                 f"margin={declared}, margin_reason={self._info.margin_reason!r}.")
            kind = result.outcome if result.decided else result.resolution
            return self.outcomes[kind], result.sentence_auto(), because
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
        undecided = bool(measured and measured["resolution"] == "cannot tell")  # scores no prediction
        matched = None if self.choice is None or undecided else self.choice == answer
        self.closed = True
        entry = record.reveal(self.id, **self._meta, answer=answer, because=because, verdict=verdict,
                              verdict_record=measured, matched=matched, selected_uncommitted=pending,
                              undecided=undecided)
        self._refresh(entry)
        callout = reveal_callout(self.question, self.choice, answer, because, verdict, pending, undecided)
        show(None, callout.text, callout.html)
        return Said(callout.text)


class Said(str):
    """The reveal's text, returned for code and tests; already shown, so a notebook does not show it again."""

    def _ipython_display_(self):
        pass


def reveal_callout(question, choice, answer, because="", verdict=None, pending=None, undecided=False):
    """The reveal as a ``Rich`` object: HTML callout (match green, mismatch red) and the same in text.

    undecided: the verdict cannot tell (its interval holds 0 and reaches past the margin): nothing is scored."""
    measured = "; ".join(s for s in (because, verdict) if s)
    why = f" Measured: {measured}." if measured else ""
    if choice is not None and undecided:
        kind, title = "none", "Undecided: these seeds cannot tell, so the question is not scored"
        text = (f"You predicted '{choice}'; the experiment measured '{answer}', but its seeds cannot tell a real "
                f"difference from none (undecided, not scored).{why}")
    elif choice is None:
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
    outcomes: {verdict outcome: option}, to reveal with a ``Verdict`` (see ``Prediction.reveal``); left out, it is
              read from the order of three options (``infer_outcomes``: the first that is not "no clear difference"
              is "B better"). Keys "equivalent" and "cannot tell" may split "no clear difference".
    """
    from IPython.display import display

    q = Prediction(question, options, id=id, outcomes=outcomes)
    display(q)
    gate.register(q)
    return q
