"""Curves of what a run measured: losses against steps, rates or hyperparameters, and the
scores of repeated runs.

- :func:`loss_curves`: loss (or any error) against the iteration, on a log axis;
- :func:`curves_with_bounds`: measured curves next to the bounds a theorem gives for them;
- :func:`finite_difference_errors`: the V-shaped error of finite differences against the step;
- :func:`range_test`: the learning-rate range test with its suggested rates;
- :func:`learning_curves`, :func:`history_gallery`: training and validation curves per epoch
  from :func:`optimlib.train.fit`, for one run or as small multiples;
- :func:`validation_curve`: scores against a hyperparameter, one line per data split;
- :func:`compare_scores`: one dot per seed and a bar at the mean, for a few settings.
"""

import matplotlib.pyplot as plt
import numpy as np

from .style import LINESTYLES, PALETTE, _MARKERS, _axes, _label_axes, gallery

__all__ = ["loss_curves", "curves_with_bounds", "finite_difference_errors", "range_test",
           "learning_curves", "validation_curve", "history_gallery", "compare_scores"]


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


def curves_with_bounds(curves, bounds, ax=None, *, xlabel="iteration $t$", ylabel="loss",
                       log=True, logx=False, title=None, bound_label="{} (bound)"):
    r"""Measured curves (solid) next to the bounds a theorem gives for them (dotted).

    Curve ``k`` and its bound share the ``k``-th colour of :data:`~optimlib.plot.style.PALETTE`;
    the measured curve is solid and the bound dotted, so a reader sees at once which bound
    belongs to which run and how far below it the run stays.

    Parameters
    ----------
    curves : dict of str -> array or (x, array)
        Measured curves, as in :func:`loss_curves`.
    bounds : dict of str -> array or (x, array)
        Bounds keyed by the label of the curve they bound (a subset of ``curves``' labels).
    ax : matplotlib Axes, optional
    xlabel, ylabel, title : str
    log, logx : bool, default True, False
        Logarithmic vertical and horizontal axes.
    bound_label : str, default "{} (bound)"
        Legend entry of a bound; ``{}`` is replaced by its curve's label.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If a bound's key is not the label of a curve.
    """
    unknown = [label for label in bounds if label not in curves]
    if unknown:
        raise ValueError(f"bounds has labels {unknown} that are not in curves")
    ax = _axes(ax)
    for k, (label, curve) in enumerate(curves.items()):
        color = PALETTE[k % len(PALETTE)]
        for values, style, width, name in [(curve, "-", None, label),
                                           (bounds.get(label), ":", 1.6,
                                            bound_label.format(label))]:
            if values is None:
                continue
            x, y = values if isinstance(values, tuple) else (np.arange(len(values)), values)
            ax.plot(x, y, color=color, linestyle=style, linewidth=width, label=name)
    if log:
        ax.set_yscale("log")
    if logx:
        ax.set_xscale("log")
    _label_axes(ax, xlabel, ylabel, title)
    ax.legend()
    return ax


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
