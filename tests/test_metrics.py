"""Metrics on cases small enough to count by hand, and against scikit-learn when installed."""

import numpy as np
import pytest

from optimlib.metrics import accuracy, confusion_matrix, f1_score, precision, recall

# Three classes, ten samples. Counting by hand:
#   true 0: predicted 0, 0, 0, 1      -> C[0] = (3, 1, 0)
#   true 1: predicted 1, 1, 2         -> C[1] = (0, 2, 1)
#   true 2: predicted 0, 2, 2         -> C[2] = (1, 0, 2)
Y_TRUE = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
Y_PRED = [0, 0, 0, 1, 1, 1, 2, 0, 2, 2]
C = [[3, 1, 0], [0, 2, 1], [1, 0, 2]]
PRECISION = [3 / 4, 2 / 3, 2 / 3]          # diagonal / column sums (4, 3, 3)
RECALL = [3 / 4, 2 / 3, 2 / 3]             # diagonal / row sums (4, 3, 3)


def test_confusion_matrix_by_hand():
    np.testing.assert_array_equal(confusion_matrix(Y_TRUE, Y_PRED), C)
    assert confusion_matrix(Y_TRUE, Y_PRED).sum() == len(Y_TRUE)
    np.testing.assert_array_equal(confusion_matrix([1], [1], n_classes=3),
                                  [[0, 0, 0], [0, 1, 0], [0, 0, 0]])


def test_accuracy_by_hand():
    assert accuracy(Y_TRUE, Y_PRED) == 7 / 10
    assert accuracy([1, 2], [1, 2]) == 1.0


def test_precision_recall_f1_by_hand():
    np.testing.assert_allclose(precision(Y_TRUE, Y_PRED, average=None), PRECISION)
    np.testing.assert_allclose(recall(Y_TRUE, Y_PRED, average=None), RECALL)
    f1 = [2 * p * r / (p + r) for p, r in zip(PRECISION, RECALL)]
    np.testing.assert_allclose(f1_score(Y_TRUE, Y_PRED, average=None), f1)
    assert precision(Y_TRUE, Y_PRED) == pytest.approx(np.mean(PRECISION))
    assert recall(Y_TRUE, Y_PRED) == pytest.approx(np.mean(RECALL))
    assert f1_score(Y_TRUE, Y_PRED) == pytest.approx(np.mean(f1))


def test_precision_and_recall_differ_on_an_unbalanced_case():
    # 1 positive among 5; the model predicts positive twice, once correctly
    y_true, y_pred = [0, 0, 0, 0, 1], [0, 0, 0, 1, 1]
    np.testing.assert_allclose(precision(y_true, y_pred, average=None), [1.0, 0.5])
    np.testing.assert_allclose(recall(y_true, y_pred, average=None), [0.75, 1.0])
    np.testing.assert_allclose(f1_score(y_true, y_pred, average=None), [6 / 7, 2 / 3])
    assert accuracy(y_true, y_pred) == 0.8


def test_macro_f1_is_the_mean_of_per_class_f1_not_f1_of_the_means():
    y_true, y_pred = [0, 0, 0, 0, 1], [0, 0, 0, 1, 1]
    p, r = precision(y_true, y_pred), recall(y_true, y_pred)       # 0.75 and 0.875
    assert f1_score(y_true, y_pred) == pytest.approx((6 / 7 + 2 / 3) / 2)
    assert f1_score(y_true, y_pred) != pytest.approx(2 * p * r / (p + r))


