"""Helpers for the book's notebooks themselves (not part of the optimization lessons).

:func:`publisher` hands computed numbers to the prose. A chapter writes
``publish = publisher("ch02")`` once, then ``publish(kappa=q.condition_number)`` in a code cell
and ``{glue:text}`ch02_kappa:.1f``` in the text, so no number in the prose is typed by hand.
Values are rounded to 6 significant digits before they are stored: the notebook's stored
outputs (which nbval compares) then do not depend on the last bits of a machine's arithmetic.
"""

import numpy as np

__all__ = ["publisher", "rounded"]


def rounded(value, digits=6):
    """``value`` as an int, or a float rounded to ``digits`` significant digits."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return float(f"{float(value):.{digits}g}")


def publisher(prefix, digits=6):
    """Return ``publish(**numbers)``, which glues each number as ``<prefix>_<name>``.

    Parameters
    ----------
    prefix : str
        The chapter's glue prefix, e.g. ``"ch02"`` (glue keys are global to the book).
    digits : int, default 6
        Significant digits kept.

    Examples
    --------
    >>> rounded(np.float64(2) / 3)
    0.666667
    >>> rounded(np.int64(12750))
    12750
    """
    from myst_nb import glue   # the book's toolchain; not needed by the rest of optimlib

    def publish(**numbers):
        for name, value in numbers.items():
            glue(f"{prefix}_{name}", rounded(value, digits), display=False)

    return publish
