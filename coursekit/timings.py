"""Measured "Time:" lines: ``make course`` records how long each notebook took, and headers quote only that.

``record(name, profile, seconds)`` writes ``notebooks/timings.json`` (profile, seconds, machine, date);
``sync_headers()`` rewrites the one ``**Time:**`` line in each notebook's first cell from that file, so a
header never promises a time nobody measured. ``python -m coursekit run`` does both.
"""
import datetime
import json
import os
import platform
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMINGS_FILE = ROOT / "notebooks" / "timings.json"
PROFILES = ("quick", "full")
TIME_LINE = re.compile(r"^\*\*Time[^\n]*(\n(?!\n)[^\n]*)*", re.M)  # the line and its continuation lines
TABLE_ROW = re.compile(r"^\| *time *\|[^\n]*\n", re.M)


def machine():
    """A short description of this machine: OS, processor, cores, GPUs."""
    from . import device

    gpus = device.gpus()
    gpu = f"{len(gpus)} GPU ({gpus[0].name})" if gpus else "no GPU"
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores, {gpu}"


def load(path=TIMINGS_FILE):
    path = Path(path)
    return json.loads(path.read_text()) if path.exists() else {p: {} for p in PROFILES}


def record(name, profile, seconds, path=TIMINGS_FILE, where=None):
    """Store one notebook's measured time for a profile ('quick' or 'full')."""
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {PROFILES}; got {profile!r}.")
    table = load(path)
    table.setdefault(profile, {})[name] = {"seconds": round(float(seconds), 1), "machine": where or machine(),
                                           "date": datetime.date.today().isoformat()}
    Path(path).write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    return table


def _fmt(seconds):
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min"


def header_line(name, table=None):
    """The header's time line for one notebook, from the measured timings only."""
    table = load() if table is None else table
    parts = []
    for profile in PROFILES:
        t = table.get(profile, {}).get(name)
        parts.append(f"{profile} profile {_fmt(t['seconds'])} ({t['machine']}, {t['date']})" if t
                     else f"{profile} profile not measured yet")
    extra = " Add your own reading and exercise time." if name.startswith("ex") else ""
    return f"**Time:** computing time measured by `make course`: {'; '.join(parts)}.{extra}"


def sync_headers(paths, table=None):
    """Rewrite each notebook's time line (first cell) from the timings file; returns the paths changed."""
    import nbformat

    changed = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        head = nb.cells[0]
        line = header_line(Path(path).name, table)
        source = TABLE_ROW.sub("", head.source)
        if TIME_LINE.search(source):
            source = TIME_LINE.sub(line.replace("\\", "\\\\"), source, count=1)
        else:
            source = source.rstrip("\n") + "\n\n" + line
        if source != head.source:
            head.source = source
            nbformat.write(nb, path)
            changed.append(path)
    return changed
