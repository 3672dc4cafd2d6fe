r"""Gradient checking by finite differences.

A hand-derived gradient is the most common source of silent bugs in optimization code. The
central difference

.. math::

    \frac{\partial f}{\partial \theta_j} \approx
    \frac{f(\theta + \varepsilon e_j) - f(\theta - \varepsilon e_j)}{2\varepsilon}

has error :math:`O(\varepsilon^2)` (plus rounding error of order :math:`u/\varepsilon` with
:math:`u \approx 10^{-16}` in float64), so :math:`\varepsilon \approx 10^{-6}` gives about
ten correct digits (Chapter 1; Nocedal and Wright 2006, Section 8.1).
"""

import numpy as np

from optimlib._validation import check_array, check_real

__all__ = ["numerical_gradient", "gradient_error"]


def numerical_gradient(f, theta, eps=1e-6):
    r"""Central-difference approximation of :math:`\nabla f(\theta)`.

    Parameters
    ----------
    f : callable
        Maps an array shaped like ``theta`` to a scalar.
    theta : array_like
        Point at which to differentiate (any shape; converted to float64).
    eps : float, default 1e-6
        Step :math:`\varepsilon > 0`.

    Returns
    -------
    ndarray, same shape as ``theta``

    Examples
    --------
    >>> g = numerical_gradient(lambda t: np.sum(t**2), np.array([1.0, -2.0]))
    >>> np.round(g, 8)
    array([ 2., -4.])
    """
    theta = check_array("theta", theta)
    eps = check_real("eps", eps, low=0, low_open=True)
    grad = np.empty_like(theta)
    point = theta.copy()
    for j in np.ndindex(theta.shape):
        original = point[j]
        point[j] = original + eps
        f_plus = float(f(point))
        point[j] = original - eps
        f_minus = float(f(point))
        point[j] = original
        grad[j] = (f_plus - f_minus) / (2 * eps)
    return grad


def gradient_error(f, grad, theta, eps=1e-6):
    r"""Relative error between ``grad(theta)`` and the central difference of ``f``.

    .. math::

        \frac{\|g - \hat g\|}{\max(\|g\| + \|\hat g\|, 10^{-12})}

    where :math:`g` is the analytic and :math:`\hat g` the numerical gradient. In float64
    a correct gradient of a smooth function gives about :math:`10^{-8}` or less; a wrong one
    gives something of order :math:`10^{-2}` to 1.

    Parameters
    ----------
    f : callable
        The function.
    grad : callable
        Its claimed gradient, returning an array shaped like ``theta``.
    theta : array_like
        Where to compare.
    eps : float, default 1e-6

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``grad(theta)`` does not have the shape of ``theta``.

    Examples
    --------
    >>> f = lambda t: np.sum(t**3)
    >>> gradient_error(f, lambda t: 3 * t**2, np.array([1.0, 2.0])) < 1e-8
    True
    >>> gradient_error(f, lambda t: 2 * t**2, np.array([1.0, 2.0])) > 0.1
    True
    """
    theta = check_array("theta", theta)
    analytic = np.asarray(grad(theta.copy()), dtype=np.float64)
    if analytic.shape != theta.shape:
        raise ValueError(
            f"grad(theta) has shape {analytic.shape}, but theta has shape {theta.shape}"
        )
    numeric = numerical_gradient(f, theta, eps)
    scale = max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12)
    return float(np.linalg.norm(analytic - numeric) / scale)
