"""Evaluation figures (Chapter 8): confusion matrices, ROC and precision-recall curves with
the operating point of a threshold, reliability diagrams.

Every figure computes its numbers with :mod:`optimlib.metrics`, so what it draws is what the
chapter's tables report.
"""

import matplotlib.pyplot as plt
import numpy as np

from optimlib.metrics import (average_precision_score, calibration_curve,
                              expected_calibration_error, precision_recall_curve,
                              roc_auc_score, roc_curve)

from .style import LINESTYLES, PALETTE, _MARKERS, _axes, _label_axes

__all__ = ["confusion_matrix_heatmap", "roc_pr_curves", "threshold_view", "threshold_gallery",
           "reliability_diagram"]


def confusion_matrix_heatmap(C, ax=None, *, labels=None, title=None, cmap="Blues",
                             annotate=True, digits=2):
    """Draw a confusion matrix as a grid of shaded cells, true classes down, predicted
    classes across (scikit-learn's layout), each cell with its count or fraction.

    Parameters
    ----------
    C : array_like, shape (K, K)
        Counts (integers) or a normalized matrix (fractions), e.g. from
        :func:`optimlib.metrics.confusion_matrix`.
    ax : matplotlib Axes, optional
    labels : sequence of str, optional
        Class names; default 0, 1, ..., K-1.
    title : str, optional
    cmap : str, default "Blues"
    annotate : bool, default True
        Write the value in each cell: counts as they are, fractions with ``digits`` (a
        fraction of exactly 0 is left blank, so the nonzero cells stand out).
    digits : int, default 2

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``C`` is not square or ``labels`` does not have one name per class.

    Examples
    --------
    >>> _, ax = plt.subplots()
    >>> ax = confusion_matrix_heatmap([[5, 1], [2, 8]], ax,
    ...                               labels=["no", "yes"])
    >>> [text.get_text() for text in ax.texts]
    ['5', '1', '2', '8']
    """
    ax = _axes(ax)
    C = np.asarray(C)
    if C.ndim != 2 or C.shape[0] != C.shape[1]:
        raise ValueError(f"C must be a square matrix, got shape {C.shape}")
    K = C.shape[0]
    labels = [str(k) for k in range(K)] if labels is None else [str(name) for name in labels]
    if len(labels) != K:
        raise ValueError(f"labels has {len(labels)} names for {K} classes")
    ax.imshow(C, cmap=cmap, vmin=0, vmax=max(float(C.max()), 1e-12))
    counts = np.issubdtype(C.dtype, np.integer)
    if annotate:
        dark = C > 0.6 * C.max()
        for i in range(K):
            for j in range(K):
                if counts:
                    text = f"{C[i, j]}"
                else:
                    text = f"{C[i, j]:.{digits}f}" if C[i, j] != 0 else ""
                ax.text(j, i, text, ha="center", va="center",
                        color="white" if dark[i, j] else "black",
                        fontsize=10 if K <= 4 else 7)
    ax.set_xticks(range(K), labels)
    ax.set_yticks(range(K), labels)
    ax.grid(False)
    _label_axes(ax, "predicted class", "true class", title)
    return ax


def _operating_point(y_true, y_score, threshold):
    """(false-positive rate, recall, precision) of "positive if score >= threshold"."""
    positive = np.asarray(y_true) == 1
    called = np.asarray(y_score) >= threshold
    tp, fp = np.sum(called & positive), np.sum(called & ~positive)
    precision = tp / (tp + fp) if tp + fp > 0 else 1.0
    return fp / np.sum(~positive), tp / np.sum(positive), precision


def _curve_axes(axes):
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(8.4, 3.8))
    if len(axes) != 2:
        raise ValueError(f"axes must be two Axes (ROC, precision-recall), got {len(axes)}")
    return axes


