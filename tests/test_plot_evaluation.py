"""optimlib.plot.evaluation: the figures draw the numbers optimlib.metrics computes."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from optimlib import plot
from optimlib.metrics import calibration_curve, precision_recall_curve, roc_curve

Y = np.array([0, 0, 1, 1, 0, 1])
S = np.array([0.1, 0.4, 0.4, 0.8, 0.8, 0.9])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_confusion_matrix_heatmap_writes_counts_and_fractions():
    _, ax = plt.subplots()
    plot.confusion_matrix_heatmap([[3, 1], [0, 2]], ax, labels=["a", "b"], title="C")
    assert [t.get_text() for t in ax.texts] == ["3", "1", "0", "2"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    _, ax = plt.subplots()
    plot.confusion_matrix_heatmap([[0.75, 0.25], [0.0, 1.0]], ax, digits=1)
    assert [t.get_text() for t in ax.texts] == ["0.8", "0.2", "", "1.0"]   # 0 left blank


def test_roc_pr_curves_draw_the_metric_curves_and_the_operating_point():
    roc_ax, pr_ax = plot.roc_pr_curves({"model": (Y, S)}, marks={"τ = 0.6": 0.6})
    fpr, tpr, _ = roc_curve(Y, S)
    line = roc_ax.get_lines()[0]
    np.testing.assert_allclose(line.get_xdata(), fpr)
    np.testing.assert_allclose(line.get_ydata(), tpr)
    precision, recall, _ = precision_recall_curve(Y, S)
    np.testing.assert_allclose(pr_ax.get_lines()[0].get_xdata(), recall)
    np.testing.assert_allclose(pr_ax.get_lines()[0].get_ydata(), precision)
    # at 0.6, the scores 0.8 (a positive and a negative) and 0.9 are called positive:
    # FPR 1/3, recall 2/3, precision 2/3
    point = [l for l in roc_ax.get_lines() if l.get_label() == "τ = 0.6"][0]
    assert (point.get_xdata()[0], point.get_ydata()[0]) == pytest.approx((1 / 3, 2 / 3))
    point = [l for l in pr_ax.get_lines() if l.get_label() == "τ = 0.6"][0]
    assert (point.get_xdata()[0], point.get_ydata()[0]) == pytest.approx((2 / 3, 2 / 3))
    assert "AUC 0.778" in line.get_label()                       # 7/9


def test_threshold_view_and_gallery():
    fig = plot.threshold_view(Y, S, 0.6)
    assert "precision 0.667, recall 0.667, F1 0.667" in fig._suptitle.get_text()
    assert [t.get_text() for t in fig.axes[0].texts] == ["2", "1", "1", "2"]
    fig = plot.threshold_gallery(Y, S, [0.95, 0.6, 0.05], suptitle="three")
    assert len(fig.axes) == 3 + 2
    assert [ax.get_title() for ax in fig.axes[:3]] == ["τ = 0.95", "τ = 0.6", "τ = 0.05"]
    with pytest.raises(ValueError, match="at least two"):
        plot.threshold_gallery(Y, S, [0.5])


def test_reliability_diagram_draws_the_calibration_curve():
    rng = np.random.default_rng(0)
    p = rng.random(300)
    y = rng.random(300) < p
    ax = plot.reliability_diagram({"model": (y, p)}, n_bins=5)
    prob_true, prob_pred = calibration_curve(y.astype(int), p, n_bins=5)
    curve = ax.get_lines()[1]
    np.testing.assert_allclose(curve.get_xdata(), prob_pred)
    np.testing.assert_allclose(curve.get_ydata(), prob_true)
    with pytest.raises(ValueError, match="empty"):
        plot.reliability_diagram({})


@pytest.mark.parametrize("call, message", [
    (lambda: plot.confusion_matrix_heatmap([[1, 2, 3]]), "square"),
    (lambda: plot.confusion_matrix_heatmap([[1, 2], [3, 4]], labels=["a"]), "labels"),
    (lambda: plot.roc_pr_curves({}), "empty"),
    (lambda: plot.roc_pr_curves({"m": (Y, S)}, axes=[plt.gca()]), "two Axes"),
])
def test_bad_arguments_are_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()
