"""optimlib.selection: cross-validation that trains a fresh model per fold and leaks nothing.

Known answers: perfectly separable data give accuracy 1 in every fold, labels independent of
the inputs give chance; the mechanics (folds, fresh models, preprocessing fitted on the
training part only, the cost of nested cross-validation) are checked by counting.
"""

import numpy as np
import pytest

from optimlib.data import Standardizer, kfold_indices
from optimlib.nn import MLP
from optimlib.optim import Adam
from optimlib.selection import cross_validate, grid_search, nested_cross_validate
from optimlib.train import fit

FIT = dict(epochs=15, batch_size=20)


def make_mlp(hidden=8, lr=0.02):
    def make(seed):
        model = MLP([3, hidden, 2], seed=seed)
        return model, Adam(model.params, lr=lr)
    return make


def separable(n=120, seed=0):
    # class 1 far to the right of class 0 in the first feature; feature 3 is a row id
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    X = np.column_stack([6.0 * y - 3 + 0.3 * rng.standard_normal(n),
                         rng.standard_normal(n), np.arange(n, dtype=float)])
    return X, y


def noise(n=200, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 3)), rng.integers(0, 2, n)


class RecordingStandardizer(Standardizer):
    """A Standardizer that records the row ids (last column) of every training part."""
    fitted_ids = []

    def fit(self, X):
        RecordingStandardizer.fitted_ids.append(set(np.asarray(X)[:, -1].astype(int)))
        return super().fit(X)


def test_separable_data_score_one_in_every_fold():
    X, y = separable()
    result = cross_validate(make_mlp(), X, y, n_splits=4, n_repeats=2, **FIT)
    assert result.scores.shape == (2, 4)
    np.testing.assert_array_equal(result.scores, 1.0)
    assert result.mean == 1.0


def test_labels_independent_of_the_inputs_score_chance():
    X, y = noise()
    result = cross_validate(make_mlp(), X, y, n_splits=5, n_repeats=4, seed=1, **FIT)
    # 800 validation predictions of coin flips: 0.5 ± 0.018 (one standard deviation)
    assert result.mean == pytest.approx(0.5, abs=0.06)


def test_every_sample_is_validated_once_per_repeat_and_repeats_reshuffle():
    X, y = separable(60)
    result = cross_validate(make_mlp(), X, y, n_splits=3, n_repeats=2, seed=5, **FIT)
    for repeat in result.folds:
        validated = np.sort(np.concatenate([val for _, val in repeat]))
        np.testing.assert_array_equal(validated, np.arange(60))
        for train, val in repeat:
            assert not set(train) & set(val)
    assert not np.array_equal(result.folds[0][0][1], result.folds[1][0][1])
    # the folds are optimlib.data's stratified folds drawn from the same generator
    rng = np.random.default_rng(5)
    expected = kfold_indices(y, 3, seed=rng)
    np.testing.assert_array_equal(result.folds[0][1][1], expected[1][1])


def test_a_fresh_model_per_fold_with_the_fold_number_as_seed():
    X, y = separable(60)
    seeds, models = [], []

    def make(seed):
        seeds.append(seed)
        model, optimizer = make_mlp()(seed)
        models.append(model)
        return model, optimizer

    result = cross_validate(make, X, y, n_splits=3, n_repeats=2, return_models=True, **FIT)
    assert seeds == [0, 1, 2, 3, 4, 5]
    assert len({id(m) for m in models}) == 6
    assert [m for row in result.models for m in row] == models
    assert len(result.histories[1][2].epoch) == FIT["epochs"]


def test_one_fold_is_exactly_the_same_training_done_by_hand():
    X, y = noise(90)
    result = cross_validate(make_mlp(), X, y, n_splits=3, seed=2, **FIT)
    train, val = result.folds[0][1]
    scaler = Standardizer().fit(X[train])
    model, optimizer = make_mlp()(1)
    fit(model, optimizer, scaler.transform(X[train]), y[train], seed=1, **FIT)
    by_hand = np.mean(model.predict(scaler.transform(X[val])) == y[val])
    assert result.scores[0, 1] == by_hand
    assert result.histories[0][1].train_loss[-1] > 0


