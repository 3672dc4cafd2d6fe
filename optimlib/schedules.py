r"""Learning-rate schedules, with ``torch.optim.lr_scheduler``'s names, arguments and semantics.

Each schedule is first a plain function giving the rate at step :math:`t` (for plots and
for reading), and then a scheduler class that applies it to an optimizer:

>>> import numpy as np
>>> from optimlib.optim import SGD
>>> opt = SGD([np.zeros(2)], lr=0.1)
>>> sched = StepLR(opt, step_size=2, gamma=0.5)    # sets the step-0 rate
>>> rates = []
>>> for epoch in range(5):
...     rates.append(opt.lr)
...     # ... opt.step(grads) for every minibatch of the epoch ...
...     sched.step()
>>> rates
[0.1, 0.1, 0.05, 0.05, 0.025]

As in torch, "step" counts calls of ``sched.step()``: once per epoch for most schedules, once
per minibatch for :class:`OneCycleLR`, :class:`CyclicLR` and for warmups (:class:`LinearLR`,
or a :class:`SequentialLR` of warmup then decay; ``optimlib.train.fit`` does this with
``scheduler_interval="step"``). :class:`ReduceLROnPlateau` is stepped with the monitored
metric, ``sched.step(val_loss)``. :class:`LambdaLR` takes any factor as a function of the step.

A scheduler sets the rate of every parameter group of the optimizer, each relative to that
group's own base rate (``param_groups[i]["initial_lr"]``), as torch's do; the arguments that
torch lets differ between groups (``max_lr`` of :class:`OneCycleLR`, ``base_lr`` and ``max_lr``
of :class:`CyclicLR`, the momenta, ``min_lr`` of :class:`ReduceLROnPlateau`, the functions of
:class:`LambdaLR`) take one value for all groups or a list with one per group:

>>> w, b = np.zeros(2), np.zeros(1)
>>> opt = SGD([{"params": [w], "lr": 0.1}, {"params": [b], "lr": 0.01}])
>>> sched = StepLR(opt, step_size=1, gamma=0.5)
>>> sched.step()
>>> sched.get_last_lr()
[0.05, 0.005]
"""

import math
from bisect import bisect_right
from dataclasses import dataclass

import numpy as np

from optimlib._validation import check_int, check_real

__all__ = ["step_lr", "multistep_lr", "exponential_lr", "cosine_lr", "linear_lr",
           "one_cycle_lr", "one_cycle_momentum", "cyclic_lr", "cosine_warm_restarts_lr",
           "LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
           "LinearLR", "LambdaLR", "SequentialLR", "OneCycleLR", "CyclicLR",
           "CosineAnnealingWarmRestarts", "ReduceLROnPlateau", "RangeTestResult",
           "lr_range_test"]


# -- the formulas ------------------------------------------------------------------------------
def step_lr(t, base_lr, step_size, gamma=0.1):
    r""":math:`\eta_t = \eta_0\,\gamma^{\lfloor t / s \rfloor}`: multiply by ``gamma`` every ``step_size`` steps."""
    return base_lr * gamma ** (t // step_size)


def multistep_lr(t, base_lr, milestones, gamma=0.1):
    r""":math:`\eta_t = \eta_0\,\gamma^{k}` with :math:`k` the number of milestones :math:`\le t`."""
    return base_lr * gamma ** bisect_right(sorted(milestones), t)


def exponential_lr(t, base_lr, gamma):
    r""":math:`\eta_t = \eta_0\,\gamma^t`."""
    return base_lr * gamma**t


def cosine_lr(t, base_lr, T_max, eta_min=0.0):
    r"""Cosine annealing, :math:`\eta_t = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})(1 + \cos(\pi t / T_{\max}))`.

    Loshchilov and Hutter (2017), SGDR, equation (5) without restarts.
    """
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t / T_max)) / 2


def linear_lr(t, base_lr, start_factor=1 / 3, end_factor=1.0, total_iters=5):
    r"""Linear ramp of the factor from ``start_factor`` to ``end_factor`` over ``total_iters``
    steps, then constant: :math:`\eta_t = \eta_0\,(f_s + (f_e - f_s)\min(t, T)/T)`. With
    ``start_factor < 1 = end_factor`` this is linear warmup (Goyal et al. 2017)."""
    return base_lr * (start_factor + (end_factor - start_factor) * min(t, total_iters) / total_iters)


def _anneal(start, end, fraction, strategy):
    if strategy == "cos":
        return end + (start - end) / 2 * (math.cos(math.pi * fraction) + 1)
    return start + (end - start) * fraction


def _one_cycle_phases(total_steps, pct_start, three_phase):
    """(end_step, lr_from, lr_to, momentum_from, momentum_to) of each phase, as in torch.

    Rates are named "initial", "max", "min"; momenta "max", "base".
    """
    if three_phase:
        return [(float(pct_start * total_steps) - 1, "initial", "max", "max", "base"),
                (float(2 * pct_start * total_steps) - 2, "max", "initial", "base", "max"),
                (total_steps - 1, "initial", "min", "max", "max")]
    return [(float(pct_start * total_steps) - 1, "initial", "max", "max", "base"),
            (total_steps - 1, "max", "min", "base", "max")]


