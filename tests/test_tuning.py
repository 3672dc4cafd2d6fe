"""optimlib.tuning: Optuna's interface and semantics, the Gaussian process against its
equations and scikit-learn, expected improvement against integration, the pruners against
Li et al. (2018) and Optuna."""

import math
import warnings

import numpy as np
import pytest

from optimlib import tuning
from optimlib.gradcheck import gradient_error
from optimlib.tuning import (CategoricalDistribution, FloatDistribution, GaussianProcess,
                             GPSampler, GridSampler, HyperbandPruner, IntDistribution,
                             RandomSampler, SuccessiveHalvingPruner, TrialPruned, TrialState,
                             create_study, expected_improvement, fit_gaussian_process,
                             hyperband_brackets, log_expected_improvement, matern52)


def branin(x1, x2):
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


BRANIN_MIN = 0.397887357729738


def branin_objective(trial):
    return branin(trial.suggest_float("x1", -5, 10), trial.suggest_float("x2", 0, 15))


# -- distributions and bad input -------------------------------------------------------------
@pytest.mark.parametrize("make, name", [
    (lambda: FloatDistribution(1.0, 1.0), "low"),
    (lambda: FloatDistribution(2.0, 1.0), "low"),
    (lambda: FloatDistribution(0.0, 1.0, log=True), "low"),
    (lambda: FloatDistribution(-1.0, 1.0, log=True), "low"),
    (lambda: FloatDistribution(0.1, 1.0, log=True, step=0.1), "step"),
    (lambda: FloatDistribution(0.0, 1.0, step=0.0), "step"),
    (lambda: FloatDistribution(0.0, math.inf), "high"),
    (lambda: IntDistribution(3, 3), "low"),
    (lambda: IntDistribution(0, 10, log=True), "low"),
    (lambda: IntDistribution(1, 10, log=True, step=2), "step"),
    (lambda: IntDistribution(1, 10, step=0), "step"),
    (lambda: IntDistribution(1.5, 10), "low"),
    (lambda: CategoricalDistribution(()), "choices"),
])
def test_bad_ranges_raise_value_errors_that_name_the_argument(make, name):
    with pytest.raises(ValueError, match=name):
        make()


def test_unknown_direction_is_rejected():
    with pytest.raises(ValueError, match="direction"):
        create_study(direction="minimise")


def test_a_parameter_suggested_twice_with_different_ranges_is_rejected():
    def within_one_trial(trial):
        trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        return trial.suggest_float("lr", 1e-3, 1e-1, log=True)

    with pytest.raises(ValueError, match="'lr'"):
        create_study().optimize(within_one_trial, n_trials=1)

    study = create_study()
    study.optimize(lambda t: t.suggest_int("width", 8, 64), n_trials=2)
    with pytest.raises(ValueError, match="'width'"):
        study.optimize(lambda t: t.suggest_int("width", 8, 128), n_trials=1)
    assert study.trials[-1].state == TrialState.FAIL


def test_the_same_parameter_asked_twice_gets_the_same_value():
    def objective(trial):
        first = trial.suggest_float("x", 0, 1)
        assert trial.suggest_float("x", 0, 1) == first
        return first

    create_study().optimize(objective, n_trials=3)


def test_unit_interval_maps_follow_the_distributions():
    # log scale: the middle of [0, 1] is the geometric mean; ends map to the ends
    log = FloatDistribution(1e-4, 1e-2, log=True)
    assert log.from_unit(0.5) == pytest.approx(1e-3)
    assert log.from_unit(0.0) == pytest.approx(1e-4) and log.from_unit(1.0) == 1e-2
    assert log.to_unit(1e-3) == pytest.approx(0.5)
    # integers own equal intervals: 1, 2, 3 each get a third of [0, 1]
    ints = IntDistribution(1, 3)
    assert [ints.from_unit(u) for u in (0.0, 0.33, 0.34, 0.66, 0.67, 1.0)] == [1, 1, 2, 2, 3, 3]
    assert isinstance(ints.from_unit(0.5), int)
    # a grid: high lowered to the last point, values rounded to the grid
    grid = FloatDistribution(0.0, 1.0, step=0.3)
    assert grid.high == pytest.approx(0.9)
    assert {round(grid.from_unit(u), 9) for u in np.linspace(0, 1, 101)} == {0.0, 0.3, 0.6, 0.9}
    assert IntDistribution(0, 10, step=4).high == 8
    choice = CategoricalDistribution(("relu", "tanh", "sigmoid"))
    assert [choice.from_unit(u) for u in (0.0, 0.5, 0.99, 1.0)] == ["relu", "tanh", "sigmoid",
                                                                   "sigmoid"]


