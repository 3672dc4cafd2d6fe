"""Interactive explorers: live ipywidgets for a kernel, precomputed frames for a page.

Two ways to move a slider and see a figure change, from the same drawing function:

- :func:`explorer` (and :func:`optimizer_explorer`, :func:`gd_explorer`,
  :func:`schedule_explorer`, built on it) redraws with ipywidgets. It needs a running kernel
  (JupyterLab, Binder, Colab).
- :func:`precomputed_explorer` draws the figure in advance for every point of a grid of slider
  positions and returns a small self-contained HTML viewer: the frames as inline PNG images
  and one plain ``<input type="range">`` per slider, with a few lines of JavaScript and no
  network access. It works on the book's static pages, offline, and in Jupyter.

The drawing functions behind the explorers are public (:func:`optimizer_figure`,
:func:`schedule_figure`) so that a chapter hands the same function to both.

Cells that display a widget carry the tags ``nbval-ignore-output`` (the widget's state is
live, not part of what the book asserts), ``skip-execution`` and ``remove-output`` (the
static page shows the precomputed viewer instead of a widget that needs a kernel).
"""

import base64
import html
import inspect
import io
import itertools
import json
import math

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from optimlib import plot
from optimlib._validation import check_int, check_real
from optimlib.optim import SGD
from optimlib.train import minimize

__all__ = ["explorer", "lr_slider", "int_slider", "float_slider", "optimizer_figure",
           "optimizer_explorer", "gd_explorer"]


def explorer(draw, **controls):
    """Redraw ``draw(**values)`` whenever one of the ``controls`` changes.

    Parameters
    ----------
    draw : callable
        Makes a matplotlib figure from keyword arguments named like the controls.
    **controls : ipywidgets value widgets
        E.g. ``lr=lr_slider(0.1, 1e-3, 1)``.

    Returns
    -------
    ipywidgets.VBox
        The controls above the figure; display it (last line of a cell).
    """
    def redraw(**values):
        draw(**values)
        plt.show()

    output = widgets.interactive_output(redraw, controls)
    return widgets.VBox([widgets.HBox(list(controls.values())), output])


def lr_slider(value, low, high, description="η (lr)"):
    """A logarithmic learning-rate slider from ``low`` to ``high`` (both > 0)."""
    low = check_real("low", low, low=0, low_open=True)
    high = check_real("high", high, low=low, low_open=True)
    value = check_real("value", value, low=low, high=high)
    return widgets.FloatLogSlider(value=value, base=10, min=math.log10(low),
                                  max=math.log10(high), step=0.01, description=description,
                                  readout_format=".3g", continuous_update=False)


def int_slider(value, low, high, description, step=1):
    """An integer slider that redraws on release."""
    return widgets.IntSlider(value=value, min=low, max=high, step=step,
                             description=description, continuous_update=False)


def _show(value):
    """A control's value as text: booleans and menu entries as words, integers whole, other
    numbers to 3 significant digits."""
    if isinstance(value, (bool, np.bool_, str, int, np.integer)):
        return str(value)
    return f"{value:.3g}"


def float_slider(value, low, high, description, step=0.01):
    """A float slider that redraws on release (for momentum, betas, ...)."""
    return widgets.FloatSlider(value=value, min=low, max=high, step=step,
                               description=description, readout_format=".3g",
                               continuous_update=False)


