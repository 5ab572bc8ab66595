"""Run the whole course headlessly, and keep the notebooks' shared cells in one place.

    python -m coursekit.course run [--out outputs/course] [--profile quick|full|auto] [--epochs N] [--seeds N]
                                   [--jobs N] [NOTEBOOK ...]
    python -m coursekit.course refresh NOTEBOOK ...   # execute (quick) and keep only checked outputs
    python -m coursekit.course sync                   # rewrite every notebook's Colab badge and first cell

A notebook reports its headline figures with ``coursekit.record(name=value, ...)``; ``run``
collects them and prints a summary per notebook.
"""
import argparse
import ast
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
# The repository learners open on Colab and Binder, and the release they get: set here, and only here.
# A release is a git tag of REPO: the badges open the notebooks of that tag and the first cell installs
# coursekit from that same tag, so a learner never gets notebooks and toolkit from two different commits.
# pyproject.toml reads its version from RELEASE. To cut a release: change RELEASE, run
# `python -m coursekit sync`, commit, then tag that commit TAG and push the tag.
REPO = "augment-course/augment-course"
RELEASE = "0.2.0"
TAG = f"v{RELEASE}"
RECORD_ENV = "COURSEKIT_RECORD"
# When set, execute() appends one JSON line per notebook execution to this file (the tests count them).
EXECUTION_LOG_ENV = "COURSEKIT_EXECUTION_LOG"
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"


def colab_url(relpath):
    return f"https://colab.research.google.com/github/{REPO}/blob/{TAG}/{relpath}"