def test_zero_division_is_zero():
    # class 2 is never predicted (precision 0/0) and class 1 never occurs (recall 0/0)
    y_true, y_pred = [0, 2], [0, 1]
    np.testing.assert_array_equal(precision(y_true, y_pred, average=None), [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(recall(y_true, y_pred, average=None), [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(f1_score(y_true, y_pred, average=None), [1.0, 0.0, 0.0])


def test_perfect_and_all_wrong_predictions():
    y = [0, 1, 2, 1]
    for metric in (accuracy, precision, recall, f1_score):
        assert metric(y, y) == 1.0
    assert f1_score([0, 1], [1, 0]) == 0.0


def test_matches_scikit_learn_on_random_labels():
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 5, 300), rng.integers(0, 5, 300)
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred),
                                  sklearn_metrics.confusion_matrix(y_true, y_pred))
    for ours, theirs in ((precision, sklearn_metrics.precision_score),
                         (recall, sklearn_metrics.recall_score),
                         (f1_score, sklearn_metrics.f1_score)):
        assert ours(y_true, y_pred) == pytest.approx(theirs(y_true, y_pred, average="macro"))
        np.testing.assert_allclose(ours(y_true, y_pred, average=None),
                                   theirs(y_true, y_pred, average=None))


@pytest.mark.parametrize("call, message", [
    (lambda: accuracy([0, 1], [0]), "2 labels but y_pred has 1"),
    (lambda: accuracy([], []), "empty"),
    (lambda: accuracy([0, -1], [0, 1]), "y_true has label -1 at index 1"),
    (lambda: accuracy([0, 1.5], [0, 1]), "integer class labels"),
    (lambda: accuracy([[0, 1]], [[0, 1]]), "1-D"),
    (lambda: confusion_matrix([0, 3], [0, 1], n_classes=3), r"label 3 at index 1.*\[0, 2\]"),
    (lambda: confusion_matrix([0], [0], n_classes=0), "n_classes"),
    (lambda: precision([0, 1], [0, 1], average="samples"), "average"),
])
def test_bad_input_is_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- normalized confusion matrices, averages and the report ---------------------------------------
from optimlib.metrics import (UndefinedMetricWarning, average_precision_score,  # noqa: E402
                              brier_score_loss, calibration_curve, classification_report,
                              expected_calibration_error, precision_recall_curve,
                              roc_auc_score, roc_curve)


def test_normalized_confusion_matrices_by_hand():
    C_arr = np.array(C, dtype=float)
    np.testing.assert_allclose(confusion_matrix(Y_TRUE, Y_PRED, normalize="true"),
                               C_arr / [[4], [3], [3]])
    np.testing.assert_allclose(confusion_matrix(Y_TRUE, Y_PRED, normalize="pred"),
                               C_arr / [[4, 3, 3]])
    np.testing.assert_allclose(confusion_matrix(Y_TRUE, Y_PRED, normalize="all"), C_arr / 10)
    # the diagonal of the row-normalized matrix is the recall, of the column-normalized one
    # the precision
    np.testing.assert_allclose(np.diag(confusion_matrix(Y_TRUE, Y_PRED, normalize="true")),
                               RECALL)
    # class 2 never occurs and is never predicted: its row and column are 0, not NaN
    np.testing.assert_array_equal(
        confusion_matrix([0, 1, 1], [0, 1, 0], n_classes=3, normalize="true"),
        [[1, 0, 0], [0.5, 0.5, 0], [0, 0, 0]])


def test_weighted_micro_and_binary_averages_by_hand():
    # per-class precision 1/2, 2/3, 0 with supports 2, 2, 1
    y_true, y_pred = [0, 0, 1, 1, 2], [0, 1, 1, 1, 0]
    assert precision(y_true, y_pred, average="weighted") == pytest.approx(
        (2 * 0.5 + 2 * 2 / 3 + 0) / 5)
    # micro: all true positives over all predictions, which is the accuracy
    for metric in (precision, recall, f1_score):
        assert metric(y_true, y_pred, average="micro") == pytest.approx(0.6)
    # binary: the positive class only; 1 of 2 predicted positives right, 1 of 3 positives found
    y_true, y_pred = [0, 1, 1, 1, 0], [1, 1, 0, 0, 0]
    assert precision(y_true, y_pred, average="binary") == 0.5
    assert recall(y_true, y_pred, average="binary") == pytest.approx(1 / 3)
    assert f1_score(y_true, y_pred, average="binary") == pytest.approx(2 * 1 / (2 + 3))
    assert recall(y_true, y_pred, average="binary", pos_label=0) == 0.5


def test_classification_report_by_hand():
    report = classification_report([0, 0, 1, 1, 1], [0, 1, 1, 1, 1], output_dict=True,
                                   target_names=["no", "yes"])
    assert report["no"] == {"precision": 1.0, "recall": 0.5, "f1-score": pytest.approx(2 / 3),
                            "support": 2}
    assert report["yes"]["precision"] == 0.75 and report["yes"]["support"] == 3
    assert report["accuracy"] == 0.8
    assert report["macro avg"]["recall"] == 0.75
    assert report["weighted avg"]["recall"] == pytest.approx(0.8)     # = accuracy
    assert list(report) == ["no", "yes", "accuracy", "macro avg", "weighted avg"]


# Ties: two scores of 0.8 (a positive and a negative) and two of 0.4. Counting by hand, the
# thresholds 0.9, 0.8, 0.4, 0.1 call (tp, fp) = (1, 0), (2, 1), (3, 2), (3, 3) positive;
# there are 3 positives and 3 negatives.
TIED_TRUE = [0, 0, 1, 1, 0, 1]
TIED_SCORE = [0.1, 0.4, 0.4, 0.8, 0.8, 0.9]


def test_roc_curve_with_ties_by_hand():
    fpr, tpr, thresholds = roc_curve(TIED_TRUE, TIED_SCORE, drop_intermediate=False)
    np.testing.assert_allclose(fpr, [0, 0, 1 / 3, 2 / 3, 1])
    np.testing.assert_allclose(tpr, [0, 1 / 3, 2 / 3, 1, 1])
    np.testing.assert_array_equal(thresholds, [np.inf, 0.9, 0.8, 0.4, 0.1])
    # (1/3, 2/3) lies on the segment from (0, 1/3) to (2/3, 1): dropped
    fpr, tpr, thresholds = roc_curve(TIED_TRUE, TIED_SCORE)
    np.testing.assert_allclose(fpr, [0, 0, 2 / 3, 1])
    np.testing.assert_allclose(tpr, [0, 1 / 3, 1, 1])
    np.testing.assert_array_equal(thresholds, [np.inf, 0.9, 0.4, 0.1])


def test_roc_auc_is_the_probability_of_ranking_a_positive_above_a_negative():
    # pairs (positive, negative): 0.4 beats 0.1, ties 0.4, loses to 0.8 (1.5); 0.8: 2.5; 0.9: 3
    assert roc_auc_score(TIED_TRUE, TIED_SCORE) == pytest.approx(7 / 9)
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 200)
    s = np.round(rng.random(200) + 0.3 * y, 1)                       # many ties
    pos, neg = s[y == 1], s[y == 0]
    pairs = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    assert roc_auc_score(y, s) == pytest.approx(pairs.mean(), rel=1e-12)
    assert roc_auc_score(y, -s) == pytest.approx(1 - pairs.mean(), rel=1e-12)


