"""SGD against values computed by hand from torch.optim.SGD's documented algorithm."""

import pickle

import numpy as np
import pytest

from optimlib.optim import SGD


def run(grads, theta0=0.0, **hyper):
    """Apply SGD to a scalar parameter with a fixed sequence of gradients; return iterates."""
    theta = np.array([theta0])
    opt = SGD([theta], **hyper)
    out = []
    for g in grads:
        opt.step([np.array([g])])
        out.append(theta[0])
    return out


def test_plain_step_by_hand():
    w = np.array([1.0, -2.0])
    SGD({"w": w}, lr=0.1).step({"w": np.array([0.5, 1.0])})
    np.testing.assert_allclose(w, [0.95, -2.1], rtol=0, atol=1e-15)


def test_default_lr_matches_torch():
    assert SGD([np.zeros(1)]).lr == 1e-3


def test_momentum_by_hand():
    # b1 = g1 = 1 -> theta = -0.1 ; b2 = 0.9*1 + 2 = 2.9 -> theta = -0.1 - 0.29
    np.testing.assert_allclose(run([1.0, 2.0], lr=0.1, momentum=0.9), [-0.1, -0.39], atol=1e-15)


def test_dampening_not_applied_on_first_step():
    # b1 = g1 = 1 (no dampening at t=1) ; b2 = 0.9*1 + (1-0.5)*2 = 1.9
    np.testing.assert_allclose(run([1.0, 2.0], lr=0.1, momentum=0.9, dampening=0.5),
                               [-0.1, -0.29], atol=1e-15)


def test_nesterov_by_hand():
    # step 1: b = 1, d = 1 + 0.9*1 = 1.9 ; step 2: b = 2.9, d = 2 + 0.9*2.9 = 4.61
    np.testing.assert_allclose(run([1.0, 2.0], lr=0.1, momentum=0.9, nesterov=True),
                               [-0.19, -0.19 - 0.461], atol=1e-15)


def test_weight_decay_adds_l2_gradient():
    # d = 0 + 0.1 * 1 -> theta = 1 - 0.1 * 0.1
    np.testing.assert_allclose(run([0.0], theta0=1.0, lr=0.1, weight_decay=0.1), [0.99], atol=1e-15)


def test_maximize_ascends():
    np.testing.assert_allclose(run([1.0], lr=0.1, maximize=True), [0.1], atol=1e-15)


def test_gradient_descent_on_diagonal_quadratic_matches_closed_form():
    # f = 0.5 * sum(lam_i theta_i^2): theta_t = (1 - lr*lam)^t theta_0 exactly
    lam = np.array([1.0, 10.0])
    theta0 = np.array([1.0, 1.0])
    theta = theta0.copy()
    opt = SGD([theta], lr=0.15)
    for _ in range(25):
        opt.step([lam * theta])
    np.testing.assert_allclose(theta, (1 - 0.15 * lam) ** 25 * theta0, rtol=1e-12)


def test_heavy_ball_matches_independent_recursion():
    rng = np.random.default_rng(1)
    grads = rng.standard_normal(50)
    theta, v, expected = 0.3, 0.0, []
    for t, g in enumerate(grads):          # torch convention, written out independently
        v = g if t == 0 else 0.8 * v + g
        theta -= 0.05 * v
        expected.append(theta)
    np.testing.assert_allclose(run(grads, theta0=0.3, lr=0.05, momentum=0.8), expected, rtol=1e-12)


def test_updates_in_place_and_list_params():
    a, b = np.ones(3), np.ones((2, 2))
    opt = SGD([a, b], lr=0.5)
    opt.step([np.ones(3), 2 * np.ones((2, 2))])
    assert opt.params[0] is a and opt.params[1] is b
    np.testing.assert_array_equal(a, 0.5)
    np.testing.assert_array_equal(b, 0.0)


def test_float32_params_stay_float32():
    p = np.ones(4, dtype=np.float32)
    SGD([p], lr=0.1, momentum=0.9).step([np.ones(4, dtype=np.float32)])
    assert p.dtype == np.float32
    np.testing.assert_allclose(p, 0.9, rtol=1e-6)


