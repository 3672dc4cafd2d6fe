"""Interactive explorers (ipywidgets) used by the chapters.

Widgets need a running kernel (JupyterLab, Binder, Thebe). Every explorer in the book is
paired with a static figure that teaches the same lesson on the published site, usually
:func:`optimlib.plot.landscapes.trajectory_gallery` over the slider's range.

Cells that display a widget carry the ``nbval-ignore-output`` tag: the widget's state is
live, not part of what the book asserts.
"""

import inspect
import math

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from optimlib import plot
from optimlib._validation import check_real
from optimlib.optim import SGD
from optimlib.train import minimize

__all__ = ["explorer", "lr_slider", "int_slider", "float_slider", "optimizer_explorer",
           "gd_explorer"]


def explorer(draw, **controls):
    """Redraw ``draw(**values)`` whenever one of the ``controls`` changes.

    Parameters
    ----------
    draw : callable
        Makes a matplotlib figure from keyword arguments named like the controls.
    **controls : ipywidgets value widgets
        E.g. ``lr=lr_slider(0.1, 1e-3, 1)``.

    Returns
    -------
    ipywidgets.VBox
        The controls above the figure; display it (last line of a cell).
    """
    def redraw(**values):
        draw(**values)
        plt.show()

    output = widgets.interactive_output(redraw, controls)
    return widgets.VBox([widgets.HBox(list(controls.values())), output])


def lr_slider(value, low, high, description="η (lr)"):
    """A logarithmic learning-rate slider from ``low`` to ``high`` (both > 0)."""
    low = check_real("low", low, low=0, low_open=True)
    high = check_real("high", high, low=low, low_open=True)
    value = check_real("value", value, low=low, high=high)
    return widgets.FloatLogSlider(value=value, base=10, min=math.log10(low),
                                  max=math.log10(high), step=0.01, description=description,
                                  readout_format=".3g", continuous_update=False)


def int_slider(value, low, high, description, step=1):
    """An integer slider that redraws on release."""
    return widgets.IntSlider(value=value, min=low, max=high, step=step,
                             description=description, continuous_update=False)


def _show(value):
    """A slider or checkbox value for a title: booleans as words, numbers to 3 digits."""
    return str(value) if isinstance(value, (bool, np.bool_)) else f"{value:.3g}"


def float_slider(value, low, high, description, step=0.01):
    """A float slider that redraws on release (for momentum, betas, ...)."""
    return widgets.FloatSlider(value=value, min=low, max=high, step=step,
                               description=description, readout_format=".3g",
                               continuous_update=False)


def optimizer_explorer(problem, theta0, optimizer=SGD, *, steps=(30, 1, 200), dims=(0, 1),
                       xlim=None, ylim=None, labels=None, hyperparameters=None, **sliders):
    r"""Run ``optimizer`` on ``problem`` with a slider for each hyperparameter.

    Left: contour plot with the trajectory; right: :math:`f(\theta_t) - f^\star` on a log
    scale. For a problem that knows its divergence threshold (a quadratic), the left title
    shows :math:`2/L` next to :math:`\eta`.

    Parameters
    ----------
    problem : optimlib.problems.Problem
    theta0 : array_like
    optimizer : optimizer class, default :class:`optimlib.optim.SGD`
    steps : (value, low, high), default (30, 1, 200)
        Range of the step-count slider.
    dims, xlim, ylim, labels
        As in :func:`optimlib.plot.landscapes.contour`.
    hyperparameters : callable, optional
        Maps the slider values (keyword arguments) to the optimizer's keyword arguments,
        e.g. ``lambda lr, beta1: dict(lr=lr, betas=(beta1, 0.999))``. Default: passed as is.
    **sliders : ipywidgets
        One per hyperparameter, e.g. ``lr=lr_slider(0.1, 1e-3, 1)``,
        ``momentum=float_slider(0.9, 0, 0.99, "μ")``.

    Returns
    -------
    ipywidgets.VBox

    Examples
    --------
    In a notebook cell (it draws, so it is not run as a doctest):

    >>> from optimlib.problems import Quadratic
    >>> optimizer_explorer(Quadratic.with_condition_number(10), [1.0, 1.0],
    ...                    lr=lr_slider(0.5, 0.01, 2.0),
    ...                    momentum=float_slider(0.5, 0, 0.99, "μ"))  # doctest: +SKIP
    """
    theta0 = np.asarray(theta0, dtype=float)
    max_stable = getattr(problem, "max_stable_lr", None)
    to_hyperparameters = hyperparameters or (lambda **values: values)

    def draw(steps, **values):
        hyper = to_hyperparameters(**values)
        run = minimize(problem, theta0, optimizer, steps=steps, **hyper)
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
        plot.contour(problem, left, xlim=xlim, ylim=ylim, dims=dims, labels=labels)
        plot.trajectory(left, run.thetas, dims=dims, color=plot.PALETTE[1])
        verdict = "diverges" if run.diverged else "converges"
        settings = ", ".join(f"{name} = {_show(value)}" for name, value in values.items())
        threshold = f" (2/L = {max_stable:.3g})" if max_stable is not None and "lr" in values else ""
        left.set_title(f"{settings}{threshold}: {verdict}", fontsize=10)
        gap = np.maximum(run.suboptimality, np.finfo(float).tiny)
        plot.loss_curves({optimizer.__name__: gap}, right, ylabel=r"$f(\theta_t) - f^\star$",
                         title="distance to the optimum")

    return explorer(draw, **sliders, steps=int_slider(*steps, description="steps"))


