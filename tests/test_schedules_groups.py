"""Cyclical rates, warm restarts, and every scheduler over several parameter groups.

By hand from the papers' formulas, and against torch.optim.lr_scheduler where torch is
installed (skipped otherwise).
"""

import math

import numpy as np
import pytest

from optimlib import schedules as S
from optimlib.optim import SGD, Adam


def rates(make, steps, **opt_kwargs):
    opt = SGD([np.zeros(1)], **{"lr": 0.1, **opt_kwargs})
    sched = make(opt)
    out = []
    for _ in range(steps):
        out.append((opt.lr, opt.momentum))
        opt.step([np.zeros(1)])
        sched.step()
    return np.array(out)


# -- by hand ------------------------------------------------------------------------------
def test_triangular_by_hand():
    # up 0.1 -> 0.5 in 4 steps, down in 4, again; momentum 0.9 -> 0.8 -> 0.9
    got = rates(lambda o: S.CyclicLR(o, base_lr=0.1, max_lr=0.5, step_size_up=4), 10,
                momentum=0.9)
    np.testing.assert_allclose(got[:, 0], [0.1, 0.2, 0.3, 0.4, 0.5, 0.4, 0.3, 0.2, 0.1, 0.2],
                               rtol=1e-12)
    np.testing.assert_allclose(got[:, 1], [0.9, 0.875, 0.85, 0.825, 0.8, 0.825, 0.85, 0.875,
                                           0.9, 0.875], rtol=1e-12)


def test_triangular2_halves_and_exp_range_decays_the_amplitude():
    peaks = [S.cyclic_lr(t, 0.0, 1.0, 2, mode="triangular2") for t in (2, 6, 10)]
    assert peaks == pytest.approx([1.0, 0.5, 0.25])
    # exp_range: the height at step t is multiplied by gamma**t
    assert S.cyclic_lr(2, 0.0, 1.0, 2, mode="exp_range", gamma=0.9) == pytest.approx(0.81)
    assert S.cyclic_lr(3, 0.1, 1.1, 2, mode="exp_range", gamma=0.9) == pytest.approx(
        0.1 + 0.5 * 0.9**3)
    # an asymmetric cycle: 1 step up, 3 down
    up_down = [S.cyclic_lr(t, 0.0, 1.0, 1, 3) for t in range(5)]
    assert up_down == pytest.approx([0.0, 1.0, 2 / 3, 1 / 3, 0.0])


def test_cyclic_custom_scale_and_momentum_off():
    got = rates(lambda o: S.CyclicLR(o, 0.0, 1.0, step_size_up=1, scale_fn=lambda t: 0.5,
                                     scale_mode="iterations", cycle_momentum=False), 3)
    np.testing.assert_allclose(got[:, 0], [0.0, 0.5, 0.0])
    assert np.all(got[:, 1] == 0.0)                            # SGD's momentum untouched


def test_cyclic_cycles_adams_beta1():
    opt = Adam([np.zeros(1)], lr=0.1)
    sched = S.CyclicLR(opt, 0.01, 0.1, step_size_up=2)
    betas = []
    for _ in range(3):
        betas.append(opt.betas)
        sched.step()
    assert betas == [(0.9, 0.999), (pytest.approx(0.85), 0.999), (pytest.approx(0.8), 0.999)]


def test_warm_restarts_by_hand():
    expected = [S.cosine_lr(t, 1.0, 3, 0.1) for t in range(3)]          # run 1: 3 steps
    expected += [S.cosine_lr(t, 1.0, 6, 0.1) for t in range(6)]         # run 2: 6 steps
    expected += [S.cosine_lr(t, 1.0, 12, 0.1) for t in range(2)]
    got = rates(lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.1),
                11, lr=1.0)
    np.testing.assert_allclose(got[:, 0], expected, rtol=1e-15)
    opt = SGD([np.zeros(1)], lr=1.0)
    sched = S.CosineAnnealingWarmRestarts(opt, T_0=4)
    sched.step(5.5)                                   # fractional epochs: 1.5 into run 2
    assert opt.lr == pytest.approx((1 + math.cos(math.pi * 1.5 / 4)) / 2)
    assert (sched.T_cur, sched.T_i, sched.last_epoch) == (1.5, 4, 5)
    sched.step()                                      # one on from 5.5, as torch does
    assert opt.lr == pytest.approx((1 + math.cos(math.pi * 2.5 / 4)) / 2)
    assert (sched.T_cur, sched.T_i, sched.last_epoch) == (2.5, 4, 6)
    sched.step()
    sched.step()                                      # 8.5: restarted, 0.5 into run 3
    assert opt.lr == pytest.approx((1 + math.cos(math.pi * 0.5 / 4)) / 2)
    assert (sched.T_cur, sched.T_i, sched.last_epoch) == (0.5, 4, 8)