def test_random_sampler_draws_log_uniform_and_uniform_integers():
    study = create_study(sampler=RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("lr", 1e-5, 1e-1, log=True)
                   + t.suggest_int("k", 1, 4) + 0 * len(t.suggest_categorical("c", "ab")),
                   n_trials=4000)
    lr = np.array([t.params["lr"] for t in study.trials])
    k = np.array([t.params["k"] for t in study.trials])
    # log-uniform: each decade holds a quarter of the draws (binomial sd 0.007)
    decades = np.histogram(np.log10(lr), bins=[-5, -4, -3, -2, -1])[0] / lr.size
    assert np.allclose(decades, 0.25, atol=0.03)
    assert np.allclose(np.bincount(k)[1:] / k.size, 0.25, atol=0.03)
    assert lr.min() >= 1e-5 and lr.max() <= 1e-1


# -- studies and trials ------------------------------------------------------------------------
def test_study_records_every_trial_and_the_best():
    study = create_study(direction="maximize", sampler=RandomSampler(seed=1))
    study.optimize(lambda t: -(t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=40)
    values = [t.value for t in study.trials]
    assert [t.number for t in study.trials] == list(range(40))
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert study.best_value == max(values)
    assert study.best_params == study.trials[int(np.argmax(values))].params
    assert abs(study.best_params["x"] - 1) < 0.5     # missed with probability (5/6)^40
    assert study.best_trial.duration.total_seconds() >= 0


def test_no_completed_trial_means_no_best():
    study = create_study()
    with pytest.raises(ValueError, match="No trials are completed"):
        study.best_value


def test_failed_trials_are_recorded_and_errors_re_raised_unless_caught():
    study = create_study()
    with pytest.warns(UserWarning, match="failed"):
        study.optimize(lambda t: float("nan") * t.suggest_float("x", 0, 1), n_trials=1)
    with pytest.raises(ZeroDivisionError):
        study.optimize(lambda t: 1 / 0, n_trials=2)
    study.optimize(lambda t: 1 / 0, n_trials=2, catch=(ZeroDivisionError,))
    assert [t.state for t in study.trials] == [TrialState.FAIL] * 4
    assert all(t.value is None for t in study.trials)


def test_a_pruned_trial_keeps_its_last_reported_value():
    def objective(trial):
        for step in range(5):
            trial.report(10.0 - step, step)
        raise TrialPruned()

    study = create_study()
    study.optimize(objective, n_trials=1)
    trial = study.trials[0]
    assert trial.state == TrialState.PRUNED and trial.value == 6.0 and trial.last_step == 4
    assert trial.intermediate_values == {0: 10.0, 1: 9.0, 2: 8.0, 3: 7.0, 4: 6.0}


def test_a_step_reported_twice_keeps_its_first_value():
    def objective(trial):
        trial.report(1.0, 0)
        with pytest.warns(UserWarning, match="already reported"):
            trial.report(2.0, 0)
        return 0.0

    study = create_study()
    study.optimize(objective, n_trials=1)
    assert study.trials[0].intermediate_values == {0: 1.0}
    with pytest.raises(ValueError, match="step"):
        study.optimize(lambda t: t.report(1.0, -1), n_trials=1)


def test_callbacks_can_stop_a_study_and_trials_are_copies():
    def stop_at_three(study, trial):
        if trial.number == 2:
            study.stop()

    study = create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10, callbacks=[stop_at_three])
    assert len(study.trials) == 3
    study.trials[0].params["x"] = 99.0
    assert study.trials[0].params["x"] != 99.0
    study.optimize(lambda t: t.suggest_float("x", 0, 1), timeout=0.0)
    assert len(study.trials) == 3


