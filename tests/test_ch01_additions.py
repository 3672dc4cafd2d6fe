"""Tests of the plotting helpers added for Chapter 1 (scatter_features, parameter_paths)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from optimlib import plot
from optimlib.data import make_linear_regression


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_scatter_features_one_panel_per_feature_with_the_data():
    X, y = make_linear_regression(n_samples=20, weights=(1.0, 2.0, 3.0))
    fig = plot.scatter_features(X, y, names=["a", "b", "c"], title="data")
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 3
    assert [ax.get_xlabel() for ax in axes] == ["a", "b", "c"]
    assert axes[0].get_ylabel() == "$y$"
    for j, ax in enumerate(axes):
        points = ax.collections[0].get_offsets()
        np.testing.assert_array_equal(points, np.column_stack([X[:, j], y]))
    assert fig._suptitle.get_text() == "data"


def test_scatter_features_wraps_rows_and_labels_each_row():
    X, y = make_linear_regression(n_samples=10, weights=(1.0,) * 4)
    fig = plot.scatter_features(X, y, ncols=2)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [bool(ax.get_ylabel()) for ax in axes] == [True, False, True, False]


@pytest.mark.parametrize("X, y, names, message", [
    (np.ones(5), np.ones(5), None, "shape"),
    (np.ones((5, 2)), np.ones(4), None, "shape"),
    (np.ones((5, 2)), np.ones(5), ["only one"], "names has 1 entries"),
])
def test_scatter_features_rejects_bad_input(X, y, names, message):
    with pytest.raises(ValueError, match=message):
        plot.scatter_features(X, y, names=names)


def test_parameter_paths_draws_each_coordinate_and_its_target():
    thetas = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0], [1.5, 2.5, 3.5]])
    _, ax = plt.subplots()
    plot.parameter_paths(thetas, targets=[2.0, 3.0, 4.0], names=["w1", "w2", "b"], ax=ax,
                         title="paths")
    lines = ax.get_lines()
    paths = [line for line in lines if line.get_label() in ("w1", "w2", "b")]
    assert len(paths) == 3
    for j, line in enumerate(paths):
        np.testing.assert_array_equal(line.get_ydata(), thetas[:, j])
        np.testing.assert_array_equal(line.get_xdata(), [0, 1, 2])
    targets = [line for line in lines if line.get_linestyle() == ":" and len(line.get_ydata())]
    assert sorted(line.get_ydata()[0] for line in targets) == [2.0, 3.0, 4.0]
    # each target line has the colour of its path
    for path, target in zip(paths, targets):
        assert path.get_color() == target.get_color()
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels[:3] == ["w1", "w2", "b"] and "minimizer" in labels[3]
    assert ax.get_title() == "paths"


def test_parameter_paths_without_targets_has_no_dotted_lines():
    _, ax = plt.subplots()
    plot.parameter_paths(np.zeros((4, 2)), ax=ax)
    assert len(ax.get_lines()) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [r"$\theta_1$", r"$\theta_2$"]


@pytest.mark.parametrize("kwargs, message", [
    ({"thetas": np.zeros(3)}, "shape"),
    ({"thetas": np.zeros((3, 2)), "targets": [1.0]}, "targets"),
    ({"thetas": np.zeros((3, 2)), "names": ["a"]}, "names"),
])
def test_parameter_paths_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot.parameter_paths(**kwargs)


def test_finite_difference_errors_draws_curves_and_optimal_steps():
    steps = np.logspace(-10, -1, 10)
    errors = {"forward": steps, "central": np.zeros_like(steps)}
    _, ax = plt.subplots()
    plot.finite_difference_errors(steps, errors, optimal={"central": 1e-5}, ax=ax, title="fd")
    lines = ax.get_lines()
    curves = [line for line in lines if line.get_label() in errors]
    assert len(curves) == 2
    np.testing.assert_array_equal(curves[0].get_ydata(), steps)
    # exact zeros are kept on the log axis
    assert np.all(curves[1].get_ydata() > 0)
    verticals = [line for line in lines if line.get_label() not in errors]
    assert len(verticals) == 1 and verticals[0].get_xdata()[0] == 1e-5
    assert verticals[0].get_color() == curves[1].get_color()
    assert (ax.get_xscale(), ax.get_yscale(), ax.get_title()) == ("log", "log", "fd")


@pytest.mark.parametrize("errors, optimal, message", [
    ({"forward": np.ones(3)}, None, "shape"),
    ({"forward": np.ones(4)}, {"central": 1e-5}, "central"),
])
def test_finite_difference_errors_rejects_bad_input(errors, optimal, message):
    with pytest.raises(ValueError, match=message):
        plot.finite_difference_errors(np.ones(4), errors, optimal=optimal)
