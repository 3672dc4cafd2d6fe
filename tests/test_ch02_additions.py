"""Tests of what Chapter 2's additions use: the DoubleWell problem and Armijo backtracking.

Every expected value is computed by hand or from the theory (the descent lemma, Armijo's
condition), never by the code under test.
"""

import math

import numpy as np
import pytest

from optimlib.gradcheck import gradient_error
from optimlib.linesearch import LineSearchTrajectory, backtracking, minimize_armijo
from optimlib.problems import DoubleWell, Quadratic, Rosenbrock


# -- DoubleWell ------------------------------------------------------------------------------
def test_double_well_values_by_hand():
    well = DoubleWell(dim=2, a=2.0)
    theta = np.array([0.5, -1.0])
    expected = (0.125 + 2 * (math.cos(0.5) - 1)) + (0.5 + 2 * (math.cos(1.0) - 1))
    assert well.loss(theta) == pytest.approx(expected, rel=1e-15)
    np.testing.assert_allclose(well.grad(theta), [0.5 - 2 * math.sin(0.5), -1 + 2 * math.sin(1)],
                               rtol=1e-15)
    np.testing.assert_allclose(well.hessian(theta),
                               np.diag([1 - 2 * math.cos(0.5), 1 - 2 * math.cos(1.0)]),
                               rtol=1e-15)
    assert well.loss(np.zeros(2)) == 0.0
    assert well.L == 3.0


def test_double_well_gradient_and_hessian_match_finite_differences():
    well = DoubleWell(dim=3, a=1.7)
    theta = np.array([0.3, -2.2, 1.1])
    assert gradient_error(well.loss, well.grad, theta) < 1e-8
    for i in range(3):
        assert gradient_error(lambda t: well.grad(t)[i], lambda t: well.hessian(t)[i],
                              theta) < 1e-7


def test_double_well_minimizer_is_a_stationary_global_minimum():
    for a in (1.2, 2.0, 4.5):
        well = DoubleWell(dim=2, a=a)
        r = well.r
        assert 0 < r < math.pi and r == pytest.approx(a * math.sin(r), abs=1e-14)
        assert np.abs(well.grad(well.minimizer)).max() < 1e-14
        assert np.all(np.diag(well.hessian(well.minimizer)) > 0)
        # the minimum is the lowest value on a fine grid covering every well
        grid = np.linspace(-6, 6, 60001)
        one_dim = 0.5 * grid**2 + a * (np.cos(grid) - 1)
        assert well.minimum == pytest.approx(2 * one_dim.min(), abs=1e-5)
        assert well.minimum <= 2 * one_dim.min() + 1e-12


def test_double_well_smoothness_constant_bounds_the_curvature_and_is_attained():
    well = DoubleWell(dim=1, a=2.5)
    curvatures = 1 - 2.5 * np.cos(np.linspace(-10, 10, 10001))
    assert np.abs(curvatures).max() <= well.L + 1e-12
    assert np.abs(curvatures).max() == pytest.approx(well.L, rel=1e-6)   # at theta = pi


def test_double_well_origin_is_a_maximum_and_axes_hold_saddles():
    well = DoubleWell(dim=2)
    assert np.all(np.diag(well.hessian([0.0, 0.0])) < 0)
    saddle = np.array([well.r, 0.0])
    assert np.abs(well.grad(saddle)).max() < 1e-14
    curvature = np.diag(well.hessian(saddle))
    assert curvature[0] > 0 > curvature[1]
    assert well.loss(saddle) > well.minimum


@pytest.mark.parametrize("kwargs", [{"dim": 0}, {"dim": 2.0}, {"a": 1.0}, {"a": 0.5},
                                    {"a": float("nan")}])
def test_double_well_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError, match="dim|a"):
        DoubleWell(**kwargs)


