r"""Temperature scaling: calibrating a classifier's probabilities with one parameter.

A network trained with cross-entropy until it fits its training set tends to be
*overconfident*: of the test images it gives probability 0.99, fewer than 99% are right
(Guo et al. 2017). Temperature scaling divides all logits :math:`z_i \in \mathbb{R}^K` by one
number :math:`T > 0` chosen on a validation set. It does not change which class is largest,
so the accuracy stays the same; only the confidence changes (softer for :math:`T > 1`).

:math:`T` minimizes the validation negative log-likelihood. In the inverse temperature
:math:`\beta = 1/T` that is

.. math::

    \mathcal{L}(\beta) = \frac1n \sum_{i=1}^n \Bigl(\log\sum_{k=1}^K e^{\beta z_{ik}}
    - \beta z_{i y_i}\Bigr),

a *convex* function of one variable: its derivative and second derivative are

.. math::

    \mathcal{L}'(\beta) = \frac1n\sum_i \bigl(\mathbb{E}_{p_i}[z_i] - z_{i y_i}\bigr),
    \qquad
    \mathcal{L}''(\beta) = \frac1n\sum_i \operatorname{Var}_{p_i}[z_i] \ \ge 0,

with :math:`p_i = \operatorname{softmax}(\beta z_i)` and the mean and variance of the
logits :math:`z_{ik}` under it. A variance of numbers in an interval of length :math:`r_i`
is at most :math:`r_i^2/4`, so :math:`\mathcal{L}` is :math:`L`-smooth with
:math:`L = \frac1n\sum_i r_i^2/4`, and gradient descent with :math:`\eta = 1/L` converges
(Chapter 2). :class:`TemperatureScaling` minimizes it with the book's optimizers.

References
----------
Guo, C., Pleiss, G., Sun, Y. and Weinberger, K. Q. (2017). On calibration of modern neural
networks. ICML.
"""

import numpy as np

from optimlib._validation import check_array, check_int, check_labels, check_real
from optimlib.nn import log_softmax, softmax
from optimlib.optim import SGD
from optimlib.problems import Problem
from optimlib.train import Trajectory

__all__ = ["TemperatureNLL", "TemperatureScaling"]


def _logits_and_labels(logits, labels):
    logits = check_array("logits", logits, ndim=2)
    labels = check_labels("labels", labels, n_classes=logits.shape[1])
    if labels.size != logits.shape[0] or labels.size == 0:
        raise ValueError(f"logits has {logits.shape[0]} rows but labels has {labels.size} "
                         "entries (at least one of each)")
    return logits, labels


class TemperatureNLL(Problem):
    r"""The validation negative log-likelihood as a function of the inverse temperature
    :math:`\theta = (\beta)`, :math:`\beta = 1/T`, with its exact derivatives (see the module
    docstring).

    A :class:`~optimlib.problems.Problem` of dimension 1, so any optimizer of the book runs
    on it through :func:`optimlib.train.minimize`.

    Parameters
    ----------
    logits : array_like, shape (n, K)
        The model's outputs on the validation set (before the softmax).
    labels : array_like of int, shape (n,)

    Attributes
    ----------
    L : float
        The smoothness constant :math:`\frac1n\sum_i (\max_k z_{ik} - \min_k z_{ik})^2/4`.

    Examples
    --------
    >>> problem = TemperatureNLL([[2.0, 0.0], [0.0, 1.0]], [0, 0])
    >>> round(problem.loss([0.0]), 6)        # beta = 0: uniform, log 2
    0.693147
    """

    dim = 1

    def __init__(self, logits, labels):
        self.logits, self.labels = _logits_and_labels(logits, labels)
        spread = self.logits.max(axis=1) - self.logits.min(axis=1)
        self.L = float(np.mean(spread**2) / 4)
        self._rows = np.arange(self.labels.size)

    def loss(self, theta):
        beta = self._point(theta)[0]
        return -float(np.mean(log_softmax(beta * self.logits)[self._rows, self.labels]))

    def _moments(self, beta):
        p = np.exp(log_softmax(beta * self.logits))
        mean = np.sum(p * self.logits, axis=1)
        return p, mean

    def grad(self, theta):
        beta = self._point(theta)[0]
        _, mean = self._moments(beta)
        return np.array([np.mean(mean - self.logits[self._rows, self.labels])])

    def hessian(self, theta):
        beta = self._point(theta)[0]
        p, mean = self._moments(beta)
        variance = np.sum(p * (self.logits - mean[:, None]) ** 2, axis=1)
        return np.array([[np.mean(variance)]])

    def __repr__(self):
        n, K = self.logits.shape
        return f"TemperatureNLL(n={n}, K={K})"


