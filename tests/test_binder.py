"""Binder: binder/ builds a learner's environment, pinned like the one the course is tested in, and the
README's badge opens it.

repo2docker (what mybinder.org runs) reads binder/runtime.txt for the Python version and installs
binder/requirements.txt with pip from the repository root. JupyterLab 4 loads the ipywidgets
extension from the jupyterlab_widgets package, so no postBuild step is needed.

binder/requirements.txt is the learner's file: requirements.txt's pins (same versions) less the test tools
(TEST_ONLY) and what only they need. Regenerate it after changing requirements.txt with
``.venv/bin/python tests/test_binder.py`` (it writes the file this test expects).
"""
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from coursekit import course, device

# Pins, Python version and installed metadata of the pinned environment (requirements.txt, Python 3.11):
# meaningless on the Colab stack (make test-colab deselects them).
pytestmark = pytest.mark.pinned_env

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
# Test tools: in requirements.txt for `make test`, never in a learner's Binder image.
TEST_ONLY = ("pytest", "playwright", "coverage", "papermill", "nbval", "pylint")
# What a learner's image is for: coursekit's own dependencies (pyproject.toml), JupyterLab with a kernel
# and the widgets' extension, and nbformat (coursekit.course reads notebooks).
LEARNER_ROOTS = ("jupyterlab", "ipykernel", "jupyterlab-widgets", "nbformat")
HEADER = """\
# Binder (repo2docker) environment for augment-course: a LEARNER's environment. Every pin is requirements.txt's
# (the versions `make test` tests), less the test tools (pytest, playwright, coverage, papermill, nbval, pylint)
# and the packages only they need: tests/test_binder.py checks both, and that nothing a learner needs is missing.
# repo2docker runs pip from the repository root, so "-e ." below installs this repository's coursekit
# (editable, so that coursekit finds notebooks/ next to it).
# After changing ../requirements.txt, regenerate this file with: .venv/bin/python tests/test_binder.py
"""


def _lines(path):
    """Requirement lines of a requirements file: no comments, no blank lines."""
    out = []
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if line:
            out.append(line)
    return out


def _pins(lines):
    """{canonical name: '==version'} for the pinned lines; anything else is returned separately."""
    pins, other = {}, []
    for line in lines:
        if line.startswith(("-", ".", "/")) or "://" in line:
            other.append(line)
            continue
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name not in pins, f"{name} is listed twice"
        pins[name] = str(req.specifier)
    return pins, other


def _requires(name, extras=frozenset()):
    """(name, extras) of each dependency of an installed distribution, with its markers evaluated here."""
    out = []
    for text in metadata.distribution(name).requires or []:
        req = Requirement(text)
        if req.marker and not any(req.marker.evaluate({"extra": e}) for e in ("", *sorted(extras))):
            continue
        out.append((canonicalize_name(req.name), frozenset(req.extras)))
    return out


def _closure(roots):
    """Every distribution the roots need, following dependencies (and their extras) recursively."""
    seen, stack = set(), [(canonicalize_name(r), frozenset()) for r in roots]
    while stack:
        item = stack.pop()
        if item not in seen:
            seen.add(item)
            stack.extend(_requires(*item))
    return {name for name, _ in seen}


def learner_pins():
    """{name: '==version'}: requirements.txt's pins that a learner's environment needs."""
    project, _ = _pins(_lines(ROOT / "requirements.txt"))
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    roots = [Requirement(r).name for r in deps] + list(LEARNER_ROOTS)
    needed = _closure(roots)
    return {name: spec for name, spec in project.items() if name in needed}


def expected_binder_file():
    """The text binder/requirements.txt should hold (requirements.txt's own spelling of each pin)."""
    keep = learner_pins()
    pins = [line for line in _lines(ROOT / "requirements.txt") if canonicalize_name(Requirement(line).name) in keep]
    return HEADER + "\n".join(pins) + "\n-e .\n"


def test_binder_pins_are_requirements_txt_pins():
    project, project_other = _pins(_lines(ROOT / "requirements.txt"))
    binder, _ = _pins(_lines(BINDER / "requirements.txt"))
    assert project_other == [], f"requirements.txt should hold only pins, found {project_other}"
    assert len(project) > 50, "requirements.txt should pin the whole environment (pip freeze)"
    extra = sorted(set(binder) - set(project))
    differ = sorted(n for n in set(project) & set(binder) if project[n] != binder[n])
    assert not extra and not differ, (
        f"binder/requirements.txt drifted from requirements.txt: not pinned there {extra}, "
        f"different versions {[(n, project[n], binder[n]) for n in differ]}")
    assert all(spec.startswith("==") for spec in binder.values())


def test_binder_learner_file_holds_no_test_only_package():
    binder, _ = _pins(_lines(BINDER / "requirements.txt"))
    test_tools = [n for n in TEST_ONLY if canonicalize_name(n) in binder]
    assert not test_tools, f"binder/requirements.txt is a learner's image: remove the test tools {test_tools}"
    # Nor what only the test tools need (pytest's pluggy, playwright's greenlet, pylint's astroid ...).
    only_tests = sorted(set(binder) - set(learner_pins()))
    assert not only_tests, f"binder/requirements.txt holds packages no learner needs: {only_tests}"


