"""Honest evidence: every verdict a notebook prints is recomputed here, independently of coursekit, from the
per-seed numbers the run recorded; every "predict" question is revealed with a Verdict; no takeaway picks a
winner with a bare comparison.

Nothing here asserts a fixed outcome ("augmentation helps"): the course's claims are whatever the verdicts
say, and these tests check that what was printed is what the numbers support.
"""
import ast
import json
import re

import numpy as np
import pytest
from scipy import stats

import notebook_runs as nr
from coursekit.widgets.questions import CENTRAL

# Every notebook that measures something: the lessons after setup (the scorecard only reads the record).
MEASURING = [r for r in nr.runs(nr.LESSONS) if r.name[:2] not in ("00", "09")]
WITH_QUESTIONS = MEASURING + nr.runs(nr.EXERCISES)
# Ways of deciding between measured values that the verdict replaces.
ORDERING = (ast.Lt, ast.Gt, ast.LtE, ast.GtE)
PICKERS = {"max", "min", "idxmax", "idxmin", "argmax", "argmin", "nlargest", "nsmallest", "sorted"}
TRAINING_METRICS = {"val_acc", "test_acc", "train_acc", "gap"}


def printed_text(nb):
    """Everything a notebook's code cells showed as text (streams, and the text form of displays)."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "stream":
                parts.append(out.get("text", ""))
            elif "data" in out:
                parts.append(out["data"].get("text/plain", ""))
    return "\n".join("".join(p) if isinstance(p, list) else p for p in parts)


def predictions_of(ex):
    """The run's own prediction record (course.execute points COURSEKIT_PREDICTIONS next to the copy)."""
    from coursekit.widgets import record

    return record.read(ex.path.with_name(ex.path.stem + ".predictions.json"))


def verdicts_of(ex):
    """{name: verdict record} of everything the run recorded with ck.record(...=verdict) or revealed."""
    found = {k: v for k, v in ex.figures.items() if isinstance(v, dict) and v.get("kind") == "verdict"}
    for qid, entry in predictions_of(ex).items():
        if entry.get("verdict_record"):
            found[f"reveal {qid}"] = entry["verdict_record"]
    return found


def scipy_outcome(record):
    """The verdict recomputed with scipy.stats from the recorded per-seed values: (low, high, outcome).

    The spread of the differences is at least one evaluation example (1/n_eval) where n_eval is known; without
    it, identical differences give that one value as the interval."""
    a, b = np.asarray(record["a_values"], float), np.asarray(record["b_values"], float)
    d = b - a
    n_eval = record.get("notes", {}).get("n_eval")
    floor = 1 / n_eval if n_eval else 0.0
    if np.std(d, ddof=1) < floor:  # too little spread: scipy's t-interval with the floor as the sd
        low, high = stats.t.interval(record["confidence"], d.size - 1, loc=d.mean(), scale=floor / np.sqrt(d.size))
    elif np.allclose(d, d[0], rtol=0, atol=1e-12):  # no spread and no floor: the interval is the one difference
        low = high = float(d[0])
    else:
        ci = stats.ttest_rel(b, a).confidence_interval(record["confidence"])
        low, high = float(ci.low), float(ci.high)
    if low > 0 or high < 0:
        b_up = low > 0
        outcome = "B better" if b_up == record["higher_is_better"] else "A better"
    else:
        outcome = "no clear difference"
    return float(low), float(high), outcome


def scipy_resolution(record):
    """'decided', 'equivalent' (the whole interval inside +-margin) or 'cannot tell', from scipy's interval."""
    low, high, outcome = scipy_outcome(record)
    margin = record.get("margin")
    if outcome != "no clear difference":
        return "decided"
    return "equivalent" if margin is not None and -margin <= low and high <= margin else "cannot tell"


# A verdict sentence whose interval holds 0 names its kind and the smallest difference it rules out.
QUALIFIED = re.compile(r"no clear difference, (equivalent|cannot tell): .*rules out[^)]*\d")
LABELS = re.compile(r"""['"]no clear difference['"]|^\s*\([x ]\) .*$""", re.M)  # an option's name, not a finding


