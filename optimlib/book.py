"""Helpers for the book's notebooks themselves (not part of the optimization lessons).

:func:`publisher` hands computed numbers to the prose. A chapter writes
``publish = publisher("ch02")`` once, then ``publish(kappa=q.condition_number)`` in a code cell
and ``{glue:text}`ch02_kappa:.1f``` in the text, so no number in the prose is typed by hand.
Chapters that glue under names they compute use :func:`glue`, a drop-in for ``myst_nb.glue``.

Numbers are rounded to 6 significant digits before they are stored: the notebook's stored
outputs (which nbval compares) then do not depend on the last bits of a machine's arithmetic
(BLAS kernels and numpy's SIMD loops differ between processors). Chapters never call
``myst_nb.glue`` directly; ``tests/test_chapters.py`` checks this.
"""

import numbers

import numpy as np

__all__ = ["glue", "publisher", "rounded"]


def rounded(value, digits=6):
    """``value`` as an int, or a float rounded to ``digits`` significant digits.

    Anything that is not a real number (a string, a ``Markdown`` object) is returned as it is.

    Examples
    --------
    >>> rounded(np.float64(2) / 3)
    0.666667
    >>> rounded(np.int64(12750))
    12750
    """
    if not isinstance(value, (numbers.Real, np.bool_, np.integer, np.floating)):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return float(f"{float(value):.{digits}g}")


def glue(name, value, display=False, digits=6):
    """Glue ``value`` under ``name`` like ``myst_nb.glue``, with numbers rounded by :func:`rounded`.

    Parameters
    ----------
    name : str
        The glue key, e.g. ``"ch05_gd_steps"`` (global to the book).
    value : number or object
        Numbers are rounded to ``digits`` significant digits (see :func:`rounded`); other
        objects (text, ``IPython.display.Markdown``) are glued as they are.
    display : bool, default False
        Whether the cell also shows the value.
    digits : int, default 6

    Notes
    -----
    Without ``myst_nb`` (a chapter run in Colab or from a download, where only optimlib is
    installed) there is no book to glue into: the value is only shown if ``display``.
    """
    try:
        from myst_nb import glue as myst_glue   # the book's toolchain, not needed by the rest
    except ImportError:
        # a chapter run outside the book's build (Colab, a downloaded notebook, with only
        # optimlib installed): there is no page to glue into, so only show the value if asked
        if display:
            from IPython.display import display as show
            show(rounded(value, digits))
        return
    myst_glue(name, rounded(value, digits), display=display)


def publisher(prefix, digits=6):
    """Return ``publish(**numbers)``, which glues each number as ``<prefix>_<name>``.

    Parameters
    ----------
    prefix : str
        The chapter's glue prefix, e.g. ``"ch02"`` (glue keys are global to the book).
    digits : int, default 6
        Significant digits kept.

    Returns
    -------
    publish : callable
        ``publish(**numbers)`` glues each value as ``<prefix>_<name>``, rounded.

    Examples
    --------
    In a chapter's setup cell, then in any code cell:

    >>> publish = publisher("ch02")                         # doctest: +SKIP
    >>> publish(kappa=problem.condition_number)             # doctest: +SKIP
    """
    def publish(**numbers):
        for name, value in numbers.items():
            glue(f"{prefix}_{name}", value, digits=digits)

    return publish