def test_binder_learner_file_misses_nothing_a_learner_needs():
    binder, _ = _pins(_lines(BINDER / "requirements.txt"))
    missing = sorted(set(learner_pins()) - set(binder))
    assert not missing, f"binder/requirements.txt lacks {missing} (regenerate: .venv/bin/python tests/test_binder.py)"
    for pkg in ("tensorflow", "keras", "ipywidgets", "jupyterlab", "matplotlib", "pandas"):
        assert pkg in binder, f"{pkg} must be in a learner's Binder image"
    assert (BINDER / "requirements.txt").read_text() == expected_binder_file(), (
        "binder/requirements.txt is not what requirements.txt gives: regenerate it with "
        ".venv/bin/python tests/test_binder.py")


def test_binder_installs_coursekit_from_the_repository():
    _, other = _pins(_lines(BINDER / "requirements.txt"))
    # repo2docker runs pip in the repository root, so "." is this repository (pyproject.toml there).
    assert other == ["-e ."], f"binder/requirements.txt should end with '-e .' only, found {other}"
    assert (ROOT / "pyproject.toml").exists()


def test_binder_has_nothing_that_would_override_requirements_txt():
    # repo2docker picks environment.yml, Pipfile or a Dockerfile over requirements.txt.
    for name in ("environment.yml", "Pipfile", "Pipfile.lock", "Dockerfile", "install.R"):
        assert not (BINDER / name).exists(), f"binder/{name} would make repo2docker ignore requirements.txt"
    # JupyterLab 4 needs no build step for widgets: the prebuilt extension ships in jupyterlab_widgets.
    binder, _ = _pins(_lines(BINDER / "requirements.txt"))
    for pkg in ("jupyterlab", "ipywidgets", "jupyterlab-widgets", "ipykernel"):
        assert pkg in binder, f"{pkg} must be pinned for Binder"
    assert binder["jupyterlab"].startswith("==4."), "no postBuild step is needed only on JupyterLab 4"


def test_runtime_python_matches_the_tested_python():
    text = (BINDER / "runtime.txt").read_text().strip()
    m = re.fullmatch(r"python-(\d+)\.(\d+)", text)
    assert m, f"binder/runtime.txt should read like 'python-3.11', got {text!r}"
    version = (int(m.group(1)), int(m.group(2)))
    # The pins were frozen (and are tested) in this interpreter.
    assert version == sys.version_info[:2], (
        f"binder/runtime.txt says Python {version}, tests run on {sys.version_info[:2]}")
    header = (ROOT / "requirements.txt").read_text().splitlines()[0]
    assert f"Python {version[0]}.{version[1]}" in header, f"requirements.txt header disagrees: {header!r}"


def test_binder_url_opens_jupyterlab_at_the_first_notebook():
    url = urlparse(course.binder_url())
    assert url.scheme == "https" and url.netloc == "mybinder.org"
    assert url.path == f"/v2/gh/{course.REPO}/{course.TAG}", "Binder opens the release, not a moving branch"
    urlpath = parse_qs(url.query)["urlpath"][0]
    assert urlpath == "lab/tree/notebooks/00_setup.ipynb"
    assert (ROOT / urlpath.removeprefix("lab/tree/")).exists(), f"{urlpath} is not a notebook in the repository"


def test_readme_binder_badge_is_binder_url():
    readme = ROOT / "README.md"
    assert readme.exists(), "README.md is missing"
    links = re.findall(r"\((https://mybinder\.org/v2/[^)\s]+)\)", readme.read_text())
    assert links, (f"README.md has no Binder badge; add: "
                   f"[![Binder](https://mybinder.org/badge_logo.svg)]({course.binder_url()})")
    assert set(links) == {course.binder_url()}, f"README Binder links {links} != {course.binder_url()}"


@pytest.fixture
def clean_place(monkeypatch):
    """No Colab or Binder markers, whatever machine the tests run on."""
    for var in ("COLAB_RELEASE_TAG", "COLAB_GPU", "BINDER_SERVICE_HOST", "BINDER_LAUNCH_HOST",
                "BINDER_REPO_URL", "COURSE_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    return monkeypatch


def test_setup_banner_on_binder_says_quick_profile_suits_it(clean_place, capsys):
    clean_place.setenv("BINDER_SERVICE_HOST", "10.0.0.1")
    clean_place.setattr(device, "gpus", lambda: [])  # Binder has no GPU
    assert device.where() == "binder"
    info = device.setup(seed=0)
    banner = capsys.readouterr().out
    assert info["where"] == "binder" and info["suggested_profile"] == "quick"
    assert "running on binder" in banner
    assert "suggested profile: quick" in banner
    assert "PROFILE='quick'" in banner, f"the Binder banner should tell learners to keep the quick profile: {banner}"
    assert device.pick_profile("auto", verbose=False) == "quick"


if __name__ == "__main__":  # regenerate binder/requirements.txt from requirements.txt
    (BINDER / "requirements.txt").write_text(expected_binder_file())
    print(f"wrote {BINDER / 'requirements.txt'}")
