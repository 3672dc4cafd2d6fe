r"""Stochastic gradients on a finite sum: how noisy they are, and how to remove the noise.

The training loss of Chapter 3 is an average :math:`\mathcal{L}(\theta) = \frac1n\sum_i
\ell_i(\theta)`, and SGD steps along the gradient of a random minibatch. This module measures
and models the noise of that gradient and removes it:

- :func:`gradient_noise_scale` and :func:`noise_scale_from_batches`: the gradient noise scale
  of McCandlish et al. (2018), the batch size at which the noise of a minibatch gradient is as
  large as the gradient itself, computed exactly from per-sample gradients or estimated from
  the norms of minibatch gradients of two sizes;
- :func:`expected_suboptimality`: the exact expected loss of SGD with batches drawn with
  replacement on least squares, step by step, for a whole grid of learning rates and batch
  sizes at once;
- :func:`svrg`: stochastic variance-reduced gradient (Johnson and Zhang 2013), whose
  corrected stochastic gradient has a variance that vanishes at the optimum, so that a
  constant step converges linearly instead of stalling at a floor.
"""

import math

import numpy as np

from optimlib._validation import check_array, check_int, check_real, check_rng
from optimlib.problems import LinearRegression
from optimlib.train import Trajectory

__all__ = ["gradient_noise_scale", "noise_scale_from_batches", "expected_suboptimality", "svrg"]


def gradient_noise_scale(per_sample_grads, hessian=None):
    r"""The gradient noise scale of McCandlish et al. (2018), from per-sample gradients.

    With :math:`G = \frac1n\sum_i g_i` the full gradient and
    :math:`\Sigma = \frac1n\sum_i (g_i - G)(g_i - G)^\top` the covariance of one per-sample
    gradient, a minibatch of :math:`B` samples drawn with replacement has covariance
    :math:`\Sigma/B`, and

    .. math::

        B_{\text{simple}} = \frac{\operatorname{tr}\Sigma}{\|G\|^2}, \qquad
        B_{\text{noise}} = \frac{\operatorname{tr}(H\Sigma)}{G^\top H G} .

    :math:`B_{\text{simple}}` is the batch size at which the noise
    :math:`\mathbb{E}\|g_B - G\|^2 = \operatorname{tr}\Sigma/B` equals :math:`\|G\|^2`. With
    the Hessian :math:`H`, :math:`B_{\text{noise}}` is the batch size at which the best step
    along :math:`g_B` gains half of what it gains along :math:`G` (the quadratic model of the
    loss); the two agree when :math:`H` is a multiple of the identity.

    Parameters
    ----------
    per_sample_grads : array_like, shape (n, d)
        Row :math:`i` is :math:`g_i = \nabla\ell_i(\theta)`.
    hessian : array_like, shape (d, d), optional
        :math:`H`; if given, :math:`B_{\text{noise}}` is returned instead of
        :math:`B_{\text{simple}}`.

    Returns
    -------
    float
        :math:`B_{\text{simple}}`, or :math:`B_{\text{noise}}` if ``hessian`` is given;
        ``inf`` where the full gradient vanishes (at a stationary point).

    References
    ----------
    McCandlish, S., Kaplan, J., Amodei, D. and the OpenAI Dota Team (2018). An empirical
    model of large-batch training. arXiv:1812.06162, Section 2.

    Examples
    --------
    Two samples with gradients 0 and 2: :math:`G = 1`, :math:`\Sigma = 1`.

    >>> gradient_noise_scale([[0.0], [2.0]])
    1.0
    """
    grads = check_array("per_sample_grads", per_sample_grads, ndim=2)
    if grads.shape[0] < 1:
        raise ValueError("per_sample_grads has no rows")
    mean = grads.mean(axis=0)
    deviations = grads - mean
    covariance = deviations.T @ deviations / grads.shape[0]
    if hessian is None:
        numerator, denominator = np.trace(covariance), mean @ mean
    else:
        dim = grads.shape[1]
        hessian = check_array("hessian", hessian, shape=(dim, dim))
        numerator, denominator = np.sum(hessian * covariance.T), mean @ hessian @ mean
    if denominator == 0:
        return math.inf
    return float(numerator / denominator)


