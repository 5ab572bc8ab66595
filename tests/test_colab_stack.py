"""`make test-colab` runs the tests on Colab's stack; these check that stack is really Colab's.

They run only there (COURSEKIT_STACK=colab): Python 3.13 with requirements-colab.txt's versions, and
coursekit installed from the checkout with pip, not editable, as Colab's first cell installs it, having
replaced none of Colab's packages (its lower bounds, pyproject.toml, are met by Colab's versions).
"""
import os
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(os.environ.get("COURSEKIT_STACK") != "colab",
                                reason="checks the Colab stack: run by `make test-colab`")


def _pins(path):
    pins = {}
    for line in path.read_text().splitlines():
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line.strip())
        if m:
            pins[canonicalize_name(m.group(1))] = m.group(2)
    return pins


def test_python_is_colabs():
    assert sys.version_info[:2] == (3, 13)


def test_every_package_is_at_colabs_version():
    colab = _pins(ROOT / "constraints-colab.txt")
    wanted = _pins(ROOT / "requirements-colab.txt")
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    assert {n: v for n, v in wanted.items() if installed.get(n) != v} == {}
    # Installing coursekit (with its loose dependencies) replaced nothing Colab has.
    replaced = {n: (installed[n], v) for n, v in colab.items() if n in installed and installed[n] != v}
    assert not replaced, f"installing coursekit changed Colab's packages (installed, Colab's): {replaced}"


def test_coursekit_is_installed_like_colabs_first_cell_installs_it():
    from coursekit import course

    dist = metadata.distribution("coursekit")
    assert dist.version == course.RELEASE
    direct = dist.read_text("direct_url.json") or ""
    assert '"editable": true' not in direct, "Colab installs coursekit with pip, not editable"
    files = [str(f) for f in dist.files or []]
    assert any(f.endswith("data_files/basic_motions/README.md") or "data_files/" in f for f in files), (
        "the installed coursekit lacks its data files")