def optimizer_figure(problem, theta0, optimizer=SGD, *, dims=(0, 1), xlim=None, ylim=None,
                     labels=None, hyperparameters=None):
    r"""The drawing function of :func:`optimizer_explorer`: ``draw(steps, **values)``.

    ``draw`` runs ``optimizer`` on ``problem`` from ``theta0`` for ``steps`` steps with the
    hyperparameters ``values`` and draws a new figure. Left: contour plot with the trajectory;
    right: :math:`f(\theta_t) - f^\star` on a log scale. For a problem that knows its
    divergence threshold (a quadratic), the left title shows :math:`2/L` next to
    :math:`\eta`. Hand it to :func:`explorer` (live sliders) or to
    :func:`precomputed_explorer` (frames for the static page).

    Parameters
    ----------
    problem : optimlib.problems.Problem
    theta0 : array_like
    optimizer : optimizer class, default :class:`optimlib.optim.SGD`
    dims, xlim, ylim, labels
        As in :func:`optimlib.plot.landscapes.contour`.
    hyperparameters : callable, optional
        Maps the slider values (keyword arguments) to the optimizer's keyword arguments,
        e.g. ``lambda lr, beta1: dict(lr=lr, betas=(beta1, 0.999))``. Default: passed as is.

    Returns
    -------
    callable
        ``draw(steps, **values)``.

    Examples
    --------
    >>> from optimlib.problems import Quadratic
    >>> q = Quadratic.with_condition_number(10)
    >>> draw = optimizer_figure(q, [1.0, 1.0])
    >>> draw(steps=5, lr=0.1)
    >>> plt.close("all")
    """
    theta0 = np.asarray(theta0, dtype=float)
    max_stable = getattr(problem, "max_stable_lr", None)
    to_hyperparameters = hyperparameters or (lambda **values: values)

    def draw(steps, **values):
        hyper = to_hyperparameters(**values)
        run = minimize(problem, theta0, optimizer, steps=steps, **hyper)
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
        plot.contour(problem, left, xlim=xlim, ylim=ylim, dims=dims, labels=labels)
        plot.trajectory(left, run.thetas, dims=dims, color=plot.PALETTE[1])
        verdict = "diverges" if run.diverged else "converges"
        settings = ", ".join(f"{name} = {_show(value)}" for name, value in values.items())
        threshold = f" (2/L = {max_stable:.3g})" if max_stable is not None and "lr" in values else ""
        left.set_title(f"{settings}{threshold}: {verdict}", fontsize=10)
        gap = np.maximum(run.suboptimality, np.finfo(float).tiny)
        plot.loss_curves({optimizer.__name__: gap}, right, ylabel=r"$f(\theta_t) - f^\star$",
                         title=f"gap to the minimum loss, {steps} steps")

    return draw


def optimizer_explorer(problem, theta0, optimizer=SGD, *, steps=(30, 1, 200), dims=(0, 1),
                       xlim=None, ylim=None, labels=None, hyperparameters=None, **sliders):
    r"""Run ``optimizer`` on ``problem`` with a slider for each hyperparameter.

    The figure is :func:`optimizer_figure`'s: contour plot with the trajectory on the left,
    :math:`f(\theta_t) - f^\star` on the right.

    Parameters
    ----------
    problem : optimlib.problems.Problem
    theta0 : array_like
    optimizer : optimizer class, default :class:`optimlib.optim.SGD`
    steps : (value, low, high), default (30, 1, 200)
        Range of the step-count slider.
    dims, xlim, ylim, labels, hyperparameters
        As in :func:`optimizer_figure`.
    **sliders : ipywidgets
        One per hyperparameter, e.g. ``lr=lr_slider(0.1, 1e-3, 1)``,
        ``momentum=float_slider(0.9, 0, 0.99, "μ")``.

    Returns
    -------
    ipywidgets.VBox

    See Also
    --------
    precomputed_explorer : the same figure behind kernel-free sliders, for the static page.

    Examples
    --------
    In a notebook cell (it draws, so it is not run as a doctest):

    >>> from optimlib.problems import Quadratic
    >>> optimizer_explorer(Quadratic.with_condition_number(10), [1.0, 1.0],
    ...                    lr=lr_slider(0.5, 0.01, 2.0),
    ...                    momentum=float_slider(0.5, 0, 0.99, "μ"))  # doctest: +SKIP
    """
    draw = optimizer_figure(problem, theta0, optimizer, dims=dims, xlim=xlim, ylim=ylim,
                            labels=labels, hyperparameters=hyperparameters)
    return explorer(draw, **sliders, steps=int_slider(*steps, description="steps"))


