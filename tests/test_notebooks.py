"""Every notebook runs top to bottom with papermill in the quick profile, and records what it measured.

(nbval checks the same notebooks' deterministic outputs: `make test` passes --nbval-lax notebooks.)
"""
import nbformat
import pytest

from coursekit import course

NOTEBOOKS = course.notebook_paths()

# What the course promises its quick profile shows, checked on the figures each notebook recorded.
PROMISES = {
    "03_augmentation_regularizes.ipynb": [
        ("augmentation raises mean validation accuracy", lambda f: f["val_acc_aug"] > f["val_acc_none"]),
        ("augmentation shrinks the mean train/validation gap", lambda f: f["gap_aug"] < f["gap_none"]),
    ],
    "06_limits_and_pitfalls.ipynb": [
        ("the most extreme strength scores below the best one",
         lambda f: f["val_acc_extreme_strength"] < f["val_acc_best_strength"]),
        ("the label-aware flip removes 6/9 confusions", lambda f: f["six_nine_confusions_fix"] < f["six_nine_confusions_bug"]),
    ],
}


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_in_quick_profile(path, out_dir):
    out, figures, seconds = course.execute(path, f"{out_dir}/notebooks", profile="quick")
    nb = nbformat.read(out, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    print(f"{path.name}: {seconds:.0f} s, figures {figures}")
    if path.name[:2].isdigit() and path.name[:2] != "00":
        assert figures, f"{path.name} recorded no headline figures (call coursekit.record)"
    for promise, holds in PROMISES.get(path.name, []):
        assert holds(figures), f"{path.name}: expected that {promise}; measured {figures}"
