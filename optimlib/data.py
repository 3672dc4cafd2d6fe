r"""Data sets (generated from a seed or shipped with the package; never downloaded),
standardization and minibatches.

The running example of Part I is :func:`make_linear_regression`:
:math:`X \sim U[0,1]^{100\times 2}`, :math:`y = X\,(2, 3)^\top + 1` (plus optional noise).
"""

import gzip
import math
from fractions import Fraction
from importlib import resources

import numpy as np

from optimlib._validation import check_array, check_int, check_labels, check_real, check_rng

__all__ = ["make_linear_regression", "Standardizer", "minibatch_indices", "minibatches"]


def make_linear_regression(n_samples=100, weights=(2.0, 3.0), bias=1.0, noise=0.0, seed=0):
    r"""The running example: :math:`y_i = x_i^\top w + b + \sigma \epsilon_i`.

    Inputs are drawn uniformly, :math:`x_i \sim U[0, 1]^d`, and the noise is
    :math:`\epsilon_i \sim \mathcal N(0, 1)`. The inputs are drawn first, so changing
    ``noise`` does not change ``X``.

    Parameters
    ----------
    n_samples : int, default 100
        Number of samples :math:`n \ge 1`.
    weights : sequence of float, default (2, 3)
        True weights :math:`w`; their number is :math:`d`.
    bias : float, default 1
        True bias :math:`b`.
    noise : float, default 0
        Standard deviation :math:`\sigma \ge 0` of the label noise.
    seed : int or numpy.random.Generator, default 0

    Returns
    -------
    X : ndarray, shape (n_samples, d)
    y : ndarray, shape (n_samples,)

    Examples
    --------
    >>> X, y = make_linear_regression()
    >>> X.shape, y.shape
    ((100, 2), (100,))
    >>> bool(np.allclose(y, X @ [2, 3] + 1))
    True
    """
    n_samples = check_int("n_samples", n_samples, low=1)
    weights = check_array("weights", weights, ndim=1)
    bias = check_real("bias", bias)
    noise = check_real("noise", noise, low=0)
    rng = check_rng(seed)
    X = rng.uniform(0.0, 1.0, size=(n_samples, weights.size))
    y = X @ weights + bias
    if noise > 0:
        y = y + noise * rng.standard_normal(n_samples)
    return X, y


class Standardizer:
    r"""Rescale each feature to mean 0 and standard deviation 1: :math:`x' = (x - m)/s`.

    Fit it on the **training data only** and apply the same :math:`m, s` to validation and
    test data. Fitting on all data leaks information about the held-out samples into the
    model, and the validation score is then optimistic (Chapter 7).

    Constant and nearly constant columns need a decision, because :math:`s` is then 0 or
    tiny. A column that is constant in the training data is only centred (:math:`s = 1`):
    its training values map to 0, but a held-out value :math:`x` maps to :math:`x - m`, in
    the column's own units, and reaches a model that saw only zeros in that column. A column
    with a tiny :math:`s` is scaled up by :math:`1/s`, and a held-out value that differs from
    the training mean becomes huge (a digit pixel with :math:`s = 0.08` sends a held-out 16 to
    about 200). ``min_scale`` (:math:`s_{\min}`) bounds that amplification:
    :math:`s = \max(\hat\sigma, s_{\min})`, with :math:`\hat\sigma` the column's standard
    deviation (and :math:`s = 1` where both are 0). The default, 0, is plain standardization (scikit-learn's
    ``StandardScaler``); for features that share one unit, such as pixels, a floor of about
    one unit keeps faint columns from weighing as much as informative ones.

    Parameters
    ----------
    min_scale : float, default 0
        Lower bound on the scale :math:`s`, in the units of the features, at least 0.

    Attributes
    ----------
    mean_ : ndarray, shape (d,)
        :math:`m`, set by :meth:`fit`.
    scale_ : ndarray, shape (d,)
        :math:`s`, set by :meth:`fit`: the standard deviation, raised to ``min_scale``; 1 for
        a constant column when ``min_scale`` is 0.

    References
    ----------
    LeCun, Bottou, Orr and Müller (2012), Efficient BackProp, Section 4.3.

    Examples
    --------
    >>> X = np.array([[1.0, 10.0], [3.0, 10.0]])
    >>> scaler = Standardizer().fit(X)
    >>> scaler.transform(X)           # the constant column maps to 0 ...
    array([[-1.,  0.],
           [ 1.,  0.]])
    >>> scaler.transform([[2.0, 13.0]])   # ... on the training data only
    array([[0., 3.]])
    >>> Standardizer(min_scale=2.0).fit(X).scale_
    array([2., 2.])
    """

    def __init__(self, min_scale=0.0):
        self.min_scale = check_real("min_scale", min_scale, low=0)
        self.mean_ = None
        self.scale_ = None

    def fit(self, X):
        """Learn the mean and standard deviation of each column of ``X`` (the training split
        only); returns the standardizer."""
        X = check_array("X", X, ndim=2)
        if X.shape[0] == 0:
            raise ValueError("cannot fit a Standardizer on an empty array")
        self.mean_ = X.mean(axis=0)
        scale = np.maximum(X.std(axis=0), self.min_scale)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        return self

    def transform(self, X):
        """:math:`(X - m)/s` with the statistics learned by :meth:`fit`."""
        X = self._checked(X)
        return (X - self.mean_) / self.scale_

    def inverse_transform(self, X):
        """:math:`X s + m`, back to the original units."""
        X = self._checked(X)
        return X * self.scale_ + self.mean_

    def fit_transform(self, X):
        """:meth:`fit` on ``X``, then :meth:`transform` it."""
        return self.fit(X).transform(X)

    def _checked(self, X):
        if self.mean_ is None:
            raise ValueError("this Standardizer is not fitted yet: call fit(X_train) first")
        return check_array("X", X, shape=(np.shape(X)[0], self.mean_.size))


