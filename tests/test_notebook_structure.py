"""Every notebook opens the same way everywhere: Colab badge to itself, install-on-Colab first cell,
a kernelspec papermill can use, a `parameters` cell with PROFILE, and no stray outputs committed."""
import re
from pathlib import Path

import nbformat
import pytest

from coursekit import course

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = course.notebook_paths()
COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/[^)\s\"']+")


def _rel(path):
    return path.resolve().relative_to(ROOT).as_posix()


def _read(path):
    return nbformat.read(path, as_version=4)


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_colab_badge_points_at_its_own_path(path):
    nb = _read(path)
    rel = _rel(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown", f"{rel}: the first cell should be the title with the Colab badge"
    assert course.colab_badge(rel) in first.source, (
        f"{rel}: the first cell lacks its Colab badge {course.colab_badge(rel)} "
        f"(run: python -m coursekit.course sync)")
    # No badge or link anywhere that opens another notebook (a copy-pasted badge).
    links = [u for c in nb.cells if c.cell_type == "markdown" for u in COLAB_LINK.findall(c.source)]
    assert links and set(links) == {course.colab_url(rel)}, f"{rel}: Colab links {links} point elsewhere"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_installs_coursekit_on_colab_only(path):
    code = [c for c in _read(path).cells if c.cell_type == "code"]
    assert code, f"{_rel(path)} has no code cell"
    assert code[0].source == course.first_cell_source(), (
        f"{_rel(path)}: the first code cell must be coursekit.course.first_cell_source() "
        f"(run: python -m coursekit.course sync)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernelspec_and_parameters_cell(path):
    nb = _read(path)
    spec = nb.metadata.get("kernelspec", {})
    assert spec.get("name") == "python3" and spec.get("language") == "python", (
        f"{_rel(path)}: kernelspec should be python3, got {spec}")
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{_rel(path)}: exactly one cell should be tagged 'parameters', found {len(tagged)}"
    assert tagged[0].cell_type == "code"
    assert re.search(r"^PROFILE\s*=", tagged[0].source, re.M), f"{_rel(path)}: the parameters cell lacks PROFILE = ..."


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_outputs_except_checked_cells(path):
    nb = _read(path)
    stray = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and c.outputs and not c.source.startswith(course.CHECK_MARK)]
    assert not stray, (f"{_rel(path)}: cells {stray} carry outputs; commit only '{course.CHECK_MARK}' outputs "
                       f"(run: python -m coursekit.course refresh {_rel(path)})")
