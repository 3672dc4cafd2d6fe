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
