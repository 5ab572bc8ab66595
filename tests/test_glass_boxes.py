"""Every lesson that trains ends with a glass box: the plain Keras 3 / tf.data code behind its main comparison, for
one seed of one arm, and its number next to ``ck.train.compare``'s for that seed. They must match.

What a learner relies on: the glass box is a run they can copy and change, and it is the same computation as
the toolkit's (or the notebook says why not, and by how much it may differ). Lesson 5 also writes its pipelines
as tf.data chains, which must give ``make_dataset``'s batches.

The static tests read the notebooks as stored; the others read the one executed copy of each lesson
(notebook_runs.py), so no notebook executes twice in ``make test``.
"""
import ast
import re

import pytest

import notebook_runs as nr

HEADING = re.compile(r"^## (Glass box\b|Appendix: the glass box)", re.MULTILINE)
TRAINS = re.compile(r"\bck\.train\.(compare|run)\(")
TOOLKIT_TRAINING = re.compile(r"\b(compare|run|build_\w+|setup_run|make_dataset)\(")
FITS = re.compile(r"\.fit\(|GradientTape\(")
PLAIN = re.compile(r"\bkeras\.layers\.|\btf\.data\.")


def cells(path):
    return nr.nbformat.read(path, as_version=4).cells


def trains(path):
    return any(c.cell_type == "code" and TRAINS.search(c.source) for c in cells(path))


def glass_box(path):
    """The cells of the notebook's glass-box section, from its heading to the next '## ' heading (or the end)."""
    nb = cells(path)
    start = next((i for i, c in enumerate(nb) if c.cell_type == "markdown" and HEADING.search(c.source)), None)
    if start is None:
        return []
    end = next((i for i in range(start + 1, len(nb))
                if nb[i].cell_type == "markdown" and re.match(r"^## ", nb[i].source)), len(nb))
    return nb[start:end]


def calls(source):
    """The names of the functions a cell calls (the last part of a dotted name)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            for node in ast.walk(tree) if isinstance(node, ast.Call)}


TRAINING_LESSONS = [p for p in nr.LESSONS if trains(p)]
WITH_GLASS_BOX = nr.runs([p for p in TRAINING_LESSONS if glass_box(p)])


def test_the_lessons_that_train_are_found():
    names = {p.name[:2] for p in TRAINING_LESSONS}
    assert {"01", "03", "04", "05", "06", "07", "08"} <= names, names


@pytest.mark.parametrize("path", TRAINING_LESSONS, ids=[p.name for p in TRAINING_LESSONS])
def test_every_lesson_that_trains_ends_with_a_plain_keras_glass_box(path):
    box = glass_box(path)
    assert box, f"{path.name} trains with ck.train but has no '## Glass box: ...' section"
    code = [c.source for c in box if c.cell_type == "code"]
    assert any(FITS.search(s) for s in code), f"{path.name}: the glass box trains nothing itself (no fit, no GradientTape)"
    assert any(PLAIN.search(s) for s in code), f"{path.name}: the glass box uses no keras.layers or tf.data"
    toolkit = {s.splitlines()[0]: sorted(n for n in calls(s) if TOOLKIT_TRAINING.match(n + "("))
               for s in code if any(TOOLKIT_TRAINING.match(n + "(") for n in calls(s))}
    allowed = {"make_dataset"} if path.name.startswith("05") else set()  # lesson 5 checks its chains against it
    toolkit = {first: names for first, names in toolkit.items() if set(names) - allowed}
    assert not toolkit, f"{path.name}: the glass box calls the toolkit's training code: {toolkit}"
    assert any(re.search(r"glass_box_compare_\w+\s*=", s) for s in code), \
        f"{path.name}: the glass box records no compare number next to its own (ck.record(glass_box_compare_...=))"
    later = cells(path)[cells(path).index(box[-1]) + 1:]
    assert not later, f"{path.name}: the glass box is not the last section ({len(later)} cells after it)"


def _pairs(figures):
    """{metric: (glass box's number, compare's number)} from the figures a notebook recorded."""
    return {m.group(1): (figures.get(f"glass_box_{m.group(1)}"), value)
            for key, value in figures.items() if (m := re.fullmatch(r"glass_box_compare_(\w+)", key))}


@pytest.mark.notebook
@pytest.mark.parametrize("run", WITH_GLASS_BOX, ids=nr.ids(WITH_GLASS_BOX))
def test_the_glass_box_gives_compares_number_for_the_same_seed(run, executed):
    figures = executed(run).figures
    pairs = _pairs(figures)
    assert pairs, f"{run.name} recorded no glass_box_compare_* figure: {sorted(figures)}"
    tolerance = figures.get("glass_box_tolerance", 0.0)
    if tolerance:  # a glass box that cannot be exact must say why, next to its number
        text = " ".join(c.source for c in glass_box(run.path) if c.cell_type == "markdown")
        assert "not exact" in text, f"{run.name} allows a difference of {tolerance} but its glass box never says why"
    for metric, (ours, theirs) in pairs.items():
        assert ours is not None, f"{run.name} recorded glass_box_compare_{metric} but not glass_box_{metric}"
        assert abs(ours - theirs) <= tolerance, (f"{run.name}: the glass box's {metric} {ours} differs from "
                                                 f"compare's {theirs} by more than {tolerance}")
        print(f"{run.name}: {metric} glass box {ours}, compare {theirs}, allowed difference {tolerance}")


def test_a_glass_box_match_that_cannot_fail_is_caught():
    assert _pairs({"glass_box_val_acc": 0.9, "glass_box_compare_val_acc": 0.8}) == {"val_acc": (0.9, 0.8)}
    assert _pairs({"glass_box_val_acc": 0.9}) == {}
    assert calls("res = ck.train.compare(configs)\nm = ck.train.build_cnn(s, 10)") >= {"compare", "build_cnn"}


LESSON5 = [r for r in WITH_GLASS_BOX if r.name.startswith("05")]


@pytest.mark.notebook
@pytest.mark.parametrize("run", LESSON5, ids=nr.ids(LESSON5))
def test_lesson5_tf_data_chains_give_make_datasets_batches(run, executed):
    figures = executed(run).figures
    assert figures.get("tf_data_chains", 0) >= 3, figures
    assert figures["tf_data_chains_same_as_make_dataset"] == figures["tf_data_chains"], figures
    box = " ".join(c.source for c in glass_box(run.path) if c.cell_type == "code")
    for piece in ("Dataset.random(", "Dataset.zip(", ".cache()", ".shuffle(", ".map("):
        assert piece in box, f"lesson 5's chains never write {piece}"
