"""The site builder (site/build.py) picks the right executed notebooks and stages honest pages, fast:
no Sphinx, no browser (tests/test_site_browser.py checks the built pages, from `make site`)."""
import importlib.util
import json
import os
import re
from pathlib import Path

import pytest

from coursekit import course

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["00_setup.ipynb", "01_overfitting.ipynb", "ex1_pipeline_pitfalls.ipynb"]
BANNER = "TensorFlow 2.21.0 | Keras 3.15.1 | CPU only (2 cores) | running on local | seed 0"


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load(ROOT / "site" / "build.py", "site_build")
conf = _load(ROOT / "site" / "conf.py", "site_conf")
browser_test = _load(ROOT / "tests" / "test_site_browser.py", "site_browser_test")


def _executed(name, profile="quick", solutions=False, finished=True, error=False):
    params = {"PROFILE": profile, **({"SOLUTIONS": True} if solutions else {})}
    badge = course.colab_badge(f"notebooks/{name}")
    out = {"output_type": "stream", "name": "stdout", "text": f"{BANNER}\nProfile: {profile} (asked for)\n"}
    cells = [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": f"# Title of {name}\n\n{badge}\n\n"
              "**You will be able to:** do things.\n"},
             {"cell_type": "code", "id": "c", "metadata": {}, "execution_count": 1, "source": "x",
              "outputs": [out] + ([{"output_type": "error", "ename": "E", "evalue": "", "traceback": []}]
                                  if error else [])}]
    meta = {"papermill": {"parameters": params, "exception": None,
                          "end_time": "2026-11-28T08:00:00.000000" if finished else None}}
    return {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}


def _write_set(folder, mtime, **kwargs):
    folder.mkdir(parents=True, exist_ok=True)
    for name in NAMES:
        path = folder / name
        path.write_text(json.dumps(_executed(name, **kwargs)))
        os.utime(path, (mtime, mtime))
    return folder


def test_candidate_folders_are_listed_once_and_solutions_never_qualify():
    assert "course" in build.CANDIDATES and any(c.startswith("test/") for c in build.CANDIDATES)
    assert not any(build.SOLUTION_FOLDER.search(c) for c in build.CANDIDATES)


def test_newest_complete_set_wins(tmp_path):
    _write_set(tmp_path / "course", 1_000)
    _write_set(tmp_path / "test" / "notebooks", 2_000)
    folder, found = build.pick_executed(tmp_path, NAMES)
    assert folder == tmp_path / "test" / "notebooks" and set(found) == set(NAMES)
    os.utime(tmp_path / "course" / NAMES[0], (3_000, 3_000))
    assert build.pick_executed(tmp_path, NAMES)[0] == tmp_path / "course"


@pytest.mark.parametrize("spoil", ["missing", "unfinished", "error", "solutions"])
def test_an_incomplete_or_solutions_set_is_never_picked(tmp_path, spoil):
    _write_set(tmp_path / "course", 1_000)
    newer = _write_set(tmp_path / "test" / "notebooks", 2_000)
    bad = newer / "ex1_pipeline_pitfalls.ipynb"
    if spoil == "missing":
        bad.unlink()
    else:
        kwargs = {"unfinished": {"finished": False}, "error": {"error": True}, "solutions": {"solutions": True}}
        bad.write_text(json.dumps(_executed(bad.name, **kwargs[spoil])))
        os.utime(bad, (2_000, 2_000))
    assert build.pick_executed(tmp_path, NAMES)[0] == tmp_path / "course"


def test_a_solutions_folder_is_skipped_even_if_newest(tmp_path):
    _write_set(tmp_path / "course", 1_000)
    _write_set(tmp_path / "test" / "solutions", 5_000)
    assert build.pick_executed(tmp_path, NAMES, candidates=("test/solutions", "course"))[0] == tmp_path / "course"


def test_no_executed_set_says_what_to_run(tmp_path):
    with pytest.raises(SystemExit, match="make test"):
        build.pick_executed(tmp_path, NAMES)