_SAMPLING = ("shuffle", "fixed", "replacement")


def minibatch_indices(n_samples, batch_size, *, seed=0, sampling="shuffle", drop_last=False):
    r"""Yield the row indices of each minibatch of one epoch.

    Parameters
    ----------
    n_samples : int
        Number of samples :math:`n`.
    batch_size : int
        :math:`B`, between 1 and :math:`n`. An epoch has :math:`\lceil n/B\rceil` batches
        (:math:`\lfloor n/B \rfloor` with ``drop_last``).
    seed : int or numpy.random.Generator, default 0
        Pass the **same Generator** every epoch to get a fresh, reproducible order each epoch.
    sampling : {"shuffle", "fixed", "replacement"}, default "shuffle"
        ``"shuffle"``: a random permutation (random reshuffling, every sample seen once per
        epoch; a new one each epoch when ``seed`` is a Generator, the same one for an int); ``"fixed"``: the order 0, 1, ..., n-1 every epoch;
        ``"replacement"``: each batch drawn independently, uniformly with replacement
        (the textbook SGD assumption).
    drop_last : bool, default False
        Drop a final batch smaller than ``batch_size``.

    Returns
    -------
    iterator of ndarray of int, shape (B,)
        Arguments are validated immediately; the batches are produced lazily.
    """
    n_samples = check_int("n_samples", n_samples, low=1)
    batch_size = check_int("batch_size", batch_size, low=1, high=n_samples)
    if sampling not in _SAMPLING:
        raise ValueError(f"sampling must be one of {_SAMPLING}, got {sampling!r}")
    rng = check_rng(seed)
    n_batches = n_samples // batch_size if drop_last else -(-n_samples // batch_size)
    # Arguments are checked above, when the function is called; the batches are produced
    # lazily by the generator below.
    return _epoch(rng, n_samples, batch_size, n_batches, sampling)


def _epoch(rng, n_samples, batch_size, n_batches, sampling):
    if sampling == "replacement":
        for _ in range(n_batches):
            yield rng.integers(0, n_samples, size=batch_size)
        return
    order = rng.permutation(n_samples) if sampling == "shuffle" else np.arange(n_samples)
    for start in range(0, n_batches * batch_size, batch_size):
        yield order[start:start + batch_size]


def minibatches(X, y, batch_size, *, seed=0, sampling="shuffle", drop_last=False):
    """Yield ``(X_batch, y_batch)`` for one epoch; see :func:`minibatch_indices`.

    ``X_batch`` is always 2-D, shape ``(B, d)``, even when ``B == 1``: a single sample is
    a batch of one, not a vector (the pitfall of Chapter 3).

    Examples
    --------
    >>> X, y = np.arange(6.0).reshape(3, 2), np.arange(3.0)
    >>> [xb.shape for xb, yb in minibatches(X, y, batch_size=1)]
    [(1, 2), (1, 2), (1, 2)]
    """
    X = check_array("X", X, ndim=2)
    y = check_array("y", y)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}")
    batches = minibatch_indices(X.shape[0], batch_size, seed=seed, sampling=sampling,
                                drop_last=drop_last)
    return ((X[idx], y[idx]) for idx in batches)


