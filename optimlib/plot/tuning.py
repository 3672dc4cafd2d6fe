"""Figures of hyperparameter and architecture search (Chapter 9).

- :func:`search_designs`: where grid and random search put their trials, with the
  projections onto the important variable (Bergstra and Bengio's picture);
- :func:`gp_posterior` and :func:`bo_gallery`: a Gaussian process's posterior mean and band,
  the expected improvement and the next point, one step or several;
- :func:`mark_trials`: numbered trials on top of a heatmap of the objective;
- :func:`best_so_far`: the best value found against the budget spent, one curve per method
  (mean ± standard error over seeds);
- :func:`halving_curves`: learning curves of the trials of a pruned search, solid while they
  ran, faint where a pruner stopped them;
- :func:`pareto_plot`: a score against a cost (accuracy against model size) with the Pareto
  front.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from .style import LINESTYLES, PALETTE, _MARKERS, _axes, _label_axes

__all__ = ["search_designs", "gp_posterior", "bo_gallery", "mark_trials", "best_so_far",
           "halving_curves", "pareto_plot"]


def search_designs(designs, important, *, xlabel="important variable $x_1$",
                   ylabel="unimportant variable $x_2$", title=None, panel_size=(3.6, 4.0)):
    """Trials in the unit square, one panel per design, with the function of the important
    variable drawn above each panel and the trials projected onto it.

    Parameters
    ----------
    designs : dict of str -> array_like, shape (n, 2)
        Panel title -> the trials' coordinates in [0, 1]^2.
    important : callable
        ``important(x1)`` for an array ``x1``: the part of the objective that depends on the
        first coordinate, drawn above each panel.
    xlabel, ylabel, title : str, optional
    panel_size : (float, float), default (3.6, 4.0)

    Returns
    -------
    fig, axes : Figure and an array of Axes of shape (2, len(designs)): the function on top,
        the trials below

    Examples
    --------
    >>> designs = {"grid": [[0.5, 0.5]], "random": [[0.2, 0.7]]}
    >>> fig, axes = search_designs(designs, important=lambda x: x**2)
    >>> axes.shape
    (2, 2)
    """
    if not designs:
        raise ValueError("designs is empty: give at least one title -> points")
    fig, axes = plt.subplots(2, len(designs), figsize=(panel_size[0] * len(designs),
                                                       panel_size[1]),
                             height_ratios=[1, 2.2], sharex=True, squeeze=False)
    grid = np.linspace(0, 1, 300)
    for k, (name, points) in enumerate(designs.items()):
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        top, bottom = axes[0, k], axes[1, k]
        top.plot(grid, important(grid), color="black", linewidth=1.4)
        top.plot(points[:, 0], important(points[:, 0]), linestyle="none",
                 marker=_MARKERS[k], color=PALETTE[k], markersize=6)
        distinct = np.unique(np.round(points[:, 0], 9)).size
        top.set_title(f"{name}: {len(points)} trials, {distinct} values of $x_1$",
                      fontsize=10)
        top.set_yticks([])
        bottom.plot(points[:, 0], points[:, 1], linestyle="none", marker=_MARKERS[k],
                    color=PALETTE[k], markersize=7)
        for x in points[:, 0]:
            bottom.axvline(x, color=PALETTE[k], linestyle=":", linewidth=0.8, alpha=0.6)
        bottom.set_xlim(0, 1)
        bottom.set_ylim(0, 1)
        bottom.set_aspect("equal")
        _label_axes(bottom, xlabel, ylabel if k == 0 else "")
    if title:
        fig.suptitle(title)
    return fig, axes


def gp_posterior(grid, mean, std, X, y, ax=None, *, truth=None, next_x=None, title=None,
                 xlabel="$x$", ylabel="$f(x)$", legend=True):
    """A one-dimensional Gaussian-process posterior: the mean, a band of two standard
    deviations, the observations, and optionally the true function and the next point.

    Parameters
    ----------
    grid : array_like, shape (m,)
        Where the posterior was evaluated.
    mean, std : array_like, shape (m,)
        Posterior mean and standard deviation there.
    X, y : array_like, shape (n,)
        The observations.
    ax : matplotlib Axes, optional
    truth : array_like, shape (m,), optional
        The objective on ``grid`` (unknown to the search; drawn dashed).
    next_x : float, optional
        The point chosen next, a vertical line.
    title, xlabel, ylabel : str, optional
    legend : bool, default True

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> grid = np.linspace(0, 1, 5)
    >>> ax = gp_posterior(grid, grid, 0.1 + 0 * grid, [0.5], [0.5],
    ...                   ax=plt.subplots()[1])
    >>> [line.get_label() for line in ax.get_lines()][:2]
    ['posterior mean', 'observations']
    """
    ax = _axes(ax)
    grid, mean, std = (np.asarray(a, dtype=float) for a in (grid, mean, std))
    ax.plot(grid, mean, color=PALETTE[0], label="posterior mean")
    ax.plot(np.ravel(X), np.ravel(y), linestyle="none", marker="o", color="black",
            markersize=5, label="observations", zorder=3)
    ax.fill_between(grid, mean - 2 * std, mean + 2 * std, color=PALETTE[0], alpha=0.2,
                    linewidth=0, label="mean ± 2 sd")
    if truth is not None:
        ax.plot(grid, truth, color="gray", linestyle="--", linewidth=1.2,
                label="objective (unknown)")
    if next_x is not None:
        ax.axvline(next_x, color=PALETTE[1], linestyle=":", linewidth=1.6, label="next trial")
    _label_axes(ax, xlabel, ylabel, title)
    if legend:
        ax.legend(fontsize=8, loc="upper center")
    return ax


def bo_gallery(steps, *, truth=None, ncols=None, panel_size=(3.4, 3.6), suptitle=None,
               xlabel="$x$", ylabel="$f(x)$"):
    """Steps of Bayesian optimization as small multiples: for each step, the posterior on
    top and the expected improvement below it, the next trial marked in both.

    Parameters
    ----------
    steps : list of dict
        One per step, with keys ``grid``, ``mean``, ``std``, ``X``, ``y``, ``ei`` (the
        acquisition on ``grid``), ``next_x`` and ``title``.
    truth : array_like, shape (m,), optional
        The objective on the (common) grid.
    ncols : int, optional
        Steps per row; default all in one row.
    panel_size : (float, float), default (3.4, 3.6)
        Width and height of one step (posterior and acquisition together).
    suptitle, xlabel, ylabel : str, optional

    Returns
    -------
    fig, axes : Figure and an array of Axes of shape (2 * rows, ncols): for each step, its
        posterior and, below it, its acquisition

    Examples
    --------
    >>> grid = np.linspace(0, 1, 5)
    >>> step = dict(grid=grid, mean=grid, std=0.1 + 0 * grid, X=[0.5],
    ...             y=[0.5], ei=grid, next_x=1.0, title="one")
    >>> fig, axes = bo_gallery([step, step, step], ncols=2)
    >>> axes.shape
    (4, 2)
    """
    if not steps:
        raise ValueError("steps is empty")
    ncols = len(steps) if ncols is None else min(ncols, len(steps))
    nrows = -(-len(steps) // ncols)
    fig, axes = plt.subplots(2 * nrows, ncols, squeeze=False,
                             figsize=(panel_size[0] * ncols, panel_size[1] * nrows),
                             height_ratios=[2, 1] * nrows)
    for k in range(nrows * ncols):
        top, bottom = axes[2 * (k // ncols), k % ncols], axes[2 * (k // ncols) + 1, k % ncols]
        if k >= len(steps):
            top.set_visible(False)
            bottom.set_visible(False)
            continue
        step, first = steps[k], k % ncols == 0
        if not first:                   # the posteriors of a row share their scale
            top.sharey(axes[2 * (k // ncols), 0])
        gp_posterior(step["grid"], step["mean"], step["std"], step["X"], step["y"], top,
                     truth=truth, next_x=step["next_x"], title=step.get("title"), xlabel="",
                     ylabel=ylabel if first else "", legend=k == 0)
        top.tick_params(labelbottom=False)
        ei = np.asarray(step["ei"], dtype=float)
        bottom.fill_between(step["grid"], 0, ei, color=PALETTE[2], alpha=0.35, linewidth=0)
        bottom.plot(step["grid"], ei, color=PALETTE[2], linestyle=LINESTYLES[2])
        bottom.axvline(step["next_x"], color=PALETTE[1], linestyle=":", linewidth=1.6)
        bottom.set_xlim(top.get_xlim())
        _label_axes(bottom, xlabel, "EI" if first else "")
    if suptitle:
        fig.suptitle(suptitle)
    return fig, axes


def mark_trials(ax, x, y, *, label=None, k=0, numbers=True):
    """Trials on top of a heatmap or contour plot, numbered in the order they ran.

    Parameters
    ----------
    ax : matplotlib Axes
    x, y : array_like, shape (n,)
        The trials' coordinates, in order.
    label : str, optional
        Legend entry.
    k : int, default 0
        Which colour and marker of the book's cycle.
    numbers : bool, default True
        Write each trial's number (from 0) next to it.

    Returns
    -------
    matplotlib Axes
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ax.plot(x, y, linestyle="none", marker=_MARKERS[k % len(_MARKERS)], markersize=8,
            markerfacecolor=PALETTE[k % len(PALETTE)], markeredgecolor="white", label=label)
    if numbers:
        for number, (a, b) in enumerate(zip(x, y)):
            ax.annotate(str(number), (a, b), textcoords="offset points", xytext=(5, 4),
                        fontsize=8, color="white", fontweight="bold")
    if label:
        ax.legend(loc="upper right", fontsize=8)
    return ax