def unqualified_sentences(text):
    """The lines of printed text that say "no clear difference" without its kind and what it rules out."""
    return [line for line in LABELS.sub("", text).splitlines()
            if "no clear difference" in line and not QUALIFIED.search(line)]


def check_record(record):
    """Problems of one recorded verdict (empty when it is honest)."""
    problems = []
    n = len(record["a_values"])
    if n < 3 or len(record["b_values"]) != n:
        return [f"{n} and {len(record['b_values'])} paired values: a verdict needs at least 3 pairs"]
    d = np.subtract(record["b_values"], record["a_values"])
    if not np.allclose(d, record["differences"], atol=1e-9):
        problems.append("its differences are not b - a of its own values")
    low, high, outcome = scipy_outcome(record)
    if outcome != record["outcome"]:
        problems.append(f"says {record['outcome']!r}, scipy's paired t-interval ({low:.4f}, {high:.4f}) says "
                        f"{outcome!r}")
    elif scipy_resolution(record) != record.get("resolution"):
        problems.append(f"says {record.get('resolution')!r}; with its margin {record.get('margin')} scipy's "
                        f"interval ({low:.4f}, {high:.4f}) says {scipy_resolution(record)!r}")
    if not (np.isclose(low, record["low"], atol=1e-6) and np.isclose(high, record["high"], atol=1e-6)):
        problems.append(f"interval ({record['low']:.4f}, {record['high']:.4f}) is not scipy's "
                        f"({low:.4f}, {high:.4f})")
    notes = record.get("notes", {})
    if notes.get("pairs", "seeds") == "seeds" and "subsets" in notes and notes["subsets"] != n:
        problems.append(f"{n} seeds trained on {notes['subsets']} distinct training subset(s): seeds must vary "
                        "the training subset")
    if record["metric"] in TRAINING_METRICS and notes.get("n_eval") and 100 / notes["n_eval"] > 0.5:
        problems.append(f"one evaluation example is worth {100 / notes['n_eval']:.2f} points (over 0.5)")
    return problems


# ------------------------------------------------------------------ the checker itself can fail

def _record(a, b, outcome, higher=True, **notes):
    from coursekit.base.verdict import paired

    rec = paired(a, b, higher_is_better=higher, notes=notes).as_record()
    rec["outcome"] = outcome
    return rec


def test_the_checker_accepts_honest_verdicts_and_catches_each_kind_of_dishonest_one():
    up = ([0.90, 0.91, 0.92, 0.90], [0.93, 0.95, 0.94, 0.93])
    assert check_record(_record(*up, "B better", subsets=4, n_eval=360)) == []
    assert check_record(_record([0.9, 0.91, 0.92], [0.91, 0.90, 0.93], "no clear difference")) == []
    assert check_record(_record([0.5, 0.6, 0.7], [0.55, 0.65, 0.75], "B better")) == []  # equal differences
    assert check_record(_record([0.5, 0.6, 0.7], [0.51, 0.61, 0.71], "B better", n_eval=400)) == []  # floored
    assert check_record(_record([0.2, 0.3, 0.25], [0.1, 0.2, 0.15], "B better", higher=False)) == []
    # a mean difference with the interval across 0, called a win
    assert "scipy's paired t-interval" in check_record(_record([0.858, 0.9, 0.82], [0.892, 0.85, 0.93],
                                                               "B better"))[0]
    assert "at least 3 pairs" in check_record(_record(*up, "B better") | {"a_values": [0.9, 0.91],
                                                                          "b_values": [0.93, 0.95]})[0]
    tampered = _record(*up, "B better") | {"low": 0.0}
    assert any("is not scipy's" in p for p in check_record(tampered))
    assert any("distinct training subset" in p for p in check_record(_record(*up, "B better", subsets=1)))
    assert any("worth 2.50 points" in p for p in check_record(_record(*up, "B better", n_eval=40)))
    wide = _record([0.9, 0.91, 0.92], [0.91, 0.90, 0.93], "no clear difference")
    assert any("scipy's interval" in p for p in check_record(wide | {"resolution": "equivalent"}))
    assert any("scipy's interval" in p for p in check_record(wide | {"margin": 0.5}))  # inside a wider margin


