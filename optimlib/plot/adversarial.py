"""Figures of adversarial examples (Chapter 12): what an attack does to an image and to the
model's belief.

- :func:`adversarial_example`: the clean image, the perturbation, the adversarial image and
  the model's class probabilities for it (the widget's view);
- :func:`adversarial_gallery`: small multiples over the attack's radius for one or more
  models, the static counterpart of an :math:`\\varepsilon` slider.

The probability bars are :func:`optimlib.plot.distillation.soft_targets`: the true class in
vermillion.
"""

import matplotlib.pyplot as plt
import numpy as np

from .distillation import soft_targets
from .style import gallery

__all__ = ["adversarial_example", "adversarial_gallery"]


def _image(ax, pixels, image_shape, title=None, vmax=1.0):
    ax.imshow(np.reshape(pixels, image_shape), cmap="gray_r", vmin=0, vmax=vmax,
              interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=10)


def _check_images(name, images, size):
    images = np.asarray(images, dtype=float)
    if images.shape[-1] != size:
        raise ValueError(f"{name} must have {size} pixels per image, got shape {images.shape}")
    return images


def adversarial_example(image, adversarial, probabilities, label, *, row_labels=None,
                        image_shape=(8, 8), vmax=1.0, title=None):
    """Four panels per model: the clean image, the perturbation, the adversarial image, and
    the model's class probabilities for the adversarial image.

    The perturbation ``adversarial - image`` is drawn in a diverging colormap (red adds ink,
    blue removes it) on a symmetric scale, so an :math:`L_\\infty` attack shows as pixels at
    :math:`\\pm\\varepsilon`. Several models attacked on the same image give one row each.

    Parameters
    ----------
    image : array_like, shape (height * width,)
        The clean image, pixels in ``[0, vmax]``.
    adversarial : array_like, shape (height * width,) or (models, height * width)
        The adversarial image, or one per model.
    probabilities : array_like, shape (k,) or (models, k)
        Each model's softmax output for its adversarial image.
    label : int
        The true class (its bar is vermillion).
    row_labels : sequence of str, optional
        One name per model, written at the left of its row.
    image_shape : (int, int), default (8, 8)
    vmax : float, default 1
        The largest pixel value (white is 0).
    title : str, optional

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If the images do not have ``height * width`` pixels, or the adversarial images and
        the probabilities are not one row per model.

    Examples
    --------
    >>> x = np.zeros(64)
    >>> fig = adversarial_example(x, x + 0.1, [0.2, 0.8], label=0)
    >>> [ax.get_title() for ax in fig.axes[:3]]
    ['clean', 'perturbation (max 0.1)', 'adversarial']
    """
    size = image_shape[0] * image_shape[1]
    image = _check_images("image", image, size)
    adversarial = np.atleast_2d(_check_images("adversarial", adversarial, size))
    probabilities = np.atleast_2d(np.asarray(probabilities, dtype=float))
    if image.ndim != 1 or adversarial.ndim != 2:
        raise ValueError(f"image must be one image of {size} pixels and adversarial one per "
                         f"model, got shapes {image.shape} and {adversarial.shape}")
    if probabilities.ndim != 2 or len(probabilities) != len(adversarial):
        raise ValueError(f"probabilities must have one row per adversarial image "
                         f"({len(adversarial)}), got shape {probabilities.shape}")
    models = len(adversarial)
    if row_labels is not None and len(row_labels) != models:
        raise ValueError(f"row_labels has {len(row_labels)} entries for {models} models")
    fig, axes = plt.subplots(models, 4, figsize=(8.4, 2.3 * models), squeeze=False,
                             gridspec_kw={"width_ratios": [1, 1, 1, 1.9]})
    for m, row in enumerate(axes):
        delta = adversarial[m] - image
        radius = max(float(np.max(np.abs(delta))), 1e-12)
        _image(row[0], image, image_shape, "clean", vmax)
        row[1].imshow(delta.reshape(image_shape), cmap="RdBu_r", vmin=-radius, vmax=radius,
                      interpolation="nearest")
        row[1].set_axis_off()
        row[1].set_title(f"perturbation (max {float(np.max(np.abs(delta))):.2g})",
                         fontsize=10)
        _image(row[2], adversarial[m], image_shape, "adversarial", vmax)
        soft_targets(probabilities[m], row[3], label=label, ylabel="probability")
        predicted = int(np.argmax(probabilities[m]))
        row[3].set_title(f"predicted {predicted} (p = {probabilities[m, predicted]:.2f})",
                         fontsize=10)
        if row_labels is not None:
            row[0].text(-0.15, 0.5, row_labels[m], transform=row[0].transAxes, rotation=90,
                        ha="right", va="center", fontsize=10)
    if title:
        fig.suptitle(title)
    return fig