# -- classification data: the digits, 2-D pictures, splits and augmentation ------------------
__all__ += ["load_digits", "make_moons", "make_spirals", "train_val_test_split",
            "kfold_indices", "shift_images", "augment_with_shifts"]

DIGITS_FILE = "digits.csv.gz"


def load_digits():
    r"""The handwritten digits: 1797 images of 8 × 8 pixels, 10 classes, shipped with optimlib.

    Each pixel is an integer from 0 (white) to 16 (black): the number of black pixels in a
    4 × 4 block of a 32 × 32 scan. The classes are nearly balanced (174 to 183 images each).
    This is the copy distributed with scikit-learn (the test set of the UCI data); see
    ``optimlib/datasets/README.md``. Licence CC BY 4.0: cite Alpaydin and Kaynak (1998).

    Returns
    -------
    X : ndarray of float64, shape (1797, 64)
        One image per row, pixels row by row (``X[i].reshape(8, 8)`` is image ``i``).
    y : ndarray of int64, shape (1797,)
        The digit shown, 0 to 9.

    References
    ----------
    Alpaydin, E. and Kaynak, C. (1998). Optical Recognition of Handwritten Digits. UCI Machine
    Learning Repository. doi:10.24432/C50P49.

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, y.shape, X.max(), np.bincount(y)[:3]
    ((1797, 64), (1797,), np.float64(16.0), array([178, 182, 177]))
    """
    path = resources.files("optimlib.datasets") / DIGITS_FILE
    with path.open("rb") as raw, gzip.open(raw, "rt") as text:
        table = np.loadtxt(text, delimiter=",", dtype=np.int64)
    return table[:, :-1].astype(np.float64), table[:, -1]


def make_moons(n_samples=200, *, noise=0.1, seed=0):
    r"""Two interleaving half circles, a 2-D classification set that no line separates.

    Class 0 lies on :math:`(\cos\pi s, \sin\pi s)` and class 1 on
    :math:`(1 - \cos\pi s, \tfrac12 - \sin\pi s)`, for :math:`s` evenly spaced in [0, 1], plus
    Gaussian noise of standard deviation ``noise`` on each coordinate. The rows are shuffled.
    Same construction as scikit-learn's ``make_moons``.

    Parameters
    ----------
    n_samples : int, default 200
        At least 2; class 0 gets ``n_samples // 2`` points, class 1 the rest.
    noise : float, default 0.1
        :math:`\sigma \ge 0`.
    seed : int or numpy.random.Generator, default 0

    Returns
    -------
    X : ndarray of float64, shape (n_samples, 2)
    y : ndarray of int64, shape (n_samples,)

    Examples
    --------
    >>> X, y = make_moons(100, noise=0.0)
    >>> X.shape, np.bincount(y)
    ((100, 2), array([50, 50]))
    """
    n_samples = check_int("n_samples", n_samples, low=2)
    noise = check_real("noise", noise, low=0)
    rng = check_rng(seed)
    n_upper = n_samples // 2
    s_upper, s_lower = np.linspace(0, 1, n_upper), np.linspace(0, 1, n_samples - n_upper)
    upper = np.column_stack([np.cos(np.pi * s_upper), np.sin(np.pi * s_upper)])
    lower = np.column_stack([1 - np.cos(np.pi * s_lower), 0.5 - np.sin(np.pi * s_lower)])
    labels = np.repeat([0, 1], [n_upper, n_samples - n_upper])
    return _noisy_and_shuffled(np.vstack([upper, lower]), labels, noise, rng)