def gd_explorer(problem, theta0, *, lr=(0.1, 1e-3, 3.0), steps=(30, 1, 200), dims=(0, 1),
                xlim=None, ylim=None, labels=None):
    """Gradient descent on ``problem`` with learning-rate and step-count sliders.

    :func:`optimizer_explorer` with plain :class:`~optimlib.optim.SGD` and one slider.

    Parameters
    ----------
    problem : optimlib.problems.Problem
    theta0 : array_like
    lr : (value, low, high), default (0.1, 1e-3, 3.0)
    steps : (value, low, high), default (30, 1, 200)
    dims, xlim, ylim, labels
        As in :func:`optimlib.plot.landscapes.contour`.

    Returns
    -------
    ipywidgets.VBox
    """
    return optimizer_explorer(problem, theta0, SGD, steps=steps, dims=dims, xlim=xlim,
                              ylim=ylim, labels=labels, lr=lr_slider(*lr))


# -- Chapter 6: learning-rate schedules ----------------------------------------------------------
__all__ += ["schedule_figure", "schedule_explorer"]


def _schedule_parameters(make):
    """Names of the keyword parameters of ``make(optimizer, **params)`` (all but the first)."""
    return list(inspect.signature(make).parameters)[1:]


def _schedule_curves(make, lr, steps, optimizer, hyperparameters):
    """Rate and momentum (Adam's beta1) that ``make``'s scheduler sets at steps 0 to steps - 1."""
    opt = optimizer([np.zeros(1)], lr=lr, **hyperparameters)
    scheduler = make(opt)
    rates, momenta = [], []
    for _ in range(steps):
        rates.append(opt.lr)
        momentum = opt.betas[0] if hasattr(opt, "betas") else getattr(opt, "momentum", math.nan)
        momenta.append(momentum)
        scheduler.step()
    return np.array(rates), np.array(momenta)


def schedule_figure(schedules, train, *, total_steps, optimizer=SGD, hyperparameters=None,
                    xlabel="epoch", ylabel="loss"):
    r"""The drawing function of :func:`schedule_explorer`: ``draw(schedule, lr, **values)``.

    ``draw`` makes a new figure for the menu entry ``schedule`` with base rate ``lr``. Left:
    :math:`\eta_t` for :math:`t = 0, \dots,` ``total_steps - 1`` (and, on a second axis, the
    momentum if the scheduler changes it, as one-cycle does). Right: the curve that ``train``
    returns for the schedule, next to the same training at the constant rate :math:`\eta`.
    Of ``values`` (one per slider), it passes each schedule only the parameters its ``make``
    names. Hand it to :func:`explorer` or to :func:`precomputed_explorer`.

    Parameters
    ----------
    schedules : dict of str -> callable
        Menu entry -> ``make(optimizer, **params)`` returning a scheduler from
        :mod:`optimlib.schedules` built on ``optimizer``. ``make`` names, after the optimizer,
        only the slider values it uses, e.g. ``lambda opt, gamma: StepLR(opt, 100, gamma)``.
    train : callable
        ``train(make, lr) -> (x, values)``: train with base rate ``lr`` and the scheduler that
        ``make(optimizer)`` builds (``make`` is None for the constant rate), and return the
        curve to plot, e.g. ``(epochs, suboptimality)``.
    total_steps : int
        Number of scheduler steps ``train`` takes, the length of the rate curve.
    optimizer : optimizer class, default :class:`~optimlib.optim.SGD`
        Class of the throwaway optimizer (one zero parameter) on which the rate curve is
        read off the scheduler.
    hyperparameters : dict, optional
        Its other arguments, e.g. ``{"momentum": 0.9}`` (needed to draw one-cycle's momentum).
    xlabel, ylabel : str
        Axis labels of the training curve.

    Returns
    -------
    callable
        ``draw(schedule, lr, **values)``.

    Raises
    ------
    ValueError
        If ``schedules`` is empty, or (when drawing) a schedule names a parameter that is not
        among ``values``.
    """
    if not schedules:
        raise ValueError("schedules is empty: give at least one name -> make(optimizer, ...)")
    used = {name: _schedule_parameters(make) for name, make in schedules.items()}
    hyperparameters = dict(hyperparameters or {})

    def draw(schedule, lr, **values):
        if schedule not in schedules:
            raise ValueError(f"schedule must be one of {list(schedules)}, got {schedule!r}")
        missing = sorted(set(used[schedule]) - set(values))
        if missing:
            raise ValueError(f"schedule {schedule!r} uses {missing}, which have no value; "
                             f"given: {sorted(values)}")
        make_schedule = schedules[schedule]
        params = {param: values[param] for param in used[schedule]}

        def make(opt):
            return make_schedule(opt, **params)

        rates, momenta = _schedule_curves(make, lr, total_steps, optimizer, hyperparameters)
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
        left.plot(np.arange(total_steps), rates, color=plot.PALETTE[0], label=r"$\eta_t$")
        left.set_xlabel("step $t$")
        left.set_ylabel(r"learning rate $\eta_t$")
        left.set_ylim(0, 1.05 * max(float(np.max(rates)), lr))
        settings = ", ".join(f"{param} = {value:.3g}" for param, value in params.items())
        left.set_title(f"{schedule}" + (f" ({settings})" if settings else ""), fontsize=10)
        cycled = momenta[np.isfinite(momenta)]
        if cycled.size and cycled.max() > cycled.min():
            twin = left.twinx()
            twin.plot(np.arange(total_steps), momenta, color=plot.PALETTE[1],
                      linestyle=plot.LINESTYLES[1], label=r"momentum $\mu_t$")
            twin.set_ylabel(r"momentum $\mu_t$")
            twin.grid(False)
            twin.spines["right"].set_visible(True)
            left.legend(handles=left.get_lines() + twin.get_lines(), loc="center right")
        with np.errstate(over="ignore", invalid="ignore"):
            curves = {schedule: train(make, lr), rf"constant $\eta$ = {lr:.3g}": train(None, lr)}
        plot.loss_curves(curves, right, xlabel=xlabel, ylabel=ylabel,
                         title=rf"training with base rate $\eta$ = {lr:.3g}")

    return draw


