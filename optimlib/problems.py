r"""Test objectives with exact gradients, Hessians and known minimizers.

Every problem has the same small interface, so an optimizer, a plot or a widget works with
any of them:

``loss(theta)``
    the objective; ``theta`` may be one point of shape ``(d,)`` or a stack of points of shape
    ``(..., d)`` (used to draw contours), giving a float or an array of shape ``(...)``.
``grad(theta)``, ``hessian(theta)``
    exact derivatives at one point.
``minimizer``, ``minimum``, ``dim``
    a global minimizer :math:`\theta^\star`, the value :math:`f^\star`, and :math:`d`.

The linear-regression objective is a :class:`Quadratic` (the mean squared error is quadratic in
the parameters), so it inherits the eigenvalues, condition number and step-size formulas that
Chapter 2 derives.
"""

import math

import numpy as np

from optimlib._validation import check_array, check_int, check_real

__all__ = ["Problem", "Quadratic", "LinearRegression", "Rosenbrock", "DoubleWell"]


class Problem:
    """Interface shared by all test objectives (see :mod:`optimlib.problems`)."""

    dim = None
    minimizer = None
    minimum = None
    #: plotting window ``((x_min, x_max), (y_min, y_max))`` for 2-D views; ``None`` means
    #: "a square around the minimizer" (see :func:`optimlib.plot.landscapes.contour`)
    plot_range = None

    def loss(self, theta):  # pragma: no cover - abstract
        raise NotImplementedError

    def grad(self, theta):  # pragma: no cover - abstract
        raise NotImplementedError

    def hessian(self, theta):  # pragma: no cover - abstract
        raise NotImplementedError

    def suboptimality(self, theta):
        r"""Return :math:`f(\theta) - f^\star`, the distance to the optimal value."""
        return self.loss(theta) - self.minimum

    def _point(self, theta):
        return check_array("theta", theta, shape=(self.dim,))

    @staticmethod
    def _value(values):
        """A Python float for one point, an array for a stack of points."""
        return float(values) if np.ndim(values) == 0 else values

    def _points(self, theta):
        theta = check_array("theta", theta, finite=False)
        if theta.ndim == 0 or theta.shape[-1] != self.dim:
            raise ValueError(
                f"theta must have shape ({self.dim},) or (..., {self.dim}), got {theta.shape}"
            )
        return theta


def _matvec(M, x):
    """``x @ M.T`` for a vector or a stack of vectors ``x``, by elementwise products and sums.

    numpy's ``@`` calls BLAS, whose kernels round differently on different processors; this
    gives the same bits everywhere (it is only used on the book's small problems)."""
    return np.sum(x[..., None, :] * M, axis=-1)


def _orthonormal_columns(M):
    r"""Q with orthonormal columns spanning those of ``M``, by modified Gram-Schmidt.

    The Q of a QR decomposition up to column signs (which do not change
    :math:`Q \Lambda Q^\top`), in elementwise arithmetic so that it is the same on every
    processor (LAPACK's is not)."""
    Q = np.array(M, dtype=float)
    for j in range(Q.shape[1]):
        for i in range(j):
            Q[:, j] -= np.sum(Q[:, i] * Q[:, j]) * Q[:, i]
        Q[:, j] /= math.sqrt(np.sum(Q[:, j] * Q[:, j]))
    return Q