def test_the_standardizer_sees_the_training_part_only():
    X, y = separable(60)
    RecordingStandardizer.fitted_ids = []
    result = cross_validate(make_mlp(), X, y, n_splits=3, preprocessing=RecordingStandardizer,
                            **FIT)
    for ids, (train, val) in zip(RecordingStandardizer.fitted_ids, result.folds[0]):
        assert ids == set(train) and not ids & set(val)


def test_grid_search_compares_candidates_on_the_same_folds():
    X, y = separable(80)
    candidates = {"cannot learn": make_mlp(lr=1e-9), "learns": make_mlp()}
    search = grid_search(candidates, X, y, n_splits=4, seed=3, **FIT)
    assert search.best == "learns" and search.best_score == 1.0
    assert search.mean_scores["cannot learn"] < 0.9
    folds = [r.folds for r in search.results.values()]
    for a, b in zip(folds[0][0], folds[1][0]):
        np.testing.assert_array_equal(a[1], b[1])


def test_nested_cross_validation_keeps_each_outer_fold_out_of_its_selection():
    X, y = separable(60)
    RecordingStandardizer.fitted_ids = []
    candidates = {"a": make_mlp(4), "b": make_mlp(8), "c": make_mlp(16)}
    result = nested_cross_validate(candidates, X, y, n_splits=3, inner_splits=2,
                                   preprocessing=RecordingStandardizer, **FIT)
    # cost: per outer fold, 3 candidates x 2 inner folds, then the winner retrained
    calls = RecordingStandardizer.fitted_ids
    assert len(calls) == 3 * (3 * 2 + 1)
    for j, (train, val) in enumerate(result.folds):
        block = calls[7 * j: 7 * (j + 1)]
        assert all(not ids & set(val) for ids in block)
        assert block[-1] == set(train)                   # the retrained winner
    assert set(result.chosen) <= set(candidates)
    np.testing.assert_array_equal(result.scores, 1.0)
    assert result.inner_best_scores.shape == (3,)


def test_nested_is_honest_where_the_non_nested_selection_score_is_optimistic():
    # labels independent of the inputs: every candidate is at chance. The best of several
    # cross-validated scores is above chance (selection bias); the nested estimate is not.
    X, y = noise(120, seed=3)
    candidates = {f"seed offset {k}": (lambda k: lambda seed: make_mlp()(seed + 100 * k))(k)
                  for k in range(6)}
    result = nested_cross_validate(candidates, X, y, n_splits=4, inner_splits=3, seed=0,
                                   **FIT)
    assert result.inner_best_scores.mean() > result.mean
    assert result.mean == pytest.approx(0.5, abs=0.1)


@pytest.mark.parametrize("call, message", [
    (lambda: cross_validate(make_mlp(), *separable(), **FIT, n_splits=1), "n_splits"),
    (lambda: cross_validate(make_mlp(), *separable(), **FIT, n_repeats=0), "n_repeats"),
    (lambda: cross_validate(make_mlp(), *separable(), epochs=2), "batch_size="),
    (lambda: cross_validate(make_mlp(), *separable(), **FIT, seed=-1), "seed"),
    (lambda: cross_validate(make_mlp(), *separable(), **FIT, validation_data=None),
     "validation_data is set"),
    (lambda: cross_validate("mlp", *separable(), **FIT), "make must be a function"),
    (lambda: cross_validate(lambda seed: MLP([3, 2]), *separable(), **FIT), "pair"),
    (lambda: cross_validate(make_mlp(), *separable(), **FIT, scoring="accuracy"), "scoring"),
    (lambda: cross_validate(make_mlp(), *separable(), **FIT, preprocessing=3), "preprocessing"),
    (lambda: cross_validate(make_mlp(), np.ones((3, 3)), [0, 1], **FIT), "3 rows but y has 2"),
    (lambda: grid_search({}, *separable(), **FIT), "non-empty dict"),
    (lambda: nested_cross_validate({"a": make_mlp()}, *separable(), **FIT, inner_splits=1),
     "inner_splits"),
])
def test_bad_arguments_are_rejected_with_their_name(call, message):
    with pytest.raises(ValueError, match=message):
        call()
