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

Two more tools complete the comparison. Scores from the folds of (repeated) cross-validation
are not independent, since the training sets overlap; :func:`corrected_resampled_ttest` widens
the paired t-test accordingly (Nadeau and Bengio 2003), with Student's t distribution written
out here (:func:`student_t_cdf`). :func:`bootstrap_interval` gives a confidence interval for
any metric of one test set by resampling its images (Efron and Tibshirani 1993).

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
Nadeau, C. and Bengio, Y. (2003). Inference for the generalization error. Machine Learning
52(3).
Efron, B. and Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall.
"""

import math
from dataclasses import dataclass

import numpy as np

from optimlib._validation import check_array, check_int, check_real, check_rng

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


# -- Student's t distribution, written out (scipy is not a dependency) --------------------------
__all__ += ["regularized_incomplete_beta", "student_t_cdf", "student_t_quantile"]


def regularized_incomplete_beta(a, b, x):
    r"""The regularized incomplete beta function :math:`I_x(a, b)`.

    .. math:: I_x(a, b) = \frac{1}{B(a, b)}\int_0^x u^{a-1}(1 - u)^{b-1}\,du

    evaluated by its continued fraction (modified Lentz's method), which converges quickly
    for :math:`x < (a + 1)/(a + b + 2)`; otherwise the symmetry
    :math:`I_x(a, b) = 1 - I_{1-x}(b, a)` is used (Press et al. 2007, Section 6.4). It is
    scipy's ``scipy.special.betainc(a, b, x)``.

    Parameters
    ----------
    a, b : float
        Positive.
    x : float
        In [0, 1].

    Returns
    -------
    float

    References
    ----------
    Press, W. H., Teukolsky, S. A., Vetterling, W. T. and Flannery, B. P. (2007).
    Numerical Recipes, 3rd edition, Section 6.4.

    Examples
    --------
    >>> regularized_incomplete_beta(1.0, 1.0, 0.3)    # I_x(1, 1) = x
    0.3
    >>> round(regularized_incomplete_beta(2.0, 3.0, 0.4), 12)   # = 0.5248
    0.5248
    """
    a = check_real("a", a, low=0, low_open=True)
    b = check_real("b", b, low=0, low_open=True)
    x = check_real("x", x, low=0, high=1)
    if x in (0.0, 1.0):
        return x
    if x > (a + 1) / (a + b + 2):
        return 1.0 - regularized_incomplete_beta(b, a, 1.0 - x)
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a


def _beta_continued_fraction(a, b, x, max_terms=10_000, tolerance=1e-16):
    """The continued fraction 1/(1 + d1/(1 + d2/(1 + ...))) of the incomplete beta
    function, by the modified Lentz method."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    value = d
    for m in range(1, max_terms + 1):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            value *= c * d
        if abs(c * d - 1.0) < tolerance:
            return value
    raise ArithmeticError(f"the continued fraction of I_x(a, b) did not converge for a={a}, "
                          f"b={b}, x={x}")


def student_t_cdf(t, df):
    r"""The cumulative distribution function of Student's t distribution with ``df`` degrees of
    freedom.

    .. math:: F(t) = 1 - \tfrac12 I_{\nu/(\nu + t^2)}\bigl(\tfrac\nu2, \tfrac12\bigr)
       \quad (t \ge 0), \qquad F(-t) = 1 - F(t),

    with :func:`regularized_incomplete_beta` and :math:`\nu` = ``df``. Near :math:`t = 0`
    it uses the equal form :math:`\tfrac12 + \tfrac12 I_{t^2/(\nu + t^2)}(\tfrac12,
    \tfrac\nu2)`, whose argument keeps full precision.

    Parameters
    ----------
    t : float
    df : float
        Degrees of freedom :math:`\nu > 0`.

    Returns
    -------
    float

    Examples
    --------
    >>> round(student_t_cdf(1.0, 1), 12)      # Cauchy: 1/2 + arctan(1)/pi
    0.75
    >>> round(student_t_cdf(2.228, 10), 4)    # the table's 97.5% point
    0.975
    """
    t = check_real("t", t)
    df = check_real("df", df, low=0, low_open=True)
    x, y = df / (df + t * t), t * t / (df + t * t)         # x + y = 1, each to full precision
    if x < 0.5:
        tail = 0.5 * regularized_incomplete_beta(df / 2, 0.5, x)
    else:                                   # near t = 0: the same, as 1/2 - I_y(1/2, df/2)/2
        tail = 0.5 - 0.5 * regularized_incomplete_beta(0.5, df / 2, y)
    return 1.0 - tail if t >= 0 else tail


def student_t_quantile(q, df):
    r"""The ``q``-quantile of Student's t distribution: the :math:`t` with
    :math:`F(t) = q`, found by bisection on :func:`student_t_cdf`.

    Parameters
    ----------
    q : float
        In (0, 1).
    df : float
        Degrees of freedom, positive.

    Returns
    -------
    float

    Examples
    --------
    >>> round(student_t_quantile(0.975, 10), 3)     # the table's 2.228
    2.228
    """
    q = check_real("q", q, low=0, high=1, low_open=True, high_open=True)
    df = check_real("df", df, low=0, low_open=True)
    low, high = -1.0, 1.0
    while student_t_cdf(low, df) > q:
        low *= 2
    while student_t_cdf(high, df) < q:
        high *= 2
    for _ in range(200):                    # the bracket halves each time: to full precision
        middle = 0.5 * (low + high)
        if middle in (low, high):
            break
        if student_t_cdf(middle, df) < q:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


# -- comparing models on cross-validation folds, and intervals by the bootstrap ----------------
__all__ += ["CorrectedTTest", "corrected_resampled_ttest", "BootstrapInterval",
            "bootstrap_interval"]


@dataclass(frozen=True)
class CorrectedTTest:
    r"""The result of :func:`corrected_resampled_ttest`.

    Attributes
    ----------
    difference : float
        Mean of the paired differences :math:`\bar d`.
    standard_error : float
        :math:`\sqrt{(1/J + n_2/n_1)\,s^2}`, the corrected standard error of :math:`\bar d`.
    statistic : float
        :math:`t = \bar d / \text{standard\_error}`.
    df : int
        :math:`J - 1`.
    p_value : float
        Two-sided.
    """

    difference: float
    standard_error: float
    statistic: float
    df: int
    p_value: float

    def interval(self, confidence_level=0.95):
        """The corrected confidence interval :math:`\\bar d \\pm t_{J-1}\\,` standard_error."""
        confidence_level = check_real("confidence_level", confidence_level, low=0, high=1,
                                      low_open=True, high_open=True)
        half = student_t_quantile(0.5 + confidence_level / 2, self.df) * self.standard_error
        return self.difference - half, self.difference + half

    def __str__(self):
        return (f"{self.difference:+.3f} ± {self.standard_error:.3f}, "
                f"t = {self.statistic:.2f}, df = {self.df}, p = {self.p_value:.3g}")


def corrected_resampled_ttest(a, b, *, n_train, n_test):
    r"""Nadeau and Bengio's corrected resampled t-test of two methods evaluated on the same
    :math:`J` train/test splits (e.g. the folds of repeated k-fold cross-validation).

    The :math:`J` differences :math:`d_j = a_j - b_j` are not independent: their training
    sets overlap, so the plain paired t-test, whose variance is :math:`s^2/J`,
    underestimates the variance of :math:`\bar d` and finds differences that are not
    there (Dietterich 1998). Nadeau and Bengio (2003) correct the variance to

    .. math:: \hat\sigma^2 = \Bigl(\frac1J + \frac{n_2}{n_1}\Bigr)\, s^2, \qquad
       t = \frac{\bar d}{\hat\sigma},

    with :math:`n_1` training and :math:`n_2` test samples per split and the sample variance
    :math:`s^2` of the :math:`d_j`, and compare :math:`t` with Student's t distribution with
    :math:`J - 1` degrees of freedom. Bouckaert and Frank (2004) recommend it for repeated
    k-fold cross-validation (e.g. 10 × 10 folds). With ``n_test=0`` it is the plain paired
    t-test.

    Parameters
    ----------
    a, b : array_like, shape (J,)
        The scores of the two methods, entry ``j`` of both from split ``j``; ``J >= 2``.
    n_train, n_test : int
        :math:`n_1 \ge 1` and :math:`n_2 \ge 0`, the sizes of one split's training and test
        sets (for k-fold cross-validation of n samples, about :math:`n(k-1)/k` and
        :math:`n/k`).

    Returns
    -------
    CorrectedTTest
        If all differences are equal, the standard error is 0 and :math:`t` is 0 (p = 1)
        when they are 0, and infinite (p = 0) otherwise.

    References
    ----------
    Nadeau, C. and Bengio, Y. (2003). Inference for the generalization error. Machine
    Learning 52(3).
    Bouckaert, R. R. and Frank, E. (2004). Evaluating the replicability of significance
    tests for comparing learning algorithms. PAKDD.

    Examples
    --------
    >>> # d = 1, 2, 3: mean 2, s^2 = 1; variance (1/3 + 1/4) s^2 = 7/12
    >>> result = corrected_resampled_ttest([2, 3, 4], [1, 1, 1], n_train=4,
    ...                                    n_test=1)
    >>> round(result.statistic, 4), result.df
    (2.6186, 2)
    """
    a = check_array("a", a, ndim=1)
    b = check_array("b", b, ndim=1)
    if a.shape != b.shape:
        raise ValueError(f"a and b must be paired scores of equal length, got {a.size} and "
                         f"{b.size}")
    if a.size < 2:
        raise ValueError(f"the t-test needs at least 2 splits, got {a.size}")
    n_train = check_int("n_train", n_train, low=1)
    n_test = check_int("n_test", n_test, low=0)
    d = a - b
    mean, J = float(np.mean(d)), d.size
    standard_error = math.sqrt((1 / J + n_test / n_train) * float(np.var(d, ddof=1)))
    if standard_error == 0:
        statistic = 0.0 if mean == 0 else math.copysign(math.inf, mean)
    else:
        statistic = mean / standard_error
    if math.isinf(statistic):
        p_value = 0.0
    else:
        p_value = min(1.0, 2 * (1 - student_t_cdf(abs(statistic), J - 1)))
    return CorrectedTTest(mean, standard_error, statistic, J - 1, p_value)


@dataclass(frozen=True)
class BootstrapInterval:
    """A statistic and its bootstrap percentile interval.

    Attributes
    ----------
    estimate : float
        The statistic on the original samples.
    low, high : float
        The interval's ends.
    confidence_level : float
    distribution : ndarray, shape (n_resamples,)
        The statistic on each resample (to draw its histogram).
    """

    estimate: float
    low: float
    high: float
    confidence_level: float
    distribution: np.ndarray

    def __str__(self):
        return (f"{self.estimate:.3f} [{self.low:.3f}, {self.high:.3f}] "
                f"({100 * self.confidence_level:g}% bootstrap interval)")


def bootstrap_interval(statistic, *samples, n_resamples=2000, confidence_level=0.95, seed=0):
    r"""Percentile bootstrap confidence interval of a statistic of a test set (Efron and
    Tibshirani 1993).

    Draw ``n_resamples`` resamples of the :math:`n` test samples *with replacement*, each
    of size :math:`n`, evaluate the statistic on each, and take the
    :math:`\alpha/2` and :math:`1 - \alpha/2` quantiles of these values as the interval,
    :math:`\alpha = 1 -` ``confidence_level``. All ``samples`` are resampled with the same
    rows, so a paired statistic (the difference of two classifiers' accuracies on the same
    images) keeps its pairing. The interval describes the uncertainty due to the test set
    only, not that due to the training data or seed.

    Parameters
    ----------
    statistic : callable
        ``statistic(*resampled)`` returns a number, e.g. :func:`optimlib.metrics.accuracy`
        with ``samples = (y_test, predicted)``.
    *samples : array_like
        One or more arrays with the same number of rows :math:`n \ge 1`.
    n_resamples : int, default 2000
    confidence_level : float, default 0.95
        In (0, 1).
    seed : int or numpy.random.Generator, default 0

    Returns
    -------
    BootstrapInterval

    References
    ----------
    Efron, B. and Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman &
    Hall, Chapter 13.

    Examples
    --------
    >>> y_true = np.array([0, 1] * 50)
    >>> y_pred = np.where(np.arange(100) < 80, y_true, 1 - y_true)
    >>> interval = bootstrap_interval(lambda t, p: np.mean(t == p),
    ...                               y_true, y_pred)
    >>> print(interval)     # about 0.8 ± 1.96 sqrt(0.8 * 0.2 / 100)
    0.800 [0.720, 0.880] (95% bootstrap interval)
    """
    if not callable(statistic):
        raise ValueError(f"statistic must be a callable, got {statistic!r}")
    if not samples:
        raise ValueError("give at least one array of samples to resample")
    samples = [np.asarray(sample) for sample in samples]
    n = len(samples[0]) if samples[0].ndim else 0
    if n == 0 or any(sample.ndim == 0 or len(sample) != n for sample in samples):
        raise ValueError(f"samples must be non-empty arrays with the same number of rows, "
                         f"got lengths {[sample.shape for sample in samples]}")
    n_resamples = check_int("n_resamples", n_resamples, low=1)
    confidence_level = check_real("confidence_level", confidence_level, low=0, high=1,
                                  low_open=True, high_open=True)
    rng = check_rng(seed)
    estimate = float(statistic(*samples))
    rows = rng.integers(0, n, size=(n_resamples, n))
    distribution = np.array([float(statistic(*(sample[r] for sample in samples)))
                             for r in rows])
    alpha = 1 - confidence_level
    low, high = np.percentile(distribution, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return BootstrapInterval(estimate, float(low), float(high), confidence_level,
                             distribution)
