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
#: Line style paired with each colour of ``PALETTE`` (solid, dashed, dash-dot, dotted, ...), so
#: that curves stay distinguishable in grey print and for colour-blind readers.
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


def _label_axes(ax, xlabel, ylabel, title=None):
    """Axis labels, and the title if there is one: every figure function ends this way."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)


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
    r"""Draw an optimization path ``thetas`` (shape ``(k + 1, d)``) projected on ``dims``.

    The start is marked with a square, every iterate with a dot; non-finite iterates (a
    diverged run) are left out.

    Parameters
    ----------
    ax : matplotlib Axes or None
        None draws on the current axes.
    thetas : array_like, shape (k + 1, d)
        The iterates :math:`\theta_0, \dots, \theta_k`.
    dims : (int, int), default (0, 1)
        The two coordinates plotted.
    label, color : optional
        Legend entry and colour of the path.
    linestyle : str, default "-"
    markersize : float, default 3

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
    _label_axes(ax, xlabel, ylabel, title)
    if len(curves) > 1 or reference_label:
        ax.legend()
    return ax


def gallery(n_panels, ncols=3, *, panel_size=(3.2, 2.9), sharex=False, sharey=False):
    """A grid of ``n_panels`` axes for small multiples; unused cells are hidden.

    Parameters
    ----------
    n_panels : int
        Number of axes wanted.
    ncols : int, default 3
        Panels per row (fewer if ``n_panels`` is smaller).
    panel_size : (float, float), default (3.2, 2.9)
        Width and height of one panel in inches.
    sharex, sharey : bool, default False
        Share the axes' limits, as in ``matplotlib.pyplot.subplots``.

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
    >>> ax = parameter_paths([[0.0, 0.0], [0.5, 1.0]], targets=[1.0, 2.0],
    ...                      ax=ax)
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
    _label_axes(ax, xlabel, ylabel, title)
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
    >>> ax = finite_difference_errors(eps, {"forward": forward},
    ...                               optimal={"forward": 1e-8}, ax=ax)
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
    _label_axes(ax, xlabel, ylabel, title)
    ax.legend()
    return ax


# -- Chapter 4: a quantity over a grid of two hyperparameters ----------------------------------
__all__ += ["heatmap"]

#: colour of grid cells without a value (NaN), e.g. settings that diverge
MISSING_COLOR = "#D9D9D9"


def heatmap(values, x, y, ax=None, *, xlabel=None, ylabel=None, title=None,
            colorbar_label=None, vmin=None, vmax=None, cmap="viridis", levels=None,
            missing_label=None):
    r"""Colour a grid of values over two variables, e.g. a convergence rate over :math:`(\eta, \mu)`.

    Cells whose value is NaN (a setting that diverges, say) are drawn in light gray, so
    the shape of the region where the value exists is part of the picture.

    Parameters
    ----------
    values : array_like, shape (len(y), len(x))
        ``values[i, j]`` is the value at ``(x[j], y[i])``, as ``numpy.meshgrid`` lays
        out a grid.
    x, y : array_like, 1-D
        Cell centres along the horizontal and vertical axes.
    ax : matplotlib Axes, optional
    xlabel, ylabel, title : str, optional
    colorbar_label : str, optional
        Label of the colour bar drawn next to the axes.
    vmin, vmax : float, optional
        Colour range; default: the smallest and largest finite value.
    cmap : str, default "viridis"
    levels : sequence of float, optional
        Draw labelled contour lines of ``values`` at these levels.
    missing_label : str, optional
        Legend entry for the gray (NaN) cells, e.g. ``"diverges"``; shown only if there are
        such cells.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``x`` or ``y`` is not 1-D, ``values`` does not have shape ``(len(y), len(x))``, or
        no value is finite.

    Examples
    --------
    >>> x, y = np.linspace(0.0, 1.0, 5), np.linspace(0.0, 2.0, 3)
    >>> values = y[:, None] + x[None, :]
    >>> values[0, 0] = np.nan
    >>> _, ax = plt.subplots()
    >>> ax = heatmap(values, x, y, levels=[1.0], missing_label="undefined",
    ...              ax=ax)
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['undefined']
    """
    ax = _axes(ax)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    values = np.asarray(values, dtype=float)
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"x and y must be 1-D, got shapes {x.shape} and {y.shape}")
    if values.shape != (y.size, x.size):
        raise ValueError(
            f"values must have shape (len(y), len(x)) = {(y.size, x.size)}, got {values.shape}"
        )
    finite = np.isfinite(values)
    if not finite.any():
        raise ValueError("values has no finite entry to colour")
    masked = np.ma.masked_invalid(values)
    colormap = plt.get_cmap(cmap).with_extremes(bad=MISSING_COLOR)
    mesh = ax.pcolormesh(x, y, masked, shading="nearest", cmap=colormap, vmin=vmin, vmax=vmax,
                         rasterized=True)
    ax.figure.colorbar(mesh, ax=ax, label=colorbar_label)
    if levels is not None:
        lines = ax.contour(x, y, masked, levels=sorted(levels), colors="white", linewidths=1.0)
        ax.clabel(lines, fmt="%g", fontsize=8)
    if missing_label and not finite.all():
        ax.plot([], [], marker="s", markersize=10, linestyle="none", color=MISSING_COLOR,
                label=missing_label)
        ax.legend()
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(False)
    return ax


# -- Chapter 6: the learning-rate range test ---------------------------------------------------
__all__ += ["range_test"]


def range_test(result, ax=None, *, title=None, xlabel=r"learning rate $\eta$ (log scale)",
               ylabel="training loss", suggestion=10.0):
    r"""Loss against learning rate for a learning-rate range test, with its suggested rates.

    Draws the loss of every step (thin, light) and its smoothed version (bold) against the
    rate on a log axis, and marks with vertical lines the rate where the smoothed loss falls
    fastest (``steepest_lr``), the rate of its minimum (``min_loss_lr``) and, unless
    ``suggestion`` is None, ``min_loss_lr / suggestion`` (the one-tenth rule). The vertical
    axis is logarithmic and cut a little above the first smoothed value, so that the final
    blow-up does not squash the informative part of the curve. The legend goes to the lower
    left, which a range test leaves empty (the loss is high at small rates).

    Parameters
    ----------
    result : optimlib.schedules.RangeTestResult
        What :func:`optimlib.schedules.lr_range_test` returned.
    ax : matplotlib Axes, optional
    title, xlabel, ylabel : str
    suggestion : float or None, default 10
        Mark ``min_loss_lr / suggestion``; None draws no such line.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``suggestion`` is not positive, or the result holds fewer than two finite
        smoothed losses.

    Examples
    --------
    >>> from optimlib.schedules import RangeTestResult
    >>> lrs = np.geomspace(1e-3, 1.0, 20)
    >>> losses = 1 + (np.log10(lrs) + 1.5) ** 2
    >>> result = RangeTestResult(lrs, losses, losses, steepest_lr=0.01,
    ...                          min_loss_lr=0.03)
    >>> _, ax = plt.subplots()
    >>> ax = range_test(result, ax=ax)
    >>> ax.get_xscale(), len(ax.get_lines())
    ('log', 5)
    """
    ax = _axes(ax)
    lrs = np.asarray(result.lrs, dtype=float)
    smoothed = np.asarray(result.smoothed, dtype=float)
    losses = np.asarray(result.losses, dtype=float)
    finite = np.isfinite(smoothed)
    if finite.sum() < 2:
        raise ValueError("the range test recorded fewer than two finite losses to plot")
    if suggestion is not None and not suggestion > 0:
        raise ValueError(f"suggestion must be positive or None, got {suggestion!r}")
    ax.plot(lrs, losses, color="gray", linestyle="-", linewidth=0.8, alpha=0.5,
            label="loss at each step")
    ax.plot(lrs[finite], smoothed[finite], color=PALETTE[0], linestyle="-", linewidth=2.2,
            label="smoothed loss")
    marks = [(result.steepest_lr, PALETTE[2], LINESTYLES[2], "steepest descent"),
             (result.min_loss_lr, PALETTE[1], LINESTYLES[1], "minimum")]
    if suggestion is not None:
        marks.append((result.min_loss_lr / suggestion, PALETTE[3], LINESTYLES[3],
                      f"minimum / {suggestion:g}"))
    for rate, color, style, name in marks:
        ax.axvline(rate, color=color, linestyle=style, linewidth=1.6,
                   label=rf"{name}: $\eta$ = {rate:.2g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    low = float(np.min(smoothed[finite]))
    high = float(max(smoothed[finite][0], low)) * 1.5
    ax.set_ylim(low / 1.5, high)
    _label_axes(ax, xlabel, ylabel, title)
    ax.legend(loc="lower left")          # the curve is high at small rates: free space
    return ax


# -- Chapter 5: several optimizers on one problem ----------------------------------------------
__all__ += ["compare_runs"]


def compare_runs(problem, runs, axes=None, *, on_contour=None, xlim=None, ylim=None,
                 dims=(0, 1), floor=1e-16, title=None, ylabel=r"$f(\theta_t) - f^\star$",
                 legend_fontsize=8):
    r"""Two panels for a race between optimizers: paths on the contour plot, and :math:`f - f^\star`.

    Every run keeps one colour and line style (``PALETTE[k]``, ``LINESTYLES[k]`` for the
    ``k``-th run) in both panels, so the legend on the right also names the paths on the left.

    Parameters
    ----------
    problem : optimlib.problems.Problem
        A problem with at least two parameters (for the contour plot) and a known minimum.
    runs : dict of str -> optimlib.train.Trajectory
        Legend label -> run, in the order they should be drawn.
    axes : (Axes, Axes), optional
        Where to draw the contour plot and the curves; default: a new figure.
    on_contour : sequence of str, optional
        Labels of the runs to draw on the contour plot (default: all of them). Fewer paths
        keep a crowded picture readable; every run is always drawn on the right.
    xlim, ylim, dims
        As in :func:`contour`.
    floor : float, default 1e-16
        Suboptimalities below ``floor`` (zero, or rounding-level values) are drawn at
        ``floor``, so that a run that hits the minimum exactly stays on the log axis and the
        axis is not stretched down to 1e-300.
    title : str, optional
        Title of the contour panel.
    ylabel : str
        Label of the vertical axis of the curves.
    legend_fontsize : float, default 8

    Returns
    -------
    (Axes, Axes)
        The contour panel and the curves panel.

    Raises
    ------
    ValueError
        If ``runs`` is empty, ``on_contour`` names a run that ``runs`` does not have, or
        ``floor`` is not positive.

    Examples
    --------
    >>> from optimlib.problems import Quadratic
    >>> from optimlib.train import minimize
    >>> q = Quadratic([[1.0, 0.0], [0.0, 10.0]])
    >>> runs = {f"lr = {lr}": minimize(q, [1.0, 1.0], steps=20, lr=lr)
    ...         for lr in (0.05, 0.15)}
    >>> left, right = compare_runs(q, runs)
    >>> [line.get_label() for line in right.get_lines()]
    ['lr = 0.05', 'lr = 0.15']
    """
    if not runs:
        raise ValueError("runs is empty: give at least one label -> Trajectory")
    if not floor > 0:
        raise ValueError(f"floor must be positive, got {floor!r}")
    shown = list(runs) if on_contour is None else list(on_contour)
    unknown = [label for label in shown if label not in runs]
    if unknown:
        raise ValueError(f"on_contour names runs that runs does not have: {unknown}")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10.0, 4.0))
    left, right = axes
    contour(problem, left, xlim=xlim, ylim=ylim, dims=dims)
    for k, (label, run) in enumerate(runs.items()):
        color, style = PALETTE[k % len(PALETTE)], LINESTYLES[k % len(LINESTYLES)]
        if label in shown:
            trajectory(left, run.thetas, dims=dims, color=color, linestyle=style,
                       markersize=2)
        gap = np.maximum(np.asarray(run.suboptimality, dtype=float), floor)
        right.plot(np.arange(gap.size), gap, color=color, linestyle=style, label=label)
    right.set_yscale("log")
    right.set_xlabel("iteration $t$")
    right.set_ylabel(ylabel)
    right.legend(fontsize=legend_fontsize)
    if title:
        left.set_title(title)
    return left, right


# -- Part III: training neural networks --------------------------------------------------------
__all__ += ["learning_curves", "decision_boundary", "digit_images"]

_MARKERS = ["o", "s", "^", "D", "v", "P", "X"]


def learning_curves(history, axes=None, *, mark_epoch=None, log=False, title=None):
    r"""Training and validation loss (and accuracy) per epoch, from :func:`optimlib.train.fit`.

    The gap between the two curves is the generalization gap; a validation loss that turns up
    while the training loss keeps falling is overfitting (Chapter 7).

    Parameters
    ----------
    history : optimlib.train.History
    axes : sequence of matplotlib Axes, optional
        One for the loss and, if accuracies were recorded, one for the accuracy.
    mark_epoch : int, optional
        Draw a dotted vertical line at this epoch, e.g. ``history.best_epoch()`` or the epoch
        that :class:`~optimlib.train.EarlyStopping` restored.
    log : bool, default False
        Logarithmic loss axis.
    title : str, optional

    Returns
    -------
    list of matplotlib Axes
        The loss axes, then the accuracy axes if there is one.

    Examples
    --------
    >>> from optimlib.train import History
    >>> history = History()
    >>> losses = [(1.0, 1.1), (0.5, 0.7), (0.3, 0.8)]
    >>> for epoch, (train, val) in enumerate(losses, start=1):
    ...     history.append(epoch=epoch, train_loss=train, val_loss=val,
    ...                    train_accuracy=0.9, val_accuracy=0.8, lr=0.1,
    ...                    wall_time=0.0)
    >>> [ax.get_ylabel() for ax in learning_curves(history, mark_epoch=2)]
    ['loss', 'accuracy']
    """
    panels = [("loss", "train_loss", "val_loss")]
    if not np.all(np.isnan(np.asarray(history.train_accuracy + history.val_accuracy, float))):
        panels.append(("accuracy", "train_accuracy", "val_accuracy"))
    if axes is None:
        _, axes = gallery(len(panels), ncols=len(panels), panel_size=(4.4, 3.2))
    if len(axes) != len(panels):
        raise ValueError(f"this history needs {len(panels)} axes, got {len(axes)}")
    for ax, (name, train, val) in zip(axes, panels):
        ax.plot(history.epoch, getattr(history, train), color=PALETTE[0], linestyle="-",
                label="training")
        if not np.all(np.isnan(np.asarray(getattr(history, val), float))):
            ax.plot(history.epoch, getattr(history, val), color=PALETTE[1], linestyle="--",
                    label="validation")
        if mark_epoch is not None:
            ax.axvline(mark_epoch, color="gray", linestyle=":", linewidth=1.2,
                       label=f"epoch {mark_epoch}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.legend()
    if log:
        axes[0].set_yscale("log")
    if title:
        axes[0].figure.suptitle(title)
    return list(axes)


def decision_boundary(model, X, y, ax=None, *, resolution=200, padding=0.5, title=None):
    """Colour the plane by the class a model predicts, with the data on top (2-D inputs).

    Parameters
    ----------
    model : object with ``predict(points) -> labels``
        For example a trained :class:`optimlib.nn.MLP`.
    X : array_like, shape (n, 2)
    y : array_like of int, shape (n,)
    ax : matplotlib Axes, optional
    resolution : int, default 200
        Grid points per axis.
    padding : float, default 0.5
        Margin around the data, in data units.
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> class Above:                # predicts class 1 above the diagonal
    ...     def predict(self, points):
    ...         return (points[:, 1] > points[:, 0]).astype(int)
    >>> ax = decision_boundary(Above(), [[0.0, 1.0], [1.0, 0.0]], [1, 0],
    ...                        resolution=20)
    >>> len(ax.collections) >= 3    # filled regions, one scatter per class
    True
    """
    ax = _axes(ax)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must have shape (n, 2) and y shape (n,); got {X.shape} and {y.shape}")
    low, high = X.min(axis=0) - padding, X.max(axis=0) + padding
    grid_x, grid_y = np.meshgrid(np.linspace(low[0], high[0], resolution),
                                 np.linspace(low[1], high[1], resolution))
    predicted = np.asarray(model.predict(np.column_stack([grid_x.ravel(), grid_y.ravel()])))
    n_classes = int(max(predicted.max(), y.max())) + 1
    colors = [PALETTE[k % len(PALETTE)] for k in range(n_classes)]
    ax.contourf(grid_x, grid_y, predicted.reshape(grid_x.shape), alpha=0.25, colors=colors,
                levels=np.arange(n_classes + 1) - 0.5)
    for k in range(n_classes):
        ax.scatter(*X[y == k].T, s=18, color=colors[k], marker=_MARKERS[k % len(_MARKERS)],
                   edgecolors="black", linewidths=0.4, label=f"class {k}")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.grid(False)
    ax.legend(loc="best")
    if title:
        ax.set_title(title)
    return ax


def digit_images(X, y=None, *, predicted=None, n_images=20, ncols=10, image_shape=(8, 8),
                 title=None, panel_titles=None, panel_size=(0.9, 1.05)):
    """Show images (one flattened image per row of ``X``) with their labels.

    With ``predicted``, each title reads ``true→predicted`` and wrong predictions are drawn
    in the book's vermillion, so the mistakes stand out.

    Parameters
    ----------
    X : array_like, shape (n, height * width)
    y : array_like of int, shape (n,), optional
    predicted : array_like of int, shape (n,), optional
    n_images : int, default 20
        How many of the first rows to show.
    ncols : int, default 10
    image_shape : (int, int), default (8, 8)
    title : str, optional
    panel_titles : sequence of str, optional
        One title per image, in place of the labels.
    panel_size : (float, float), default (0.9, 1.05)
        Width and height of one image in inches.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> from optimlib.data import load_digits
    >>> X, y = load_digits()
    >>> len(digit_images(X, y, n_images=5).axes)
    5
    """
    X = np.asarray(X, dtype=float)
    n_images = min(n_images, X.shape[0])
    if X.ndim != 2 or X.shape[1] != image_shape[0] * image_shape[1]:
        raise ValueError(f"X must have shape (n, {image_shape[0] * image_shape[1]}) for images "
                         f"of shape {tuple(image_shape)}, got {X.shape}")
    if panel_titles is not None and len(panel_titles) < n_images:
        raise ValueError(f"panel_titles has {len(panel_titles)} entries for {n_images} images")
    fig, axes = gallery(n_images, ncols, panel_size=panel_size)
    for i, ax in enumerate(axes):
        ax.imshow(X[i].reshape(image_shape), cmap="gray_r", interpolation="nearest")
        ax.set_axis_off()          # no ticks, grid or spines: a spine looks like a stroke
        if panel_titles is not None:
            ax.set_title(panel_titles[i], fontsize=10)
        elif predicted is not None:
            wrong = y is not None and predicted[i] != y[i]
            label = f"{y[i]}→{predicted[i]}" if y is not None else f"→{predicted[i]}"
            ax.set_title(label, fontsize=9, color=PALETTE[1] if wrong else "black")
        elif y is not None:
            ax.set_title(str(y[i]), fontsize=9)
    if title:
        fig.suptitle(title)
    return fig


# -- Chapter 7: generalization -----------------------------------------------------------------
__all__ += ["regression_1d", "validation_curve", "history_gallery", "compare_scores"]


def regression_1d(x, y, grid, predictions, ax=None, *, truth=None, ylim=None, title=None,
                  xlabel="$x$", ylabel="$y$", label="model", truth_label="true function"):
    r"""A one-dimensional regression: the training points, the fitted curve and, optionally,
    the noise-free function that generated the data.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Training inputs and targets, drawn as dots.
    grid : array_like, shape (m,)
        Increasing inputs at which the model was evaluated.
    predictions : array_like, shape (m,)
        The model's outputs on ``grid``, drawn as a line.
    ax : matplotlib Axes, optional
    truth : array_like, shape (m,), optional
        The noise-free function on ``grid``, drawn dotted in black.
    ylim : (float, float), optional
        Window of the vertical axis. A wildly overfitted curve is clipped by it, not
        rescaled, so that panels showing different models stay comparable.
    title, xlabel, ylabel : str
    label, truth_label : str
        Legend entries of the fitted curve and of ``truth``.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``x`` and ``y``, or ``grid``, ``predictions`` and ``truth``, differ in length.

    Examples
    --------
    >>> grid = np.linspace(0, 1, 50)
    >>> _, ax = plt.subplots()
    >>> ax = regression_1d([0.2, 0.8], [1.0, 0.0], grid, 1 - grid, ax,
    ...                    truth=1 - grid, ylim=(-1, 2))
    >>> [line.get_label() for line in ax.get_lines()]
    ['true function', 'model']
    """
    ax = _axes(ax)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    grid, predictions = np.asarray(grid, dtype=float), np.asarray(predictions, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"x and y must be 1-D of the same length, got {x.shape} and {y.shape}")
    if grid.ndim != 1 or predictions.shape != grid.shape:
        raise ValueError(f"predictions must have the shape of grid {grid.shape}, "
                         f"got {predictions.shape}")
    if truth is not None:
        truth = np.asarray(truth, dtype=float)
        if truth.shape != grid.shape:
            raise ValueError(f"truth must have the shape of grid {grid.shape}, got {truth.shape}")
        ax.plot(grid, truth, color="black", linestyle=":", linewidth=1.4, label=truth_label)
    ax.plot(grid, predictions, color=PALETTE[1], linestyle="-", label=label)
    ax.scatter(x, y, s=22, color=PALETTE[0], edgecolors="white", linewidths=0.5, zorder=3,
               label="training data")
    if ylim is not None:
        ax.set_ylim(ylim)
    _label_axes(ax, xlabel, ylabel, title)
    return ax


def validation_curve(values, curves, ax=None, *, spread=None, xlabel, ylabel, logx=False,
                     logy=False, xticks=None, yticks=None, best=None, best_label=None,
                     reference=None, reference_label=None, title=None):
    r"""Scores against a hyperparameter (a degree, a width, :math:`\lambda`, a training-set
    size): one line with markers per data split.

    The usual picture of a model-selection sweep. The first curve is drawn like the training
    curve of :func:`learning_curves` (blue, solid) and the second like its validation curve
    (vermillion, dashed), so the two figures read the same way.

    Parameters
    ----------
    values : array_like, shape (m,)
        The hyperparameter values (horizontal axis).
    curves : dict of str -> array_like, shape (m,)
        Legend label -> score at each value, e.g. ``{"training": ..., "validation": ...}``
        (means over seeds, if there are several).
    ax : matplotlib Axes, optional
    spread : dict of str -> array_like, shape (m,), optional
        Half-widths of error bars for some of the curves, e.g. the standard deviation over
        seeds.
    xlabel, ylabel : str
    logx, logy : bool, default False
        Logarithmic axes.
    xticks, yticks : sequence of float, optional
        Put ticks exactly there, labelled with the plain numbers (``:g``) and without minor
        ticks, e.g. the hyperparameter values themselves on a logarithmic axis (where
        matplotlib would otherwise write 2 × 10¹ next to 20).
    best : float, optional
        A value to mark with a dotted vertical line (e.g. the best degree), labelled
        ``best_label``.
    reference : float, optional
        A dotted horizontal line, e.g. the score without regularization or chance level,
        labelled ``reference_label``.
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``curves`` is empty, a curve or a spread does not have one entry per value, or
        ``spread`` names a curve that ``curves`` does not have.

    Examples
    --------
    >>> _, ax = plt.subplots()
    >>> ax = validation_curve([1, 2, 3], {"training": [0.3, 0.1, 0.0],
    ...                                   "validation": [0.4, 0.2, 0.5]}, ax,
    ...                       xlabel="degree", ylabel="error", best=2,
    ...                       best_label="best")
    >>> [line.get_label() for line in ax.get_lines()]
    ['training', 'validation', 'best']
    """
    ax = _axes(ax)
    values = np.asarray(values, dtype=float)
    spread = {} if spread is None else dict(spread)
    if not curves:
        raise ValueError("curves is empty: give at least one label -> scores")
    unknown = [label for label in spread if label not in curves]
    if unknown:
        raise ValueError(f"spread names curves that curves does not have: {unknown}")
    handles = []                          # legend entries in the order they are drawn
    for k, (label, scores) in enumerate(curves.items()):
        scores = np.asarray(scores, dtype=float)
        if scores.shape != values.shape:
            raise ValueError(f"curve {label!r} has shape {scores.shape}, expected "
                             f"{values.shape} (one score per value)")
        style = dict(color=PALETTE[k % len(PALETTE)], linestyle=LINESTYLES[k % len(LINESTYLES)],
                     marker=_MARKERS[k % len(_MARKERS)], markersize=5, label=label)
        if label in spread:
            errors = np.asarray(spread[label], dtype=float)
            if errors.shape != values.shape:
                raise ValueError(f"spread of {label!r} has shape {errors.shape}, expected "
                                 f"{values.shape}")
            handles.append(ax.errorbar(values, scores, yerr=errors, capsize=3, **style))
        else:
            handles.extend(ax.plot(values, scores, **style))
    if best is not None:
        line = ax.axvline(best, color="gray", linestyle=":", linewidth=1.4, label=best_label)
        handles += [line] if best_label else []
    if reference is not None:
        line = ax.axhline(reference, color="black", linestyle=":", linewidth=1.2,
                          label=reference_label)
        handles += [line] if reference_label else []
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    for axis, ticks in [(ax.xaxis, xticks), (ax.yaxis, yticks)]:
        if ticks is not None:
            axis.set_ticks(ticks, [f"{tick:g}" for tick in ticks])
            axis.set_minor_locator(plt.NullLocator())
    _label_axes(ax, xlabel, ylabel, title)
    ax.legend(handles=handles)
    return ax


def history_gallery(histories, *, metric="loss", ncols=3, mark_epochs=None,
                    mark_label="marked epoch", log=False, sharey=True, suptitle=None,
                    panel_size=(3.2, 2.7)):
    r"""Small multiples of learning curves: one panel per training run, with the training
    and validation ``metric`` per epoch.

    The static counterpart of a slider over a training hyperparameter: each panel is one
    slider position, and shared axes make the panels comparable at a glance.

    Parameters
    ----------
    histories : dict of str -> optimlib.train.History
        Panel title -> history recorded with validation data.
    metric : {"loss", "accuracy"}, default "loss"
    ncols : int, default 3
    mark_epochs : dict of str -> int, optional
        A dotted vertical line at this epoch in the panel with that title (e.g. the best
        epoch).
    mark_label : str, default "marked epoch"
        Legend entry of those lines.
    log : bool, default False
        Logarithmic vertical axis.
    sharey : bool, default True
    suptitle : str, optional
    panel_size : (float, float), default (3.2, 2.7)

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If ``histories`` is empty, ``metric`` is unknown or ``mark_epochs`` names a panel
        that ``histories`` does not have.

    Examples
    --------
    >>> from optimlib.train import History
    >>> history = History()
    >>> losses = [(1.0, 1.1), (0.5, 0.7), (0.3, 0.8)]
    >>> for epoch, (train, val) in enumerate(losses, start=1):
    ...     history.append(epoch=epoch, train_loss=train, val_loss=val,
    ...                    train_accuracy=0.9, val_accuracy=0.8, lr=0.1,
    ...                    wall_time=0.0)
    >>> fig = history_gallery({"run A": history, "run B": history},
    ...                       mark_epochs={"run A": 2})
    >>> [ax.get_title() for ax in fig.axes]
    ['run A', 'run B']
    """
    if not histories:
        raise ValueError("histories is empty: give at least one title -> History")
    if metric not in ("loss", "accuracy"):
        raise ValueError(f"metric must be 'loss' or 'accuracy', got {metric!r}")
    mark_epochs = {} if mark_epochs is None else dict(mark_epochs)
    unknown = [title for title in mark_epochs if title not in histories]
    if unknown:
        raise ValueError(f"mark_epochs names panels that histories does not have: {unknown}")
    fig, axes = gallery(len(histories), ncols, panel_size=panel_size, sharex=True,
                        sharey=sharey)
    for k, (ax, (title, history)) in enumerate(zip(axes, histories.items())):
        ax.plot(history.epoch, getattr(history, f"train_{metric}"), color=PALETTE[0],
                linestyle="-", label="training")
        ax.plot(history.epoch, getattr(history, f"val_{metric}"), color=PALETTE[1],
                linestyle="--", label="validation")
        if title in mark_epochs:
            ax.axvline(mark_epochs[title], color="gray", linestyle=":", linewidth=1.2,
                       label=mark_label)
        if log:
            ax.set_yscale("log")
        ax.set_title(title)
        if k + ncols >= len(histories):          # no panel below: label the shared axis
            ax.xaxis.set_tick_params(labelbottom=True)
            ax.set_xlabel("epoch")
        if k % ncols == 0:
            ax.set_ylabel(metric)
        if k == 0:
            ax.legend()
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def compare_scores(scores, ax=None, *, xlabel="score", reference=None, reference_label=None,
                   title=None, fmt=".3f"):
    """A dot plot of a few runs per setting: one row per setting, one dot per run (seed), a
    bar at the mean.

    With only a handful of seeds, showing every run says more than a mean and an error
    bar: a difference between two settings is believable when their dots separate. Equal
    scores (accuracies on a small set often coincide) are stacked vertically so that every
    run stays visible. The mean is written under each row's label.

    Parameters
    ----------
    scores : dict of str -> array_like, shape (r,)
        Row label -> the scores of its runs; rows are drawn top to bottom in this order.
    ax : matplotlib Axes, optional
    xlabel : str, default "score"
    reference : float, optional
        A dotted vertical line, e.g. chance level, labelled ``reference_label``.
    title : str, optional
    fmt : str, default ".3f"
        Format of the means in the row labels.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``scores`` is empty or a row has no score.

    Examples
    --------
    >>> _, ax = plt.subplots()
    >>> ax = compare_scores({"without": [0.90, 0.91], "with": [0.93, 0.95]},
    ...                     ax, xlabel="accuracy")
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['without\\nmean 0.905', 'with\\nmean 0.940']
    """
    ax = _axes(ax)
    if not scores:
        raise ValueError("scores is empty: give at least one label -> scores")
    labels = []
    for row, (label, values) in enumerate(scores.items()):
        values = np.asarray(values, dtype=float).ravel()
        if values.size == 0:
            raise ValueError(f"row {label!r} has no scores")
        y = -row
        color = PALETTE[row % len(PALETTE)]
        ax.scatter(values, y + _stack_offsets(values), s=36, color=color, alpha=0.75,
                   marker=_MARKERS[row % len(_MARKERS)], edgecolors="black", linewidths=0.4,
                   zorder=3)
        mean = float(values.mean())
        ax.plot([mean, mean], [y - 0.3, y + 0.3], color="black", linestyle="-", linewidth=2.0)
        labels.append(f"{label}\nmean {mean:{fmt}}")
    ax.set_yticks(-np.arange(len(labels)), labels)
    ax.set_ylim(-len(labels) + 0.4, 0.6)
    if reference is not None:
        ax.axvline(reference, color="gray", linestyle=":", linewidth=1.4, label=reference_label)
        if reference_label:
            ax.legend(loc="best")
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    if title:
        ax.set_title(title)
    return ax


def _stack_offsets(values, step=0.09):
    """Vertical offsets 0, +step, -step, +2 step, ... for the repeats of each equal value."""
    offsets = np.zeros(values.size)
    for value in np.unique(values):
        where = np.flatnonzero(values == value)
        k = np.arange(where.size)
        offsets[where] = step * np.where(k % 2 == 1, (k + 1) // 2, -(k // 2))
    return offsets
