"""Tests of the additions for Chapter 6: plot.range_test and widgets.schedule_explorer."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from optimlib import plot, widgets
from optimlib.optim import SGD, Adam
from optimlib.schedules import (CosineAnnealingLR, OneCycleLR, RangeTestResult, StepLR,
                                cosine_lr, lr_range_test, one_cycle_momentum, step_lr)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _result():
    lrs = np.geomspace(1e-3, 1.0, 30)
    losses = 1 + (np.log10(lrs) + 1.5) ** 2
    losses[-1] = np.inf                       # a blow-up at the end is allowed
    return RangeTestResult(lrs, losses, losses, steepest_lr=0.01, min_loss_lr=0.03)


def test_range_test_draws_the_curves_and_marks_the_three_rates():
    _, ax = plt.subplots()
    result = _result()
    plot.range_test(result, ax, title="range test")
    raw, smoothed, *marks = ax.get_lines()
    np.testing.assert_array_equal(raw.get_xdata(), result.lrs)
    np.testing.assert_array_equal(smoothed.get_xdata(), result.lrs[:-1])   # finite part
    assert [line.get_xdata()[0] for line in marks] == pytest.approx([0.01, 0.03, 0.003])
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert any("0.003" in label and "/ 10" in label for label in labels)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_title() == "range test"
    low, high = ax.get_ylim()
    assert low < 1.0 and high == pytest.approx(1.5 * result.smoothed[0])


def test_range_test_without_suggestion_and_its_validation():
    _, ax = plt.subplots()
    plot.range_test(_result(), ax, suggestion=None)
    assert len(ax.get_lines()) == 4
    with pytest.raises(ValueError, match="suggestion"):
        plot.range_test(_result(), suggestion=0)
    bad = RangeTestResult(np.array([0.1]), np.array([1.0]), np.array([1.0]), 0.1, 0.1)
    with pytest.raises(ValueError, match="fewer than two"):
        plot.range_test(bad)


def test_range_test_plots_a_real_lr_range_test():
    theta = np.array([3.0])
    result = lr_range_test(lambda: (float(theta @ theta), [2 * theta]), [theta], SGD,
                           lr_min=1e-3, lr_max=10.0, steps=60)
    _, ax = plt.subplots()
    plot.range_test(result, ax)
    assert ax.get_lines()[1].get_xdata()[-1] == result.lrs[-1]


def _explorer(calls, **extra):
    schedules = {
        "step": lambda opt, gamma: StepLR(opt, step_size=5, gamma=gamma),
        "cosine": lambda opt: CosineAnnealingLR(opt, T_max=20),
        "one-cycle": lambda opt, share: OneCycleLR(opt, max_lr=opt.lr, total_steps=20,
                                                   pct_start=share),
    }

    def train(make, lr):
        calls.append((make, lr))
        return np.arange(3), np.array([1.0, 0.5, 0.25])

    return widgets.schedule_explorer(
        schedules, train, total_steps=20, lr=(0.1, 1e-3, 1.0),
        gamma=widgets.float_slider(0.5, 0.1, 0.9, "γ"),
        share=widgets.float_slider(0.3, 0.1, 0.5, "share"), **extra)


def test_schedule_explorer_controls_and_greying_out_unused_sliders():
    box = _explorer([])
    menu, lr, gamma, share = box.children[0].children
    assert menu.options == ("step", "cosine", "one-cycle")
    assert [gamma.disabled, share.disabled] == [False, True]
    menu.value = "cosine"
    assert [gamma.disabled, share.disabled] == [True, True]
    menu.value = "one-cycle"
    assert [gamma.disabled, share.disabled] == [True, False]
    assert box.children[0].layout.flex_flow == "row wrap"


def test_schedule_explorer_trains_with_the_chosen_schedule_and_a_constant_baseline(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda: None)
    calls = []
    box = _explorer(calls)
    menu, lr, gamma, _ = box.children[0].children
    calls.clear()
    gamma.value = 0.3
    (make, used_lr), (baseline, baseline_lr) = calls
    assert used_lr == baseline_lr == pytest.approx(0.1) and baseline is None
    opt = SGD([np.zeros(1)], lr=0.1)
    scheduler = make(opt)
    rates = []
    for _ in range(12):
        rates.append(opt.lr)
        scheduler.step()
    np.testing.assert_allclose(rates, [step_lr(t, 0.1, 5, 0.3) for t in range(12)])
    left = plt.gcf().axes[0]
    np.testing.assert_allclose(left.get_lines()[0].get_ydata(),
                               [step_lr(t, 0.1, 5, 0.3) for t in range(20)])


def test_schedule_explorer_draws_the_cycled_momentum(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda: None)
    box = _explorer([], hyperparameters={"momentum": 0.9})
    box.children[0].children[0].value = "one-cycle"
    axes = plt.gcf().axes
    momentum = [line for ax in axes for line in ax.get_lines()
                if "momentum" in line.get_label()]
    assert len(momentum) == 1
    np.testing.assert_allclose(momentum[0].get_ydata(),
                               [one_cycle_momentum(t, 20, 0.3) for t in range(20)])


def test_schedule_explorer_reads_adam_beta1_and_plain_rates(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda: None)
    box = widgets.schedule_explorer(
        {"cosine": lambda opt: CosineAnnealingLR(opt, T_max=10)},
        lambda make, lr: (np.arange(2), np.ones(2)), total_steps=10, optimizer=Adam)
    box.children[0].children[1].value = 0.2
    left = plt.gcf().axes[0]
    np.testing.assert_allclose(left.get_lines()[0].get_ydata(),
                               [cosine_lr(t, 0.2, 10) for t in range(10)])
    assert len(plt.gcf().axes) == 2          # Adam's beta1 is constant: no momentum axis


def test_schedule_explorer_validates_its_schedules():
    with pytest.raises(ValueError, match="empty"):
        widgets.schedule_explorer({}, lambda make, lr: None, total_steps=5)
    with pytest.raises(ValueError, match="'gamma'"):
        widgets.schedule_explorer({"step": lambda opt, gamma: StepLR(opt, 2, gamma)},
                                  lambda make, lr: None, total_steps=5)
