"""Honest install paths: one release tag, set once (coursekit.course.RELEASE), is what every notebook's Colab
cell installs, what the badges open and what pyproject.toml's version says; the README tells learners the
truth about Colab (do not install requirements.txt there) and about Binder's limits."""
import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest

import coursekit
from coursekit import course

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
INSTALL = re.compile(r"git\+https://github\.com/([^\s\"'@]+)@([^\s\"']+?)\\?\"")


def _first_code_source(path):
    cells = json.loads(Path(path).read_text())["cells"]
    code = next(c for c in cells if c["cell_type"] == "code")
    return "".join(code["source"]) if isinstance(code["source"], list) else code["source"]


def test_release_tag_is_set_once_and_is_a_version_tag():
    assert re.fullmatch(r"\d+\.\d+\.\d+", course.RELEASE), f"RELEASE should read like 0.2.0, got {course.RELEASE!r}"
    assert course.TAG == f"v{course.RELEASE}"
    assert coursekit.__version__ == course.RELEASE
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"], (
        "pyproject.toml must read its version from coursekit.course.RELEASE, not state its own")
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "coursekit.course.RELEASE"}


@pytest.mark.parametrize("path", course.notebook_paths(), ids=lambda p: p.name)
def test_every_colab_cell_installs_the_release_tag(path):
    installs = INSTALL.findall(_first_code_source(path))
    assert installs == [(course.REPO, course.TAG)], (
        f"{path.name}: the Colab cell installs {installs}, expected coursekit at the release tag "
        f"{course.TAG} (run: python -m coursekit sync)")
    text = path.read_text()
    assert "@main" not in text and "/blob/main/" not in text, f"{path.name} still points at the moving branch main"


def test_readme_badges_open_the_release():
    assert f"/blob/{course.TAG}/notebooks/00_setup.ipynb" in README
    assert course.binder_url() in README
    assert course.install_spec() in README, "README's Colab section should show the exact install line"
    assert "/blob/main/" not in README and "/gh/augment-course/augment-course/main" not in README


def test_sync_rewrites_stale_cells_and_badges_from_the_tag(tmp_path, monkeypatch):
    """A notebook still installing @main (and its badge on main) comes back on the release tag."""
    (tmp_path / "notebooks").mkdir()
    src = course.notebook_paths()[0]
    stale = src.read_text().replace(course.TAG, "main")
    assert "@main" in stale
    (tmp_path / "notebooks" / src.name).write_text(stale)
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    monkeypatch.setattr(course, "ROOT", tmp_path)
    monkeypatch.setattr(course, "NOTEBOOKS", tmp_path / "notebooks")
    course.sync()
    synced = tmp_path / "notebooks" / src.name
    assert _first_code_source(synced) == course.first_cell_source()
    assert course.colab_badge(f"notebooks/{src.name}") in synced.read_text()
    assert (tmp_path / "README.md").read_text() == README, "sync changed a README that was already in sync"


def _section(title):
    m = re.search(rf"^##+ {title}.*?(?=^## |\Z)", README, re.M | re.S)
    assert m, f"README.md has no section '{title}'"
    return m.group(0)


def test_readme_warns_not_to_install_requirements_txt_on_colab():
    text = _section("Colab")
    assert re.search(r"not\W+install\W+`?requirements\.txt`?", text, re.I), (
        "README's Colab section must warn: do not install requirements.txt on Colab")
    # ... and say why: it would replace the TensorFlow/IPython that Colab's runtime and frontend are built for.
    for word in ("TensorFlow", "IPython", "restart"):
        assert word in text, f"README's Colab warning should say why (mention {word})"


def test_readme_states_binders_real_limits():
    text = _section("Binder")
    assert re.search(r"1\s*(to|-|–)\s*2\s*GB", text), "README must state Binder's memory: 1 to 2 GB"
    assert re.search(r"10 minutes", text) and re.search(r"idle|inactiv", text, re.I), (
        "README must state that Binder shuts down after 10 minutes idle")
    assert "quick" in text, "README should tell Binder users to keep PROFILE='quick'"


def _pins(path):
    pins = {}
    for line in path.read_text().splitlines():
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line.strip())
        if m:
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def test_lower_bounds_are_the_versions_tested():
    """Each dependency's lower bound is the oldest version tested (Colab's), and the pins are above it."""
    from packaging.requirements import Requirement
    from packaging.version import Version

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    colab, pinned = _pins(ROOT / "requirements-colab.txt"), _pins(ROOT / "requirements.txt")
    for dep in map(Requirement, deps):
        name = dep.name.lower()
        lows = [Version(s.version) for s in dep.specifier if s.operator == ">="]
        assert len(lows) == 1 and len(dep.specifier) == 1, f"{dep}: give exactly one lower bound, no pin"
        assert name in colab, f"{name} is not pinned in requirements-colab.txt: its lower bound is untested"
        assert lows[0] == Version(colab[name]), (
            f"{dep}: the lower bound should be the version tested on the Colab stack, {colab[name]}")
        assert Version(pinned[name]) >= lows[0], f"requirements.txt pins {name} below its lower bound"


def test_ci_runs_the_readmes_test_commands_in_order():
    ci = (ROOT / ".ci" / "run").read_text()
    commands = re.findall(r"^step \d+ (make [\w-]+)", ci, re.M)
    assert commands == ["make test", "make test-colab", "make site"], commands
    readme = _section("For developers")
    assert [c for c in re.findall(r"^(make [\w-]+)", readme, re.M)] == commands, (
        "the README's test commands and .ci/run disagree")
    makefile = (ROOT / "Makefile").read_text()
    for target in ("test", "test-colab", "site"):
        assert re.search(rf"^{target}:", makefile, re.M), f"the Makefile has no target {target}"
