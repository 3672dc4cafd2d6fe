"""The optimizer family against the published algorithms.

Three kinds of evidence:
1. first steps computed by hand from the equations;
2. 100 steps in float64, every option combination, against reference implementations
   written out independently below (plain transcriptions of the papers / torch's documented
   algorithm boxes, one scalar formula per line), to ~1e-12;
3. the same runs against torch.optim itself when torch is installed (skipped otherwise).
"""

import itertools
import math
import pickle

import numpy as np
import pytest

from optimlib import optim
from optimlib.optim import (SGD, Adadelta, Adagrad, Adam, Adamax, AdamW, NAdam, RAdam,
                            RMSprop)


def first_step(cls, theta0, grad, **hyper):
    theta = np.array([theta0], dtype=float)
    cls([theta], **hyper).step([np.array([grad], dtype=float)])
    return theta[0]


# -- 1. first steps by hand -----------------------------------------------------------------
def test_adagrad_first_two_steps_by_hand():
    theta = np.array([1.0])
    opt = Adagrad([theta], lr=0.1, lr_decay=0.5)
    opt.step([np.array([2.0])])                          # s = 4; 1 - 0.1 * 2 / 2
    assert theta[0] == pytest.approx(0.9, abs=1e-10)
    opt.step([np.array([1.0])])                          # s = 5; lr / (1 + 0.5)
    assert theta[0] == pytest.approx(0.9 - (0.1 / 1.5) / math.sqrt(5), abs=1e-10)


def test_adagrad_initial_accumulator():
    # s = 3 + 1 = 4 -> step 0.1 * 1 / 2
    assert first_step(Adagrad, 1.0, 1.0, lr=0.1, initial_accumulator_value=3.0) == pytest.approx(0.95)


def test_rmsprop_first_step_by_hand():
    # v = 0.01 * 4 = 0.04 -> 1 - 0.01 * 2 / 0.2
    assert first_step(RMSprop, 1.0, 2.0, lr=0.01) == pytest.approx(0.9, abs=1e-7)
    # centered: g_bar = 0.02, v - g_bar^2 = 0.0396
    assert first_step(RMSprop, 1.0, 2.0, lr=0.01, centered=True) == pytest.approx(
        1 - 0.02 / math.sqrt(0.0396), abs=1e-7)


def test_rmsprop_momentum_two_steps_by_hand():
    theta = np.array([0.0])
    opt = RMSprop([theta], lr=0.1, alpha=0.5, momentum=0.9, eps=0.0)
    opt.step([np.array([1.0])])        # v = 0.5, b = 1/sqrt(0.5)
    b1 = 1 / math.sqrt(0.5)
    opt.step([np.array([1.0])])        # v = 0.75, b = 0.9 b1 + 1/sqrt(0.75)
    assert theta[0] == pytest.approx(-0.1 * b1 - 0.1 * (0.9 * b1 + 1 / math.sqrt(0.75)), rel=1e-14)


def test_adadelta_first_step_by_hand():
    # v = 0.1 * 4 = 0.4; delta = sqrt(0 + 1e-6) / sqrt(0.4 + 1e-6) * 2
    assert first_step(Adadelta, 1.0, 2.0) == pytest.approx(1 - math.sqrt(1e-6 / (0.4 + 1e-6)) * 2,
                                                           rel=1e-14)


@pytest.mark.parametrize("grad", [1e-3, 1.0, -50.0])
def test_adam_first_step_is_lr_times_sign(grad):
    # m^ = g, v^ = g^2 -> step = lr * g / (|g| + eps)
    assert first_step(Adam, 0.0, grad, lr=0.01) == pytest.approx(-0.01 * grad / (abs(grad) + 1e-8),
                                                                 rel=1e-12)


def test_adam_second_step_by_hand():
    theta = np.array([0.0])
    opt = Adam([theta], lr=0.1, betas=(0.5, 0.75), eps=0.0)
    opt.step([np.array([1.0])])                          # step 1: -0.1
    opt.step([np.array([3.0])])
    m, v = 0.5 * 0.5 + 0.5 * 3, 0.75 * 0.25 + 0.25 * 9   # m_2 = 1.75, v_2 = 2.4375
    m_hat, v_hat = m / (1 - 0.25), v / (1 - 0.5625)
    assert theta[0] == pytest.approx(-0.1 - 0.1 * m_hat / math.sqrt(v_hat), rel=1e-14)