def test_the_sentence_checker_fails_on_a_planted_no_clear_difference_without_its_kind():
    from coursekit.base.verdict import paired

    honest = "\n".join(str(paired(a, b, "none", "flips", notes={"n_eval": 400})) for a, b in [
        ([0.9, 0.91, 0.92], [0.905, 0.912, 0.918]), ([0.80, 0.85, 0.70], [0.86, 0.80, 0.79])])  # both kinds
    options = "  ( ) no clear difference\nYou predicted 'no clear difference', but the experiment says 'flips'."
    assert unqualified_sentences(honest + "\n" + options) == []
    planted = "flips - none, val_acc: +1.0 points (95% CI -1.5 points to +3.5 points, 3 seeds): no clear difference"
    assert unqualified_sentences(honest + "\n" + planted) == [planted]
    assert unqualified_sentences(planted.replace("difference", "difference, cannot tell: too few seeds"))


def bare_decisions(source):
    """The ordering comparisons and winner-picking calls in one code cell's source."""
    try:
        tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(isinstance(op, ORDERING) for op in node.ops):
            found.append(f"line {node.lineno}: comparison {ast.unparse(node)}")
        elif isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            on_module = isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in ("np", "numpy")
            given_axis = len(node.args) >= (2 if on_module else 1) or any(k.arg == "axis" for k in node.keywords)
            per_row = name in ("argmax", "argmin") and given_axis  # the predicted class of each example
            if name in PICKERS and not per_row:
                found.append(f"line {node.lineno}: {name}(...)")
    return found


def is_takeaway_cell(source):
    return ".reveal(" in source or "ck.record(" in source


def test_the_bare_decision_scan_finds_what_it_should():
    assert bare_decisions('answer = "a" if gap > 0.02 else "b"\nq.reveal(answer)')
    assert bare_decisions("best = table['val_acc'].idxmax()\nck.record(best=best)")
    assert bare_decisions("best = max(gaps, key=gaps.get)")
    assert not bare_decisions("v = res.verdict('none', 'aug')\nprint(v)\nq.reveal(v)\nck.record(aug=v)")
    assert not bare_decisions("mask = y == 6\nck.record(n=int(mask.sum()))")
    assert not bare_decisions("acc = (model.predict(x).argmax(axis=1) == y).mean()\nck.record(acc=acc)")
    assert bare_decisions("best = np.argmax(scores)\nck.record(best=best)")
    assert not bare_decisions("pred = np.argmax(probs, axis=1)\nck.record(acc=(pred == y).mean())")
    assert is_takeaway_cell("q.reveal(v)") and not is_takeaway_cell("print(v)")


# ------------------------------------------------------------------ static: the notebooks as stored

@pytest.mark.parametrize("path", nr.NOTEBOOKS, ids=[p.name for p in nr.NOTEBOOKS])
def test_no_takeaway_decides_with_a_bare_comparison(path):
    nb = nr.nbformat.read(path, as_version=4)
    found = {i: bare_decisions(c.source) for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and is_takeaway_cell(c.source)}
    found = {i: f for i, f in found.items() if f}
    assert not found, (f"{path.name}: cells that reveal or record decide with a bare comparison (use a Verdict's "
                       f"outcome instead): {found}")


# ------------------------------------------------------------------ on the executed copies