def colab_badge(relpath):
    """Markdown for the 'Open in Colab' badge of the notebook at relpath (e.g. notebooks/00_setup.ipynb)."""
    return (f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({colab_url(relpath)})")


def binder_url(relpath="notebooks/00_setup.ipynb"):
    return f"https://mybinder.org/v2/gh/{REPO}/{TAG}?urlpath=lab/tree/{relpath}"


def install_spec():
    """What the first cell asks pip for: coursekit at the release tag (never a moving branch)."""
    return f"coursekit @ git+https://github.com/{REPO}@{TAG}"


def first_cell_source():
    """The first code cell of every notebook: on Colab, install coursekit's release; elsewhere, do nothing.

    Only coursekit and its loose dependencies: Colab keeps its own TensorFlow, Keras and IPython.
    """
    return (
        f"# Colab only: install coursekit {TAG} next to Colab's own TensorFlow. Binder and a laptop skip this.\n"
        "import sys\n"
        "if \"google.colab\" in sys.modules:\n"
        "    import subprocess\n"
        "    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"-q\",\n"
        f"                    \"{install_spec()}\"], check=True)"
    )


def record(**figures):
    """Record a notebook's headline figures (numbers it measured) for the course summary.

    A ``Verdict`` is recorded whole (per-seed values, interval, outcome and sentence) so that the course
    summary prints it and the tests can recompute it independently. Prints the figures, and when the
    course runner set COURSEKIT_RECORD, appends them to that JSON file.
    """
    import numbers

    from .base.verdict import Verdict

    clean = {}
    for k, v in figures.items():
        if isinstance(v, Verdict):
            clean[k] = v.as_record()
        elif isinstance(v, numbers.Integral) and not isinstance(v, bool):
            clean[k] = int(v)
        elif isinstance(v, str):
            clean[k] = v
        else:
            try:  # floats, NumPy scalars, 0-d tensors
                clean[k] = round(float(v), 4)
            except (TypeError, ValueError):
                clean[k] = str(v)
    print("Recorded: " + ", ".join(f"{k} = {v['sentence'] if isinstance(v, dict) else v}" for k, v in clean.items()))
    path = os.environ.get(RECORD_ENV)
    if path:
        p = Path(path)
        old = json.loads(p.read_text()) if p.exists() else {}
        old.update(clean)
        p.write_text(json.dumps(old, indent=1))
    return clean


def is_verdict(value):
    """True for a figure that ``record`` stored from a Verdict."""
    return isinstance(value, dict) and value.get("kind") == "verdict"


def notebook_paths(names=None):
    """The course's notebooks in order (lessons, then exercises), or those named."""
    if names:
        paths = [Path(n) if Path(n).exists() else NOTEBOOKS / n for n in names]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise SystemExit(f"No such notebook: {', '.join(missing)}")
        return paths
    return sorted(p for p in NOTEBOOKS.glob("*.ipynb") if not p.name.startswith("_"))


def _log_execution(path, out, params):
    """Append {notebook, parameters, out, pid} to the file named by COURSEKIT_EXECUTION_LOG, if set."""
    log = os.environ.get(EXECUTION_LOG_ENV)
    if log:
        entry = {"event": "execute", "notebook": Path(path).name, "parameters": params, "out": str(out),
                 "pid": os.getpid()}
        with open(log, "a") as f:
            f.write(json.dumps(entry, sort_keys=True, default=str) + "\n")


def execute(path, out_dir, profile="auto", parameters=None, timeout=1800):
    """Execute one notebook with papermill; return (output path, recorded figures, seconds).

    Every call is logged (before it runs, so a failed run counts too) when COURSEKIT_EXECUTION_LOG names a file.
    """
    import papermill as pm

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / Path(path).name
    rec = out_dir / (Path(path).stem + ".figures.json")
    rec.unlink(missing_ok=True)
    params = {"PROFILE": profile, **(parameters or {})}
    _log_execution(path, out, params)
    # The run's own prediction record, never the learner's (coursekit.widgets.record).
    predictions = out_dir / (Path(path).stem + ".predictions.json")
    predictions.unlink(missing_ok=True)
    shutil.rmtree(predictions.with_suffix(""), ignore_errors=True)  # its folder of commits (widgets/record.py)
    compares = out_dir / (Path(path).stem + ".compares.jsonl")  # one line per ck.train.compare call
    compares.unlink(missing_ok=True)
    # COURSEKIT_HEADLESS: nobody clicks, so no "predict before you run" question holds Run all back.
    env = {RECORD_ENV: str(rec.resolve()), "COURSEKIT_PREDICTIONS": str(predictions.resolve()),
           "COURSEKIT_COMPARE_LOG": str(compares.resolve()), "COURSEKIT_HEADLESS": "1"}
    env_before = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    start = time.perf_counter()
    try:
        pm.execute_notebook(str(path), str(out), parameters=params, kernel_name="python3",
                            cwd=str(Path(path).parent), progress_bar=False, execution_timeout=timeout)
    finally:
        for k, v in env_before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    seconds = time.perf_counter() - start
    figures = json.loads(rec.read_text()) if rec.exists() else {}
    return out, figures, seconds


def declared_parameters(path):
    """The names a notebook's ``parameters`` cell assigns (what papermill can set)."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    cell = next((c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if cell is None:
        return set()
    return {t.id for node in ast.parse(cell.source).body if isinstance(node, ast.Assign)
            for t in node.targets if isinstance(t, ast.Name)}


def seed_lists(names):
    """The declared parameters that hold a list of training seeds: by convention their names end in SEEDS."""
    return sorted(n for n in names if n.endswith("SEEDS"))


def short_run_parameters(path, epochs=None, seeds=None, extra=None):
    """What ``run(..., epochs, seeds, parameters)`` sets in one notebook, among the parameters it declares, or None.

    epochs: EPOCHS. seeds: every seed list (SEEDS, SWEEP_SEEDS) becomes [0, ..., seeds - 1], the first ``seeds``
    seeds of the profile's list: every profile's seed lists count 0, 1, 2, ... (a test checks).
    extra: {NAME: value} set where the notebook declares NAME.
    """
    declared = declared_parameters(path)
    params = {k: v for k, v in (extra or {}).items() if k in declared}
    if epochs is not None and "EPOCHS" in declared:
        params["EPOCHS"] = epochs
    if seeds is not None:
        params.update({name: list(range(seeds)) for name in seed_lists(declared)})
    return params or None


def _execute_or_say_why(path, out_dir, profile, parameters):
    """execute(), for run(): (output path, figures, seconds, None), or (None, {}, 0, one line saying why it failed)."""
    try:
        return (*execute(path, out_dir, profile, parameters=parameters), None)
    except Exception as e:  # report and go on: one broken notebook should not hide the others
        return None, {}, 0.0, f"{type(e).__name__}: {str(e).strip().splitlines()[-1] if str(e).strip() else ''}"


def _executions(paths, out_dir, profile, params, jobs):
    """The results of _execute_or_say_why for each path, in order; with jobs > 1, that many notebooks at once."""
    if jobs == 1:
        for path in paths:
            yield _execute_or_say_why(path, out_dir, profile, params[path])
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: this process has imported TensorFlow (pick_profile), which does not survive a fork
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_execute_or_say_why, str(path), str(out_dir), profile, params[path]) for path in paths]
        for future in futures:
            yield future.result()


def run(names=None, out_dir="outputs/course", profile="auto", record_times=True, epochs=None, seeds=None, jobs=1,
        parameters=None):
    """Execute every notebook and print what each measured. Returns 0 if all ran, else 1.

    record_times: store each notebook's time in notebooks/timings.json and rewrite the headers' Time lines
    (what ``make course`` does; test runs on other stacks pass False).
    epochs: set EPOCHS in every notebook that declares it: a short run that checks every cell works (on
    another stack, say) but whose numbers are not the profile's; its times are never recorded.
    seeds: keep only the first ``seeds`` seeds of every seed list a notebook declares (SEEDS, SWEEP_SEEDS), for the
    same kind of short run; at least 3, the fewest a verdict pairs. Its times are never recorded either.
    jobs: execute that many notebooks at once (each in its own kernel); times of notebooks that shared the machine
    are never recorded.
    parameters: {NAME: value} set in every notebook that declares NAME (e.g. {"WIDTH": 8}); times never recorded.
    """
    from . import device, timings
    from .base.verdict import MIN_PAIRS

    # (no coursekit import at module level: site/build.py loads this file on its own)
    for name, value, low in (("epochs", epochs, 1), ("seeds", seeds, MIN_PAIRS), ("jobs", jobs, 1)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            why = f": every verdict pairs at least {MIN_PAIRS} seeds" if name == "seeds" else ""
            raise ValueError(f"{name} must be a whole number of at least {low}{why}; got {value!r}.")
        if name != "jobs" or value > 1:
            record_times = False
    failures = 0
    summary = []
    resolved = device.pick_profile(profile, verbose=False)  # what "auto" means on this machine
    paths = notebook_paths(names)
    unknown = sorted(set(parameters or {}) - set().union(*(declared_parameters(p) for p in paths)))
    if unknown:
        raise ValueError(f"no notebook run here declares the parameter {unknown[0]}, so it would set nothing.")
    record_times = record_times and not parameters
    params = {path: short_run_parameters(path, epochs, seeds, parameters) for path in paths}
    results = _executions(paths, out_dir, profile, params, jobs)
    for path in paths:
        print(f"\n=== {path.name}", flush=True)
        out, figures, seconds, failed = next(results)
        if failed:
            failures += 1
            print(f"FAILED: {failed}")
            summary.append((path.name, "FAILED", {}))
            continue
        print(f"ran in {seconds:.0f} s -> {out}")
        if record_times:
            timings.record(path.name, resolved, seconds)
        for k, v in figures.items():
            print(f"  {k:<40} {v['sentence'] if is_verdict(v) else v}")
        summary.append((path.name, f"{seconds:.0f} s", figures))
    if record_times:
        timings.sync_headers(notebook_paths(names))
    print("\n=== Course summary: time per notebook, and every verdict with its 95% interval")
    for name, status, figures in summary:
        verdicts = {k: v for k, v in figures.items() if is_verdict(v)}
        print(f"{name:<40} {status:>8}  {len(figures)} figures recorded, {len(verdicts)} verdicts")
        for k, v in verdicts.items():
            print(f"    {k}: {v['sentence']}")
    return 1 if failures else 0


def strip_outputs(nb):
    """Remove outputs except in cells marked NBVAL_CHECK_OUTPUT (those the notebook tests compare)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if CHECK_MARK not in cell.source:
            cell.outputs = []
            cell.execution_count = None
        # A checked cell keeps its execution count: it shows the cell was refreshed, not left empty.
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return nb


def refresh(paths):
    """Execute notebooks in the quick profile and store only the checked outputs (the tests compare them)."""
    import nbformat

    for path in paths:
        out, _, seconds = execute(path, ROOT / "build" / "refresh", profile="quick")
        nb = nbformat.read(out, as_version=4)
        nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
        nbformat.write(strip_outputs(nb), path)
        print(f"refreshed {path} ({seconds:.0f} s)")


def sync():
    """Rewrite every notebook's first code cell and Colab badge, and the README's badges, from REPO and TAG."""
    import re

    import nbformat

    for path in notebook_paths():
        nb = nbformat.read(path, as_version=4)
        rel = path.relative_to(ROOT).as_posix()
        code = [c for c in nb.cells if c.cell_type == "code"]
        if code:
            code[0].source = first_cell_source()
        for c in nb.cells:
            if c.cell_type == "markdown" and "colab-badge.svg" in c.source:
                c.source = re.sub(r"\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)", colab_badge(rel), c.source)
        nbformat.write(nb, path)
        print(f"synced {rel}")
    from . import sections

    index = ROOT / "coursekit" / "data_files" / "sections.json"  # which section makes each name
    sections.write_index(notebook_paths(), index)
    print(f"synced {index.relative_to(ROOT).as_posix()}")
    readme = ROOT / "README.md"
    if readme.exists():  # its two badges (Binder and Colab, at the first lesson) and the install line
        text = re.sub(r"\(https://mybinder\.org/v2/[^)\s]+\)", f"({binder_url()})", readme.read_text())
        text = re.sub(r"\(https://colab\.research\.google\.com/github/[^)\s]+\)",
                      f"({colab_url('notebooks/00_setup.ipynb')})", text)
        text = re.sub(r"coursekit @ git\+https://github\.com/[^\s\"`]+", install_spec(), text)
        readme.write_text(text)
        print("synced README.md")


def _assignments(items):
    """{NAME: value} from --set NAME=VALUE items; the value a Python literal: 8, 0.5, [1, 2], 'text'."""
    out = {}
    for name, sep, text in (item.partition("=") for item in items):
        try:
            out[name] = ast.literal_eval(text) if sep and name.isidentifier() else {}[name]
        except (KeyError, ValueError, SyntaxError):
            raise ValueError(f"--set takes NAME=VALUE with a Python literal, e.g. --set WIDTH=8; got "
                             f"{name + sep + text!r}.") from None
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursekit.course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_run = sub.add_parser("run", help="execute every notebook and print what each measured")
    p_run.add_argument("notebooks", nargs="*")
    p_run.add_argument("--out", default="outputs/course")
    p_run.add_argument("--profile", default="auto", choices=["auto", "quick", "full"])
    p_run.add_argument("--no-timings", action="store_true",
                       help="do not record the times in notebooks/timings.json (nor rewrite the headers)")
    p_run.add_argument("--epochs", type=int, default=None,
                       help="set EPOCHS in every notebook that has it: a shorter run that checks every cell "
                            "works, not the profile's numbers (times are not recorded)")
    p_run.add_argument("--seeds", type=int, default=None,
                       help="keep the first N seeds of every seed list a notebook declares (SEEDS, SWEEP_SEEDS); "
                            "at least 3, the fewest a verdict pairs (times are not recorded)")
    p_run.add_argument("--jobs", type=int, default=1,
                       help="execute N notebooks at once, each in its own kernel (times are not recorded when N > 1)")
    p_run.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="set a parameter in "
                       "every notebook that declares it, e.g. --set WIDTH=8 (times are not recorded)")
    p_ref = sub.add_parser("refresh", help="execute (quick) and keep only NBVAL_CHECK_OUTPUT outputs")
    p_ref.add_argument("notebooks", nargs="+")
    sub.add_parser("sync", help="rewrite every notebook's Colab badge and first cell from the release tag")
    args = parser.parse_args(argv)
    if args.cmd == "run":
        try:
            return run(args.notebooks, args.out, args.profile, record_times=not args.no_timings,
                       epochs=args.epochs, seeds=args.seeds, jobs=args.jobs, parameters=_assignments(args.set))
        except ValueError as e:  # a bad --epochs or --seeds: one sentence, exit status 2
            parser.error(str(e))
    if args.cmd == "refresh":
        refresh(notebook_paths(args.notebooks))
        return 0
    sync()
    return 0


if __name__ == "__main__":
    sys.exit(main())