def noise_scale_from_batches(sq_norm_small, sq_norm_big, batch_small, batch_big):
    r"""Estimate :math:`\|G\|^2`, :math:`\operatorname{tr}\Sigma` and :math:`B_{\text{simple}}`
    from minibatch gradients of two sizes.

    A minibatch gradient :math:`g_B` of :math:`B` samples drawn independently has
    :math:`\mathbb{E}\|g_B\|^2 = \|G\|^2 + \operatorname{tr}\Sigma / B`. Measuring the mean
    squared norm at two batch sizes :math:`b < B` and solving the two equations gives
    unbiased estimates (McCandlish et al. 2018, Appendix A.1)

    .. math::

        \|G\|^2 \approx \frac{B\,\|g_B\|^2 - b\,\|g_b\|^2}{B - b}, \qquad
        \operatorname{tr}\Sigma \approx \frac{\|g_b\|^2 - \|g_B\|^2}{1/b - 1/B},

    and :math:`B_{\text{simple}}` is their ratio. This needs only the norms of gradients a
    training loop computes anyway (for example on the data-parallel workers' batches and their
    average), not per-sample gradients. Average each squared norm over many batches before
    calling: the ratio of two averages is far less biased than an average of ratios.

    Parameters
    ----------
    sq_norm_small, sq_norm_big : float
        Mean of :math:`\|g_b\|^2` and of :math:`\|g_B\|^2` over independent batches.
    batch_small, batch_big : int
        The batch sizes :math:`1 \le b < B`.

    Returns
    -------
    grad_sq : float
        Estimate of :math:`\|G\|^2`.
    trace : float
        Estimate of :math:`\operatorname{tr}\Sigma`.
    b_simple : float
        ``trace / grad_sq``.

    References
    ----------
    McCandlish et al. (2018), Appendix A.1.

    Examples
    --------
    With :math:`\|G\|^2 = 1` and :math:`\operatorname{tr}\Sigma = 8`, the expected squared
    norms at :math:`b = 2` and :math:`B = 8` are 5 and 2:

    >>> noise_scale_from_batches(5.0, 2.0, 2, 8)
    (1.0, 8.0, 8.0)
    """
    sq_norm_small = check_real("sq_norm_small", sq_norm_small, low=0)
    sq_norm_big = check_real("sq_norm_big", sq_norm_big, low=0)
    batch_small = check_int("batch_small", batch_small, low=1)
    batch_big = check_int("batch_big", batch_big, low=batch_small + 1)
    grad_sq = (batch_big * sq_norm_big - batch_small * sq_norm_small) / (batch_big - batch_small)
    trace = (sq_norm_small - sq_norm_big) / (1 / batch_small - 1 / batch_big)
    return grad_sq, trace, trace / grad_sq


