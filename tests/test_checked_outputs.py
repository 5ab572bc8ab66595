"""The comparison of '# NBVAL_CHECK_OUTPUT' cells with their stored outputs (notebook_runs.py), on small notebooks."""
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import notebook_runs as nr
from coursekit import course


def _cell(source, *outputs, cell_id=None, count=1):
    cell = new_code_cell(source, outputs=list(outputs), execution_count=count)
    if cell_id:
        cell.id = cell_id
    return cell


def _stdout(text):
    return new_output("stream", name="stdout", text=text)


def _pair(stored_outputs, executed_outputs, source=course.CHECK_MARK + "\nprint(x)"):
    stored = new_notebook(cells=[new_markdown_cell("# t"), _cell(source, *stored_outputs, cell_id="c1")])
    injected = _cell('# Parameters\nPROFILE = "quick"\n', cell_id="inj")
    injected.metadata["tags"] = ["injected-parameters"]
    executed = new_notebook(cells=[new_markdown_cell("# t"), injected,
                                   _cell(source, *executed_outputs, cell_id="c1", count=7)])
    return stored, executed


def test_same_text_passes_even_split_into_several_stream_outputs():
    stored, executed = _pair([_stdout("a\nb\n")], [_stdout("a\n"), _stdout("b\n")])
    assert nr.compare_checked_outputs(stored, executed) == []


def test_a_different_line_fails_and_the_message_shows_both_outputs():
    stored, executed = _pair([_stdout("accuracy 0.50\n")], [_stdout("accuracy 0.75\n")])
    (problem,) = nr.compare_checked_outputs(stored, executed, "03_x.ipynb")
    assert "03_x.ipynb" in problem and "outputs differ" in problem
    assert "accuracy 0.50" in problem and "accuracy 0.75" in problem
    assert problem.index("stored") < problem.index("0.50") < problem.index("executed now") < problem.index("0.75")


def test_extra_stderr_or_missing_result_fails():
    result = new_output("execute_result", data={"text/plain": "42"}, execution_count=3)
    stored, executed = _pair([_stdout("x\n")], [_stdout("x\n"), new_output("stream", name="stderr", text="warn\n")])
    assert nr.compare_checked_outputs(stored, executed)
    stored, executed = _pair([_stdout("x\n"), result], [_stdout("x\n")])
    assert nr.compare_checked_outputs(stored, executed)


def test_pictures_counters_widget_ids_and_addresses_are_not_compared():
    def outputs(png, count, model, address):
        return [new_output("display_data", data={"text/plain": f"<Figure at {address}>", "image/png": png}),
                new_output("execute_result", data={"text/plain": "1",
                                                   "application/vnd.jupyter.widget-view+json": {"model_id": model}},
                           execution_count=count)]
    stored, executed = _pair(outputs("AAAA", 3, "m1", "0x7f3a507eb840"), outputs("BBBB", 9, "m2", "0x7f00deadbeef"))
    assert nr.compare_checked_outputs(stored, executed) == []


def test_progress_bar_carriage_returns_are_applied():
    stored, executed = _pair([_stdout("done\n")], [_stdout("10%\r50%\rdone\n")])
    assert nr.compare_checked_outputs(stored, executed) == []


def test_cells_are_matched_by_source_when_ids_differ_and_unmarked_cells_are_ignored():
    stored, executed = _pair([_stdout("x\n")], [_stdout("x\n")])
    executed.cells[2].id = "other"
    assert nr.compare_checked_outputs(stored, executed) == []
    stored.cells.append(_cell("print(1)", _stdout("anything\n"), cell_id="c2"))
    assert nr.compare_checked_outputs(stored, executed) == []
    executed.cells[2].source += "\nprint(y)"  # the checked cell is gone from the executed copy
    (problem,) = nr.compare_checked_outputs(stored, executed)
    assert "no cell with this id and source" in problem


def test_a_checked_cell_never_refreshed_is_reported():
    stored, executed = _pair([], [_stdout("x\n")])
    stored.cells[1].execution_count = None
    (problem,) = nr.compare_checked_outputs(stored, executed, "07_y.ipynb")
    assert "refresh notebooks/07_y.ipynb" in problem


def test_every_stored_notebook_compares_equal_to_itself():
    for path in nr.NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert nr.compare_checked_outputs(nb, nb, path.name) == [], path.name


def test_backspaces_erase_the_character_before_them():
    stored, executed = _pair([_stdout("ok\n")], [_stdout("ox\x08k\n")])
    assert nr.compare_checked_outputs(stored, executed) == []