def test_ask_and_tell_drive_a_study_by_hand():
    study = create_study(sampler=RandomSampler(seed=0))
    trial = study.ask()
    x = trial.suggest_float("x", 0, 4)
    study.tell(trial, x**2)
    assert study.best_value == x**2
    with pytest.raises(ValueError, match="already finished"):
        study.tell(trial, 1.0)


def test_the_same_seed_gives_the_same_search():
    def run(sampler):
        study = create_study(sampler=sampler)
        study.optimize(branin_objective, n_trials=14)
        return [t.params for t in study.trials]

    assert run(RandomSampler(seed=3)) == run(RandomSampler(seed=3))
    assert run(RandomSampler(seed=3)) != run(RandomSampler(seed=4))
    assert run(GPSampler(seed=3, n_startup_trials=5)) == run(GPSampler(seed=3,
                                                                       n_startup_trials=5))


# -- the grid ----------------------------------------------------------------------------------
def test_grid_sampler_visits_every_point_once_then_stops():
    space = {"lr": [0.001, 0.01, 0.1], "batch_size": [16, 64]}
    study = create_study(sampler=GridSampler(space, seed=0))
    study.optimize(lambda t: t.suggest_float("lr", 1e-3, 1e-1, log=True)
                   * t.suggest_int("batch_size", 16, 64), n_trials=100)
    visited = sorted((t.params["lr"], t.params["batch_size"]) for t in study.trials)
    assert visited == sorted((lr, b) for lr in space["lr"] for b in space["batch_size"])
    with pytest.raises(ValueError, match="'momentum'"):
        create_study(sampler=GridSampler(space)).optimize(
            lambda t: t.suggest_float("momentum", 0, 1), n_trials=1)


def test_grid_sampler_visits_the_grid_in_optunas_order():
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    space = {"x": [0, 1, 2, 3], "y": [-1.0, 1.0], "act": ["relu", "tanh"]}

    def objective(trial):
        return (trial.suggest_int("x", 0, 3) + trial.suggest_float("y", -1, 1)
                + len(trial.suggest_categorical("act", ["relu", "tanh"])))

    orders = []
    for library, sampler in [(tuning, GridSampler), (optuna, optuna.samplers.GridSampler)]:
        study = library.create_study(sampler=sampler(space, seed=7))
        study.optimize(objective)
        orders.append([t.params for t in study.trials])
    assert orders[0] == orders[1] and len(orders[0]) == 16


# -- the Gaussian process ----------------------------------------------------------------------
def test_matern52_hand_values():
    X = np.array([[0.0, 0.0], [3.0, 4.0]])
    K = matern52(X, X, length_scales=np.array([3.0, 4.0]), amplitude=2.0)
    r = math.sqrt(2.0)          # sqrt((3/3)^2 + (4/4)^2)
    s = math.sqrt(5) * r
    assert K[0, 0] == K[1, 1] == 2.0
    assert K[0, 1] == pytest.approx(2.0 * (1 + s + s**2 / 3) * math.exp(-s), rel=1e-14)
    assert K[0, 1] == K[1, 0]


def test_gaussian_process_with_one_observation_by_hand():
    # one point: mean k y / (a + noise), variance a - k^2 / (a + noise)
    a, noise, y = 1.5, 0.25, 2.0
    gp = GaussianProcess(length_scales=0.5, noise=noise, amplitude=a).fit([[0.0]], [y])
    k = matern52(np.array([[0.3]]), np.array([[0.0]]), 0.5, a)[0, 0]
    mean, std = gp.predict([[0.3]], return_std=True)
    assert mean[0] == pytest.approx(k * y / (a + noise), rel=1e-13)
    assert std[0] ** 2 == pytest.approx(a - k**2 / (a + noise), rel=1e-13)
    log_normal = -0.5 * y**2 / (a + noise) - 0.5 * math.log(2 * math.pi * (a + noise))
    assert gp.log_marginal_likelihood() == pytest.approx(log_normal, rel=1e-13)


