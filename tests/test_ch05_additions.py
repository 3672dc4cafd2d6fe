"""Tests of the plotting helper added for Chapter 5 (compare_runs)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from optimlib import plot
from optimlib.optim import SGD, Adam
from optimlib.problems import Quadratic
from optimlib.train import minimize


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def two_runs():
    problem = Quadratic([[1.0, 0.0], [0.0, 10.0]])
    runs = {"GD": minimize(problem, [1.0, 1.0], SGD, steps=30, lr=0.15),
            "Adam": minimize(problem, [1.0, 1.0], Adam, steps=30, lr=0.1)}
    return problem, runs


def test_every_run_keeps_its_colour_and_style_in_both_panels():
    problem, runs = two_runs()
    left, right = plot.compare_runs(problem, runs, title="race")
    curves = right.get_lines()
    assert [line.get_label() for line in curves] == ["GD", "Adam"]
    # each path is a line plus a start marker in the same colour
    paths = [line for line in left.get_lines() if line.get_marker() == "o"]
    for k, (path, curve) in enumerate(zip(paths, curves)):
        assert path.get_color() == curve.get_color() == plot.PALETTE[k]
        assert path.get_linestyle() == curve.get_linestyle()
    assert right.get_yscale() == "log" and left.get_title() == "race"
    np.testing.assert_allclose(curves[0].get_ydata(),
                               np.maximum(runs["GD"].suboptimality, 1e-16))


def test_on_contour_selects_paths_but_all_curves_are_drawn():
    problem, runs = two_runs()
    fig, axes = plt.subplots(1, 2)
    left, right = plot.compare_runs(problem, runs, axes, on_contour=["Adam"])
    assert (left, right) == tuple(axes)
    paths = [line for line in left.get_lines() if line.get_marker() == "o"]
    assert len(paths) == 1 and paths[0].get_color() == plot.PALETTE[1]
    assert len(right.get_lines()) == 2


def test_values_below_the_floor_are_drawn_at_the_floor():
    problem, runs = two_runs()
    exact = minimize(problem, [1.0, 0.0], SGD, steps=3, lr=1.0)     # hits the minimum exactly
    assert exact.suboptimality[-1] == 0.0
    _, right = plot.compare_runs(problem, {"exact": exact}, floor=1e-12)
    assert right.get_lines()[0].get_ydata()[-1] == 1e-12


@pytest.mark.parametrize("kwargs, message", [
    (dict(runs={}), "runs is empty"),
    (dict(on_contour=["SGD"]), "on_contour names"),
    (dict(floor=0.0), "floor must be positive"),
])
def test_bad_arguments_are_named(kwargs, message):
    problem, runs = two_runs()
    arguments = dict(runs=runs) | kwargs
    with pytest.raises(ValueError, match=message):
        plot.compare_runs(problem, arguments.pop("runs"), **arguments)
