"""How many draws a check makes, and how wide its tolerances are, so that a CORRECT answer is rejected at most
once in 10,000 checks.

The budget. A check fails a correct answer only through a *statistical* property (a measured rate or spread that
a correct answer reaches only on average). Every other property is *deterministic*: a correct answer satisfies
it on every draw (a label table, a shape, a dtype, "never exceeds 0.2", "a cache input that is the same twice").
Each check has at most 10 statistical tests, and each test is given ALPHA = 1e-5, so by the union bound a
correct answer is rejected with probability at most 10 * 1e-5 = 1e-4.

The tolerances are exact tails, not normal approximations:

- a rate p measured from n independent draws: accept counts in [binom.ppf(ALPHA/2), binom.isf(ALPHA/2)]
  (two-sided), or one bound at ALPHA (one-sided);
- a standard deviation s measured from n independent normal draws: (n - 1) s^2 / sigma^2 is chi-square with n - 1
  degrees of freedom; accept s in sigma * sqrt(chi2.ppf(ALPHA/2 | ALPHA/2 upper) / (n - 1));
- a mean of n normal draws: |mean| <= norm.isf(ALPHA/2) * sigma / sqrt(n);
- a normal shape: a Kolmogorov-Smirnov test with the mean and stddev estimated is conservative (it rejects a
  normal sample less often than ALPHA), so p < ALPHA rejects a correct answer at most ALPHA of the time;
- "the draws reach the ends of the range": n uniform draws on [-a, a] all miss the outer tenth on one side with
  probability 0.9^n; n = 200 gives 7e-10.

Each exercise module lists its draws and tolerances in ``SIZES`` (rows: question, property, draws, tolerance,
exact false-rejection probability of a correct answer); ``exercises.sizing_table()`` gathers them.
"""
from functools import lru_cache

import numpy as np
from scipy import stats

FALSE_REJECTION = 1e-4   # per check, for a correct answer
MAX_TESTS = 10           # statistical tests per check, at most
ALPHA = FALSE_REJECTION / MAX_TESTS


@lru_cache(maxsize=None)
def count_interval(n, p, alpha=ALPHA):
    """Counts of successes, out of n draws at rate p, that a correct answer stays within (two-sided, exact)."""
    return int(stats.binom.ppf(alpha / 2, n, p)), int(stats.binom.isf(alpha / 2, n, p))


def two_sided_miss(n, p, lo, hi):
    """Exact probability that Binomial(n, p) falls outside [lo, hi]."""
    return float(stats.binom.cdf(lo - 1, n, p) + stats.binom.sf(hi, n, p))


@lru_cache(maxsize=None)
def std_interval(n, alpha=ALPHA):
    """Bounds on (sample std / true std) for n normal draws (chi-square, two-sided, exact)."""
    return (float(np.sqrt(stats.chi2.ppf(alpha / 2, n - 1) / (n - 1))),
            float(np.sqrt(stats.chi2.isf(alpha / 2, n - 1) / (n - 1))))


@lru_cache(maxsize=None)
def mean_limit(n, sigma, alpha=ALPHA):
    """Largest |mean| of n normal draws with stddev sigma that a correct answer reaches (two-sided)."""
    return float(stats.norm.isf(alpha / 2) * sigma / np.sqrt(n))


def normal_shape_p(values):
    """Kolmogorov-Smirnov p-value of values against a normal with their own mean and stddev."""
    values = np.asarray(values, dtype="float64").ravel()
    sd = values.std()
    if sd == 0:
        return 0.0
    return float(stats.kstest((values - values.mean()) / sd, "norm").pvalue)


@lru_cache(maxsize=None)
def binom_isf(k, p=0.5, alpha=ALPHA):
    """The largest count out of k draws at rate p a correct answer reaches, one-sided at alpha."""
    return int(stats.binom.isf(alpha, k, p))