def test_gaussian_process_interpolates_with_tiny_noise_and_is_the_prior_far_away():
    rng = np.random.default_rng(0)
    X, y = rng.random((12, 3)), rng.standard_normal(12)
    gp = GaussianProcess(length_scales=[0.3, 0.5, 0.7], noise=1e-10, amplitude=2.0).fit(X, y)
    mean, std = gp.predict(X, return_std=True)
    assert np.allclose(mean, y, atol=1e-6) and np.all(std < 1e-3)
    mean, std = gp.predict(X + 100.0, return_std=True)
    assert np.all(mean == 0.0) and np.allclose(std, math.sqrt(2.0))


def test_gaussian_process_equals_scikit_learn():
    pytest.importorskip("sklearn")
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import Matern

    rng = np.random.default_rng(1)
    X, y, X_new = rng.random((20, 3)), rng.standard_normal(20), rng.random((50, 3))
    length_scales, amplitude, noise = np.array([0.2, 0.5, 1.3]), 1.7, 1e-3
    ours = GaussianProcess(length_scales, noise=noise, amplitude=amplitude).fit(X, y)
    theirs = GaussianProcessRegressor(amplitude * Matern(length_scales, nu=2.5), alpha=noise,
                                      optimizer=None).fit(X, y)
    mean, std = ours.predict(X_new, return_std=True)
    their_mean, their_std = theirs.predict(X_new, return_std=True)
    assert np.allclose(mean, their_mean, rtol=1e-10, atol=1e-12)
    assert np.allclose(std, their_std, rtol=1e-9, atol=1e-12)
    assert ours.log_marginal_likelihood() == pytest.approx(
        theirs.log_marginal_likelihood_value_, rel=1e-12)
    assert np.allclose(matern52(X, X_new, length_scales, amplitude), theirs.kernel_(X, X_new))


def test_gaussian_process_rejects_bad_hyperparameters():
    with pytest.raises(ValueError, match="length_scales"):
        GaussianProcess(length_scales=[1.0, -1.0])
    with pytest.raises(ValueError, match="noise"):
        GaussianProcess(1.0, noise=-1e-6)
    with pytest.raises(ValueError, match="amplitude"):
        GaussianProcess(1.0, amplitude=0.0)
    with pytest.raises(ValueError, match="kernel"):
        GaussianProcess(1.0, kernel="rbf")
    with pytest.raises(ValueError, match="length_scales"):
        GaussianProcess([1.0, 1.0]).fit(np.zeros((3, 3)), np.zeros(3))


def _log_posterior(X, y, theta, min_noise=1e-6):
    d = X.shape[1]
    length_scales, amplitude = np.exp(theta[:d]), math.exp(theta[d])
    noise = min_noise + math.exp(theta[-1])
    gp = GaussianProcess(length_scales, noise=noise, amplitude=amplitude).fit(X, y)
    return gp.log_marginal_likelihood() + tuning._log_prior(length_scales, amplitude, noise)[0]


def test_fitted_length_scales_find_the_dimension_that_matters():
    rng = np.random.default_rng(2)
    X = rng.random((30, 2))
    y = np.sin(6 * X[:, 0])                      # varies along x0 only
    y = (y - y.mean()) / y.std()
    gp, theta = fit_gaussian_process(X, y)
    assert gp.length_scales[1] > 5 * gp.length_scales[0]
    assert gp.noise < 1e-4                       # the data are noise-free
    # the fit climbed the log posterior: better than the start and than nearby points
    # (the noise is on its way to its minimum, where the posterior is highest: not tested)
    best = _log_posterior(X, y, theta)
    assert best > _log_posterior(X, y, np.zeros(4)) + 10
    for direction in np.eye(4)[:3]:
        assert best >= _log_posterior(X, y, theta + 0.05 * direction) - 1e-3
        assert best >= _log_posterior(X, y, theta - 0.05 * direction) - 1e-3


def test_log_marginal_likelihood_gradient_matches_finite_differences():
    # the gradient fit_gaussian_process ascends, checked through the public objective
    rng = np.random.default_rng(3)
    X, y = rng.random((15, 3)), rng.standard_normal(15)
    theta0 = np.array([-0.5, 0.2, 0.4, 0.1, -2.0])
    captured = {}

    class Recorder(tuning.Adam):
        def step(self, grads):
            captured.setdefault("gradient", -grads[0].copy())
            super().step(grads)

    original = tuning.Adam
    tuning.Adam = Recorder
    try:
        fit_gaussian_process(X, y, init=theta0, steps=1)
    finally:
        tuning.Adam = original
    error = gradient_error(lambda t: _log_posterior(X, y, t),
                           lambda t: captured["gradient"], theta0, 1e-6)
    assert error < 1e-6


