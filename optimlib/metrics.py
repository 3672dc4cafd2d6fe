r"""Classification metrics, all read off the confusion matrix.

The confusion matrix :math:`C` counts, in row :math:`i` and column :math:`j`, the samples of
true class :math:`i` that were predicted as class :math:`j` (scikit-learn's convention). For
class :math:`k`, the true positives are :math:`C_{kk}`, the column sum is everything predicted
as :math:`k` and the row sum is everything that truly is :math:`k`:

.. math::

    \text{accuracy} = \frac{\operatorname{tr} C}{\sum_{ij} C_{ij}}, \qquad
    \text{precision}_k = \frac{C_{kk}}{\sum_i C_{ik}}, \qquad
    \text{recall}_k = \frac{C_{kk}}{\sum_j C_{kj}},

.. math::

    F_{1,k} = \frac{2\,\text{precision}_k\,\text{recall}_k}{\text{precision}_k + \text{recall}_k}.

A ratio 0/0 (a class never predicted, or never present) is taken as 0, as scikit-learn does by
default. The macro average is the plain mean over the classes :math:`0, \dots, K-1`, so every
class counts the same however rare it is. Labels are integers
:math:`0, \dots, K-1`; :math:`K` is ``n_classes`` or one more than the largest label seen.

>>> y_true = [0, 0, 1, 1, 2]
>>> y_pred = [0, 1, 1, 1, 0]
>>> confusion_matrix(y_true, y_pred)
array([[1, 1, 0],
       [0, 2, 0],
       [1, 0, 0]])
>>> accuracy(y_true, y_pred)
0.6

References
----------
Manning, Raghavan and Schütze (2008). Introduction to Information Retrieval, Section 8.3.
Sokolova and Lapalme (2009). A systematic analysis of performance measures for
classification tasks. Information Processing & Management 45(4).
"""

import numpy as np

from optimlib._validation import check_int, check_labels

__all__ = ["confusion_matrix", "accuracy", "precision", "recall", "f1_score"]

_AVERAGES = ("macro", None)


def _labels(y_true, y_pred, n_classes):
    y_true = check_labels("y_true", y_true, n_classes=n_classes)
    y_pred = check_labels("y_pred", y_pred, n_classes=n_classes)
    if y_true.size != y_pred.size:
        raise ValueError(f"y_true has {y_true.size} labels but y_pred has {y_pred.size}")
    if y_true.size == 0:
        raise ValueError("y_true and y_pred are empty")
    if n_classes is None:
        n_classes = int(max(y_true.max(), y_pred.max())) + 1
    return y_true, y_pred, n_classes


def confusion_matrix(y_true, y_pred, *, n_classes=None):
    """Counts :math:`C_{ij}` of samples of true class ``i`` predicted as class ``j``.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (n,)
    n_classes : int, optional
        :math:`K`; default one more than the largest label in either array.

    Returns
    -------
    ndarray of int64, shape (K, K)
        Rows are true classes, columns predicted classes.
    """
    if n_classes is not None:
        n_classes = check_int("n_classes", n_classes, low=1)
    y_true, y_pred, n_classes = _labels(y_true, y_pred, n_classes)
    pairs = y_true * n_classes + y_pred                    # one number per (true, predicted)
    return np.bincount(pairs, minlength=n_classes**2).reshape(n_classes, n_classes)


def accuracy(y_true, y_pred):
    """Fraction of correct predictions, :math:`\\frac1n\\sum_i [\\hat y_i = y_i]`."""
    y_true, y_pred, _ = _labels(y_true, y_pred, None)
    return float(np.mean(y_true == y_pred))


def _ratio(numerator, denominator):
    """numerator / denominator elementwise, with 0/0 taken as 0."""
    return np.divide(numerator, denominator, out=np.zeros(numerator.shape),
                     where=denominator > 0)


def _averaged(per_class, average):
    if average not in _AVERAGES:
        raise ValueError(f"average must be one of {_AVERAGES}, got {average!r}")
    return float(per_class.mean()) if average == "macro" else per_class


def precision(y_true, y_pred, *, average="macro", n_classes=None):
    """Precision: of the samples predicted as class k, the fraction that are class k.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (n,)
    average : {"macro", None}, default "macro"
        ``"macro"``: the mean over classes (a float); ``None``: one value per class.
    n_classes : int, optional

    Returns
    -------
    float or ndarray of shape (K,)

    Examples
    --------
    >>> # per class: 1/2, 2/3, 0/0
    >>> precision([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], average=None)
    array([0.5       , 0.66666667, 0.        ])
    """
    C = confusion_matrix(y_true, y_pred, n_classes=n_classes)
    return _averaged(_ratio(np.diag(C), C.sum(axis=0)), average)


def recall(y_true, y_pred, *, average="macro", n_classes=None):
    """Recall: of the samples of class k, the fraction predicted as class k.

    Parameters and return value as for :func:`precision`.

    Examples
    --------
    >>> # per class: 1/2, 2/2, 0/1
    >>> recall([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], average=None)
    array([0.5, 1. , 0. ])
    """
    C = confusion_matrix(y_true, y_pred, n_classes=n_classes)
    return _averaged(_ratio(np.diag(C), C.sum(axis=1)), average)


def f1_score(y_true, y_pred, *, average="macro", n_classes=None):
    r"""F1: the harmonic mean of precision and recall, per class.

    Computed as :math:`F_{1,k} = 2C_{kk} / (\sum_i C_{ik} + \sum_j C_{kj})`, which equals
    :math:`2PR/(P + R)` and is 0 when a class is neither present nor predicted. The macro F1
    is the mean of the per-class F1 scores (not the F1 of macro precision and recall).

    Parameters and return value as for :func:`precision`.

    Examples
    --------
    >>> # per class: 2/4, 4/5, 0/1
    >>> f1_score([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], average=None)
    array([0.5, 0.8, 0. ])
    """
    C = confusion_matrix(y_true, y_pred, n_classes=n_classes)
    return _averaged(_ratio(2 * np.diag(C), C.sum(axis=0) + C.sum(axis=1)), average)
