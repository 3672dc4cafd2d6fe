"""Figures used by the chapters: contours with trajectories, loss curves, small multiples.

Colours are the Okabe–Ito palette (distinguishable with colour-vision deficiency) and every
colour comes with its own line style, so curves stay distinguishable in grayscale.
Call :func:`use_style` once at the top of a notebook.
"""

import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler

__all__ = ["PALETTE", "LINESTYLES", "use_style", "contour", "trajectory", "loss_curves",
           "gallery", "trajectory_gallery"]

#: Okabe–Ito colours (blue, vermillion, green, purple, orange, sky blue, black).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 2))]

_STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "figure.constrained_layout.use": True,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "lines.linewidth": 1.8,
    "axes.prop_cycle": cycler(color=PALETTE) + cycler(linestyle=LINESTYLES),
}


def use_style():
    """Set the book's matplotlib defaults (sizes, grid, colour-and-line-style cycle)."""
    plt.rcParams.update(_STYLE)


def _axes(ax):
    return plt.gca() if ax is None else ax


def _window(problem, dims, xlim, ylim, center):
    if xlim is not None and ylim is not None:
        return xlim, ylim
    if problem.plot_range is not None and tuple(dims) == (0, 1):
        default_x, default_y = problem.plot_range
    else:
        cx, cy = center[list(dims)]
        default_x, default_y = (cx - 2, cx + 2), (cy - 2, cy + 2)
    return (default_x if xlim is None else xlim), (default_y if ylim is None else ylim)


