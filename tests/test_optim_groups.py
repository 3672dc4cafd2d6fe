"""Parameter groups (torch.optim's semantics) and gradient clipping (torch.nn.utils).

Evidence, as in test_optim_family.py: hand-computed values; an optimizer with two groups
against two separate optimizers (the groups step together but nothing else connects them);
and torch itself where it is installed (skipped otherwise).
"""

import math
import pickle

import numpy as np
import pytest

from optimlib import optim
from optimlib.optim import SGD, Adam, AdamW, NAdam, clip_grad_norm_

ALL = ["SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "NAdam", "RAdam", "Adamax"]

#: per optimizer, the hyperparameters of two groups that differ in everything they can
GROUPS = {
    "SGD": ({"lr": 0.01, "momentum": 0.9, "weight_decay": 0.01, "nesterov": True},
            {"lr": 0.05, "momentum": 0.5, "dampening": 0.3}),
    "Adagrad": ({"lr": 0.05, "lr_decay": 0.01},                # initial_accumulator_value:
                {"lr": 0.1, "weight_decay": 0.01, "eps": 1e-6}),   # see the test below
    "RMSprop": ({"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True},
                {"lr": 0.003, "weight_decay": 0.01}),
    "Adadelta": ({"lr": 1.0, "rho": 0.5}, {"lr": 0.5, "weight_decay": 0.01, "eps": 1e-4}),
    "Adam": ({"lr": 0.01, "betas": (0.5, 0.9), "amsgrad": True},
             {"lr": 0.003, "weight_decay": 0.01, "eps": 1e-6}),
    "AdamW": ({"lr": 0.01, "weight_decay": 0.1}, {"lr": 0.02, "weight_decay": 0.0}),
    "NAdam": ({"lr": 0.01, "betas": (0.8, 0.99), "momentum_decay": 0.1},
              {"lr": 0.02, "weight_decay": 0.01, "decoupled_weight_decay": True}),
    "RAdam": ({"lr": 0.01, "betas": (0.9, 0.9)}, {"lr": 0.02, "weight_decay": 0.01}),
    "Adamax": ({"lr": 0.01, "betas": (0.5, 0.9)}, {"lr": 0.05, "weight_decay": 0.01}),
}
W0, B0 = np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([0.3, -0.7])


def gradients(w, b, t):
    """A deterministic, time-varying gradient that depends on the parameters."""
    phases = np.arange(1, 5).reshape(2, 2) * (t + 1)
    return (np.array([[1.0, 3.0], [0.1, 7.0]]) * w - np.sin(phases),
            2.0 * b - np.cos(t + np.arange(2)))


def run_groups(name, steps=60):
    w, b = W0.copy(), B0.copy()
    first, second = GROUPS[name]
    opt = getattr(optim, name)([{"params": {"0.weight": w}, **first},
                                {"params": {"0.bias": b}, **second}])
    for t in range(steps):
        g_w, g_b = gradients(w, b, t)
        opt.step({"0.weight": g_w, "0.bias": g_b})
    return w, b


# -- what a group means -------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_two_groups_are_two_optimizers_stepped_together(name):
    w, b = W0.copy(), B0.copy()
    first, second = GROUPS[name]
    one, two = getattr(optim, name)([w], **first), getattr(optim, name)([b], **second)
    for t in range(60):
        g_w, g_b = gradients(w, b, t)
        one.step([g_w]); two.step([g_b])
    grouped_w, grouped_b = run_groups(name)
    np.testing.assert_array_equal(grouped_w, w)
    np.testing.assert_array_equal(grouped_b, b)


@pytest.mark.parametrize("name", ALL)
def test_groups_match_torch(name):
    torch = pytest.importorskip("torch")
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)     # torch's scalar state in float64 too
    try:
        w = torch.tensor(W0, requires_grad=True)
        b = torch.tensor(B0, requires_grad=True)
        first, second = GROUPS[name]
        opt = getattr(torch.optim, name)([{"params": [w], **first}, {"params": [b], **second}])
        for t in range(60):
            g_w, g_b = gradients(w.detach().numpy().copy(), b.detach().numpy().copy(), t)
            w.grad, b.grad = torch.from_numpy(g_w), torch.from_numpy(g_b)
            opt.step()
    finally:
        torch.set_default_dtype(default)
    ours_w, ours_b = run_groups(name)
    np.testing.assert_allclose(ours_w, w.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours_b, b.detach().numpy(), rtol=1e-12, atol=1e-12)


def test_no_decay_on_biases_by_hand():
    W, b = np.ones((2, 2)), np.ones(2)
    opt = AdamW([{"params": {"0.weight": W}, "weight_decay": 0.1},
                 {"params": {"0.bias": b}, "weight_decay": 0.0}], lr=1e-3)
    opt.step({"0.weight": np.zeros((2, 2)), "0.bias": np.zeros(2)})
    np.testing.assert_array_equal(W, np.full((2, 2), 1 - 1e-3 * 0.1))   # (1 - lr wd) W
    np.testing.assert_array_equal(b, np.ones(2))                        # untouched
    assert [g["weight_decay"] for g in opt.param_groups] == [0.1, 0.0]
    assert [g["lr"] for g in opt.param_groups] == [1e-3, 1e-3]
    assert opt.param_groups[1]["betas"] == (0.9, 0.999)                 # from the defaults
    assert opt.param_groups[0]["param_names"] == ["0.weight"]
    assert opt.param_groups[0]["params"][0] is W
    assert opt.defaults["weight_decay"] == 1e-2 and opt.param_names == ["0.weight", "0.bias"]


def test_adagrad_starts_each_sum_at_its_groups_value():
    # torch's Adagrad starts every group's sum at the constructor's value; a group's own
    # initial_accumulator_value is used here (s = 3 + 1 = 4: a step of 0.1 * 1 / 2)
    a, b = np.ones(1), np.ones(1)
    opt = optim.Adagrad([{"params": [a]}, {"params": [b], "initial_accumulator_value": 3.0}],
                        lr=0.1)
    opt.step([np.ones(1), np.ones(1)])
    assert a[0] == pytest.approx(0.9) and b[0] == pytest.approx(0.95)


def test_shared_attributes_read_and_set_every_group():
    w, b = np.zeros(2), np.zeros(1)
    opt = SGD([{"params": [w], "lr": 0.1}, {"params": [b]}], lr=0.1, momentum=0.9)
    assert opt.lr == 0.1 and opt.momentum == 0.9          # shared by both groups
    opt.lr = 0.5
    assert [g["lr"] for g in opt.param_groups] == [0.5, 0.5]
    opt.param_groups[1]["lr"] = 0.01
    with pytest.raises(ValueError, match=r"different lr \[0.5, 0.01\]"):
        opt.lr
    opt.step([np.ones(2), np.ones(1)])                    # list params: one flat list of grads
    np.testing.assert_array_equal(w, [-0.5, -0.5])
    np.testing.assert_array_equal(b, [-0.01])
    assert not hasattr(opt, "betas")
    assert not hasattr(NAdam([np.zeros(1)]), "amsgrad")   # inherits Adam's property, not its value


def test_a_single_group_behaves_as_before():
    theta = np.array([1.0])
    opt = SGD([theta], lr=0.1)
    assert len(opt.param_groups) == 1 and opt.param_groups[0]["params"][0] is theta
    assert "param_names" not in opt.param_groups[0]
    assert set(opt.state_dict()) == {"hyperparameters", "scalars", "step_count", "state"}
    assert repr(opt) == ("SGD(lr=0.1, momentum=0.0, dampening=0.0, weight_decay=0.0, "
                         "nesterov=False, maximize=False)")


def test_nadam_keeps_its_momentum_product_per_group():
    a, b = np.zeros(1), np.zeros(1)
    opt = NAdam([{"params": [a]}, {"params": [b], "betas": (0.5, 0.999)}])
    for _ in range(3):
        opt.step([np.ones(1), np.ones(1)])
    for group, beta1 in zip(opt.param_groups, (0.9, 0.5)):
        mus = [beta1 * (1 - 0.5 * 0.96 ** (t * 4e-3)) for t in (1, 2, 3)]
        assert group["mu_product"] == pytest.approx(math.prod(mus), rel=1e-15)


def test_state_dict_of_groups_resumes_bit_identically():
    def build(w, b):
        return Adam([{"params": {"w": w}, "lr": 0.01}, {"params": {"b": b}, "amsgrad": True}],
                    lr=0.003)

    w, b = W0.copy(), B0.copy()
    opt = build(w, b)
    for t in range(40):
        g_w, g_b = gradients(w, b, t)
        opt.step({"w": g_w, "b": g_b})
    w2, b2 = W0.copy(), B0.copy()
    first = build(w2, b2)
    for t in range(20):
        g_w, g_b = gradients(w2, b2, t)
        first.step({"w": g_w, "b": g_b})
    saved = pickle.loads(pickle.dumps(first.state_dict()))
    assert len(saved["param_groups"]) == 2
    resumed = Adam([{"params": {"w": w2}}, {"params": {"b": b2}}])
    resumed.load_state_dict(saved)
    assert resumed.param_groups[0]["lr"] == 0.01 and resumed.param_groups[1]["amsgrad"]
    for t in range(20, 40):
        g_w, g_b = gradients(w2, b2, t)
        resumed.step({"w": g_w, "b": g_b})
    np.testing.assert_array_equal(w2, w)
    np.testing.assert_array_equal(b2, b)
    with pytest.raises(ValueError, match="2 parameter groups"):
        Adam({"w": W0.copy(), "b": B0.copy()}).load_state_dict(saved)
    bad = first.state_dict()
    bad["param_groups"][1]["hyperparameters"]["lr"] = -1.0
    with pytest.raises(ValueError, match=r"param_groups\[1\].*lr"):
        first.load_state_dict(bad)
    assert [g["lr"] for g in first.param_groups] == [0.01, 0.003]       # unchanged


@pytest.mark.parametrize("groups, message", [
    ([{"params": {"w": np.zeros(1)}, "lrr": 0.1}], r"unknown hyperparameter\(s\) \['lrr'\]"),
    ([{"params": {"w": np.zeros(1)}}, {"params": {"w": np.zeros(1)}}], "more than one"),
    ([{"params": {"w": np.zeros(1)}}, {"params": [np.zeros(1)]}], "same way"),
    ([{"params": {"w": np.zeros(1)}}, {"params": {"b": np.zeros(1)}, "lr": -1.0}],
     r"param_groups\[1\]: Invalid lr"),
    ([{"params": {"w": np.zeros(1)}}, {"lr": 0.1}], "only dicts, each with a 'params'"),
    ([{"params": {}}], "empty"),
])
def test_bad_groups_are_rejected(groups, message):
    with pytest.raises(ValueError, match=message):
        SGD(groups, lr=0.1)


def test_the_same_array_in_two_groups_and_add_param_group():
    w = np.zeros(2)
    with pytest.raises(ValueError, match="more than one"):
        SGD([{"params": [w]}, {"params": [w]}])
    opt = SGD({"w": w}, lr=0.1)
    b = np.zeros(1)
    opt.add_param_group({"params": {"b": b}, "lr": 0.5})
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5] and opt.param_names == ["w", "b"]
    opt.step({"w": np.ones(2), "b": np.ones(1)})
    np.testing.assert_array_equal(w, [-0.1, -0.1])
    np.testing.assert_array_equal(b, [-0.5])
    with pytest.raises(ValueError, match="after the first step"):
        opt.add_param_group({"params": {"c": np.zeros(1)}})


