"""Test objectives: values and derivatives by hand, gradients by finite differences,
minimizers by their optimality conditions."""

import os

import numpy as np
import pytest

from optimlib.data import make_linear_regression
from optimlib.gradcheck import gradient_error, numerical_gradient
from optimlib.problems import LinearRegression, Quadratic, Rosenbrock


# -- Quadratic -----------------------------------------------------------------------------
def test_quadratic_by_hand():
    q = Quadratic([[2.0, 1.0], [1.0, 3.0]], c=[1.0, -1.0], f0=0.5)
    theta = np.array([1.0, 2.0])
    # 0.5 * (2 + 2*2 + 3*4) - (1 - 2) + 0.5 = 9 + 1 + 0.5
    assert q.loss(theta) == pytest.approx(10.5, abs=1e-14)
    np.testing.assert_allclose(q.grad(theta), [2 + 2 - 1, 1 + 6 + 1], atol=1e-14)
    np.testing.assert_allclose(q.hessian(theta), [[2, 1], [1, 3]])
    # minimizer solves A theta = c: [[2,1],[1,3]] theta = [1,-1] -> theta = [0.8, -0.6]
    np.testing.assert_allclose(q.minimizer, [0.8, -0.6], atol=1e-14)
    np.testing.assert_allclose(q.grad(q.minimizer), 0, atol=1e-14)
    assert q.minimum == pytest.approx(q.loss(q.minimizer), abs=1e-14)


def test_quadratic_loss_is_vectorized_over_leading_axes():
    q = Quadratic.with_condition_number(5.0)
    grid = np.random.default_rng(0).standard_normal((4, 3, 2))
    values = q.loss(grid)
    assert values.shape == (4, 3)
    assert values[2, 1] == pytest.approx(q.loss(grid[2, 1]), rel=1e-14)


@pytest.mark.parametrize("kappa, dim", [(1.0, 2), (10.0, 2), (1000.0, 2), (50.0, 7)])
def test_with_condition_number_has_requested_spectrum(kappa, dim):
    q = Quadratic.with_condition_number(kappa, dim=dim, lambda_max=2.0)
    assert q.condition_number == pytest.approx(kappa, rel=1e-10)
    assert q.L == pytest.approx(2.0, rel=1e-12)
    assert q.lambda_min == pytest.approx(2.0 / kappa, rel=1e-10)
    # eigenvalues are stored by construction; the matrix itself must have them
    np.testing.assert_allclose(np.linalg.eigvalsh(q.A), np.linspace(2.0 / kappa, 2.0, dim),
                               rtol=0, atol=1e-13)


def test_elementwise_products_agree_with_blas():
    q = Quadratic.with_condition_number(30.0, dim=12, seed=3, minimizer=np.arange(12.0))
    points = np.random.default_rng(0).standard_normal((5, 12))
    np.testing.assert_allclose(q.grad(points[0]), q.A @ points[0] - q.c, rtol=1e-13)
    expected = 0.5 * np.einsum("ki,ij,kj->k", points, q.A, points) - points @ q.c + q.f0
    np.testing.assert_allclose(q.loss(points), expected, rtol=1e-13)


CHAOTIC_RUNS = """
import numpy as np
from optimlib.optim import SGD, NAdam
from optimlib.problems import Quadratic
from optimlib.train import minimize
rotated = Quadratic.with_condition_number(100, angle=np.pi / 4)
nadam = minimize(rotated, np.array([-1.7678, -0.3536]), NAdam, steps=300, lr=0.3)
q = Quadratic.with_condition_number(1000, dim=20, seed=0, minimizer=np.ones(20))
heavy = minimize(q, np.zeros(20), SGD, steps=3000, lr=3.6, momentum=0.88)
print([float(x).hex() for x in (*nadam.thetas[-1], *heavy.thetas[-1])])
"""


