"""Figures of pruned networks: weight distributions, accuracy against compression, and which
connections survive.

- :func:`weight_histograms`: the distribution of each layer's weights, for a few models
  (at initialization, trained, trained with weight decay), one panel per layer;
- :func:`pruning_curves`: a score (mean ± standard error over seeds) against the compression
  ratio on a logarithmic axis, one curve per method;
- :func:`connection_maps`: for each input pixel, the fraction of its outgoing weights a mask
  keeps, drawn as an image, as small multiples.
"""

import matplotlib.pyplot as plt
import numpy as np

from .style import LINESTYLES, PALETTE, _axes, _label_axes, gallery
from .curves import validation_curve

__all__ = ["weight_histograms", "pruning_curves", "connection_maps"]


def weight_histograms(groups, *, bins=60, log=True, panel_size=(2.3, 2.3), suptitle=None):
    """Histograms of each layer's weights, one panel per layer, one outline per model.

    Parameters
    ----------
    groups : dict of str -> dict of str -> array_like
        Legend label -> {layer name -> weights}; every model has the same layers, e.g.
        ``{"initialization": {...}, "trained": {...}}``.
    bins : int, default 60
        Bins spanning the range of each layer's weights over all models.
    log : bool, default True
        Logarithmic counts, so that the tails stay visible next to the peak at zero.
    panel_size : (float, float), default (2.3, 2.3)
    suptitle : str, optional

    Returns
    -------
    fig, axes : Figure and the list of Axes (one per layer)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> fig, axes = weight_histograms(
    ...     {"a": {"W1": rng.normal(size=100), "W2": rng.normal(size=50)},
    ...      "b": {"W1": rng.normal(size=100), "W2": rng.normal(size=50)}})
    >>> len(axes), axes[0].get_title()
    (2, 'W1')
    """
    if not groups:
        raise ValueError("groups is empty: give at least one label -> {layer: weights}")
    layers = list(next(iter(groups.values())))
    for label, weights in groups.items():
        if list(weights) != layers:
            raise ValueError(f"group {label!r} has layers {list(weights)}, expected {layers}")
    fig, axes = gallery(len(layers), ncols=len(layers), panel_size=panel_size)
    for ax, layer in zip(axes, layers):
        values = [np.asarray(weights[layer], dtype=float).ravel() for weights in groups.values()]
        edges = np.linspace(min(v.min() for v in values), max(v.max() for v in values), bins + 1)
        for k, (label, v) in enumerate(zip(groups, values)):
            ax.hist(v, bins=edges, histtype="step", linewidth=1.6, label=label,
                    color=PALETTE[k % len(PALETTE)], linestyle=LINESTYLES[k % len(LINESTYLES)])
        if log:
            ax.set_yscale("log")
        ax.xaxis.set_major_locator(plt.MaxNLocator(4, symmetric=True))
        _label_axes(ax, "weight", "count" if ax is axes[0] else "")
        ax.set_title(layer, fontsize=10)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels))
    if suptitle:
        fig.suptitle(suptitle)
    return fig, axes


