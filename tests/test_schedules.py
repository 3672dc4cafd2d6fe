"""Schedules: rate sequences against their closed forms and hand values, torch semantics
(step 0 applied at construction), and against torch.optim.lr_scheduler when installed."""

import math

import numpy as np
import pytest

from optimlib import schedules as S
from optimlib.optim import SGD, Adam
from optimlib.problems import Quadratic


def sequence(make, steps, lr=0.1, optimizer=SGD, **opt_kwargs):
    opt = optimizer([np.zeros(2)], lr=lr, **opt_kwargs)
    sched = make(opt)
    rates = []
    for _ in range(steps):
        rates.append(opt.lr)
        opt.step([np.zeros(2)])
        sched.step()
    return rates, opt


def test_step_lr_by_hand():
    rates, _ = sequence(lambda o: S.StepLR(o, step_size=3, gamma=0.5), 8)
    np.testing.assert_allclose(rates, [0.1] * 3 + [0.05] * 3 + [0.025] * 2)


def test_multistep_lr_by_hand():
    rates, _ = sequence(lambda o: S.MultiStepLR(o, milestones=[2, 5], gamma=0.1), 7)
    np.testing.assert_allclose(rates, [0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001])


def test_exponential_lr_closed_form():
    rates, _ = sequence(lambda o: S.ExponentialLR(o, gamma=0.9), 30)
    np.testing.assert_allclose(rates, 0.1 * 0.9 ** np.arange(30), rtol=1e-14)


def test_cosine_lr_endpoints_midpoint_and_closed_form():
    rates, opt = sequence(lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.01), 11)
    assert rates[0] == pytest.approx(0.1)
    assert rates[5] == pytest.approx((0.1 + 0.01) / 2)          # half way
    assert rates[10] == pytest.approx(0.01)
    t = np.arange(11)
    np.testing.assert_allclose(rates, 0.01 + 0.09 * (1 + np.cos(np.pi * t / 10)) / 2, rtol=1e-14)


def test_linear_warmup_by_hand():
    rates, _ = sequence(lambda o: S.LinearLR(o, start_factor=0.25, total_iters=3), 6)
    np.testing.assert_allclose(rates, [0.025, 0.05, 0.075, 0.1, 0.1, 0.1])


def test_construction_applies_the_step_zero_rate():
    opt = SGD([np.zeros(1)], lr=1.0)
    S.LinearLR(opt, start_factor=0.1)
    assert opt.lr == pytest.approx(0.1)
    opt = SGD([np.zeros(1)], lr=1.0)
    S.OneCycleLR(opt, max_lr=2.0, total_steps=10)
    assert opt.lr == pytest.approx(2.0 / 25)


def test_one_cycle_shape_and_momentum_for_sgd():
    rates, opt = sequence(lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=100), 100,
                          momentum=0.9)
    peak = int(np.argmax(rates))
    assert peak == 29                                        # end of phase 1: 0.3*100 - 1
    assert rates[0] == pytest.approx(1.0 / 25) and rates[peak] == pytest.approx(1.0)
    assert rates[99] == pytest.approx(1.0 / 25 / 1e4)
    assert np.all(np.diff(rates[:30]) > 0) and np.all(np.diff(rates[29:]) < 0)
    momenta = [S.one_cycle_momentum(t, 100) for t in range(100)]
    assert momenta[0] == pytest.approx(0.95) and momenta[29] == pytest.approx(0.85)
    assert momenta[99] == pytest.approx(0.95)
    assert opt.momentum == pytest.approx(S.one_cycle_momentum(100, 100))


def test_one_cycle_cycles_adams_beta1_and_keeps_beta2():
    opt = Adam([np.zeros(1)], lr=1.0, betas=(0.9, 0.99))
    sched = S.OneCycleLR(opt, max_lr=0.01, epochs=2, steps_per_epoch=5, anneal_strategy="linear")
    assert opt.betas == (pytest.approx(0.95), 0.99)
    for _ in range(3):
        sched.step()
    # linear, phase 1 ends at 0.3*10 - 1 = 2: beta1 is at base 0.85 at step 2, rising after
    assert opt.betas[0] == pytest.approx(0.85 + (0.95 - 0.85) * (3 - 2) / (9 - 2))
    for _ in range(7):
        sched.step()
    with pytest.raises(ValueError, match="total_steps=10"):
        sched.step()


