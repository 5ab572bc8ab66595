"""Build the course website from executed notebooks, offline, without executing anything.

    python site/build.py [--outputs outputs] [--from DIR] [--out build/site]

1. Pick the executed copies: the newest *complete* set among CANDIDATES (one folder that holds an executed
   copy of every notebook in notebooks/, none failed, none a SOLUTIONS=True run). `make test` and
   `make course` write such sets; whichever ran last wins.
2. Stage them in build/site-src/: each page gets its Colab and Binder launch links, and a line saying
   which profile and which machine produced its outputs (read from the run itself: papermill's parameters
   and coursekit.device.setup()'s banner). Images that would come from the network (the Colab badge) become
   plain links. A landing page with the course map is written from the notebooks' title cells.
3. Vendor the scripts that render the saved widget state (npm's @jupyter-widgets/html-manager and
   requirejs, checked against their registry checksums) into the site, so that no page loads anything
   from a CDN.
4. Run Sphinx (MyST-NB, sphinx-book-theme; versions in requirements-site.txt) with execution off.
"""
import argparse
import base64
import hashlib
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(__file__).resolve().parent

def _load_course():
    """coursekit/course.py alone (launch links, release tag, notebook list): the site's environment has no
    TensorFlow, and importing the coursekit package would import it."""
    spec = importlib.util.spec_from_file_location("coursekit_course", ROOT / "coursekit" / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


course = _load_course()

# Where runs write executed notebooks, relative to --outputs (the Makefile's OUT). Newest complete set wins.
# Adjust here, and only here, when a test run changes where it writes its copies.
CANDIDATES = (
    "test/notebooks",    # make test: tests/test_notebooks.py (lessons, and exercises unfilled)
    "test/unfilled",     # a test run that keeps exercises' unfilled copies apart from their solutions
    "test/lessons",
    "course",            # make course: python -m coursekit run --out outputs/course
)
# Solutions runs never make pages: a folder whose name says so is skipped, and so is any copy run with
# SOLUTIONS=True (checked in the copy's own papermill parameters).
SOLUTION_FOLDER = re.compile(r"solution", re.I)
# The widget manager and its loader, from the npm registry: (package, version, sha512 of the tarball).
VENDOR = (
    ("@jupyter-widgets/html-manager", "1.0.15",  # BSD-3-Clause; for ipywidgets 8's saved state
     "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA=="),
    ("requirejs", "2.3.8",  # MIT
     "sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw=="),
)
VENDOR_CACHE = ROOT / "build" / "site-vendor"
BADGE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\(([^)]*)\)")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
BANNER = re.compile(r"^TensorFlow \S+ \| Keras \S+ \|.*$", re.M)


def _read(path):
    return json.loads(Path(path).read_text())


def _text(source):
    return "".join(source) if isinstance(source, list) else source


def _is_solutions_run(nb):
    params = nb.get("metadata", {}).get("papermill", {}).get("parameters", {})
    return bool(params.get("SOLUTIONS"))


def _failed(nb):
    """True unless papermill finished the notebook (it writes the copy as it goes) without an error."""
    pm = nb.get("metadata", {}).get("papermill", {})
    if pm.get("exception") or not pm.get("end_time"):
        return True
    return any(o.get("output_type") == "error" for c in nb["cells"] for o in c.get("outputs", []))


def executed_set(folder, names):
    """{name: path} if folder holds a good executed copy of every notebook named, else None."""
    folder = Path(folder)
    if SOLUTION_FOLDER.search(folder.name) or not folder.is_dir():
        return None
    found = {}
    for name in names:
        path = folder / name
        if not path.exists():
            return None
        nb = _read(path)
        if "papermill" not in nb.get("metadata", {}) or _is_solutions_run(nb) or _failed(nb):
            return None
        found[name] = path
    return found