# -- expected improvement -----------------------------------------------------------------------
def _ei_by_integration(mean, std, best):
    # E[max(best - f, 0)], f ~ N(mean, std^2), by the trapezoid rule on [best - 12 std, best]
    f = np.linspace(best - 12 * std, best, 400_001)
    density = np.exp(-0.5 * ((f - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))
    return np.trapezoid((best - f) * density, f)


@pytest.mark.parametrize("mean, std, best", [(0.0, 1.0, 0.0), (1.0, 0.5, 0.2),
                                             (-1.0, 2.0, 0.0), (0.3, 0.1, 0.5),
                                             (2.0, 0.7, -1.0)])
def test_expected_improvement_matches_numerical_integration(mean, std, best):
    expected = _ei_by_integration(mean, std, best)
    assert expected_improvement([mean], [std], best)[0] == pytest.approx(expected, rel=1e-7)
    assert log_expected_improvement([mean], [std], best)[0] == pytest.approx(
        math.log(expected), rel=1e-7)


def test_expected_improvement_without_uncertainty_is_the_plain_improvement():
    assert expected_improvement([1.0, 3.0], [0.0, 0.0], best=2.0).tolist() == [1.0, 0.0]
    assert log_expected_improvement([1.0], [0.0], best=2.0)[0] == 0.0
    assert log_expected_improvement([3.0], [0.0], best=2.0)[0] == -math.inf


@pytest.mark.parametrize("z", [-20.0, -26.0, -30.0, -35.0])
def test_log_expected_improvement_far_in_the_tail(z):
    # EI itself underflows in double precision near z = -38; the integral is still finite
    # here, computed in the variable t = best - f with std = 1
    t = np.linspace(0.0, 20.0 / abs(z), 400_001)
    integrand = t * np.exp(-0.5 * (t - z) ** 2) / math.sqrt(2 * math.pi)
    expected = math.log(np.trapezoid(integrand, t))
    assert log_expected_improvement([-z], [1.0], 0.0)[0] == pytest.approx(expected, abs=1e-6)
    assert expected_improvement([-z], [1.0], 0.0)[0] < 1e-80


# -- Bayesian optimization -------------------------------------------------------------------------
def test_gp_sampler_beats_random_search_on_branin():
    def best_regret(sampler):
        study = create_study(sampler=sampler)
        study.optimize(branin_objective, n_trials=25)
        return study.best_value - BRANIN_MIN

    gp = [best_regret(GPSampler(seed=seed, n_startup_trials=8)) for seed in (0, 1)]
    random = [best_regret(RandomSampler(seed=seed)) for seed in range(20)]
    assert max(gp) < 0.05 < min(random)


def test_gp_sampler_handles_log_integer_and_categorical_parameters():
    def objective(trial):
        lr = trial.suggest_float("lr", 1e-5, 1.0, log=True)
        width = trial.suggest_int("width", 4, 256, log=True)
        batch = trial.suggest_int("batch", 16, 128, step=16)
        activation = trial.suggest_categorical("activation", ["tanh", "relu", "sigmoid"])
        assert isinstance(width, int) and batch % 16 == 0 and 16 <= batch <= 128
        return ((math.log10(lr) + 2) ** 2 + math.log2(width / 32) ** 2 + (batch - 64) ** 2 / 1e4
                + {"tanh": 1.0, "relu": 0.0, "sigmoid": 2.0}[activation])

    study = create_study(direction="minimize", sampler=GPSampler(seed=0))
    study.optimize(objective, n_trials=30)
    best = study.best_params
    assert best["activation"] == "relu" and study.best_value < 0.3
    assert 1e-3 < best["lr"] < 1e-1 and 16 <= best["width"] <= 64


def test_gp_sampler_maximizes_and_samples_new_parameters_at_random():
    def objective(trial):
        x = trial.suggest_float("x", -2, 2)
        if trial.number >= 12:      # a parameter that earlier trials did not have
            trial.suggest_float("y", 0, 1)
        return -(x - 0.5) ** 2

    study = create_study(direction="maximize", sampler=GPSampler(seed=1, n_startup_trials=6))
    study.optimize(objective, n_trials=16)
    assert abs(study.best_params["x"] - 0.5) < 0.05
    assert all(0 <= t.params["y"] <= 1 for t in study.trials[12:])


# -- pruners -----------------------------------------------------------------------------------
def test_hyperband_brackets_are_li_et_al_table_1():
    # Li et al. (2018), Table 1: R = 81, eta = 3; rows s = 4, ..., 0 of (n_i, r_i)
    table = [[(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)],
             [(34, 3), (11, 9), (3, 27), (1, 81)],
             [(15, 9), (5, 27), (1, 81)],
             [(8, 27), (2, 81)],
             [(5, 81)]]
    assert hyperband_brackets(81, 3) == table
    # in other units (min_resource 2, R = 162 steps) the same table with r doubled
    assert hyperband_brackets(162, 3, min_resource=2) == [
        [(n, 2 * r) for n, r in bracket] for bracket in table]
    # the number of brackets is exact where floating point log would round down
    assert len(hyperband_brackets(243, 3)) == 6
    assert hyperband_brackets(8, 2)[0] == [(8, 1), (4, 2), (2, 4), (1, 8)]


def _curves(n_trials, n_steps, seed):
    """Learning curves that cross: some trials start badly and finish well."""
    rng = np.random.default_rng(seed)
    final = rng.random(n_trials)
    speed = rng.uniform(0.05, 1.0, n_trials)
    steps = np.arange(n_steps)
    return final[:, None] + 2.0 * np.exp(-speed[:, None] * steps)


def _pruned_objective(curves, TrialPruned):
    def objective(trial):
        trial.suggest_float("x", 0, 1)
        for step, value in enumerate(curves[trial.number]):
            trial.report(value, step)
            if trial.should_prune():
                raise TrialPruned()
        return float(curves[trial.number][-1])

    return objective


def test_successive_halving_by_hand():
    # eta = 2, rungs end at steps 1, 2, 4; constant curves
    curves = np.repeat(np.array([[3.0], [2.0], [4.0], [1.0], [5.0]]), 6, axis=1)
    study = create_study(pruner=SuccessiveHalvingPruner(min_resource=1, reduction_factor=2))
    study.optimize(_pruned_objective(curves, TrialPruned), n_trials=5)
    # trial 0 is alone at every rung; trial 1 (2.0) is the best of two; trial 2 (4.0) is not
    # the best of three at step 1; trial 3 (1.0) is best everywhere; trial 4 (5.0) is not
    # among the best 5 // 2 = 2 of five
    states = [t.state for t in study.trials]
    assert states == [TrialState.COMPLETE, TrialState.COMPLETE, TrialState.PRUNED,
                      TrialState.COMPLETE, TrialState.PRUNED]
    assert [t.last_step for t in study.trials] == [5, 5, 1, 5, 1]


def _component(library, kind, name, *args, **kwargs):
    """optuna.samplers.X / optuna.pruners.X, or optimlib.tuning.X."""
    namespace = tuning if library is tuning else getattr(library, kind)
    return getattr(namespace, name)(*args, **kwargs)


@pytest.mark.parametrize("name, arguments", [
    ("SuccessiveHalvingPruner", dict(min_resource=1, reduction_factor=3)),
    ("SuccessiveHalvingPruner", {}),
    ("HyperbandPruner", dict(min_resource=1, max_resource=27, reduction_factor=3)),
    ("HyperbandPruner", {}),
], ids=["halving", "halving-auto", "hyperband", "hyperband-auto"])
def test_pruners_prune_the_same_trials_as_optuna(name, arguments):
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    curves = _curves(80, 28, seed=0)
    results = []
    for library in (tuning, optuna):
        study = library.create_study(
            study_name="same-name", pruner=_component(library, "pruners", name, **arguments),
            sampler=_component(library, "samplers", "RandomSampler", seed=0))
        study.optimize(_pruned_objective(curves, library.TrialPruned), n_trials=len(curves))
        results.append([(t.state.name, t.last_step, t.value) for t in study.trials])
    assert results[0] == results[1]
    assert sum(state == "PRUNED" for state, _, _ in results[0]) > 20


def test_hyperband_spreads_trials_over_its_brackets_in_proportion():
    pruner = HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)
    study = create_study(pruner=pruner, study_name="spread")
    pruner._initialize(study._trials)
    assert pruner.budgets == [27, 12, 6, 4]           # n of s = 3, 2, 1, 0
    counts = np.bincount([pruner.bracket(study, tuning.FrozenTrial(number=i))
                          for i in range(4900)], minlength=4) / 4900
    assert np.allclose(counts, np.array(pruner.budgets) / 49, atol=0.02)