def gd_explorer(problem, theta0, *, lr=(0.1, 1e-3, 3.0), steps=(30, 1, 200), dims=(0, 1),
                xlim=None, ylim=None, labels=None):
    """Gradient descent on ``problem`` with learning-rate and step-count sliders.

    :func:`optimizer_explorer` with plain :class:`~optimlib.optim.SGD` and one slider.

    Parameters
    ----------
    problem : optimlib.problems.Problem
    theta0 : array_like
    lr : (value, low, high), default (0.1, 1e-3, 3.0)
    steps : (value, low, high), default (30, 1, 200)
    dims, xlim, ylim, labels
        As in :func:`optimlib.plot.landscapes.contour`.

    Returns
    -------
    ipywidgets.VBox
    """
    return optimizer_explorer(problem, theta0, SGD, steps=steps, dims=dims, xlim=xlim,
                              ylim=ylim, labels=labels, lr=lr_slider(*lr))


# -- Chapter 6: learning-rate schedules ----------------------------------------------------------
__all__ += ["schedule_explorer"]


def _schedule_parameters(make):
    """Names of the keyword parameters of ``make(optimizer, **params)`` (all but the first)."""
    return list(inspect.signature(make).parameters)[1:]


def _schedule_curves(make, lr, steps, optimizer, hyperparameters):
    """Rate and momentum (Adam's beta1) that ``make``'s scheduler sets at steps 0 to steps - 1."""
    opt = optimizer([np.zeros(1)], lr=lr, **hyperparameters)
    scheduler = make(opt)
    rates, momenta = [], []
    for _ in range(steps):
        rates.append(opt.lr)
        momentum = opt.betas[0] if hasattr(opt, "betas") else getattr(opt, "momentum", math.nan)
        momenta.append(momentum)
        scheduler.step()
    return np.array(rates), np.array(momenta)


