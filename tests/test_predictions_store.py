"""The prediction record as files that merge: concurrent kernels lose nothing, the first commit wins when two
copies meet, damaged files are moved aside (never over an earlier one), the 0.2 single file is still read,
and on Colab (simulated) the first commit warns, keep_on_drive() and export/import carry the record."""
import json
import os
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

import coursekit as ck
from coursekit.widgets import carry, record

ROOT = Path(__file__).resolve().parent.parent
OPTIONS = ["augmented", "plain", "no clear difference"]


@pytest.fixture
def rec(tmp_path, monkeypatch):
    path = tmp_path / "predictions.json"
    monkeypatch.setenv(record.ENV, str(path))
    monkeypatch.delenv("COURSEKIT_COMMIT", raising=False)
    monkeypatch.setattr(record, "_ACTIVE", [])
    monkeypatch.setattr(carry, "_NOTICE", [])
    return path


def ask(qid="03/main", options=OPTIONS):
    return ck.widgets.Prediction("Which scores higher?", options, id=qid)


WRITER = textwrap.dedent("""
    import importlib.util, sys
    spec = importlib.util.spec_from_file_location("record", sys.argv[3])  # the module alone: no TensorFlow
    record = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(record)
    name, ready = sys.argv[1], sys.argv[2]
    open(ready + "." + name, "w").close()
    import os, time
    while not os.path.exists(ready):  # start together
        time.sleep(0.001)
    for i in range(200):
        record.commit(f"{name}/{i}", "yes", question="q", options=["yes", "no"])
""")


def test_two_processes_making_200_commits_each_lose_none(rec, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), **{record.ENV: str(rec)})
    ready = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, name, str(ready), record.__file__], env=env)
             for name in ("a", "b")]
    while not all(Path(f"{ready}.{n}").exists() for n in ("a", "b")):
        if any(p.poll() is not None for p in procs):
            break
    ready.touch()
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    entries = record.load()
    assert len(entries) == 400 and all(e["choice"] == "yes" for e in entries.values())
    assert {f"{n}/{i}" for n in "ab" for i in range(200)} == set(entries)


def test_when_two_copies_hold_a_commit_the_first_wins_and_is_named(rec, tmp_path, capsys):
    ask().commit("plain")  # this runtime, first
    other = tmp_path / "other.json"  # another runtime's record, committed later
    os.environ[record.ENV] = str(other)
    try:
        ask().commit("augmented")
        ask(qid="03/gap").commit("plain")
        exported = ck.widgets.export_predictions(tmp_path / "carried.json")
    finally:
        os.environ[record.ENV] = str(rec)
    assert ck.widgets.import_predictions(exported) == 2
    out = capsys.readouterr().out
    sentence = ("Question 03/main was committed twice, 'plain' first and later 'augmented' (another copy of the "
                "record): the first commit, 'plain', counts.")
    assert sentence in out
    entries = record.load()
    assert entries["03/main"]["choice"] == "plain" and entries["03/main"]["conflict"] == sentence
    assert entries["03/gap"]["choice"] == "plain"
    assert ask().choice == "plain"
    assert ck.widgets.import_predictions(exported) == 0  # importing twice adds nothing
    card = ck.widgets.Scorecard()
    assert sentence in card.summary() and card.predicted == 2


def test_the_first_commit_wins_whatever_order_the_files_arrive_in(rec, tmp_path):
    late = {"kind": "commit", "id": "03/main", "at": "2026-01-02T10:00:00.000000",
            "fields": {"choice": "augmented", "committed_at": "2026-01-02T10:00:00.000000", "options": OPTIONS}}
    early = {**late, "at": "2026-01-01T10:00:00.000000",
             "fields": {**late["fields"], "choice": "plain", "committed_at": "2026-01-01T10:00:00.000000"}}
    record.write_event(record.location(), late)
    assert record.get("03/main")["choice"] == "augmented"
    record.write_event(record.location(), early)  # an older commit from another copy syncs in afterwards
    entry = record.get("03/main")
    assert entry["choice"] == "plain" and "'plain' first and later 'augmented'" in entry["conflict"]


def test_a_damaged_file_is_moved_aside_without_overwriting_an_earlier_one(rec, capsys):
    folder = record.location()
    ask().commit("plain")
    for text in ("{half a fi", "{another half"):
        (folder / "0badf00d~2026~1~x.json").write_text(text)
        assert record.load()["03/main"]["choice"] == "plain"  # the rest of the record is still read
    assert (folder / "0badf00d~2026~1~x.json.unreadable").read_text() == "{half a fi"
    assert (folder / "0badf00d~2026~1~x.json.unreadable.2").read_text() == "{another half"
    assert capsys.readouterr().err.count("was moved to") == 2
    (folder / "0badf00d~2026~1~y.json").write_text('{"kind": "nonsense"}')  # JSON, but not an event
    assert len(record.load()) == 1 and (folder / "0badf00d~2026~1~y.json.unreadable").exists()


def test_the_single_file_record_of_coursekit_0_2_is_still_read_and_reset(rec):
    rec.write_text(json.dumps({"version": 1, "predictions": {"03/main": {
        "question": "Which scores higher?", "options": OPTIONS, "choice": "plain", "closed": True,
        "answer": "augmented", "committed_at": "2026-01-01T10:00:00", "revealed_at": "2026-01-01T10:05:00"}}}))
    q = ask()
    assert q.choice == "plain" and q.closed
    assert ck.widgets.Scorecard().right == 0 and ck.widgets.Scorecard().measured == 1
    assert ck.widgets.reset_predictions() == 1 and record.load() == {} and rec.exists()  # read, never written


