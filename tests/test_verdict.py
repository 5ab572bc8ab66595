"""The course's one statistical verdict, checked against scipy's paired t-test and on its edge cases."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from coursekit.base import validate
from coursekit.base.verdict import KINDS, OUTCOMES, paired
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


def test_every_difference_equal_without_a_known_evaluation_size():
    same = paired([0.5, 0.6, 0.7], [0.55, 0.65, 0.75])
    assert same.low == same.high == pytest.approx(0.05) and same.outcome == "B better"
    assert "every pair gave the same difference; no floor" in str(same)
    none = paired([0.5, 0.6, 0.7], [0.5, 0.6, 0.7])
    assert none.mean == 0 and none.low == none.high == 0 and none.outcome == "no clear difference"


@pytest.mark.parametrize("d", [[0.0, 0.0, 0.0], [0.02] * 5, [0.01, 0.0125, 0.01]])
def test_a_spread_below_one_evaluation_example_is_floored_at_one_example(d):
    """Zero spread is not certainty: the sd of the differences is at least 1/n_eval, recomputed with scipy."""
    n_eval = 200
    a = np.linspace(0.6, 0.8, len(d))
    v = paired(a, a + np.array(d), notes={"n_eval": n_eval})
    low, high = stats.t.interval(0.95, len(d) - 1, loc=np.mean(d), scale=(1 / n_eval) / np.sqrt(len(d)))
    assert (v.low, v.high) == (pytest.approx(low), pytest.approx(high)) and v.high > v.low
    assert v.spread_floor == pytest.approx(1 / n_eval)
    assert "their spread is taken as one example, 0.5 points" in str(v)
    wide = paired(a, a + np.linspace(0, 0.1, len(d)), notes={"n_eval": n_eval})
    assert wide.spread_floor == 0 and "spread is taken" not in str(wide)  # a real spread above the floor


def _scipy_resolution(a, b, margin):
    ci = stats.ttest_rel(b, a).confidence_interval(0.95)
    if ci.low > 0 or ci.high < 0:
        return "decided"
    return "equivalent" if -margin <= ci.low and ci.high <= margin else "cannot tell"


def test_equivalence_and_cannot_tell_follow_scipys_interval_and_the_margin():
    rng = np.random.default_rng(0)
    seen = set()
    for _ in range(300):
        n = int(rng.integers(3, 12))
        a = rng.uniform(0.6, 0.9, n)
        b = a + rng.normal(rng.normal(0, 0.02), rng.uniform(0.001, 0.04), n)
        v = paired(a, b, "none", "aug")
        assert v.margin == 0.03 and v.resolution == _scipy_resolution(a, b, 0.03)
        assert paired(a, b, margin=0.1, margin_reason="test").resolution == _scipy_resolution(a, b, 0.1)
        assert v.half_width == pytest.approx(stats.ttest_rel(b, a).confidence_interval(0.95).high - v.mean)
        seen.add(v.resolution)
    assert seen == set(KINDS)


def test_each_kind_of_no_clear_difference_says_what_it_rules_out():
    equal = paired([0.90, 0.91, 0.92], [0.905, 0.912, 0.918], "none", "flips")
    assert equal.resolution == "equivalent"
    ruled = max(abs(equal.low), abs(equal.high)) * 100
    assert str(equal).endswith(f"no clear difference, equivalent: no difference larger than the margin of "
                               f"3.0 points (it rules out differences over {ruled:.1f} points)")
    wide = paired([0.858, 0.900, 0.820], [0.892, 0.850, 0.930], "none", "flips")
    assert wide.resolution == "cannot tell"
    assert (f"no clear difference, cannot tell: the interval reaches past the margin of 3.0 points; a true "
            f"difference smaller than {wide.half_width * 100:.1f} points cannot be told from 0 with these seeds"
            in str(wide))
    speed = paired([100, 120, 90], [110, 100, 95], metric="images/s", word="faster")
    assert speed.margin is None and "cannot tell: no margin of practical interest is declared" in str(speed)


@pytest.mark.parametrize("margin, reason, words", [
    (0.05, None, "needs its reason"), (-0.01, "x", "positive number"), ("big", "x", "positive number")])
def test_a_declared_margin_is_checked_in_one_sentence(margin, reason, words):
    with pytest.raises(ValueError, match=words) as info:
        paired([0.9, 0.8, 0.7], [0.95, 0.85, 0.8], margin=margin, margin_reason=reason)
    assert "\n" not in str(info.value)


def test_repeated_seeds_are_refused_in_one_sentence():
    with pytest.raises(ValueError, match=r"seeds must all differ \(repeated: \[0\]\)") as info:
        validate.seeds([0, 0, 0])
    assert "\n" not in str(info.value)
    from coursekit import train

    with pytest.raises(ValueError, match="seeds must all differ"):
        train.compare({"none": {}}, seeds=[0, 1, 1])  # refused before any config is read
    assert validate.seeds([2, 0, 1]) == [2, 0, 1]


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
    assert line.startswith("standard - none, val_acc: +3.0 points (95% CI") and line.endswith("'standard' better")


def test_a_setup_named_none_is_quoted_when_it_wins():
    v = paired([0.93, 0.95, 0.94], [0.90, 0.91, 0.92], "none", "standard")
    assert str(v).endswith(": 'none' better") and v.finding == "'none' better"
    wide = paired([0.858, 0.900, 0.820], [0.892, 0.850, 0.930], "none", "flips", notes={"n_eval": 300})
    assert wide.finding.startswith("no clear difference, cannot tell") and f"): {wide.finding} [one" in str(wide)


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
    assert str(v).endswith("4 images): 'epoch 2' higher")


def test_results_verdict_notes_the_evaluation_size_and_the_training_subsets():
    runs = pd.DataFrame([dict(name=n, seed=s, val_acc=0.8 + 0.01 * s + (0.02 if n == "aug" else 0), n_val=360,
                              subset=f"subset-{s}") for n in ("none", "aug") for s in range(3)])
    v = Results(runs).verdict("none", "aug")
    assert v.notes["n_eval"] == 360 and v.notes["subsets"] == 3 and v.notes["seeds"] == [0, 1, 2]
