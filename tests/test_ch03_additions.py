"""Tests of what Chapter 3's additions use: iterate averaging (``AveragedModel``, torch's
semantics), the gradient noise scale, the exact expected loss of SGD, and SVRG.

Expected values come from hand computations, exhaustive enumeration of the random choices,
the theory, or torch (skipped where it is not installed).
"""

import itertools

import numpy as np
import pytest

from optimlib.data import make_linear_regression
from optimlib.optim import SGD, AveragedModel, get_ema_avg_fn
from optimlib.problems import LinearRegression
from optimlib.stochastic import (expected_suboptimality, gradient_noise_scale,
                                 noise_scale_from_batches, svrg)


def small_problem(n=5, seed=3):
    X, y = make_linear_regression(n_samples=n, noise=0.5, seed=seed)
    return LinearRegression(X, y)


# -- AveragedModel ---------------------------------------------------------------------------
def test_averaged_model_is_the_mean_of_the_updates():
    rng = np.random.default_rng(0)
    w, b = np.zeros((2, 3)), np.zeros(3)
    averaged = AveragedModel({"w": w, "b": b})
    seen = []
    for _ in range(7):
        w[...] = rng.standard_normal((2, 3))
        b[...] = rng.standard_normal(3)
        seen.append((w.copy(), b.copy()))
        averaged.update_parameters({"w": w, "b": b})
    assert averaged.n_averaged == 7
    np.testing.assert_allclose(averaged.params["w"], np.mean([s[0] for s in seen], axis=0),
                               rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(averaged.params["b"], np.mean([s[1] for s in seen], axis=0),
                               rtol=1e-14, atol=1e-15)


def test_averaged_model_ignores_the_construction_values_and_never_touches_the_model():
    theta = np.array([100.0])
    averaged = AveragedModel([theta])
    np.testing.assert_array_equal(averaged.params[0], [100.0])     # a placeholder copy
    theta[0] = 1.0
    averaged.update_parameters([theta])
    theta[0] = 3.0
    averaged.update_parameters([theta])
    assert averaged.params[0][0] == 2.0 and theta[0] == 3.0


def test_ema_average_by_hand_and_custom_avg_fn_receives_the_count():
    theta = np.array([0.0])
    ema = AveragedModel([theta], avg_fn=get_ema_avg_fn(0.9))
    expected = None
    for value in [4.0, -2.0, 7.0, 1.0]:
        theta[0] = value
        ema.update_parameters([theta])
        expected = value if expected is None else 0.9 * expected + 0.1 * value
    assert ema.params[0][0] == pytest.approx(expected, rel=1e-15)
    counts = []
    recorder = AveragedModel([theta], avg_fn=lambda avg, cur, k: counts.append(k) or avg)
    for _ in range(4):
        recorder.update_parameters([theta])
    assert counts == [1, 2, 3]                         # the count before the update


def test_averaged_model_validates():
    theta = np.zeros(2)
    with pytest.raises(ValueError, match="avg_fn"):
        AveragedModel([theta], avg_fn=3)
    with pytest.raises(ValueError, match="params"):
        AveragedModel(theta)
    averaged = AveragedModel({"a": theta})
    with pytest.raises(ValueError, match="names"):
        averaged.update_parameters({"b": theta})
    with pytest.raises(ValueError, match="shape"):
        averaged.update_parameters({"a": np.zeros(3)})
    with pytest.raises(ValueError, match="decay"):
        get_ema_avg_fn(1.5)


@pytest.mark.parametrize("ema", [False, True])
def test_averaged_model_matches_torch(ema):
    torch = pytest.importorskip("torch")
    from torch.optim import swa_utils

    rng = np.random.default_rng(4)
    weight = rng.standard_normal((3, 2))
    model = torch.nn.Linear(2, 3, bias=False, dtype=torch.float64)
    with torch.no_grad():
        model.weight.copy_(torch.from_numpy(weight))
    theirs = (swa_utils.AveragedModel(model, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(0.8))
              if ema else swa_utils.AveragedModel(model))
    ours = AveragedModel([weight], avg_fn=get_ema_avg_fn(0.8) if ema else None)
    for _ in range(6):
        weight[...] = rng.standard_normal((3, 2))
        with torch.no_grad():
            model.weight.copy_(torch.from_numpy(weight))
        theirs.update_parameters(model)
        ours.update_parameters([weight])
    assert ours.n_averaged == int(theirs.n_averaged)
    np.testing.assert_allclose(ours.params[0], theirs.module.weight.detach().numpy(),
                               rtol=1e-13, atol=1e-15)


def test_averaging_constant_step_sgd_on_a_quadratic_reaches_the_minimizer():
    # theory: with a constant step the iterates keep a spread of order sqrt(eta), while
    # their running mean converges to theta* (the stationary mean of the error is zero)
    problem = LinearRegression(*make_linear_regression(noise=0.5))
    theta = np.zeros(problem.dim)
    opt = SGD([theta], lr=0.05)
    averaged = AveragedModel([theta])
    rng = np.random.default_rng(0)
    for t in range(12_000):
        opt.step([problem.grad(theta, rng.integers(problem.n_samples, size=1))])
        if t >= 1_000:                            # after a burn-in, as SWA does
            averaged.update_parameters([theta])
    last_gap = problem.suboptimality(theta)
    average_gap = problem.suboptimality(averaged.params[0])
    assert average_gap < last_gap / 20 and average_gap < 5e-4     # floor: eta G*^2/4 = 0.028


# -- gradient noise scale --------------------------------------------------------------------
def test_gradient_noise_scale_by_hand():
    grads = np.array([[1.0, 0.0], [3.0, 2.0], [2.0, -2.0]])     # G = (2, 0)
    # Sigma = mean of outer products of (-1, 0), (1, 2), (0, -2): [[2/3, 2/3], [2/3, 8/3]]
    assert gradient_noise_scale(grads) == pytest.approx((2 / 3 + 8 / 3) / 4)
    H = np.array([[2.0, 0.0], [0.0, 1.0]])
    # tr(H Sigma) = 4/3 + 8/3 = 4; G^T H G = 8
    assert gradient_noise_scale(grads, hessian=H) == pytest.approx(0.5)
    assert gradient_noise_scale([[1.0, -1.0], [-1.0, 1.0]]) == float("inf")
    with pytest.raises(ValueError, match="hessian"):
        gradient_noise_scale(grads, hessian=np.eye(3))
    with pytest.raises(ValueError, match="per_sample_grads"):
        gradient_noise_scale(np.ones(3))


def test_gradient_noise_scale_is_where_the_minibatch_noise_equals_the_gradient():
    # E||g_B - G||^2 = tr(Sigma) / B for batches drawn with replacement; at B = B_simple
    # it equals ||G||^2. Checked by enumerating every batch of two (n^2 ordered pairs).
    problem = small_problem(n=6)
    theta = np.array([0.3, -0.2, 1.0])
    per_sample = np.array([problem.grad(theta, [i]) for i in range(6)])
    G = per_sample.mean(axis=0)
    noise_b2 = np.mean([np.sum((per_sample[[i, j]].mean(axis=0) - G) ** 2)
                        for i, j in itertools.product(range(6), repeat=2)])
    assert noise_b2 == pytest.approx(gradient_noise_scale(per_sample) * (G @ G) / 2, rel=1e-12)


def test_noise_scale_from_batches_recovers_exact_expectations():
    problem = small_problem(n=6)
    theta = np.array([0.3, -0.2, 1.0])
    per_sample = np.array([problem.grad(theta, [i]) for i in range(6)])
    G = per_sample.mean(axis=0)
    trace = np.mean(np.sum((per_sample - G) ** 2, axis=1))
    # exact E||g_B||^2 for B = 1 and B = 2 (every ordered pair of indices)
    small = np.mean(np.sum(per_sample**2, axis=1))
    big = np.mean([np.sum(per_sample[[i, j]].mean(axis=0) ** 2)
                   for i, j in itertools.product(range(6), repeat=2)])
    grad_sq, trace_est, b_simple = noise_scale_from_batches(small, big, 1, 2)
    assert grad_sq == pytest.approx(G @ G, rel=1e-12)
    assert trace_est == pytest.approx(trace, rel=1e-12)
    assert b_simple == pytest.approx(gradient_noise_scale(per_sample), rel=1e-12)
    with pytest.raises(ValueError, match="batch_big"):
        noise_scale_from_batches(small, big, 4, 4)
    with pytest.raises(ValueError, match="sq_norm_small"):
        noise_scale_from_batches(-1.0, big, 1, 2)


# -- expected_suboptimality ------------------------------------------------------------------
def enumerate_sgd(problem, theta0, lr, batch_size, steps):
    """E[L(theta_steps)] - L* by averaging over every sequence of index draws."""
    n = problem.n_samples
    draws = list(itertools.product(range(n), repeat=batch_size * steps))
    total = 0.0
    for draw in draws:
        theta = np.array(theta0, dtype=float)
        for t in range(steps):
            idx = list(draw[t * batch_size:(t + 1) * batch_size])
            theta = theta - lr * problem.grad(theta, idx)
        total += problem.suboptimality(theta)
    return total / len(draws)


@pytest.mark.parametrize("batch_size, steps", [(1, 1), (1, 3), (2, 1), (2, 2), (3, 1)])
def test_expected_suboptimality_equals_exhaustive_enumeration(batch_size, steps):
    problem = small_problem(n=4)
    theta0 = np.array([0.5, -1.0, 2.0])
    exact = expected_suboptimality(problem, theta0, lr=0.3, batch_size=batch_size, steps=steps)
    assert exact.shape == (steps + 1,)
    assert exact[0] == pytest.approx(problem.suboptimality(theta0), rel=1e-13)
    for t in range(1, steps + 1):
        assert exact[t] == pytest.approx(enumerate_sgd(problem, theta0, 0.3, batch_size, t),
                                         rel=1e-11)


def test_expected_suboptimality_broadcasts_a_grid_and_matches_single_runs():
    problem = small_problem(n=5)
    lrs = np.array([0.05, 0.2, 0.4])
    sizes = np.array([1, 2, 8, 50])
    grid = expected_suboptimality(problem, np.zeros(3), lrs[None, :], sizes[:, None], steps=30)
    assert grid.shape == (4, 3, 31)
    for i, B in enumerate(sizes):
        for j, lr in enumerate(lrs):
            single = expected_suboptimality(problem, np.zeros(3), lr, int(B), 30)
            np.testing.assert_allclose(grid[i, j], single, rtol=1e-12)


def test_expected_suboptimality_converges_to_the_exact_floor_and_to_gd_for_huge_batches():
    problem = LinearRegression(*make_linear_regression(noise=0.5))
    lr, B = 0.05, 1
    gaps = expected_suboptimality(problem, np.zeros(3), lr, B, steps=4_000)
    # the stationary floor solves A P + P A - lr [S(P)/B + (1 - 1/B) A P A] = lr Sigma*/B
    design, A, n = problem.design, problem.A, problem.n_samples
    b = 2 * (design @ problem.minimizer - problem.y)[:, None] * design
    hessians = 2 * design[:, :, None] * design[:, None, :]
    I = np.eye(3)
    K = (np.kron(A, I) + np.kron(I, A)
         - lr * np.mean([np.kron(Ai, Ai) for Ai in hessians], axis=0) / B)
    P = np.linalg.solve(K, lr / B * (b.T @ b / n).ravel()).reshape(3, 3)
    assert gaps[-1] == pytest.approx(0.5 * np.trace(A @ P), rel=1e-9)
    # a huge batch has no noise: gradient descent's loss, step by step
    huge = expected_suboptimality(problem, np.zeros(3), 0.3, 10**15, steps=50)
    theta, gd = np.zeros(3), [problem.suboptimality(np.zeros(3))]
    for _ in range(50):
        theta = theta - 0.3 * problem.grad(theta)
        gd.append(problem.suboptimality(theta))
    np.testing.assert_allclose(huge, gd, rtol=1e-9, atol=1e-13)


def test_expected_suboptimality_validates():
    problem = small_problem()
    with pytest.raises(ValueError, match="LinearRegression"):
        expected_suboptimality(object(), np.zeros(3), 0.1, 1, 5)
    with pytest.raises(ValueError, match="batch_size"):
        expected_suboptimality(problem, np.zeros(3), 0.1, 0, 5)
    with pytest.raises(ValueError, match="batch_size"):
        expected_suboptimality(problem, np.zeros(3), 0.1, 1.5, 5)
    with pytest.raises(ValueError, match="lr"):
        expected_suboptimality(problem, np.zeros(3), -0.1, 1, 5)
    with pytest.raises(ValueError, match="theta0"):
        expected_suboptimality(problem, np.zeros(2), 0.1, 1, 5)


# -- SVRG ------------------------------------------------------------------------------------
def test_svrg_matches_the_algorithm_written_out():
    problem = small_problem(n=7)
    lr, m = 0.05, 11
    run = svrg(problem, np.zeros(3), lr=lr, epochs=3, inner_steps=m, seed=5)
    rng = np.random.default_rng(5)
    snapshot = np.zeros(3)
    expected = [snapshot]
    for _ in range(3):
        full = problem.design.T @ (2 * (problem.design @ snapshot - problem.y)) / 7
        w = snapshot.copy()
        for i in rng.integers(7, size=(m, 1))[:, 0]:
            x, target = problem.design[i], problem.y[i]
            w = w - lr * (2 * x * (x @ w - target) - 2 * x * (x @ snapshot - target) + full)
        snapshot = w
        expected.append(w)
    np.testing.assert_allclose(run.thetas, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(run.losses, problem.loss(run.thetas), rtol=1e-13)


def test_svrg_option_two_snapshot_is_a_random_inner_iterate():
    problem = small_problem(n=7)
    run = svrg(problem, np.zeros(3), lr=0.05, epochs=1, inner_steps=4, snapshot="random",
               seed=2)
    rng = np.random.default_rng(2)
    w, inner = np.zeros(3), []
    full = problem.grad(w)
    for idx in rng.integers(7, size=(4, 1)):
        inner.append(w.copy())
        w = w - 0.05 * (problem.grad(w, idx) - problem.grad(np.zeros(3), idx) + full)
    np.testing.assert_allclose(run.thetas[1], inner[rng.integers(4)], rtol=1e-13)


def test_svrg_converges_linearly_within_the_johnson_zhang_rate():
    # Theorem 1 (option II): E L(theta~_s) - L* <= alpha^s (L(theta~_0) - L*) with
    # alpha = 1/(mu eta (1 - 2 L eta) m) + 2 L eta / (1 - 2 L eta), L the largest per-sample
    # smoothness constant 2 max ||x~_i||^2, mu the smallest eigenvalue of A
    X, y = make_linear_regression(n_samples=20, noise=0.5, seed=1)
    problem = LinearRegression(X - X.mean(axis=0), y)       # centred: better conditioned
    L = 2 * np.max(np.sum(problem.design**2, axis=1))
    mu = problem.lambda_min
    lr, m = 0.1 / L, 400
    alpha = 1 / (mu * lr * (1 - 2 * L * lr) * m) + 2 * L * lr / (1 - 2 * L * lr)
    assert alpha < 1
    gaps = np.mean([svrg(problem, np.zeros(3), lr=lr, epochs=2, inner_steps=m,
                         snapshot="random", seed=seed).suboptimality
                    for seed in range(20)], axis=0)
    assert np.all(gaps[1:] <= alpha ** np.arange(1, 3) * gaps[0])


def test_svrg_removes_the_floor_of_constant_step_sgd():
    problem = LinearRegression(*make_linear_regression(noise=0.5))
    run = svrg(problem, np.zeros(3), lr=0.05, epochs=25, seed=0)
    assert run.suboptimality[-1] < 1e-10
    # SGD with the same constant step stalls near eta G*^2 / 4 (Chapter 3's floor, 1e-2 here)
    theta, rng = np.zeros(3), np.random.default_rng(0)
    for _ in range(5_000):
        theta -= 0.05 * problem.grad(theta, rng.integers(100, size=1))
    assert problem.suboptimality(theta) > 1e-4


def test_svrg_validates():
    problem = small_problem()
    for kwargs, name in [({"lr": 0.0}, "lr"), ({"lr": 0.1, "epochs": -1}, "epochs"),
                         ({"lr": 0.1, "inner_steps": 0}, "inner_steps"),
                         ({"lr": 0.1, "snapshot": "mean"}, "snapshot")]:
        kwargs.setdefault("epochs", 1)
        with pytest.raises(ValueError, match=name):
            svrg(problem, np.zeros(3), **kwargs)
    with pytest.raises(ValueError, match="n_samples"):
        from optimlib.problems import Quadratic
        svrg(Quadratic([[1.0]]), [1.0], lr=0.1, epochs=1)