@pytest.mark.parametrize("hyper, message", [
    (dict(lr=-1.0), "lr"),
    (dict(lr=float("nan")), "lr"),
    (dict(lr=float("inf")), "lr"),
    (dict(lr="0.1"), "lr"),
    (dict(momentum=-0.1), "momentum"),
    (dict(dampening=1.5), "dampening"),
    (dict(weight_decay=-1e-4), "weight_decay"),
    (dict(nesterov=True), "Nesterov"),
    (dict(nesterov=True, momentum=0.9, dampening=0.1), "Nesterov"),
    (dict(nesterov="yes", momentum=0.9), "nesterov"),
])
def test_invalid_hyperparameters_are_rejected_with_their_name(hyper, message):
    with pytest.raises(ValueError, match=message):
        SGD([np.zeros(2)], **hyper)


@pytest.mark.parametrize("params, message", [
    ({}, "empty"),
    ([], "empty"),
    ([np.arange(3)], "dtype int"),
    ([[1.0, 2.0]], "ndarray"),
    (np.zeros(3), "dict"),
])
def test_invalid_params_are_rejected(params, message):
    with pytest.raises(ValueError, match=message):
        SGD(params, lr=0.1)


@pytest.mark.parametrize("grads, message", [
    ({}, "missing"),
    ({"w": np.zeros(2), "b": np.zeros(1), "c": np.zeros(1)}, "unexpected"),
    ({"w": np.zeros(3), "b": np.zeros(1)}, "shape"),
    ({"w": np.zeros(2, dtype=np.float32), "b": np.zeros(1)}, "dtype"),
    ({"w": [0.0, 0.0], "b": np.zeros(1)}, "ndarray"),
    ([np.zeros(2), np.zeros(1)], "dict"),
])
def test_mismatched_grads_are_rejected_and_nothing_changes(grads, message):
    w, b = np.array([1.0, 2.0]), np.array([3.0])
    opt = SGD({"w": w, "b": b}, lr=0.1, momentum=0.9)
    opt.step({"w": np.ones(2), "b": np.ones(1)})
    before = (w.copy(), b.copy(), opt.state_dict())
    with pytest.raises(ValueError, match=message):
        opt.step(grads)
    np.testing.assert_array_equal(w, before[0])
    np.testing.assert_array_equal(b, before[1])
    assert opt.step_count == 1
    np.testing.assert_array_equal(opt.state[0]["momentum_buffer"],
                                  before[2]["state"][0]["momentum_buffer"])


def test_invalid_lr_set_as_attribute_is_rejected_at_step_before_any_change():
    theta = np.array([1.0])
    opt = SGD([theta], lr=0.1)
    opt.lr = -0.5
    with pytest.raises(ValueError, match="lr"):
        opt.step([np.array([1.0])])
    assert theta[0] == 1.0 and opt.step_count == 0


def test_lr_attribute_is_used_by_the_next_step():
    theta = np.array([1.0])
    opt = SGD([theta], lr=0.1)
    opt.lr = 0.5
    opt.step([np.array([1.0])])
    assert theta[0] == 0.5


@pytest.mark.parametrize("through_pickle", [False, True])
def test_state_dict_resume_is_bit_identical(through_pickle):
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(5) for _ in range(20)]
    hyper = dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)

    full = np.ones(5)
    opt = SGD([full], **hyper)
    for g in grads:
        opt.step([g])

    half = np.ones(5)
    first = SGD([half], **hyper)
    for g in grads[:10]:
        first.step([g])
    saved = first.state_dict()
    if through_pickle:
        saved = pickle.loads(pickle.dumps(saved))
    resumed_theta = half.copy()
    resumed = SGD([resumed_theta], lr=1.0)
    resumed.load_state_dict(saved)
    assert resumed.momentum == 0.9 and resumed.nesterov is True
    for g in grads[10:]:
        resumed.step([g])
    np.testing.assert_array_equal(resumed_theta, full)


def test_state_dict_is_a_copy():
    theta = np.ones(2)
    opt = SGD([theta], lr=0.1, momentum=0.5)
    opt.step([np.ones(2)])
    saved = opt.state_dict()
    opt.step([np.ones(2)])
    assert saved["step_count"] == 1
    np.testing.assert_array_equal(saved["state"][0]["momentum_buffer"], [1.0, 1.0])


def test_load_state_dict_rejects_invalid_and_keeps_old_values():
    opt = SGD([np.ones(2)], lr=0.1)
    bad = opt.state_dict()
    bad["hyperparameters"]["lr"] = -1.0
    with pytest.raises(ValueError, match="lr"):
        opt.load_state_dict(bad)
    assert opt.lr == 0.1
    with pytest.raises(ValueError, match="state for 2 parameters"):
        opt.load_state_dict({"hyperparameters": {}, "step_count": 0, "state": [{}, {}]})