def test_an_invalid_group_rejects_the_step_before_any_change():
    w, b = np.ones(2), np.ones(1)
    opt = Adam([{"params": {"w": w}}, {"params": {"b": b}}], lr=0.1)
    opt.param_groups[1]["betas"] = (1.5, 0.999)
    with pytest.raises(ValueError, match=r"param_groups\[1\]: Invalid betas\[0\]"):
        opt.step({"w": np.ones(2), "b": np.ones(1)})
    np.testing.assert_array_equal(w, [1.0, 1.0])
    assert opt.step_count == 0 and opt.state == [{}, {}]


def test_repr_of_several_groups():
    opt = SGD([{"params": [np.zeros(1)]}, {"params": [np.zeros(1)], "lr": 0.5}], lr=0.1)
    assert repr(opt).startswith("SGD(param_groups=[{'lr': 0.1, 'momentum': 0.0")
    assert "{'lr': 0.5, " in repr(opt)


# -- clip_grad_norm_ ------------------------------------------------------------------------
def test_clip_by_hand():
    grads = {"w": np.array([3.0, 0.0]), "b": np.array([4.0])}
    assert clip_grad_norm_(grads, 1.0) == 5.0
    np.testing.assert_allclose(grads["w"], [3 / (5 + 1e-6), 0.0], rtol=1e-15)
    np.testing.assert_allclose(grads["b"], [4 / (5 + 1e-6)], rtol=1e-15)
    small = [np.array([0.3]), np.array([0.4])]
    assert clip_grad_norm_(small, 1.0) == pytest.approx(0.5)
    assert small[0][0] == 0.3 and small[1][0] == 0.4           # below max_norm: untouched
    one = np.array([1.0, -2.0, 2.0])
    assert clip_grad_norm_(one, 1.0, norm_type=math.inf) == 2.0
    np.testing.assert_allclose(one, np.array([1.0, -2.0, 2.0]) / (2 + 1e-6), rtol=1e-15)
    assert clip_grad_norm_([np.array([1.0, -2.0]), np.array([3.0])], 10.0, norm_type=1) == 6.0
    measured = [np.array([30.0, 40.0])]
    assert clip_grad_norm_(measured, math.inf) == 50.0           # only measures
    np.testing.assert_array_equal(measured[0], [30.0, 40.0])