def _one_cycle(t, total_steps, pct_start, three_phase, strategy, values, index):
    start_step = 0.0
    phases = _one_cycle_phases(total_steps, pct_start, three_phase)
    for i, phase in enumerate(phases):
        end_step = phase[0]
        if t <= end_step or i == len(phases) - 1:
            fraction = (t - start_step) / (end_step - start_step)
            return _anneal(values[phase[index]], values[phase[index + 1]], fraction, strategy)
        start_step = end_step


def one_cycle_lr(t, max_lr, total_steps, pct_start=0.3, anneal_strategy="cos",
                 div_factor=25.0, final_div_factor=1e4, three_phase=False):
    r"""The one-cycle rate (Smith and Topin 2019): warm up from ``max_lr / div_factor`` to
    ``max_lr`` during the first ``pct_start`` of the steps, then anneal to
    ``max_lr / (div_factor * final_div_factor)``."""
    initial = max_lr / div_factor
    values = {"initial": initial, "max": max_lr, "min": initial / final_div_factor}
    return _one_cycle(t, total_steps, pct_start, three_phase, anneal_strategy, values, 1)


def one_cycle_momentum(t, total_steps, pct_start=0.3, anneal_strategy="cos",
                       base_momentum=0.85, max_momentum=0.95, three_phase=False):
    """The momentum (or Adam's beta1) that one-cycle pairs with :func:`one_cycle_lr`: it
    falls while the rate rises and rises while the rate falls."""
    values = {"base": base_momentum, "max": max_momentum}
    return _one_cycle(t, total_steps, pct_start, three_phase, anneal_strategy, values, 3)


def _cyclic_scale(mode, gamma):
    """Smith's amplitude scalings: ``(scale_fn, scale_mode)`` of each ``mode``, as in torch."""
    return {"triangular": (lambda cycle: 1.0, "cycle"),
            "triangular2": (lambda cycle: 1 / (2.0 ** (cycle - 1)), "cycle"),
            "exp_range": (lambda t: gamma**t, "iterations")}[mode]


def cyclic_lr(t, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular",
              gamma=1.0, scale_fn=None, scale_mode="cycle"):
    r"""Smith's cyclical rate: up from ``base_lr`` to ``max_lr`` in ``step_size_up`` steps,
    back down in ``step_size_down`` (default: as many), again and again.

    With the cycle length :math:`S = S_{\text{up}} + S_{\text{down}}`, the cycle number
    :math:`c = \lfloor 1 + t/S \rfloor` and the position in it :math:`x = 1 + t/S - c \in [0, 1)`,
    the height :math:`h = x/r` while rising (:math:`x \le r = S_{\text{up}}/S`), else
    :math:`h = (1 - x)/(1 - r)`, and

    .. math:: \eta_t = \eta_{\text{base}} + (\eta_{\max} - \eta_{\text{base}})\; h\; s,

    where the scale :math:`s` is 1 (``"triangular"``), :math:`2^{1-c}` (``"triangular2"``:
    the amplitude halves every cycle) or :math:`\gamma^t` (``"exp_range"``); or
    ``scale_fn(c)`` (``scale_mode="cycle"``) or ``scale_fn(t)`` (``"iterations"``) if given.
    Swapping the bounds gives the momentum that :class:`CyclicLR` cycles the other way.
    Smith (2017), Section 3.1.
    """
    step_size_down = step_size_up if step_size_down is None else step_size_down
    total = float(step_size_up + step_size_down)
    ratio = step_size_up / total
    cycle = math.floor(1 + t / total)
    x = 1.0 + t / total - cycle
    height = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
    if scale_fn is None:
        scale_fn, scale_mode = _cyclic_scale(mode, gamma)
    return base_lr + (max_lr - base_lr) * height * scale_fn(
        cycle if scale_mode == "cycle" else t)


def _restart_position(t, T_0, T_mult):
    """``(T_cur, T_i)``: steps since the last restart, and the length of the current run."""
    if T_mult == 1:
        return t - T_0 * math.floor(t / T_0), T_0
    start, length = 0, T_0
    while t >= start + length:
        start, length = start + length, length * T_mult
    return t - start, length


def cosine_warm_restarts_lr(t, base_lr, T_0, T_mult=1, eta_min=0.0):
    r"""Cosine annealing with warm restarts (SGDR): :func:`cosine_lr` over :math:`T_i` steps,
    then back to ``base_lr``, with :math:`T_0` = ``T_0`` and :math:`T_{i+1} = T_{\text{mult}} T_i`:

    .. math:: \eta_t = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})
              \bigl(1 + \cos(\pi T_{\text{cur}} / T_i)\bigr),

    :math:`T_{\text{cur}}` the steps (or epochs, possibly fractional) since the last restart.
    Loshchilov and Hutter (2017), equation (5).
    """
    T_cur, T_i = _restart_position(t, T_0, T_mult)
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * T_cur / T_i)) / 2


# -- applying them to an optimizer -----------------------------------------------------------
def _groups_of(optimizer):
    groups = getattr(optimizer, "param_groups", None)
    if not groups or not all("lr" in group for group in groups):
        raise ValueError(f"{type(optimizer).__name__} has no param_groups with an lr to schedule")
    return groups