def test_quadratic_runs_give_the_same_bits_on_a_processor_without_avx():
    """The chapters' stored outputs must match every reader's run. NAdam near the optimum of
    a rotated valley amplifies a last-bit difference into a visibly different trajectory
    (Chapter 5's race), so the quadratic avoids BLAS, whose kernels round differently per
    processor. A child process stands in for an older processor: numpy's SIMD loops beyond
    the baseline disabled and OpenBLAS forced to its Nehalem (SSE, no FMA) kernels."""
    import platform
    import subprocess
    import sys
    if platform.machine() not in ("x86_64", "AMD64"):
        pytest.skip("the emulated processor is an x86 one")
    from numpy._core import _multiarray_umath as umath
    extra = [name for name in umath.__cpu_dispatch__ if umath.__cpu_features__.get(name)]
    env = {**os.environ, "OPENBLAS_CORETYPE": "Nehalem",
           "NPY_DISABLE_CPU_FEATURES": " ".join(extra)}
    runs = [subprocess.run([sys.executable, "-c", CHAOTIC_RUNS], env=environment, check=True,
                           capture_output=True, text=True).stdout
            for environment in (os.environ, env)]
    assert runs[0] == runs[1]


def test_with_condition_number_places_the_minimizer():
    q = Quadratic.with_condition_number(10.0, minimizer=[1.0, -2.0])
    np.testing.assert_allclose(q.minimizer, [1.0, -2.0], atol=1e-12)
    assert q.minimum == pytest.approx(0.0, abs=1e-12)


def test_step_size_formulas_on_a_diagonal_quadratic():
    q = Quadratic(np.diag([1.0, 4.0]))
    assert q.max_stable_lr == 0.5                    # 2 / L
    assert q.optimal_lr == pytest.approx(0.4)        # 2 / (1 + 4)
    assert q.gd_rate(0.4) == pytest.approx(0.6)      # (kappa - 1) / (kappa + 1) = 3/5
    assert q.gd_rate(0.1) == pytest.approx(0.9)      # max(|1-0.1|, |1-0.4|)
    assert q.gd_rate(0.5) == pytest.approx(1.0)      # the threshold
    assert q.gd_rate(0.6) == pytest.approx(1.4)      # |1 - 0.6*4|


@pytest.mark.parametrize("A, message", [
    ([[1.0, 2.0, 3.0]], "square"),
    ([[1.0, 2.0], [0.0, 1.0]], "symmetric"),
    ([[1.0, 0.0], [0.0, -1.0]], "positive definite"),
    ([[1.0, 0.0], [0.0, float("nan")]], "NaN"),
])
def test_quadratic_rejects_bad_matrices(A, message):
    with pytest.raises(ValueError, match=message):
        Quadratic(A)