def test_one_cycle_three_phase_returns_to_initial_then_min():
    rates = [S.one_cycle_lr(t, 1.0, 100, three_phase=True) for t in range(100)]
    assert rates[29] == pytest.approx(1.0)
    assert rates[58] == pytest.approx(1.0 / 25)              # 2*0.3*100 - 2
    assert rates[99] == pytest.approx(1.0 / 25 / 1e4)


def test_reduce_on_plateau_by_hand():
    opt = SGD([np.zeros(1)], lr=1.0)
    sched = S.ReduceLROnPlateau(opt, factor=0.5, patience=2, cooldown=1)
    lrs = []
    for metric in [5, 4, 4, 4, 4, 4, 4, 4, 3, 3]:
        sched.step(metric)
        lrs.append(opt.lr)
    # bad epochs after 4: 1, 2, 3 > patience -> halve (epoch 5); cooldown 1 skips one count;
    # then bad 1, 2, 3 -> halve again at epoch 9? metric 3 at index 8 is an improvement.
    assert lrs == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]


def test_reduce_on_plateau_max_mode_abs_threshold_and_min_lr():
    opt = SGD([np.zeros(1)], lr=1.0)
    sched = S.ReduceLROnPlateau(opt, mode="max", factor=0.1, patience=0, threshold=0.5,
                                threshold_mode="abs", min_lr=0.05)
    sched.step(1.0)                 # improvement over -inf
    sched.step(1.4)                 # not > 1.0 + 0.5: bad -> reduce to 0.1
    assert opt.lr == pytest.approx(0.1)
    sched.step(1.2)
    assert opt.lr == pytest.approx(0.05)   # floored at min_lr
    sched.step(1.3)
    assert opt.lr == pytest.approx(0.05)


@pytest.mark.parametrize("make, message", [
    (lambda o: S.StepLR(o, step_size=0), "step_size"),
    (lambda o: S.StepLR(o, step_size=2, gamma=-0.5), "gamma"),
    (lambda o: S.MultiStepLR(o, milestones=[5, 2]), "increasing"),
    (lambda o: S.CosineAnnealingLR(o, T_max=0), "T_max"),
    (lambda o: S.LinearLR(o, start_factor=0.0), "start_factor"),
    (lambda o: S.LinearLR(o, end_factor=1.5), "end_factor"),
    (lambda o: S.OneCycleLR(o, max_lr=1.0), "total_steps"),
    (lambda o: S.OneCycleLR(o, max_lr=-1.0, total_steps=5), "max_lr"),
    (lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=5, anneal_strategy="exp"), "anneal"),
    (lambda o: S.ReduceLROnPlateau(o, factor=1.0), "factor"),
    (lambda o: S.ReduceLROnPlateau(o, mode="best"), "mode"),
    (lambda o: S.StepLR(o, step_size=2, last_epoch=3), "initial_lr"),
    (lambda o: S.LambdaLR(o, lr_lambda=0.5), "lr_lambda"),
    (lambda o: S.SequentialLR(o, [], milestones=[]), "at least one"),
    (lambda o: S.SequentialLR(o, [S.StepLR(o, 2), S.StepLR(o, 3)], milestones=[]),
     "need 1 milestones"),
    (lambda o: S.SequentialLR(o, [S.StepLR(o, 2), S.StepLR(o, 3), S.StepLR(o, 4)],
                              milestones=[5, 5]), "increasing"),
    (lambda o: S.SequentialLR(o, [S.StepLR(o, 2), S.ReduceLROnPlateau(o)], milestones=[3]),
     r"schedulers\[1\]"),
    (lambda o: S.SequentialLR(o, [S.StepLR(SGD([np.zeros(1)], lr=1.0), 2)], milestones=[]),
     "another optimizer"),
])
def test_bad_arguments_are_rejected(make, message):
    with pytest.raises(ValueError, match=message):
        make(SGD([np.zeros(1)], lr=0.1))