@pytest.mark.notebook
@pytest.mark.parametrize("run", MEASURING, ids=nr.ids(MEASURING))
def test_every_printed_verdict_agrees_with_scipy(run, executed):
    ex = executed(run)
    verdicts = verdicts_of(ex)
    assert verdicts, f"{run.name} recorded no verdict: every comparison goes through a Verdict"
    text = printed_text(ex.nb)
    problems = {name: check_record(rec) for name, rec in verdicts.items()}
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, f"{run.name}: {problems}"
    unprinted = [name for name, rec in verdicts.items() if rec["sentence"] not in text]
    assert not unprinted, f"{run.name}: verdicts recorded but never printed: {unprinted}"
    vague = unqualified_sentences(text)
    assert not vague, f"{run.name}: 'no clear difference' without its kind and what it rules out: {vague}"
    for name, rec in verdicts.items():
        print(f"{run.name} {name}: {rec['sentence']}")


@pytest.mark.notebook
@pytest.mark.parametrize("run", WITH_QUESTIONS, ids=nr.ids(WITH_QUESTIONS))
def test_every_question_is_revealed_with_a_verdict(run, executed):
    ex = executed(run)
    asked = predictions_of(ex)
    source = "\n".join(c.source for c in nr.nbformat.read(run.path, as_version=4).cells if c.cell_type == "code")
    if "widgets.predict(" not in source:
        pytest.skip(f"{run.name} asks no question")
    assert asked, f"{run.name} asks questions but its run left no prediction record"
    unrevealed = [q for q, e in asked.items() if not e.get("closed")]
    without = [q for q, e in asked.items() if e.get("closed") and not e.get("verdict_record")]
    assert not unrevealed, f"{run.name}: questions never revealed: {unrevealed}"
    assert not without, f"{run.name}: questions revealed with a string instead of a Verdict: {without}"


def comparisons_of(ex):
    """One entry per ck.train.compare call of the run (course.execute points COURSEKIT_COMPARE_LOG there)."""
    path = ex.path.with_name(ex.path.stem + ".compares.jsonl")
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def seed_problems(comparisons):
    """Configs trained on fewer than 3 seeds, or whose seeds shared one training subset."""
    found = []
    for i, entry in enumerate(comparisons):
        for name, c in entry["configs"].items():
            if c["seeds"] < 3:
                found.append(f"compare call {i + 1}, {name!r}: {c['seeds']} seed(s)")
            elif not c["whole_training_split"] and c["subsets"] != c["seeds"]:
                found.append(f"compare call {i + 1}, {name!r}: {c['seeds']} seeds on {c['subsets']} subset(s)")
    return found


def test_the_seed_scan_catches_too_few_seeds_and_a_shared_subset():
    ok = {"seeds": 3, "subsets": 3, "whole_training_split": False}
    whole = {"seeds": 3, "subsets": 1, "whole_training_split": True}
    assert seed_problems([{"configs": {"none": ok, "aug": ok, "all": whole}}]) == []
    assert seed_problems([{"configs": {"none": {**ok, "seeds": 2, "subsets": 2}}}])
    assert seed_problems([{"configs": {"none": {**ok, "subsets": 1}}}])


@pytest.mark.notebook
@pytest.mark.parametrize("run", MEASURING, ids=nr.ids(MEASURING))
def test_every_comparison_uses_at_least_3_seeds_that_vary_the_training_subset(run, executed):
    comparisons = comparisons_of(executed(run))
    problems = seed_problems(comparisons)
    assert not problems, f"{run.name}: {problems}"
    print(f"{run.name}: {len(comparisons)} compare calls, all on 3+ seeds with their own training subsets")


# ------------------------------------------------------------------ every verdict as a table; the central comparisons

def verdict_rows(lesson, verdicts):
    """(lesson, names, pairs, half-width, outcome, kind) of each distinct recorded verdict (a revealed verdict that
    is also recorded with ck.record is one row), half-widths in points for an accuracy-like metric."""
    from coursekit.base.verdict import accuracy_like

    by_sentence = {}
    for name, rec in verdicts.items():
        by_sentence.setdefault(rec["sentence"], (rec, []))[1].append(name)
    rows = []
    for rec, names in by_sentence.values():
        scale, unit = (100, " pt") if accuracy_like(rec["metric"]) else (1, f" {rec['metric']}")
        rows.append((lesson, " / ".join(names), f"{len(rec['differences'])} {rec['notes'].get('pairs', 'seeds')}",
                     f"{rec['half_width'] * scale:.2f}{unit}", rec["outcome"], rec["resolution"]))
    return rows