def test_quadratic_rejects_bad_arguments():
    with pytest.raises(ValueError, match="c must have shape"):
        Quadratic(np.eye(2), c=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="kappa"):
        Quadratic.with_condition_number(0.5)
    with pytest.raises(ValueError, match="theta must have shape"):
        Quadratic(np.eye(2)).grad([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="lr"):
        Quadratic(np.eye(2)).gd_rate(-1.0)


# -- LinearRegression ----------------------------------------------------------------------
def tiny():
    X = np.array([[0.0], [1.0], [2.0]])
    return LinearRegression(X, 2 * X[:, 0] + 1)


def test_linear_regression_by_hand():
    p = tiny()
    assert p.loss([0.0, 0.0]) == pytest.approx(35 / 3)          # (1 + 9 + 25) / 3
    # 2/3 * X~^T (0 - y) = -2/3 * [0*1 + 1*3 + 2*5, 1 + 3 + 5]
    np.testing.assert_allclose(p.grad([0.0, 0.0]), [-26 / 3, -6.0], rtol=1e-14)
    np.testing.assert_allclose(p.minimizer, [2.0, 1.0], atol=1e-12)
    assert p.minimum == pytest.approx(0.0, abs=1e-20)
    np.testing.assert_allclose(p.predict([2.0, 1.0]), [1.0, 3.0, 5.0])
    np.testing.assert_allclose(p.predict([2.0, 1.0], X=[[10.0]]), [21.0])


def test_linear_regression_minibatch_gradient_by_hand():
    p = tiny()
    # rows 1 and 2 at theta = 0: 2/2 * [[1,1],[2,1]]^T [-3,-5] = [-13, -8]
    np.testing.assert_allclose(p.grad([0.0, 0.0], idx=np.array([1, 2])), [-13.0, -8.0])
    assert p.loss([0.0, 0.0], idx=np.array([2])) == pytest.approx(25.0)
    # the average of per-sample gradients is the full gradient
    per_sample = [p.grad([0.5, -0.5], idx=np.array([i])) for i in range(3)]
    np.testing.assert_allclose(np.mean(per_sample, axis=0), p.grad([0.5, -0.5]), rtol=1e-14)


def test_linear_regression_is_the_quadratic_it_claims_to_be():
    X, y = make_linear_regression(noise=0.3, seed=3)
    p = LinearRegression(X, y)
    design = np.hstack([X, np.ones((100, 1))])
    np.testing.assert_allclose(p.hessian(), 2 / 100 * design.T @ design, rtol=1e-14)
    theta = np.array([0.3, -1.0, 2.0])
    as_quadratic = 0.5 * theta @ p.A @ theta - p.c @ theta + p.f0
    assert p.loss(theta) == pytest.approx(as_quadratic, rel=1e-12)
    # normal equations at the least-squares solution
    np.testing.assert_allclose(design.T @ (design @ p.minimizer - y), 0, atol=1e-10)


def test_running_example_minimizer_is_the_true_parameters_without_noise():
    p = LinearRegression(*make_linear_regression())
    np.testing.assert_allclose(p.minimizer, [2.0, 3.0, 1.0], atol=1e-12)


def test_without_intercept():
    X = np.array([[1.0], [2.0]])
    p = LinearRegression(X, np.array([2.0, 4.0]), fit_intercept=False)
    assert p.dim == 1
    np.testing.assert_allclose(p.minimizer, [2.0])
    np.testing.assert_allclose(p.hessian(), [[5.0]])        # 2/2 * (1 + 4)


@pytest.mark.parametrize("kwargs, message", [
    (dict(X=np.ones(3), y=np.ones(3)), "2-dimensional"),
    (dict(X=np.ones((3, 1)), y=np.ones(2)), "3 rows"),
    (dict(X=np.ones((3, 1)), y=[1.0, np.nan, 1.0]), "NaN"),
    (dict(X=np.ones((3, 1)), y=np.ones(3), fit_intercept="no"), "fit_intercept"),
])
def test_linear_regression_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LinearRegression(**kwargs)


@pytest.mark.parametrize("idx", [np.array([5]), np.array([], dtype=int), np.array([0.5])])
def test_linear_regression_rejects_bad_minibatch(idx):
    with pytest.raises(ValueError, match="idx"):
        tiny().grad([0.0, 0.0], idx=idx)


# -- Rosenbrock ----------------------------------------------------------------------------
def test_rosenbrock_by_hand():
    r = Rosenbrock()
    assert r.loss([0.0, 0.0]) == 1.0
    np.testing.assert_array_equal(r.grad([0.0, 0.0]), [-2.0, 0.0])
    assert r.loss([1.0, 1.0]) == 0.0
    np.testing.assert_array_equal(r.grad([1.0, 1.0]), [0.0, 0.0])
    np.testing.assert_array_equal(r.hessian([1.0, 1.0]), [[802.0, -400.0], [-400.0, 200.0]])
    np.testing.assert_array_equal(Rosenbrock(a=2.0, b=1.0).minimizer, [2.0, 4.0])
    with pytest.raises(ValueError, match="b"):
        Rosenbrock(b=0.0)


# -- all problems: exact gradients and Hessians --------------------------------------------
PROBLEMS = [
    Quadratic.with_condition_number(30.0, dim=4, minimizer=[1.0, 2.0, 3.0, 4.0]),
    LinearRegression(*make_linear_regression(noise=0.5)),
    Rosenbrock(),
    Rosenbrock(a=-0.5, b=3.0),
]


@pytest.mark.parametrize("problem", PROBLEMS, ids=repr)
def test_gradient_and_hessian_match_finite_differences(problem):
    rng = np.random.default_rng(7)
    for _ in range(3):
        theta = rng.uniform(-1.5, 1.5, problem.dim)
        assert gradient_error(problem.loss, problem.grad, theta) < 1e-7
        numeric_hessian = np.array([numerical_gradient(lambda t: problem.grad(t)[i], theta)
                                    for i in range(problem.dim)])
        np.testing.assert_allclose(problem.hessian(theta), numeric_hessian, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("problem", PROBLEMS, ids=repr)
def test_minimizer_is_stationary_with_the_stated_value(problem):
    np.testing.assert_allclose(problem.grad(problem.minimizer), 0, atol=1e-9)
    assert problem.loss(problem.minimizer) == pytest.approx(problem.minimum, abs=1e-12)
    assert problem.suboptimality(problem.minimizer + 0.1) > 0