def best_so_far(budgets, curves, ax=None, *, spread=None, xlabel="budget spent",
                ylabel="best value so far", logy=True, title=None):
    """The best value found against the budget spent, one line per method, with a band of
    plus or minus ``spread`` (e.g. the standard error over seeds).

    Parameters
    ----------
    budgets : array_like, shape (m,)
    curves : dict of str -> array_like, shape (m,)
        Method -> mean best value (or regret) after each budget.
    ax : matplotlib Axes, optional
    spread : dict of str -> array_like, shape (m,), optional
    xlabel, ylabel, title : str, optional
    logy : bool, default True
        A logarithmic vertical axis (regrets shrink by factors).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> _, ax = plt.subplots()
    >>> ax = best_so_far([1, 2, 3], {"random": [1.0, 0.5, 0.4]}, ax,
    ...                  spread={"random": [0.1, 0.1, 0.1]})
    >>> [line.get_label() for line in ax.get_lines()]
    ['random']
    """
    ax = _axes(ax)
    budgets = np.asarray(budgets, dtype=float)
    spread = spread or {}
    for k, (label, values) in enumerate(curves.items()):
        values = np.asarray(values, dtype=float)
        if values.shape != budgets.shape:
            raise ValueError(f"curve {label!r} has shape {values.shape}, expected "
                             f"{budgets.shape}")
        color = PALETTE[k % len(PALETTE)]
        ax.plot(budgets, values, color=color, linestyle=LINESTYLES[k % len(LINESTYLES)],
                marker=_MARKERS[k % len(_MARKERS)], markersize=4, label=label)
        if label in spread:
            band = np.asarray(spread[label], dtype=float)
            low = values - band
            if logy:          # a band below zero cannot be drawn on a log axis
                low = np.maximum(low, values / 10)
            ax.fill_between(budgets, low, values + band, color=color, alpha=0.15, linewidth=0)
    if logy:
        ax.set_yscale("log")
    _label_axes(ax, xlabel, ylabel, title)
    ax.legend(fontsize=9)
    return ax