# -- backtracking ----------------------------------------------------------------------------
def test_backtracking_on_a_one_dimensional_quadratic_by_hand():
    # f = 1.5 theta^2 at theta = 1: grad 3, f(1 - 3 eta) = 1.5 (1 - 3 eta)^2; Armijo with
    # c = 0.25 accepts eta iff 1.5 (1 - 3 eta)^2 <= 1.5 - 0.25 * 9 eta, i.e. eta <= 0.5
    f = lambda t: float(1.5 * t @ t)
    theta = np.array([1.0])
    lr, new, evaluations = backtracking(f, theta, 3 * theta, c=0.25, lr0=0.9, shrink=0.5)
    assert (lr, evaluations) == (0.45, 2)           # 0.9 rejected, 0.45 accepted
    assert new == pytest.approx(1.5 * (1 - 3 * 0.45) ** 2)
    lr, _, evaluations = backtracking(f, theta, 3 * theta, c=0.25, lr0=2.0, shrink=0.1)
    assert (lr, evaluations) == (pytest.approx(0.2), 2)


def test_backtracking_accepts_the_first_step_that_satisfies_armijo():
    rosen = Rosenbrock()
    rng = np.random.default_rng(0)
    for _ in range(20):
        theta = rng.uniform(-1.5, 1.5, size=2)
        g = rosen.grad(theta)
        f0 = rosen.loss(theta)
        for c, shrink in [(1e-4, 0.5), (0.3, 0.8)]:
            lr, new, evaluations = backtracking(rosen.loss, theta, g, c=c, shrink=shrink)
            assert lr == pytest.approx(shrink ** (evaluations - 1))
            assert new == rosen.loss(theta - lr * g)
            assert new <= f0 - c * lr * (g @ g)                             # accepted
            if evaluations > 1:                                             # and maximal
                longer = lr / shrink
                assert rosen.loss(theta - longer * g) > f0 - c * longer * (g @ g)


def test_backtracking_step_is_at_least_the_theoretical_lower_bound():
    # on an L-smooth f with d = -grad, eta >= min(lr0, 2 shrink (1 - c) / L)
    q = Quadratic.with_condition_number(50, dim=5, lambda_max=4.0, seed=2)
    rng = np.random.default_rng(1)
    for _ in range(50):
        theta = rng.standard_normal(5)
        for c, shrink in [(1e-4, 0.5), (0.5, 0.3), (0.9, 0.7)]:
            lr, *_ = backtracking(q.loss, theta, q.grad(theta), c=c, shrink=shrink, lr0=10.0)
            assert lr >= 2 * shrink * (1 - c) / q.L - 1e-15


def test_backtracking_with_a_given_direction_and_known_loss():
    q = Quadratic([[2.0, 0.0], [0.0, 1.0]])
    theta = np.array([1.0, 1.0])
    g = q.grad(theta)                                  # (2, 1)
    direction = np.array([-1.0, 0.0])                  # descent: g^T d = -2
    lr, new, evaluations = backtracking(q.loss, theta, g, direction, loss_theta=1.5)
    assert (lr, evaluations) == (1.0, 1) and new == pytest.approx(0.5)    # lands on theta1 = 0


def test_backtracking_rejects_ascent_directions_and_bad_constants():
    q = Quadratic([[1.0]])
    theta = np.array([1.0])
    with pytest.raises(ValueError, match="descent direction"):
        backtracking(q.loss, theta, q.grad(theta), direction=np.array([1.0]))
    with pytest.raises(ValueError, match="descent direction"):
        backtracking(q.loss, np.zeros(1), np.zeros(1))            # zero gradient
    for kwargs in [{"c": 0.0}, {"c": 1.0}, {"shrink": 1.0}, {"shrink": 0.0}, {"lr0": 0.0},
                   {"max_trials": 0}]:
        with pytest.raises(ValueError, match=list(kwargs)[0]):
            backtracking(q.loss, theta, q.grad(theta), **kwargs)
    with pytest.raises(ValueError, match="grad"):
        backtracking(q.loss, theta, np.ones(2))


def test_backtracking_gives_up_when_no_step_decreases_the_loss():
    # a "gradient" that is wrong in sign-agnostic magnitude: f increases along every step
    f = lambda t: float(t @ t)
    with pytest.raises(RuntimeError, match="Armijo"):
        backtracking(f, np.array([0.0]), np.array([1.0]), max_trials=5)


