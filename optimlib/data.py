r"""Data sets (generated from a seed or shipped with the package; never downloaded),
standardization and minibatches.

The running example of Part I is :func:`make_linear_regression`:
:math:`X \sim U[0,1]^{100\times 2}`, :math:`y = X\,(2, 3)^\top + 1` (plus optional noise).
"""

import numpy as np

from optimlib._validation import check_array, check_int, check_real, check_rng

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

    A feature with zero spread is left unscaled (:math:`s = 1`), so it maps to 0.

    Attributes
    ----------
    mean_, scale_ : ndarray, shape (d,)
        :math:`m` and :math:`s`, set by :meth:`fit`.

    References
    ----------
    LeCun, Bottou, Orr and Müller (2012), Efficient BackProp, Section 4.3.

    Examples
    --------
    >>> X = np.array([[1.0, 10.0], [3.0, 10.0]])
    >>> Standardizer().fit_transform(X)
    array([[-1.,  0.],
           [ 1.,  0.]])
    """

    def __init__(self):
        self.mean_ = None
        self.scale_ = None

    def fit(self, X):
        X = check_array("X", X, ndim=2)
        if X.shape[0] == 0:
            raise ValueError("cannot fit a Standardizer on an empty array")
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        return self

    def transform(self, X):
        X = self._checked(X)
        return (X - self.mean_) / self.scale_

    def inverse_transform(self, X):
        X = self._checked(X)
        return X * self.scale_ + self.mean_

    def fit_transform(self, X):
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
        ``"shuffle"``: a new random permutation per epoch (random reshuffling, every sample
        seen once per epoch); ``"fixed"``: the order 0, 1, ..., n-1 every epoch;
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