def roc_pr_curves(curves, axes=None, *, marks=None, chance=True, title=None):
    """ROC curves (left) and precision-recall curves (right) of one or more scorers, with the
    ROC AUC and the average precision in the legends.

    The dotted reference lines are what a random score gives: the diagonal for ROC, and the
    proportion of positives for precision-recall (one line per curve). The
    precision-recall curve is drawn as steps, as average precision integrates it.

    Parameters
    ----------
    curves : dict of str -> (y_true, y_score)
        Label -> binary labels (0/1) and scores.
    axes : sequence of two matplotlib Axes, optional
    marks : dict of str -> float, optional
        Label -> threshold: the operating point of each threshold on the *first* curve is
        marked on both panels.
    chance : bool, default True
        Draw the reference lines of a random score.
    title : str, optional
        Put above both panels (a figure suptitle).

    Returns
    -------
    list of two matplotlib Axes

    Raises
    ------
    ValueError
        If ``curves`` is empty or ``axes`` is not two Axes.

    Examples
    --------
    >>> y, s = [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]
    >>> roc_ax, pr_ax = roc_pr_curves({"model": (y, s)},
    ...                               marks={"τ = 0.5": 0.5})
    >>> roc_ax.get_lines()[0].get_label(), pr_ax.get_lines()[0].get_label()
    ('model (AUC 0.750)', 'model (AP 0.833)')
    """
    if not curves:
        raise ValueError("curves is empty: give at least one label -> (y_true, y_score)")
    roc_ax, pr_ax = _curve_axes(axes)
    for k, (label, (y_true, y_score)) in enumerate(curves.items()):
        style = dict(color=PALETTE[k % len(PALETTE)], linestyle=LINESTYLES[k % len(LINESTYLES)])
        fpr, tpr, _ = roc_curve(y_true, y_score)
        roc_ax.plot(fpr, tpr, label=f"{label} (AUC {roc_auc_score(y_true, y_score):.3f})",
                    **style)
        precision, recall, _ = precision_recall_curve(y_true, y_score)
        pr_ax.plot(recall, precision, drawstyle="steps-post",
                   label=f"{label} (AP {average_precision_score(y_true, y_score):.3f})",
                   **style)
        if chance:
            pr_ax.axhline(np.mean(np.asarray(y_true) == 1), color=style["color"],
                          linestyle=":", linewidth=1.0)
    if chance:
        roc_ax.plot([0, 1], [0, 1], color="gray", linestyle=":", linewidth=1.0,
                    label="random score")
    first_true, first_score = next(iter(curves.values()))
    for k, (label, threshold) in enumerate((marks or {}).items()):
        fpr, recall, precision = _operating_point(first_true, first_score, threshold)
        style = dict(marker=_MARKERS[(k + 1) % len(_MARKERS)], markersize=8, color="black",
                     markerfacecolor=PALETTE[(k + 1) % len(PALETTE)], linestyle="none",
                     zorder=5)
        roc_ax.plot(fpr, recall, label=label, **style)
        pr_ax.plot(recall, precision, label=label, **style)
    for ax in (roc_ax, pr_ax):
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        ax.legend(loc="lower right" if ax is roc_ax else "center left", fontsize=8)
    _label_axes(roc_ax, "false-positive rate", "true-positive rate (recall)", "ROC curve")
    _label_axes(pr_ax, "recall", "precision", "Precision-recall curve")
    if title:
        roc_ax.figure.suptitle(title)
    return [roc_ax, pr_ax]


def _confusion_at(y_true, y_score, threshold):
    positive = np.asarray(y_true) == 1
    called = np.asarray(y_score) >= threshold
    return np.array([[np.sum(~positive & ~called), np.sum(~positive & called)],
                     [np.sum(positive & ~called), np.sum(positive & called)]])


