"""Figures of multi-task learning (Chapter 12): do the tasks pull the shared layers the same
way?

- :func:`gradient_cosines`: the cosine between two tasks' gradients on the shared trunk
  during training (:class:`optimlib.multitask.GradientCosine` records it), one curve per
  setting with a band of one standard error over seeds, and the zero line that separates
  agreement from conflict.
"""

import numpy as np

from .style import LINESTYLES, PALETTE, _axes, _label_axes

__all__ = ["gradient_cosines"]


def gradient_cosines(steps, cosines, ax=None, *, xlabel="training step",
                     ylabel="cosine of the tasks' gradients", title=None):
    """Cosine between two tasks' trunk gradients against the training step.

    Parameters
    ----------
    steps : array_like, shape (m,)
        The steps at which the cosines were measured.
    cosines : dict of str -> array_like, shape (seeds, m) or (m,)
        Legend label -> the cosines of each seed's run; the mean is drawn, with a band of one
        standard error when there are several seeds.
    ax : matplotlib Axes, optional
    xlabel, ylabel, title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``cosines`` is empty or a setting does not have one value per step.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> _, ax = plt.subplots()
    >>> ax = gradient_cosines([0, 10, 20], {"a": [[0.1, 0.0, -0.2],
    ...                                          [0.3, 0.0, -0.4]]}, ax)
    >>> [round(float(v), 2) for v in ax.get_lines()[0].get_ydata()]
    [0.2, 0.0, -0.3]
    """
    ax = _axes(ax)
    steps = np.asarray(steps, dtype=float)
    if not cosines:
        raise ValueError("cosines is empty: give at least one label -> cosines")
    for k, (label, values) in enumerate(cosines.items()):
        values = np.atleast_2d(np.asarray(values, dtype=float))
        if values.shape[1] != steps.size:
            raise ValueError(f"cosines of {label!r} have {values.shape[1]} values per run for "
                             f"{steps.size} steps")
        mean = values.mean(axis=0)
        color = PALETTE[k % len(PALETTE)]
        ax.plot(steps, mean, color=color, linestyle=LINESTYLES[k % len(LINESTYLES)],
                label=label)
        if values.shape[0] > 1:
            se = values.std(axis=0, ddof=1) / np.sqrt(values.shape[0])
            ax.fill_between(steps, mean - se, mean + se, color=color, alpha=0.2, linewidth=0)
    ax.axhline(0.0, color="black", linewidth=1.0, linestyle=":")
    ax.legend()
    _label_axes(ax, xlabel, ylabel, title)
    return ax