def pick_executed(outputs, names, candidates=CANDIDATES):
    """(folder, {name: path}) of the newest complete set of executed copies under outputs."""
    sets = []
    for rel in candidates:
        found = executed_set(Path(outputs) / rel, names)
        if found:
            sets.append((max(p.stat().st_mtime for p in found.values()), Path(outputs) / rel, found))
    if not sets:
        raise SystemExit(
            f"No complete set of executed notebooks under {outputs}/{{{','.join(candidates)}}}: "
            f"run `make test` or `make course` first (make site executes nothing).")
    _, folder, found = max(sets, key=lambda s: s[0])
    return folder, found


def provenance(nb):
    """What produced a notebook's outputs: {'profile', 'machine', 'executed'} from the run itself."""
    pm = nb.get("metadata", {}).get("papermill", {})
    profile = pm.get("parameters", {}).get("PROFILE")
    machine = None
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            text = _text(out.get("text", ""))
            m = BANNER.search(text)
            if m and machine is None:
                machine = m.group(0).strip()
            p = re.search(r"^Profile: (\w+)", text, re.M)
            if p:
                profile = p.group(1)
    return {"profile": profile or "unknown", "machine": machine or "not recorded",
            "executed": (pm.get("end_time") or "")[:16].replace("T", " ")}


def _md_cell(source, tag):
    return {"cell_type": "markdown", "id": tag, "metadata": {"tags": [tag]}, "source": source}


def _drop_stateless_widgets(nb):
    """A widget view whose model the run did not save would render as an empty box: show its text instead."""
    widgets = nb.get("metadata", {}).get("widgets", {})
    saved = widgets.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if view is not None and view.get("model_id") not in saved:
                del out["data"][WIDGET_VIEW]


def stage_notebook(nb, name, prov):
    """The page's notebook: launch links and provenance after the title; no images from the network."""
    rel = f"notebooks/{name}"
    _drop_stateless_widgets(nb)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = BADGE.sub(r"[Open in Colab](\1)", _text(cell["source"]))
    launch = (f"**Run this notebook yourself:** [Open in Colab]({course.colab_url(rel)}) · "
              f"[Launch on Binder]({course.binder_url(rel)}) (course release {course.TAG})\n\n"
              f"**The outputs on this page** come from one run in the **{prov['profile']}** profile, "
              f"finished {prov['executed']} UTC, on: `{prov['machine']}`. Your own run will differ a little.")
    nb["cells"].insert(1, _md_cell(launch, "site-launch"))
    for i, cell in enumerate(nb["cells"]):  # nbformat 4.5 wants an id on every cell
        cell.setdefault("id", f"cell-{i}")
    nb["nbformat_minor"] = max(nb.get("nbformat_minor", 5), 5)
    return nb


def _summary(source):
    """One line for the course map: what the learner will do, from the notebook's title cell."""
    lines = [line.strip() for line in _text(source).splitlines()]
    paras, cur = [], []
    for line in lines[1:]:
        if not line:
            if cur:
                paras.append(cur)
            cur = []
        elif not line.startswith(("[![", "[Open in Colab", "|", "**Time")):
            cur.append(line.lstrip("- "))
    paras.append(cur)
    text = " ".join(next((p for p in paras if p), []))
    text = re.sub(r"^\*\*[^*]+\*\*:?\s*", "", text)
    return text if len(text) < 240 else text[:237].rsplit(" ", 1)[0] + " ..."


def landing_page(pages, prov):
    """index.md: the course map, where the outputs come from, and how to run the course."""
    rows = "\n".join(f"| [{title}]({stem}) | {summary} |" for stem, title, summary in pages)
    toc = "\n".join(stem for stem, _, _ in pages)
    return f"""# augment-course: data augmentation as regularization, in TensorFlow

You train the models yourself and watch augmentation narrow the gap between training and validation
accuracy, find where it stops helping, and practise the classic mistakes in exercises that check themselves.
Each page shows a lesson with the tables, figures and verdicts that one run of it produced.

**Run it yourself:** [Open in Colab]({course.colab_url('notebooks/00_setup.ipynb')}) ·
[Launch on Binder]({course.binder_url()}) · on your machine: `make course` (course release {course.TAG}).

**Where these numbers come from:** one run of every notebook in the **{prov['profile']}** profile, on
`{prov['machine']}`, finished {prov['executed']} UTC. Exercise pages show the exercises as a learner gets
them (unfilled), never the solutions.

## Course map

| notebook | what you do |
|---|---|
{rows}

```{{toctree}}
:hidden:
:maxdepth: 1

{toc}
```
"""