def threshold_view(y_true, y_score, threshold, *, labels=("no", "yes"), title=None):
    """One threshold of a binary scorer, three ways: its confusion matrix, and its point on
    the ROC and precision-recall curves.

    The figure that a threshold slider redraws (:func:`optimlib.widgets.explorer`); its
    title gives the precision, recall and F1 at the threshold.

    Parameters
    ----------
    y_true : array_like of {0, 1}, shape (n,)
    y_score : array_like, shape (n,)
    threshold : float
        Samples with a score of at least ``threshold`` are called positive.
    labels : (str, str), default ("no", "yes")
        Names of the negative and the positive class.
    title : str, optional
        Default: the threshold and the precision, recall and F1 there.

    Returns
    -------
    matplotlib Figure
    """
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.5),
                             gridspec_kw={"width_ratios": [0.8, 1, 1]})
    C = _confusion_at(y_true, y_score, threshold)
    confusion_matrix_heatmap(C, axes[0], labels=labels, title="confusion matrix")
    roc_pr_curves({"model": (y_true, y_score)}, axes[1:],
                  marks={f"τ = {threshold:.3g}": threshold})
    _, recall, precision = _operating_point(y_true, y_score, threshold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    fig.suptitle(title or f"threshold τ = {threshold:.3g}: precision {precision:.3f}, "
                          f"recall {recall:.3f}, F1 {f1:.3f}")
    return fig


def threshold_gallery(y_true, y_score, thresholds, *, labels=("no", "yes"),
                      panel_size=(2.4, 2.4), suptitle=None):
    """The static counterpart of a threshold slider: the confusion matrix at each of a few
    thresholds (top row), and all their operating points on one ROC and one
    precision-recall curve (bottom row).

    Parameters
    ----------
    y_true : array_like of {0, 1}, shape (n,)
    y_score : array_like, shape (n,)
    thresholds : sequence of float
        At least two.
    labels : (str, str), default ("no", "yes")
    panel_size : (float, float), default (2.4, 2.4)
        Size of one confusion-matrix panel in inches.
    suptitle : str, optional

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If fewer than two thresholds are given.
    """
    thresholds = list(thresholds)
    if len(thresholds) < 2:
        raise ValueError("give at least two thresholds")
    m = len(thresholds)
    width, height = panel_size
    fig = plt.figure(figsize=(max(width * m, 8.4), height + 3.6))
    grid = fig.add_gridspec(2, 2 * m, height_ratios=[height, 3.4])
    for k, threshold in enumerate(thresholds):
        ax = fig.add_subplot(grid[0, 2 * k: 2 * k + 2])
        confusion_matrix_heatmap(_confusion_at(y_true, y_score, threshold), ax, labels=labels,
                                 title=f"τ = {threshold:.3g}")
        if k:
            ax.set_ylabel("")
    curve_axes = [fig.add_subplot(grid[1, :m]), fig.add_subplot(grid[1, m:])]
    roc_pr_curves({"model": (y_true, y_score)}, curve_axes,
                  marks={f"τ = {threshold:.3g}": threshold for threshold in thresholds})
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def reliability_diagram(curves, ax=None, *, n_bins=10, strategy="uniform", histogram=True,
                        title=None, xlabel="predicted probability (bin mean)",
                        ylabel="observed frequency"):
    """Reliability diagram: in bins of the predicted probability, the observed frequency of
    positives against the mean prediction, for one or more models, with each model's
    expected calibration error in the legend.

    Points on the diagonal are calibrated; points below it are overconfident (predicted
    more often than observed). For a multi-class model pass the top label: ``(predicted ==
    y, probabilities.max(axis=1))``, and label the axes as confidence and accuracy.

    Parameters
    ----------
    curves : dict of str -> (y_true, y_prob)
        Label -> binary outcomes (0/1 or booleans) and predicted probabilities.
    ax : matplotlib Axes, optional
    n_bins : int, default 10
    strategy : {"uniform", "quantile"}, default "uniform"
        As in :func:`optimlib.metrics.calibration_curve`; the ECE uses the same bins.
    histogram : bool, default True
        Shade, at the bottom, the fraction of the first model's samples in each bin
        (uniform bins only): a bin with few samples is a noisy point.
    title, xlabel, ylabel : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``curves`` is empty.

    Examples
    --------
    >>> y, p = [0, 0, 1, 0, 1, 1], [0.1, 0.2, 0.3, 0.6, 0.8, 0.9]
    >>> ax = reliability_diagram({"model": (y, p)}, n_bins=2)
    >>> ax.get_lines()[1].get_label()
    'model (ECE 0.117)'
    """
    if not curves:
        raise ValueError("curves is empty: give at least one label -> (y_true, y_prob)")
    ax = _axes(ax)
    ax.plot([0, 1], [0, 1], color="gray", linestyle=":", linewidth=1.2,
            label="perfectly calibrated")
    for k, (label, (y_true, y_prob)) in enumerate(curves.items()):
        y_true = np.asarray(y_true).astype(np.int64)
        prob_true, prob_pred = calibration_curve(y_true, y_prob, n_bins=n_bins,
                                                 strategy=strategy)
        ece = expected_calibration_error(y_true, y_prob, n_bins=n_bins, strategy=strategy)
        ax.plot(prob_pred, prob_true, color=PALETTE[k % len(PALETTE)],
                linestyle=LINESTYLES[k % len(LINESTYLES)], marker=_MARKERS[k % len(_MARKERS)],
                markersize=5, label=f"{label} (ECE {ece:.3f})")
    if histogram and strategy == "uniform":
        first_prob = np.asarray(next(iter(curves.values()))[1], dtype=float)
        counts, edges = np.histogram(first_prob, bins=n_bins, range=(0, 1))
        ax.bar(edges[:-1], 0.25 * counts / counts.max(), width=1 / n_bins, align="edge",
               color=PALETTE[0], alpha=0.15, label="share of samples (first model)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="upper left", fontsize=8)
    _label_axes(ax, xlabel, ylabel, title)
    return ax