def _per_group(name, value, optimizer):
    """One value per parameter group: ``value`` for each, or the list given (torch's rule)."""
    groups = _groups_of(optimizer)
    if isinstance(value, (list, tuple)):
        if len(value) != len(groups):
            raise ValueError(f"{name} must be one value or a list of one per parameter group "
                             f"({len(groups)}), got {len(value)} values")
        return list(value)
    return [value] * len(groups)


def _set_momenta(optimizer, momenta):
    """Set each group's momentum, or Adam's beta1 (the Adam family has no ``momentum``)."""
    for group, momentum in zip(optimizer.param_groups, momenta):
        if "betas" in group:
            group["betas"] = (momentum, group["betas"][1])
        else:
            group["momentum"] = momentum


def _check_momentum(optimizer):
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError(f"{type(optimizer).__name__} has neither momentum nor betas to "
                         "cycle; pass cycle_momentum=False")


class LRScheduler:
    """Base class: set every group's ``lr`` to :meth:`lrs_at` of the step count.

    Constructing a scheduler applies the rates of step 0; each :meth:`step` advances one step.
    The schedule of a group is relative to its base rate, the group's ``lr`` when the
    optimizer's first scheduler was built (kept as ``group["initial_lr"]``, as in torch), so
    that schedulers built one after the other on one optimizer, for :class:`SequentialLR`,
    share the same bases. They are ``base_lrs``, one per group.

    Parameters
    ----------
    optimizer : optimlib.optim.Optimizer
    last_epoch : int, default -1
        Index of the last step taken; ``-1`` starts fresh. To continue a schedule with
        ``last_epoch >= 0`` every group must carry ``initial_lr`` (set by an earlier
        scheduler), as in torch; prefer :meth:`state_dict` / :meth:`load_state_dict`.
    base_lrs : list of float, optional
        For a subclass whose schedule has bounds of its own (:class:`CyclicLR`).
    """

    def __init__(self, optimizer, last_epoch=-1, base_lrs=None):
        groups = _groups_of(optimizer)
        self.optimizer = optimizer
        self.last_epoch = check_int("last_epoch", last_epoch, low=-1)
        if last_epoch == -1:
            for group in groups:                    # the first scheduler sets it, as in torch
                group.setdefault("initial_lr", group["lr"])
        elif not all("initial_lr" in group for group in groups):
            raise ValueError("last_epoch >= 0 needs param_groups[i]['initial_lr'] (the "
                             "schedule's base lr)")
        self.base_lrs = [group["initial_lr"] for group in groups] if base_lrs is None else base_lrs
        self.step()

    def lrs_at(self, t):  # pragma: no cover - abstract
        """The learning rates at step ``t`` (0, 1, 2, ...) of this schedule, one per group."""
        raise NotImplementedError

    def step(self):
        """Advance one step and set the learning rate of every group."""
        self.last_epoch += 1
        self._apply(self.lrs_at(self.last_epoch))

    def _apply(self, lrs):
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = list(lrs)

    def get_last_lr(self):
        """The rates set by the last :meth:`step`, one per group (torch's format)."""
        return list(self._last_lr)

    def state_dict(self):
        """The scheduler's state (everything but the optimizer), to save and resume."""
        return {key: value for key, value in vars(self).items() if key != "optimizer"}

    def load_state_dict(self, state_dict):
        """Resume from :meth:`state_dict`."""
        vars(self).update(state_dict)


