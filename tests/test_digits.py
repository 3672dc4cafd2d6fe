"""The shipped digits, the 2-D classification sets, splits, k-fold, augmentation, and an MLP
that learns the digits."""

import time

import numpy as np
import pytest

from optimlib.data import (Standardizer, augment_with_shifts, kfold_indices, load_digits,
                           make_moons, make_spirals, shift_images, train_val_test_split)
from optimlib.metrics import accuracy
from optimlib.nn import MLP
from optimlib.optim import Adam
from optimlib.plot import digit_images
from optimlib.train import fit

CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


# -- the digits --------------------------------------------------------------------------------
def test_digits_shape_dtype_range_and_class_counts():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 16 and np.all(X == np.round(X))
    assert np.bincount(y).tolist() == CLASS_COUNTS
    # the first image is a zero; its top row, read off the UCI file by hand
    assert y[0] == 0 and X[0, :8].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]


def test_digits_are_a_fresh_copy_each_time():
    X, y = load_digits()
    X[:] = -1
    y[:] = -1
    X2, y2 = load_digits()
    assert X2.min() == 0 and y2.min() == 0


def test_digits_equal_scikit_learns_copy():
    datasets = pytest.importorskip("sklearn.datasets")
    reference = datasets.load_digits()
    X, y = load_digits()
    np.testing.assert_array_equal(X, reference.data)
    np.testing.assert_array_equal(y, reference.target)


def test_licence_and_attribution_ship_with_the_data():
    from importlib import resources

    folder = resources.files("optimlib.datasets")
    licence = (folder / "LICENSE").read_text()
    readme = (folder / "README.md").read_text()
    for text in (licence, readme):
        assert "CC BY 4.0" in text and "Alpaydin" in text and "10.24432/C50P49" in text


def test_digit_images_show_labels_and_mark_mistakes():
    X, y = load_digits()
    predicted = y[:4].copy()
    predicted[1] = 7
    fig = digit_images(X, y, predicted=predicted, n_images=4, ncols=2)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [f"{y[0]}→{y[0]}", f"{y[1]}→7", f"{y[2]}→{y[2]}", f"{y[3]}→{y[3]}"]
    assert fig.axes[1].title.get_color() != fig.axes[0].title.get_color()
    with pytest.raises(ValueError, match="shape"):
        digit_images(X[:, :60])
    fig = digit_images(X, y, n_images=2, panel_titles=["original", "shifted"],
                       panel_size=(2.0, 2.0))
    assert [ax.get_title() for ax in fig.axes] == ["original", "shifted"]
    assert tuple(fig.get_size_inches()) == (4.0, 2.0)
    assert not any(ax.axison for ax in fig.axes)             # no spines next to strokes
    with pytest.raises(ValueError, match="panel_titles"):
        digit_images(X, y, n_images=3, panel_titles=["a", "b"])


# -- 2-D sets ----------------------------------------------------------------------------------
def test_moons_lie_on_their_half_circles_without_noise():
    X, y = make_moons(101, noise=0.0)
    assert np.bincount(y).tolist() == [50, 51]
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)                   # unit circle
    assert np.all(upper[:, 1] >= -1e-12)                                   # upper half
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert np.all(lower[:, 1] <= 0.5 + 1e-12)                              # lower half


def test_moons_noise_is_seeded_and_has_the_asked_spread():
    X0, y0 = make_moons(2000, noise=0.0, seed=3)
    X1, y1 = make_moons(2000, noise=0.2, seed=3)
    np.testing.assert_array_equal(make_moons(2000, noise=0.2, seed=3)[0], X1)
    assert not np.array_equal(make_moons(2000, noise=0.2, seed=4)[0], X1)
    # same seed: same shuffle, so the difference is the noise alone
    np.testing.assert_array_equal(y0, y1)
    assert np.std(X1 - X0) == pytest.approx(0.2, rel=0.05)


def test_spirals_follow_their_formula_without_noise():
    X, y = make_spirals(90, n_classes=3, turns=1.5, noise=0.0)
    assert np.bincount(y).tolist() == [30, 30, 30]
    radius = np.hypot(*X.T)
    assert radius.min() == pytest.approx(0.1) and radius.max() == pytest.approx(1.0)
    angle = np.arctan2(X[:, 1], X[:, 0])
    expected = 2 * np.pi * (1.5 * radius + y / 3)
    np.testing.assert_allclose(np.cos(angle - expected), 1.0, atol=1e-12)   # equal mod 2 pi


