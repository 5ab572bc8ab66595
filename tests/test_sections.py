"""Cells run out of order (coursekit.sections): a cell that needs what an earlier section makes says which section
to run first, in one sentence, before anything in it runs; run in order, no cell is ever rejected."""
import ast
import json
import time

import nbformat
import pytest

import _kernel
from coursekit import course, sections

LESSON3 = course.NOTEBOOKS / "03_augmentation_regularizes.ipynb"
# What an IPython kernel's namespace holds before any cell runs
KERNEL_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "display", "_", "__", "___", "_i", "_ii", "_iii", "_oh",
                "_ih", "_dh", "__builtins__", "__name__"}


def test_the_index_is_up_to_date():
    """Package data, so that it works where the notebook is not on disk (Colab): `python -m coursekit sync`."""
    assert json.loads(sections.INDEX_FILE.read_text()) == sections.build_index(course.notebook_paths()), (
        "coursekit/data_files/sections.json is out of date: run `python -m coursekit sync`")


@pytest.mark.parametrize("path", course.notebook_paths(), ids=lambda p: p.stem)
def test_no_cell_is_rejected_when_the_lesson_runs_in_order(path):
    index = sections.build_index(course.notebook_paths())
    namespace = dict.fromkeys(KERNEL_NAMES)
    namespace["__session__"] = str(path)
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(sections._code(cell.source))
        assert sections.message(tree, namespace, index) is None, cell.source
        namespace.update(dict.fromkeys(sections.names_of(tree)[1]))


def test_the_sentence_names_the_earliest_section_and_unknown_names_fall_through():
    index = sections.build_index([LESSON3])
    ns = {"__session__": str(LESSON3), "ck": None}
    text = sections.message(ast.parse("print(big_models, thin_pool, worth)"), ns, index)
    assert text == ("This cell needs `big_models` and `worth`, both made in section 3 ('How much real data is "
                    "augmentation worth?'): run that section first.")
    assert sections.message(ast.parse("print(no_lesson_makes_this)"), ns, index) is None
    assert sections.message(ast.parse("def later():\n    return big_models\nbig = [x for x in range(3)]"), ns,
                            index) is None  # a function body runs later; a comprehension binds its own names


def test_lesson3_section4_before_section3_says_run_section_3_before_any_training(tmp_path):
    nb = nbformat.read(LESSON3, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    setup = code[1:3]  # the parameters and the set-up cell (code[0] installs on Colab only)
    start = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and "## 4." in c.source)
    section4 = [c.source for c in nb.cells[start:] if c.cell_type == "code"]
    training = next(i for i, s in enumerate(section4) if "ck.train.compare" in s)
    # headless: the Run-all gate (widgets/gate.py) would refuse cells after section 4's unanswered question
    with _kernel.kernel(tmp_path, COURSEKIT_HEADLESS="1") as (km, kc):
        for cell in setup + section4[:training]:
            _kernel.run(kc, cell, timeout=180)
        started = time.monotonic()
        reply, outputs = _kernel.execute(kc, section4[training])
        seconds = time.monotonic() - started
        assert reply["status"] == "error" and reply["ename"] == "NeedsEarlierSection"
        errors = [m["content"]["traceback"] for m in outputs if m["msg_type"] == "error"]
        assert errors == [["NeedsEarlierSection: This cell needs `big_models`, made in section 3 ('How much real "
                           "data is augmentation worth?'): run that section first."]]
        from_kernel = _kernel.run(kc, "from coursekit import interrupts\nprint(interrupts.LAST, "
                                      "'res_thin' in globals())")
        assert from_kernel.split() == ["None", "False"] and seconds < 5  # nothing trained
        # A name no section makes is Python's own NameError, with its usual traceback
        reply, outputs = _kernel.execute(kc, "print(not_in_any_lesson)")
        assert reply["ename"] == "NameError"