@pytest.mark.parametrize("make, message", [
    (lambda o: S.CyclicLR(o, 0.1, 1.0, mode="sawtooth"), "mode"),
    (lambda o: S.CyclicLR(o, 0.1, 1.0, step_size_up=0), "step_size_up"),
    (lambda o: S.CyclicLR(o, 0.1, 1.0, gamma=0.0), "gamma"),
    (lambda o: S.CyclicLR(o, 0.1, 1.0, scale_mode="epochs"), "scale_mode"),
    (lambda o: S.CyclicLR(o, [0.1, 0.2], 1.0), "one per parameter group"),
    (lambda o: S.CyclicLR(S_adagrad(), 0.1, 1.0), "neither momentum nor betas"),
    (lambda o: S.CosineAnnealingWarmRestarts(o, T_0=0), "T_0"),
    (lambda o: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0), "T_mult"),
    (lambda o: S.CosineAnnealingWarmRestarts(o, T_0=2).step(-1.0), "epoch"),
    (lambda o: S.OneCycleLR(o, max_lr=[1.0, 2.0], total_steps=5), "one per parameter group"),
])
def test_bad_arguments_are_rejected(make, message):
    with pytest.raises(ValueError, match=message):
        make(SGD([np.zeros(1)], lr=0.1))


def S_adagrad():
    from optimlib.optim import Adagrad
    return Adagrad([np.zeros(1)])


# -- several groups -----------------------------------------------------------------------
def two_groups(cls=SGD, **kwargs):
    return cls([{"params": [np.zeros(1)], "lr": 0.1}, {"params": [np.zeros(1)], "lr": 0.02}],
               **kwargs)


def test_each_group_follows_its_own_base_rate():
    opt = two_groups()
    sched = S.CosineAnnealingLR(opt, T_max=10)
    for _ in range(3):
        sched.step()
    assert sched.base_lrs == [0.1, 0.02]
    assert sched.get_last_lr() == pytest.approx([S.cosine_lr(3, 0.1, 10),
                                                 S.cosine_lr(3, 0.02, 10)])
    assert [g["lr"] for g in opt.param_groups] == sched.get_last_lr()
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.02]


def test_lambda_per_group_and_plateau_floor_per_group():
    opt = two_groups()
    sched = S.LambdaLR(opt, [lambda t: 0.5**t, lambda t: 1.0 + t])
    sched.step(); sched.step()
    assert sched.get_last_lr() == pytest.approx([0.025, 0.06])
    opt = two_groups()
    plateau = S.ReduceLROnPlateau(opt, factor=0.1, patience=0, min_lr=[0.05, 0.0])
    plateau.step(1.0); plateau.step(2.0)
    assert plateau.get_last_lr() == pytest.approx([0.05, 0.002])


GROUP_SCHEDULES = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[4, 9], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.95)),
    ("CosineAnnealingLR", dict(T_max=15, eta_min=0.001)),
    ("LinearLR", dict(start_factor=0.2, end_factor=0.9, total_iters=7)),
    ("OneCycleLR", dict(max_lr=[0.5, 0.2], total_steps=25, base_momentum=[0.85, 0.7])),
    ("CyclicLR", dict(base_lr=[0.01, 0.001], max_lr=[0.1, 0.05], step_size_up=4,
                      step_size_down=6)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=3, mode="triangular2",
                      max_momentum=[0.95, 0.9])),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=3, mode="exp_range",
                      gamma=0.97)),
    ("CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=2, eta_min=0.001)),
    ("CosineAnnealingWarmRestarts", dict(T_0=4)),
]