def make_spirals(n_samples=300, *, n_classes=2, turns=1.0, noise=0.05, seed=0):
    r"""Interleaved spiral arms, one per class: hard for a linear model, easy for a small MLP.

    Arm :math:`k` of :math:`K` is :math:`r\,(\cos\phi, \sin\phi)` with
    :math:`\phi = 2\pi(\text{turns}\cdot r + k/K)` for radii :math:`r` evenly spaced in
    [0.1, 1], plus Gaussian noise of standard deviation ``noise`` on each coordinate. The
    rows are shuffled.

    Parameters
    ----------
    n_samples : int, default 300
        Total number of points, split as evenly as possible between the arms.
    n_classes : int, default 2
        Number of arms :math:`K \ge 2`.
    turns : float, default 1.0
        Turns of each arm around the centre, > 0.
    noise : float, default 0.05
        :math:`\sigma \ge 0`.
    seed : int or numpy.random.Generator, default 0

    Returns
    -------
    X : ndarray of float64, shape (n_samples, 2)
    y : ndarray of int64, shape (n_samples,)

    Examples
    --------
    >>> X, y = make_spirals(90, n_classes=3)
    >>> np.bincount(y)
    array([30, 30, 30])
    """
    n_classes = check_int("n_classes", n_classes, low=2)
    n_samples = check_int("n_samples", n_samples, low=n_classes)
    turns = check_real("turns", turns, low=0, low_open=True)
    noise = check_real("noise", noise, low=0)
    rng = check_rng(seed)
    labels = np.arange(n_samples) * n_classes // n_samples          # as even as possible
    arms = []
    for k in range(n_classes):
        radius = np.linspace(0.1, 1.0, np.count_nonzero(labels == k))
        angle = 2 * np.pi * (turns * radius + k / n_classes)
        arms.append(radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]))
    return _noisy_and_shuffled(np.vstack(arms), labels, noise, rng)


def _noisy_and_shuffled(X, y, noise, rng):
    X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(len(y))
    return X[order], y[order].astype(np.int64)


def _shuffled_groups(y, stratify, rng):
    """Index arrays in random order: one per class (in label order) or one for all samples."""
    order = rng.permutation(len(y))
    if not stratify:
        return [order]
    return [order[y[order] == label] for label in np.unique(y)]


def train_val_test_split(X, y, *, val_size=0.2, test_size=0.2, stratify=True, seed=0):
    r"""Split a data set at random into training, validation and test sets.

    The test set is for the final, once-only estimate of performance; the validation set is
    for every decision along the way (learning rate, early stopping, architecture): a test
    score that guided choices is no longer an unbiased estimate (Chapter 7).

    The sizes are set for the whole data set: of :math:`n` samples, the test set gets
    :math:`\lfloor p_{\text{test}}\, n\rfloor` with :math:`p_{\text{test}}` = ``test_size``,
    the validation set :math:`\lfloor p_{\text{val}}\, n\rfloor` with :math:`p_{\text{val}}`
    = ``val_size`` (rounded down, so never more than asked for), and the training set the
    rest. With ``stratify`` (classification), each total is shared among the classes by the
    largest-remainder (Hamilton) method: class :math:`c` with :math:`n_c` samples first gets
    :math:`\lfloor p\, n_c\rfloor` (:math:`p` the set's fraction), and the samples still
    missing from the total go one each to the classes with the largest remainders
    :math:`p\, n_c - \lfloor p\, n_c\rfloor` (equal remainders in a random order drawn from ``seed``; for the validation set, classes that
    already got such an extra test sample come last). So every class gets its quota rounded
    down or up, all three sets have the class proportions of the whole as closely as whole
    samples allow, and the totals do not drift as they would if each class were rounded on
    its own (four classes of five samples with ``test_size=0.5`` give 10 test samples, not
    8). Sizes are read as fractions with denominators up to :math:`10^6`, so that
    ``0.1 * 30`` is exactly 3. Rows keep their original order within each set.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
        Class labels 0, 1, ... if ``stratify``; any targets otherwise.
    val_size, test_size : float, default 0.2
        Fractions in [0, 1) with ``val_size + test_size < 1``. A size of 0 gives an empty set;
        a positive size must give at least one sample.
    stratify : bool, default True
    seed : int or numpy.random.Generator, default 0

    Returns
    -------
    train, val, test : tuple (X_part, y_part)
        ``X_part`` is float64; ``y_part`` keeps the dtype of ``y`` (int64 labels if stratified).

    Raises
    ------
    ValueError
        For an invalid argument; if a positive ``val_size`` or ``test_size`` would give an
        empty set (too few samples); or if a class would have no training sample left.

    References
    ----------
    Balinski, M. L. and Young, H. P. (2001). Fair Representation: Meeting the Ideal of One
    Man, One Vote, 2nd edition. Brookings Institution Press (Hamilton's method).

    Examples
    --------
    >>> X, y = load_digits()
    >>> train, val, test = train_val_test_split(X, y, val_size=0.1,
    ...                                         test_size=0.2)
    >>> len(train[1]), len(val[1]), len(test[1])
    (1259, 179, 359)
    >>> np.bincount(test[1])
    array([36, 36, 35, 37, 36, 36, 36, 36, 35, 36])
    >>> four_classes = np.repeat([0, 1, 2, 3], 5)        # of 5 samples each
    >>> _, _, test = train_val_test_split(np.ones((20, 1)), four_classes,
    ...                                   val_size=0.0, test_size=0.5)
    >>> np.bincount(test[1])          # 10 = 4 x 2.5: two classes get 3
    array([2, 2, 3, 3])
    """
    val_size = check_real("val_size", val_size, low=0, high=1, high_open=True)
    test_size = check_real("test_size", test_size, low=0, high=1, high_open=True)
    if val_size + test_size >= 1:
        raise ValueError(f"val_size + test_size must be below 1 (something must be left to "
                         f"train on), got {val_size} + {test_size}")
    X, y = _checked_rows(X, y, stratify)
    rng = check_rng(seed)
    groups = _shuffled_groups(y, stratify, rng)
    counts = [len(group) for group in groups]
    rank = rng.permutation(len(groups))                   # breaks ties between equal remainders
    n_test = _largest_remainders("test_size", test_size, counts, rank)
    exact = Fraction(test_size).limit_denominator(_DENOMINATOR)
    got_extra = [count > exact * len(group) for count, group in zip(n_test, groups)]
    n_val = _largest_remainders("val_size", val_size, counts, list(zip(got_extra, rank)))
    parts = {"train": [], "val": [], "test": []}
    for group, test_count, val_count in zip(groups, n_test, n_val):
        if test_count + val_count >= len(group):
            what = f"class {y[group[0]]}" if stratify else "the data"
            raise ValueError(f"{what} has only {len(group)} samples: none would be left for "
                             "training; use smaller val_size/test_size")
        parts["test"].append(group[:test_count])
        parts["val"].append(group[test_count:test_count + val_count])
        parts["train"].append(group[test_count + val_count:])
    rows = [np.sort(np.concatenate(parts[name])) for name in ("train", "val", "test")]
    return tuple((X[index], y[index]) for index in rows)