def _npm_tarball(package, version, integrity):
    """The package's tarball from the npm registry (cached in build/site-vendor), checked."""
    VENDOR_CACHE.mkdir(parents=True, exist_ok=True)
    name = package.lstrip("@").replace("/", "-") + f"-{version}.tgz"
    path = VENDOR_CACHE / name
    if not path.exists():
        if not shutil.which("npm"):
            raise SystemExit("npm is missing: `make site` installs it (apt-get install npm)")
        subprocess.run(["npm", "pack", "--silent", f"{package}@{version}"], cwd=VENDOR_CACHE, check=True,
                       stdout=subprocess.DEVNULL)
    digest = "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()
    if digest != integrity:
        path.unlink()
        raise SystemExit(f"{name}: checksum {digest} is not the pinned {integrity}")
    return path


def vendor(static):
    """Copy require.js and the html-manager's embed-amd.js (with its fonts) into static/widgets."""
    dest = static / "widgets"  # not _static/vendor: the theme keeps its own files there
    dest.mkdir(parents=True, exist_ok=True)
    for package, version, integrity in VENDOR:
        with tarfile.open(_npm_tarball(package, version, integrity)) as tar:
            for member in tar.getmembers():
                if package == "requirejs" and member.name == "package/require.js":
                    (dest / "require.js").write_bytes(tar.extractfile(member).read())
                elif (package.endswith("html-manager") and member.name.startswith("package/dist/")
                      and not member.name.endswith((".map", "/embed.js", "libembed-amd.js"))):
                    (dest / Path(member.name).name).write_bytes(tar.extractfile(member).read())
    return dest


def build(outputs="outputs", source=None, out=ROOT / "build" / "site"):
    start = time.perf_counter()
    names = [p.name for p in course.notebook_paths()]
    folder, found = (Path(source), executed_set(source, names)) if source else pick_executed(outputs, names)
    if not found:
        raise SystemExit(f"{source} does not hold a good executed copy of every notebook")
    print(f"site: executed notebooks from {folder}")
    src = ROOT / "build" / "site-src"
    shutil.rmtree(src, ignore_errors=True)
    (src / "_static").mkdir(parents=True)
    shutil.copy(SITE / "conf.py", src / "conf.py")
    shutil.copy(SITE / "custom.css", src / "_static" / "custom.css")
    vendor(src / "_static")
    pages, provs = [], {}
    for name, path in found.items():
        nb = _read(path)
        provs[name] = prov = provenance(nb)
        title = _text(nb["cells"][0]["source"]).splitlines()[0].lstrip("# ").strip()
        pages.append((Path(name).stem, title, _summary(nb["cells"][0]["source"])))
        (src / name).write_text(json.dumps(stage_notebook(nb, name, prov), indent=1))
    first = provs[names[0]]
    (src / "index.md").write_text(landing_page(pages, first))
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(out)], check=True)
    meta = {"source": str(Path(folder).resolve().relative_to(ROOT)) if Path(folder).resolve().is_relative_to(ROOT)
            else str(folder), "release": course.TAG, "pages": provs}
    (Path(out) / "provenance.json").write_text(json.dumps(meta, indent=1))
    print(f"site: {len(pages)} pages in {out} ({time.perf_counter() - start:.0f} s); open {out}/index.html")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outputs", default="outputs", help="where runs write executed notebooks (make's OUT)")
    parser.add_argument("--from", dest="source", help="use this folder of executed notebooks instead")
    parser.add_argument("--out", default=str(ROOT / "build" / "site"))
    args = parser.parse_args(argv)
    build(args.outputs, args.source, Path(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
