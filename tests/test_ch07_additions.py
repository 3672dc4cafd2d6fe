"""Tests of the additions for Chapter 7: plot.regression_1d, validation_curve, history_gallery,
compare_scores; and the optimizer properties the chapter relies on (gradient descent from zero
finds the minimum-norm interpolant, Adam does not, early stopping's spectral filter)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from optimlib import plot
from optimlib.train import History


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _history(val_losses):
    history = History()
    for epoch, val in enumerate(val_losses, start=1):
        history.append(epoch=epoch, train_loss=1.0 / epoch, val_loss=val,
                       train_accuracy=0.5 + 0.1 * epoch, val_accuracy=0.5, lr=0.1,
                       wall_time=0.0)
    return history


# -- regression_1d ------------------------------------------------------------------------------
def test_regression_1d_draws_data_model_and_truth_and_clips_to_ylim():
    _, ax = plt.subplots()
    grid = np.linspace(0, 1, 30)
    plot.regression_1d([0.1, 0.5, 0.9], [0.0, 1.0, 0.0], grid, 100 * grid, ax,
                       truth=np.sin(grid), ylim=(-2, 2), title="fit", label="degree 9")
    truth, model = ax.get_lines()
    np.testing.assert_array_equal(model.get_ydata(), 100 * grid)
    assert model.get_label() == "degree 9" and truth.get_linestyle() == ":"
    np.testing.assert_array_equal(ax.collections[0].get_offsets()[:, 0], [0.1, 0.5, 0.9])
    assert ax.get_ylim() == (-2, 2)            # clipped, not rescaled to the wild curve
    assert ax.get_title() == "fit" and ax.get_xlabel() == "$x$"


def test_regression_1d_without_truth_and_its_validation():
    _, ax = plt.subplots()
    plot.regression_1d([0.0], [1.0], [0.0, 1.0], [1.0, 1.0], ax)
    assert len(ax.get_lines()) == 1
    with pytest.raises(ValueError, match="x and y"):
        plot.regression_1d([0.0, 1.0], [1.0], [0.0], [1.0])
    with pytest.raises(ValueError, match="predictions"):
        plot.regression_1d([0.0], [1.0], [0.0, 1.0], [1.0])
    with pytest.raises(ValueError, match="truth"):
        plot.regression_1d([0.0], [1.0], [0.0, 1.0], [1.0, 1.0], truth=[1.0])


# -- validation_curve ---------------------------------------------------------------------------
def test_validation_curve_lines_error_bars_marks_and_log_ticks():
    _, ax = plt.subplots()
    values = [10, 20, 40, 80]
    plot.validation_curve(values, {"training": [0.1, 0.05, 0.0, 0.0],
                                   "validation": [0.4, 0.3, 0.2, 0.15]}, ax,
                          spread={"validation": [0.01, 0.02, 0.01, 0.01]}, logx=True,
                          xticks=values, xlabel="n", ylabel="error", best=40,
                          best_label="best", reference=0.25, reference_label="chance",
                          title="sweep")
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["training", "validation", "best", "chance"]
    assert len(ax.containers) == 1               # one errorbar container: the validation curve
    assert ax.get_xscale() == "log" and ax.get_yscale() == "linear"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["10", "20", "40", "80"]
    assert len(ax.xaxis.get_minorticklocs()) == 0
    training = ax.get_lines()[0]
    np.testing.assert_array_equal(training.get_ydata(), [0.1, 0.05, 0.0, 0.0])
    assert training.get_color() == plot.PALETTE[0]


def test_validation_curve_rejects_bad_input():
    with pytest.raises(ValueError, match="empty"):
        plot.validation_curve([1, 2], {}, xlabel="x", ylabel="y")
    with pytest.raises(ValueError, match="one score per value"):
        plot.validation_curve([1, 2], {"a": [1.0]}, xlabel="x", ylabel="y")
    with pytest.raises(ValueError, match="spread names"):
        plot.validation_curve([1, 2], {"a": [1.0, 2.0]}, spread={"b": [0, 0]},
                              xlabel="x", ylabel="y")
    with pytest.raises(ValueError, match="spread of 'a'"):
        plot.validation_curve([1, 2], {"a": [1.0, 2.0]}, spread={"a": [0]},
                              xlabel="x", ylabel="y")


# -- history_gallery ----------------------------------------------------------------------------
def test_history_gallery_one_panel_per_run_with_marks():
    histories = {"λ = 0": _history([1.0, 0.8, 0.9]), "λ = 1": _history([1.0, 0.9, 0.85])}
    fig = plot.history_gallery(histories, metric="loss", ncols=2, log=True,
                               mark_epochs={"λ = 1": 3}, suptitle="decay")
    left, right = fig.axes
    assert [left.get_title(), right.get_title()] == ["λ = 0", "λ = 1"]
    assert len(left.get_lines()) == 2 and len(right.get_lines()) == 3
    np.testing.assert_array_equal(left.get_lines()[1].get_ydata(), [1.0, 0.8, 0.9])
    assert left.get_yscale() == "log" and left.get_legend() is not None
    assert right.get_legend() is None
    assert fig.get_suptitle() == "decay"


def test_history_gallery_accuracy_and_validation():
    fig = plot.history_gallery({"a": _history([1.0, 0.5])}, metric="accuracy")
    np.testing.assert_allclose(fig.axes[0].get_lines()[0].get_ydata(), [0.6, 0.7])
    with pytest.raises(ValueError, match="empty"):
        plot.history_gallery({})
    with pytest.raises(ValueError, match="metric"):
        plot.history_gallery({"a": _history([1.0])}, metric="f1")
    with pytest.raises(ValueError, match="mark_epochs"):
        plot.history_gallery({"a": _history([1.0])}, mark_epochs={"b": 1})


# -- compare_scores -----------------------------------------------------------------------------
def test_compare_scores_rows_means_and_stacked_ties():
    _, ax = plt.subplots()
    plot.compare_scores({"honest": [0.5, 0.5, 0.5, 0.6], "leaky": [0.8, 0.9]}, ax,
                        xlabel="accuracy", reference=0.5, reference_label="chance")
    labels = [label.get_text() for label in ax.get_yticklabels()]
    assert labels == ["honest\nmean 0.525", "leaky\nmean 0.850"]
    honest, leaky = (collection.get_offsets() for collection in ax.collections[:2])
    assert sorted(np.round(honest[:3, 1], 3)) == [-0.09, 0.0, 0.09]   # three ties, stacked
    assert honest[3, 1] == 0.0 and np.all(leaky[:, 1] == -1.0)
    means = [line.get_xdata()[0] for line in ax.get_lines()[:2]]
    assert means == pytest.approx([0.525, 0.85])
    assert ax.get_legend() is not None


def test_compare_scores_rejects_empty_input():
    with pytest.raises(ValueError, match="empty"):
        plot.compare_scores({})
    with pytest.raises(ValueError, match="no scores"):
        plot.compare_scores({"a": []})


# -- the implicit bias of the optimizers (Chapter 7, "Beyond the U-shaped curve") ----------------
def _underdetermined(seed=0, n=6, d=20):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.standard_normal(n)


def _least_squares_run(optimizer, theta, A, b, steps):
    # minimize (1/n)||A θ - b||^2 in place; the gradient is (2/n) A^T (A θ - b)
    for _ in range(steps):
        optimizer.step([2 / len(b) * A.T @ (A @ theta - b)])
    return theta


def test_sgd_with_momentum_from_zero_finds_the_minimum_norm_interpolant():
    from optimlib.optim import SGD

    A, b = _underdetermined()
    theta = np.zeros(20)
    _least_squares_run(SGD([theta], lr=0.1, momentum=0.9), theta, A, b, 2000)
    np.testing.assert_allclose(theta, np.linalg.pinv(A) @ b, atol=1e-10)
    # from θ0 the part of θ0 outside the row space stays: θ0 - A⁺A θ0 + A⁺b
    start = np.random.default_rng(1).standard_normal(20)
    theta = start.copy()
    _least_squares_run(SGD([theta], lr=0.1, momentum=0.9), theta, A, b, 2000)
    pinv = np.linalg.pinv(A)
    np.testing.assert_allclose(theta, start - pinv @ (A @ start) + pinv @ b, atol=1e-10)


def test_adam_from_zero_interpolates_but_leaves_the_row_space():
    from optimlib.optim import Adam

    A, b = _underdetermined()
    theta = np.zeros(20)
    _least_squares_run(Adam([theta], lr=0.01), theta, A, b, 3000)
    assert np.mean((A @ theta - b) ** 2) < 1e-12                  # an interpolant ...
    outside = theta - np.linalg.pinv(A) @ (A @ theta)
    assert np.linalg.norm(outside) > 1e-2                          # ... not the min-norm one
    assert np.linalg.norm(theta) > np.linalg.norm(np.linalg.pinv(A) @ b)


def test_gradient_descent_is_the_spectral_filter_of_early_stopping():
    # θ_τ = Σ_i [1 - (1 - η h_i)^τ] (u_i·θ*) u_i from θ0 = 0 (eq-ch07-gd-filter)
    from optimlib.problems import Quadratic
    from optimlib.train import minimize

    H = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, 0.2], [0.0, 0.2, 0.05]])
    c = np.array([1.0, -2.0, 0.5])
    eta, tau = 0.4, 25
    run = minimize(Quadratic(H, c), np.zeros(3), steps=tau, lr=eta)
    h, U = np.linalg.eigh(H)
    optimum = np.linalg.solve(H, c)
    expected = U @ ((1 - (1 - eta * h) ** tau) * (U.T @ optimum))
    np.testing.assert_allclose(run.thetas[-1], expected, rtol=1e-12, atol=1e-14)
