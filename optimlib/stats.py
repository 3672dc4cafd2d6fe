r"""Statistics for honest comparisons: runs over seeds, paired differences, exact tests.

On the digits test split one image is about a quarter of a point of accuracy, and a second
training seed can move a score by more than the difference between two methods. So the book
never compares single runs. It trains each configuration with several seeds, reports the
mean with its **standard error**

.. math:: \bar x = \frac1n\sum_{i=1}^n x_i, \qquad
   \operatorname{se}(\bar x) = \frac{s}{\sqrt n}, \qquad
   s^2 = \frac{1}{n-1}\sum_{i=1}^n (x_i - \bar x)^2,

and compares two methods run with the *same* seeds through their **paired** differences
:math:`d_i = a_i - b_i`, whose spread is usually much smaller than that of either method,
because whatever a seed does to both runs cancels (Dietterich 1998). When the two methods are
evaluated on the same test images, :func:`mcnemar` tests whether the images they disagree on
favour one of them.

>>> import numpy as np
>>> summary = mean_se([0.90, 0.92, 0.91])
>>> print(summary)
0.910 ± 0.006
>>> comparison = paired_difference([0.91, 0.93, 0.92], [0.90, 0.92, 0.90])
>>> comparison.wins, comparison.losses, comparison.ties
(3, 0, 0)

References
----------
Dietterich, T. G. (1998). Approximate statistical tests for comparing supervised
classification learning algorithms. Neural Computation 10(7).
McNemar, Q. (1947). Note on the sampling error of the difference between correlated
proportions or percentages. Psychometrika 12(2).
"""

import math
from dataclasses import dataclass

import numpy as np

from optimlib._validation import check_array, check_int

__all__ = ["Estimate", "mean_se", "over_seeds", "PairedComparison", "paired_difference",
           "sign_test", "mcnemar"]


@dataclass(frozen=True)
class Estimate:
    """A mean and its standard error over ``n`` independent runs.

    Attributes
    ----------
    mean : float
    standard_error : float
        :math:`s/\\sqrt n` with the sample standard deviation :math:`s` (``ddof=1``); NaN for
        a single run, whose spread is unknown.
    n : int
    """

    mean: float
    standard_error: float
    n: int

    def __str__(self):
        return self.format()

    def format(self, digits=3):
        """``"mean ± standard error"`` with ``digits`` decimals."""
        return f"{self.mean:.{digits}f} ± {self.standard_error:.{digits}f}"


def mean_se(values):
    """Mean and standard error of independent runs (e.g. one score per seed).

    Parameters
    ----------
    values : array_like, shape (n,)
        At least one finite number.

    Returns
    -------
    Estimate

    Examples
    --------
    >>> mean_se([1.0, 2.0, 3.0])          # s = 1, se = 1/sqrt(3)
    Estimate(mean=2.0, standard_error=0.5773502691896258, n=3)
    """
    values = check_array("values", values, ndim=1)
    if values.size == 0:
        raise ValueError("values is empty: a mean needs at least one run")
    n = values.size
    spread = float(np.std(values, ddof=1)) / math.sqrt(n) if n > 1 else math.nan
    return Estimate(float(np.mean(values)), spread, n)


def over_seeds(run, seeds):
    """``run(seed)`` for every seed, stacked into one array (one row per seed).

    Parameters
    ----------
    run : callable
        ``run(seed)`` returns a number or an array of the same shape for every seed (for
        example the test accuracy of a model trained with that seed).
    seeds : sequence of int
        Non-negative, distinct.

    Returns
    -------
    ndarray, shape (len(seeds), ...)

    Examples
    --------
    >>> over_seeds(lambda seed: [seed, seed ** 2], seeds=[1, 2, 3])
    array([[1, 1],
           [2, 4],
           [3, 9]])
    """
    seeds = [check_int(f"seeds[{i}]", seed, low=0) for i, seed in enumerate(seeds)]
    if not seeds:
        raise ValueError("seeds is empty")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct, got {seeds}")
    return np.array([run(seed) for seed in seeds])


