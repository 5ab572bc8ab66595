"""One statistical verdict for the whole course: paired per-seed results -> ``Verdict``.

Two setups A and B were run on the same seeds (same data subset, initialisation and order for a given
seed), so each seed gives one difference ``B - A``. The verdict is the mean difference with its 95%
paired t-interval, read as:

- the whole interval above 0 (or below, for a metric where lower is better): **B better**;
- the whole interval on A's side: **A better**;
- the interval contains 0: **no clear difference**, of one of two kinds, told apart by the question's
  *margin* (the smallest difference that would matter in practice; 3 points for an accuracy-like metric
  unless the question declares another, with its reason):

  - **equivalent**: the whole interval lies inside +-margin: no difference larger than the margin;
  - **cannot tell**: the interval reaches past the margin (or no margin is declared). Its half-width says
    what the seeds can see: a true difference smaller than it cannot be told from 0 with these seeds.

Fewer than 3 pairs are refused: with 2 the interval is +-12.7 standard errors wide and says nothing.
The spread of the differences has a floor where the evaluation size is known (``notes["n_eval"]``): one
evaluation example's worth, 1/n_eval. Seeds that all moved by exactly the same number of examples are not
taken as certain (a zero-width interval); the sentence says when the floor was used. Without a known
evaluation size, identical differences give the one value as the interval, and the sentence says so.
"""
import math
from dataclasses import asdict, dataclass, field

import numpy as np

OUTCOMES = ("A better", "B better", "no clear difference")
KINDS = ("decided", "equivalent", "cannot tell")  # Verdict.resolution: what an interval says
MIN_PAIRS = 3  # the fewest pairs (seeds) a verdict accepts
ACCURACY_LIKE = ("acc", "gap", "accuracy")  # metric names ending so are fractions, reported in points
DEFAULT_MARGIN = 0.03
DEFAULT_MARGIN_REASON = ("3 points, the course's margin of practical interest for an accuracy-like metric: "
                         "a smaller change would not change which setup a practitioner picks")


def accuracy_like(metric):
    """True for a metric that is a fraction of examples (accuracy, gap), reported in percentage points."""
    return str(metric).endswith(ACCURACY_LIKE)


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
    margin: float = None   # the smallest difference of practical interest (None: none declared)
    margin_reason: str = ""
    spread_floor: float = 0.0  # > 0: the differences' sd was below one evaluation example and was raised to this
    notes: dict = field(default_factory=dict, hash=False, compare=False)  # e.g. {"n_eval": 360, "subsets": 3}

    @property
    def n(self):
        return len(self.differences)

    @property
    def half_width(self):
        """Half the interval's width: a true difference smaller than this cannot be told from 0."""
        return (self.high - self.low) / 2

    @property
    def outcome(self):
        """'A better', 'B better' or 'no clear difference'."""
        if self.low > 0 or self.high < 0:
            b_up = self.low > 0
            return "B better" if b_up == self.higher_is_better else "A better"
        return "no clear difference"

    @property
    def resolution(self):
        """'decided'; 'equivalent' (the interval lies inside +-margin); or 'cannot tell' (it reaches past it)."""
        if self.outcome != "no clear difference":
            return "decided"
        if self.margin is not None and -self.margin <= self.low and self.high <= self.margin:
            return "equivalent"
        return "cannot tell"

    @property
    def points_per_example(self):
        """What one evaluation example is worth in percentage points (None when unknown)."""
        n_eval = self.notes.get("n_eval")
        return 100.0 / n_eval if n_eval else None

    def as_record(self):
        """A plain dict (JSON-ready) with everything needed to recompute the verdict independently."""
        out = asdict(self)
        out.update(kind="verdict", outcome=self.outcome, resolution=self.resolution, half_width=self.half_width,
                   differences=list(self.differences), a_values=list(self.a_values), b_values=list(self.b_values),
                   sentence=self.sentence_auto())
        return out

    def sentence_auto(self):
        """``sentence`` in points for an accuracy-like metric (name ending in 'acc' or 'gap'), plain otherwise."""
        if accuracy_like(self.metric):
            worth = self.points_per_example
            each = f" [one evaluation example = {worth:.2f} points]" if worth else ""
            return self.sentence(scale=100, unit=" points") + each
        return self.sentence()

    @property
    def finding(self):
        """What the interval says, as the sentence ends: "'standard' better", or "no clear difference, equivalent:
        ..." with what it rules out (in points for an accuracy-like metric)."""
        return self._result(*((100, " points") if accuracy_like(self.metric) else (1.0, "")))

    @property
    def winner(self):
        """The name of the better setup, or None when there is no clear difference."""
        return {"A better": self.a, "B better": self.b}.get(self.outcome)

    @property
    def decided(self):
        return self.winner is not None

    def sentence(self, scale=1.0, unit=""):
        """One line a lesson prints, e.g. "standard - none, val_acc: +0.019 (95% CI +0.008 to +0.030, 3 seeds):
        'standard' better". ``scale=100, unit=' points'`` reports accuracies in percentage points.

        The winner is quoted, so that a setup named 'none' does not read as "neither". An interval that holds 0
        says its kind ('equivalent' or 'cannot tell') and the smallest difference it rules out."""
        f, _ = self._formats(scale, unit)
        return (f"{self.b} - {self.a}, {self.metric}: {f(self.mean)} ({self.confidence:.0%} CI {f(self.low)} "
                f"to {f(self.high)}, {self.n} {self.notes.get('pairs', 'seeds')}): {self._result(scale, unit)}")

    def _formats(self, scale, unit):
        """Two formatters: a signed difference, and a size without its sign."""
        size = max(abs(self.low), abs(self.high), abs(self.mean)) * scale
        digits = 1 if scale != 1 else 0 if size >= 100 else 1 if size >= 10 else 3  # images/s need no decimals
        return (lambda v: f"{v * scale:+.{digits}f}{unit}"), (lambda v: f"{abs(v) * scale:.{digits}f}{unit}")

    def _result(self, scale, unit):
        _, g = self._formats(scale, unit)
        pairs = self.notes.get("pairs", "seeds")
        result = f"'{self.winner}' {self.word}" if self.decided else self._undecided(g, pairs)
        if self.spread_floor:
            return result + (f" (the differences varied by less than one evaluation example: their spread is taken "
                             f"as one example, {g(self.spread_floor)})")
        if self.n and self.high == self.low:
            return result + " (every pair gave the same difference; no floor on the spread is known for this metric)"
        return result

    def _undecided(self, g, pairs):
        ruled_out = max(abs(self.low), abs(self.high))
        if self.resolution == "equivalent":
            return (f"no clear difference, equivalent: no difference larger than the margin of {g(self.margin)} "
                    f"(it rules out differences over {g(ruled_out)})")
        if self.margin is None:
            wider = "no margin of practical interest is declared for this metric"
        else:
            wider = f"the interval reaches past the margin of {g(self.margin)}"
        return (f"no clear difference, cannot tell: {wider}; a true difference smaller than {g(self.half_width)} "
                f"cannot be told from 0 with these {pairs} (it rules out only differences over {g(ruled_out)})")

    def __str__(self):
        return self.sentence_auto()


