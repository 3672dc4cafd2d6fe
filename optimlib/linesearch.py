r"""Choosing the step by a line search: Armijo's backtracking rule.

A fixed learning rate must suit the steepest curvature a run will meet (Chapter 2). A line
search chooses a new step at every iteration instead, by trying steps along the search
direction :math:`d_t` (here :math:`d_t = -\nabla f(\theta_t)`) until one decreases the
objective *enough*. Armijo's sufficient-decrease condition asks for

.. math::

    f(\theta_t + \eta\, d_t) \le f(\theta_t) + c\,\eta\, \nabla f(\theta_t)^\top d_t ,
    \qquad 0 < c < 1,

a fraction :math:`c` of the decrease the linear model promises. Backtracking tries
:math:`\eta = \bar\eta, \beta\bar\eta, \beta^2\bar\eta, \dots` and takes the first step that
satisfies it.

Why a module of its own: an optimizer in :mod:`optimlib.optim` sees only gradients
(``step(grads)``), while a line search must evaluate the loss at trial points. PyTorch solves
this with a *closure* that re-evaluates the model (``torch.optim.LBFGS(...,
line_search_fn="strong_wolfe")``); our test problems expose ``loss`` and ``grad`` directly,
so the line search is a function of them, as ``scipy.optimize.line_search`` is, and
:func:`minimize_armijo` is the loop of :func:`optimlib.train.minimize` with the step chosen
by it.
"""

from dataclasses import dataclass

import numpy as np

from optimlib._validation import check_array, check_int, check_real
from optimlib.train import Trajectory

__all__ = ["backtracking", "LineSearchTrajectory", "minimize_armijo"]


def backtracking(loss, theta, grad, direction=None, *, lr0=1.0, c=1e-4, shrink=0.5,
                 max_trials=60, loss_theta=None):
    r"""Armijo backtracking: the first :math:`\eta \in \{\bar\eta, \beta\bar\eta, \dots\}`
    with sufficient decrease.

    Returns the first step :math:`\eta = \beta^k \bar\eta` (:math:`k = 0, 1, \dots`) with

    .. math::

        f(\theta + \eta d) \le f(\theta) + c\,\eta\,\nabla f(\theta)^\top d ,

    where :math:`\bar\eta` is ``lr0``, :math:`\beta` is ``shrink`` and :math:`d` is
    ``direction`` (Nocedal and Wright 2006, Algorithm 3.1). For a descent direction
    (:math:`\nabla f^\top d < 0`) and an :math:`L`-smooth :math:`f`, every
    :math:`\eta \le 2(1 - c)\,|\nabla f^\top d| / (L\|d\|^2)` satisfies the condition, so the
    search stops after finitely many trials; with :math:`d = -\nabla f` the accepted step is at
    least :math:`\min\{\bar\eta,\ 2\beta(1 - c)/L\}`.

    Parameters
    ----------
    loss : callable
        :math:`f`, called as ``loss(point)`` and returning a float.
    theta : array_like, shape (d,)
        The current point :math:`\theta`.
    grad : array_like, shape (d,)
        :math:`\nabla f(\theta)`.
    direction : array_like, shape (d,), optional
        Search direction :math:`d`; default :math:`-\nabla f(\theta)` (steepest descent). It
        must be a descent direction, :math:`\nabla f(\theta)^\top d < 0`.
    lr0 : float, default 1
        First trial step :math:`\bar\eta > 0`.
    c : float, default 1e-4
        Sufficient-decrease constant, :math:`0 < c < 1` (Nocedal and Wright suggest
        :math:`10^{-4}`).
    shrink : float, default 0.5
        Factor :math:`\beta \in (0, 1)` by which a rejected step is shortened.
    max_trials : int, default 60
        Give up after this many loss evaluations.
    loss_theta : float, optional
        :math:`f(\theta)` if already known (saves one evaluation; it is not counted).

    Returns
    -------
    lr : float
        The accepted step :math:`\eta`.
    loss_new : float
        :math:`f(\theta + \eta d)`.
    evaluations : int
        Number of loss evaluations at trial points (accepted one included).

    Raises
    ------
    ValueError
        For an invalid argument, or if ``direction`` is not a descent direction.
    RuntimeError
        If no step passed the test within ``max_trials`` trials; in floating point this
        happens at a point that is stationary to rounding, where no step decreases :math:`f`
        measurably.

    References
    ----------
    Armijo, L. (1966). Minimization of functions having Lipschitz continuous first partial
    derivatives. Pacific Journal of Mathematics 16(1), 1-3.
    Nocedal, J. and Wright, S. J. (2006). Numerical Optimization, 2nd ed., Section 3.1.

    Examples
    --------
    On :math:`f(\theta) = \theta^2` at :math:`\theta = 1` the steps 1 and 1/2 are too long
    (:math:`f` does not drop by :math:`c\eta\|g\|^2 = 4c\eta`); 1/4 is accepted:

    >>> import numpy as np
    >>> f = lambda t: float(t @ t)
    >>> theta = np.array([1.0])
    >>> backtracking(f, theta, 2 * theta, c=0.6)
    (0.25, 0.25, 3)
    """
    theta = check_array("theta", theta, ndim=1)
    grad = check_array("grad", grad, shape=theta.shape)
    direction = -grad if direction is None else check_array("direction", direction,
                                                            shape=theta.shape)
    lr = check_real("lr0", lr0, low=0, low_open=True)
    c = check_real("c", c, low=0, high=1, low_open=True, high_open=True)
    shrink = check_real("shrink", shrink, low=0, high=1, low_open=True, high_open=True)
    max_trials = check_int("max_trials", max_trials, low=1)
    slope = float(grad @ direction)          # the directional derivative grad^T d
    if not slope < 0:
        raise ValueError(f"direction is not a descent direction: grad^T direction = {slope!r} "
                         "must be negative")
    loss_theta = float(loss(theta)) if loss_theta is None else check_real("loss_theta",
                                                                          loss_theta)
    for trial in range(1, max_trials + 1):
        loss_new = float(loss(theta + lr * direction))
        if loss_new <= loss_theta + c * lr * slope:          # Armijo's condition
            return lr, loss_new, trial
        lr *= shrink
    raise RuntimeError(f"no step in {lr0!r} * {shrink!r}^k, k < {max_trials}, satisfied the "
                       "Armijo condition: theta is stationary to rounding, or grad is wrong")


