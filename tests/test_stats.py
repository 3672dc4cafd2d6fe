"""optimlib.stats: hand-computed cases always; scipy's exact binomial test where installed."""

import math

import numpy as np
import pytest

from optimlib.stats import mcnemar, mean_se, over_seeds, paired_difference, sign_test


def test_mean_and_standard_error_by_hand():
    estimate = mean_se([0.90, 0.92, 0.91, 0.95])
    # mean 0.92; deviations -0.02, 0, -0.01, 0.03: s^2 = 0.0014 / 3
    assert estimate.mean == pytest.approx(0.92)
    assert estimate.standard_error == pytest.approx(math.sqrt(0.0014 / 3) / 2)
    assert estimate.n == 4
    assert str(estimate) == "0.920 ± 0.011"
    assert estimate.format(4) == "0.9200 ± 0.0108"


def test_a_single_run_has_an_unknown_standard_error():
    estimate = mean_se([0.5])
    assert estimate.mean == 0.5 and math.isnan(estimate.standard_error)


def test_sign_test_by_hand():
    assert sign_test(5, 0) == pytest.approx(2 / 32)
    assert sign_test(0, 5) == pytest.approx(2 / 32)
    assert sign_test(3, 1) == pytest.approx(2 * (1 + 4) / 16)     # 0.625
    assert sign_test(2, 2) == 1.0                                  # capped at 1
    assert sign_test(0, 0) == 1.0


@pytest.mark.parametrize("wins, losses", [(10, 2), (7, 7), (0, 9), (31, 12), (1, 0)])
def test_sign_test_matches_scipys_exact_binomial_test(wins, losses):
    stats = pytest.importorskip("scipy.stats")
    expected = stats.binomtest(wins, wins + losses, 0.5).pvalue
    assert sign_test(wins, losses) == pytest.approx(expected, rel=1e-12)


def test_paired_difference_counts_and_cancels_the_seed_effect():
    seed_effect = np.array([0.05, -0.03, 0.02, 0.00, -0.04])
    a = 0.90 + seed_effect + np.array([0.011, 0.009, 0.010, 0.012, 0.008])
    b = 0.90 + seed_effect
    comparison = paired_difference(a, b)
    assert comparison.difference.mean == pytest.approx(0.010)
    # the differences spread by ~0.0016, far less than either method across seeds
    assert comparison.difference.standard_error == pytest.approx(
        np.std(a - b, ddof=1) / math.sqrt(5))
    assert comparison.difference.standard_error < mean_se(a).standard_error / 10
    assert (comparison.wins, comparison.losses, comparison.ties) == (5, 0, 0)
    assert comparison.p_value == pytest.approx(0.0625)
    assert not comparison.within_noise


def test_a_difference_within_two_standard_errors_is_noise():
    comparison = paired_difference([0.91, 0.90, 0.93], [0.90, 0.91, 0.92])
    assert comparison.ties == 0 and comparison.wins == 2 and comparison.losses == 1
    assert comparison.within_noise


def test_mcnemar_counts_disagreements_only():
    a = np.array([1, 1, 1, 1, 0, 0, 1, 1, 1, 1], dtype=bool)
    b = np.array([1, 0, 0, 0, 0, 1, 1, 1, 0, 1], dtype=bool)
    n10, n01, p = mcnemar(a, b)
    assert (n10, n01) == (4, 1)
    assert p == pytest.approx(2 * (1 + 5) / 32)                   # 0.375


def test_mcnemar_matches_scipys_exact_binomial_test():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(0)
    a, b = rng.random(359) < 0.93, rng.random(359) < 0.90
    n10, n01, p = mcnemar(a, b)
    assert p == pytest.approx(stats.binomtest(n10, n10 + n01, 0.5).pvalue, rel=1e-12)


def test_over_seeds_stacks_one_row_per_seed():
    result = over_seeds(lambda seed: np.random.default_rng(seed).random(2), [3, 1])
    np.testing.assert_array_equal(result[0], np.random.default_rng(3).random(2))
    assert result.shape == (2, 2)