_DENOMINATOR = 10**6      # sizes are read as fractions p/q with q <= 10**6: 0.1 * 30 == 3


def _largest_remainders(name, size, counts, tie_order):
    """Share floor(size * sum(counts)) samples among groups of ``counts`` samples by the
    largest-remainder method; equal remainders are served in ``tie_order``."""
    fraction = Fraction(size).limit_denominator(_DENOMINATOR)
    quotas = [fraction * count for count in counts]
    sizes = [math.floor(quota) for quota in quotas]
    total = math.floor(fraction * sum(counts))
    if size > 0 and total == 0:
        raise ValueError(f"{name}={size} of {sum(counts)} samples is less than one sample: "
                         f"the set would be empty; use {name} >= {1 / sum(counts):.3g}, or "
                         f"{name}=0 for no such set")
    # 0 <= missing < number of groups, and each remainder is below 1: every group gets its
    # quota rounded down or up
    missing = total - sum(sizes)
    largest_first = sorted(range(len(counts)),
                           key=lambda k: (sizes[k] - quotas[k], tie_order[k]))
    for k in largest_first[:missing]:
        sizes[k] += 1
    return sizes


def kfold_indices(y, n_splits=5, *, stratify=True, seed=0):
    r"""Row indices of the ``n_splits`` folds of k-fold cross-validation.

    Each sample is in exactly one validation fold. The samples are shuffled, grouped by class
    (with ``stratify``) and dealt out to the folds in turn like cards, so fold sizes differ by
    at most one and, stratified, so does each class's count in every fold (Kohavi 1995).

    Parameters
    ----------
    y : array_like, shape (n,)
        Class labels 0, 1, ... if ``stratify``; otherwise only its length is used.
    n_splits : int, default 5
        :math:`k`, between 2 and :math:`n`.
    stratify : bool, default True
    seed : int or numpy.random.Generator, default 0

    Returns
    -------
    list of (train_index, val_index)
        ``n_splits`` pairs of sorted int arrays.

    References
    ----------
    Kohavi, R. (1995). A study of cross-validation and bootstrap for accuracy estimation and
    model selection. IJCAI.

    Examples
    --------
    >>> folds = kfold_indices([0, 0, 0, 1, 1, 1], n_splits=3)
    >>> labels = np.array([0, 0, 0, 1, 1, 1])
    >>> [np.bincount(labels[val]).tolist() for _, val in folds]
    [[1, 1], [1, 1], [1, 1]]
    """
    y = check_labels("y", y) if stratify else np.asarray(y)
    n_splits = check_int("n_splits", n_splits, low=2, high=len(y))
    dealt = np.concatenate(_shuffled_groups(y, stratify, check_rng(seed)))
    folds = [np.sort(dealt[f::n_splits]) for f in range(n_splits)]
    everything = np.arange(len(y))
    return [(np.setdiff1d(everything, fold, assume_unique=True), fold) for fold in folds]