class StepLR(LRScheduler):
    """Decay by ``gamma`` every ``step_size`` steps; see :func:`step_lr`."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size = check_int("step_size", step_size, low=1)
        self.gamma = check_real("gamma", gamma, low=0)
        super().__init__(optimizer, last_epoch)

    def lrs_at(self, t):
        return [step_lr(t, base_lr, self.step_size, self.gamma) for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Decay by ``gamma`` at each of the ``milestones``; see :func:`multistep_lr`."""

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        milestones = [check_int("milestones[i]", m, low=0) for m in milestones]
        if milestones != sorted(milestones):
            raise ValueError(f"milestones must be increasing, got {milestones}")
        self.milestones = milestones
        self.gamma = check_real("gamma", gamma, low=0)
        super().__init__(optimizer, last_epoch)

    def lrs_at(self, t):
        return [multistep_lr(t, base_lr, self.milestones, self.gamma)
                for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the rate by ``gamma`` every step; see :func:`exponential_lr`."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = check_real("gamma", gamma, low=0)
        super().__init__(optimizer, last_epoch)

    def lrs_at(self, t):
        return [exponential_lr(t, base_lr, self.gamma) for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Half a cosine from the base rate down to ``eta_min`` in ``T_max`` steps; see :func:`cosine_lr`."""

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        self.T_max = check_int("T_max", T_max, low=1)
        self.eta_min = check_real("eta_min", eta_min, low=0)
        super().__init__(optimizer, last_epoch)

    def lrs_at(self, t):
        return [cosine_lr(t, base_lr, self.T_max, self.eta_min) for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """Linear change of the factor over ``total_iters`` steps (warmup); see :func:`linear_lr`."""

    def __init__(self, optimizer, start_factor=1 / 3, end_factor=1.0, total_iters=5,
                 last_epoch=-1):
        self.start_factor = check_real("start_factor", start_factor, low=0, high=1,
                                       low_open=True)
        self.end_factor = check_real("end_factor", end_factor, low=0, high=1)
        self.total_iters = check_int("total_iters", total_iters, low=1)
        super().__init__(optimizer, last_epoch)

    def lrs_at(self, t):
        return [linear_lr(t, base_lr, self.start_factor, self.end_factor, self.total_iters)
                for base_lr in self.base_lrs]


class LambdaLR(LRScheduler):
    r"""The rate :math:`\eta_t = \eta_0\, \lambda(t)` for a function ``lr_lambda`` of the step.

    Parameters
    ----------
    optimizer : optimlib.optim.Optimizer
    lr_lambda : callable, or list of callable
        ``lr_lambda(t) -> float``, the factor at step ``t`` (0, 1, 2, ...); or one function
        per parameter group.
    last_epoch : int, default -1

    Examples
    --------
    >>> from optimlib.optim import SGD
    >>> opt = SGD([np.zeros(1)], lr=0.1)
    >>> sched = LambdaLR(opt, lambda t: 1 / (1 + t))
    >>> sched.step(); sched.step()
    >>> round(opt.lr, 6)                                      # 0.1 / 3
    0.033333

    References
    ----------
    PyTorch documentation, ``torch.optim.lr_scheduler.LambdaLR``.
    """

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        self.lr_lambdas = _per_group("lr_lambda", lr_lambda, optimizer)
        if not all(callable(f) for f in self.lr_lambdas):
            raise ValueError(f"lr_lambda must be a function of the step, got {lr_lambda!r}")
        super().__init__(optimizer, last_epoch)

    def lrs_at(self, t):
        return [base_lr * f(t) for base_lr, f in zip(self.base_lrs, self.lr_lambdas)]

    def state_dict(self):
        """Everything but the functions (which may not pickle), as in torch."""
        return {key: value for key, value in super().state_dict().items()
                if key != "lr_lambdas"}


class SequentialLR(LRScheduler):
    r"""Run ``schedulers`` one after another, switching at the steps in ``milestones``.

    Scheduler :math:`i` runs from step :math:`m_{i-1}` (with :math:`m_{-1} = 0`) and starts
    at its own step 0 there: :math:`\eta_t = \eta^{(i)}_{t - m_{i-1}}`. The usual use is a
    warmup followed by a decay, each stepped once per minibatch:

    >>> from optimlib.optim import SGD
    >>> opt = SGD([np.zeros(1)], lr=0.1)
    >>> warmup = LinearLR(opt, start_factor=0.25, total_iters=3)
    >>> decay = CosineAnnealingLR(opt, T_max=4)
    >>> sched = SequentialLR(opt, [warmup, decay], milestones=[3])
    >>> rates = []
    >>> for t in range(8):
    ...     rates.append(round(opt.lr, 4))
    ...     sched.step()
    >>> rates
    [0.025, 0.05, 0.075, 0.1, 0.0854, 0.05, 0.0146, 0.0]

    Parameters
    ----------
    optimizer : optimlib.optim.Optimizer
    schedulers : sequence of LRScheduler
        Built on ``optimizer``, in the order they run (building them applied their step-0
        rates; this scheduler undoes that and starts the first one, as torch does).
    milestones : sequence of int
        ``len(schedulers) - 1`` increasing steps at which the next scheduler takes over.
    last_epoch : int, default -1

    References
    ----------
    PyTorch documentation, ``torch.optim.lr_scheduler.SequentialLR``.
    """

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        schedulers = list(schedulers)
        if not schedulers:
            raise ValueError("schedulers must hold at least one scheduler")
        for i, scheduler in enumerate(schedulers):
            if not isinstance(scheduler, LRScheduler) or isinstance(scheduler, SequentialLR):
                raise ValueError(f"schedulers[{i}] must be one of the step schedulers (not "
                                 f"ReduceLROnPlateau or SequentialLR), got "
                                 f"{type(scheduler).__name__}")
            if scheduler.optimizer is not optimizer:
                raise ValueError(f"schedulers[{i}] belongs to another optimizer")
        milestones = [check_int(f"milestones[{i}]", m, low=1) for i, m in enumerate(milestones)]
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"{len(schedulers)} schedulers need {len(schedulers) - 1} "
                             f"milestones, got {len(milestones)}")
        if any(b <= a for a, b in zip(milestones, milestones[1:])):
            raise ValueError(f"milestones must be increasing, got {milestones}")
        self.schedulers, self.milestones = schedulers, milestones
        super().__init__(optimizer, last_epoch)

    def _current(self, t):
        """The scheduler in charge at step ``t`` and its own step count there."""
        i = bisect_right(self.milestones, t)
        return self.schedulers[i], t - (self.milestones[i - 1] if i else 0)

    def lrs_at(self, t):
        scheduler, local = self._current(t)
        return scheduler.lrs_at(local)

    def step(self):
        self.last_epoch += 1
        scheduler, local = self._current(self.last_epoch)
        scheduler.last_epoch = local - 1       # the scheduler's own step (and momentum, for
        scheduler.step()                       # OneCycleLR) at its local step count
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self):
        state = {key: value for key, value in super().state_dict().items()
                 if key != "schedulers"}
        state["schedulers"] = [scheduler.state_dict() for scheduler in self.schedulers]
        return state

    def load_state_dict(self, state_dict):
        state = dict(state_dict)
        for scheduler, saved in zip(self.schedulers, state.pop("schedulers")):
            scheduler.load_state_dict(saved)
        super().load_state_dict(state)


class OneCycleLR(LRScheduler):
    """The one-cycle policy: rate up then down, momentum (or Adam's beta1) down then up.

    Stepped once per minibatch, ``total_steps`` times (or ``epochs * steps_per_epoch``).
    The optimizer's own ``lr`` is ignored: the cycle is defined by ``max_lr``. See
    :func:`one_cycle_lr` and :func:`one_cycle_momentum`.

    Parameters
    ----------
    optimizer : optimlib.optim.Optimizer
        With ``momentum`` (SGD, RMSprop) or ``betas`` (the Adam family) when
        ``cycle_momentum`` is true.
    max_lr : float or list of float
        The peak rate, :math:`> 0` (or one per parameter group).
    total_steps : int, optional
        Length of the cycle in steps; or give ``epochs`` and ``steps_per_epoch`` instead.
    epochs, steps_per_epoch : int, optional
        ``total_steps = epochs * steps_per_epoch`` when ``total_steps`` is not given.
    pct_start : float, default 0.3
        Fraction of the steps spent raising the rate.
    anneal_strategy : {"cos", "linear"}, default "cos"
    cycle_momentum : bool, default True
        Move the momentum (or Adam's :math:`\beta_1`) opposite to the rate.
    base_momentum, max_momentum : float or list of float, default 0.85, 0.95
        The momentum at the peak rate, and at the start and end (or one per group).
    div_factor : float, default 25
        The rate starts at ``max_lr / div_factor``.
    final_div_factor : float, default 1e4
        The rate ends at ``max_lr / (div_factor * final_div_factor)``.
    three_phase : bool, default False
        Go back down to ``max_lr / div_factor`` symmetrically, then anneal to the end.
    last_epoch : int, default -1

    References
    ----------
    Smith and Topin (2019). Super-convergence: very fast training of neural networks using
    large learning rates. PyTorch documentation, ``torch.optim.lr_scheduler.OneCycleLR``.
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None,
                 pct_start=0.3, anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85,
                 max_momentum=0.95, div_factor=25.0, final_div_factor=1e4, three_phase=False,
                 last_epoch=-1):
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError("give total_steps, or both epochs and steps_per_epoch")
            total_steps = check_int("epochs", epochs, low=1) * check_int(
                "steps_per_epoch", steps_per_epoch, low=1)
        self.total_steps = check_int("total_steps", total_steps, low=1)
        self.max_lrs = [check_real("max_lr", value, low=0, low_open=True)
                        for value in _per_group("max_lr", max_lr, optimizer)]
        self.pct_start = check_real("pct_start", pct_start, low=0, high=1)
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        self.anneal_strategy = anneal_strategy
        self.div_factor = check_real("div_factor", div_factor, low=0, low_open=True)
        self.final_div_factor = check_real("final_div_factor", final_div_factor, low=0,
                                           low_open=True)
        self.three_phase = bool(three_phase)
        self.cycle_momentum = bool(cycle_momentum)
        self.base_momentums = [check_real("base_momentum", value, low=0) for value
                               in _per_group("base_momentum", base_momentum, optimizer)]
        self.max_momentums = [check_real("max_momentum", value, low=0) for value
                              in _per_group("max_momentum", max_momentum, optimizer)]
        if self.cycle_momentum:
            _check_momentum(optimizer)
        if last_epoch == -1:
            for group, peak in zip(optimizer.param_groups, self.max_lrs):
                group["initial_lr"] = peak / self.div_factor
        super().__init__(optimizer, last_epoch)

    def lrs_at(self, t):
        if t > self.total_steps:
            raise ValueError(f"Tried to step {t} times; OneCycleLR was set up for "
                             f"total_steps={self.total_steps}")
        return [one_cycle_lr(t, max_lr, self.total_steps, self.pct_start, self.anneal_strategy,
                             self.div_factor, self.final_div_factor, self.three_phase)
                for max_lr in self.max_lrs]

    def step(self):
        super().step()
        if self.cycle_momentum:
            _set_momenta(self.optimizer, [
                one_cycle_momentum(self.last_epoch, self.total_steps, self.pct_start,
                                   self.anneal_strategy, base, peak, self.three_phase)
                for base, peak in zip(self.base_momentums, self.max_momentums)])


class CyclicLR(LRScheduler):
    r"""Cyclical learning rates (Smith 2017): the rate goes up and down between two bounds.

    Stepped once per minibatch. Each group's rate follows :func:`cyclic_lr` between its
    ``base_lr`` and ``max_lr``; the optimizer's own ``lr`` is replaced by ``base_lr``. With
    ``cycle_momentum`` the momentum (or Adam's :math:`\beta_1`) follows the same cycle the other
    way, from ``max_momentum`` at the bottom of each cycle down to ``base_momentum`` at its top.

    Parameters
    ----------
    optimizer : optimlib.optim.Optimizer
    base_lr, max_lr : float or list of float
        The lower and upper bounds (or one of each per parameter group). With a
        ``"triangular2"`` or ``"exp_range"`` scaling, ``max_lr`` is reached at most once.
    step_size_up : int, default 2000
        Steps from the bottom of a cycle to its top, :math:`\ge 1`.
    step_size_down : int, optional
        Steps from the top back down (default: ``step_size_up``).
    mode : {"triangular", "triangular2", "exp_range"}, default "triangular"
        Constant amplitude, halved every cycle, or multiplied by :math:`\gamma^t`.
    gamma : float, default 1.0
        The factor of ``"exp_range"``, in (0, 1].
    scale_fn : callable, optional
        A custom scaling ``scale_fn(x)`` in [0, 1] that replaces ``mode``.
    scale_mode : {"cycle", "iterations"}, default "cycle"
        Whether ``scale_fn`` gets the cycle number or the step.
    cycle_momentum : bool, default True
        Needs an optimizer with ``momentum`` or ``betas``.
    base_momentum, max_momentum : float or list of float, default 0.8, 0.9
    last_epoch : int, default -1

    References
    ----------
    Smith (2017). Cyclical learning rates for training neural networks. WACV.
    PyTorch documentation, ``torch.optim.lr_scheduler.CyclicLR``.

    Examples
    --------
    >>> from optimlib.optim import SGD
    >>> opt = SGD([np.zeros(1)], lr=0.1, momentum=0.9)
    >>> sched = CyclicLR(opt, base_lr=0.1, max_lr=0.5, step_size_up=2)
    >>> rates, momenta = [], []
    >>> for t in range(6):
    ...     rates.append(round(opt.lr, 4))
    ...     momenta.append(round(opt.momentum, 4))
    ...     sched.step()
    >>> rates
    [0.1, 0.3, 0.5, 0.3, 0.1, 0.3]
    >>> momenta
    [0.9, 0.85, 0.8, 0.85, 0.9, 0.85]
    """

    def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None,
                 mode="triangular", gamma=1.0, scale_fn=None, scale_mode="cycle",
                 cycle_momentum=True, base_momentum=0.8, max_momentum=0.9, last_epoch=-1):
        lows = [check_real("base_lr", v, low=0) for v in _per_group("base_lr", base_lr, optimizer)]
        self.max_lrs = [check_real("max_lr", v, low=0)
                        for v in _per_group("max_lr", max_lr, optimizer)]
        self.step_size_up = check_int("step_size_up", step_size_up, low=1)
        self.step_size_down = check_int("step_size_down", step_size_up if step_size_down is None
                                        else step_size_down, low=1)
        if scale_fn is None and mode not in ("triangular", "triangular2", "exp_range"):
            raise ValueError(f"mode must be 'triangular', 'triangular2' or 'exp_range', "
                             f"got {mode!r}")
        if scale_fn is not None and not callable(scale_fn):
            raise ValueError(f"scale_fn must be a function or None, got {scale_fn!r}")
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"scale_mode must be 'cycle' or 'iterations', got {scale_mode!r}")
        self.mode, self.scale_fn, self.scale_mode = mode, scale_fn, scale_mode
        self.gamma = check_real("gamma", gamma, low=0, high=1, low_open=True)
        self.cycle_momentum = bool(cycle_momentum)
        self.base_momentums = [check_real("base_momentum", v, low=0, high=1) for v
                               in _per_group("base_momentum", base_momentum, optimizer)]
        self.max_momentums = [check_real("max_momentum", v, low=0, high=1) for v
                              in _per_group("max_momentum", max_momentum, optimizer)]
        if self.cycle_momentum:
            _check_momentum(optimizer)
        if last_epoch == -1:
            for group, low in zip(optimizer.param_groups, lows):
                group["lr"] = low
        super().__init__(optimizer, last_epoch, base_lrs=lows)

    def _cycle(self, t, low, high):
        return cyclic_lr(t, low, high, self.step_size_up, self.step_size_down, self.mode,
                         self.gamma, self.scale_fn, self.scale_mode)

    def lrs_at(self, t):
        return [self._cycle(t, low, high) for low, high in zip(self.base_lrs, self.max_lrs)]

    def step(self):
        super().step()
        if self.cycle_momentum:            # the same cycle between the momenta, upside down
            _set_momenta(self.optimizer, [
                self._cycle(self.last_epoch, high, low)
                for low, high in zip(self.base_momentums, self.max_momentums)])

    def state_dict(self):
        """Everything but a custom ``scale_fn`` (which may not pickle), as in torch."""
        return {key: value for key, value in super().state_dict().items() if key != "scale_fn"}


class CosineAnnealingWarmRestarts(LRScheduler):
    r"""Cosine annealing with warm restarts (SGDR, Loshchilov and Hutter 2017).

    Each group's rate falls along half a cosine from its base rate to ``eta_min`` over
    :math:`T_i` steps, then jumps back up (a *warm restart*); :math:`T_0` = ``T_0`` and each
    run is ``T_mult`` times longer than the one before. See :func:`cosine_warm_restarts_lr`.
    ``T_cur`` and ``T_i`` are the position in the current run and its length.

    As in torch, ``step(epoch)`` may be given a fractional epoch, ``epoch + i / batches``, to
    anneal within an epoch; ``step()`` advances ``last_epoch``, and the position, by one.

    Parameters
    ----------
    optimizer : optimlib.optim.Optimizer
    T_0 : int
        Length of the first run, :math:`\ge 1`.
    T_mult : int, default 1
        Growth factor of the runs, :math:`\ge 1`.
    eta_min : float, default 0
    last_epoch : int, default -1

    References
    ----------
    Loshchilov and Hutter (2017). SGDR: stochastic gradient descent with warm restarts. ICLR.
    PyTorch documentation, ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts``.

    Examples
    --------
    >>> from optimlib.optim import SGD
    >>> opt = SGD([np.zeros(1)], lr=1.0)
    >>> sched = CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
    >>> rates = []
    >>> for t in range(8):
    ...     rates.append(round(opt.lr, 4))
    ...     sched.step()
    >>> rates                             # runs of 2, then 4 steps
    [1.0, 0.5, 1.0, 0.8536, 0.5, 0.1464, 1.0, 0.9619]
    """

    def __init__(self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):
        self.T_0 = check_int("T_0", T_0, low=1)
        self.T_mult = check_int("T_mult", T_mult, low=1)
        self.eta_min = check_real("eta_min", eta_min, low=0)
        super().__init__(optimizer, last_epoch)

    def lrs_at(self, t):
        return [cosine_warm_restarts_lr(t, base_lr, self.T_0, self.T_mult, self.eta_min)
                for base_lr in self.base_lrs]

    def step(self, epoch=None):
        """Advance one step, or go to ``epoch`` (a real number :math:`\\ge 0`).

        As in torch, ``step()`` moves one unit on from the current position, also after a
        fractional ``step(epoch)``: ``step(5.5)`` then ``step()`` is at 6.5, not 6.
        """
        if epoch is None and getattr(self, "_position_of", None) == self.last_epoch:
            self.last_epoch += 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:                 # a warm restart
                self.T_cur -= self.T_i
                self.T_i *= self.T_mult
        else:
            if epoch is None:          # the first call, or last_epoch set from outside
                self.last_epoch += 1   # (SequentialLR): the position from the step count
                epoch = self.last_epoch
            else:
                epoch = check_real("epoch", epoch, low=0)
                self.last_epoch = math.floor(epoch)
            self.T_cur, self.T_i = _restart_position(epoch, self.T_0, self.T_mult)
        self._position_of = self.last_epoch             # T_cur, T_i belong to this step
        self._apply([self.eta_min + (base_lr - self.eta_min)
                     * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
                     for base_lr in self.base_lrs])


class ReduceLROnPlateau:
    """Multiply the rate by ``factor`` once a metric has not improved for more than ``patience``
    steps.

    ``step(metric)`` after each evaluation. An improvement is a value below
    ``best * (1 - threshold)`` (``mode="min"``, ``threshold_mode="rel"``), below
    ``best - threshold`` (``"abs"``), or the mirror images for ``mode="max"``. After a
    reduction, ``cooldown`` steps pass before bad steps are counted again; the rate never
    goes below ``min_lr``, and changes smaller than ``eps`` are skipped.

    Parameters
    ----------
    optimizer : optimlib.optim.Optimizer
    mode : {"min", "max"}, default "min"
    factor : float, default 0.1
        In (0, 1).
    patience : int, default 10
        Steps without improvement that are tolerated; the rate drops at the next one (as in
        torch).
    threshold : float, default 1e-4
    threshold_mode : {"rel", "abs"}, default "rel"
    cooldown : int, default 0
    min_lr : float or list of float, default 0
        A floor for every group's rate (or one per group).
    eps : float, default 1e-8

    References
    ----------
    PyTorch documentation, ``torch.optim.lr_scheduler.ReduceLROnPlateau``.
    """

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4,
                 threshold_mode="rel", cooldown=0, min_lr=0.0, eps=1e-8):
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        self.optimizer = optimizer
        self.mode, self.threshold_mode = mode, threshold_mode
        self.factor = check_real("factor", factor, low=0, high=1, high_open=True)
        self.patience = check_int("patience", patience, low=0)
        self.threshold = check_real("threshold", threshold, low=0)
        self.cooldown = check_int("cooldown", cooldown, low=0)
        self.min_lrs = [check_real("min_lr", value, low=0)
                        for value in _per_group("min_lr", min_lr, optimizer)]
        self.eps = check_real("eps", eps, low=0)
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0

    def is_better(self, value, best):
        if self.mode == "min":
            bar = best * (1 - self.threshold) if self.threshold_mode == "rel" else best - self.threshold
            return value < bar
        bar = best * (1 + self.threshold) if self.threshold_mode == "rel" else best + self.threshold
        return value > bar

    def step(self, metric):
        """Record ``metric`` (e.g. the validation loss) and reduce the rate if it has plateaued."""
        value = check_real("metric", metric)
        self.last_epoch += 1
        if self.is_better(value, self.best):
            self.best, self.num_bad_epochs = value, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                new_lr = max(group["lr"] * self.factor, min_lr)
                if group["lr"] - new_lr > self.eps:
                    group["lr"] = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0

    def get_last_lr(self):
        """The current rate of every group."""
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self):
        return {key: value for key, value in vars(self).items() if key != "optimizer"}

    def load_state_dict(self, state_dict):
        vars(self).update(state_dict)


