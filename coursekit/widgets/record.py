"""The prediction record: the learner's committed predictions, kept as one small JSON file per event in a folder.

Every "predict before you run" question has a stable id, e.g. ``"03/main"`` (lesson, question). Committing
writes a *commit* file for that id, so a widget rebuilt by re-running its cell comes back committed; revealing
writes a *reveal* file and closes the question, so the answer can no longer change after the measurement;
"show the answer without predicting" writes a *show* file; ``reset_predictions`` writes a *reset* file.

The record is the union of the files. Files are only ever added, never rewritten, so two copies of a record
merge by copying files (``keep_on_drive``, ``import_predictions``): that works where writes of two machines
meet late, as two Colab runtimes on one Google Drive folder do. When two copies hold a commit for the same
question, the first commit wins (``entry["conflict"]`` names the other one in a sentence); so does the first
reveal. Writers on one machine take a file lock (``filelock``, on Linux, macOS and Windows) around every
read-then-write, so two kernels committing at the same moment lose nothing. A file that cannot be read is
renamed ``<name>.unreadable`` (``.unreadable.2``, ... when that name is taken) and left out.

Where the record is (nothing is ever sent anywhere):

- ``$COURSEKIT_PREDICTIONS`` when set (the course runner and the tests point it at a temporary path);
- under pytest (``PYTEST_CURRENT_TEST`` set) and nothing else set: a temporary path of this process, so that a
  test run never reads or writes the learner's record;
- otherwise ``predictions.json`` in the user's data folder (``~/.local/share/coursekit`` on Linux,
  ``~/Library/Application Support/coursekit`` on macOS, ``%LOCALAPPDATA%\\coursekit`` on Windows).

A path ending in ``.json`` names the single-file record of coursekit 0.2 (still read, never written: nothing a
learner committed before is lost) and, beside it without the suffix, the folder of event files
(``predictions.json`` -> ``predictions/``); any other path names the folder itself. ``keep_on_drive()``
(carry.py) moves the record of this kernel to a Google Drive folder: ``location()`` is then that folder.
"""
import atexit
import json
import os
import re
import sys
import tempfile
import time
import uuid
import zlib
from pathlib import Path

from filelock import FileLock

ENV = "COURSEKIT_PREDICTIONS"
VERSION = 2
KINDS = ("commit", "reveal", "show", "reset")
ALL = "*"  # the id of a reset of every question
META = ("question", "options", "lesson", "myth")
_TEST_FILE = []  # the temporary record of this process under pytest, made on first use
_ACTIVE = []  # the folder keep_on_drive() chose for this kernel, when it did


def _user_data_dir():
    try:
        import platformdirs

        return Path(platformdirs.user_data_dir("coursekit", appauthor=False))
    except ImportError:  # pragma: no cover - platformdirs comes with Jupyter
        if sys.platform == "win32":
            return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "coursekit"
        if sys.platform == "darwin":
            return Path.home() / "Library" / "Application Support" / "coursekit"
        return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "coursekit"


def _test_file():
    if not _TEST_FILE:
        scratch = Path(tempfile.mkdtemp(prefix="coursekit-predictions-"))
        _TEST_FILE.append(scratch / "predictions.json")
        atexit.register(lambda: __import__("shutil").rmtree(scratch, ignore_errors=True))
    return _TEST_FILE[0]


def configured():
    """The path the environment names for the record (see the module docstring), Drive or not."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    if os.environ.get("PYTEST_CURRENT_TEST"):
        return _test_file()
    return _user_data_dir() / "predictions.json"


def folder_of(spec):
    """The folder of event files that a record path names (``predictions.json`` -> ``predictions``)."""
    spec = Path(spec)
    return spec.with_suffix("") if spec.suffix == ".json" else spec


def legacy_of(spec):
    """The single-file record of coursekit 0.2 that a record path names, or None."""
    spec = Path(spec)
    return spec if spec.suffix == ".json" else None


def location():
    """The folder the record of this kernel is kept in: the Drive folder after keep_on_drive(), else local."""
    return _ACTIVE[-1] if _ACTIVE else folder_of(configured())


def path():
    """Where the record lives, as told to the learner (the folder of ``location()``)."""
    return location()


def use(folder):
    """Keep the record of this kernel in ``folder`` from now on (keep_on_drive does this); None: back to local."""
    _ACTIVE.clear()
    if folder is not None:
        _ACTIVE.append(Path(folder))


def lock(folder=None):
    """The lock around a read-then-write of a record folder. It lives in the temporary folder of this machine
    (a Drive folder cannot hold a working lock): it orders the kernels of one machine, files merge the rest."""
    name = zlib.crc32(str(Path(folder or location()).resolve()).encode("utf-8"))
    return FileLock(os.path.join(tempfile.gettempdir(), f"coursekit-predictions-{name:08x}.lock"), timeout=60)


def now():
    """A timestamp that sorts as text: local time to the microsecond (0.2's records used seconds)."""
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(t)) + f".{int(t % 1 * 1e6):06d}"


