"""The book's look, shared by every figure: colours, line styles, markers and layout.

- :data:`PALETTE` and :data:`LINESTYLES`: the colour and line style of the ``k``-th curve;
- :func:`use_style`: the matplotlib defaults, called once at the top of a notebook;
- :func:`gallery`: a grid of small multiples, the static counterpart of a slider.

The other modules of :mod:`optimlib.plot` import these (and the private helpers ``_axes``,
``_label_axes`` and ``_MARKERS``) rather than choosing colours or sizes of their own, so a
new figure looks like the others by construction.
"""

import matplotlib.pyplot as plt
from cycler import cycler

__all__ = ["PALETTE", "LINESTYLES", "use_style", "gallery"]


#: Okabe–Ito colours (blue, vermillion, green, purple, orange, sky blue, black).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
#: Line style paired with each colour of ``PALETTE`` (solid, dashed, dash-dot, dotted, ...), so
#: that curves stay distinguishable in grey print and for colour-blind readers.
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 2))]
# marker paired with each colour, for scatter points and curves drawn with markers
_MARKERS = ["o", "s", "^", "D", "v", "P", "X"]

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