def test_an_uncommitted_selection_is_named_when_the_widget_is_rebuilt(rec):
    first = ask()
    first._radio.value = "plain"  # selected in the browser, Commit never pressed
    again = ask()  # the learner re-ran the cell
    assert again.selected == "plain" and again.choice is None and not again._button.disabled
    assert "You selected <b>plain</b> but have not committed it" in again._status.value
    assert record.get("03/main") is None  # nothing was recorded


def test_headless_runs_commit_what_coursekit_commit_names(rec, monkeypatch):
    monkeypatch.setenv("COURSEKIT_COMMIT", json.dumps({"03/main": "plain"}))
    assert ask().choice == "plain" and record.get("03/main")["choice"] == "plain"
    assert ask(qid="03/gap").choice is None
    monkeypatch.setenv("COURSEKIT_COMMIT", json.dumps({"03/size": "maybe"}))
    with pytest.raises(ValueError, match="Unknown answer 'maybe'"):
        ask(qid="03/size")
    monkeypatch.setenv("COURSEKIT_COMMIT", "03/main=plain")
    with pytest.raises(ValueError, match="must be a JSON object"):
        ask(qid="03/size")


def test_the_scorecard_counts_only_predictions_committed_before_the_answer(rec):
    q = ask()
    q.commit("plain")
    q.show_answer()  # after the commit: it counts
    late = ask(qid="03/gap")
    late.show_answer()
    assert late.skipped and late._button.disabled and not late.waiting
    record.commit("03/gap", "plain", options=OPTIONS)  # a commit after the answer was shown (another copy)
    q.reveal("plain")
    card = ck.widgets.Scorecard()
    rows = {r["id"]: r for r in card.rows}
    assert rows["03/main"]["result"] == "match" and rows["03/main"]["prediction"] == "plain"
    assert rows["03/gap"]["result"] == "predicted after the answer" and rows["03/gap"]["prediction"] is None
    assert card.predicted == 1 and "after the answer was shown: not counted" in str(card)


@pytest.fixture
def colab(rec, tmp_path, monkeypatch):
    """Colab simulated: google.colab with a drive.mount that links <mountpoint>/MyDrive to a temporary folder."""
    drive_root = tmp_path / "drive"
    (drive_root).mkdir()
    mounts = []

    def mount(mountpoint, **_):
        mounts.append(mountpoint)
        Path(mountpoint).mkdir(parents=True, exist_ok=True)
        (Path(mountpoint) / "MyDrive").symlink_to(drive_root, target_is_directory=True)

    google = types.ModuleType("google")
    google.colab = types.ModuleType("google.colab")
    google.colab.drive = types.SimpleNamespace(mount=mount)
    monkeypatch.setitem(sys.modules, "google.colab", google.colab)
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab_20260101-060000_RC00")
    monkeypatch.mounts, monkeypatch.drive_root = mounts, drive_root
    return monkeypatch


def test_on_colab_the_first_commit_says_where_the_record_lives(colab, capsys):
    q = ask()
    q.commit("plain")
    notice = capsys.readouterr().out
    assert notice.strip().endswith(".") and not re.search(r"[.!?]\s+[A-Z]", notice.strip()), notice  # one sentence
    assert "saved in this runtime only" in notice and str(record.location()) in notice
    assert "deleted with the runtime" in notice and "keep_on_drive()" in notice
    assert "deleted with the runtime" in q._status.value
    ask(qid="03/gap").commit("plain")
    assert capsys.readouterr().out == ""  # once per runtime


def test_keep_on_drive_merges_the_local_record_and_keeps_it_there(colab, tmp_path, capsys):
    earlier = {"kind": "commit", "id": "03/size", "at": "2026-01-01T10:00:00.000000",  # another runtime's
               "fields": {"choice": "augmented", "committed_at": "2026-01-01T10:00:00.000000", "options": OPTIONS}}
    record.write_event(colab.drive_root / "coursekit" / "predictions", earlier)
    ask().commit("plain")
    ask(qid="03/size").commit("plain")
    target = ck.widgets.keep_on_drive(mountpoint=str(tmp_path / "content" / "drive"))
    out = capsys.readouterr().out
    assert "Question 03/size was committed twice, 'augmented' first and later 'plain'" in out
    assert "now kept on Google Drive" in out
    assert record.get("03/size")["choice"] == "augmented"  # the first commit wins on Drive too
    assert colab.mounts == [str(tmp_path / "content" / "drive")]
    assert target.resolve() == (colab.drive_root / "coursekit" / "predictions").resolve()
    assert record.location() == target and record.get("03/main")["choice"] == "plain"
    ask(qid="03/gap").commit("augmented")  # the record now lives on Drive
    assert len(record.read_folder(colab.drive_root / "coursekit" / "predictions")) == 4
    assert ck.widgets.Scorecard().predicted == 3


def test_keep_on_drive_outside_colab_says_so(rec):
    with pytest.raises(RuntimeError, match="needs Google Colab"):
        ck.widgets.keep_on_drive()


def test_import_of_a_file_that_is_not_a_record_is_one_sentence(rec, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    with pytest.raises(ValueError, match="is not a prediction record"):
        ck.widgets.import_predictions(bad)
    with pytest.raises(FileNotFoundError, match="upload it to this runtime first"):
        ck.widgets.import_predictions(tmp_path / "missing.json")