def expected_suboptimality(problem, theta0, lr, batch_size, steps):
    r"""Exact :math:`\mathbb{E}[\mathcal{L}(\theta_t)] - \mathcal{L}^\star` of minibatch SGD
    on least squares, batches drawn with replacement.

    For the mean squared error the gradient of sample :math:`i` is
    :math:`A_i e + b_i`, with :math:`e = \theta - \theta^\star`,
    :math:`A_i = 2\tilde x_i\tilde x_i^\top` and :math:`b_i = \nabla\ell_i(\theta^\star)`. A
    step with :math:`B` indices drawn independently and uniformly is
    :math:`e_{t+1} = (I - \eta\bar A_t)e_t - \eta\bar b_t` (bars: batch averages), so the
    mean :math:`m_t = \mathbb{E}[e_t]` and the second moment
    :math:`P_t = \mathbb{E}[e_te_t^\top]` follow exactly

    .. math::

        m_{t+1} &= (I - \eta A)\,m_t , \\
        P_{t+1} &= P_t - \eta(AP_t + P_tA)
          + \eta^2\Big[\tfrac1B\,\mathcal{S}(P_t) + \big(1 - \tfrac1B\big)AP_tA\Big]
          + \frac{\eta^2}{B}\big(C_t + C_t^\top + \Sigma_\star\big),

    with :math:`\mathcal{S}(P) = \frac1n\sum_i A_iPA_i`,
    :math:`C_t = \frac1n\sum_i A_i m_t b_i^\top` and
    :math:`\Sigma_\star = \frac1n\sum_i b_ib_i^\top`; the expected suboptimality is
    :math:`\tfrac12\operatorname{tr}(AP_t)`. Its stationary point is the exact floor of
    Chapter 3. This is the average over infinitely many runs, computed in
    :math:`O(nd^2)` per step for every learning rate and batch size of a grid at once.

    Parameters
    ----------
    problem : optimlib.problems.LinearRegression
    theta0 : array_like, shape (problem.dim,)
        The (deterministic) starting point.
    lr : float or array_like
        Constant learning rate(s) :math:`\eta \ge 0`.
    batch_size : int or array_like of int
        Batch size(s) :math:`B \ge 1`; broadcast against ``lr``.
    steps : int
        Number of steps.

    Returns
    -------
    ndarray, shape ``np.broadcast_shapes(np.shape(lr), np.shape(batch_size)) + (steps + 1,)``
        Entry ``[..., t]`` is :math:`\mathbb{E}[\mathcal{L}(\theta_t)] - \mathcal{L}^\star`;
        ``inf`` or ``nan`` once a configuration diverges.

    References
    ----------
    Bach, F. and Moulines, E. (2011). Non-asymptotic analysis of stochastic approximation
    algorithms for machine learning. NeurIPS. Bottou, Curtis and Nocedal (2018), Section 4.

    Examples
    --------
    One sample and :math:`B = 1`: no noise, so the expectation is gradient descent:

    >>> import numpy as np
    >>> one = LinearRegression(np.array([[1.0]]), np.array([1.0]),
    ...                        fit_intercept=False)
    >>> expected_suboptimality(one, [0.0], lr=0.25, batch_size=1, steps=2)
    array([1.    , 0.25  , 0.0625])
    """
    if not isinstance(problem, LinearRegression):
        raise ValueError(f"problem must be an optimlib.problems.LinearRegression, "
                         f"got {type(problem).__name__}")
    theta0 = check_array("theta0", theta0, shape=(problem.dim,))
    lr = check_array("lr", lr)
    if np.any(lr < 0):
        raise ValueError(f"Invalid lr: {lr.min()!r}; accepted range [0, inf)")
    sizes = np.asarray(batch_size)
    if not np.issubdtype(sizes.dtype, np.integer) or np.any(sizes < 1):
        raise ValueError(f"batch_size must hold integers >= 1, got {batch_size!r}")
    steps = check_int("steps", steps, low=0)
    shape = np.broadcast_shapes(lr.shape, sizes.shape)
    eta = np.broadcast_to(lr, shape)[..., None, None]           # shape (..., 1, 1)
    inverse_b = np.broadcast_to(1 / sizes, shape)[..., None, None]
    design, n, A = problem.design, problem.n_samples, problem.A
    b = 2 * (design @ problem.minimizer - problem.y)[:, None] * design   # b_i, row by row
    sigma_star = np.einsum("ki,kj->ij", b, b) / n
    error = theta0 - problem.minimizer
    mean = np.broadcast_to(error, shape + error.shape).copy()            # m_t
    moment = np.broadcast_to(np.outer(error, error), shape + A.shape).copy()   # P_t
    gaps = np.empty(shape + (steps + 1,))
    gaps[..., 0] = 0.5 * np.einsum("ij,...ji->...", A, moment)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            AP = np.einsum("ij,...jk->...ik", A, moment)
            PA = np.swapaxes(AP, -1, -2)                              # P symmetric
            APA = np.einsum("...ij,jk->...ik", AP, A)
            quad = np.einsum("ki,...ij,kj->...k", design, moment, design)   # x_i^T P x_i
            S = 4 / n * np.einsum("...k,ki,kj->...ij", quad, design, design)
            along = np.einsum("ki,...i->...k", design, mean)              # x_i^T m
            C = 2 / n * np.einsum("...k,ki,kj->...ij", along, design, b)
            moment = (moment - eta * (AP + PA)
                      + eta**2 * (inverse_b * S + (1 - inverse_b) * APA)
                      + eta**2 * inverse_b * (C + np.swapaxes(C, -1, -2) + sigma_star))
            mean = mean - eta[..., 0] * np.einsum("ij,...j->...i", A, mean)
            gaps[..., t + 1] = 0.5 * np.einsum("ij,...ji->...", A, moment)
    return gaps