def test_roc_auc_does_not_change_with_prevalence_but_average_precision_does():
    # duplicating every negative leaves the ROC curve and its area unchanged
    y, s = np.array(TIED_TRUE), np.array(TIED_SCORE)
    y2, s2 = np.r_[y, y[y == 0]], np.r_[s, s[y == 0]]
    assert roc_auc_score(y2, s2) == pytest.approx(roc_auc_score(y, s))
    assert average_precision_score(y2, s2) < average_precision_score(y, s)


def test_precision_recall_curve_and_average_precision_by_hand():
    precision_values, recall_values, thresholds = precision_recall_curve(TIED_TRUE, TIED_SCORE)
    np.testing.assert_allclose(precision_values, [1 / 2, 3 / 5, 2 / 3, 1, 1])
    np.testing.assert_allclose(recall_values, [1, 1, 2 / 3, 1 / 3, 0])
    np.testing.assert_array_equal(thresholds, [0.1, 0.4, 0.8, 0.9])
    # AP = 1/3 * 1 + 1/3 * 2/3 + 1/3 * 3/5 + 0 * 1/2
    assert average_precision_score(TIED_TRUE, TIED_SCORE) == pytest.approx(34 / 45)
    # dropping: the true positives do not change around 0.8 and 0.7, so those points go
    y, s = [1, 0, 0, 0, 1], [0.9, 0.8, 0.7, 0.6, 0.5]
    _, _, kept = precision_recall_curve(y, s, drop_intermediate=True)
    np.testing.assert_array_equal(kept, [0.5, 0.6, 0.9])


def test_average_precision_of_a_perfect_and_of_a_reversed_ranking():
    y = [0, 0, 0, 1, 1]
    assert average_precision_score(y, [1, 2, 3, 4, 5]) == 1.0
    # positives ranked last: precision 1/4 at recall 1/2, 2/5 at recall 1
    assert average_precision_score(y, [5, 4, 3, 2, 1]) == pytest.approx(0.5 * 1 / 4 + 0.5 * 2 / 5)


def test_calibration_curve_by_hand():
    y_true, y_prob = [0, 0, 1, 0, 1, 1], [0.1, 0.2, 0.3, 0.6, 0.8, 0.9]
    prob_true, prob_pred = calibration_curve(y_true, y_prob, n_bins=2)
    np.testing.assert_allclose(prob_true, [1 / 3, 2 / 3])
    np.testing.assert_allclose(prob_pred, [0.2, 2.3 / 3])
    # quantile edges: the 1/3 and 2/3 quantiles are 0.2667 and 0.6667 (linear interpolation)
    prob_true, prob_pred = calibration_curve(y_true, y_prob, n_bins=3, strategy="quantile")
    np.testing.assert_allclose(prob_true, [0, 0.5, 1])
    np.testing.assert_allclose(prob_pred, [0.15, 0.45, 0.85])
    # bins are (a, b]: 0.4 falls in (0.2, 0.4], 0.41 in (0.4, 0.6]; empty bins are left out
    assert calibration_curve([1, 0], [0.4, 0.41], n_bins=5)[1].size == 2
    assert calibration_curve([1, 0], [0.39, 0.4], n_bins=5)[1].size == 1