def halving_curves(curves, stopped, ax=None, *, rungs=(), highlight=None,
                   highlight_label=None, xlabel="epoch", ylabel="validation loss", log=True,
                   title=None):
    """The learning curves of a search's trials: solid up to the epoch each trial ran,
    faint and dotted after it (what a pruned trial would have done), rung ends as vertical
    lines.

    Parameters
    ----------
    curves : array_like, shape (n_trials, n_epochs)
        The value after epochs 1, 2, ... of every trial (known here because every
        configuration was trained in full once).
    stopped : array_like of int, shape (n_trials,)
        The last epoch each trial ran (``n_epochs`` for those that completed).
    ax : matplotlib Axes, optional
    rungs : sequence of int, default ()
        Epochs at which the pruner judged the trials.
    highlight : int, optional
        Row of ``curves`` to draw in colour, e.g. a slow starter.
    highlight_label : str, optional
    xlabel, ylabel, title : str, optional
    log : bool, default True

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    curves = np.asarray(curves, dtype=float)
    epochs = np.arange(1, curves.shape[1] + 1)
    for row, (curve, last) in enumerate(zip(curves, stopped)):
        if row == highlight:
            continue
        completed = last == curves.shape[1]
        color = PALETTE[0] if completed else "gray"
        ax.plot(epochs[:last], curve[:last], color=color, linewidth=1.6 if completed else 1.0,
                linestyle="-", alpha=0.9)
        ax.plot(epochs[last - 1:], curve[last - 1:], color="gray", linestyle=":",
                linewidth=0.8, alpha=0.5)
    ax.plot([], [], color=PALETTE[0], label="completed")
    ax.plot([], [], color="gray", label="pruned (dotted: what it would have done)")
    if highlight is not None:
        last = stopped[highlight]
        ax.plot(epochs[:last], curves[highlight, :last], color=PALETTE[1], linewidth=2.4,
                marker="X" if last < curves.shape[1] else None, markevery=[last - 1],
                markersize=10, label=highlight_label)
        ax.plot(epochs[last - 1:], curves[highlight, last - 1:], color=PALETTE[1],
                linestyle=":", linewidth=2.0)
    for rung in rungs:
        ax.axvline(rung, color="black", linestyle="--", linewidth=0.8, alpha=0.6)
    if log:
        ax.set_yscale("log")
    _label_axes(ax, xlabel, ylabel, title)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    return ax


def pareto_plot(costs, scores, groups, front, ax=None, *, xlabel="parameters (log scale)",
                ylabel="validation accuracy", title=None, logx=True):
    """A score against a cost, one marker per group (e.g. MLP and CNN), and the Pareto front:
    the points that no other point beats in both.

    Parameters
    ----------
    costs, scores : array_like, shape (n,)
    groups : array_like of str, shape (n,)
        The legend entry of each point.
    front : array_like of int
        Indices of the points on the front, by increasing cost (see
        :func:`optimlib.tuning.pareto_front`).
    ax : matplotlib Axes, optional
    xlabel, ylabel, title : str, optional
    logx : bool, default True

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> _, ax = plt.subplots()
    >>> ax = pareto_plot([10, 20, 30], [0.8, 0.7, 0.9], ["a", "b", "a"],
    ...                  [0, 2], ax)
    >>> [line.get_label() for line in ax.get_lines()]
    ['a', 'b', 'Pareto front']
    """
    ax = _axes(ax)
    costs, scores = np.asarray(costs, dtype=float), np.asarray(scores, dtype=float)
    groups = np.asarray(groups)
    for k, group in enumerate(dict.fromkeys(groups.tolist())):
        mine = groups == group
        ax.plot(costs[mine], scores[mine], linestyle="none", marker=_MARKERS[k],
                color=PALETTE[k], markersize=7, alpha=0.8, label=group)
    front = np.asarray(front, dtype=int)
    ax.plot(costs[front], scores[front], drawstyle="steps-post", color="black",
            linestyle="--", linewidth=1.2, marker="o", markerfacecolor="none", markersize=11,
            label="Pareto front")
    if logx:            # plain numbers (500, 1000, 2000) rather than 5 x 10^2
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
    _label_axes(ax, xlabel, ylabel, title)
    ax.legend(fontsize=9, loc="lower right")
    return ax