def schedule_explorer(schedules, train, *, total_steps, lr=(0.05, 1e-3, 0.5), optimizer=SGD,
                      hyperparameters=None, xlabel="epoch", ylabel="loss", **sliders):
    r"""Pick a learning-rate schedule from a menu, set its parameters with sliders, and see the
    rate it produces and the training curve that rate gives.

    The figure is :func:`schedule_figure`'s. Sliders that the chosen schedule does not use are
    greyed out.

    Parameters
    ----------
    schedules, train, total_steps, optimizer, hyperparameters, xlabel, ylabel
        As in :func:`schedule_figure`.
    lr : (value, low, high), default (0.05, 1e-3, 0.5)
        Range of the (logarithmic) base learning-rate slider.
    **sliders : ipywidgets
        One per schedule parameter, e.g. ``gamma=float_slider(0.5, 0.05, 0.95, "γ")``.

    Returns
    -------
    ipywidgets.VBox

    Raises
    ------
    ValueError
        If ``schedules`` is empty or a schedule names a parameter without a slider.

    See Also
    --------
    precomputed_explorer : the same figure behind kernel-free sliders, for the static page.

    Examples
    --------
    In a notebook cell (it draws and trains, so it is not run as a doctest):

    >>> from optimlib.schedules import CosineAnnealingLR, StepLR
    >>> schedules = {"step": lambda opt, gamma: StepLR(opt, 100, gamma=gamma),
    ...              "cosine": lambda opt: CosineAnnealingLR(opt, T_max=500)}
    >>> schedule_explorer(schedules, train, total_steps=500,
    ...                   gamma=float_slider(0.5, 0.05, 0.95, "γ"))  # doctest: +SKIP
    """
    draw = schedule_figure(schedules, train, total_steps=total_steps, optimizer=optimizer,
                           hyperparameters=hyperparameters, xlabel=xlabel, ylabel=ylabel)
    used = {name: _schedule_parameters(make) for name, make in schedules.items()}
    for name, params in used.items():
        unknown = sorted(set(params) - set(sliders))
        if unknown:
            raise ValueError(f"schedule {name!r} uses {unknown}, which have no slider; "
                             f"sliders: {sorted(sliders)}")
    menu = widgets.Dropdown(options=list(schedules), description="schedule")

    def grey_out_unused(change=None):
        for param, slider in sliders.items():
            slider.disabled = param not in used[menu.value]

    menu.observe(grey_out_unused, names="value")
    grey_out_unused()
    box = explorer(draw, schedule=menu, lr=lr_slider(*lr), **sliders)
    box.children[0].layout.flex_flow = "row wrap"        # many controls: wrap them
    return box