def schedule_explorer(schedules, train, *, total_steps, lr=(0.05, 1e-3, 0.5), optimizer=SGD,
                      hyperparameters=None, xlabel="epoch", ylabel="loss", **sliders):
    r"""Pick a learning-rate schedule from a menu, set its parameters with sliders, and see the
    rate it produces and the training curve that rate gives.

    Left: :math:`\eta_t` for :math:`t = 0, \dots,` ``total_steps - 1`` (and, on a second
    axis, the momentum if the scheduler changes it, as one-cycle does). Right: the curve that
    ``train`` returns for the chosen schedule, next to the same training at the constant rate
    :math:`\eta`. Sliders that the chosen schedule does not use are greyed out.

    Parameters
    ----------
    schedules : dict of str -> callable
        Menu entry -> ``make(optimizer, **params)`` returning a scheduler from
        :mod:`optimlib.schedules` built on ``optimizer``. ``make`` names, after the optimizer,
        only the slider values it uses, e.g. ``lambda opt, gamma: StepLR(opt, 100, gamma)``.
    train : callable
        ``train(make, lr) -> (x, values)``: train with base rate ``lr`` and the scheduler that
        ``make(optimizer)`` builds (``make`` is None for the constant rate), and return the
        curve to plot, e.g. ``(epochs, suboptimality)``.
    total_steps : int
        Number of scheduler steps ``train`` takes, the length of the rate curve.
    lr : (value, low, high), default (0.05, 1e-3, 0.5)
        Range of the (logarithmic) base learning-rate slider.
    optimizer : optimizer class, default :class:`~optimlib.optim.SGD`
        Class of the throwaway optimizer (one zero parameter) on which the rate curve is
        read off the scheduler.
    hyperparameters : dict, optional
        Its other arguments, e.g. ``{"momentum": 0.9}`` (needed to draw one-cycle's momentum).
    xlabel, ylabel : str
        Axis labels of the training curve.
    **sliders : ipywidgets
        One per schedule parameter, e.g. ``gamma=float_slider(0.5, 0.05, 0.95, "γ")``.

    Returns
    -------
    ipywidgets.VBox

    Raises
    ------
    ValueError
        If ``schedules`` is empty or a schedule names a parameter without a slider.

    Examples
    --------
    In a notebook cell (it draws and trains, so it is not run as a doctest):

    >>> from optimlib.schedules import CosineAnnealingLR, StepLR
    >>> schedules = {"step": lambda opt, gamma: StepLR(opt, 100, gamma=gamma),
    ...              "cosine": lambda opt: CosineAnnealingLR(opt, T_max=500)}
    >>> schedule_explorer(schedules, train, total_steps=500,
    ...                   gamma=float_slider(0.5, 0.05, 0.95, "γ"))  # doctest: +SKIP
    """
    if not schedules:
        raise ValueError("schedules is empty: give at least one name -> make(optimizer, ...)")
    used = {name: _schedule_parameters(make) for name, make in schedules.items()}
    for name, params in used.items():
        unknown = sorted(set(params) - set(sliders))
        if unknown:
            raise ValueError(f"schedule {name!r} uses {unknown}, which have no slider; "
                             f"sliders: {sorted(sliders)}")
    hyperparameters = dict(hyperparameters or {})
    menu = widgets.Dropdown(options=list(schedules), description="schedule")

    def grey_out_unused(change=None):
        for param, slider in sliders.items():
            slider.disabled = param not in used[menu.value]

    menu.observe(grey_out_unused, names="value")
    grey_out_unused()

    def draw(schedule, lr, **values):
        make_schedule = schedules[schedule]
        params = {param: values[param] for param in used[schedule]}

        def make(opt):
            return make_schedule(opt, **params)

        rates, momenta = _schedule_curves(make, lr, total_steps, optimizer, hyperparameters)
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
        left.plot(np.arange(total_steps), rates, color=plot.PALETTE[0], label=r"$\eta_t$")
        left.set_xlabel("step $t$")
        left.set_ylabel(r"learning rate $\eta_t$")
        left.set_ylim(0, 1.05 * max(float(np.max(rates)), lr))
        settings = ", ".join(f"{param} = {value:.3g}" for param, value in params.items())
        left.set_title(f"{schedule}" + (f" ({settings})" if settings else ""), fontsize=10)
        cycled = momenta[np.isfinite(momenta)]
        if cycled.size and cycled.max() > cycled.min():
            twin = left.twinx()
            twin.plot(np.arange(total_steps), momenta, color=plot.PALETTE[1],
                      linestyle=plot.LINESTYLES[1], label=r"momentum $\mu_t$")
            twin.set_ylabel(r"momentum $\mu_t$")
            twin.grid(False)
            twin.spines["right"].set_visible(True)
            left.legend(handles=left.get_lines() + twin.get_lines(), loc="center right")
        with np.errstate(over="ignore", invalid="ignore"):
            curves = {schedule: train(make, lr), rf"constant $\eta$ = {lr:.3g}": train(None, lr)}
        plot.loss_curves(curves, right, xlabel=xlabel, ylabel=ylabel,
                         title=rf"training with base rate $\eta$ = {lr:.3g}")

    box = explorer(draw, schedule=menu, lr=lr_slider(*lr), **sliders)
    box.children[0].layout.flex_flow = "row wrap"        # many controls: wrap them
    return box
