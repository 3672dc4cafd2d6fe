"""The running example, the standardizer, the split sizes and minibatch sampling."""

import math

import numpy as np
import pytest

from optimlib.data import (Standardizer, load_digits, make_linear_regression, minibatch_indices,
                           minibatches, train_val_test_split)


def test_running_example_is_the_documented_one():
    X, y = make_linear_regression()
    assert X.shape == (100, 2) and y.shape == (100,)
    assert X.dtype == np.float64
    assert 0.0 <= X.min() and X.max() < 1.0
    np.testing.assert_allclose(y, 2 * X[:, 0] + 3 * X[:, 1] + 1, rtol=1e-15)


def test_running_example_is_deterministic_and_noise_does_not_move_X():
    X1, y1 = make_linear_regression(seed=5)
    X2, y2 = make_linear_regression(seed=5)
    X3, y3 = make_linear_regression(seed=5, noise=0.5)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_array_equal(X1, X3)
    residual = y3 - y1
    assert 0.3 < residual.std() < 0.7                  # sigma = 0.5 on 100 samples
    assert not np.array_equal(make_linear_regression(seed=6)[0], X1)


@pytest.mark.parametrize("kwargs, message", [
    (dict(n_samples=0), "n_samples"),
    (dict(noise=-1.0), "noise"),
    (dict(weights=[[1.0]]), "weights"),
    (dict(seed=-3), "seed"),
    (dict(bias=float("nan")), "bias"),
])
def test_running_example_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_linear_regression(**kwargs)


def test_standardizer_by_hand_and_inverse():
    X = np.array([[1.0, 10.0], [3.0, 20.0], [5.0, 30.0]])
    s = Standardizer().fit(X)
    np.testing.assert_allclose(s.mean_, [3.0, 20.0])
    np.testing.assert_allclose(s.scale_, [np.sqrt(8 / 3), np.sqrt(200 / 3)])
    Z = s.transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-15)
    np.testing.assert_allclose(Z.std(axis=0), 1, rtol=1e-14)
    np.testing.assert_allclose(s.inverse_transform(Z), X, rtol=1e-14)


def test_standardizer_uses_training_statistics_for_new_data():
    s = Standardizer().fit(np.array([[0.0], [2.0]]))          # mean 1, std 1
    np.testing.assert_allclose(s.transform(np.array([[5.0]])), [[4.0]])


def test_standardizer_constant_feature_and_errors():
    s = Standardizer().fit(np.array([[1.0, 7.0], [3.0, 7.0]]))
    np.testing.assert_allclose(s.transform(np.array([[2.0, 7.0]])), [[0.0, 0.0]])
    with pytest.raises(ValueError, match="not fitted"):
        Standardizer().transform(np.ones((2, 2)))
    with pytest.raises(ValueError, match="shape"):
        s.transform(np.ones((2, 3)))


def test_standardizer_constant_column_is_zero_on_training_data_only():
    # a column constant in training (7) is only centred: a held-out 9 stays 2, in its own units
    s = Standardizer().fit(np.array([[1.0, 7.0], [3.0, 7.0]]))
    np.testing.assert_array_equal(s.scale_, [1.0, 1.0])
    np.testing.assert_allclose(s.transform(np.array([[1.0, 7.0], [2.0, 9.0]])),
                               [[-1.0, 0.0], [0.0, 2.0]])


def test_standardizer_min_scale_bounds_the_amplification_of_faint_columns():
    # column 0: values 0 and 0.2, std 0.1; column 1: 0 and 4, std 2; column 2: constant 0
    X = np.array([[0.0, 0.0, 0.0], [0.2, 4.0, 0.0]])
    held_out = np.array([[16.0, 16.0, 16.0]])
    plain = Standardizer().fit(X)
    np.testing.assert_allclose(plain.scale_, [0.1, 2.0, 1.0])
    np.testing.assert_allclose(plain.transform(held_out), [[159.0, 7.0, 16.0]])
    floored = Standardizer(min_scale=1.0).fit(X)
    np.testing.assert_allclose(floored.scale_, [1.0, 2.0, 1.0])   # only the faint one moves
    np.testing.assert_allclose(floored.transform(held_out), [[15.9, 7.0, 16.0]])
    np.testing.assert_allclose(floored.inverse_transform(floored.transform(X)), X)
    np.testing.assert_allclose(Standardizer(min_scale=0.5).fit(X).scale_, [0.5, 2.0, 0.5])
    with pytest.raises(ValueError, match="min_scale"):
        Standardizer(min_scale=-1.0)