@pytest.mark.parametrize("call, message", [
    (lambda: mean_se([]), "values is empty"),
    (lambda: mean_se([1.0, np.nan]), "values contains NaN"),
    (lambda: mean_se([[1.0]]), "values must be 1-dimensional"),
    (lambda: paired_difference([1.0, 2.0], [1.0]), "equal length"),
    (lambda: sign_test(-1, 2), "Invalid wins"),
    (lambda: sign_test(1, 2.5), "losses must be an integer"),
    (lambda: mcnemar([1, 0], [1, 0, 1]), "same samples"),
    (lambda: mcnemar([1, 2], [1, 0]), "correct_a must be"),
    (lambda: over_seeds(lambda s: s, []), "seeds is empty"),
    (lambda: over_seeds(lambda s: s, [1, 1]), "distinct"),
    (lambda: over_seeds(lambda s: s, [-1]), "seeds\\[0\\]"),
])
def test_bad_arguments_are_rejected_with_their_name(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- Student's t distribution ----------------------------------------------------------------------
from optimlib.stats import (bootstrap_interval, corrected_resampled_ttest,  # noqa: E402
                            regularized_incomplete_beta, student_t_cdf, student_t_quantile)


@pytest.mark.parametrize("x", [0.0, 1e-6, 0.05, 0.3, 0.5, 0.77, 0.999, 1.0])
def test_incomplete_beta_closed_forms(x):
    assert regularized_incomplete_beta(1, 1, x) == pytest.approx(x, abs=1e-15)
    assert regularized_incomplete_beta(3.5, 1, x) == pytest.approx(x**3.5, abs=1e-14)
    assert regularized_incomplete_beta(1, 2.5, x) == pytest.approx(1 - (1 - x) ** 2.5,
                                                                   abs=1e-14)
    # the arcsine distribution
    assert regularized_incomplete_beta(0.5, 0.5, x) == pytest.approx(
        2 / math.pi * math.asin(math.sqrt(x)), abs=1e-14)
    # symmetry
    assert (regularized_incomplete_beta(2.3, 7.1, x)
            + regularized_incomplete_beta(7.1, 2.3, 1 - x)) == pytest.approx(1, abs=1e-14)


def test_incomplete_beta_matches_scipy():
    special = pytest.importorskip("scipy.special")
    rng = np.random.default_rng(0)
    for a, b, x in zip(rng.uniform(0.05, 80, 300), rng.uniform(0.05, 80, 300), rng.random(300)):
        assert regularized_incomplete_beta(a, b, x) == pytest.approx(
            special.betainc(a, b, x), abs=1e-13)


@pytest.mark.parametrize("t", [-50.0, -3.0, -0.7, -1e-9, 0.0, 0.25, 1.0, 4.0, 1e3])
def test_t_cdf_closed_forms_for_one_and_two_degrees_of_freedom(t):
    assert student_t_cdf(t, 1) == pytest.approx(0.5 + math.atan(t) / math.pi, abs=1e-14)
    assert student_t_cdf(t, 2) == pytest.approx(0.5 + t / (2 * math.sqrt(2 + t * t)),
                                                abs=1e-14)


# upper-tail points from a standard table (rounded to 3 decimals)
T_TABLE = [(0.975, 1, 12.706), (0.975, 2, 4.303), (0.975, 5, 2.571), (0.975, 10, 2.228),
           (0.975, 30, 2.042), (0.95, 5, 2.015), (0.95, 10, 1.812), (0.995, 10, 3.169),
           (0.995, 4, 4.604), (0.9, 20, 1.325)]


@pytest.mark.parametrize("q, df, t", T_TABLE)
def test_t_cdf_and_quantile_reproduce_the_table(q, df, t):
    assert student_t_cdf(t, df) == pytest.approx(q, abs=1e-4)
    assert student_t_cdf(-t, df) == pytest.approx(1 - q, abs=1e-4)
    assert student_t_quantile(q, df) == pytest.approx(t, abs=5e-4)
    assert student_t_cdf(student_t_quantile(q, df), df) == pytest.approx(q, abs=1e-12)


def test_t_cdf_approaches_the_normal_distribution():
    assert student_t_cdf(1.959964, 1e5) == pytest.approx(0.975, abs=1e-5)


def test_t_cdf_and_quantile_match_scipy():
    stats = pytest.importorskip("scipy.stats")
    for df in (1, 2, 3, 4, 9, 19, 49, 99, 2.5):
        for t in (-20.0, -2.5, -0.3, 0.1, 1.0, 2.0, 6.0):
            assert student_t_cdf(t, df) == pytest.approx(stats.t.cdf(t, df), abs=1e-13)
        for q in (0.001, 0.05, 0.5, 0.9, 0.975, 0.9995):
            assert student_t_quantile(q, df) == pytest.approx(stats.t.ppf(q, df), abs=1e-8)


# -- the corrected resampled t-test ----------------------------------------------------------------
def test_corrected_ttest_by_hand():
    # differences 1, 2, 3: mean 2, s^2 = 1, J = 3; corrected variance (1/3 + 1/4) s^2
    result = corrected_resampled_ttest([2, 3, 4], [1, 1, 1], n_train=4, n_test=1)
    t = 2 / math.sqrt(7 / 12)
    assert result.difference == 2 and result.df == 2
    assert result.standard_error == pytest.approx(math.sqrt(7 / 12))
    assert result.statistic == pytest.approx(t)
    # two degrees of freedom: F(t) = 1/2 + t / (2 sqrt(2 + t^2)), so p = 1 - t / sqrt(2 + t^2)
    assert result.p_value == pytest.approx(1 - t / math.sqrt(2 + t * t))
    low, high = result.interval(0.95)
    assert (low, high) == pytest.approx((2 - 4.303 * math.sqrt(7 / 12),
                                         2 + 4.303 * math.sqrt(7 / 12)), abs=1e-3)


def test_the_correction_widens_the_naive_paired_ttest():
    rng = np.random.default_rng(0)
    a, b = 0.9 + 0.01 * rng.standard_normal(10), 0.9 + 0.01 * rng.standard_normal(10)
    naive = corrected_resampled_ttest(a, b, n_train=90, n_test=0)
    corrected = corrected_resampled_ttest(a, b, n_train=90, n_test=10)
    # (1/10 + 10/90) / (1/10) = 2.11: the standard error grows by sqrt(2.11)
    assert corrected.standard_error / naive.standard_error == pytest.approx(
        math.sqrt((0.1 + 1 / 9) / 0.1))
    assert corrected.p_value > naive.p_value


def test_uncorrected_ttest_matches_scipys_paired_ttest():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(1)
    a, b = rng.random(12), rng.random(12) + 0.1
    ours = corrected_resampled_ttest(a, b, n_train=100, n_test=0)
    theirs = stats.ttest_rel(a, b)
    assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-12)
    assert ours.p_value == pytest.approx(theirs.pvalue, rel=1e-10)