def test_adam_l2_versus_adamw_decoupled_by_hand():
    # Adam: g = 2 + 0.1 * 1 = 2.1, step = 0.01 * 2.1 / 2.1
    assert first_step(Adam, 1.0, 2.0, lr=0.01, weight_decay=0.1) == pytest.approx(0.99, abs=1e-8)
    # AdamW: theta = 1 * (1 - 0.01 * 0.1) = 0.999, then step 0.01 * 2 / 2
    assert first_step(AdamW, 1.0, 2.0, lr=0.01, weight_decay=0.1) == pytest.approx(0.989, abs=1e-8)
    assert AdamW([np.zeros(1)]).weight_decay == 1e-2


def test_amsgrad_keeps_the_largest_second_moment():
    theta = np.array([0.0])
    opt = Adam([theta], lr=0.1, betas=(0.0, 0.5), eps=0.0, amsgrad=True)
    opt.step([np.array([2.0])])          # v = 2, vmax = 2, step 0.1 * 2 / sqrt(2 / 0.5)
    opt.step([np.array([0.5])])          # v = 1.125 < vmax = 2: vmax used
    expected = -0.1 * 2 / math.sqrt(2 / 0.5) - 0.1 * 0.5 / math.sqrt(2 / 0.75)
    assert theta[0] == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(opt.state[0]["max_exp_avg_sq"], [2.0])


def test_nadam_first_step_by_hand():
    mu1 = 0.9 * (1 - 0.5 * 0.96 ** 0.004)
    mu2 = 0.9 * (1 - 0.5 * 0.96 ** 0.008)
    g, lr = 2.0, 0.01
    denominator = abs(g) + 1e-8                       # sqrt(v^) + eps with v^ = g^2
    expected = -lr * (1 - mu1) / (1 - mu1) * g / denominator - lr * mu2 / (1 - mu1 * mu2) * 0.1 * g / denominator
    assert first_step(NAdam, 0.0, g, lr=lr) == pytest.approx(expected, rel=1e-12)


def test_radam_is_momentum_sgd_while_rho_is_small():
    # rho_inf = 1999, rho_1 = 1999 - 2 * 0.999 / 0.001 = 1 <= 5: theta -= lr * m^ = lr * g
    assert first_step(RAdam, 1.0, 2.0, lr=0.1) == pytest.approx(0.8, rel=1e-12)


def test_radam_rectified_step_by_hand():
    # with beta2 = 0.5: rho_inf = 3 < 5 never rectifies; use beta2 = 0.9: rho_inf = 19
    theta = np.array([0.0])
    opt = RAdam([theta], lr=0.1, betas=(0.0, 0.9), eps=0.0)
    rho_inf, t = 19.0, 0
    expected = 0.0
    v = 0.0
    for t in range(1, 8):
        opt.step([np.array([1.0])])
        v = 0.9 * v + 0.1
        rho_t = rho_inf - 2 * t * 0.9**t / (1 - 0.9**t)
        if rho_t > 5:
            r = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            expected -= 0.1 * 1.0 * r * math.sqrt(1 - 0.9**t) / math.sqrt(v)
        else:
            expected -= 0.1 * 1.0
    assert theta[0] == pytest.approx(expected, rel=1e-13)


def test_adamax_first_two_steps_by_hand():
    theta = np.array([0.0])
    opt = Adamax([theta], lr=0.1, betas=(0.5, 0.5), eps=0.0)
    opt.step([np.array([2.0])])        # m = 1, u = 2, step 0.1 / 0.5 * 1 / 2
    assert theta[0] == pytest.approx(-0.1)
    opt.step([np.array([-0.5])])       # m = 0.25, u = max(1, 0.5) = 1, 0.1 / 0.75 * 0.25
    assert theta[0] == pytest.approx(-0.1 - 0.1 / 0.75 * 0.25)


# -- 2. 100 steps against independent reference arithmetic ----------------------------------
def grad_field(theta, t):
    """A deterministic, time-varying gradient that depends on theta (like a noisy quadratic)."""
    return np.array([1.0, 3.0, 0.1, 7.0]) * theta - np.sin(np.arange(1, 5) * (t + 1))