def test_pruners_reject_bad_arguments():
    with pytest.raises(ValueError, match="reduction_factor"):
        SuccessiveHalvingPruner(reduction_factor=1)
    with pytest.raises(ValueError, match="min_resource"):
        SuccessiveHalvingPruner(min_resource=0)
    with pytest.raises(ValueError, match="bootstrap_count"):
        SuccessiveHalvingPruner(bootstrap_count=2)
    with pytest.raises(ValueError, match="max_resource"):
        HyperbandPruner(min_resource=4, max_resource=2)
    with pytest.raises(ValueError, match="max_resource"):
        hyperband_brackets(0)


# -- the same objective under Optuna ------------------------------------------------------------
def _training_objective(TrialPruned):
    """An objective in the book's style: it suggests, reports, prunes and stores."""
    def objective(trial):
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        width = trial.suggest_int("width", 16, 256, log=True)
        activation = trial.suggest_categorical("activation", ["relu", "tanh"])
        trial.set_user_attr("n_params", 64 * width + width * 10)
        loss = 1.0
        for epoch in range(1, 10):
            loss *= 1 - min(lr * 5, 0.5) * (1.2 if activation == "relu" else 1.0)
            loss += 1 / width
            trial.report(loss, epoch)
            if trial.should_prune():
                raise TrialPruned()
        return loss

    return objective