# -- minimize_armijo -------------------------------------------------------------------------
def test_minimize_armijo_matches_a_loop_written_out():
    rosen = Rosenbrock()
    run = minimize_armijo(rosen, [-1.2, 1.0], steps=40, c=0.1, shrink=0.6)
    assert isinstance(run, LineSearchTrajectory) and run.steps == 40
    theta = np.array([-1.2, 1.0])
    for t in range(40):
        g = rosen.grad(theta)
        lr = 1.0
        while rosen.loss(theta - lr * g) > rosen.loss(theta) - 0.1 * lr * (g @ g):
            lr *= 0.6
        assert run.lrs[t] == pytest.approx(lr, rel=1e-12)
        assert run.evaluations[t] == round(math.log(lr) / math.log(0.6)) + 1
        theta = theta - lr * g
        np.testing.assert_allclose(run.thetas[t + 1], theta, rtol=1e-12)
    np.testing.assert_allclose(run.losses, rosen.loss(run.thetas), rtol=1e-12)
    np.testing.assert_allclose(run.grad_norms,
                               [np.linalg.norm(rosen.grad(t)) for t in run.thetas], rtol=1e-12)


def test_minimize_armijo_satisfies_the_nonconvex_guarantee():
    # sum_t c eta_t ||g_t||^2 <= f(theta_0) - f(theta_T), and eta_t >= eta_min, so
    # min_t ||g_t||^2 <= (f_0 - f*) / (c eta_min T) for every T. (12 steps: after them the
    # gradient is below 1e-6 and the loss within 1e-13 of f*, where rounding, not the
    # theory, decides which steps pass the test.)
    well = DoubleWell(dim=2, a=2.0)
    c, shrink = 0.3, 0.5
    run = minimize_armijo(well, [0.05, 2.9], steps=12, c=c, shrink=shrink, lr0=4.0)
    assert run.grad_norms[-2] > 1e-6
    decrease = run.losses[:-1] - run.losses[1:]
    assert np.all(decrease >= c * run.lrs * run.grad_norms[:-1] ** 2 - 1e-15)
    eta_min = min(4.0, 2 * shrink * (1 - c) / well.L)
    assert run.lrs.min() >= eta_min
    T = np.arange(1, run.steps + 1)
    best = np.minimum.accumulate(run.grad_norms[:-1] ** 2)
    assert np.all(best <= (run.losses[0] - well.minimum) / (c * eta_min * T))


def test_minimize_armijo_stops_at_an_exact_stationary_point_and_validates():
    q = Quadratic([[1.0]])
    run = minimize_armijo(q, [3.0], steps=5)
    assert run.steps == 1 and run.thetas[-1, 0] == 0.0 and run.lrs.tolist() == [1.0]
    with pytest.raises(ValueError, match="shrink"):
        minimize_armijo(q, [3.0], steps=0, shrink=2.0)
    with pytest.raises(ValueError, match="steps"):
        minimize_armijo(q, [3.0], steps=-1)
    with pytest.raises(ValueError, match="theta0"):
        minimize_armijo(q, [3.0, 1.0], steps=1)


def test_minimize_armijo_on_a_quadratic_never_takes_a_step_that_increases_the_loss():
    # even lr0 far above 2/L: the search shortens it, unlike a fixed step, which diverges
    q = Quadratic.with_condition_number(10)
    run = minimize_armijo(q, [-1.8, 0.6], steps=100, lr0=50.0)
    assert np.all(np.diff(run.losses) < 0)
    assert run.suboptimality[-1] < 1e-12


# -- plot.curves_with_bounds -------------------------------------------------------------------
def test_curves_with_bounds_pairs_each_curve_with_its_dotted_bound():
    import matplotlib.pyplot as plt

    from optimlib import plot

    _, ax = plt.subplots()
    T = np.arange(1, 11)
    plot.curves_with_bounds({"a": (T, 1.0 / T), "b": 2.0 / T}, {"a": (T, 3.0 / T)}, ax,
                            logx=True, bound_label="{}: bound")
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["a", "a: bound", "b"]
    assert lines[0].get_color() == lines[1].get_color() != lines[2].get_color()
    assert lines[0].get_linestyle() == "-" and lines[1].get_linestyle() == ":"
    np.testing.assert_array_equal(lines[1].get_ydata(), 3.0 / T)
    np.testing.assert_array_equal(lines[2].get_xdata(), np.arange(10))
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="bounds"):
        plot.curves_with_bounds({"a": T}, {"c": T})
    plt.close("all")
