"""Argument checks shared by every module.

Each helper raises ``ValueError`` with a message that names the argument, shows the bad
value and states the accepted range, so that a reader who passes ``lr=-1`` learns exactly
what went wrong.
"""

import math
from numbers import Integral, Real

import numpy as np


def check_real(name, value, *, low=None, high=None, low_open=False, high_open=False):
    """Return ``value`` as a float after checking that it is a finite real in a range.

    ``low``/``high`` are inclusive unless ``low_open``/``high_open`` is set.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    lo = "(" if low_open else "["
    hi = ")" if high_open else "]"
    accepted = f"{lo}{'-inf' if low is None else low}, {'inf' if high is None else high}{hi}"
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}; accepted range {accepted}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise ValueError(f"Invalid {name}: {value!r}; accepted range {accepted}")
    return value


def check_int(name, value, *, low=None, high=None):
    """Return ``value`` as an int after checking it is an integer in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        accepted = f"[{'-inf' if low is None else low}, {'inf' if high is None else high}]"
        raise ValueError(f"Invalid {name}: {value!r}; accepted range {accepted}")
    return value


def check_array(name, value, *, ndim=None, shape=None, finite=True):
    """Return ``value`` as a float64 ndarray after checking its dimensions and values."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be an array of real numbers: {error}") from None
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {array.shape}")
    if shape is not None and array.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {array.shape}")
    if finite and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def check_rng(seed):
    """Return a ``numpy.random.Generator`` from a seed (int) or an existing generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(check_int("seed", seed, low=0))


def check_labels(name, labels, *, n_classes=None):
    """Return ``labels`` as a 1-D int64 array of class labels in ``[0, n_classes - 1]``.

    Integer arrays are accepted as they are; floating-point arrays only if every value is a
    whole number (labels read from a file as floats). ``n_classes=None`` checks only ``>= 0``.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class labels, got shape {labels.shape}")
    expected = f"{name} must hold integer class labels 0, 1, 2, ...;"
    if not np.issubdtype(labels.dtype, np.integer):
        if not np.issubdtype(labels.dtype, np.floating):
            raise ValueError(f"{expected} got dtype {labels.dtype}")
        not_whole = np.flatnonzero(~np.isfinite(labels) | (labels != np.round(labels)))
        if not_whole.size:
            raise ValueError(f"{expected} got {labels[not_whole[0]]} at index {not_whole[0]}")
        labels = labels.astype(np.int64)
    high = np.inf if n_classes is None else n_classes - 1
    bad = np.flatnonzero((labels < 0) | (labels > high))
    if bad.size:
        accepted = "[0, inf)" if n_classes is None else (f"[0, {n_classes - 1}] "
                                                          f"({n_classes} classes)")
        raise ValueError(f"{name} has label {labels[bad[0]]} at index {bad[0]}; "
                         f"accepted range {accepted}")
    return labels.astype(np.int64, copy=False)
