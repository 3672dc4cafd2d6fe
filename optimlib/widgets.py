"""Interactive explorers (ipywidgets) used by the chapters.

Widgets need a running kernel (JupyterLab, Binder, Thebe). Every explorer in the book is
paired with a static figure that teaches the same lesson on the published site, usually
:func:`optimlib.plot.trajectory_gallery` over the slider's range.

Cells that display a widget carry the ``nbval-ignore-output`` tag: the widget's state is
live, not part of what the book asserts.
"""

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
        As in :func:`optimlib.plot.contour`.
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
        settings = ", ".join(f"{name} = {value:.3g}" for name, value in values.items())
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
        As in :func:`optimlib.plot.contour`.

    Returns
    -------
    ipywidgets.VBox
    """
    return optimizer_explorer(problem, theta0, SGD, steps=steps, dims=dims, xlim=xlim,
                              ylim=ylim, labels=labels, lr=lr_slider(*lr))