def test_state_dict_resumes_a_schedule():
    opt = SGD([np.zeros(1)], lr=0.1)
    sched = S.CosineAnnealingLR(opt, T_max=20)
    for _ in range(7):
        sched.step()
    saved = sched.state_dict()
    opt2 = SGD([np.zeros(1)], lr=0.1)
    resumed = S.CosineAnnealingLR(opt2, T_max=20)
    resumed.load_state_dict(saved)
    sched.step(); resumed.step()
    assert opt2.lr == opt.lr == pytest.approx(S.cosine_lr(8, 0.1, 20))


def test_lambda_lr_by_hand_and_its_state_dict_leaves_out_the_function():
    rates, _ = sequence(lambda o: S.LambdaLR(o, lambda t: 0.5 ** t if t < 3 else 0.1), 5)
    assert rates == pytest.approx([0.1, 0.05, 0.025, 0.01, 0.01])
    opt = SGD([np.zeros(1)], lr=0.1)
    assert "lr_lambda" not in S.LambdaLR(opt, lambda t: 1.0).state_dict()


def test_sequential_warmup_then_step_decay_by_hand():
    # LinearLR 0.5 -> 1 over 2 steps, then StepLR halving every 2 steps from 0.1
    rates, _ = sequence(lambda o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.5, total_iters=2), S.StepLR(o, 2, gamma=0.5)],
        milestones=[2]), 7)
    assert rates == pytest.approx([0.05, 0.075, 0.1, 0.1, 0.05, 0.05, 0.025])


def test_sequential_state_dict_resumes_inside_the_second_phase():
    def build(opt):
        return S.SequentialLR(opt, [S.LinearLR(opt, start_factor=0.1, total_iters=3),
                                    S.CosineAnnealingLR(opt, T_max=6)], milestones=[3])
    opt = SGD([np.zeros(1)], lr=0.2)
    sched = build(opt)
    for _ in range(5):
        sched.step()
    saved = sched.state_dict()
    opt2 = SGD([np.zeros(1)], lr=0.2)
    resumed = build(opt2)
    resumed.load_state_dict(saved)
    sched.step(); resumed.step()
    assert opt2.lr == opt.lr == pytest.approx(S.cosine_lr(3, 0.2, 6))


SCHEDULES = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[4, 9], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.95)),
    ("CosineAnnealingLR", dict(T_max=15, eta_min=0.001)),
    ("LinearLR", dict(start_factor=0.2, end_factor=0.9, total_iters=7)),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=25)),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=25, three_phase=True, anneal_strategy="linear")),
]


def follow_torch(torch, make_torch, make_ours, steps=25, momentum=0.0, rel=1e-10):
    """Step a torch scheduler and ours side by side on SGD; compare rates and momenta."""
    p = torch.zeros(1, requires_grad=True)
    t_opt = torch.optim.SGD([p], lr=0.1, momentum=momentum)
    t_sched = make_torch(t_opt)
    opt = SGD([np.zeros(1)], lr=0.1, momentum=momentum)
    sched = make_ours(opt)
    for _ in range(steps):
        assert opt.lr == pytest.approx(t_opt.param_groups[0]["lr"], rel=rel)
        assert opt.momentum == pytest.approx(t_opt.param_groups[0]["momentum"], rel=rel)
        p.grad = torch.zeros(1)
        t_opt.step(); t_sched.step()
        opt.step([np.zeros(1)]); sched.step()


@pytest.mark.parametrize("name, kwargs", SCHEDULES, ids=lambda x: str(x))
def test_rate_and_momentum_sequences_match_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    follow_torch(torch, lambda o: getattr(torch.optim.lr_scheduler, name)(o, **kwargs),
                 lambda o: getattr(S, name)(o, **kwargs), momentum=0.9)


