"""The intuition scorecard: every question of the course, what the learner predicted, what was measured.

    ck.widgets.scorecard()     # reads the prediction record (coursekit.widgets.record)

Shows one row per question (the course's questions first, then any other recorded ones), a summary (how many
predicted, how many right) and which of the outline's four myths the learner believed before measuring. It scores
calibration: a prediction is right when it matches the verdict ("no clear difference" against an equivalence
verdict included); a verdict that cannot tell scores nothing and shows as "undecided"; a myth counts as believed
only when the measurement proved the prediction that expressed it wrong. It reads
the record in use (``record.location()``: the Drive folder after ``keep_on_drive()``). A prediction counts only
when it was committed before the question's answer was shown (by its reveal, or by "Show the answer").
"""
from .. import device
from . import record
from .questions import MYTHS, QUESTIONS
from .static import COLOURS, TEXT_STYLE, esc

_CELL = "padding:3px 8px;border-bottom:1px solid #ccc;text-align:left;vertical-align:top"


def before_answer(entry):
    """True when the entry's commit came before its answer was shown (or no answer has been shown yet)."""
    shown = entry.get("shown_at")
    return entry.get("choice") is not None and (not shown or entry.get("committed_at", "") < shown)


def _verdict(entry):
    if not entry.get("choice"):
        return "not predicted"
    if not before_answer(entry):
        return "predicted after the answer"
    if entry.get("answer") is None:
        return "not measured yet"
    if entry.get("undecided"):
        return "undecided"
    return "match" if entry["choice"] == entry["answer"] else "mismatch"


class Scorecard:
    """``rows`` (one dict per question), ``predicted``, ``right``, ``measured``, ``myths_believed``."""

    def __init__(self, entries=None):
        entries = record.load() if entries is None else entries
        ids = list(QUESTIONS) + sorted(k for k in entries if k not in QUESTIONS)
        self.rows = []
        for qid in ids:
            entry, info = entries.get(qid, {}), QUESTIONS.get(qid)
            result = _verdict(entry)
            self.rows.append(dict(
                id=qid, lesson=info.lesson if info else entry.get("lesson") or "",
                question=entry.get("question") or (info.topic if info else qid),
                prediction=entry.get("choice") if before_answer(entry) else None,
                late=entry.get("choice") if entry.get("choice") and not before_answer(entry) else None,
                measured=entry.get("answer"), result=result, myth=info.myth if info else None,
                believed=bool(info and before_answer(entry) and info.believed(entry.get("choice"), result))))
        self.predicted = sum(r["prediction"] is not None for r in self.rows)
        self.measured = sum(r["result"] in ("match", "mismatch") for r in self.rows)
        self.right = sum(r["result"] == "match" for r in self.rows)
        self.undecided = sum(r["result"] == "undecided" for r in self.rows)
        self.myths_believed = sorted({r["myth"] for r in self.rows if r["believed"]}, key=list(MYTHS).index)
        self.conflicts = [e["conflict"] for e in entries.values() if e.get("conflict")]
        self.where = record.location()
        self.myths_tested = sorted({r["myth"] for r in self.rows if r["myth"] and r["prediction"]},
                                   key=list(MYTHS).index)

    def summary(self):
        """The summary in sentences (a list of strings)."""
        return self._summary() + self.conflicts + [f"(Read from {self.where}.)"]

    def _summary(self):
        if not self.predicted:
            colab = (["On Colab each notebook has its own runtime: run ck.widgets.keep_on_drive() here to read the "
                      "predictions you kept on Google Drive, or ck.widgets.import_predictions('predictions.json') "
                      "to bring in a file you exported."] if device.where() == "colab" else [])
            return colab + ["You have not committed any prediction yet. That is fine: open a lesson, pick an answer in "
                    "its 'Predict before you run' question and press Commit before running the experiment. "
                    f"The course asks these {len(self.rows)} questions:"]
        lines = [f"You predicted {self.predicted} of {len(self.rows)} questions; {self.measured} of those have "
                 f"been measured, and you were right on {self.right} of them."]
        if self.undecided:
            lines.append(f"{self.undecided} more measured 'no clear difference' with seeds that cannot tell a real "
                         "difference from none: undecided, not scored.")
        if self.myths_believed:
            lines.append("Myths you believed before measuring: "
                         + " ".join(f"({i}) {MYTHS[m]}" for i, m in enumerate(self.myths_believed, 1)))
        elif self.myths_tested:
            lines.append("You believed none of the myths your predictions touched.")
        untested = [m for m in MYTHS if m not in self.myths_tested]
        if untested:
            lines.append("Myths you have not been asked about yet (no prediction): "
                         + " ".join(f"'{MYTHS[m]}'" for m in untested))
        return lines

    def __str__(self):
        out = self.summary() + [""]
        for r in self.rows:
            shown = r["question"] if len(r["question"]) <= 70 else r["question"][:67] + "..."
            myth = f"  [myth believed: {MYTHS[r['myth']]}]" if r["believed"] else ""
            myth += f"  [committed '{r['late']}' after the answer was shown: not counted]" if r["late"] else ""
            out.append(f"{r['id']:<14} {shown}\n{'':15}predicted: {r['prediction'] or '-'} | measured: "
                       f"{r['measured'] or '-'} | {r['result']}{myth}")
        return "\n".join(out)

    __repr__ = __str__

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))

    def _repr_html_(self):
        summary = "".join(f"<p>{esc(s)}</p>" for s in self.summary())
        head = "".join(f'<th style="{_CELL}">{h}</th>' for h in
                       ("question", "lesson", "your prediction", "measured", "result"))
        body = []
        for r in self.rows:
            kind = {"match": "match", "mismatch": "mismatch"}.get(r["result"], "none")
            accent, background = COLOURS[kind]
            myth = (f'<br><small style="color:{COLOURS["mismatch"][0]}">myth: {esc(MYTHS[r["myth"]])}</small>'
                    if r["believed"] else "")
            body.append(f'<tr class="coursekit-score-{kind}"><td style="{_CELL}">{esc(r["question"])}{myth}</td>'
                        f'<td style="{_CELL}">{esc(r["lesson"])}</td>'
                        f'<td style="{_CELL}">{esc(r["prediction"] or "-")}</td>'
                        f'<td style="{_CELL}">{esc(r["measured"] or "-")}</td>'
                        f'<td style="{_CELL};color:{accent};background:{background};font-weight:bold">'
                        f'{esc(r["result"])}</td></tr>')
        return (f'<div class="coursekit-scorecard" style="{TEXT_STYLE}">{summary}'
                f'<table style="border-collapse:collapse"><thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(body)}</tbody></table></div>')


def scorecard(entries=None):
    """The learner's intuition scorecard (see the module docstring). ``entries``: a record, for tests."""
    return Scorecard(entries)