def follow_torch(torch, make_torch, make_ours, optimizer="SGD", steps=25, metrics=None):
    """Step torch's scheduler and ours side by side on two groups; compare every group's
    rate and momentum (or beta1)."""
    kwargs = {"momentum": 0.9} if optimizer == "SGD" else {}
    t_opt = getattr(torch.optim, optimizer)(
        [{"params": [torch.zeros(1, requires_grad=True)], "lr": 0.1},
         {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.02}], **kwargs)
    t_sched = make_torch(t_opt)
    opt = two_groups(SGD if optimizer == "SGD" else Adam, **kwargs)
    sched = make_ours(opt)
    key = "momentum" if optimizer == "SGD" else "betas"
    for step in range(steps):
        for ours, theirs in zip(opt.param_groups, t_opt.param_groups):
            assert ours["lr"] == pytest.approx(theirs["lr"], rel=1e-10, abs=1e-15)
            assert np.ravel(ours[key])[0] == pytest.approx(np.ravel(theirs[key])[0], rel=1e-10)
        for p in (group["params"][0] for group in t_opt.param_groups):
            p.grad = torch.zeros(1)
        t_opt.step(); opt.step([np.zeros(1), np.zeros(1)])
        if metrics is None:
            t_sched.step(); sched.step()
        else:
            t_sched.step(metrics[step]); sched.step(metrics[step])
    assert sched.get_last_lr() == pytest.approx(t_sched.get_last_lr(), rel=1e-10)


@pytest.mark.parametrize("name, kwargs", GROUP_SCHEDULES, ids=lambda x: str(x))
@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_schedules_over_two_groups_match_torch(name, kwargs, optimizer):
    torch = pytest.importorskip("torch")
    follow_torch(torch, lambda o: getattr(torch.optim.lr_scheduler, name)(o, **kwargs),
                 lambda o: getattr(S, name)(o, **kwargs), optimizer)


def test_sequential_and_lambda_and_plateau_over_two_groups_match_torch():
    torch = pytest.importorskip("torch")
    lib = torch.optim.lr_scheduler

    def sequence(module, o):
        return module.SequentialLR(o, [module.LinearLR(o, start_factor=0.1, total_iters=5),
                                       module.CosineAnnealingWarmRestarts(o, T_0=6)],
                                   milestones=[5])

    follow_torch(torch, lambda o: sequence(lib, o), lambda o: sequence(S, o))
    factors = [lambda t: 1 / math.sqrt(1 + t), lambda t: 0.9**t]
    follow_torch(torch, lambda o: lib.LambdaLR(o, factors), lambda o: S.LambdaLR(o, factors))
    metrics = [5, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 2.9999, 3, 3, 3]
    follow_torch(torch, lambda o: lib.ReduceLROnPlateau(o, factor=0.5, patience=2,
                                                        min_lr=[0.02, 0.001]),
                 lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2, min_lr=[0.02, 0.001]),
                 steps=len(metrics), metrics=metrics)


@pytest.mark.parametrize("T_0, T_mult", [(4, 1), (3, 2), (2, 3)])
def test_warm_restarts_with_fractional_epochs_match_torch(T_0, T_mult):
    torch = pytest.importorskip("torch")
    t_opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.3)
    t_sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(t_opt, T_0, T_mult, 0.01)
    opt = SGD([np.zeros(1)], lr=0.3)
    sched = S.CosineAnnealingWarmRestarts(opt, T_0, T_mult, 0.01)
    for epoch in np.arange(0, 20, 0.35):        # stays clear of the restarts themselves
        t_sched.step(float(epoch)); sched.step(float(epoch))
        assert opt.lr == pytest.approx(t_opt.param_groups[0]["lr"], rel=1e-10)


@pytest.mark.parametrize("T_0, T_mult", [(4, 1), (3, 2)])
def test_warm_restarts_mixing_fractional_and_plain_steps_match_torch(T_0, T_mult):
    torch = pytest.importorskip("torch")
    t_opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.3)
    t_sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(t_opt, T_0, T_mult, 0.01)
    opt = SGD([np.zeros(1)], lr=0.3)
    sched = S.CosineAnnealingWarmRestarts(opt, T_0, T_mult, 0.01)
    for epoch in (2.5, None, None, 7.25, None, None, None, None, None, None, None):
        t_sched.step(epoch); sched.step(epoch)
        assert opt.lr == pytest.approx(t_opt.param_groups[0]["lr"], rel=1e-12)
        assert (sched.T_cur, sched.T_i) == pytest.approx((t_sched.T_cur, t_sched.T_i))
