"""The course's one statistical verdict, checked against scipy's paired t-test and on its edge cases."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from coursekit.base.verdict import OUTCOMES, paired
from coursekit.train import Results


def test_interval_is_scipys_paired_t_interval():
    a = np.array([0.90, 0.92, 0.91, 0.93, 0.90])
    b = np.array([0.93, 0.94, 0.92, 0.96, 0.93])
    v = paired(a, b, "none", "standard")
    ci = stats.ttest_rel(b, a).confidence_interval(0.95)
    assert v.mean == pytest.approx((b - a).mean())
    assert (v.low, v.high) == (pytest.approx(ci.low), pytest.approx(ci.high))
    assert v.outcome == "B better" and v.winner == "standard" and v.n == 5


@pytest.mark.parametrize("a, b, higher, outcome", [
    ([0.90, 0.91, 0.92], [0.80, 0.82, 0.81], True, "A better"),
    ([0.90, 0.91, 0.92], [0.91, 0.90, 0.93], True, "no clear difference"),
    ([0.10, 0.12, 0.11], [0.05, 0.06, 0.05], False, "B better"),  # a gap: lower is better
    ([0.10, 0.12, 0.11], [0.20, 0.21, 0.22], False, "A better"),
])
def test_outcomes(a, b, higher, outcome):
    v = paired(a, b, higher_is_better=higher)
    assert v.outcome == outcome and v.outcome in OUTCOMES
    assert (v.winner is None) == (outcome == "no clear difference")


def test_a_difference_inside_the_noise_is_no_clear_difference_even_with_a_larger_mean():
    v = paired([0.858, 0.900, 0.820], [0.892, 0.850, 0.930], "none", "flips")
    assert v.mean > 0 and v.outcome == "no clear difference"
    assert "no clear difference" in v.sentence()


def test_every_difference_equal():
    same = paired([0.5, 0.6, 0.7], [0.55, 0.65, 0.75])
    assert same.low == same.high == pytest.approx(0.05) and same.outcome == "B better"
    none = paired([0.5, 0.6, 0.7], [0.5, 0.6, 0.7])
    assert none.mean == 0 and none.low == none.high == 0 and none.outcome == "no clear difference"


@pytest.mark.parametrize("a, b, words", [
    ([0.9, 0.8], [0.95, 0.85], "at least 3 paired seeds; got 2"),
    ([0.9, 0.8, 0.7], [0.95, 0.85], "one value per seed each"),
    ([0.9, np.nan, 0.7], [0.95, 0.85, 0.8], "finite"),
])
def test_bad_input_is_one_sentence(a, b, words):
    with pytest.raises(ValueError, match=words) as info:
        paired(a, b)
    assert "\n" not in str(info.value)


def test_sentence_reports_points():
    v = paired([0.90, 0.91, 0.92], [0.93, 0.95, 0.94], "none", "standard")
    line = v.sentence(scale=100, unit=" points")
    assert line.startswith("standard - none, val_acc: +3.0 points (95% CI") and line.endswith("standard better")


def test_results_pair_by_seed_not_by_row_order():
    runs = pd.DataFrame([
        dict(name="none", seed=0, val_acc=0.80, gap=0.20), dict(name="none", seed=1, val_acc=0.90, gap=0.10),
        dict(name="none", seed=2, val_acc=0.70, gap=0.30),
        dict(name="aug", seed=2, val_acc=0.71, gap=0.29), dict(name="aug", seed=0, val_acc=0.81, gap=0.19),
        dict(name="aug", seed=1, val_acc=0.91, gap=0.09)])
    v = Results(runs).verdict("none", "aug")
    assert v.differences == pytest.approx((0.01, 0.01, 0.01)) and v.outcome == "B better"
    assert Results(runs).verdict("none", "aug", "gap").outcome == "B better"  # the gap shrank: lower is better
    with pytest.raises(KeyError, match="No config named 'flips'"):
        Results(runs).verdict("none", "flips")


def test_a_verdict_keeps_its_values_and_context_and_says_what_one_example_is_worth():
    v = paired([0.90, 0.91, 0.92], [0.93, 0.95, 0.94], "none", "standard", notes={"n_eval": 360})
    rec = v.as_record()
    assert rec["a_values"] == [0.90, 0.91, 0.92] and rec["b_values"] == [0.93, 0.95, 0.94]
    assert rec["kind"] == "verdict" and rec["outcome"] == "B better" and rec["notes"] == {"n_eval": 360}
    assert v.points_per_example == pytest.approx(100 / 360)
    assert str(v) == rec["sentence"] and str(v).endswith("[one evaluation example = 0.28 points]")


def test_a_quantity_that_is_neither_good_nor_bad_says_higher_and_names_its_pairs():
    v = paired([0.0] * 4, [0.1, 0.2, 0.15, 0.12], "epoch 1 again", "epoch 2", metric="pixel change", word="higher",
               notes={"pairs": "images"})
    assert str(v).endswith("4 images): epoch 2 higher")


def test_results_verdict_notes_the_evaluation_size_and_the_training_subsets():
    runs = pd.DataFrame([dict(name=n, seed=s, val_acc=0.8 + 0.01 * s + (0.02 if n == "aug" else 0), n_val=360,
                              subset=f"subset-{s}") for n in ("none", "aug") for s in range(3)])
    v = Results(runs).verdict("none", "aug")
    assert v.notes["n_eval"] == 360 and v.notes["subsets"] == 3 and v.notes["seeds"] == [0, 1, 2]