# -- Kernel-free counterparts: frames drawn in advance behind plain HTML sliders ---------------
__all__ += ["log_grid", "precomputed_explorer", "PrecomputedExplorer"]


def log_grid(low, high, num):
    """``num`` logarithmically spaced values from ``low`` to ``high``, to 3 significant digits.

    The positions of a precomputed learning-rate slider: rounded, so that the value a reader
    sees is the value the frame was computed with.

    Examples
    --------
    >>> log_grid(0.001, 1.0, 4)
    [0.001, 0.01, 0.1, 1.0]
    """
    low = check_real("low", low, low=0, low_open=True)
    high = check_real("high", high, low=low, low_open=True)
    num = check_int("num", num, low=2)
    values = [float(f"{value:.3g}") for value in np.geomspace(low, high, num)]
    return list(dict.fromkeys(values))          # drop duplicates made by the rounding


def _png(fig, dpi, colors):
    """``fig`` as PNG bytes at ``dpi``, reduced to a palette of ``colors`` colours.

    A palette PNG of a line plot is about a third of the full-colour one; the figure's own
    size (not a tight bounding box) keeps every frame of a viewer the same size.
    """
    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    image = Image.open(buffer).convert("RGB")
    if colors is not None:
        image = image.quantize(colors, method=Image.Quantize.MEDIANCUT,
                               dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="png", optimize=True)
    return out.getvalue()


def _draw_frame(draw, values, dpi, colors):
    """Call ``draw(**values)`` and return the one figure it made as PNG bytes (closed after)."""
    before = set(plt.get_fignums())
    result = draw(**values)
    made = [plt.figure(number) for number in plt.get_fignums() if number not in before]
    figure = result if isinstance(result, plt.Figure) else (made[-1] if made else None)
    if figure is None:
        raise ValueError(f"draw(**{values!r}) made no matplotlib figure")
    try:
        return _png(figure, dpi, colors)
    finally:
        for fig in set(made) | {figure}:
            plt.close(fig)


class PrecomputedExplorer:
    """Frames of a figure over a grid of slider positions, shown by a kernel-free HTML viewer.

    Made by :func:`precomputed_explorer`; displaying it (the last line of a cell) shows the
    viewer, in Jupyter and on the book's static pages.

    Attributes
    ----------
    names : list of str
        The sliders, in order; the last one varies fastest in :attr:`frames`.
    grids : dict of str -> list
        The positions of each slider.
    fixed : dict of str -> value
        Arguments of ``draw`` that have a single value (no slider).
    frames : list of bytes
        One PNG image per combination of slider positions, in the order of
        ``itertools.product(*grids.values())``.
    """

    def __init__(self, grids, fixed, frames, labels, start):
        self.grids = grids
        self.names = list(grids)
        self.fixed = fixed
        self.frames = frames
        self.labels = labels
        self.start = start

    def index(self, **values):
        """Position in :attr:`frames` of the frame drawn with the slider ``values``."""
        if set(values) != set(self.names):
            raise ValueError(f"give one value for each slider {self.names}, got {sorted(values)}")
        position = 0
        for name in self.names:
            grid = self.grids[name]
            if values[name] not in grid:
                raise ValueError(f"{name} must be one of the grid's values {grid}, "
                                 f"got {values[name]!r}")
            position = position * len(grid) + grid.index(values[name])
        return position

    def frame(self, **values):
        """The PNG bytes of the frame drawn with the slider ``values``."""
        return self.frames[self.index(**values)]

    @property
    def nbytes(self):
        """Size of the viewer's HTML in bytes (what it adds to a page)."""
        return len(self.html().encode())

    def html(self):
        """The viewer: a self-contained ``<div>`` (images inline, no external resources)."""
        encoded = [base64.b64encode(frame).decode("ascii") for frame in self.frames]
        shown = [[_show(value) for value in self.grids[name]] for name in self.names]
        first = self.index(**self.start)
        width = _png_size(self.frames[0])[0]
        controls = []
        for name, texts in zip(self.names, shown):
            position = self.grids[name].index(self.start[name])
            label = html.escape(self.labels.get(name, name))
            controls.append(
                f'<label style="margin-right:1.5em;white-space:nowrap">{label} '
                f'<input type="range" min="0" max="{len(texts) - 1}" step="1" '
                f'value="{position}" style="vertical-align:middle"> '
                f'<output>{html.escape(texts[position])}</output></label>')
        fixed = ", ".join(f"{self.labels.get(name, name)} = {_show(value)}"
                          for name, value in self.fixed.items())
        data = json.dumps({"names": [self.labels.get(name, name) for name in self.names],
                           "labels": shown, "frames": encoded}).replace("</", "<\\/")
        alt = html.escape(_alt(self.names, shown, self.labels,
                               [self.grids[n].index(self.start[n]) for n in self.names]))
        return (
            f'<div class="optimlib-precomputed" style="max-width:{width}px">\n'
            f'<div>{"".join(controls)}</div>\n'
            + (f'<div style="font-size:90%">fixed: {html.escape(fixed)}; ' if fixed else
               '<div style="font-size:90%">')
            + f'{len(self.frames)} precomputed frames, no kernel needed</div>\n'
            f'<img src="data:image/png;base64,{encoded[first]}" alt="{alt}" '
            f'style="width:100%;height:auto">\n'
            f'<script type="application/json">{data}</script>\n'
            f'<script>{_VIEWER_JS}</script>\n'
            '</div>')

    def _repr_html_(self):
        return self.html()

    def __repr__(self):
        # no byte count here: nbval compares this text, and a frame's PNG size could differ
        # by a few bytes between processors (its pixels are not compared: tests/sanitize.cfg)
        sizes = ", ".join(f"{name}: {len(grid)}" for name, grid in self.grids.items())
        return f"<PrecomputedExplorer ({sizes}): {len(self.frames)} frames>"


