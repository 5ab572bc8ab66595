"""One statistical verdict for the whole course: paired per-seed results -> ``Verdict``.

Two setups A and B were run on the same seeds (same data subset, initialisation and order for a given
seed), so each seed gives one difference ``B - A``. The verdict is the mean difference with its 95%
paired t-interval, read as:

- the whole interval above 0 (or below, for a metric where lower is better): **B better**;
- the whole interval on A's side: **A better**;
- the interval contains 0: **no clear difference** (the difference is inside the seed-to-seed noise).

Fewer than 3 pairs are refused: with 2 the interval is +-12.7 standard errors wide and says nothing.
When every difference is the same number the spread is 0 and the interval is that number alone: a
nonzero value then decides (each seed agreed exactly), and 0 means no clear difference.
"""
import math
from dataclasses import asdict, dataclass, field

import numpy as np

OUTCOMES = ("A better", "B better", "no clear difference")
MIN_PAIRS = 3  # the fewest pairs (seeds) a verdict accepts


@dataclass(frozen=True)
class Verdict:
    """The mean paired difference ``b - a`` over seeds, its confidence interval, and what it means."""

    a: str
    b: str
    metric: str
    differences: tuple
    mean: float
    low: float
    high: float
    confidence: float
    higher_is_better: bool
    a_values: tuple = ()
    b_values: tuple = ()
    word: str = "better"   # "better" for a score; e.g. "higher" for a quantity that is neither good nor bad
    notes: dict = field(default_factory=dict, hash=False, compare=False)  # e.g. {"n_eval": 360, "subsets": 3}

    @property
    def n(self):
        return len(self.differences)

    @property
    def outcome(self):
        """'A better', 'B better' or 'no clear difference'."""
        if self.low > 0 or self.high < 0:
            b_up = self.low > 0
            return "B better" if b_up == self.higher_is_better else "A better"
        return "no clear difference"

    @property
    def points_per_example(self):
        """What one evaluation example is worth in percentage points (None when unknown)."""
        n_eval = self.notes.get("n_eval")
        return 100.0 / n_eval if n_eval else None

    def as_record(self):
        """A plain dict (JSON-ready) with everything needed to recompute the verdict independently."""
        out = asdict(self)
        out.update(kind="verdict", outcome=self.outcome, differences=list(self.differences),
                   a_values=list(self.a_values), b_values=list(self.b_values), sentence=self.sentence_auto())
        return out

    def sentence_auto(self):
        """``sentence`` in points for an accuracy-like metric (name ending in 'acc' or 'gap'), plain otherwise."""
        if self.metric.endswith(("acc", "gap", "accuracy")):
            worth = self.points_per_example
            each = f" [one evaluation example = {worth:.2f} points]" if worth else ""
            return self.sentence(scale=100, unit=" points") + each
        return self.sentence()

    @property
    def winner(self):
        """The name of the better setup, or None when there is no clear difference."""
        return {"A better": self.a, "B better": self.b}.get(self.outcome)

    @property
    def decided(self):
        return self.winner is not None

    def sentence(self, scale=1.0, unit=""):
        """One line a lesson prints, e.g. "standard - none, val_acc: +0.019 (95% CI +0.008 to +0.030, 3 seeds):
        standard better". ``scale=100, unit=' points'`` reports accuracies in percentage points."""
        size = max(abs(self.low), abs(self.high), abs(self.mean)) * scale
        digits = 1 if scale != 1 else 0 if size >= 100 else 1 if size >= 10 else 3  # images/s need no decimals
        f = lambda v: f"{v * scale:+.{digits}f}{unit}"  # noqa: E731
        result = f"{self.winner} {self.word}" if self.decided else "no clear difference"
        pairs = self.notes.get("pairs", "seeds")
        return (f"{self.b} - {self.a}, {self.metric}: {f(self.mean)} ({self.confidence:.0%} CI {f(self.low)} "
                f"to {f(self.high)}, {self.n} {pairs}): {result}")

    def __str__(self):
        return self.sentence_auto()


def paired(a_values, b_values, a="A", b="B", metric="val_acc", confidence=0.95, higher_is_better=True,
           word="better", notes=None):
    """The verdict on B against A from per-seed values given in the same seed order.

    a_values, b_values: one number per seed each, paired by position (seed i of A with seed i of B).
    word:  what the winner is, in the sentence: "better" for a score, "higher" (with higher_is_better=True) for a
           quantity such as a pixel change or a time, where larger is neither good nor bad.
    notes: context kept with the verdict, e.g. {"n_eval": number of validation examples behind each value,
           "pairs": "seeds" (what each pair is: "images", "repeats"...), "subsets": distinct training subsets}.
    """
    from scipy import stats

    a_arr = np.asarray(a_values, dtype="float64").ravel()
    b_arr = np.asarray(b_values, dtype="float64").ravel()
    if a_arr.shape != b_arr.shape:
        raise ValueError(f"A and B need one value per seed each, paired; got {a_arr.size} and {b_arr.size} values.")
    if a_arr.size < MIN_PAIRS:
        raise ValueError(f"A verdict needs at least {MIN_PAIRS} paired seeds; got {a_arr.size}. Run more seeds "
                         "(with 2 the 95% interval is +-12.7 standard errors wide).")
    if not (np.isfinite(a_arr).all() and np.isfinite(b_arr).all()):
        raise ValueError("A verdict needs finite values; some of the per-seed results are NaN or infinite.")
    if not 0.5 <= confidence < 1:
        raise ValueError(f"confidence must be at least 0.5 and below 1; got {confidence}.")
    d = b_arr - a_arr
    mean = float(d.mean())
    se = float(d.std(ddof=1)) / math.sqrt(d.size)
    half = float(stats.t.ppf(0.5 + confidence / 2, d.size - 1)) * se
    if se < 1e-12 * max(1.0, abs(mean)):  # every difference the same: the interval is that one value
        half = 0.0
        mean = float(d[0])
    return Verdict(a, b, metric, tuple(float(v) for v in d), mean, mean - half, mean + half, confidence,
                   bool(higher_is_better), tuple(float(v) for v in a_arr), tuple(float(v) for v in b_arr),
                   str(word), dict(notes or {}))