def test_provenance_comes_from_the_run_itself():
    prov = build.provenance(_executed("00_setup.ipynb", profile="full"))
    assert prov["profile"] == "full"
    assert prov["machine"].startswith("TensorFlow 2.21.0 | Keras 3.15.1 | CPU only (2 cores)")
    assert prov["executed"] == "2026-11-28 08:00"


def test_staged_page_has_launch_links_provenance_and_no_network_image():
    name = "01_overfitting.ipynb"
    nb = build.stage_notebook(_executed(name), name, build.provenance(_executed(name)))
    text = json.dumps(nb)
    assert "colab-badge.svg" not in text, "the badge image would be fetched from the network"
    note = nb["cells"][1]["source"]
    assert course.colab_url(f"notebooks/{name}") in note and course.binder_url(f"notebooks/{name}") in note
    assert "**quick** profile" in note and BANNER.split(" | seed")[0] in note
    assert not re.search(r"!\[[^\]]*\]\(https?://", text), "no image from the network on a page"


def test_a_widget_without_saved_state_shows_its_text_not_an_empty_box():
    name = "00_setup.ipynb"
    nb = _executed(name)
    view = {"model_id": "m1", "version_major": 2, "version_minor": 0}
    nb["cells"][1]["outputs"] = [
        {"output_type": "display_data", "metadata": {},
         "data": {build.WIDGET_VIEW: view, "text/plain": "VBox(...)"}},
        {"output_type": "display_data", "metadata": {},
         "data": {build.WIDGET_VIEW: {**view, "model_id": "gone"}, "text/plain": "HBox(...)"}}]
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"m1": {}}}}
    outs = build.stage_notebook(nb, name, build.provenance(nb))["cells"][2]["outputs"]
    assert build.WIDGET_VIEW in outs[0]["data"], "a saved widget is rendered from its state"
    assert list(outs[1]["data"]) == ["text/plain"]


def test_landing_page_has_the_course_map():
    pages = [("00_setup", "00 · Setup", "set up"), ("ex1_pipeline_pitfalls", "Exercise 1", "fix pipelines")]
    page = build.landing_page(pages, build.provenance(_executed("00_setup.ipynb")))
    assert "## Course map" in page and "| [Exercise 1](ex1_pipeline_pitfalls) | fix pipelines |" in page
    assert course.binder_url() in page and course.colab_url("notebooks/00_setup.ipynb") in page
    assert "**quick** profile" in page and "unfilled" in page


def test_sphinx_config_never_executes_and_loads_no_cdn_script():
    assert conf.nb_execution_mode == "off"
    assert conf.nb_ipywidgets_js and not any("//" in url for url in conf.nb_ipywidgets_js)
    assert conf.extensions == ["myst_nb"] and conf.html_theme == "sphinx_book_theme"


def test_vendored_scripts_are_pinned_with_registry_checksums():
    for package, version, integrity in build.VENDOR:
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), package
        assert integrity.startswith("sha512-") and len(integrity) == 95, f"{package}: pin npm's sha512 integrity"


def test_site_requirements_are_pinned():
    lines = [ln for ln in (ROOT / "requirements-site.txt").read_text().splitlines() if ln and not ln.startswith("#")]
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==\S+", ln) for ln in lines), "requirements-site.txt: pins only"
    names = {ln.split("==")[0].lower() for ln in lines}
    assert {"sphinx", "myst-nb", "sphinx-book-theme"} <= names
    assert "tensorflow" not in names, "the site executes nothing: it needs no TensorFlow"


@pytest.mark.parametrize("scale, unit", [(1.0, ""), (100, " points")])
def test_browser_test_recognises_the_verdict_sentence(scale, unit):
    from coursekit.base import verdict

    for a, b in [([0.90, 0.91, 0.92], [0.93, 0.95, 0.94]), ([0.90, 0.95, 0.92], [0.93, 0.91, 0.92])]:
        line = verdict.paired(a, b, a="none", b="standard").sentence(scale=scale, unit=unit)
        assert re.search(browser_test.VERDICTS[0], line), line
    assert re.search(browser_test.VERDICTS[1], "standard minus none: +0.012 (largest sd 0.010)")
    assert not any(re.search(p, "Recorded: val_acc = 0.95") for p in browser_test.VERDICTS)