def _margin(margin, margin_reason, metric):
    """(margin, reason): 'auto' gives 3 points for an accuracy-like metric and no margin otherwise."""
    if isinstance(margin, str) and margin == "auto":
        return (DEFAULT_MARGIN, DEFAULT_MARGIN_REASON) if accuracy_like(metric) else (None, "")
    if margin is None:
        return None, ""
    if isinstance(margin, bool) or not isinstance(margin, (int, float, np.floating, np.integer)) or \
            not 0 < float(margin) < math.inf:
        raise ValueError(f"margin must be a positive number in the metric's units (0.03 for 3 points), None or "
                         f"'auto'; got {margin!r}.")
    if not isinstance(margin_reason, str) or not margin_reason.strip():
        raise ValueError("a declared margin needs its reason: pass margin_reason='why a smaller difference would "
                         "not matter'.")
    return float(margin), margin_reason


def paired(a_values, b_values, a="A", b="B", metric="val_acc", confidence=0.95, higher_is_better=True,
           word="better", notes=None, margin="auto", margin_reason=None):
    """The verdict on B against A from per-seed values given in the same seed order.

    a_values, b_values: one number per seed each, paired by position (seed i of A with seed i of B).
    word:  what the winner is, in the sentence: "better" for a score, "higher" (with higher_is_better=True) for a
           quantity such as a pixel change or a time, where larger is neither good nor bad.
    notes: context kept with the verdict, e.g. {"n_eval": number of validation examples behind each value,
           "pairs": "seeds" (what each pair is: "images", "repeats"...), "subsets": distinct training subsets}.
           With n_eval, the spread of the differences is at least one evaluation example (1/n_eval).
    margin: the smallest difference that matters, in the metric's units: "auto" is 0.03 (3 points) for an
           accuracy-like metric and none otherwise; a number needs ``margin_reason``. An interval that holds 0 is
           "equivalent" inside +-margin and "cannot tell" otherwise.
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
    margin, margin_reason = _margin(margin, margin_reason, metric)
    notes = dict(notes or {})
    d = b_arr - a_arr
    mean = float(d.mean())
    sd = float(d.std(ddof=1))
    floor = 1.0 / notes["n_eval"] if notes.get("n_eval") else 0.0
    used_floor = floor if sd < floor else 0.0
    if sd < 1e-12 * max(1.0, abs(mean)):  # every difference the same (up to rounding): exactly that value
        sd, mean = 0.0, float(d[0])
    half = float(stats.t.ppf(0.5 + confidence / 2, d.size - 1)) * max(sd, floor) / math.sqrt(d.size)
    return Verdict(a, b, metric, tuple(float(v) for v in d), mean, mean - half, mean + half, confidence,
                   bool(higher_is_better), tuple(float(v) for v in a_arr), tuple(float(v) for v in b_arr),
                   str(word), margin, margin_reason, used_floor, notes)