def sign_test(wins, losses):
    r"""Exact two-sided sign test: how surprising ``wins`` against ``losses`` is if each
    non-tied pair is a fair coin flip.

    .. math:: p = \min\Bigl(1,\ 2\sum_{j=0}^{\min(w, l)} \binom{w+l}{j} 2^{-(w+l)}\Bigr)

    Ties carry no information about which method is better and are left out.

    Parameters
    ----------
    wins, losses : int
        Non-negative counts.

    Returns
    -------
    float
        The p-value; 1 when there are no untied pairs.

    Examples
    --------
    >>> sign_test(5, 0)          # 2 / 2**5
    0.0625
    """
    wins = check_int("wins", wins, low=0)
    losses = check_int("losses", losses, low=0)
    n = wins + losses
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, j) for j in range(min(wins, losses) + 1)) / 2**n
    return min(1.0, 2 * tail)


@dataclass(frozen=True)
class PairedComparison:
    r"""Method A against method B on the same seeds (or folds, or splits).

    Attributes
    ----------
    difference : Estimate
        Mean and standard error of the paired differences :math:`d_i = a_i - b_i`.
    wins, losses, ties : int
        Pairs where A is higher, lower, equal.
    p_value : float
        Exact two-sided sign test on wins against losses (:func:`sign_test`). With few
        seeds it cannot be small: five wins out of five give 0.0625.
    """

    difference: Estimate
    wins: int
    losses: int
    ties: int
    p_value: float

    @property
    def within_noise(self):
        """True if the mean difference is within two standard errors of zero."""
        d = self.difference
        return bool(not abs(d.mean) > 2 * d.standard_error)

    def __str__(self):
        return (f"{self.difference.mean:+.3f} ± {self.difference.standard_error:.3f} "
                f"(wins {self.wins}, losses {self.losses}, ties {self.ties})")


def paired_difference(a, b):
    """Compare two methods run with the same seeds through their paired differences.

    Parameters
    ----------
    a, b : array_like, shape (n,)
        The scores of methods A and B, entry ``i`` of both from seed (or fold) ``i``.

    Returns
    -------
    PairedComparison

    Examples
    --------
    >>> a = [0.91, 0.93, 0.92, 0.92]
    >>> b = [0.90, 0.93, 0.91, 0.90]
    >>> print(paired_difference(a, b))
    +0.010 ± 0.004 (wins 3, losses 0, ties 1)
    """
    a = check_array("a", a, ndim=1)
    b = check_array("b", b, ndim=1)
    if a.shape != b.shape:
        raise ValueError(f"a and b must be paired runs of equal length, got {a.size} and "
                         f"{b.size}")
    d = a - b
    wins, losses = int(np.sum(d > 0)), int(np.sum(d < 0))
    return PairedComparison(mean_se(d), wins, losses, int(d.size - wins - losses),
                            sign_test(wins, losses))


def mcnemar(correct_a, correct_b):
    r"""Exact McNemar test of two classifiers evaluated on the same test samples.

    Only the samples the two classifiers disagree on carry information: :math:`n_{10}`
    that A gets right and B wrong, :math:`n_{01}` the other way round. If the classifiers
    are equally accurate, each disagreement is a fair coin flip, and the two-sided p-value
    is the exact binomial (sign) test of :math:`n_{10}` against :math:`n_{01}`
    (McNemar 1947; Dietterich 1998 recommends it for one test set).

    Parameters
    ----------
    correct_a, correct_b : array_like of bool, shape (n,)
        Whether each classifier got each test sample right.

    Returns
    -------
    n10, n01 : int
        Samples only A got right; samples only B got right.
    p_value : float

    Examples
    --------
    >>> mcnemar([1, 1, 1, 0, 1], [1, 0, 0, 0, 1])
    (2, 0, 0.5)
    """
    correct_a = np.asarray(correct_a)
    correct_b = np.asarray(correct_b)
    for name, values in (("correct_a", correct_a), ("correct_b", correct_b)):
        if values.ndim != 1 or not np.isin(values, (0, 1)).all():
            raise ValueError(f"{name} must be a 1-D array of booleans (or 0/1), one per "
                             "test sample")
    if correct_a.shape != correct_b.shape:
        raise ValueError(f"correct_a and correct_b must cover the same samples, got "
                         f"{correct_a.size} and {correct_b.size}")
    correct_a, correct_b = correct_a.astype(bool), correct_b.astype(bool)
    n10 = int(np.sum(correct_a & ~correct_b))
    n01 = int(np.sum(~correct_a & correct_b))
    return n10, n01, sign_test(n10, n01)