class Quadratic(Problem):
    r"""The quadratic :math:`f(\theta) = \tfrac12 \theta^\top A \theta - c^\top \theta + f_0`.

    With :math:`A` symmetric positive definite, the gradient is :math:`A\theta - c`, the
    Hessian is :math:`A`, and the unique minimizer solves :math:`A\theta^\star = c`.
    The loss and gradient are computed with elementwise products and sums rather than BLAS, so
    a run gives the same bits on every processor (the adaptive methods of Chapter 5 amplify
    last-bit differences, and the book's stored outputs must match every reader's).
    Gradient descent with step :math:`\eta` multiplies the error
    :math:`\theta_t - \theta^\star` by :math:`I - \eta A` at every step (Chapter 2), so it
    converges if and only if :math:`0 < \eta < 2/\lambda_{\max}`, at the rate
    :math:`\rho(\eta) = \max_i |1 - \eta \lambda_i|`.

    Parameters
    ----------
    A : array_like, shape (d, d)
        Symmetric positive-definite matrix.
    c : array_like, shape (d,), optional
        Linear term (default zero, so that :math:`\theta^\star = 0`).
    f0 : float, default 0
        Constant term.

    Attributes
    ----------
    eigenvalues : ndarray, shape (d,)
        The eigenvalues of :math:`A` in ascending order; ``L``, ``lambda_min`` and
        ``condition_number`` are read off them.

    Raises
    ------
    ValueError
        If ``A`` is not square, not symmetric or not positive definite, or ``c`` has the
        wrong shape.

    References
    ----------
    Nocedal and Wright (2006), Numerical Optimization, Section 3.3.

    Examples
    --------
    >>> q = Quadratic([[1.0, 0.0], [0.0, 10.0]])
    >>> q.condition_number
    10.0
    >>> q.grad([1.0, 1.0])
    array([ 1., 10.])
    """

    def __init__(self, A, c=None, f0=0.0):
        A = check_array("A", A, ndim=2)
        if A.shape[0] != A.shape[1]:
            raise ValueError(f"A must be square, got shape {A.shape}")
        if not np.allclose(A, A.T, rtol=1e-12, atol=1e-12 * np.abs(A).max()):
            raise ValueError("A must be symmetric")
        self.dim = A.shape[0]
        self.A = A
        self.c = np.zeros(self.dim) if c is None else check_array("c", c, shape=(self.dim,))
        self.f0 = check_real("f0", f0)
        self.eigenvalues = np.linalg.eigvalsh(A)  # ascending
        if self.eigenvalues[0] <= 0:
            raise ValueError(
                f"A must be positive definite; its smallest eigenvalue is {self.eigenvalues[0]:.3g}"
            )

    @classmethod
    def with_condition_number(cls, kappa, *, dim=2, lambda_max=1.0, angle=np.pi / 6,
                              minimizer=None, seed=0):
        r"""A quadratic whose Hessian has condition number ``kappa``.

        The eigenvalues are spread evenly from :math:`\lambda_{\max}/\kappa` to
        :math:`\lambda_{\max}` (``eigenvalues`` holds exactly these values, so
        ``condition_number`` is exactly ``kappa``). In 2-D the eigenvectors are rotated by
        ``angle`` (radians) so that the valley is not aligned with the axes; in higher
        dimension they are a random rotation drawn from ``seed``.

        Parameters
        ----------
        kappa : float
            Condition number :math:`\kappa \ge 1`.
        dim : int, default 2
        lambda_max : float, default 1
            Largest eigenvalue :math:`L`. With the default, learning rates read in units of
            :math:`1/L`.
        angle : float, default pi/6
            Rotation of the eigenvectors in 2-D.
        minimizer : array_like, shape (dim,), optional
            Where the minimum is (default: the origin).
        seed : int, default 0
            Seed of the random rotation when ``dim > 2``.
        """
        kappa = check_real("kappa", kappa, low=1)
        dim = check_int("dim", dim, low=1)
        lambda_max = check_real("lambda_max", lambda_max, low=0, low_open=True)
        angle = check_real("angle", angle)
        eigenvalues = np.linspace(lambda_max / kappa, lambda_max, dim)
        if dim == 2:
            cos, sin = math.cos(angle), math.sin(angle)
            Q = np.array([[cos, -sin], [sin, cos]])
        else:
            rng = np.random.default_rng(check_int("seed", seed, low=0))
            Q = _orthonormal_columns(rng.standard_normal((dim, dim)))
        A = _matvec(Q * eigenvalues, Q)          # Q diag(eigenvalues) Q^T, row by row
        A = (A + A.T) / 2
        if minimizer is None:
            problem = cls(A)
        else:
            minimizer = check_array("minimizer", minimizer, shape=(dim,))
            c = _matvec(A, minimizer)
            problem = cls(A, c=c, f0=0.5 * float(np.sum(minimizer * c)))
        # The spectrum by construction, rather than LAPACK's (which differs from it, and
        # between processors, in the last bits): kappa is exactly the condition number.
        problem.eigenvalues = eigenvalues
        return problem

    # -- the objective ----------------------------------------------------------------
    def loss(self, theta):
        theta = self._points(theta)
        quadratic = 0.5 * np.sum(theta * _matvec(self.A, theta), axis=-1)
        return self._value(quadratic - np.sum(theta * self.c, axis=-1) + self.f0)

    def grad(self, theta):
        return _matvec(self.A, self._point(theta)) - self.c

    def hessian(self, theta=None):
        return self.A.copy()

    @property
    def minimizer(self):
        return np.linalg.solve(self.A, self.c)

    @property
    def minimum(self):
        return float(self.f0 - 0.5 * np.sum(self.c * self.minimizer))

    # -- what Chapter 2 derives -------------------------------------------------------
    @property
    def L(self):
        r"""Smoothness constant :math:`L = \lambda_{\max}(A)`."""
        return float(self.eigenvalues[-1])

    @property
    def lambda_min(self):
        r"""Smallest eigenvalue :math:`\lambda_{\min}(A)` (the strong-convexity constant)."""
        return float(self.eigenvalues[0])

    @property
    def condition_number(self):
        r""":math:`\kappa = \lambda_{\max} / \lambda_{\min}`."""
        return self.L / self.lambda_min

    def gd_rate(self, lr):
        r"""Contraction factor :math:`\rho(\eta) = \max_i |1 - \eta\lambda_i|` of gradient descent.

        The error :math:`\|\theta_t - \theta^\star\|` shrinks by at least this factor per step;
        gradient descent diverges from almost every start when :math:`\rho > 1`.
        """
        lr = check_real("lr", lr, low=0)
        return float(np.max(np.abs(1 - lr * self.eigenvalues)))

    @property
    def optimal_lr(self):
        r"""The step :math:`\eta^\star = 2/(\lambda_{\min}+\lambda_{\max})` that minimizes
        :math:`\rho(\eta)`, giving :math:`\rho = (\kappa-1)/(\kappa+1)`."""
        return 2.0 / (self.lambda_min + self.L)

    @property
    def max_stable_lr(self):
        r"""The divergence threshold :math:`2/L`; gradient descent converges iff
        :math:`\eta < 2/L`."""
        return 2.0 / self.L

    def __repr__(self):
        return f"Quadratic(dim={self.dim}, condition_number={self.condition_number:.4g})"


