"""Figures in data space: the samples, and what a model predicts on them.

- :func:`scatter_features`: the target against each feature of a regression data set;
- :func:`regression_1d`: training points, a fitted curve and the true function;
- :func:`decision_boundary`: the classes a model predicts over the plane, with the data;
- :func:`digit_images`: images with their labels, mistakes in vermillion.
"""

import matplotlib.pyplot as plt
import numpy as np

from .style import PALETTE, _MARKERS, _axes, _label_axes, gallery

__all__ = ["scatter_features", "regression_1d", "decision_boundary", "digit_images"]


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
    target : str, default ``"$y$"``
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