def _checked_rows(X, y, stratify):
    X = check_array("X", X, ndim=2)
    y = check_labels("y", y) if stratify else np.asarray(y)
    if len(y) != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {len(y)}")
    return X, y


def shift_images(X, shift, *, image_shape=(8, 8)):
    r"""Translate every image by ``shift = (down, right)`` pixels, filling with 0 (white).

    Pixels moved past the border are lost. Apply it to raw pixels (0 is the background),
    before standardizing.

    Parameters
    ----------
    X : array_like, shape (n, height * width)
        One flattened image per row.
    shift : (int, int)
        Rows down and columns right (negative: up, left); each smaller in size than the image.
    image_shape : (int, int), default (8, 8)

    Returns
    -------
    ndarray of float64, shape (n, height * width)

    Examples
    --------
    >>> image = np.arange(1.0, 5.0).reshape(1, 4)          # [[1, 2], [3, 4]]
    >>> shift_images(image, (0, 1), image_shape=(2, 2))     # [[0, 1], [0, 3]]
    array([[0., 1., 0., 3.]])
    """
    height, width = (check_int("image_shape[i]", size, low=1) for size in image_shape)
    X = check_array("X", X, shape=(np.shape(X)[0], height * width))
    down = check_int("shift[0]", shift[0], low=-(height - 1), high=height - 1)
    right = check_int("shift[1]", shift[1], low=-(width - 1), high=width - 1)
    images = X.reshape(-1, height, width)
    shifted = np.zeros_like(images)
    rows_to, rows_from = _overlap(down, height)
    cols_to, cols_from = _overlap(right, width)
    shifted[:, rows_to, cols_to] = images[:, rows_from, cols_from]
    return shifted.reshape(X.shape)


def _overlap(offset, size):
    """Slices (destination, source) that move ``offset`` places along an axis of ``size``."""
    if offset >= 0:
        return slice(offset, size), slice(0, size - offset)
    return slice(0, size + offset), slice(-offset, size)


def augment_with_shifts(X, y, *, shifts=((1, 0), (-1, 0), (0, 1), (0, -1)), image_shape=(8, 8)):
    r"""Data augmentation: the images plus a copy of each shifted by each of ``shifts``.

    A digit moved by one pixel is still the same digit, so the shifted copies teach the model
    a small invariance for free (Chapter 7). Augment the **training** set only, and before
    standardizing.

    Parameters
    ----------
    X : array_like, shape (n, height * width)
    y : array_like, shape (n,)
    shifts : sequence of (int, int)
        ``(down, right)`` offsets; the default moves one pixel up, down, left and right.
    image_shape : (int, int), default (8, 8)

    Returns
    -------
    X_augmented : ndarray, shape ((1 + len(shifts)) * n, height * width)
        The originals first, then one block of ``n`` rows per shift.
    y_augmented : ndarray, shape ((1 + len(shifts)) * n,)

    Examples
    --------
    >>> X, y = load_digits()
    >>> X_aug, y_aug = augment_with_shifts(X[:10], y[:10])
    >>> X_aug.shape, bool(np.array_equal(y_aug[10:20], y[:10]))
    ((50, 64), True)
    """
    X, y = _checked_rows(X, y, stratify=False)
    copies = [X] + [shift_images(X, shift, image_shape=image_shape) for shift in shifts]
    return np.vstack(copies), np.tile(y, len(copies))