# The viewer's script: find the viewer it sits in, and on every move of a slider show the
# frame of the sliders' positions (the last slider varies fastest). Plain ES5, no libraries.
_VIEWER_JS = """(function (root) {
  var data = JSON.parse(root.querySelector('script[type="application/json"]').textContent);
  var inputs = root.querySelectorAll('input[type="range"]');
  var outputs = root.querySelectorAll('output');
  var img = root.querySelector('img');
  function show() {
    var index = 0, words = [];
    for (var k = 0; k < inputs.length; k++) {
      var i = parseInt(inputs[k].value, 10);
      index = index * data.labels[k].length + i;
      outputs[k].textContent = data.labels[k][i];
      words.push(data.names[k] + ' = ' + data.labels[k][i]);
    }
    img.src = 'data:image/png;base64,' + data.frames[index];
    img.alt = 'figure for ' + words.join(', ');
  }
  for (var k = 0; k < inputs.length; k++) {
    inputs[k].addEventListener('input', show);
  }
})(document.currentScript.parentElement);"""


def _alt(names, shown, labels, positions):
    words = [f"{labels.get(name, name)} = {texts[i]}"
             for name, texts, i in zip(names, shown, positions)]
    return "figure for " + ", ".join(words)


def _png_size(png):
    """(width, height) in pixels, read from a PNG's header."""
    return tuple(int.from_bytes(png[offset:offset + 4], "big") for offset in (16, 20))