def test_expected_calibration_error_by_hand():
    y_true, y_prob = [0, 0, 1, 0, 1, 1], [0.1, 0.2, 0.3, 0.6, 0.8, 0.9]
    # two bins of 3: |1/3 - 0.2| and |2/3 - 2.3/3|, each with weight 1/2
    expected = 0.5 * abs(1 / 3 - 0.2) + 0.5 * abs(2 / 3 - 2.3 / 3)
    assert expected_calibration_error(y_true, y_prob, n_bins=2) == pytest.approx(expected)
    # certain and half wrong: ECE 0.5; 70% confident and right 70% of the time: 0
    assert expected_calibration_error([1, 0, 1, 0], [1.0, 1.0, 1.0, 1.0]) == 0.5
    assert expected_calibration_error([1] * 7 + [0] * 3, [0.7] * 10) == pytest.approx(0.0)


def test_brier_score_by_hand():
    assert brier_score_loss([0, 1, 1], [0.1, 0.9, 0.6]) == pytest.approx(0.18 / 3)
    # three classes: (0.25 + 0.25 + 0) and (0.04 + 0.04 + 0.16), not halved
    proba = [[0.5, 0.5, 0.0], [0.2, 0.2, 0.6]]
    assert brier_score_loss([0, 2], proba) == pytest.approx(0.37)
    assert brier_score_loss([0, 2], proba, scale_by_half=True) == pytest.approx(0.185)
    # two columns are halved, so that they agree with the positive-class probability
    two = np.array([[0.9, 0.1], [0.1, 0.9], [0.4, 0.6]])
    assert brier_score_loss([0, 1, 1], two) == pytest.approx(
        brier_score_loss([0, 1, 1], two[:, 1]))
    assert brier_score_loss([-1, 1], [0.0, 1.0]) == 0.0
    assert brier_score_loss([3, 7], [0.2, 0.9], pos_label=7) == pytest.approx((0.04 + 0.01) / 2)


def test_undefined_curves_warn_and_give_nan_as_scikit_learn_does():
    with pytest.warns(UndefinedMetricWarning, match="no negative"):
        fpr, tpr, _ = roc_curve([1, 1], [0.2, 0.6])
    assert np.isnan(fpr).all() and tpr[-1] == 1
    with pytest.warns(UndefinedMetricWarning, match="one class"):
        assert np.isnan(roc_auc_score([0, 0], [0.2, 0.6]))