def reference(name, theta, steps, h):
    """Independent transcription of each algorithm, one element at a time (pure Python)."""
    theta = [float(x) for x in theta]
    d = len(theta)
    m = [0.0] * d; v = [0.0] * d; vmax = [0.0] * d; b = [0.0] * d; gbar = [0.0] * d
    u = [0.0] * d
    s = [h.get("initial_accumulator_value", 0.0)] * d
    mu_prod = 1.0
    lr, wd = h.get("lr"), h.get("weight_decay", 0.0)
    for t in range(1, steps + 1):
        g_all = grad_field(np.array(theta), t - 1)
        for i in range(d):
            g = float(g_all[i])
            if h.get("maximize"):
                g = -g
            decoupled = name in ("AdamW",) or h.get("decoupled_weight_decay", False)
            if wd and decoupled:
                theta[i] = theta[i] * (1 - lr * wd)
            elif wd:
                g = g + wd * theta[i]
            if name == "SGD":
                mom, damp = h.get("momentum", 0.0), h.get("dampening", 0.0)
                if mom:
                    b[i] = g if t == 1 else mom * b[i] + (1 - damp) * g
                    g = g + mom * b[i] if h.get("nesterov") else b[i]
                theta[i] -= lr * g
            elif name == "Adagrad":
                clr = lr / (1 + (t - 1) * h.get("lr_decay", 0.0))
                s[i] += g * g
                theta[i] -= clr * g / (math.sqrt(s[i]) + h.get("eps", 1e-10))
            elif name == "RMSprop":
                a, eps, mom = h.get("alpha", 0.99), h.get("eps", 1e-8), h.get("momentum", 0.0)
                v[i] = a * v[i] + (1 - a) * g * g
                vt = v[i]
                if h.get("centered"):
                    gbar[i] = a * gbar[i] + (1 - a) * g
                    vt = vt - gbar[i] ** 2
                if mom > 0:
                    b[i] = mom * b[i] + g / (math.sqrt(vt) + eps)
                    theta[i] -= lr * b[i]
                else:
                    theta[i] -= lr * g / (math.sqrt(vt) + eps)
            elif name == "Adadelta":
                rho, eps = h.get("rho", 0.9), h.get("eps", 1e-6)
                v[i] = rho * v[i] + (1 - rho) * g * g
                dx = math.sqrt(u[i] + eps) / math.sqrt(v[i] + eps) * g
                u[i] = rho * u[i] + (1 - rho) * dx * dx
                theta[i] -= lr * dx
            elif name in ("Adam", "AdamW"):
                b1, b2 = h.get("betas", (0.9, 0.999)); eps = h.get("eps", 1e-8)
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                vv = v[i]
                if h.get("amsgrad"):
                    vmax[i] = max(vmax[i], v[i]); vv = vmax[i]
                m_hat, v_hat = m[i] / (1 - b1**t), vv / (1 - b2**t)
                theta[i] -= lr * m_hat / (math.sqrt(v_hat) + eps)
            elif name == "NAdam":
                b1, b2 = h.get("betas", (0.9, 0.999)); eps = h.get("eps", 1e-8)
                psi = h.get("momentum_decay", 4e-3)
                mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))
                mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
                prod = mu_prod * mu            # prod_{i<=t} mu_i (committed after the loop)
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                m_hat = mu_next * m[i] / (1 - prod * mu_next) + (1 - mu) * g / (1 - prod)
                theta[i] -= lr * m_hat / (math.sqrt(v[i] / (1 - b2**t)) + eps)
            elif name == "RAdam":
                b1, b2 = h.get("betas", (0.9, 0.999)); eps = h.get("eps", 1e-8)
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                m_hat = m[i] / (1 - b1**t)
                rho_inf = 2 / (1 - b2) - 1
                rho = rho_inf - 2 * t * b2**t / (1 - b2**t)
                if rho > 5:
                    r = math.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
                    theta[i] -= lr * m_hat * r * math.sqrt(1 - b2**t) / (math.sqrt(v[i]) + eps)
                else:
                    theta[i] -= lr * m_hat
            elif name == "Adamax":
                b1, b2 = h.get("betas", (0.9, 0.999)); eps = h.get("eps", 1e-8)
                m[i] = b1 * m[i] + (1 - b1) * g
                u[i] = max(b2 * u[i], abs(g) + eps)
                theta[i] -= lr / (1 - b1**t) * m[i] / u[i]
        if name == "NAdam":
            mu_prod = prod
    return np.array(theta)


def combos(**options):
    keys = list(options)
    return [dict(zip(keys, values)) for values in itertools.product(*options.values())]