def precomputed_explorer(draw, *, labels=None, start=None, dpi=72, colors=64, max_frames=60,
                         max_bytes=1_200_000, **grids):
    """Draw ``draw(**values)`` for every combination of slider positions, for a static page.

    The kernel-free counterpart of :func:`explorer`: it takes the same drawing function and,
    instead of a slider widget per argument, the list of positions of each slider. It draws
    one frame per combination in advance and returns a viewer that shows them behind plain
    HTML range sliders: a self-contained ``<div>`` with the frames as inline PNG images and a
    few lines of JavaScript, no network access and no kernel. It works on the book's static
    pages (also offline) and in Jupyter, where it is displayed like a figure.

    Parameters
    ----------
    draw : callable
        Makes a matplotlib figure from keyword arguments named like the grids (it may return
        the figure or leave it current, as :func:`optimizer_figure`'s ``draw`` does).
    labels : dict of str -> str, optional
        The text next to each slider, e.g. ``{"lr": "η (lr)"}``. Default: the argument name.
    start : dict, optional
        The initial position of sliders (values from their grids). Default: the first value.
    dpi : int, default 72
        Resolution of the frames: a 10-inch-wide figure becomes 720 pixels, about the width
        of the book's text column.
    colors : int or None, default 64
        Size of the frames' colour palette (None keeps full colour, about three times larger).
    max_frames : int, default 60
        Refuse grids with more combinations than this.
    max_bytes : int, default 1 200 000
        Refuse a viewer larger than this (fewer positions, or a lower ``dpi``, make it
        smaller).
    **grids : sequence or single value
        For each argument of ``draw``: the positions of its slider (a list, a tuple or an
        array; at least two values), or a single value that stays fixed (no slider).
        Booleans work as two-position sliders, strings (menu entries) as named positions.

    Returns
    -------
    PrecomputedExplorer
        Display it; ``.frames`` holds the PNG images, ``.html()`` the viewer.

    Raises
    ------
    ValueError
        If there is no grid with two or more positions, a grid repeats a value, there are
        more than ``max_frames`` combinations, ``start`` names a value off its grid, ``draw``
        makes no figure, or the viewer is larger than ``max_bytes``.

    Examples
    --------
    The learning rate of gradient descent on a quadratic at 20 positions (slow, so not run
    as a doctest):

    >>> from optimlib.problems import Quadratic
    >>> q = Quadratic.with_condition_number(10)
    >>> draw = optimizer_figure(q, [1.0, 1.0])
    >>> precomputed_explorer(draw, lr=log_grid(0.01, 2.0, 20), steps=30,
    ...                      labels={"lr": "η (lr)"})  # doctest: +SKIP
    """
    if not callable(draw):
        raise ValueError(f"draw must be a function that makes a figure, got {draw!r}")
    dpi = check_int("dpi", dpi, low=10, high=300)
    if colors is not None:
        colors = check_int("colors", colors, low=2, high=256)
    max_frames = check_int("max_frames", max_frames, low=1)
    max_bytes = check_int("max_bytes", max_bytes, low=1)
    labels = dict(labels or {})
    sliders, fixed = {}, {}
    for name, grid in grids.items():
        if isinstance(grid, (list, tuple, np.ndarray)):
            values = [value.item() if isinstance(value, np.generic) else value
                      for value in grid]
            if len(values) < 2:
                raise ValueError(f"the grid of {name} needs at least two positions, got "
                                 f"{values!r} (pass a single value to fix it)")
            if len(set(map(repr, values))) != len(values):
                raise ValueError(f"the grid of {name} repeats a value: {values!r}")
            sliders[name] = values
        else:
            fixed[name] = grid
    if not sliders:
        raise ValueError("give at least one grid with two or more positions, "
                         f"got only fixed values {sorted(fixed)}")
    unknown = sorted(set(labels) - set(grids))
    if unknown:
        raise ValueError(f"labels names {unknown}, which are not arguments; "
                         f"arguments: {sorted(grids)}")
    count = math.prod(len(values) for values in sliders.values())
    if count > max_frames:
        raise ValueError(f"the grids make {count} frames, more than max_frames={max_frames}: "
                         "use fewer positions")
    start = dict(start or {})
    for name, value in start.items():
        if name not in sliders or value not in sliders[name]:
            raise ValueError(f"start: {name}={value!r} is not a position of a slider; "
                             f"sliders: {sliders}")
    start = {name: start.get(name, values[0]) for name, values in sliders.items()}
    frames = [_draw_frame(draw, {**dict(zip(sliders, combination)), **fixed}, dpi, colors)
              for combination in itertools.product(*sliders.values())]
    viewer = PrecomputedExplorer(sliders, fixed, frames, labels, start)
    if viewer.nbytes > max_bytes:
        raise ValueError(f"the viewer has {viewer.nbytes} bytes, more than "
                         f"max_bytes={max_bytes}: use fewer positions, a lower dpi or "
                         "fewer colors")
    return viewer