# -- split sizes: global totals shared by largest remainders --------------------------------------
FOUR_CLASSES = np.repeat([0, 1, 2, 3], 5)          # four classes of five samples


def test_split_of_four_classes_of_five_has_the_global_sizes():
    # per-class rounding gave round(0.5) = 0 test samples for test_size=0.1 and
    # 4 * round(2.5) = 8 for test_size=0.5; the totals are floor(0.1 * 20) = 2, 0.5 * 20 = 10
    for test_size, total in [(0.1, 2), (0.5, 10)]:
        train, val, test = train_val_test_split(np.ones((20, 1)), FOUR_CLASSES, val_size=0.0,
                                                test_size=test_size, seed=0)
        per_class = np.bincount(test[1], minlength=4)
        assert per_class.sum() == total and len(val[1]) == 0 and len(train[1]) == 20 - total
        quota = test_size * 5                       # each class gets its quota rounded
        assert set(per_class.tolist()) == {math.floor(quota), math.ceil(quota)}


def test_split_ties_give_validation_extras_to_other_classes():
    # 0.1 of 5 is 0.5 for every class, for both sets: the two extra test samples and the two
    # extra validation samples go to different classes, so every class keeps 4 for training
    for seed in range(5):
        train, val, test = train_val_test_split(np.ones((20, 1)), FOUR_CLASSES, val_size=0.1,
                                                test_size=0.1, seed=seed)
        assert np.bincount(train[1]).tolist() == [4, 4, 4, 4]
        assert len(val[1]) == len(test[1]) == 2


@pytest.mark.parametrize("counts", [[5, 5, 5, 5], [1, 2, 3, 50], [7, 11, 13], [33, 34, 35]])
@pytest.mark.parametrize("val_size, test_size", [(0.2, 0.2), (0.1, 0.3), (0.15, 0.15)])
def test_split_totals_and_class_quotas(counts, val_size, test_size):
    y = np.repeat(np.arange(len(counts)), counts)
    n = len(y)
    X = np.arange(n, dtype=float)[:, None]          # tag each row to trace where it went
    try:
        train, val, test = train_val_test_split(X, y, val_size=val_size, test_size=test_size)
    except ValueError as error:                     # only a class left without training data
        assert "none would be left for training" in str(error)
        return
    for part, size in ((val, val_size), (test, test_size)):
        assert len(part[1]) == math.floor(round(size * n, 9))
        for label, count in enumerate(counts):
            got = np.sum(part[1] == label)
            assert math.floor(round(size * count, 9)) <= got <= math.ceil(round(size * count, 9))
    rows = np.concatenate([part[0][:, 0] for part in (train, val, test)])
    assert sorted(rows.tolist()) == list(range(n))            # a partition


def test_split_sizes_are_exact_decimal_fractions():
    # in floating point 0.29 * 100 = 28.999999999999996; the split reads 0.29 as 29/100
    for size, n, expected in [(0.29, 100, 29), (0.1, 30, 3), (1 / 3, 9, 3), (0.7, 10, 7)]:
        _, _, test = train_val_test_split(np.ones((n, 1)), np.zeros(n), val_size=0.0,
                                          test_size=size, stratify=False)
        assert len(test[1]) == expected


@pytest.mark.parametrize("kwargs, message", [
    (dict(val_size=0.0, test_size=0.04), "test_size=0.04 of 20 samples is less than one"),
    (dict(val_size=0.01, test_size=0.5), "val_size=0.01 of 20 samples is less than one"),
    (dict(val_size=0.35, test_size=0.6), "class . has only 5 samples: none would be left"),
])
def test_split_never_returns_an_empty_set_silently(kwargs, message):
    with pytest.raises(ValueError, match=message):
        train_val_test_split(np.ones((20, 1)), FOUR_CLASSES, **kwargs)
    # a size of 0 asks for an empty set
    _, val, _ = train_val_test_split(np.ones((20, 1)), FOUR_CLASSES, val_size=0.0)
    assert len(val[1]) == 0


