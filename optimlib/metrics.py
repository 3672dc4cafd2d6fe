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

A ratio 0/0 (a class never predicted, or never present) is taken as 0, as scikit-learn does with
``zero_division=0`` (without its warning). The macro average is the plain mean over the classes :math:`0, \dots, K-1`, so every
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

The second half of the module scores a binary classifier by a real-valued score (a
probability, a logit) instead of its predicted labels: the ROC and precision-recall curves
over all thresholds, the areas that summarize them, and how well probabilities are
calibrated (reliability diagram, expected calibration error, Brier score). Every function
has scikit-learn's name, arguments, return order and conventions: tied scores cross a
threshold together, ``drop_intermediate`` drops the same points, and undefined values give
the same warnings.

References
----------
Manning, Raghavan and Schütze (2008). Introduction to Information Retrieval, Section 8.3.
Sokolova and Lapalme (2009). A systematic analysis of performance measures for
classification tasks. Information Processing & Management 45(4).
"""

import math
import warnings

import numpy as np

from optimlib._validation import check_array, check_int, check_labels

__all__ = ["confusion_matrix", "accuracy", "precision", "recall", "f1_score",
           "classification_report"]

_AVERAGES = ("macro", "weighted", "micro", "binary", None)


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


_NORMALIZE = (None, "true", "pred", "all")


def confusion_matrix(y_true, y_pred, *, n_classes=None, normalize=None):
    r"""Counts :math:`C_{ij}` of samples of true class ``i`` predicted as class ``j``.

    With ``normalize``, the counts are divided by the row sums (``"true"``: row :math:`i` is
    the distribution of predictions for class :math:`i`, its diagonal the per-class recall),
    the column sums (``"pred"``: the diagonal is the per-class precision) or the total
    (``"all"``). A row or column without samples becomes 0, as in scikit-learn.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (n,)
    n_classes : int, optional
        :math:`K`; default one more than the largest label in either array.
    normalize : {None, "true", "pred", "all"}, default None

    Returns
    -------
    ndarray of int64 (float64 if normalized), shape (K, K)
        Rows are true classes, columns predicted classes.

    Examples
    --------
    >>> confusion_matrix([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], normalize="true")
    array([[0.5, 0.5, 0. ],
           [0. , 1. , 0. ],
           [1. , 0. , 0. ]])
    """
    if n_classes is not None:
        n_classes = check_int("n_classes", n_classes, low=1)
    if normalize not in _NORMALIZE:
        raise ValueError(f"normalize must be one of {_NORMALIZE}, got {normalize!r}")
    y_true, y_pred, n_classes = _labels(y_true, y_pred, n_classes)
    pairs = y_true * n_classes + y_pred                    # one number per (true, predicted)
    C = np.bincount(pairs, minlength=n_classes**2).reshape(n_classes, n_classes)
    if normalize is None:
        return C
    totals = {"true": C.sum(axis=1, keepdims=True), "pred": C.sum(axis=0, keepdims=True),
              "all": C.sum()}[normalize]
    return _ratio(C, np.broadcast_to(totals, C.shape))


def accuracy(y_true, y_pred):
    """Fraction of correct predictions, :math:`\\frac1n\\sum_i [\\hat y_i = y_i]`."""
    y_true, y_pred, _ = _labels(y_true, y_pred, None)
    return float(np.mean(y_true == y_pred))


def _ratio(numerator, denominator):
    """numerator / denominator elementwise, with 0/0 taken as 0."""
    return np.divide(numerator, denominator, out=np.zeros(numerator.shape),
                     where=denominator > 0)


def _averaged(numerator, denominator, support, average, pos_label):
    """Per-class ratios numerator/denominator, averaged as ``average`` asks."""
    if average not in _AVERAGES:
        raise ValueError(f"average must be one of {_AVERAGES}, got {average!r}")
    per_class = _ratio(numerator, denominator)
    if average is None:
        return per_class
    if average == "macro":
        return float(per_class.mean())
    if average == "weighted":
        return float(np.sum(per_class * support) / np.sum(support))
    if average == "micro":
        return float(_ratio(np.sum(numerator, keepdims=True),
                            np.sum(denominator, keepdims=True))[0])
    if per_class.size > 2:
        raise ValueError(f"average='binary' needs labels 0 and 1 only, got {per_class.size} "
                         "classes; choose average='macro', 'weighted', 'micro' or None")
    pos_label = check_int("pos_label", pos_label, low=0, high=1)
    return float(per_class[pos_label]) if pos_label < per_class.size else 0.0


def _counts(y_true, y_pred, n_classes):
    """Diagonal, column sums (predicted) and row sums (true, the support) of C."""
    C = confusion_matrix(y_true, y_pred, n_classes=n_classes)
    return np.diag(C), C.sum(axis=0), C.sum(axis=1)


def precision(y_true, y_pred, *, average="macro", pos_label=1, n_classes=None):
    """Precision: of the samples predicted as class k, the fraction that are class k.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (n,)
    average : {"macro", "weighted", "micro", "binary", None}, default "macro"
        ``"macro"``: the mean over classes; ``"weighted"``: the mean weighted by each
        class's support (its number of true samples); ``"micro"``: computed from the counts
        summed over classes (for single-label data it equals the accuracy);
        ``"binary"``: the value of class ``pos_label`` only (labels 0 and 1);
        ``None``: one value per class. scikit-learn's names; its default is ``"binary"``.
    pos_label : {0, 1}, default 1
        The positive class, used with ``average="binary"`` only.
    n_classes : int, optional

    Returns
    -------
    float or ndarray of shape (K,)

    Examples
    --------
    >>> # per class: 1/2, 2/3, 0/0
    >>> precision([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], average=None)
    array([0.5       , 0.66666667, 0.        ])
    >>> precision([0, 0, 1, 1], [0, 1, 1, 1], average="binary")    # 2/3
    0.6666666666666666
    """
    true_positives, predicted, support = _counts(y_true, y_pred, n_classes)
    return _averaged(true_positives, predicted, support, average, pos_label)


def recall(y_true, y_pred, *, average="macro", pos_label=1, n_classes=None):
    """Recall: of the samples of class k, the fraction predicted as class k.

    Parameters and return value as for :func:`precision`. The recall of the positive class
    is also called sensitivity or the true-positive rate.

    Examples
    --------
    >>> # per class: 1/2, 2/2, 0/1
    >>> recall([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], average=None)
    array([0.5, 1. , 0. ])
    """
    true_positives, _, support = _counts(y_true, y_pred, n_classes)
    return _averaged(true_positives, support, support, average, pos_label)


def f1_score(y_true, y_pred, *, average="macro", pos_label=1, n_classes=None):
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
    true_positives, predicted, support = _counts(y_true, y_pred, n_classes)
    return _averaged(2 * true_positives, predicted + support, support, average, pos_label)


def classification_report(y_true, y_pred, *, n_classes=None, target_names=None, digits=2,
                          output_dict=False):
    """Text summary of the precision, recall, F1 and support of each class.

    The same table as scikit-learn's ``classification_report``: one row per class, then the
    accuracy, the macro average and the support-weighted average. The support of a class is
    its number of true samples.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (n,)
    n_classes : int, optional
    target_names : sequence of str, optional
        A name per class, e.g. ``["not 9", "9"]``; default the labels 0, 1, ...
    digits : int, default 2
        Decimals of the text table (not used for ``output_dict``).
    output_dict : bool, default False
        Return a dict ``{name: {"precision": ..., "recall": ..., "f1-score": ...,
        "support": ...}}`` with the keys ``"accuracy"`` (a float), ``"macro avg"`` and
        ``"weighted avg"`` added.

    Returns
    -------
    str or dict

    Examples
    --------
    >>> print(classification_report([0, 0, 1, 1, 1], [0, 1, 1, 1, 1]))
                  precision    recall  f1-score   support
    <BLANKLINE>
               0       1.00      0.50      0.67         2
               1       0.75      1.00      0.86         3
    <BLANKLINE>
        accuracy                           0.80         5
       macro avg       0.88      0.75      0.76         5
    weighted avg       0.85      0.80      0.78         5
    <BLANKLINE>
    """
    if n_classes is not None:
        n_classes = check_int("n_classes", n_classes, low=1)
    digits = check_int("digits", digits, low=0)
    y_true, y_pred, n_classes = _labels(y_true, y_pred, n_classes)
    if target_names is None:
        target_names = [str(k) for k in range(n_classes)]
    target_names = [str(name) for name in target_names]
    if len(target_names) != n_classes:
        raise ValueError(f"target_names has {len(target_names)} names for {n_classes} classes")
    headers = ["precision", "recall", "f1-score", "support"]
    support = np.bincount(y_true, minlength=n_classes)
    per_class = [metric(y_true, y_pred, average=None, n_classes=n_classes)
                 for metric in (precision, recall, f1_score)]
    rows = {name: [float(p), float(r), float(f), int(n)]
            for name, p, r, f, n in zip(target_names, *per_class, support)}
    for average, heading in (("macro", "macro avg"), ("weighted", "weighted avg")):
        rows[heading] = [metric(y_true, y_pred, average=average, n_classes=n_classes)
                         for metric in (precision, recall, f1_score)] + [len(y_true)]
    accuracy_value = accuracy(y_true, y_pred)
    if output_dict:
        report = {name: dict(zip(headers, values)) for name, values in rows.items()}
        report["accuracy"] = accuracy_value
        return {name: report[name] for name in [*target_names, "accuracy", "macro avg",
                                                "weighted avg"]}
    width = max(max(len(name) for name in target_names), len("weighted avg"), digits)
    line = "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"
    text = ("{:>{width}s} " + " {:>9}" * 4).format("", *headers, width=width) + "\n\n"
    for name in target_names:
        text += line.format(name, *rows[name], width=width, digits=digits)
    text += "\n" + ("{:>{width}s} " + " {:>9}" * 2 + " {:>9.{digits}f} {:>9}\n").format(
        "accuracy", "", "", accuracy_value, len(y_true), width=width, digits=digits)
    for heading in ("macro avg", "weighted avg"):
        text += line.format(heading, *rows[heading], width=width, digits=digits)
    return text


# -- scores instead of labels: ranking and calibration ------------------------------------------
__all__ += ["UndefinedMetricWarning", "roc_curve", "roc_auc_score", "precision_recall_curve",
            "average_precision_score", "calibration_curve", "expected_calibration_error",
            "brier_score_loss"]


class UndefinedMetricWarning(UserWarning):
    """A metric is undefined for the data given (e.g. a ROC curve without negatives)."""


def _binary_targets(y_true, pos_label):
    """``y_true == pos_label`` as a boolean array, after scikit-learn's checks: at most two
    labels, and ``pos_label`` may be omitted only for labels in {0, 1} or {-1, 1}."""
    y_true = np.asarray(y_true)
    if y_true.ndim != 1 or y_true.size == 0:
        raise ValueError(f"y_true must be a non-empty 1-D array of labels, got shape "
                         f"{y_true.shape}")
    if y_true.dtype == bool:
        y_true = y_true.astype(np.int64)
    classes = np.unique(y_true)
    if classes.size > 2:
        raise ValueError(f"y_true has {classes.size} labels {classes.tolist()}: this metric is "
                         "for two classes (make a one-vs-rest target, e.g. y == 9)")
    if pos_label is None:
        if not (set(classes.tolist()) <= {0, 1} or set(classes.tolist()) <= {-1, 1}):
            raise ValueError(f"y_true has labels {classes.tolist()}: pass pos_label= to say "
                             "which one is positive (it may be omitted for 0/1 or -1/1)")
        pos_label = 1
    return y_true == pos_label


def _scores(name, y_score, positive):
    y_score = check_array(name, y_score, ndim=1)
    if y_score.size != positive.size:
        raise ValueError(f"y_true has {positive.size} labels but {name} has {y_score.size} "
                         "entries")
    return y_score


def _counts_at_thresholds(positive, y_score):
    r"""False and true positives when every sample with a score :math:`\ge \tau` is called
    positive, for each distinct score :math:`\tau`, from the highest down.

    Tied scores share one threshold: they change class together, so the curve moves
    diagonally across a tie instead of in an order the data does not justify."""
    order = np.argsort(y_score, kind="stable")[::-1]
    y_score, positive = y_score[order], positive[order]
    last_of_each_score = np.r_[np.flatnonzero(np.diff(y_score)), y_score.size - 1]
    tps = np.cumsum(positive)[last_of_each_score].astype(np.float64)
    fps = 1 + last_of_each_score - tps
    return fps, tps, y_score[last_of_each_score]


def roc_curve(y_true, y_score, *, pos_label=None, drop_intermediate=True):
    r"""Receiver operating characteristic: true- against false-positive rate over thresholds.

    Calling a sample positive when its score is at least :math:`\tau` gives, with
    :math:`P` positives and :math:`N` negatives,

    .. math::

        \text{TPR}(\tau) = \frac{\#\{i: s_i \ge \tau, y_i = 1\}}{P}, \qquad
        \text{FPR}(\tau) = \frac{\#\{i: s_i \ge \tau, y_i = 0\}}{N}.

    The thresholds are the distinct scores, from the highest down, preceded by
    :math:`+\infty` (nothing called positive), so the curve runs from (0, 0) to (1, 1)
    (Fawcett 2006). Samples with tied scores cross the threshold together.

    Parameters
    ----------
    y_true : array_like, shape (n,)
        Two classes: 0/1, -1/1 or booleans; other labels need ``pos_label``.
    y_score : array_like, shape (n,)
        Higher means more likely positive: a probability, a logit, any score.
    pos_label : int, optional
        The positive label; default 1.
    drop_intermediate : bool, default True
        Drop thresholds whose point lies on a straight segment between its neighbours
        (a second difference of zero in both counts): they change neither the plot nor the
        area. The first and last points are kept.

    Returns
    -------
    fpr, tpr : ndarray, shape (m,)
        Increasing.
    thresholds : ndarray, shape (m,)
        Decreasing; ``thresholds[0]`` is ``inf``.

    Warns
    -----
    UndefinedMetricWarning
        If ``y_true`` has no negatives (``fpr`` is then NaN) or no positives (``tpr``).

    References
    ----------
    Fawcett, T. (2006). An introduction to ROC analysis. Pattern Recognition Letters 27(8).

    Examples
    --------
    >>> fpr, tpr, thresholds = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> fpr, tpr
    (array([0. , 0. , 0.5, 0.5, 1. ]), array([0. , 0.5, 0.5, 1. , 1. ]))
    >>> thresholds
    array([ inf, 0.8 , 0.4 , 0.35, 0.1 ])
    """
    positive = _binary_targets(y_true, pos_label)
    y_score = _scores("y_score", y_score, positive)
    fps, tps, thresholds = _counts_at_thresholds(positive, y_score)
    if drop_intermediate and fps.size > 2:
        corner = np.logical_or(np.diff(fps, 2), np.diff(tps, 2))
        keep = np.r_[True, corner, True]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    thresholds = np.r_[np.inf, thresholds]
    return (_rate(fps, "negative", "false-positive"), _rate(tps, "positive", "true-positive"),
            thresholds)


def _rate(counts, kind, name):
    if counts[-1] <= 0:
        warnings.warn(f"y_true has no {kind} samples: the {name} rate is undefined (NaN)",
                      UndefinedMetricWarning, stacklevel=3)
        return np.full(counts.shape, np.nan)
    return counts / counts[-1]


def roc_auc_score(y_true, y_score, *, pos_label=None):
    r"""Area under the ROC curve (binary).

    The trapezoidal area under :func:`roc_curve`. It equals the probability that a random
    positive scores higher than a random negative, ties counting one half (the
    Mann-Whitney statistic),

    .. math:: \text{AUC} = \frac{1}{PN}\sum_{i: y_i = 1}\ \sum_{j: y_j = 0}
       \Bigl([s_i > s_j] + \tfrac12 [s_i = s_j]\Bigr),

    so it is 0.5 for random scores and 1 for a perfect ranking, and it does not depend on
    the proportion of positives (Fawcett 2006).

    Parameters
    ----------
    y_true, y_score, pos_label
        As for :func:`roc_curve`.

    Returns
    -------
    float
        NaN (with an :class:`UndefinedMetricWarning`) if ``y_true`` has one class only, as
        in scikit-learn.

    Examples
    --------
    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])     # 3 of 4 pairs
    0.75
    """
    positive = _binary_targets(y_true, pos_label)
    if positive.all() or not positive.any():
        warnings.warn("y_true has one class only: the ROC AUC is undefined (NaN)",
                      UndefinedMetricWarning, stacklevel=2)
        return math.nan
    fpr, tpr, _ = roc_curve(positive, y_score)
    return float(np.trapezoid(tpr, fpr))


def precision_recall_curve(y_true, y_score, *, pos_label=None, drop_intermediate=False):
    r"""Precision and recall of the rule "positive if the score is :math:`\ge \tau`", for
    every threshold :math:`\tau`.

    .. math:: P(\tau) = \frac{TP(\tau)}{TP(\tau) + FP(\tau)}, \qquad
       R(\tau) = \frac{TP(\tau)}{P}.

    The thresholds are the distinct scores in increasing order, and the arrays end with
    the point (recall 0, precision 1), which has no threshold: scikit-learn's order and
    convention (Davis and Goadrich 2006 on the PR space). A precision 0/0 is taken as 0.

    Parameters
    ----------
    y_true, y_score, pos_label
        As for :func:`roc_curve`.
    drop_intermediate : bool, default False
        Drop thresholds where the true positives do not change from the previous and the
        next point: only the ends of each vertical run of the curve are kept.

    Returns
    -------
    precision : ndarray, shape (m + 1,)
    recall : ndarray, shape (m + 1,)
        Decreasing, from 1 (or the recall at the lowest threshold) to 0.
    thresholds : ndarray, shape (m,)
        Increasing.

    Warns
    -----
    UserWarning
        If ``y_true`` has no positives (the recall is then set to 1 everywhere).

    References
    ----------
    Davis, J. and Goadrich, M. (2006). The relationship between precision-recall and ROC
    curves. ICML.

    Examples
    --------
    >>> precision, recall, thresholds = precision_recall_curve(
    ...     [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> precision
    array([0.5       , 0.66666667, 0.5       , 1.        , 1.        ])
    >>> recall
    array([1. , 1. , 0.5, 0.5, 0. ])
    >>> thresholds
    array([0.1 , 0.35, 0.4 , 0.8 ])
    """
    positive = _binary_targets(y_true, pos_label)
    y_score = _scores("y_score", y_score, positive)
    fps, tps, thresholds = _counts_at_thresholds(positive, y_score)
    if drop_intermediate and fps.size > 2:
        keep = np.r_[True, np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:])), True]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    precision_values = _ratio(tps, tps + fps)
    if tps[-1] == 0:
        warnings.warn("y_true has no positive samples: the recall is set to 1 for all "
                      "thresholds", UserWarning, stacklevel=2)
        recall_values = np.ones_like(tps)
    else:
        recall_values = tps / tps[-1]
    return (np.r_[precision_values[::-1], 1.0], np.r_[recall_values[::-1], 0.0],
            thresholds[::-1])


def average_precision_score(y_true, y_score, *, pos_label=1):
    r"""Average precision: the precision-recall curve summarized as a step integral.

    .. math:: \text{AP} = \sum_n (R_n - R_{n-1})\, P_n

    over the thresholds of :func:`precision_recall_curve` (scikit-learn's definition: no
    interpolation between points, which would be optimistic; Davis and Goadrich 2006).
    Unlike the ROC AUC, it depends on the proportion of positives: a random ranking has AP
    about equal to that proportion (Saito and Rehmsmeier 2015).

    Parameters
    ----------
    y_true : array_like, shape (n,)
    y_score : array_like, shape (n,)
    pos_label : int, default 1

    Returns
    -------
    float

    References
    ----------
    Saito, T. and Rehmsmeier, M. (2015). The precision-recall plot is more informative than
    the ROC plot when evaluating binary classifiers on imbalanced datasets. PLoS ONE 10(3).

    Examples
    --------
    >>> # positives at ranks 1 and 3: (1/2)(1) + (1/2)(2/3)
    >>> round(average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 6)
    0.833333
    """
    positive = _binary_targets(y_true, pos_label)
    if np.unique(np.asarray(y_true)).size == 2 and not positive.any():
        raise ValueError(f"pos_label={pos_label} is not one of the labels of y_true")
    precision_values, recall_values, _ = precision_recall_curve(positive, y_score)
    return float(max(0.0, -np.sum(np.diff(recall_values) * precision_values[:-1])))


_STRATEGIES = ("uniform", "quantile")


def _probabilities(name, y_prob, positive):
    y_prob = _scores(name, y_prob, positive)
    if y_prob.min() < 0 or y_prob.max() > 1:
        raise ValueError(f"{name} has values outside [0, 1]: it must hold probabilities")
    return y_prob


def _calibration_bins(positive, y_prob, n_bins, strategy):
    """Per bin: number of samples, number of positives, sum of predicted probabilities."""
    n_bins = check_int("n_bins", n_bins, low=1)
    if strategy not in _STRATEGIES:
        raise ValueError(f"strategy must be one of {_STRATEGIES}, got {strategy!r}")
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    else:
        edges = np.percentile(y_prob, np.linspace(0, 1, n_bins + 1) * 100)
    # bin b holds (edge_b, edge_{b+1}]; the first bin also holds its left edge
    bins = np.searchsorted(edges[1:-1], y_prob)
    return (np.bincount(bins, minlength=n_bins), np.bincount(bins, weights=positive,
                                                              minlength=n_bins),
            np.bincount(bins, weights=y_prob, minlength=n_bins))


def calibration_curve(y_true, y_prob, *, pos_label=None, n_bins=5, strategy="uniform"):
    r"""Reliability diagram data: observed frequency of positives against the mean predicted
    probability, in bins of the predicted probability.

    For bin :math:`B_b`, ``prob_pred`` is :math:`\bar p_b = \frac{1}{|B_b|}\sum_{i \in B_b}
    p_i` and ``prob_true`` is :math:`\bar y_b = \frac{1}{|B_b|}\sum_{i \in B_b} y_i`. A
    calibrated classifier has :math:`\bar y_b \approx \bar p_b`: of the samples given
    probability 0.8, about 80% are positive (Niculescu-Mizil and Caruana 2005). Empty bins
    are left out.

    For a multi-class model, the usual diagram (Guo et al. 2017) is that of the *top label*:
    pass ``y_true = (predicted == y)`` and ``y_prob = probabilities.max(axis=1)``.

    Parameters
    ----------
    y_true : array_like, shape (n,)
        Two classes, as for :func:`roc_curve`.
    y_prob : array_like, shape (n,)
        Predicted probabilities of the positive class, in [0, 1].
    pos_label : int, optional
    n_bins : int, default 5
    strategy : {"uniform", "quantile"}, default "uniform"
        ``"uniform"``: bins of equal width on [0, 1]; ``"quantile"``: bins with equal numbers
        of samples (edges at the quantiles of ``y_prob``). Bin :math:`b` is the half-open
        interval :math:`(e_b, e_{b+1}]`; the first bin includes its left edge.

    Returns
    -------
    prob_true, prob_pred : ndarray, shape (number of non-empty bins,)
        scikit-learn's order.

    References
    ----------
    Niculescu-Mizil, A. and Caruana, R. (2005). Predicting good probabilities with supervised
    learning. ICML.

    Examples
    --------
    >>> y_true = [0, 0, 1, 0, 1, 1]
    >>> y_prob = [0.1, 0.2, 0.3, 0.6, 0.8, 0.9]
    >>> calibration_curve(y_true, y_prob, n_bins=2)
    (array([0.33333333, 0.66666667]), array([0.2       , 0.76666667]))
    """
    positive = _binary_targets(y_true, pos_label)
    y_prob = _probabilities("y_prob", y_prob, positive)
    counts, positives, sums = _calibration_bins(positive, y_prob, n_bins, strategy)
    filled = counts > 0
    return positives[filled] / counts[filled], sums[filled] / counts[filled]


def expected_calibration_error(y_true, y_prob, *, pos_label=None, n_bins=15,
                               strategy="uniform"):
    r"""Expected calibration error: the gap of the reliability diagram, weighted by the
    number of samples in each bin.

    .. math:: \text{ECE} = \sum_b \frac{|B_b|}{n}\,\bigl|\bar y_b - \bar p_b\bigr|

    with the bins of :func:`calibration_curve` (Naeini, Cooper and Hauskrecht 2015). For a
    multi-class model, Guo et al. (2017) use the top label with 15 equal-width bins: pass
    ``y_true = (predicted == y)`` and ``y_prob = probabilities.max(axis=1)``. The value
    depends on the binning, and with few samples per bin it is biased upwards: report the
    number of bins with it. (scikit-learn has no ECE.)

    Parameters
    ----------
    y_true, y_prob, pos_label, strategy
        As for :func:`calibration_curve`.
    n_bins : int, default 15

    Returns
    -------
    float
        Between 0 and 1.

    References
    ----------
    Naeini, M. P., Cooper, G. F. and Hauskrecht, M. (2015). Obtaining well calibrated
    probabilities using Bayesian binning. AAAI.
    Guo, C., Pleiss, G., Sun, Y. and Weinberger, K. Q. (2017). On calibration of modern
    neural networks. ICML.

    Examples
    --------
    >>> # bins (0, 0.5] and (0.5, 1]: |1/3 - 0.2| / 2 + |2/3 - 0.7667| / 2
    >>> y_true, y_prob = [0, 0, 1, 0, 1, 1], [0.1, 0.2, 0.3, 0.6, 0.8, 0.9]
    >>> round(expected_calibration_error(y_true, y_prob, n_bins=2), 6)
    0.116667
    """
    positive = _binary_targets(y_true, pos_label)
    y_prob = _probabilities("y_prob", y_prob, positive)
    counts, positives, sums = _calibration_bins(positive, y_prob, n_bins, strategy)
    return float(np.sum(np.abs(positives - sums)) / positive.size)


def brier_score_loss(y_true, y_proba, *, pos_label=None, scale_by_half="auto"):
    r"""Brier score: the mean squared difference between predicted probabilities and
    outcomes (Brier 1950).

    For one probability per sample (of the positive class),
    :math:`\frac1n\sum_i (p_i - y_i)^2`. For class probabilities :math:`p_{ik}`,
    :math:`\frac1n\sum_i\sum_k (p_{ik} - [y_i = k])^2`, which is twice the former for
    two classes; ``scale_by_half="auto"`` halves it for two classes so that both forms
    agree, as scikit-learn does. It rewards both ranking and calibration; lower is better.

    Parameters
    ----------
    y_true : array_like, shape (n,)
        Two classes for 1-D ``y_proba`` (as for :func:`roc_curve`); class labels
        0, ..., K-1 for 2-D ``y_proba``.
    y_proba : array_like, shape (n,) or (n, K)
        Probabilities in [0, 1]; the rows of a 2-D array must sum to 1.
    pos_label : int, optional
        For 1-D ``y_proba`` only.
    scale_by_half : bool or "auto", default "auto"
        ``"auto"``: halve for 1-D ``y_proba`` or two columns, not for three or more.

    Returns
    -------
    float

    References
    ----------
    Brier, G. W. (1950). Verification of forecasts expressed in terms of probability.
    Monthly Weather Review 78(1).

    Examples
    --------
    >>> # (0.01 + 0.01 + 0.16) / 3
    >>> round(brier_score_loss([0, 1, 1], [0.1, 0.9, 0.6]), 6)
    0.06
    """
    if scale_by_half not in ("auto", True, False):
        raise ValueError(f"scale_by_half must be True, False or 'auto', got {scale_by_half!r}")
    y_proba = check_array("y_proba", y_proba)
    if y_proba.ndim == 1:
        positive = _binary_targets(y_true, pos_label)
        y_proba = _probabilities("y_proba", y_proba, positive)
        y_proba = np.column_stack([1 - y_proba, y_proba])
        labels = positive.astype(np.int64)
    elif y_proba.ndim == 2:
        if pos_label is not None:
            raise ValueError("pos_label is for 1-D y_proba only")
        labels = check_labels("y_true", y_true, n_classes=y_proba.shape[1])
        if labels.size != y_proba.shape[0]:
            raise ValueError(f"y_true has {labels.size} labels but y_proba has "
                             f"{y_proba.shape[0]} rows")
        if (y_proba.min() < 0 or y_proba.max() > 1
                or not np.allclose(y_proba.sum(axis=1), 1, rtol=0, atol=1e-6)):
            raise ValueError("y_proba must hold probabilities: entries in [0, 1], rows that "
                             "sum to 1")
    else:
        raise ValueError(f"y_proba must be 1-D or 2-D, got shape {y_proba.shape}")
    outcome = np.zeros_like(y_proba)
    outcome[np.arange(labels.size), labels] = 1
    score = float(np.mean(np.sum((y_proba - outcome) ** 2, axis=1)))
    if scale_by_half == "auto":
        scale_by_half = y_proba.shape[1] < 3
    return score / 2 if scale_by_half else score
