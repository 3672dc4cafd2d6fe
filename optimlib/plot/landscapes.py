r"""Figures in parameter space: loss landscapes and the paths optimizers take across them.

- :func:`contour`, :func:`trajectory`: level sets of a test problem, and a run drawn on them;
- :func:`trajectory_gallery`: one contour plot and one run per panel (small multiples);
- :func:`compare_runs`: a race between optimizers, paths on the left, :math:`f - f^\star` on
  the right;
- :func:`parameter_paths`: each coordinate of a run against the iteration, with its target;
- :func:`heatmap`: a quantity over a grid of two variables (e.g. a rate over
  :math:`(\eta, \mu)`), with the cells where it is undefined in gray.
"""

import matplotlib.pyplot as plt
import numpy as np

from .style import LINESTYLES, PALETTE, _axes, _label_axes, gallery

__all__ = ["contour", "trajectory", "trajectory_gallery", "compare_runs", "parameter_paths",
           "heatmap", "MISSING_COLOR"]


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
