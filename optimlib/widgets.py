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
from optimlib.train import minimize

__all__ = ["explorer", "lr_slider", "int_slider", "gd_explorer"]


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


def gd_explorer(problem, theta0, *, lr=(0.1, 1e-3, 3.0), steps=(30, 1, 200), dims=(0, 1),
                xlim=None, ylim=None, labels=None):
    """Gradient descent on ``problem`` with learning-rate and step-count sliders.

    Left: contour plot with the trajectory; right: :math:`f(\\theta_t) - f^\\star` on a
    log scale, with the divergence threshold :math:`2/L` shown when the problem knows it.

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
    theta0 = np.asarray(theta0, dtype=float)
    max_stable = getattr(problem, "max_stable_lr", None)

    def draw(lr, steps):
        run = minimize(problem, theta0, steps=steps, lr=lr)
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
        plot.contour(problem, left, xlim=xlim, ylim=ylim, dims=dims, labels=labels)
        plot.trajectory(left, run.thetas, dims=dims, color=plot.PALETTE[1])
        verdict = "diverges" if run.diverged else "converges" if lr > 0 else "stays put"
        threshold = f" (2/L = {max_stable:.3g})" if max_stable is not None else ""
        left.set_title(f"η = {lr:.3g}{threshold}: {verdict}")
        gap = np.maximum(run.suboptimality, np.finfo(float).tiny)
        plot.loss_curves({"gradient descent": gap}, right,
                         ylabel=r"$f(\theta_t) - f^\star$", title="distance to the optimum")

    return explorer(draw, lr=lr_slider(*lr), steps=int_slider(*steps, description="steps"))
