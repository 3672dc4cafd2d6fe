"""Self-checks for coding exercises: say *what* is wrong, not just *that* it is wrong.

A self-check compares a student's function with the library's on a few fixed inputs. On
success it prints one line; on failure it raises ``AssertionError`` with a diagnosis of the
usual mistakes (wrong shape or transposed result, a missing factor such as the 2 in the MSE
gradient, a sign error, NaNs, a function that is still a stub). The diagnosis describes the
mistake without printing the expected values.

Self-checks also serve as autograder tests (nbgrader gives a test cell its points unless its
output holds an error or anything written to stderr), so they write nothing to stderr:
numpy's floating-point warnings are silenced while comparing, and warnings raised by the
student's function are reported on stdout (or in the ``AssertionError``) instead.

>>> import numpy as np
>>> check_function(lambda x: 2 * x, lambda x: 2 * x, [(np.ones(3),)],
...                what="the gradient")
the gradient: correct on 1 test case.
"""

import warnings

import numpy as np

__all__ = ["diagnose", "check_array", "check_function"]

_COMMON_FACTORS = {2.0: "2", 0.5: "1/2", -1.0: "-1 (a sign error)", -2.0: "-2", -0.5: "-1/2"}


def diagnose(actual, expected, *, rtol=1e-6, atol=1e-9, what="the result"):
    """Return ``None`` if ``actual`` matches ``expected``, else a sentence saying how it differs.

    Parameters
    ----------
    actual, expected : array_like or scalar
    rtol, atol : float
        Tolerances as in ``numpy.allclose``.
    what : str
        How to name the quantity in the message.
    """
    # comparisons of huge or odd values must not print numpy warnings (to stderr)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return _diagnose(actual, expected, rtol=rtol, atol=atol, what=what)


def _diagnose(actual, expected, *, rtol, atol, what):
    if actual is None:
        return f"{what} is None: did the function forget to `return` its result?"
    if np.iscomplexobj(actual):
        return f"{what} has complex values; real numbers were expected."
    try:
        actual_array = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError):
        return f"{what} should be numeric, got {type(actual).__name__}: {actual!r}"
    expected = np.asarray(expected, dtype=np.float64)
    if actual_array.shape != expected.shape:
        message = f"{what} has shape {actual_array.shape}, expected {expected.shape}"
        if actual_array.shape == expected.shape[::-1] and expected.ndim == 2:
            message += " (it looks transposed)"
        elif actual_array.size == expected.size:
            message += " (same numbers of entries: a missing reshape, or a row/column mix-up?)"
        elif expected.ndim == 0 and actual_array.ndim > 0:
            message += " (a scalar was expected: did you forget to sum or average?)"
        return message + "."
    if not np.all(np.isfinite(actual_array)):
        return f"{what} contains NaN or infinite values."
    if np.allclose(actual_array, expected, rtol=rtol, atol=atol):
        return None
    nonzero = np.abs(expected) > atol
    if nonzero.any():
        ratios = actual_array[nonzero] / expected[nonzero]
        ratio = float(np.median(ratios))
        if np.allclose(ratios, ratio, rtol=1e-6):
            for factor, name in _COMMON_FACTORS.items():
                if np.isclose(ratio, factor):
                    return f"{what} is off by a factor of {name} everywhere: check the constants."
            return f"{what} is off by a constant factor {ratio:.6g} everywhere."
    worst = float(np.max(np.abs(actual_array - expected)))
    return f"{what} differs from the expected value by up to {worst:.3g}."


def check_array(actual, expected, *, rtol=1e-6, atol=1e-9, what="the result"):
    """Raise ``AssertionError`` with a diagnosis if ``actual`` does not match ``expected``."""
    problem = diagnose(actual, expected, rtol=rtol, atol=atol, what=what)
    if problem is not None:
        raise AssertionError(problem)
    print(f"{what}: correct.")


def check_function(candidate, reference, cases, *, rtol=1e-6, atol=1e-9, what="the result"):
    """Compare ``candidate(*args)`` with ``reference(*args)`` for every ``args`` in ``cases``.

    Arguments are copied before each call, so a candidate that modifies its inputs cannot
    change what the reference sees. Warnings the candidate raises are reported on stdout
    (after the success line) or in the ``AssertionError``, never on stderr.

    Parameters
    ----------
    candidate : callable
        The student's function.
    reference : callable
        A correct implementation with the same signature.
    cases : iterable of tuple
        The positional arguments of each test case, e.g. ``[(x1,), (x2,)]`` or
        ``[(X, y, 0.1), ...]``.
    rtol, atol : float, default 1e-6, 1e-9
        Tolerances as in ``numpy.allclose``.
    what : str, default "the result"
        How the feedback names the result.

    Raises
    ------
    AssertionError
        Naming the first failing case and what is wrong with it.
    NotImplementedError
        Re-raised with a hint if the candidate is still the exercise's stub.
    """
    cases = list(cases)
    warned = []
    for number, args in enumerate(cases, start=1):
        copied = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                actual = candidate(*copied)
            except NotImplementedError:
                raise NotImplementedError(
                    "the function is still the exercise's stub: replace `raise "
                    "NotImplementedError` with your code"
                ) from None
        for warning in caught:
            line = f"test case {number}: {warning.category.__name__}: {warning.message}"
            if line not in warned:
                warned.append(line)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            expected = reference(*[np.array(a, copy=True) if isinstance(a, np.ndarray) else a
                                   for a in args])
        problem = diagnose(actual, expected, rtol=rtol, atol=atol, what=what)
        if problem is not None:
            note = f" (the function also warned: {'; '.join(warned)})" if warned else ""
            raise AssertionError(f"test case {number} of {len(cases)}: {problem}{note}")
    print(f"{what}: correct on {len(cases)} test case{'s' if len(cases) != 1 else ''}.")
    for warning in warned:
        print(f"note: the function warned on {warning}")
