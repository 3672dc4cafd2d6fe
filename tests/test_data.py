"""The running example, the standardizer and minibatch sampling."""

import numpy as np
import pytest

from optimlib.data import Standardizer, make_linear_regression, minibatch_indices, minibatches


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
