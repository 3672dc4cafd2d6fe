"""Finite differences and the minimize loop, against theory."""

import numpy as np
import pytest

from optimlib.data import make_linear_regression
from optimlib.gradcheck import gradient_error, numerical_gradient
from optimlib.optim import SGD
from optimlib.problems import LinearRegression, Quadratic, Rosenbrock
from optimlib.train import minimize


def test_numerical_gradient_of_known_function():
    f = lambda t: np.sin(t[0]) * t[1] ** 2
    theta = np.array([0.3, -1.2])
    expected = [np.cos(0.3) * 1.44, 2 * np.sin(0.3) * -1.2]
    np.testing.assert_allclose(numerical_gradient(f, theta), expected, rtol=1e-9)


def test_central_difference_error_is_second_order():
    f, theta = (lambda t: np.exp(t[0])), np.array([0.0])   # f' = 1, f''' = 1
    err = [abs(numerical_gradient(f, theta, eps)[0] - 1.0) for eps in (1e-2, 1e-3)]
    # error = eps^2/6 + O(eps^4): a factor ~100 per decade
    assert err[0] == pytest.approx(1e-4 / 6, rel=1e-2)
    assert 90 < err[0] / err[1] < 110


def test_numerical_gradient_works_on_matrices_and_leaves_input_alone():
    W = np.arange(6.0).reshape(2, 3)
    g = numerical_gradient(lambda M: np.sum(M**2), W)
    np.testing.assert_allclose(g, 2 * W, atol=1e-8)
    np.testing.assert_array_equal(W, np.arange(6.0).reshape(2, 3))


def test_gradient_error_separates_right_from_wrong():
    p = LinearRegression(*make_linear_regression())
    theta = np.array([0.5, 0.5, 0.5])
    assert gradient_error(p.loss, p.grad, theta) < 1e-8
    assert gradient_error(p.loss, lambda t: 0.5 * p.grad(t), theta) > 0.3    # missing 2
    with pytest.raises(ValueError, match="shape"):
        gradient_error(p.loss, lambda t: p.grad(t)[:2], theta)
    with pytest.raises(ValueError, match="eps"):
        numerical_gradient(p.loss, theta, eps=0.0)


def test_minimize_reproduces_gd_on_a_scalar_quadratic():
    run = minimize(Quadratic([[2.0]]), [1.0], steps=4, lr=0.25)     # theta <- 0.5 theta
    np.testing.assert_allclose(run.thetas.ravel(), 0.5 ** np.arange(5), rtol=1e-15)
    np.testing.assert_allclose(run.losses, 0.25 ** np.arange(5), rtol=1e-15)
    np.testing.assert_allclose(run.grad_norms, 2 * 0.5 ** np.arange(5), rtol=1e-15)
    assert run.steps == 4 and not run.diverged
    assert run.steps_to(0.25 ** 3 + 1e-15) == 3
    assert run.steps_to(1e-30) is None


def test_minimize_matches_the_error_recursion_on_the_running_example():
    # e_t = (I - lr A)^t e_0, computed independently by matrix powers
    p = LinearRegression(*make_linear_regression())
    run = minimize(p, np.zeros(3), steps=1000, lr=0.01)
    e0 = np.zeros(3) - p.minimizer
    expected = p.minimizer + np.linalg.matrix_power(np.eye(3) - 0.01 * p.A, 1000) @ e0
    np.testing.assert_allclose(run.thetas[-1], expected, rtol=1e-10)


@pytest.mark.parametrize("kappa", [2.0, 10.0, 100.0])
def test_measured_rate_at_optimal_step_is_the_theoretical_rate(kappa):
    q = Quadratic.with_condition_number(kappa)
    run = minimize(q, [1.0, 1.0], steps=60, lr=q.optimal_lr)
    errors = np.linalg.norm(run.thetas - q.minimizer, axis=1)
    measured = (errors[-1] / errors[0]) ** (1 / 60)
    assert measured == pytest.approx((kappa - 1) / (kappa + 1), rel=1e-2)


def test_divergence_above_two_over_L_and_convergence_below():
    q = Quadratic.with_condition_number(10.0)
    assert minimize(q, [1.0, 1.0], steps=300, lr=0.99 * q.max_stable_lr).suboptimality[-1] < 1e-3
    assert minimize(q, [1.0, 1.0], steps=300, lr=1.01 * q.max_stable_lr).diverged


def test_minimize_stops_when_the_loss_overflows():
    run = minimize(Rosenbrock(), [2.0, 2.0], steps=1000, lr=0.1)
    assert run.diverged and run.steps < 1000
    assert not np.isfinite(run.losses[-1])


def test_minimize_passes_hyperparameters_and_validates():
    q = Quadratic([[1.0]])
    run = minimize(q, [1.0], SGD, steps=2, lr=0.1, momentum=0.5)
    np.testing.assert_allclose(run.thetas.ravel(), [1.0, 0.9, 0.9 - 0.1 * (0.5 + 0.9)])
    with pytest.raises(ValueError, match="steps"):
        minimize(q, [1.0], steps=-1, lr=0.1)
    with pytest.raises(ValueError, match="theta0"):
        minimize(q, [1.0, 2.0], steps=1, lr=0.1)
    with pytest.raises(ValueError, match="lr"):
        minimize(q, [1.0], steps=1, lr=-0.1)
