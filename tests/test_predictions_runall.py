"""Run all stops at the first question without a committed prediction, with one sentence; headless runs
(COURSEKIT_HEADLESS) never stop. Each case runs an IPython shell in a process of its own (the gate is an AST
transformer of the running IPython), as a kernel would."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent("""
    import io, json, sys
    from contextlib import redirect_stdout
    from IPython.testing.globalipapp import start_ipython
    ip = start_ipython()
    seen = []
    for cell in json.loads(sys.argv[1]):
        buf = io.StringIO()
        with redirect_stdout(buf):  # SILENT: a frontend's own code (silent, out of the history)
            r = ip.run_cell(cell[7:], store_history=False, silent=True) if cell.startswith("SILENT:") \
                else ip.run_cell(cell, store_history=True)  # as a kernel runs a cell
        err = r.error_before_exec or r.error_in_exec
        seen.append(dict(ok=r.success, error=type(err).__name__ if err else None,
                         rejected=isinstance(r.error_before_exec, __import__("IPython").core.error.InputRejected),
                         out=buf.getvalue()))
    print("RESULT" + json.dumps(seen))
""")

ASK = ('import coursekit as ck\n'
       'q = ck.widgets.predict("Which scores higher?", ["a", "b"], id="t/1")')


def run_cells(tmp_path, cells, **env):
    full = dict(os.environ, PYTHONPATH=str(ROOT), COURSEKIT_PREDICTIONS=str(tmp_path / "p.json"), **env)
    if "COURSEKIT_HEADLESS" not in env:
        full.pop("COURSEKIT_HEADLESS", None)
    full.pop("PYTEST_CURRENT_TEST", None)
    done = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(cells)], env=full, capture_output=True,
                          text=True, timeout=300)
    # IPython 7 (Colab's) writes a terminal-title escape before the first line: find RESULT anywhere in a line
    line = next((x[x.index("RESULT"):] for x in done.stdout.splitlines() if "RESULT" in x), None)
    assert line, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(line[len("RESULT"):])


def test_the_cell_after_an_unanswered_question_is_refused_until_commit_or_show(tmp_path):
    seen = run_cells(tmp_path, [
        ASK, "x = 1",  # refused: nothing committed
        ASK, "x = 2",  # re-running the question is let through; the next cell is refused again
        'q2 = ck.widgets.predict("And then?", ["c", "d"], id="t/2")',  # another question may show, no answer
        'q.commit("a")', "x = 3",  # committed from code; t/2 still waits
        'q2 = ck.widgets.predict("And then?", ["c", "d"], id="t/2")', "x = 4",
        "q2.show_answer()", "x = 5", "print(q.choice, q2.choice, q2.skipped)",
        'q3 = ck.widgets.predict("Last?", ["e", "f"], id="t/3")', "SILENT:y = 6"])
    refused = [i for i, s in enumerate(seen) if not s["ok"]]
    assert refused == [1, 3, 6, 8], seen
    for i in refused:
        s = seen[i]
        assert s["error"] == "Unanswered" and s["rejected"], s
    sentence = seen[1]["out"].strip()
    assert sentence == ("Unanswered: Question t/1 ('Which scores higher?') has no committed prediction yet: pick "
                        "an answer and press Commit (or press Show the answer), then run this cell again."), seen[1]
    assert "Traceback" not in "".join(s["out"] for s in seen)
    assert "Question t/2 ('And then?')" in seen[6]["out"] and "Question t/2" in seen[8]["out"]
    assert seen[-3]["out"].strip() == "a None True"
    assert seen[-1]["ok"], "a frontend's silent code is never refused"


def test_headless_runs_are_never_stopped(tmp_path):
    seen = run_cells(tmp_path, [ASK, "x = 1", "print(q.choice)"], COURSEKIT_HEADLESS="1")
    assert all(s["ok"] for s in seen) and seen[-1]["out"].strip() == "None", seen


def test_a_question_already_committed_does_not_stop_the_next_run(tmp_path):
    seen = run_cells(tmp_path, [ASK, 'q.commit("b")'])
    again = run_cells(tmp_path, [ASK, "print(q.choice)"])  # a new kernel: the record brings the commit back
    assert all(s["ok"] for s in seen + again) and again[-1]["out"].strip() == "b", again