CASES = (
    [("SGD", c) for c in combos(lr=[0.01], momentum=[0.0, 0.9], dampening=[0.0, 0.3],
                                 weight_decay=[0.0, 0.01], nesterov=[False, True],
                                 maximize=[False, True])
     if not (c["nesterov"] and (c["momentum"] == 0 or c["dampening"] != 0))]
    + [("Adagrad", c) for c in combos(lr=[0.05], lr_decay=[0.0, 0.01], weight_decay=[0.0, 0.01],
                                      initial_accumulator_value=[0.0, 0.1], maximize=[False, True])]
    + [("RMSprop", c) for c in combos(lr=[0.01], alpha=[0.9], weight_decay=[0.0, 0.01],
                                      momentum=[0.0, 0.5], centered=[False, True],
                                      maximize=[False, True])]
    + [("Adadelta", c) for c in combos(lr=[1.0, 0.5], rho=[0.9, 0.5], weight_decay=[0.0, 0.01],
                                       maximize=[False, True])]
    + [("Adam", c) for c in combos(lr=[0.01], betas=[(0.9, 0.999), (0.5, 0.9)],
                                   weight_decay=[0.0, 0.01], amsgrad=[False, True],
                                   maximize=[False, True])]
    + [("AdamW", c) for c in combos(lr=[0.01], weight_decay=[0.0, 0.05], amsgrad=[False, True],
                                    maximize=[False, True])]
    + [("NAdam", c) for c in combos(lr=[0.01], momentum_decay=[4e-3, 0.1],
                                    weight_decay=[0.0, 0.01], decoupled_weight_decay=[False, True],
                                    maximize=[False, True])]
    + [("RAdam", c) for c in combos(lr=[0.01], betas=[(0.9, 0.999), (0.9, 0.9)],
                                    weight_decay=[0.0, 0.01], decoupled_weight_decay=[False, True],
                                    maximize=[False, True])]
    + [("Adamax", c) for c in combos(lr=[0.01], weight_decay=[0.0, 0.01], maximize=[False, True])]
)
THETA0 = np.array([1.0, -2.0, 0.5, 3.0])


def run_optimlib(name, hyper, steps=100):
    theta = THETA0.copy()
    opt = getattr(optim, name)([theta], **hyper)
    for t in range(steps):
        opt.step([grad_field(theta, t)])
    return theta


@pytest.mark.parametrize("name, hyper", CASES, ids=lambda x: x if isinstance(x, str) else
                         ",".join(f"{k}={v}" for k, v in x.items()))
def test_100_steps_match_reference_arithmetic(name, hyper):
    np.testing.assert_allclose(run_optimlib(name, hyper), reference(name, THETA0, 100, hyper),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name, hyper", CASES, ids=lambda x: x if isinstance(x, str) else
                         ",".join(f"{k}={v}" for k, v in x.items()))
def test_100_steps_match_torch(name, hyper):
    torch = pytest.importorskip("torch")
    # torch keeps scalar state (step counts, NAdam's mu_product) in the *default* dtype, which
    # is float32 unless changed; a float64 comparison needs float64 there too.
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        p = torch.tensor(THETA0.copy(), dtype=torch.float64, requires_grad=True)
        opt = getattr(torch.optim, name)([p], **hyper)
        for t in range(100):
            p.grad = torch.from_numpy(grad_field(p.detach().numpy().copy(), t))
            opt.step()
    finally:
        torch.set_default_dtype(default)
    np.testing.assert_allclose(run_optimlib(name, hyper), p.detach().numpy(), rtol=1e-12, atol=1e-12)


# -- 3. contract: defaults, validation, state, blocks ------------------------------------------
ALL = [SGD, Adagrad, RMSprop, Adadelta, Adam, AdamW, NAdam, RAdam, Adamax]


def test_defaults_are_torchs():
    assert [cls([np.zeros(1)]).lr for cls in ALL] == [1e-3, 1e-2, 1e-2, 1.0, 1e-3, 1e-3, 2e-3,
                                                       1e-3, 2e-3]
    assert Adam([np.zeros(1)]).betas == (0.9, 0.999) and Adam([np.zeros(1)]).eps == 1e-8
    assert RMSprop([np.zeros(1)]).alpha == 0.99 and Adadelta([np.zeros(1)]).rho == 0.9
    assert Adagrad([np.zeros(1)]).eps == 1e-10 and NAdam([np.zeros(1)]).momentum_decay == 4e-3