def test_clip_nonfinite_norms():
    grads = [np.array([np.nan, 1.0])]
    assert math.isnan(clip_grad_norm_(grads, 1.0))
    assert np.all(np.isnan(grads[0]))                          # as torch: NaN everywhere
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_([np.array([np.inf])], 1.0, error_if_nonfinite=True)


def test_clip_keeps_float32():
    grads = [np.full(4, 10.0, dtype=np.float32)]
    total = clip_grad_norm_(grads, 2.0)
    assert grads[0].dtype == np.float32 and total == pytest.approx(20.0)
    assert np.linalg.norm(grads[0]) == pytest.approx(2.0, rel=1e-6)


@pytest.mark.parametrize("kwargs, message", [
    (dict(max_norm=-1.0), "max_norm"), (dict(max_norm=1.0, norm_type=0.0), "norm_type"),
    (dict(max_norm=1.0, error_if_nonfinite="no"), "error_if_nonfinite"),
])
def test_clip_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        clip_grad_norm_([np.ones(2)], **kwargs)
    with pytest.raises(ValueError, match="grads"):
        clip_grad_norm_([[1.0, 2.0]], 1.0)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_matches_torch(norm_type, max_norm):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((5, 3)), rng.standard_normal(7), rng.standard_normal((2, 2, 2))]
    params = [torch.zeros(a.shape, dtype=torch.float64, requires_grad=True) for a in arrays]
    for p, a in zip(params, arrays):
        p.grad = torch.from_numpy(a.copy())
    expected = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
    ours = [a.copy() for a in arrays]
    total = clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    assert total == pytest.approx(float(expected), rel=1e-13)
    for a, p in zip(ours, params):
        np.testing.assert_allclose(a, p.grad.numpy(), rtol=1e-13, atol=0)
