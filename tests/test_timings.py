"""Lesson headers state only measured times: each notebook's one Time line is what notebooks/timings.json
(written by `make course`) says, for its profile and machine."""
import json

import nbformat
import pytest

from coursekit import course, timings

NOTEBOOKS = course.notebook_paths()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_header_time_line_agrees_with_the_timings_file(path):
    head = nbformat.read(path, as_version=4).cells[0].source
    lines = [line for line in head.splitlines() if "Time" in line and line.startswith("**")]
    assert lines == [timings.header_line(path.name)], (
        f"{path.name}: the header's time line must come from notebooks/timings.json "
        f"(run: python -m coursekit run, or timings.sync_headers); found {lines}")
    assert "| time |" not in head and "about" not in lines[0]


def test_record_and_sync_round_trip(tmp_path):
    src = NOTEBOOKS[0]
    copy = tmp_path / src.name
    copy.write_text(src.read_text())
    table_path = tmp_path / "timings.json"
    timings.record(src.name, "quick", 61.3, path=table_path, where="Linux x86_64, 2 CPU cores, no GPU")
    table = timings.load(table_path)
    assert json.loads(table_path.read_text())["quick"][src.name]["seconds"] == 61.3
    assert timings.sync_headers([copy], table) == [copy]
    head = nbformat.read(copy, as_version=4).cells[0].source
    assert "quick profile 61 s (Linux x86_64, 2 CPU cores, no GPU," in head
    assert "full profile not measured yet" in head
    assert timings.sync_headers([copy], table) == []  # idempotent
    with pytest.raises(ValueError, match="profile must be one of"):
        timings.record(src.name, "fast", 1.0, path=table_path)