def test_corrected_ttest_when_all_differences_are_equal():
    assert corrected_resampled_ttest([1, 1, 1], [1, 1, 1], n_train=2, n_test=1).p_value == 1.0
    result = corrected_resampled_ttest([2, 2, 2], [1, 1, 1], n_train=2, n_test=1)
    assert result.statistic == math.inf and result.p_value == 0.0


# -- bootstrap intervals ---------------------------------------------------------------------------
def test_bootstrap_of_two_points_by_hand():
    # resample means of [0, 1]: 0 (prob 1/4), 1/2 (prob 1/2), 1 (prob 1/4)
    wide = bootstrap_interval(np.mean, np.array([0.0, 1.0]), n_resamples=4000)
    assert (wide.low, wide.high) == (0.0, 1.0)
    narrow = bootstrap_interval(np.mean, np.array([0.0, 1.0]), n_resamples=4000,
                                confidence_level=0.4)          # 30% and 70% quantiles
    assert (narrow.low, narrow.high) == (0.5, 0.5)
    assert set(np.unique(wide.distribution)) == {0.0, 0.5, 1.0}


def test_bootstrap_of_a_constant_is_a_point():
    interval = bootstrap_interval(np.mean, np.full(50, 3.0))
    assert interval.estimate == interval.low == interval.high == 3.0


def test_bootstrap_of_an_accuracy_approaches_the_binomial_interval():
    rng = np.random.default_rng(2)
    correct = rng.random(1000) < 0.9
    interval = bootstrap_interval(np.mean, correct, n_resamples=4000, seed=3)
    p = correct.mean()
    half = 1.959964 * math.sqrt(p * (1 - p) / correct.size)
    assert interval.low == pytest.approx(p - half, abs=0.003)
    assert interval.high == pytest.approx(p + half, abs=0.003)


def test_bootstrap_keeps_the_pairing_of_several_samples():
    # the same array twice: every resampled difference is exactly 0
    x = np.random.default_rng(0).random(30)
    interval = bootstrap_interval(lambda a, b: np.mean(a) - np.mean(b), x, x)
    assert interval.low == interval.high == 0.0


def test_bootstrap_matches_scipys_percentile_interval():
    stats = pytest.importorskip("scipy.stats")
    x = np.random.default_rng(4).exponential(size=200)
    ours = bootstrap_interval(np.median, x, n_resamples=5000, seed=1)
    theirs = stats.bootstrap((x,), np.median, n_resamples=5000, method="percentile",
                             rng=np.random.default_rng(2)).confidence_interval
    # Monte Carlo: different resamples, so agreement to a fraction of the width
    width = theirs.high - theirs.low
    assert ours.low == pytest.approx(theirs.low, abs=0.05 * width)
    assert ours.high == pytest.approx(theirs.high, abs=0.05 * width)


@pytest.mark.parametrize("call, message", [
    (lambda: regularized_incomplete_beta(0, 1, 0.5), "Invalid a"),
    (lambda: regularized_incomplete_beta(1, 1, 1.5), "Invalid x"),
    (lambda: student_t_cdf(1.0, 0), "Invalid df"),
    (lambda: student_t_quantile(1.0, 3), "Invalid q"),
    (lambda: corrected_resampled_ttest([1, 2], [1], n_train=5, n_test=1), "equal length"),
    (lambda: corrected_resampled_ttest([1], [1], n_train=5, n_test=1), "at least 2"),
    (lambda: corrected_resampled_ttest([1, 2], [1, 2], n_train=0, n_test=1), "n_train"),
    (lambda: corrected_resampled_ttest([1, 2], [1, 2], n_train=5, n_test=-1), "n_test"),
    (lambda: bootstrap_interval(np.mean), "at least one array"),
    (lambda: bootstrap_interval(np.mean, [1, 2], [1]), "same number of rows"),
    (lambda: bootstrap_interval(np.mean, [1, 2], n_resamples=0), "n_resamples"),
    (lambda: bootstrap_interval(np.mean, [1, 2], confidence_level=1.0), "confidence_level"),
    (lambda: bootstrap_interval("mean", [1, 2]), "statistic must be a callable"),
])
def test_bad_arguments_of_the_tests_and_intervals_are_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()