class TemperatureScaling:
    r"""Fit one temperature :math:`T` on validation logits; divide logits by it afterwards.

    :meth:`fit` minimizes :class:`TemperatureNLL` over :math:`\beta = 1/T`, starting from
    :math:`\beta_0 = 1` (no change), with an optimizer of :mod:`optimlib.optim`, until the
    derivative is below ``tol``. The default is gradient descent with the safe step
    :math:`\eta = 1/L` and Nesterov momentum 0.9: plain gradient descent with that step is
    guaranteed to converge but crawls, because the curvature of an overconfident model's
    NLL near :math:`\beta = 1` is often a thousandth of :math:`L` (Chapters 2 and 4).

    Parameters
    ----------
    optimizer : optimizer class, optional
        Default :class:`~optimlib.optim.SGD` with ``momentum=0.9, nesterov=True``; pass
        ``optimizer=SGD`` for plain gradient descent.
    lr : float, optional
        The learning rate; default :math:`1/L`.
    steps : int, default 1000
        At most this many steps.
    tol : float, default 1e-9
        Stop when :math:`|\mathcal{L}'(\beta)| \le` ``tol``.
    **hyperparameters
        Passed to the optimizer, e.g. ``momentum=0.5``.

    Attributes
    ----------
    temperature_ : float
        :math:`T = 1/\beta`, set by :meth:`fit`.
    trajectory_ : optimlib.train.Trajectory
        The run: ``trajectory_.thetas[:, 0]`` are the :math:`\beta_t`,
        ``trajectory_.losses`` the validation NLL, ``trajectory_.grad_norms``
        :math:`|\mathcal{L}'(\beta_t)|`.
    converged_ : bool
        Whether the derivative fell below ``tol`` within ``steps``.

    References
    ----------
    Guo, C., Pleiss, G., Sun, Y. and Weinberger, K. Q. (2017). On calibration of modern
    neural networks. ICML.

    Examples
    --------
    Labels drawn from :math:`\operatorname{softmax}(z/2)`: the logits are twice too
    confident, and the fitted temperature is close to 2.

    >>> rng = np.random.default_rng(0)
    >>> logits = 4 * rng.standard_normal((2000, 3))
    >>> probabilities = softmax(logits, 2.0)
    >>> draws = rng.random(2000)[:, None]
    >>> labels = (draws > np.cumsum(probabilities, axis=1)).sum(axis=1)
    >>> scaling = TemperatureScaling().fit(logits, labels)
    >>> print(f"T = {scaling.temperature_:.2f}")
    T = 1.99
    """

    def __init__(self, *, optimizer=None, lr=None, steps=1000, tol=1e-9, **hyperparameters):
        if optimizer is None:                   # gradient descent with Nesterov momentum
            optimizer, hyperparameters = SGD, {"momentum": 0.9, "nesterov": True,
                                               **hyperparameters}
        self.optimizer, self.hyperparameters = optimizer, hyperparameters
        self.lr = None if lr is None else check_real("lr", lr, low=0, low_open=True)
        self.steps = check_int("steps", steps, low=1)
        self.tol = check_real("tol", tol, low=0)
        self.temperature_ = self.trajectory_ = self.converged_ = None

    def fit(self, logits, labels):
        """Choose :math:`T` on validation ``logits`` (n, K) and their ``labels``; returns
        self.

        Raises
        ------
        ValueError
            If the fitted :math:`\beta` is not positive: the logits do not rank the true
            class above the others on average (worse than chance).
        """
        problem = TemperatureNLL(logits, labels)
        beta = np.array([1.0])
        lr = 1.0 / problem.L if self.lr is None else self.lr
        opt = self.optimizer([beta], lr=lr, **self.hyperparameters)
        betas, losses, grads = [], [], []
        for step in range(self.steps + 1):
            grad = problem.grad(beta)
            betas.append(beta.copy())
            losses.append(problem.loss(beta))
            grads.append(abs(float(grad[0])))
            if grads[-1] <= self.tol or step == self.steps:
                break
            opt.step([grad])
        if not beta[0] > 0:
            raise ValueError(f"the fitted inverse temperature is {beta[0]:.3g} <= 0: the "
                             "logits do not rank the true class above the others on average")
        self.temperature_ = 1.0 / float(beta[0])
        self.trajectory_ = Trajectory(np.array(betas), np.array(losses), np.array(grads))
        self.converged_ = grads[-1] <= self.tol
        return self

    def transform(self, logits):
        """The calibrated logits :math:`z / T`."""
        return self._checked(logits) / self.temperature_

    def predict_proba(self, logits):
        r"""Calibrated probabilities :math:`\operatorname{softmax}(z / T)`."""
        return softmax(self._checked(logits), self.temperature_)

    def _checked(self, logits):
        if self.temperature_ is None:
            raise ValueError("this TemperatureScaling is not fitted yet: call "
                             "fit(val_logits, val_labels) first")
        return check_array("logits", logits, ndim=2)
