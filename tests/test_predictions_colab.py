"""Predictions on Colab, emulated: each notebook in its own runtime, and the scorecard still finds them.

Lessons 1 and 3, then the scorecard (lesson 9), each run by papermill in a process of its own with a fresh HOME
folder (a Colab runtime: nothing survives from one notebook to the next), as Colab runs them:

- a fake ``google.colab`` module is imported at the kernel's start (an IPython startup file in that HOME),
  whose ``drive.mount`` links ``<mountpoint>/MyDrive`` to one shared temporary folder, the Drive stand-in;
- the notebooks' first cell installs coursekit with pip on Colab: a stand-in ``pip`` module answers it;
- ``COURSEKIT_COMMIT`` commits the learner's answers (nobody clicks), ``COURSEKIT_HEADLESS`` runs every cell;
- each lesson gets two cells of the learner at its end: ``export_predictions`` (the file a learner downloads),
  then ``keep_on_drive()``.

Then: every lesson's first commit said that the record dies with the runtime; the scorecard run with the Drive
stand-in (``keep_on_drive()`` first) lists both lessons' predictions; the scorecard run without it lists none,
until ``import_predictions`` of the two exported files brings them over. Small parameters keep it cheap.
"""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
ANSWERS = {"01/gap": "training higher", "03/main": "augmentation higher", "03/gap": "no clear difference"}
SMALL = {"01_overfitting": ["-p", "EPOCHS", "2"],
         "03_augmentation_regularizes": ["-p", "EPOCHS", "2", "-y", "SIZES: [10, 30]", "-p", "N_VIEWS", "2"],
         "09_scorecard": []}
NOTICE = "saved in this runtime only"

FAKE_COLAB = textwrap.dedent('''
    def _coursekit_fake_colab():
        """Colab, emulated: google.colab with a drive.mount that links <mountpoint>/MyDrive to $FAKE_DRIVE."""
        import os, sys, types
        from pathlib import Path

        def mount(mountpoint, **_):
            Path(mountpoint).mkdir(parents=True, exist_ok=True)
            (Path(mountpoint) / "MyDrive").symlink_to(os.environ["FAKE_DRIVE"], target_is_directory=True)
            print("Mounted at " + mountpoint)

        colab = types.ModuleType("google.colab")
        colab.drive = types.SimpleNamespace(mount=mount)
        sys.modules["google.colab"] = colab
        import google
        google.colab = colab

    _coursekit_fake_colab()
    del _coursekit_fake_colab
''')
FAKE_PIP = 'print("(pip stand-in of the Colab emulation: nothing installed)")\n'


def learner_copy(name, work, before_card=(), at_end=()):
    """A copy of a notebook with the learner's own cells: at its end, or before the scorecard's card cell."""
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    cells = [nbformat.v4.new_code_cell(src) for src in before_card]
    if cells:
        i = next(i for i, c in enumerate(nb.cells) if c.source.startswith("card = "))
        nb.cells[i:i] = cells
    nb.cells += [nbformat.v4.new_code_cell(src) for src in at_end]
    path = work / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def run_in_runtime(notebook, tmp_path, fakes, drive, label):
    """papermill in a process of its own, with a fresh HOME (a Colab runtime); returns the executed notebook."""
    home = tmp_path / f"home-{label}"
    startup = home / ".ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-fake-colab.py").write_text(FAKE_COLAB)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COURSEKIT_", "PYTEST_", "XDG_", "IPYTHON", "JUPYTER_", "MPLCONFIGDIR"))}
    env.update(HOME=str(home), PYTHONPATH=os.pathsep.join([str(fakes), str(ROOT)]), FAKE_DRIVE=str(drive),
               COLAB_RELEASE_TAG="release-colab_20260101-060000_RC00", COURSEKIT_HEADLESS="1",
               COURSEKIT_COMMIT=json.dumps(ANSWERS), CARRY=str(tmp_path / "carried"), MOUNT=str(home / "drive"))
    out = tmp_path / f"{label}.ipynb"
    cmd = [sys.executable, "-m", "papermill", str(notebook), str(out), "-k", "python3", "--cwd",
           str(notebook.parent), "-p", "PROFILE", "quick", *SMALL[notebook.stem], "--no-progress-bar"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{label} failed:\n{done.stderr[-4000:]}"
    return nbformat.read(out, as_version=4)


def text_of(cell):
    parts = []
    for o in cell.get("outputs", []):
        parts.append(o.get("text", "") if o.output_type == "stream" else o.get("data", {}).get("text/plain", ""))
    return "".join("".join(p) if isinstance(p, list) else p for p in parts)


@pytest.mark.notebook
def test_colab_runtimes_carry_predictions_by_drive_and_by_export_import(tmp_path):
    fakes, drive, work = tmp_path / "fakes", tmp_path / "MyDrive", tmp_path / "work"
    for d in (fakes / "pip", drive, work, tmp_path / "carried"):
        d.mkdir(parents=True)
    (fakes / "pip" / "__init__.py").write_text("")
    (fakes / "pip" / "__main__.py").write_text(FAKE_PIP)
    learner = ["import os\nck.widgets.export_predictions(os.path.join(os.environ['CARRY'], '{}.json'))",
               "ck.widgets.keep_on_drive(mountpoint=os.environ['MOUNT'])"]
    for lesson in ("01_overfitting", "03_augmentation_regularizes"):
        nb = run_in_runtime(learner_copy(lesson, work, at_end=[c.format(lesson[:2]) for c in learner]),
                            tmp_path, fakes, drive, lesson)
        outputs = [text_of(c) for c in nb.cells if c.cell_type == "code"]
        assert "pip stand-in" in outputs[0], "the first cell should have installed coursekit, as on Colab"
        assert sum(NOTICE in o for o in outputs) == 1, f"{lesson}: the first commit should warn, once"
        notice = next(o for o in outputs if NOTICE in o)
        assert "deleted with the runtime" in notice and "keep_on_drive()" in notice
        assert "now kept on Google Drive" in outputs[-1]

    card = learner_copy("09_scorecard", work, before_card=[
        "import os\nck.widgets.keep_on_drive(mountpoint=os.environ['MOUNT'])"])
    nb = run_in_runtime(card, tmp_path, fakes, drive, "09-with-drive")
    shown = text_of(next(c for c in nb.cells if c.source.startswith("card = ")))
    assert "You predicted 3 of" in shown, shown
    for qid, answer in ANSWERS.items():
        assert any(qid in line for line in shown.splitlines()) and f"predicted: {answer}" in shown, (qid, shown)

    card = learner_copy("09_scorecard", work, before_card=[
        "print(ck.widgets.scorecard())",
        "import os\nfor f in sorted(os.listdir(os.environ['CARRY'])):\n"
        "    ck.widgets.import_predictions(os.path.join(os.environ['CARRY'], f))"])
    nb = run_in_runtime(card, tmp_path, fakes, drive, "09-without-drive")
    before = text_of(next(c for c in nb.cells if c.source.startswith("print(ck.widgets.scorecard())")))
    assert "You have not committed any prediction yet" in before and "keep_on_drive()" in before
    shown = text_of(next(c for c in nb.cells if c.source.startswith("card = ")))
    assert "You predicted 3 of" in shown, shown
    assert all(f"predicted: {answer}" in shown for answer in ANSWERS.values()), shown