def table_problems(verdicts):
    """Recorded verdicts whose half-width or kind is not what scipy's interval and their margin give."""
    found = []
    for name, rec in verdicts.items():
        low, high, _ = scipy_outcome(rec)
        if not np.isclose(rec.get("half_width", np.nan), (high - low) / 2, atol=1e-6):
            found.append(f"{name}: half-width {rec.get('half_width')} is not scipy's {(high - low) / 2:.6f}")
        if rec.get("resolution") != scipy_resolution(rec):
            found.append(f"{name}: kind {rec.get('resolution')!r}, scipy's interval says {scipy_resolution(rec)!r}")
    return found


def test_the_table_checker_catches_a_wrong_kind_or_half_width():
    honest = {"a": _record([0.9, 0.91, 0.92], [0.905, 0.912, 0.918], "no clear difference")}
    assert table_problems(honest) == [] and verdict_rows("03", honest)[0][-1] == "equivalent"
    assert table_problems({"a": honest["a"] | {"resolution": "cannot tell"}})
    assert table_problems({"a": honest["a"] | {"half_width": 0.001}})


@pytest.mark.notebook
@pytest.mark.parametrize("run", MEASURING, ids=nr.ids(MEASURING))
def test_the_table_of_every_recorded_verdict(run, executed):
    verdicts = verdicts_of(executed(run))
    problems = table_problems(verdicts)
    assert not problems, f"{run.name}: {problems}"
    print(f"\n{'lesson':<7}{'question':<52}{'pairs':<12}{'half-width':<16}{'outcome':<21}kind")
    for row in verdict_rows(run.name[:2], verdicts):
        print(f"{row[0]:<7}{row[1][:50]:<52}{row[2]:<12}{row[3]:<16}{row[4]:<21}{row[5]}")


def test_the_central_comparisons_are_declared_with_margins_reasons_and_real_questions():
    from coursekit.widgets.questions import QUESTIONS

    assert len({c.name for c in CENTRAL}) == len(CENTRAL)
    lessons = {p.stem for p in nr.LESSONS}
    for c in CENTRAL:
        assert c.lesson in lessons and 0 < c.margin < 1 and c.reason.strip(), c
        assert c.question is None or QUESTIONS[c.question].lesson == c.lesson, c


CENTRAL_RUNS = [r for r in MEASURING if r.path.stem in {c.lesson for c in CENTRAL}]


@pytest.mark.notebook
@pytest.mark.parametrize("run", CENTRAL_RUNS, ids=nr.ids(CENTRAL_RUNS))
def test_each_central_comparison_is_recorded_with_its_metric_and_margin(run, executed):
    """Present, on its declared metric and margin, and revealed to its question; prints pairs and half-width.
    (No outcome is asserted, nor yet the 1.5-point half-width the issue asks for: see the printed widths.)"""
    ex = executed(run)
    verdicts, asked = verdicts_of(ex), predictions_of(ex)
    for c in (c for c in CENTRAL if c.lesson == run.path.stem):
        rec = verdicts.get(c.name)
        assert rec is not None, f"{run.name}: the central comparison {c.name!r} was not recorded"
        assert (rec["metric"], rec["margin"]) == (c.metric, pytest.approx(c.margin)), c
        if c.question:
            assert asked[c.question]["verdict_record"]["sentence"] == rec["sentence"], c
        print(f"{c.step:<32} {c.name:<30} {len(rec['differences'])} pairs, half-width "
              f"{rec['half_width'] * 100:.2f} points, {rec['outcome']} ({rec['resolution']})")
