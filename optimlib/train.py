r"""Optimization loops.

:func:`minimize` runs an optimizer from :mod:`optimlib.optim` on a test problem from
:mod:`optimlib.problems` and records the whole trajectory, for plots and for measuring
convergence rates. It is the library version of the loop that Chapter 1 writes by hand.
"""

from dataclasses import dataclass

import numpy as np

from optimlib._validation import check_array, check_int, check_real
from optimlib.optim import SGD

__all__ = ["Trajectory", "minimize"]


@dataclass
class Trajectory:
    """What :func:`minimize` records.

    Attributes
    ----------
    thetas : ndarray, shape (k + 1, d)
        :math:`\\theta_0, \\dots, \\theta_k` (``k`` = steps taken).
    losses : ndarray, shape (k + 1,)
        :math:`f(\\theta_t)`.
    grad_norms : ndarray, shape (k + 1,)
        :math:`\\|\\nabla f(\\theta_t)\\|`.
    minimum : float or None
        :math:`f^\\star` of the problem, if known.
    """

    thetas: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    minimum: float = None

    @property
    def steps(self):
        """Number of steps taken (fewer than asked if the run diverged)."""
        return len(self.losses) - 1

    @property
    def diverged(self):
        """True if the loss became non-finite or ended above where it started."""
        last = self.losses[-1]
        return bool(not np.isfinite(last) or last > self.losses[0])

    @property
    def suboptimality(self):
        """:math:`f(\\theta_t) - f^\\star` for every t."""
        if self.minimum is None:
            raise ValueError("the problem's minimum is unknown, so suboptimality is undefined")
        return self.losses - self.minimum

    def steps_to(self, tol):
        """First ``t`` with :math:`f(\\theta_t) - f^\\star \\le` ``tol``, or None if never reached."""
        tol = check_real("tol", tol, low=0)
        hits = np.flatnonzero(self.suboptimality <= tol)
        return int(hits[0]) if hits.size else None


def minimize(problem, theta0, optimizer=SGD, *, steps, **hyperparameters):
    r"""Run ``optimizer`` on ``problem`` from ``theta0`` for ``steps`` full-gradient steps.

    Each step computes :math:`g_t = \nabla f(\theta_t)` with ``problem.grad`` and calls
    ``optimizer.step``. With the default ``SGD`` and no momentum this is gradient descent,
    :math:`\theta_{t+1} = \theta_t - \eta\nabla f(\theta_t)`. The run stops early if the
    loss becomes non-finite (divergence).

    Parameters
    ----------
    problem : optimlib.problems.Problem
    theta0 : array_like, shape (problem.dim,)
        Starting point (copied; not modified).
    optimizer : optimizer class, default :class:`optimlib.optim.SGD`
    steps : int
        Number of steps (at least 0).
    **hyperparameters
        Passed to the optimizer, e.g. ``lr=0.1, momentum=0.9``.

    Returns
    -------
    Trajectory

    Examples
    --------
    >>> from optimlib.problems import Quadratic
    >>> run = minimize(Quadratic([[1.0]]), [1.0], steps=3, lr=0.5)
    >>> run.thetas.ravel()
    array([1.   , 0.5  , 0.25 , 0.125])
    """
    steps = check_int("steps", steps, low=0)
    theta = check_array("theta0", theta0, shape=(problem.dim,)).copy()
    opt = optimizer([theta], **hyperparameters)
    thetas, losses, grad_norms = [theta.copy()], [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps + 1):
            loss = float(problem.loss(theta))
            losses.append(loss)
            if not np.isfinite(loss) or not np.all(np.isfinite(theta)):
                grad_norms.append(np.nan)
                break
            grad = problem.grad(theta)
            grad_norms.append(float(np.linalg.norm(grad)))
            if t == steps:
                break
            opt.step([grad])
            thetas.append(theta.copy())
    return Trajectory(np.array(thetas), np.array(losses), np.array(grad_norms),
                      minimum=getattr(problem, "minimum", None))
