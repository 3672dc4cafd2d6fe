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
    (lambda: precision([0, 1], [0, 1], average="micro"), "average"),
])
def test_bad_input_is_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()