SEQUENCES = {
    "warmup, cosine": lambda lib, o: [lib.LinearLR(o, start_factor=0.1, total_iters=5),
                                      lib.CosineAnnealingLR(o, T_max=15, eta_min=0.001)],
    "step, exponential, multistep": lambda lib, o: [
        lib.StepLR(o, step_size=2, gamma=0.5), lib.ExponentialLR(o, gamma=0.9),
        lib.MultiStepLR(o, milestones=[2, 4], gamma=0.3)],
}
MILESTONES = {"warmup, cosine": [5], "step, exponential, multistep": [6, 14]}


@pytest.mark.parametrize("name", list(SEQUENCES))
def test_sequential_lr_matches_torch(name):
    torch = pytest.importorskip("torch")
    lib = torch.optim.lr_scheduler
    follow_torch(torch, lambda o: lib.SequentialLR(o, SEQUENCES[name](lib, o),
                                                   milestones=MILESTONES[name]),
                 lambda o: S.SequentialLR(o, SEQUENCES[name](S, o),
                                          milestones=MILESTONES[name]))


def test_lambda_lr_matches_torch():
    torch = pytest.importorskip("torch")
    factor = lambda t: 1.0 / math.sqrt(1 + t)                    # noqa: E731
    follow_torch(torch, lambda o: torch.optim.lr_scheduler.LambdaLR(o, factor),
                 lambda o: S.LambdaLR(o, factor), steps=10, rel=1e-12)


def test_plateau_matches_torch():
    torch = pytest.importorskip("torch")
    p = torch.zeros(1, requires_grad=True)
    t_opt = torch.optim.SGD([p], lr=1.0)
    t_sched = torch.optim.lr_scheduler.ReduceLROnPlateau(t_opt, factor=0.5, patience=2, cooldown=1)
    opt = SGD([np.zeros(1)], lr=1.0)
    sched = S.ReduceLROnPlateau(opt, factor=0.5, patience=2, cooldown=1)
    metrics = [5, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 2.9999, 3, 3, 3]
    for m in metrics:
        t_sched.step(m); sched.step(m)
        assert opt.lr == pytest.approx(t_opt.param_groups[0]["lr"])


def test_lr_range_test_on_a_quadratic_finds_the_stable_range_and_restores_params():
    q = Quadratic.with_condition_number(10.0, lambda_max=4.0)      # diverges above 2/L = 0.5
    theta = np.array([1.0, 1.0])
    result = S.lr_range_test(lambda: (q.loss(theta), [q.grad(theta)]), [theta], SGD,
                             lr_min=1e-3, lr_max=10.0, steps=200, smoothing=0.0)
    np.testing.assert_array_equal(theta, [1.0, 1.0])
    assert result.lrs[0] == pytest.approx(1e-3)
    # it stopped early because the loss blew up, which gradient descent can only do above 2/L
    assert q.max_stable_lr < result.lrs[-1] < 10.0
    assert result.smoothed[-1] > 4 * np.min(result.smoothed[:-1])
    assert 1e-3 < result.steepest_lr < q.max_stable_lr
    assert result.min_loss_lr <= result.lrs[-1]
    with pytest.raises(ValueError, match="lr_max"):
        S.lr_range_test(lambda: (0.0, [theta]), [theta], SGD, lr_min=1.0, lr_max=0.5)


def test_lr_range_test_skip_start_ignores_an_early_noisy_drop():
    # Losses given in advance: a spurious early plunge at step 2 (noise of the first
    # minibatches), then a steady fall that is steepest around step 60.
    k = np.arange(100)
    losses = 2.0 - np.tanh((k - 60) / 8.0)
    losses[1], losses[2] = 10.0, 0.5
    theta = np.zeros(1)

    def run(skip_start):
        feed = iter(losses)
        return S.lr_range_test(lambda: (next(feed), [np.zeros(1)]), [theta], SGD,
                               lr_min=1e-4, lr_max=1.0, steps=100, smoothing=0.0,
                               stop_factor=100.0, skip_start=skip_start)

    lrs = 1e-4 * 1e4 ** (k / 99)
    assert run(0).steepest_lr == pytest.approx(lrs[2])        # picked up by the noise
    assert run(10).steepest_lr == pytest.approx(lrs[60])
    with pytest.raises(ValueError, match="skip_start"):
        run(99)