# -- the learning-rate range test --------------------------------------------------------------
@dataclass
class RangeTestResult:
    """What :func:`lr_range_test` measured.

    Attributes
    ----------
    lrs : ndarray
        The rate of each step.
    losses : ndarray
        The loss each step gave.
    smoothed : ndarray
        The bias-corrected exponential moving average of ``losses``.
    steepest_lr : float
        Rate where the smoothed loss fell fastest per unit of :math:`\\log\\eta`.
    min_loss_lr : float
        Rate at the lowest smoothed loss; one tenth of it is a common, safer choice.
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    steepest_lr: float
    min_loss_lr: float


def lr_range_test(loss_and_grads, params, optimizer_cls, *, lr_min=1e-6, lr_max=1.0,
                  steps=100, smoothing=0.98, stop_factor=4.0, skip_start=0,
                  **hyperparameters):
    r"""Smith's learning-rate range test: train briefly while the rate grows exponentially.

    At step :math:`k = 0, \dots, K-1` (:math:`K` is ``steps``) the rate is
    :math:`\eta_k = \eta_{\min}(\eta_{\max}/\eta_{\min})^{k/(K-1)}`.
    The loss first barely moves (rate too small), then falls (useful rates), then blows up
    (too large). The test stops early once the smoothed loss exceeds ``stop_factor`` times its
    best value. The parameters are restored afterwards.

    Parameters
    ----------
    loss_and_grads : callable
        ``loss_and_grads() -> (loss, grads)`` evaluated at the current parameters (on the
        next minibatch, if training stochastically).
    params : dict or list of ndarray
        The arrays the optimizer updates (restored at the end).
    optimizer_cls : optimizer class
    lr_min, lr_max : float
        Range of rates, ``0 < lr_min < lr_max``.
    steps : int, default 100
        :math:`K \ge 2`, the length of the sweep.
    smoothing : float, default 0.98
        Weight of the exponential moving average of the loss, in [0, 1).
    stop_factor : float, default 4
    skip_start : int, default 0
        Steps at the start left out when picking ``steepest_lr`` and ``min_loss_lr``: with
        minibatches the first smoothed values rest on a few losses only, and their noise can
        look like the steepest descent.
    **hyperparameters
        Passed to the optimizer.

    Returns
    -------
    RangeTestResult

    References
    ----------
    Smith (2017). Cyclical learning rates for training neural networks. WACV, Section 3.3.
    """
    lr_min = check_real("lr_min", lr_min, low=0, low_open=True)
    lr_max = check_real("lr_max", lr_max, low=lr_min, low_open=True)
    steps = check_int("steps", steps, low=2)
    smoothing = check_real("smoothing", smoothing, low=0, high=1, high_open=True)
    stop_factor = check_real("stop_factor", stop_factor, low=1)
    skip_start = check_int("skip_start", skip_start, low=0, high=steps - 2)
    optimizer = optimizer_cls(params, lr=lr_min, **hyperparameters)
    saved = [p.copy() for p in optimizer.params]
    lrs, losses, smoothed = [], [], []
    average, best = 0.0, math.inf
    try:
        for k, lr in enumerate(lr_min * (lr_max / lr_min) ** (np.arange(steps) / (steps - 1))):
            optimizer.lr = float(lr)
            loss, grads = loss_and_grads()
            loss = float(loss)
            average = smoothing * average + (1 - smoothing) * loss
            value = average / (1 - smoothing ** (k + 1))      # bias-corrected, as in Adam
            lrs.append(float(lr)); losses.append(loss); smoothed.append(value)
            if not math.isfinite(value) or value > stop_factor * best:
                break
            best = min(best, value)
            optimizer.step(grads)
    finally:
        for param, original in zip(optimizer.params, saved):
            param[...] = original
    lrs, losses, smoothed = np.array(lrs), np.array(losses), np.array(smoothed)
    finite = np.isfinite(smoothed)
    finite[:skip_start] = False
    if not finite.any():
        raise ValueError(f"the test stopped after {len(lrs)} steps, within skip_start="
                         f"{skip_start}; lower lr_min or skip_start")
    slope = np.gradient(smoothed[finite], np.log(lrs[finite])) if finite.sum() > 1 else np.zeros(1)
    return RangeTestResult(lrs, losses, smoothed, steepest_lr=float(lrs[finite][np.argmin(slope)]),
                           min_loss_lr=float(lrs[finite][np.argmin(smoothed[finite])]))