@pytest.mark.parametrize("call, message", [
    (lambda: confusion_matrix([0, 1], [0, 1], normalize="rows"), "normalize"),
    (lambda: roc_curve([0, 1, 2], [0.1, 0.2, 0.3]), "3 labels"),
    (lambda: roc_curve([1, 2], [0.1, 0.2]), "pos_label"),
    (lambda: roc_curve([0, 1], [0.1]), "y_score has 1"),
    (lambda: roc_curve([0, 1], [0.1, np.nan]), "y_score contains NaN"),
    (lambda: precision_recall_curve([[0, 1]], [0.1, 0.2]), "1-D"),
    (lambda: average_precision_score([0, 2], [0.1, 0.2], pos_label=1), "pos_label=1"),
    (lambda: calibration_curve([0, 1], [0.1, 1.2]), r"y_prob has values outside \[0, 1\]"),
    (lambda: calibration_curve([0, 1], [0.1, 0.2], n_bins=0), "n_bins"),
    (lambda: calibration_curve([0, 1], [0.1, 0.2], strategy="equal"), "strategy"),
    (lambda: expected_calibration_error([0, 1], [0.1, 0.2], n_bins=2.5), "n_bins"),
    (lambda: brier_score_loss([0, 1], [[0.5, 0.6], [0.5, 0.5]]), "sum to 1"),
    (lambda: brier_score_loss([0, 3], [[0.5, 0.5], [0.5, 0.5]]), "label 3"),
    (lambda: brier_score_loss([0, 1], [0.5, 0.5], scale_by_half="yes"), "scale_by_half"),
    (lambda: classification_report([0, 1], [0, 1], target_names=["a"]), "target_names"),
    (lambda: classification_report([0, 1], [0, 1], digits=-1), "digits"),
    (lambda: precision([0, 1, 2], [0, 1, 2], average="binary"), "binary"),
    (lambda: precision([0, 1], [0, 1], average="binary", pos_label=2), "pos_label"),
])
def test_bad_arguments_of_the_new_metrics_are_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- against scikit-learn, where it is installed ---------------------------------------------------
def _tied_scores(seed, n=300):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    return y, np.round(rng.random(n) * 0.7 + 0.3 * y, 1)     # 11 distinct values: many ties


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ranking_metrics_match_scikit_learn_with_ties(seed):
    sk = pytest.importorskip("sklearn.metrics")
    y, s = _tied_scores(seed)
    for drop in (True, False):
        for ours, theirs in zip(roc_curve(y, s, drop_intermediate=drop),
                                sk.roc_curve(y, s, drop_intermediate=drop)):
            np.testing.assert_allclose(ours, theirs, rtol=1e-12)
        for ours, theirs in zip(precision_recall_curve(y, s, drop_intermediate=drop),
                                sk.precision_recall_curve(y, s, drop_intermediate=drop)):
            np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    assert roc_auc_score(y, s) == pytest.approx(sk.roc_auc_score(y, s), rel=1e-12)
    assert average_precision_score(y, s) == pytest.approx(sk.average_precision_score(y, s),
                                                          rel=1e-12)
    labels = np.where(y == 1, 7, 3)                      # other labels, with pos_label
    np.testing.assert_allclose(roc_curve(labels, s, pos_label=7)[1],
                               sk.roc_curve(labels, s, pos_label=7)[1])
    assert average_precision_score(labels, s, pos_label=3) == pytest.approx(
        sk.average_precision_score(labels, s, pos_label=3), rel=1e-12)


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("n_bins", [3, 10])
def test_calibration_curve_and_brier_match_scikit_learn(strategy, n_bins):
    calibration = pytest.importorskip("sklearn.calibration")
    sk = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(n_bins)
    p = rng.random(400) ** 2
    y = (rng.random(400) < np.sqrt(p)).astype(int)
    p[:20] = 0.2                                          # values on a bin edge
    for ours, theirs in zip(calibration_curve(y, p, n_bins=n_bins, strategy=strategy),
                            calibration.calibration_curve(y, p, n_bins=n_bins,
                                                          strategy=strategy)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    assert brier_score_loss(y, p) == pytest.approx(sk.brier_score_loss(y, p), rel=1e-12)
    proba = rng.dirichlet(np.ones(4), size=400)
    labels = rng.integers(0, 4, 400)
    for scale in ("auto", True, False):
        assert brier_score_loss(labels, proba, scale_by_half=scale) == pytest.approx(
            sk.brier_score_loss(labels, proba, scale_by_half=scale), rel=1e-12)


def test_normalized_confusion_averages_and_report_match_scikit_learn():
    sk = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(3)
    y_true, y_pred = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    y_pred[y_pred == 3] = 2                               # class 3 never predicted
    for normalize in ("true", "pred", "all"):
        np.testing.assert_allclose(confusion_matrix(y_true, y_pred, normalize=normalize),
                                   sk.confusion_matrix(y_true, y_pred, normalize=normalize))
    for average in ("weighted", "micro"):
        for ours, theirs in ((precision, sk.precision_score), (recall, sk.recall_score),
                             (f1_score, sk.f1_score)):
            assert ours(y_true, y_pred, average=average) == pytest.approx(
                theirs(y_true, y_pred, average=average, zero_division=0.0))
    binary_true, binary_pred = (y_true == 1).astype(int), (y_pred == 1).astype(int)
    assert f1_score(binary_true, binary_pred, average="binary") == pytest.approx(
        sk.f1_score(binary_true, binary_pred))
    names = ["zero", "one", "two", "three"]
    for digits in (2, 4):
        assert classification_report(y_true, y_pred, target_names=names, digits=digits) == (
            sk.classification_report(y_true, y_pred, target_names=names, digits=digits,
                                     zero_division=0.0))
    theirs = sk.classification_report(y_true, y_pred, output_dict=True, zero_division=0.0)
    ours = classification_report(y_true, y_pred, output_dict=True)
    assert ours.keys() == theirs.keys()
    for key, row in ours.items():
        if key == "accuracy":
            assert row == pytest.approx(theirs[key])
        else:
            assert row == pytest.approx(theirs[key])
