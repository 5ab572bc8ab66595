"""Carry the prediction record where a Colab runtime cannot: Google Drive, or a file downloaded by hand.

Colab gives each notebook its own runtime, and a runtime's files die with it. So on Colab:

- the first commit of a runtime says, in one sentence, where the record lives and that it dies with the runtime
  (``first_commit_notice``);
- ``keep_on_drive()`` mounts Google Drive (``google.colab.drive.mount``) and keeps the record of this kernel in
  ``MyDrive/coursekit/predictions``, merging in what this runtime recorded so far; call it in every notebook
  (lesson 9 included) whose predictions should meet there;
- ``export_predictions(path)`` writes the whole record to one JSON file (download it from Colab's file panel)
  and ``import_predictions(path)`` merges such a file (or a record folder, or a coursekit 0.2 record file) into
  the record in use.

Merging never loses a commit: files are only added, and when both sides committed the same question the first
commit wins; each such conflict is printed in one sentence.
"""
import json
import os
from pathlib import Path

from .. import device
from . import record

DRIVE_MOUNT = "/content/drive"
DRIVE_FOLDER = "MyDrive/coursekit/predictions"
_NOTICE = []  # the notice was given in this process


def on_drive():
    """True after keep_on_drive() in this kernel."""
    return bool(record._ACTIVE)  # pylint: disable=protected-access


def first_commit_notice():
    """On Colab, at the first commit of a runtime whose record is not on Drive: the sentence to show, else None."""
    if _NOTICE or on_drive() or device.where() != "colab":
        return None
    _NOTICE.append(True)
    return (f"On Colab your prediction is saved in this runtime only ({record.location()}), and it is deleted "
            "with the runtime: run ck.widgets.keep_on_drive() to keep your predictions on Google Drive, or "
            "ck.widgets.export_predictions('predictions.json') and download that file.")


def _merge(evts, into, what):
    added, conflicts = record.merge_into(into, evts)
    for sentence in conflicts:
        print(sentence)
    print(f"{what}: {added} new record file(s) added to {into}.")
    return added


def keep_on_drive(mountpoint=DRIVE_MOUNT, folder=DRIVE_FOLDER):
    """Keep the prediction record of this kernel on Google Drive (Colab), merging in the local one.

    Mounts Drive at ``mountpoint`` (Colab asks for permission once per runtime), then keeps the record in
    ``<mountpoint>/<folder>``. Returns that folder. Outside Colab there is no Drive to mount: one sentence says so.
    """
    try:
        from google.colab import drive  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise RuntimeError("keep_on_drive() needs Google Colab (google.colab.drive); elsewhere your "
                           f"predictions already stay in {record.location()}.") from None
    if not os.path.isdir(os.path.join(mountpoint, "MyDrive")):
        drive.mount(mountpoint)
    target = Path(mountpoint) / folder
    target.mkdir(parents=True, exist_ok=True)
    local = record.events() if not on_drive() else []
    _merge(local, target, "Your predictions are now kept on Google Drive, in " + str(target))
    record.use(target)
    return target


def export_predictions(path="predictions.json"):
    """Write the whole record in use to one JSON file, to carry to another runtime. Returns the path."""
    path = Path(path)
    evts = record.events()
    path.write_text(json.dumps({"coursekit_predictions": record.VERSION, "events": evts}, indent=1,
                               sort_keys=True), encoding="utf-8")
    print(f"Exported {len(record.fold(evts))} question(s) to {path.resolve()}: in another runtime, "
          f"ck.widgets.import_predictions({str(path.name)!r}) merges them in.")
    return path


def _events_in(path):
    path = Path(path)
    if path.is_dir():
        return record.read_folder(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"There is no file {path} to import (upload it to this runtime first).") from None
    except (ValueError, UnicodeDecodeError):
        raise ValueError(f"{path} is not a prediction record (not JSON): import a file that "
                         "ck.widgets.export_predictions() wrote.") from None
    if isinstance(data, dict) and isinstance(data.get("events"), list):
        return [e for e in data["events"] if record._valid(e) and e.get("key")]  # pylint: disable=protected-access
    if isinstance(data, dict) and isinstance(data.get("predictions"), dict):  # a coursekit 0.2 record
        return record.legacy_events(data["predictions"])
    raise ValueError(f"{path} is not a prediction record: import a file that ck.widgets.export_predictions() "
                     "wrote.")


def import_predictions(path="predictions.json"):
    """Merge an exported record (or a record folder, or a 0.2 record file) into the record in use.

    The first commit of a question wins; each conflict is printed in one sentence. Returns how many record
    files were added.
    """
    return _merge(_events_in(path), record.location(), f"Imported {path}")