def _prefix(qid):
    return "all" if qid == ALL else f"{zlib.crc32(qid.encode('utf-8')):08x}"


# ------------------------------------------------------------------ reading

def set_aside(p):
    """Rename an unreadable file to ``<name>.unreadable`` (``.unreadable.2``, ... : never over an earlier one)."""
    p = Path(p)
    for n in range(1, 1000):
        aside = p.with_name(p.name + ".unreadable" + ("" if n == 1 else f".{n}"))
        if not aside.exists():
            break
    try:
        os.replace(p, aside)
    except FileNotFoundError:  # another kernel moved it first
        return None
    print(f"coursekit could not read the prediction file {p}; it was moved to {aside} and left out of the "
          "record.", file=sys.stderr)
    return aside


def _read_json(p):
    try:
        return json.loads(Path(p).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (ValueError, UnicodeDecodeError):
        set_aside(p)
        return None


def _valid(event):
    return (isinstance(event, dict) and event.get("kind") in KINDS and isinstance(event.get("id"), str)
            and isinstance(event.get("at"), str) and isinstance(event.get("fields", {}), dict))


def read_folder(folder, qid=None):
    """The events kept in a folder (only those of question ``qid`` and of resets of all, when given)."""
    folder = Path(folder)
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    prefixes = None if qid is None else (_prefix(qid) + "~", "all~")
    events = []
    for name in names:
        if not name.endswith(".json") or (prefixes and not name.startswith(prefixes)):
            continue
        event = _read_json(folder / name)
        if event is None:
            continue
        if not _valid(event):
            set_aside(folder / name)
            continue
        event.setdefault("key", name[:-5])
        events.append(event)
    return events


def _legacy_key(qid, at, kind, value):
    """A key that names the same 0.2 entry alike on every machine, and two different ones apart."""
    return _safe(f"{_prefix(qid)}~{at}~legacy-{kind}-{zlib.crc32(str(value).encode('utf-8')):08x}")


def _safe(key):
    return re.sub(r"[^A-Za-z0-9._~-]", "-", key)


def legacy_events(entries):
    """The events that a 0.2 single-file record's entries amount to (commits and reveals with their times)."""
    events = []
    for qid, e in entries.items():
        if not isinstance(e, dict):
            continue
        meta = {k: e[k] for k in META if k in e}
        when = e.get("updated") or ""
        if e.get("choice") is not None:
            at = e.get("committed_at") or when
            events.append(dict(kind="commit", id=qid, at=at, key=_legacy_key(qid, at, "commit", e["choice"]),
                               fields={**meta, "choice": e["choice"], "committed_at": at}))
        if e.get("closed"):
            at = e.get("revealed_at") or when
            fields = {k: e.get(k) for k in ("answer", "because", "verdict", "verdict_record", "matched",
                                            "selected_uncommitted")}
            events.append(dict(kind="reveal", id=qid, at=at, key=_legacy_key(qid, at, "reveal", e.get("answer")),
                               fields={**meta, **fields, "revealed_at": at}))
    return events


def read_legacy(p):
    """The events of a 0.2 single-file record (a damaged one is moved aside)."""
    data = _read_json(p) if p is not None else None
    entries = data.get("predictions", {}) if isinstance(data, dict) else {}
    return legacy_events(entries if isinstance(entries, dict) else {})


def events(qid=None):
    """Every event of the record in use: its folder, and the 0.2 file beside it when the record is local."""
    found = read_folder(location(), qid)
    if not _ACTIVE:
        found += [e for e in read_legacy(legacy_of(configured())) if qid is None or e["id"] == qid]
    return found


def fold(evts):
    """{question id: entry} from events: resets drop what came before them, the first commit and the first
    reveal of a question win, and a later commit of another answer is named in ``entry["conflict"]``."""
    entries, firsts = {}, {}
    for e in sorted(evts, key=lambda e: (e["at"], e.get("key", ""))):
        qid, kind, fields = e["id"], e["kind"], e.get("fields", {})
        if kind == "reset":
            for k in list(entries) if qid == ALL else [qid]:
                entries.pop(k, None)
                firsts.pop(k, None)
            continue
        entry = entries.setdefault(qid, {})
        entry.update({k: fields[k] for k in META if k in fields})
        entry["updated"] = e["at"]
        if kind == "commit":
            first = firsts.get(qid)
            if first is None:
                firsts[qid] = fields.get("choice")
                entry["choice"], entry["committed_at"] = fields.get("choice"), fields.get("committed_at", e["at"])
            elif fields.get("choice") != first:
                entry["conflict"] = (f"Question {qid} was committed twice, '{first}' first and later "
                                     f"'{fields.get('choice')}' (another copy of the record): the first commit, "
                                     f"'{first}', counts.")
        elif kind == "reveal" and not entry.get("closed"):
            entry.update({k: v for k, v in fields.items() if k not in META})
            entry["closed"] = True
            entry.setdefault("shown_at", fields.get("revealed_at", e["at"]))
        elif kind == "show":
            entry.setdefault("shown_at", fields.get("shown_at", e["at"]))
            entry["skipped"] = True
    for entry in entries.values():
        if entry.get("closed") and entry.get("choice") is not None:  # a verdict that cannot tell scores nothing
            entry["matched"] = None if entry.get("undecided") else entry["choice"] == entry.get("answer")
    return entries


def load():
    """{question id: entry} of every recorded question ({} when there is no record yet)."""
    return fold(events())


def read(spec):
    """{question id: entry} of the record that a path names (e.g. a course run's ``X.predictions.json``)."""
    return fold(read_folder(folder_of(spec)) + read_legacy(legacy_of(spec)))


def get(qid):
    """The entry of one question, or None."""
    return fold(events(qid)).get(qid)


# ------------------------------------------------------------------ writing

def write_event(folder, event):
    """Add one event file to a folder (written aside, then renamed: a reader never sees half of it)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = event.get("key") or f"{_prefix(event['id'])}~{event['at']}~{os.getpid()}~{uuid.uuid4().hex[:8]}"
    key = _safe(key)  # a file name on Linux, macOS and Windows
    event = {**event, "key": key, "version": VERSION}
    tmp = folder / f".{key}.tmp"
    tmp.write_text(json.dumps(event, sort_keys=True), encoding="utf-8")
    os.replace(tmp, folder / f"{key}.json")
    return event


def _add(kind, qid, fields):
    event = dict(kind=kind, id=qid, at=now(), fields=fields)
    try:
        write_event(location(), event)
    except OSError as e:  # a read-only home must not break a lesson: the widget still works in memory
        print(f"coursekit could not save your prediction in {location()} ({e.strerror}); it is kept for this "
              "session only.", file=sys.stderr)
    return event


def commit(qid, choice, **meta):
    """Record a commit unless the question already has one or is closed; returns the entry (recorded or not)."""
    with lock():
        entry = get(qid) or {}
        if entry.get("choice") is None and not entry.get("closed"):
            at = now()
            _add("commit", qid, {**meta, "choice": choice, "committed_at": at})
            entry = get(qid) or {**meta, "choice": choice, "committed_at": at}
    return entry


def reveal(qid, **fields):
    """Record the measured answer and close the question (the first reveal wins); returns the entry."""
    with lock():
        entry = get(qid) or {}
        if not entry.get("closed"):
            _add("reveal", qid, {**fields, "revealed_at": now()})
            entry = get(qid) or {**fields, "closed": True}
    return entry


def show(qid, **meta):
    """Record that the learner asked to see the answer without (or before) predicting; returns the entry."""
    with lock():
        entry = get(qid) or {}
        if not entry.get("shown_at"):
            _add("show", qid, {**meta, "shown_at": now()})
            entry = get(qid) or {**meta, "skipped": True}
    return entry


def reset(qid=None):
    """Forget every recorded prediction (or only question ``qid``). Returns how many were removed."""
    with lock():
        entries = load()
        removed = len(entries) if qid is None else int(qid in entries)
        if removed:
            _add("reset", ALL if qid is None else qid, {})
    return removed


def merge_into(folder, evts):
    """Copy the events not yet in ``folder`` into it (under its lock). Returns (how many were added, the
    conflict sentences that the merge introduced)."""
    folder = Path(folder)
    with lock(folder):
        present = read_folder(folder)
        keys = {e["key"] for e in present}
        before = {q: e.get("conflict") for q, e in fold(present).items()}
        new = [e for e in evts if e.get("key") not in keys]
        for e in new:
            write_event(folder, e)
        after = fold(present + new)
    conflicts = [e["conflict"] for q, e in after.items() if e.get("conflict") and e["conflict"] != before.get(q)]
    return len(new), conflicts