def _split_rounding_each_class(y, val_size, test_size, seed):
    """The former rule, kept here as an oracle: round(size * n_c) within each class."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(y))
    parts = ([], [], [])
    for label in np.unique(y):
        group = order[y[order] == label]
        n_test, n_val = round(test_size * len(group)), round(val_size * len(group))
        parts[2].append(group[:n_test])
        parts[1].append(group[n_test:n_test + n_val])
        parts[0].append(group[n_test + n_val:])
    return [np.sort(np.concatenate(part)) for part in parts]


def test_split_keeps_the_chapters_splits_where_per_class_rounding_was_right():
    # the digits split of Chapters 7, 8, 10 and 11, and Chapter 8's resplits of the training
    # and validation images: per-class rounding already met floor(size * n) there
    X, y = load_digits()
    X = np.arange(len(y), dtype=float)[:, None]
    split = train_val_test_split(X, y, val_size=0.2, test_size=0.2, seed=0)
    for part, rows in zip(split, _split_rounding_each_class(y, 0.2, 0.2, 0)):
        np.testing.assert_array_equal(part[0][:, 0], rows)
    development = np.sort(np.concatenate([split[0][0][:, 0], split[1][0][:, 0]])).astype(int)
    for seed in range(100, 110):
        resplit = train_val_test_split(X[development], y[development], val_size=0.2,
                                       test_size=0.0, seed=seed)
        old = _split_rounding_each_class(y[development], 0.2, 0.0, seed)
        for part, rows in zip(resplit, old):
            np.testing.assert_array_equal(part[0][:, 0], development[rows])


def test_shuffled_epoch_visits_every_sample_once():
    batches = list(minibatch_indices(10, 3, seed=1))
    assert [len(b) for b in batches] == [3, 3, 3, 1]
    assert sorted(np.concatenate(batches)) == list(range(10))
    assert [len(b) for b in minibatch_indices(10, 3, drop_last=True)] == [3, 3, 3]


def test_fixed_order_and_replacement():
    assert np.concatenate(list(minibatch_indices(5, 2, sampling="fixed"))).tolist() == [0, 1, 2, 3, 4]
    draws = np.concatenate(list(minibatch_indices(1000, 1000, seed=0, sampling="replacement")))
    # with replacement, about 1 - 1/e of the samples appear in n draws
    assert 0.6 < np.unique(draws).size / 1000 < 0.66


def test_same_generator_gives_new_reproducible_order_each_epoch():
    rng = np.random.default_rng(0)
    epoch1 = np.concatenate(list(minibatch_indices(20, 5, seed=rng)))
    epoch2 = np.concatenate(list(minibatch_indices(20, 5, seed=rng)))
    assert not np.array_equal(epoch1, epoch2)
    rng = np.random.default_rng(0)
    np.testing.assert_array_equal(np.concatenate(list(minibatch_indices(20, 5, seed=rng))), epoch1)


def test_minibatches_are_always_two_dimensional():
    X, y = make_linear_regression(n_samples=4)
    for xb, yb in minibatches(X, y, batch_size=1, seed=0):
        assert xb.shape == (1, 2) and yb.shape == (1,)


@pytest.mark.parametrize("kwargs, message", [
    (dict(n_samples=10, batch_size=0), "batch_size"),
    (dict(n_samples=10, batch_size=11), "batch_size"),
    (dict(n_samples=10, batch_size=2, sampling="random"), "sampling"),
])
def test_minibatch_arguments_are_checked_at_call_time(kwargs, message):
    with pytest.raises(ValueError, match=message):
        minibatch_indices(**kwargs)       # no iteration needed


def test_minibatches_rejects_mismatched_rows():
    with pytest.raises(ValueError, match="rows"):
        minibatches(np.ones((3, 2)), np.ones(4), 1)