class LinearRegression(Quadratic):
    r"""Mean squared error of a linear model, :math:`\mathcal{L}(\theta) = \frac1n\|\tilde X\theta - y\|^2`.

    The parameters are :math:`\theta = (w_1, \dots, w_d, b)` and the prediction is
    :math:`\hat y = Xw + b = \tilde X \theta` with :math:`\tilde X = [X \;\; \mathbf 1]` (Chapter 1).
    As a quadratic in :math:`\theta` it has

    .. math::

        A = \tfrac2n \tilde X^\top \tilde X, \qquad c = \tfrac2n \tilde X^\top y, \qquad
        \nabla \mathcal{L}(\theta) = \tfrac2n \tilde X^\top (\tilde X \theta - y).

    Parameters
    ----------
    X : array_like, shape (n, d)
        Inputs, one sample per row.
    y : array_like, shape (n,)
        Targets.
    fit_intercept : bool, default True
        Include the bias :math:`b` as the last parameter.

    References
    ----------
    Hastie, Tibshirani and Friedman (2009), The Elements of Statistical Learning, Section 3.2.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [2.0]]); y = 2 * X[:, 0] + 1
    >>> problem = LinearRegression(X, y)
    >>> np.round(problem.minimizer, 12)
    array([2., 1.])
    >>> problem.loss([0.0, 0.0])         # mean of 1, 9, 25
    11.666666666666666
    """

    def __init__(self, X, y, fit_intercept=True):
        X = check_array("X", X, ndim=2)
        y = check_array("y", y, ndim=1)
        if X.shape[0] != y.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]} entries")
        if X.shape[0] == 0:
            raise ValueError("X and y are empty")
        if not isinstance(fit_intercept, (bool, np.bool_)):
            raise ValueError(f"fit_intercept must be True or False, got {fit_intercept!r}")
        self.X, self.y, self.fit_intercept = X, y, bool(fit_intercept)
        self.design = np.hstack([X, np.ones((X.shape[0], 1))]) if fit_intercept else X
        n = X.shape[0]
        super().__init__(2 / n * self.design.T @ self.design, c=2 / n * self.design.T @ y,
                         f0=float(y @ y) / n)

    @property
    def n_samples(self):
        """Number of samples :math:`n` (rows of ``X``)."""
        return self.X.shape[0]

    def predict(self, theta, X=None):
        """Predictions :math:`\\hat y = Xw + b` of parameters ``theta`` on ``X`` (default: training X)."""
        theta = self._point(theta)
        X = self.X if X is None else check_array("X", X, ndim=2)
        weights, bias = (theta[:-1], theta[-1]) if self.fit_intercept else (theta, 0.0)
        return X @ weights + bias

    def loss(self, theta, idx=None):
        r"""Mean squared error on all samples, or on the rows ``idx`` (a minibatch)."""
        theta = self._points(theta)
        design, y = self._rows(idx)
        residuals = theta @ design.T - y
        return self._value(np.mean(residuals**2, axis=-1))

    def grad(self, theta, idx=None):
        r"""Gradient :math:`\frac{2}{|\mathcal B|}\tilde X_{\mathcal B}^\top(\tilde X_{\mathcal B}\theta - y_{\mathcal B})`
        on the rows ``idx`` (all rows by default)."""
        theta = self._point(theta)
        design, y = self._rows(idx)
        return 2.0 / len(y) * design.T @ (design @ theta - y)

    def _rows(self, idx):
        if idx is None:
            return self.design, self.y
        idx = np.asarray(idx)
        if idx.ndim != 1 or idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
            raise ValueError(f"idx must be a non-empty 1-D array of row indices, got {idx!r}")
        if idx.min() < -self.n_samples or idx.max() >= self.n_samples:
            raise ValueError(f"idx has row indices outside [0, {self.n_samples})")
        return self.design[idx], self.y[idx]

    @property
    def minimizer(self):
        # lstsq works on X~ directly; solving the normal equations would square its
        # condition number.
        solution, *_ = np.linalg.lstsq(self.design, self.y, rcond=None)
        return solution

    @property
    def minimum(self):
        return float(self.loss(self.minimizer))

    def __repr__(self):
        return (f"LinearRegression(n_samples={self.n_samples}, n_features={self.X.shape[1]}, "
                f"condition_number={self.condition_number:.4g})")