BAD = [(cls, dict(lr=-1.0), "lr") for cls in ALL] + [
    (cls, dict(lr=float("nan")), "lr") for cls in ALL] + [
    (cls, dict(weight_decay=-0.1), "weight_decay") for cls in ALL] + [
    (cls, dict(eps=-1e-8), "eps") for cls in ALL if cls is not SGD] + [
    (cls, dict(betas=(1.0, 0.999)), r"betas\[0\]") for cls in (Adam, AdamW, NAdam, RAdam, Adamax)] + [
    (cls, dict(betas=(0.9, -0.1)), r"betas\[1\]") for cls in (Adam, AdamW, NAdam, RAdam, Adamax)] + [
    (Adam, dict(betas=0.9), "pair"), (Adam, dict(amsgrad=1), "amsgrad"),
    (RMSprop, dict(alpha=1.5), "alpha"), (RMSprop, dict(momentum=-0.5), "momentum"),
    (RMSprop, dict(centered="yes"), "centered"), (Adadelta, dict(rho=1.1), "rho"),
    (Adagrad, dict(lr_decay=-1.0), "lr_decay"),
    (Adagrad, dict(initial_accumulator_value=-1.0), "initial_accumulator_value"),
    (NAdam, dict(momentum_decay=-1.0), "momentum_decay"),
]


@pytest.mark.parametrize("cls, hyper, message", BAD,
                         ids=lambda x: x.__name__ if isinstance(x, type) else str(x))
def test_bad_hyperparameters_are_rejected_with_their_name(cls, hyper, message):
    with pytest.raises(ValueError, match=message):
        cls([np.zeros(2)], **hyper)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_rejected_step_changes_nothing(cls):
    w = np.array([1.0, 2.0])
    opt = cls({"w": w}, lr=0.1)
    opt.step({"w": np.array([0.5, -0.5])})
    before_w, before = w.copy(), opt.state_dict()
    for bad in ({"w": np.ones(3)}, {"v": np.ones(2)}, {"w": np.ones(2), "v": np.ones(2)},
                {"w": np.ones(2, dtype=np.float32)}):
        with pytest.raises(ValueError):
            opt.step(bad)
    opt.lr = -1.0
    with pytest.raises(ValueError, match="lr"):
        opt.step({"w": np.ones(2)})
    np.testing.assert_array_equal(w, before_w)
    assert opt.step_count == before["step_count"]
    for key, value in before["state"][0].items():
        np.testing.assert_array_equal(opt.state[0][key], value)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_resume_after_pickle_is_bit_identical(cls):
    hyper = dict(lr=0.01)
    full = THETA0.copy()
    opt = cls([full], **hyper)
    for t in range(40):
        opt.step([grad_field(full, t)])
    half = THETA0.copy()
    first = cls([half], **hyper)
    for t in range(20):
        first.step([grad_field(half, t)])
    saved = pickle.loads(pickle.dumps(first.state_dict()))
    resumed = cls([half])
    resumed.load_state_dict(saved)
    for t in range(20, 40):
        resumed.step([grad_field(half, t)])
    np.testing.assert_array_equal(half, full)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_blocked_walk_equals_whole_array_update(cls, monkeypatch):
    rng = np.random.default_rng(0)
    theta0 = rng.standard_normal((37, 29))            # 1073 elements
    grads = [rng.standard_normal((37, 29)) for _ in range(5)]
    results = []
    for block in (1 << 15, 100):                       # one block vs 11 blocks
        monkeypatch.setattr(optim, "BLOCK_SIZE", block)
        theta = theta0.copy()
        opt = cls({"w": theta}, lr=0.01)
        for g in grads:
            opt.step({"w": g})
        results.append(theta)
    np.testing.assert_array_equal(results[0], results[1])


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_non_contiguous_parameter_is_updated_in_place(cls, monkeypatch):
    monkeypatch.setattr(optim, "BLOCK_SIZE", 4)
    base = np.ones((6, 6))
    view = base[:, ::2]                                  # not contiguous
    opt = cls([view], lr=0.1)
    opt.step([np.ones_like(view)])
    assert np.all(base[:, ::2] < 1) and np.all(base[:, 1::2] == 1)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_float32_stays_float32_and_list_params_work(cls):
    a, b = np.ones(5, dtype=np.float32), np.ones((2, 2), dtype=np.float32)
    opt = cls([a, b], lr=0.01)
    opt.step([np.ones(5, dtype=np.float32), np.ones((2, 2), dtype=np.float32)])
    assert a.dtype == np.float32 and b.dtype == np.float32 and np.all(a < 1)
    assert all(s.dtype == np.float32 for state in opt.state for s in state.values())
