"""The prediction record: the learner's committed predictions, kept in one small local JSON file.

Every "predict before you run" question has a stable id, e.g. ``"03/main"`` (lesson, question). Committing
writes the choice under that id, so a widget rebuilt by re-running its cell comes back committed; revealing
writes the measured answer and *closes* the question, so the answer can no longer change after the measurement.

Where the file is (nothing is ever sent anywhere):

- ``$COURSEKIT_PREDICTIONS`` when set (the course runner and the tests point it at a temporary file);
- under pytest (``PYTEST_CURRENT_TEST`` set) and nothing else set: a temporary file of this process, so that a
  test run never reads or writes the learner's record;
- otherwise ``predictions.json`` in the user's data folder (``~/.local/share/coursekit`` on Linux,
  ``~/Library/Application Support/coursekit`` on macOS, ``%LOCALAPPDATA%\\coursekit`` on Windows).

``reset_predictions()`` clears the record; ``reset_predictions("03/main")`` clears one question.
"""
import atexit
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ENV = "COURSEKIT_PREDICTIONS"
VERSION = 1
_TEST_FILE = []  # the temporary record of this process under pytest, made on first use


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
        fd, name = tempfile.mkstemp(prefix="coursekit-predictions-", suffix=".json")
        os.close(fd)
        os.unlink(name)  # an absent file is an empty record
        _TEST_FILE.append(Path(name))
        atexit.register(lambda: Path(name).unlink(missing_ok=True))
    return _TEST_FILE[0]


def path():
    """The file the record is kept in (see the module docstring)."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    if os.environ.get("PYTEST_CURRENT_TEST"):
        return _test_file()
    return _user_data_dir() / "predictions.json"


def load():
    """{question id: entry} of every recorded question ({} when there is no record yet, or it is unreadable)."""
    p = path()
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError:
        return {}
    except ValueError:  # keep a damaged record aside rather than overwrite it
        aside = p.with_name(p.name + ".unreadable")
        os.replace(p, aside)
        print(f"coursekit could not read the prediction record {p}; it was moved to {aside} and a new one "
              "is started.", file=sys.stderr)
        return {}
    entries = data.get("predictions", {}) if isinstance(data, dict) else {}
    return {k: v for k, v in entries.items() if isinstance(v, dict)}


def _save(entries):
    p = path()
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"version": VERSION, "predictions": entries}, indent=1, sort_keys=True),
                   encoding="utf-8")
    os.replace(tmp, p)  # atomic: a reader sees the old record or the new one, never half of it


def get(qid):
    """The entry of one question, or None."""
    return load().get(qid)


def update(qid, **fields):
    """Merge fields into one question's entry and write the record; returns the entry."""
    entries = load()
    entry = {**entries.get(qid, {}), **fields, "updated": time.strftime("%Y-%m-%dT%H:%M:%S")}
    entries[qid] = entry
    try:
        _save(entries)
    except OSError as e:  # a read-only home must not break a lesson: the widget still works in memory
        print(f"coursekit could not save your prediction to {path()} ({e.strerror}); it is kept for this "
              "session only.", file=sys.stderr)
    return entry


def reset(qid=None):
    """Forget every recorded prediction (or only question ``qid``). Returns how many were removed."""
    entries = load()
    if qid is None:
        removed = len(entries)
        entries = {}
    else:
        removed = int(entries.pop(qid, None) is not None)
    if removed or path().exists():
        _save(entries)
    return removed