class Rosenbrock(Problem):
    r"""Rosenbrock's banana-shaped valley :math:`f(x, y) = (a - x)^2 + b\,(y - x^2)^2`.

    The minimum :math:`f^\star = 0` is at :math:`(a, a^2)`, at the end of a long, curved,
    nearly flat valley: easy to find, slow to follow.

    .. math::

        \nabla f = \begin{pmatrix} -2(a - x) - 4 b x (y - x^2) \\ 2 b (y - x^2) \end{pmatrix}

    Parameters
    ----------
    a : float, default 1
    b : float, default 100
        Must be positive.

    References
    ----------
    Rosenbrock, H. H. (1960). An automatic method for finding the greatest or least value of
    a function. The Computer Journal 3(3), 175-184. Nocedal and Wright (2006), Section 2.1.
    """

    dim = 2
    plot_range = ((-2.0, 2.0), (-1.0, 3.0))

    def __init__(self, a=1.0, b=100.0):
        self.a = check_real("a", a)
        self.b = check_real("b", b, low=0, low_open=True)

    def loss(self, theta):
        theta = self._points(theta)
        x, y = theta[..., 0], theta[..., 1]
        return self._value((self.a - x) ** 2 + self.b * (y - x**2) ** 2)

    def grad(self, theta):
        x, y = self._point(theta)
        return np.array([-2 * (self.a - x) - 4 * self.b * x * (y - x**2), 2 * self.b * (y - x**2)])

    def hessian(self, theta):
        x, y = self._point(theta)
        return np.array([[2 - 4 * self.b * (y - x**2) + 8 * self.b * x**2, -4 * self.b * x],
                         [-4 * self.b * x, 2 * self.b]])

    @property
    def minimizer(self):
        return np.array([self.a, self.a**2])

    minimum = 0.0

    def __repr__(self):
        return f"Rosenbrock(a={self.a}, b={self.b})"