def pruning_curves(sparsities, scores, ax=None, *, reference=None, reference_label=None,
                   mark=None, mark_label=None, ylabel="validation accuracy", title=None,
                   ylim=None):
    r"""Scores against the compression ratio :math:`1/(1 - s)`: mean ± standard error.

    Parameters
    ----------
    sparsities : array_like, shape (m,)
        Fractions :math:`s` of the weights pruned, below 1.
    scores : dict of str -> array_like, shape (r, m)
        Curve label -> one row per seed, one column per sparsity.
    ax : matplotlib Axes, optional
    reference : float, optional
        A dotted horizontal line, e.g. the dense network's mean score.
    reference_label : str, optional
    mark : float, optional
        A compression ratio to mark with a vertical line (e.g. 12 for Han et al.'s).
    mark_label : str, optional
    ylabel : str, default "validation accuracy"
    title : str, optional
    ylim : (float, float), optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> _, ax = plt.subplots()
    >>> scores = {"one-shot": [[0.9, 0.8], [0.92, 0.7]]}   # 2 seeds
    >>> ax = pruning_curves([0.5, 0.9], scores, ax, reference=0.95,
    ...                     reference_label="dense")
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['one-shot', 'dense']
    """
    sparsities = np.asarray(sparsities, dtype=float)
    if sparsities.ndim != 1 or np.any((sparsities < 0) | (sparsities >= 1)):
        raise ValueError("sparsities must be a 1-D array of fractions in [0, 1)")
    ratios = 1 / (1 - sparsities)
    means, spreads = {}, {}
    for label, values in scores.items():
        values = np.asarray(values, dtype=float)
        if values.ndim != 2 or values.shape[1] != sparsities.size:
            raise ValueError(f"scores[{label!r}] must have shape (seeds, {sparsities.size}), "
                             f"got {values.shape}")
        means[label] = values.mean(axis=0)
        if values.shape[0] > 1:
            spreads[label] = values.std(axis=0, ddof=1) / np.sqrt(values.shape[0])
    ax = validation_curve(ratios, means, ax, spread=spreads, logx=True,
                          xlabel="compression: weights / nonzero weights (log scale)",
                          ylabel=ylabel, best=mark, best_label=mark_label,
                          reference=reference, reference_label=reference_label, title=title)
    ax.xaxis.set_ticks(ratios, [f"{ratio:.3g}" for ratio in ratios])   # the measured ratios
    ax.xaxis.set_minor_locator(plt.NullLocator())
    if ylim is not None:
        ax.set_ylim(*ylim)
    return ax


def connection_maps(masks, *, titles=None, image_shape=(8, 8), ncols=5, panel_size=(1.9, 2.2),
                    relative=False, suptitle=None):
    """For each input pixel, the fraction of its outgoing weights that a mask keeps.

    The first layer's weight has one row per input pixel (our ``(d_in, d_out)`` layout), so
    a row's mean of the mask is how connected that pixel still is. Absolute fractions are
    drawn in grey (white: all connections pruned, black: all kept). With ``relative=True``
    each pixel's fraction is divided by the fraction the whole mask keeps, so that masks of
    very different sparsities can be compared: 1 (white) is the average, purple more, orange
    fewer, and the darkest orange none at all.

    Parameters
    ----------
    masks : sequence of array_like of bool, shape (d_in, d_out)
        Masks of the first layer's weight, with ``d_in = height * width``.
    titles : sequence of str, optional
    image_shape : (int, int), default (8, 8)
    ncols : int, default 5
    panel_size : (float, float), default (1.9, 2.2)
    relative : bool, default False
        Divide by the mask's overall kept fraction (colour scale 0 to 2, diverging at 1).
    suptitle : str, optional

    Returns
    -------
    fig, axes

    Examples
    --------
    >>> mask = np.ones((64, 3), dtype=bool)
    >>> mask[0] = False
    >>> fig, axes = connection_maps([mask], titles=["one pixel cut"])
    >>> axes[0].images[0].get_array()[0, :3]
    masked_array(data=[0., 1., 1.],
                 mask=False,
           fill_value=1e+20)
    """
    masks = [np.asarray(m, dtype=float) for m in masks]
    if not masks:
        raise ValueError("masks is empty")
    for m in masks:
        if m.ndim != 2 or m.shape[0] != image_shape[0] * image_shape[1]:
            raise ValueError(f"each mask must have shape ({image_shape[0] * image_shape[1]}, "
                             f"d_out) for images of shape {tuple(image_shape)}, got {m.shape}")
    if titles is not None and len(titles) != len(masks):
        raise ValueError(f"titles has {len(titles)} entries for {len(masks)} masks")
    fig, axes = gallery(len(masks), ncols=ncols, panel_size=panel_size)
    for i, (ax, m) in enumerate(zip(axes, masks)):
        kept = m.mean(axis=1)
        if relative:
            kept = kept / m.mean() if m.mean() > 0 else kept
            image = ax.imshow(kept.reshape(image_shape), cmap="PuOr", vmin=0, vmax=2,
                              interpolation="nearest")
        else:
            image = ax.imshow(kept.reshape(image_shape), cmap="gray_r", vmin=0, vmax=1,
                              interpolation="nearest")
        ax.set_axis_off()
        if titles is not None:
            ax.set_title(titles[i], fontsize=9)
    fig.colorbar(image, ax=axes, shrink=0.8,
                 label="kept / layer's average" if relative else "fraction kept")
    if suptitle:
        fig.suptitle(suptitle)
    return fig, axes