def svrg(problem, theta0, *, lr, epochs, inner_steps=None, snapshot="last", seed=0):
    r"""Stochastic variance-reduced gradient (SVRG) on a finite sum.

    Each epoch :math:`s` computes the full gradient at a snapshot :math:`\tilde\theta`, then
    takes :math:`m` one-sample steps with a corrected gradient:

    .. math::

        \tilde\mu &= \nabla\mathcal{L}(\tilde\theta)
          = \tfrac1n \textstyle\sum_{i=1}^n \nabla\ell_i(\tilde\theta), \qquad
          \theta_0 = \tilde\theta, \\
        \theta_{k+1} &= \theta_k - \eta\,\big(\nabla\ell_{i_k}(\theta_k)
          - \nabla\ell_{i_k}(\tilde\theta) + \tilde\mu\big), \quad
          i_k \text{ uniform on } \{1, \dots, n\},

    and the next snapshot is :math:`\theta_m` (option I of the paper, ``snapshot="last"``) or
    :math:`\theta_k` for a uniformly random :math:`k \in \{0, \dots, m-1\}` (option II,
    ``"random"``). The correction has mean zero, so the step is unbiased, and it cancels the
    noise as :math:`\theta_k` and :math:`\tilde\theta` approach :math:`\theta^\star`: at the
    optimum the step is exactly zero. For option II, if every :math:`\ell_i` is
    :math:`L`-smooth and convex and :math:`\mathcal{L}` is :math:`\mu`-strongly convex,
    Johnson and Zhang (2013, Theorem 1) prove

    .. math::

        \mathbb{E}\,\mathcal{L}(\tilde\theta_s) - \mathcal{L}^\star \le \alpha^s
        \big(\mathcal{L}(\tilde\theta_0) - \mathcal{L}^\star\big), \qquad
        \alpha = \frac{1}{\mu\eta(1 - 2L\eta)m} + \frac{2L\eta}{1 - 2L\eta} ,

    linear convergence whenever :math:`\alpha < 1`. An epoch costs :math:`n + 2m`
    per-sample gradients.

    Parameters
    ----------
    problem : optimlib.problems.LinearRegression
        Or any problem with ``n_samples``, ``loss``, ``grad(theta, idx)`` (``idx``: row
        indices) and ``dim``.
    theta0 : array_like, shape (problem.dim,)
        The first snapshot :math:`\tilde\theta_0` (copied).
    lr : float
        Step :math:`\eta > 0`.
    epochs : int
        Number of snapshots after the first, :math:`s = 1, \dots, S`.
    inner_steps : int, optional
        :math:`m`; default :math:`2n`, the paper's choice for convex problems.
    snapshot : {"last", "random"}, default "last"
        Option I or option II of the paper.
    seed : int or numpy.random.Generator, default 0
        Source of the indices :math:`i_k` (and of option II's choice).

    Returns
    -------
    Trajectory
        The snapshots :math:`\tilde\theta_0, \dots, \tilde\theta_S` (one row per epoch), their
        losses and gradient norms.

    References
    ----------
    Johnson, R. and Zhang, T. (2013). Accelerating stochastic gradient descent using
    predictive variance reduction. NeurIPS 26, Algorithm "SVRG" and Theorem 1.

    Examples
    --------
    Started at the least-squares solution, SVRG stays there (SGD would not):

    >>> import numpy as np
    >>> from optimlib.data import make_linear_regression
    >>> problem = LinearRegression(*make_linear_regression(noise=0.5))
    >>> run = svrg(problem, problem.minimizer, lr=0.05, epochs=2)
    >>> bool(np.abs(run.thetas - problem.minimizer).max() < 1e-12)
    True
    """
    n = check_int("problem.n_samples", getattr(problem, "n_samples", None), low=1)
    snapshot_theta = check_array("theta0", theta0, shape=(problem.dim,)).copy()
    lr = check_real("lr", lr, low=0, low_open=True)
    epochs = check_int("epochs", epochs, low=0)
    m = 2 * n if inner_steps is None else check_int("inner_steps", inner_steps, low=1)
    if snapshot not in ("last", "random"):
        raise ValueError(f"snapshot must be 'last' or 'random', got {snapshot!r}")
    rng = check_rng(seed)
    snapshots = [snapshot_theta.copy()]
    for _ in range(epochs):
        full = problem.grad(snapshot_theta)                      # mu~
        theta = snapshot_theta.copy()
        inner = []
        for idx in rng.integers(n, size=(m, 1)):                 # one sample per step
            inner.append(theta.copy())
            correction = problem.grad(snapshot_theta, idx) - full
            theta -= lr * (problem.grad(theta, idx) - correction)
        snapshot_theta = theta if snapshot == "last" else inner[rng.integers(m)]
        snapshots.append(snapshot_theta.copy())
    thetas = np.array(snapshots)
    losses = np.array([problem.loss(theta) for theta in thetas])
    grad_norms = np.array([np.linalg.norm(problem.grad(theta)) for theta in thetas])
    return Trajectory(thetas, losses, grad_norms, minimum=getattr(problem, "minimum", None))