@dataclass
class LineSearchTrajectory(Trajectory):
    """What :func:`minimize_armijo` records: a :class:`~optimlib.train.Trajectory` and the steps.

    Attributes
    ----------
    lrs : ndarray, shape (k,)
        The step :math:`\\eta_t` accepted at each iteration.
    evaluations : ndarray, shape (k,)
        Loss evaluations the line search made at each iteration (one gradient per iteration
        comes on top).
    """

    lrs: np.ndarray = None
    evaluations: np.ndarray = None


def minimize_armijo(problem, theta0, *, steps, lr0=1.0, c=1e-4, shrink=0.5, max_trials=60):
    r"""Gradient descent with the step chosen by Armijo backtracking at every iteration.

    .. math::

        \theta_{t+1} = \theta_t - \eta_t \nabla f(\theta_t), \qquad
        \eta_t = \text{the first of } \bar\eta, \beta\bar\eta, \dots \text{ with }
        f(\theta_{t+1}) \le f(\theta_t) - c\,\eta_t \|\nabla f(\theta_t)\|^2 ,

    found by :func:`backtracking`; every search starts again from ``lr0``. No knowledge of
    the smoothness constant :math:`L` is needed, yet on an :math:`L`-smooth :math:`f` every
    accepted step is at least :math:`\eta_{\min} = \min\{\bar\eta, 2\beta(1 - c)/L\}`, and
    summing the sufficient decreases gives
    :math:`\min_{t<T}\|\nabla f(\theta_t)\|^2 \le (f(\theta_0) - f^\star)/(c\,\eta_{\min} T)`
    (Nocedal and Wright 2006, Section 3.2). The run stops early if the gradient is exactly
    zero or the search fails (a point stationary to rounding).

    Parameters
    ----------
    problem : optimlib.problems.Problem
        Anything with ``loss``, ``grad`` and ``dim`` (``minimum`` if known).
    theta0 : array_like, shape (problem.dim,)
        Starting point (copied; not modified).
    steps : int
        Number of iterations (at least 0).
    lr0, c, shrink, max_trials
        As in :func:`backtracking`.

    Returns
    -------
    LineSearchTrajectory

    References
    ----------
    Armijo (1966); Nocedal and Wright (2006), Sections 3.1-3.2.

    Examples
    --------
    On :math:`f(\theta) = \tfrac12\theta^2` the first trial step 1 lands on the
    minimizer:

    >>> from optimlib.problems import Quadratic
    >>> run = minimize_armijo(Quadratic([[1.0]]), [3.0], steps=2)
    >>> run.thetas.ravel(), run.lrs, run.evaluations
    (array([3., 0.]), array([1.]), array([1]))
    """
    steps = check_int("steps", steps, low=0)
    theta = check_array("theta0", theta0, shape=(problem.dim,)).copy()
    # every search checks these again; checking them here fails a bad value even at steps=0
    check_real("lr0", lr0, low=0, low_open=True)
    check_real("c", c, low=0, high=1, low_open=True, high_open=True)
    check_real("shrink", shrink, low=0, high=1, low_open=True, high_open=True)
    check_int("max_trials", max_trials, low=1)
    thetas, lrs, evaluations = [theta.copy()], [], []
    losses = [float(problem.loss(theta))]
    grad = problem.grad(theta)
    grad_norms = [float(np.linalg.norm(grad))]
    for _ in range(steps):
        if not np.any(grad):
            break                                # exactly stationary: nothing to search
        try:
            lr, loss_new, trials = backtracking(problem.loss, theta, grad, lr0=lr0, c=c,
                                                shrink=shrink, max_trials=max_trials,
                                                loss_theta=losses[-1])
        except RuntimeError:
            break                                # stationary to rounding
        theta = theta - lr * grad
        grad = problem.grad(theta)
        thetas.append(theta.copy())
        losses.append(loss_new)
        grad_norms.append(float(np.linalg.norm(grad)))
        lrs.append(lr)
        evaluations.append(trials)
    return LineSearchTrajectory(np.array(thetas), np.array(losses), np.array(grad_norms),
                                minimum=getattr(problem, "minimum", None),
                                lrs=np.array(lrs), evaluations=np.array(evaluations, dtype=int))