def test_an_objective_runs_unchanged_under_optuna():
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    space = {"lr": [1e-4, 1e-3, 1e-2, 1e-1], "width": [16, 64, 256],
             "activation": ["relu", "tanh"]}
    records = []
    for library in (tuning, optuna):
        study = library.create_study(
            direction="minimize",
            pruner=_component(library, "pruners", "SuccessiveHalvingPruner", 1, 2),
            sampler=_component(library, "samplers", "GridSampler", space, seed=0))
        pruned = library.TrialPruned
        study.optimize(_training_objective(pruned))
        records.append([(t.number, t.params, t.state.name, t.value, t.user_attrs,
                         t.intermediate_values) for t in study.trials])
        records[-1].append((study.best_params, study.best_value))
    assert records[0] == records[1]
    # and the samplers run the objective in either library
    for sampler in [RandomSampler(seed=0), GPSampler(seed=0, n_startup_trials=4)]:
        study = create_study(sampler=sampler)
        study.optimize(_training_objective(TrialPruned), n_trials=8)
        assert len(study.trials) == 8
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
        study.optimize(_training_objective(optuna.TrialPruned), n_trials=8)
    assert len(study.trials) == 8


# -- the Pareto front ----------------------------------------------------------------------------
def test_pareto_front_is_the_set_of_undominated_points():
    rng = np.random.default_rng(5)
    costs, scores = rng.integers(1, 20, 60).astype(float), rng.integers(0, 15, 60) / 15
    front = tuning.pareto_front(costs, scores)

    def dominated(i):
        return any(costs[j] <= costs[i] and scores[j] >= scores[i]
                   and (costs[j] < costs[i] or scores[j] > scores[i]) for j in range(60))

    undominated = {i for i in range(60) if not dominated(i)}
    # every point on the front is undominated, and every undominated value pair is on it
    assert set(front) <= undominated
    assert {(costs[i], scores[i]) for i in front} == {(costs[i], scores[i])
                                                       for i in undominated}
    assert np.all(np.diff(costs[front]) > 0) and np.all(np.diff(scores[front]) > 0)
    with pytest.raises(ValueError, match="scores"):
        tuning.pareto_front([1.0, 2.0], [1.0])
