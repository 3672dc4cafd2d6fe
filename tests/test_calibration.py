"""optimlib.calibration: the temperature NLL and its derivatives against independent
computations, and temperature scaling recovering a known temperature."""

import math

import numpy as np
import pytest

from optimlib.calibration import TemperatureNLL, TemperatureScaling
from optimlib.nn import CrossEntropyLoss, softmax
from optimlib.optim import SGD, Adam


def drawn_labels(logits, temperature, seed):
    """Labels drawn from softmax(logits / temperature): the calibrated temperature is known."""
    p = softmax(logits, temperature)
    draws = np.random.default_rng(seed).random(len(logits))[:, None]
    return (draws > np.cumsum(p, axis=1)).sum(axis=1)


LOGITS = 4 * np.random.default_rng(0).standard_normal((3000, 4))
LABELS = drawn_labels(LOGITS, 2.0, seed=1)


def test_loss_is_the_cross_entropy_at_temperature_one_over_beta():
    problem = TemperatureNLL(LOGITS, LABELS)
    for beta in (0.2, 0.5, 1.0, 1.7):
        assert problem.loss([beta]) == pytest.approx(
            CrossEntropyLoss(temperature=1 / beta)(LOGITS, LABELS), rel=1e-12)
    assert problem.loss([0.0]) == pytest.approx(math.log(4))        # uniform probabilities


def test_derivatives_match_finite_differences():
    problem = TemperatureNLL(LOGITS[:200], LABELS[:200])
    eps = 1e-5
    for beta in (0.1, 0.5, 1.3):
        central = (problem.loss([beta + eps]) - problem.loss([beta - eps])) / (2 * eps)
        assert problem.grad([beta])[0] == pytest.approx(central, rel=1e-6)
        second = (problem.grad([beta + eps])[0] - problem.grad([beta - eps])[0]) / (2 * eps)
        assert problem.hessian([beta])[0, 0] == pytest.approx(second, rel=1e-5)


def test_convex_and_smooth_with_the_stated_constant():
    problem = TemperatureNLL(LOGITS, LABELS)
    curvatures = [problem.hessian([beta])[0, 0] for beta in np.linspace(-2, 3, 51)]
    assert min(curvatures) >= 0                         # convex in beta
    assert max(curvatures) <= problem.L                 # L-smooth
    # the bound is reached by two equally likely logits at distance r: variance r^2 / 4
    two = TemperatureNLL([[0.0, 2.0]], [0])
    assert two.hessian([0.0])[0, 0] == pytest.approx(two.L) == pytest.approx(1.0)


def test_temperature_scaling_recovers_the_temperature_the_labels_were_drawn_with():
    scaling = TemperatureScaling().fit(LOGITS, LABELS)
    assert scaling.converged_
    assert scaling.temperature_ == pytest.approx(2.0, abs=0.1)


def test_the_fitted_temperature_is_the_minimizer_found_by_bisection():
    # an independent method: bisection on the increasing derivative
    problem = TemperatureNLL(LOGITS, LABELS)
    low, high = 0.01, 5.0
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if problem.grad([middle])[0] < 0 else (low, middle)
    scaling = TemperatureScaling().fit(LOGITS, LABELS)
    assert 1 / scaling.temperature_ == pytest.approx(low, rel=1e-8)


def test_matches_scipys_scalar_minimizer():
    optimize = pytest.importorskip("scipy.optimize")
    problem = TemperatureNLL(LOGITS, LABELS)
    result = optimize.minimize_scalar(lambda t: problem.loss([1 / t]), bounds=(0.1, 10),
                                      method="bounded", options={"xatol": 1e-10})
    scaling = TemperatureScaling().fit(LOGITS, LABELS)
    assert scaling.temperature_ == pytest.approx(result.x, rel=1e-6)


def test_plain_gradient_descent_at_one_over_L_decreases_the_loss_every_step():
    scaling = TemperatureScaling(optimizer=SGD, steps=300).fit(LOGITS[:300], LABELS[:300])
    assert np.all(np.diff(scaling.trajectory_.losses) <= 1e-15)
    adam = TemperatureScaling(optimizer=Adam, lr=0.01, steps=3000, tol=1e-7)
    assert adam.fit(LOGITS, LABELS).temperature_ == pytest.approx(2.0, abs=0.1)


def test_scaling_changes_confidence_but_not_the_predicted_class():
    scaling = TemperatureScaling().fit(LOGITS, LABELS)
    calibrated = scaling.predict_proba(LOGITS)
    np.testing.assert_array_equal(calibrated.argmax(axis=1), LOGITS.argmax(axis=1))
    np.testing.assert_allclose(calibrated, softmax(LOGITS / scaling.temperature_))
    np.testing.assert_allclose(scaling.transform(LOGITS), LOGITS / scaling.temperature_)
    assert calibrated.max(axis=1).mean() < softmax(LOGITS).max(axis=1).mean()


def test_errors():
    with pytest.raises(ValueError, match="not fitted"):
        TemperatureScaling().predict_proba(LOGITS)
    with pytest.raises(ValueError, match="<= 0"):          # the true class always lowest
        TemperatureScaling().fit([[0.0, 1.0], [1.0, 0.0]], [0, 1])
    with pytest.raises(ValueError, match="labels has label 4"):
        TemperatureNLL(LOGITS[:2], [0, 4])
    with pytest.raises(ValueError, match="logits has 2 rows but labels has 3"):
        TemperatureNLL(LOGITS[:2], [0, 1, 2])
    with pytest.raises(ValueError, match="logits must be 2-dimensional"):
        TemperatureNLL([1.0, 2.0], [0, 1])
    with pytest.raises(ValueError, match="Invalid lr"):
        TemperatureScaling(lr=0)
    with pytest.raises(ValueError, match="Invalid steps"):
        TemperatureScaling(steps=0)
