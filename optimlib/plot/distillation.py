"""Figures of knowledge distillation (Chapter 11): a teacher's soft targets.

- :func:`soft_targets`: one row of class probabilities as bars, the true class in vermillion;
- :func:`soft_target_gallery`: small multiples of a few images and their soft targets at
  several temperatures, the static counterpart of a temperature slider.

The probabilities at a temperature come from :func:`optimlib.nn.softmax`, the one home of
temperature scaling.
"""

import numpy as np

from optimlib.nn import softmax

from .style import PALETTE, _axes, _label_axes, gallery

__all__ = ["soft_targets", "soft_target_gallery"]

#: smallest probability shown on a logarithmic axis
_FLOOR = 1e-8


def soft_targets(probabilities, ax=None, *, label=None, log=False, xlabel="class",
                 ylabel="probability", title=None):
    """Bars of one row of class probabilities; the bar of the true class is vermillion.

    Parameters
    ----------
    probabilities : array_like, shape (k,)
        Non-negative, summing to 1 (e.g. a row of ``softmax(logits, T)``).
    ax : matplotlib Axes, optional
    label : int, optional
        The true class, drawn in the book's vermillion; the others are blue.
    log : bool, default False
        A logarithmic axis from 1e-8 to 1, where the tiny probabilities of the wrong classes
        (the "dark knowledge") are visible even at temperature 1.
    xlabel, ylabel, title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``probabilities`` is not one row of probabilities, or ``label`` is not a class.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> _, ax = plt.subplots()
    >>> ax = soft_targets([0.7, 0.2, 0.1], ax, label=0)
    >>> [round(float(bar.get_height()), 2) for bar in ax.patches]
    [0.7, 0.2, 0.1]
    """
    ax = _axes(ax)
    probabilities = np.asarray(probabilities, dtype=float)
    if (probabilities.ndim != 1 or np.any(probabilities < 0)
            or not np.isclose(probabilities.sum(), 1.0, rtol=0, atol=1e-6)):
        raise ValueError("probabilities must be one row of class probabilities (1-D, "
                         f"non-negative, summing to 1), got shape {probabilities.shape}")
    k = probabilities.size
    if label is not None and label not in range(k):
        raise ValueError(f"label must be a class in [0, {k - 1}], got {label!r}")
    colors = [PALETTE[1] if j == label else PALETTE[0] for j in range(k)]
    if log:
        heights = np.maximum(probabilities, _FLOOR)
        ax.bar(np.arange(k), heights - _FLOOR, bottom=_FLOOR, color=colors)
        ax.set_yscale("log")
        ax.set_ylim(_FLOOR, 1.5)
    else:
        ax.bar(np.arange(k), probabilities, color=colors)
        ax.set_ylim(0, 1.02)
    ax.set_xticks(np.arange(k))
    ax.grid(axis="x", visible=False)
    _label_axes(ax, xlabel, ylabel, title)
    return ax


def soft_target_gallery(images, logits, temperatures, *, labels=None, log=False,
                        image_shape=(8, 8), panel_size=(1.9, 1.55), title=None):
    r"""Small multiples: one row per image, the image and then its soft targets
    :math:`\operatorname{softmax}(z/T)` at each temperature.

    Parameters
    ----------
    images : array_like, shape (r, height * width)
    logits : array_like, shape (r, k)
        A teacher's logits for the images.
    temperatures : sequence of float
        One column per temperature, e.g. ``[1, 2, 4, 10]``.
    labels : array_like of int, shape (r,), optional
        True classes, drawn in vermillion.
    log : bool, default False
        Logarithmic probability axes (see :func:`soft_targets`).
    image_shape : (int, int), default (8, 8)
    panel_size : (float, float), default (1.9, 1.55)
        Width and height of one panel in inches.
    title : str, optional

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If the images, logits and labels do not have one row each per image, or no
        temperature is given.

    Examples
    --------
    >>> images = np.zeros((2, 64))
    >>> logits = np.array([[4.0, 0.0, 1.0], [0.0, 3.0, 0.0]])
    >>> fig = soft_target_gallery(images, logits, [1, 4], labels=[0, 1])
    >>> len(fig.axes)
    6
    """
    images = np.asarray(images, dtype=float)
    logits = np.asarray(logits, dtype=float)
    temperatures = list(temperatures)
    if not temperatures:
        raise ValueError("temperatures is empty: give at least one temperature")
    if images.ndim != 2 or images.shape[1] != image_shape[0] * image_shape[1]:
        raise ValueError(f"images must have shape (r, {image_shape[0] * image_shape[1]}), "
                         f"got {images.shape}")
    if logits.ndim != 2 or logits.shape[0] != images.shape[0]:
        raise ValueError(f"logits must have one row per image, shape ({images.shape[0]}, k), "
                         f"got {logits.shape}")
    if labels is not None and len(labels) != images.shape[0]:
        raise ValueError(f"labels has {len(labels)} entries for {images.shape[0]} images")
    rows, columns = images.shape[0], len(temperatures) + 1
    fig, axes = gallery(rows * columns, columns, panel_size=panel_size)
    for i in range(rows):
        image_ax = axes[i * columns]
        image_ax.imshow(images[i].reshape(image_shape), cmap="gray_r", interpolation="nearest")
        image_ax.set_axis_off()
        if labels is not None:
            image_ax.set_title(f"a {labels[i]}", fontsize=10)
        for j, temperature in enumerate(temperatures, start=1):
            ax = axes[i * columns + j]
            label = None if labels is None else int(labels[i])
            soft_targets(softmax(logits[i:i + 1], temperature)[0], ax, label=label, log=log,
                         xlabel="class" if i == rows - 1 else "",
                         ylabel="probability" if j == 1 else "")
            ax.tick_params(labelsize=8)
            if i == 0:
                ax.set_title(f"T = {temperature:g}", fontsize=10)
    if title:
        fig.suptitle(title)
    return fig
