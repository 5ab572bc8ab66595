"""Every notebook runs top to bottom with papermill in the quick profile, and records what it measured.

(nbval checks the same notebooks' deterministic outputs: `make test` passes --nbval-lax notebooks.)
"""
import nbformat
import pytest

from coursekit import course

NOTEBOOKS = course.notebook_paths()


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