def contour(problem, ax=None, *, xlim=None, ylim=None, dims=(0, 1), at=None, levels=12,
            resolution=161, labels=None, mark_minimizer=True, cmap="viridis"):
    r"""Draw level sets of ``problem.loss`` in the plane of coordinates ``dims``.

    Levels are spaced logarithmically in :math:`f - f^\star`, so both the steep walls and
    the flat valley floor show. For a problem with more than two parameters the other
    coordinates are held at ``at`` (default: the minimizer); the picture is then a slice.

    Parameters
    ----------
    problem : optimlib.problems.Problem
    ax : matplotlib Axes, optional
    xlim, ylim : (float, float), optional
        Window; default ``problem.plot_range`` or a square of half-width 2 around ``at``.
    dims : (int, int), default (0, 1)
        Which coordinates go on the horizontal and vertical axes.
    at : array_like, optional
        Values of all coordinates (those in ``dims`` are replaced by the grid).
    levels : int, default 12
    resolution : int, default 161
        Grid points per axis.
    labels : (str, str), optional
        Axis labels; default :math:`\theta_1, \theta_2` (numbered from 1).
    mark_minimizer : bool, default True
        Draw a star at the minimizer (when the slice contains it).
    cmap : str, default "viridis"

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    dims = list(dims)
    center = np.asarray(problem.minimizer if at is None else at, dtype=float)
    xlim, ylim = _window(problem, dims, xlim, ylim, center)
    xs = np.linspace(*xlim, resolution)
    ys = np.linspace(*ylim, resolution)
    grid_x, grid_y = np.meshgrid(xs, ys)
    points = np.broadcast_to(center, grid_x.shape + (center.size,)).copy()
    points[..., dims[0]], points[..., dims[1]] = grid_x, grid_y
    gap = problem.loss(points) - problem.minimum
    top = float(np.max(gap))
    bottom = max(float(np.min(gap[gap > 0])) if np.any(gap > 0) else top * 1e-6, top * 1e-5)
    ax.contour(grid_x, grid_y, gap, levels=np.geomspace(bottom, top, levels), cmap=cmap,
               linewidths=0.9)
    if mark_minimizer:
        star = problem.minimizer
        others = [i for i in range(center.size) if i not in dims]
        if np.allclose(star[others], center[others]):
            ax.plot(star[dims[0]], star[dims[1]], marker="*", markersize=14, color="black",
                    linestyle="none", label=r"minimizer $\theta^\star$", zorder=5)
    if labels is None:
        labels = (rf"$\theta_{dims[0] + 1}$", rf"$\theta_{dims[1] + 1}$")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.grid(False)
    return ax


def trajectory(ax, thetas, *, dims=(0, 1), label=None, color=None, linestyle="-",
               markersize=3):
    """Draw an optimization path ``thetas`` (shape ``(k + 1, d)``) projected on ``dims``.

    The start is marked with a square, every iterate with a dot.

    Returns
    -------
    matplotlib Line2D
    """
    ax = _axes(ax)
    thetas = np.asarray(thetas, dtype=float)
    finite = np.all(np.isfinite(thetas), axis=1)
    thetas = thetas[finite]
    x, y = thetas[:, dims[0]], thetas[:, dims[1]]
    (line,) = ax.plot(x, y, marker="o", markersize=markersize, label=label, color=color,
                      linestyle=linestyle, linewidth=1.3)
    ax.plot(x[0], y[0], marker="s", markersize=7, color=line.get_color(), linestyle="none")
    return line


def loss_curves(curves, ax=None, *, xlabel="iteration $t$", ylabel="loss", log=True,
                reference=None, reference_label=None, title=None):
    r"""Plot one or more loss curves.

    Parameters
    ----------
    curves : dict of str -> array or (x, array)
        One entry per curve; the key is the legend label. Give ``(x, values)`` to plot
        against something other than the index (epochs, seconds, ...).
    ax : matplotlib Axes, optional
    xlabel, ylabel, title : str
    log : bool, default True
        Logarithmic vertical axis (linear convergence is then a straight line).
    reference : float, optional
        Draw a horizontal dotted line at this value (e.g. :math:`f^\star` or a noise floor).
    reference_label : str, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    for label, curve in curves.items():
        if isinstance(curve, tuple):
            x, values = curve
        else:
            values = np.asarray(curve)
            x = np.arange(len(values))
        ax.plot(x, values, label=label)
    if reference is not None:
        ax.axhline(reference, color="gray", linestyle=":", linewidth=1.2, label=reference_label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(curves) > 1 or reference_label:
        ax.legend()
    return ax


def gallery(n_panels, ncols=3, *, panel_size=(3.2, 2.9), sharex=False, sharey=False):
    """A grid of ``n_panels`` axes for small multiples; unused cells are hidden.

    Returns
    -------
    fig, axes : Figure and a flat list of the ``n_panels`` Axes
    """
    ncols = min(ncols, n_panels)
    nrows = -(-n_panels // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows),
                             sharex=sharex, sharey=sharey, squeeze=False)
    axes = axes.ravel()
    for ax in axes[n_panels:]:
        ax.set_visible(False)
    return fig, list(axes[:n_panels])


def trajectory_gallery(problem, runs, *, ncols=3, dims=(0, 1), xlim=None, ylim=None,
                       labels=None, suptitle=None, panel_size=(3.2, 2.9)):
    """Small multiples: one contour plot with one trajectory per panel.

    The static counterpart of a slider: each panel is one slider position.

    Parameters
    ----------
    problem : optimlib.problems.Problem
    runs : dict of str -> optimlib.train.Trajectory
        Panel title -> run.
    ncols : int, default 3
    dims, xlim, ylim, labels
        As in :func:`contour`.
    suptitle : str, optional

    Returns
    -------
    matplotlib Figure
    """
    fig, axes = gallery(len(runs), ncols, panel_size=panel_size)
    for ax, (title, run) in zip(axes, runs.items()):
        contour(problem, ax, xlim=xlim, ylim=ylim, dims=dims, labels=labels)
        trajectory(ax, run.thetas, dims=dims, color=PALETTE[1])
        ax.set_title(title)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


# -- Chapter 1: the data and the parameters of a run ------------------------------------------
__all__ += ["scatter_features", "parameter_paths"]


def scatter_features(X, y, *, names=None, target="$y$", title=None, ncols=3,
                     panel_size=(3.4, 3.0)):
    r"""Small multiples of the target against each feature: one panel per column of ``X``.

    A first look at a regression data set: the slope of each cloud hints at the weight of
    that feature, and its vertical spread at what the other features (and noise) add.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Inputs, one sample per row.
    y : array_like, shape (n,)
        Targets.
    names : sequence of str, optional
        Axis label of each feature; default :math:`x_1, \dots, x_d`.
    target : str, default "$y$"
        Label of the vertical axis.
    title : str, optional
        Title above all panels.
    ncols : int, default 3
    panel_size : (float, float), default (3.4, 3.0)
        Width and height of one panel in inches.

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If ``X`` is not 2-D, ``y`` does not have one entry per row of ``X``, or ``names``
        does not have one entry per feature.

    Examples
    --------
    >>> from optimlib.data import make_linear_regression
    >>> X, y = make_linear_regression()
    >>> len(scatter_features(X, y).axes)
    2
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must have shape (n, d) and y shape (n,); got {X.shape} and {y.shape}")
    d = X.shape[1]
    names = [f"$x_{j + 1}$" for j in range(d)] if names is None else list(names)
    if len(names) != d:
        raise ValueError(f"names has {len(names)} entries but X has {d} features")
    fig, axes = gallery(d, ncols, panel_size=panel_size, sharey=True)
    for j, (ax, name) in enumerate(zip(axes, names)):
        ax.scatter(X[:, j], y, s=16, color=PALETTE[0], alpha=0.75, edgecolors="none")
        ax.set_xlabel(name)
        if j % ncols == 0:
            ax.set_ylabel(target)
    if title:
        fig.suptitle(title)
    return fig


def parameter_paths(thetas, *, targets=None, names=None, ax=None, xlabel="iteration $t$",
                    ylabel="parameter value", title=None,
                    target_label=r"minimizer $\theta^\star$ (dotted)"):
    r"""Plot each coordinate of an optimization path against the iteration.

    With ``targets`` (e.g. the closed-form minimizer), each coordinate also gets a dotted
    horizontal line in its own colour at the value it should reach, so the distance still to
    go reads directly off the figure.

    Parameters
    ----------
    thetas : array_like, shape (k + 1, d)
        :math:`\theta_0, \dots, \theta_k`, e.g. :attr:`optimlib.train.Trajectory.thetas`.
    targets : array_like, shape (d,), optional
        Values to mark with dotted lines.
    names : sequence of str, optional
        Legend label of each coordinate; default :math:`\theta_1, \dots, \theta_d`.
    ax : matplotlib Axes, optional
    xlabel, ylabel, title : str
    target_label : str
        Legend entry for the dotted lines.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``thetas`` is not 2-D, or ``targets`` or ``names`` do not have one entry per
        coordinate.

    Examples
    --------
    >>> _, ax = plt.subplots()
    >>> ax = parameter_paths([[0.0, 0.0], [0.5, 1.0]], targets=[1.0, 2.0], ax=ax)
    >>> len(ax.get_lines())        # two paths, two targets, one legend proxy
    5
    """
    ax = _axes(ax)
    thetas = np.asarray(thetas, dtype=float)
    if thetas.ndim != 2:
        raise ValueError(f"thetas must have shape (k + 1, d), got {thetas.shape}")
    d = thetas.shape[1]
    names = [rf"$\theta_{j + 1}$" for j in range(d)] if names is None else list(names)
    if len(names) != d:
        raise ValueError(f"names has {len(names)} entries but thetas has {d} coordinates")
    if targets is not None:
        targets = np.asarray(targets, dtype=float)
        if targets.shape != (d,):
            raise ValueError(f"targets must have shape ({d},), got {targets.shape}")
    steps = np.arange(thetas.shape[0])
    for j, name in enumerate(names):
        color, style = PALETTE[j % len(PALETTE)], LINESTYLES[j % len(LINESTYLES)]
        ax.plot(steps, thetas[:, j], color=color, linestyle=style, label=name)
        if targets is not None:
            ax.axhline(targets[j], color=color, linestyle=":", linewidth=1.2)
    if targets is not None:
        ax.plot([], [], color="gray", linestyle=":", linewidth=1.2, label=target_label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


__all__ += ["finite_difference_errors"]


def finite_difference_errors(steps, errors, *, optimal=None, ax=None, title=None,
                             xlabel=r"step $\varepsilon$", ylabel="relative error"):
    r"""Error of finite-difference derivatives against the step, on log-log axes.

    Truncation error falls with the step (like :math:`\varepsilon` for a forward
    difference, :math:`\varepsilon^2` for a central one) while rounding error grows like
    :math:`u/\varepsilon`; on log-log axes the sum is a V or U whose bottom is the best step.

    Parameters
    ----------
    steps : array_like, shape (m,)
        The steps :math:`\varepsilon > 0`.
    errors : dict of str -> array_like, shape (m,)
        One curve per rule (legend label -> error at each step). Zero errors are drawn at
        the smallest positive float so that they stay on a log axis.
    optimal : dict of str -> float, optional
        A step to mark with a vertical dotted line in the colour of the curve with the same
        label (e.g. the best step predicted by theory).
    ax : matplotlib Axes, optional
    title, xlabel, ylabel : str

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If a curve does not have one entry per step, or ``optimal`` names a curve that
        ``errors`` does not have.

    Examples
    --------
    >>> eps = np.logspace(-12, -1, 12)
    >>> exact = np.cos(1.0)
    >>> forward = np.abs((np.sin(1.0 + eps) - np.sin(1.0)) / eps - exact)
    >>> _, ax = plt.subplots()
    >>> ax = finite_difference_errors(eps, {"forward": forward}, optimal={"forward": 1e-8}, ax=ax)
    >>> ax.get_xscale(), ax.get_yscale()
    ('log', 'log')
    """
    ax = _axes(ax)
    steps = np.asarray(steps, dtype=float)
    optimal = {} if optimal is None else dict(optimal)
    unknown = set(optimal) - set(errors)
    if unknown:
        raise ValueError(f"optimal names curves that errors does not have: {sorted(unknown)}")
    for label, error in errors.items():
        error = np.asarray(error, dtype=float)
        if error.shape != steps.shape:
            raise ValueError(f"errors[{label!r}] has shape {error.shape}, steps {steps.shape}")
        (line,) = ax.plot(steps, np.maximum(error, np.finfo(float).tiny), marker="o",
                          markersize=2.5, label=label)
        if label in optimal:
            ax.axvline(optimal[label], color=line.get_color(), linestyle=":", linewidth=1.2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