@pytest.mark.parametrize("make, message", [
    (lambda: make_moons(1), "n_samples"),
    (lambda: make_moons(10, noise=-0.1), "noise"),
    (lambda: make_spirals(10, n_classes=1), "n_classes"),
    (lambda: make_spirals(2, n_classes=3), "n_samples"),
    (lambda: make_spirals(10, turns=0), "turns"),
])
def test_bad_arguments_to_the_generators(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# -- splits ------------------------------------------------------------------------------------
def test_stratified_split_sizes_class_proportions_and_disjointness():
    X, y = load_digits()
    X[:, 0] = np.arange(len(X))                      # tag each row to trace where it went
    train, val, test = train_val_test_split(X, y, val_size=0.1, test_size=0.2, seed=0)
    for part, size in ((test, 0.2), (val, 0.1)):
        expected = [round(size * count) for count in CLASS_COUNTS]   # per class, by hand
        assert np.bincount(part[1], minlength=10).tolist() == expected
    rows = [part[0][:, 0].astype(int) for part in (train, val, test)]
    assert sorted(np.concatenate(rows).tolist()) == list(range(1797))       # a partition
    for part, index in zip((train, val, test), rows):
        np.testing.assert_array_equal(part[1], y[index])                    # labels follow
        assert np.all(np.diff(index) > 0)                                   # original order


def test_split_is_seeded_and_can_skip_stratification():
    X, y = load_digits()
    a, b = train_val_test_split(X, y, seed=1), train_val_test_split(X, y, seed=1)
    np.testing.assert_array_equal(a[2][0], b[2][0])
    assert not np.array_equal(train_val_test_split(X, y, seed=2)[2][0], a[2][0])
    targets = np.linspace(0, 1, 50)                            # regression targets
    train, val, test = train_val_test_split(np.ones((50, 1)), targets, val_size=0.0,
                                            test_size=0.3, stratify=False)
    assert (len(train[1]), len(val[1]), len(test[1])) == (35, 0, 15)


@pytest.mark.parametrize("kwargs, message", [
    (dict(val_size=0.6, test_size=0.4), "below 1"),
    (dict(val_size=-0.1), "val_size"),
    (dict(test_size=1.0), "test_size"),
    (dict(y=np.array([0.5] * 10)), "integer class labels"),
    (dict(y=np.zeros(9, dtype=int)), "10 rows but y has 9"),
    (dict(y=np.array([0] * 9 + [1]), test_size=0.6), "class 1 has only 1 samples"),
])
def test_bad_split_arguments(kwargs, message):
    arguments = dict(X=np.ones((10, 2)), y=np.repeat([0, 1], 5))
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        train_val_test_split(**arguments)


def test_kfold_partitions_the_samples_and_balances_classes():
    _, y = load_digits()
    folds = kfold_indices(y, n_splits=5, seed=0)
    validation = np.concatenate([val for _, val in folds])
    assert sorted(validation.tolist()) == list(range(1797))           # each sample once
    sizes = [len(val) for _, val in folds]
    assert max(sizes) - min(sizes) <= 1
    counts = np.array([np.bincount(y[val], minlength=10) for _, val in folds])
    assert np.all(counts.max(axis=0) - counts.min(axis=0) <= 1)       # stratified
    for train, val in folds:
        assert len(np.intersect1d(train, val)) == 0 and len(train) + len(val) == 1797


def test_unstratified_kfold_and_errors():
    folds = kfold_indices(np.zeros(7), n_splits=3, stratify=False, seed=0)
    assert sorted(len(val) for _, val in folds) == [2, 2, 3]
    with pytest.raises(ValueError, match="n_splits"):
        kfold_indices([0, 1, 0], n_splits=1)
    with pytest.raises(ValueError, match="n_splits"):
        kfold_indices([0, 1, 0], n_splits=4)


# -- augmentation ------------------------------------------------------------------------------
def test_shift_images_by_hand():
    image = np.arange(1.0, 10.0).reshape(1, 9)          # [[1 2 3] [4 5 6] [7 8 9]]
    down = shift_images(image, (1, 0), image_shape=(3, 3))
    np.testing.assert_array_equal(down.reshape(3, 3), [[0, 0, 0], [1, 2, 3], [4, 5, 6]])
    up_left = shift_images(image, (-1, -1), image_shape=(3, 3))
    np.testing.assert_array_equal(up_left.reshape(3, 3), [[5, 6, 0], [8, 9, 0], [0, 0, 0]])
    np.testing.assert_array_equal(shift_images(image, (0, 0), image_shape=(3, 3)), image)


def test_augment_with_shifts_stacks_originals_and_shifted_copies():
    X, y = load_digits()
    X_aug, y_aug = augment_with_shifts(X[:10], y[:10])
    assert X_aug.shape == (50, 64) and y_aug.tolist() == y[:10].tolist() * 5
    np.testing.assert_array_equal(X_aug[:10], X[:10])
    np.testing.assert_array_equal(X_aug[10:20], shift_images(X[:10], (1, 0)))
    # a digit's ink is kept when its border is empty (most digits leave column 0 blank)
    blank_left = X[:10].reshape(-1, 8, 8)[:, :, -1].sum(axis=1) == 0
    moved = shift_images(X[:10], (0, 1)).sum(axis=1)
    np.testing.assert_array_equal(moved[blank_left], X[:10].sum(axis=1)[blank_left])


@pytest.mark.parametrize("call, message", [
    (lambda: shift_images(np.ones((2, 64)), (8, 0)), r"shift\[0\]"),
    (lambda: shift_images(np.ones((2, 64)), (0, -8)), r"shift\[1\]"),
    (lambda: shift_images(np.ones((2, 60)), (1, 0)), "shape"),
    (lambda: augment_with_shifts(np.ones((2, 64)), [0, 1, 2]), "rows"),
])
def test_bad_augmentation_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- learning the digits -----------------------------------------------------------------------
def test_an_mlp_learns_the_digits_to_97_percent():
    X, y = load_digits()
    train, _, test = train_val_test_split(X, y, val_size=0.0, test_size=0.2, seed=0)
    scaler = Standardizer().fit(train[0])                   # training statistics only
    model = MLP([64, 128, 10], seed=0)
    start = time.perf_counter()
    history = fit(model, Adam(model.params, lr=1e-3), scaler.transform(train[0]), train[1],
                  epochs=30, batch_size=32, seed=0)
    seconds = time.perf_counter() - start
    test_accuracy = accuracy(test[1], model.predict(scaler.transform(test[0])))
    print(f"MLP [64, 128, 10] on digits: test accuracy {test_accuracy:.4f} after 30 epochs "
          f"in {seconds:.2f} s")
    assert test_accuracy >= 0.97
    assert history.train_accuracy[-1] > 0.99