class DoubleWell(Problem):
    r"""A smooth non-convex objective with a known smoothness constant: a double well per coordinate.

    .. math::

        f(\theta) = \sum_{i=1}^{d} \Big(\tfrac12 \theta_i^2 + a(\cos\theta_i - 1)\Big), \qquad
        \nabla f(\theta)_i = \theta_i - a\sin\theta_i, \qquad
        \nabla^2 f(\theta) = \operatorname{diag}(1 - a\cos\theta_i) .

    Every Hessian eigenvalue lies in :math:`[1 - a, 1 + a]`, so the gradient is Lipschitz with
    :math:`L = 1 + a` everywhere, as the guarantees of Chapter 2 assume, while for
    :math:`a > 1` the function is not convex. For :math:`1 < a < 7.789` (the value of
    :math:`\theta/\sin\theta` at the first tangency :math:`\tan\theta = \theta` beyond
    :math:`2\pi`, :math:`\theta \approx 7.725`; for larger :math:`a`, :math:`\theta = a\sin\theta`
    has further roots and the function further wells), in each coordinate the stationary points are
    :math:`0` (a local maximum, curvature :math:`1 - a < 0`) and :math:`\pm r`, the wells,
    where :math:`r \in (0, \pi)` solves :math:`r = a\sin r`. So in :math:`d` dimensions there
    are :math:`2^d` global minimizers :math:`(\pm r, \dots, \pm r)` with
    :math:`f^\star = d\,(r^2/2 + a(\cos r - 1))`, a maximum at the origin, and saddle points
    in between (some coordinates at 0, the others at :math:`\pm r`): a small gradient alone
    does not certify a minimum.

    Parameters
    ----------
    dim : int, default 2
        Dimension :math:`d \ge 1`.
    a : float, default 2
        Depth of the wells, :math:`a > 1`.

    Raises
    ------
    ValueError
        If ``dim`` is not a positive integer or ``a <= 1``.

    References
    ----------
    Nesterov (2018), Lectures on Convex Optimization, Section 1.2.3 (gradient descent on
    smooth non-convex functions).

    Examples
    --------
    >>> well = DoubleWell(dim=1)
    >>> round(well.r, 6), well.L
    (1.895494, 3.0)
    >>> bool(abs(well.grad(well.minimizer)[0]) < 1e-15)      # a well
    True
    >>> float(well.hessian([0.0])[0, 0])                   # a maximum at 0
    -1.0
    """

    plot_range = ((-3.5, 3.5), (-3.5, 3.5))

    def __init__(self, dim=2, a=2.0):
        self.dim = check_int("dim", dim, low=1)
        self.a = check_real("a", a, low=1, low_open=True)
        # the well r in (0, pi): h(r) = r - a sin r is negative near 0 (a > 1) and h(pi) = pi;
        # bisection to the last bit, so that r is the same on every processor
        low, high = 0.0, math.pi
        while True:
            middle = 0.5 * (low + high)
            if middle in (low, high):
                break
            if middle - self.a * math.sin(middle) < 0:
                low = middle
            else:
                high = middle
        self.r = low

    def loss(self, theta):
        theta = self._points(theta)
        return self._value(np.sum(0.5 * theta**2 + self.a * (np.cos(theta) - 1), axis=-1))

    def grad(self, theta):
        theta = self._point(theta)
        return theta - self.a * np.sin(theta)

    def hessian(self, theta):
        theta = self._point(theta)
        return np.diag(1 - self.a * np.cos(theta))

    @property
    def L(self):
        r"""Smoothness constant :math:`L = 1 + a`: every Hessian eigenvalue is in
        :math:`[1 - a, 1 + a]`."""
        return 1.0 + self.a

    @property
    def minimizer(self):
        """One of the :math:`2^d` global minimizers, :math:`(r, \\dots, r)`."""
        return np.full(self.dim, self.r)

    @property
    def minimum(self):
        return self.dim * (0.5 * self.r**2 + self.a * (math.cos(self.r) - 1))

    def __repr__(self):
        return f"DoubleWell(dim={self.dim}, a={self.a})"