def adversarial_gallery(images, probabilities, eps_values, label, *, row_labels=None,
                        image_shape=(8, 8), vmax=1.0, panel_size=(1.3, 1.25), title=None):
    r"""Small multiples over :math:`\varepsilon`: for each model, a row of adversarial images
    and under it a row of the model's class probabilities for them.

    Parameters
    ----------
    images : array_like, shape (models, len(eps_values), height * width)
        The adversarial images, one per model and radius (radius 0: the clean image).
    probabilities : array_like, shape (models, len(eps_values), k)
        Each model's softmax output for its adversarial images.
    eps_values : sequence of float
        The radii, one column each.
    label : int
        The true class (vermillion bars).
    row_labels : sequence of str, optional
        One name per model, written on its rows.
    image_shape : (int, int), default (8, 8)
    vmax : float, default 1
    panel_size : (float, float), default (1.3, 1.25)
    title : str, optional

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If the shapes of ``images``, ``probabilities`` and ``eps_values`` disagree.

    Examples
    --------
    >>> images = np.zeros((2, 3, 64))
    >>> probabilities = np.full((2, 3, 2), 0.5)
    >>> fig = adversarial_gallery(images, probabilities, [0, 0.1, 0.2],
    ...                           label=1)
    >>> len(fig.axes)
    12
    """
    size = image_shape[0] * image_shape[1]
    images = _check_images("images", images, size)
    probabilities = np.asarray(probabilities, dtype=float)
    eps_values = list(eps_values)
    if images.ndim != 3 or images.shape[1] != len(eps_values):
        raise ValueError(f"images must have shape (models, {len(eps_values)}, {size}), got "
                         f"{images.shape}")
    if probabilities.ndim != 3 or probabilities.shape[:2] != images.shape[:2]:
        raise ValueError(f"probabilities must have shape ({images.shape[0]}, "
                         f"{len(eps_values)}, k), got {probabilities.shape}")
    models, columns = images.shape[0], len(eps_values)
    if row_labels is not None and len(row_labels) != models:
        raise ValueError(f"row_labels has {len(row_labels)} entries for {models} models")
    fig, axes = gallery(2 * models * columns, columns, panel_size=panel_size)
    for m in range(models):
        for j, eps in enumerate(eps_values):
            image_ax = axes[2 * m * columns + j]
            bars_ax = axes[(2 * m + 1) * columns + j]
            predicted = int(np.argmax(probabilities[m, j]))
            _image(image_ax, images[m, j], image_shape, vmax=vmax)
            image_ax.set_title(f"ε = {eps:g}: {predicted}", fontsize=9,
                               color="black" if predicted == label else "#D55E00")
            soft_targets(probabilities[m, j], bars_ax, label=label, xlabel="",
                         ylabel="")
            bars_ax.set_xticks([label, predicted] if predicted != label else [label])
            bars_ax.tick_params(labelsize=7)
            if j == 0:
                bars_ax.set_ylabel("probability", fontsize=8)
                if row_labels is not None:
                    image_ax.text(-0.15, 0.5, row_labels[m], transform=image_ax.transAxes,
                                  rotation=90, ha="right", va="center", fontsize=9)
            else:
                bars_ax.set_yticklabels([])
    if title:
        fig.suptitle(title)
    return fig
