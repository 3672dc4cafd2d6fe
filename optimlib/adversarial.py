r"""Adversarial examples and adversarial training: optimization over the *inputs*.

Training minimizes the loss over the parameters :math:`\theta`; an **attack** maximizes it
over the input, within a small set around a correctly classified sample. Here the set is the
:math:`L_\infty` ball of radius :math:`\varepsilon`, :math:`\{x' : \max_j |x'_j - x_j| \le
\varepsilon\}`, the one Goodfellow et al. (2015) and Madry et al. (2018) use: no pixel may
change by more than :math:`\varepsilon`. Both attacks need only the gradient of the loss with
respect to the input, which :meth:`optimlib.nn.Module.backward` already returns:

- :func:`fgsm`, the fast gradient sign method, one step to the corner of the ball that a
  linear model of the loss says is worst, :math:`x' = x + \varepsilon\operatorname{sign}
  (\nabla_x \ell)`;
- :func:`pgd`, projected gradient descent (ascent, here): many signed steps of size
  :math:`\alpha`, each followed by the projection back onto the ball (and the valid pixel
  range), from a random start, optionally several times.

:class:`AdversarialTraining` trains on such examples through the ordinary
:func:`optimlib.train.fit`, as a per-minibatch ``transform``; it mixes clean and adversarial
examples with Goodfellow et al.'s weight :math:`\alpha` through :class:`MixedLoss`.

The attacks compute in evaluation mode (dropout off) and leave the model as they found it:
its parameters, its ``grads`` and its training or evaluation mode.

>>> import numpy as np
>>> from optimlib.nn import Linear
>>> model = Linear(2, 2, seed=0)
>>> model.params["weight"][...] = [[1.0, -1.0], [-2.0, 2.0]]
>>> X, y = np.array([[0.5, 0.5]]), np.array([0])
>>> fgsm(model, "cross_entropy", X, y, eps=0.1)  # logit 1 up, 0 down
array([[0.4, 0.6]])

References
----------
Szegedy, Zaremba, Sutskever, Bruna, Erhan, Goodfellow and Fergus (2014). Intriguing properties
of neural networks. ICLR.
Goodfellow, Shlens and Szegedy (2015). Explaining and harnessing adversarial examples. ICLR.
Madry, Makelov, Schmidt, Tsipras and Vladu (2018). Towards deep learning models resistant to
adversarial attacks. ICLR.
Athalye, Carlini and Wagner (2018). Obfuscated gradients give a false sense of security:
circumventing defenses to adversarial examples. ICML.
"""

import numpy as np

from optimlib import nn
from optimlib._probe import probing
from optimlib._validation import check_array, check_int, check_real, check_rng

__all__ = ["input_gradient", "fgsm", "pgd", "MixedLoss", "AdversarialTraining"]


def input_gradient(model, loss, X, y):
    r"""The gradient of the mean loss with respect to the inputs, :math:`\nabla_X
    \mathcal L`, in evaluation mode; the model is left as it was.

    It is the value :meth:`~optimlib.nn.Module.backward` returns after a forward pass and the
    loss's backward pass. With the mean over :math:`n` rows, row :math:`i` of the result is
    :math:`\frac1n\nabla_{x_i}\ell(x_i, y_i)`; the attacks use only its sign.

    Parameters
    ----------
    model : optimlib.nn.Module
    loss : optimlib.nn.Loss or str
    X : array_like, shape (n, d) (or images for a convolutional model)
    y : array_like
        Targets for ``loss``, e.g. class labels.

    Returns
    -------
    ndarray, shape of ``X``, in the model's dtype

    Examples
    --------
    >>> from optimlib.nn import Linear
    >>> model = Linear(2, 1, seed=0)
    >>> model.params["weight"][...] = [[3.0], [-1.0]]
    >>> input_gradient(model, "mse", np.array([[1.0, 1.0]]), np.array([0.0]))
    array([[12., -4.]])
    """
    loss = nn.as_loss(loss)
    X = _inputs(model, X)
    with probing(model):
        loss(model(X), y)
        return model.backward(loss.backward())


def _inputs(model, X, name="X"):
    X = check_array(name, X)
    if X.ndim < 2:
        raise ValueError(f"{name} must hold one sample per row, got shape {X.shape}")
    return X.astype(model.dtype, copy=False)


def _clip_range(clip):
    """``clip`` as a pair ``(low, high)`` with low < high, or None."""
    if clip is None:
        return None
    if not isinstance(clip, (tuple, list)) or len(clip) != 2:
        raise ValueError(f"clip must be a pair (low, high) or None, got {clip!r}")
    low = check_real("clip[0]", clip[0])
    high = check_real("clip[1]", clip[1], low=low, low_open=True)
    return low, high


def _check_in_range(X, clip):
    if clip is not None and (X.min() < clip[0] or X.max() > clip[1]):
        raise ValueError(f"X has values in [{X.min():g}, {X.max():g}], outside clip={clip}: "
                         "the inputs themselves must be valid")


def _blocks(n, batch_size):
    """Slices of at most ``batch_size`` consecutive rows covering ``range(n)``."""
    if batch_size is None:
        return [slice(0, n)]
    batch_size = check_int("batch_size", batch_size, low=1)
    return [slice(start, start + batch_size) for start in range(0, n, batch_size)]


def fgsm(model, loss, X, y, eps, clip=None, batch_size=None):
    r"""Fast gradient sign method (Goodfellow et al. 2015, Section 4).

    .. math:: x' = x + \varepsilon\,\operatorname{sign}\bigl(\nabla_x \ell(\theta, x, y)\bigr),

    then clipped to ``clip`` if given. It is the maximizer of the *linearized* loss
    :math:`\ell(x) + \nabla_x\ell^\top (x' - x)` over the :math:`L_\infty` ball of radius
    :math:`\varepsilon`: every input moves by :math:`\varepsilon` in the direction that raises
    the loss (not at all where the gradient is exactly 0, as ``torch.sign``). One forward and
    one backward pass.

    Parameters
    ----------
    model : optimlib.nn.Module
    loss : optimlib.nn.Loss or str
        The loss the attack raises, e.g. ``"cross_entropy"`` with the true labels.
    X : array_like, shape (n, d)
        Clean inputs.
    y : array_like
        Their targets.
    eps : float
        :math:`\varepsilon \ge 0`, in the units of ``X``.
    clip : (float, float), optional
        The valid input range (e.g. ``(0, 1)`` for pixels), applied after the step.
    batch_size : int, optional
        Attack this many rows at a time (default: all at once). Each row's attack depends on
        that row only, so the result does not depend on it; blocks bound the memory that a
        large ``X`` needs.

    Returns
    -------
    ndarray, shape of ``X``
        The adversarial inputs; the model's parameters, ``grads`` and mode are unchanged.

    Examples
    --------
    >>> from optimlib.nn import Linear
    >>> model = Linear(2, 1, seed=0)
    >>> model.params["weight"][...] = [[3.0], [-1.0]]
    >>> X, y = np.array([[0.5, 0.5]]), np.array([0.0])
    >>> fgsm(model, "mse", X, y, eps=0.2, clip=(0, 0.6))
    array([[0.6, 0.3]])
    """
    eps = check_real("eps", eps, low=0)
    clip = _clip_range(clip)
    X, y = _inputs(model, X), np.asarray(y)
    _check_in_range(X, clip)
    X_adv = np.empty_like(X)
    for rows in _blocks(len(X), batch_size):
        X_adv[rows] = X[rows] + eps * np.sign(input_gradient(model, loss, X[rows], y[rows]))
    return X_adv if clip is None else np.clip(X_adv, *clip)


def pgd(model, loss, X, y, eps, step_size, steps, random_start=True, seed=0, clip=None,
        restarts=1, batch_size=None):
    r"""Projected gradient descent on the negative loss, in the :math:`L_\infty` ball
    (Madry et al. 2018, Section 2.1).

    From :math:`x^0` (a uniform random point of the ball if ``random_start``, else
    :math:`x`) it takes ``steps`` signed gradient steps, each projected back:

    .. math:: x^{t+1} = \Pi\Bigl(x^t + \alpha\,\operatorname{sign}\bigl(\nabla_x
       \ell(\theta, x^t, y)\bigr)\Bigr),

    where :math:`\alpha` is ``step_size`` and :math:`\Pi` clips each input first to
    :math:`[x_j - \varepsilon, x_j + \varepsilon]` (the projection onto the ball) and then to
    ``clip``. With ``random_start=False``, ``steps=1`` and ``step_size=eps`` it is
    :func:`fgsm`. Madry et al. use :math:`\varepsilon = 0.3`, :math:`\alpha = 0.01` and 40 or
    100 steps on MNIST; :math:`\alpha \approx 2.5\,\varepsilon/\text{steps}` lets a path reach
    the boundary of the ball from anywhere inside it.

    With ``restarts > 1`` the attack is repeated from new random starts and, for every
    sample, the first adversarial input that is misclassified is kept (or the last one, if
    none is): a sample counts as robust only if every restart fails, as in Madry et al.'s
    evaluation. Restarts need class labels ``y``.

    Parameters
    ----------
    model : optimlib.nn.Module
    loss : optimlib.nn.Loss or str
    X : array_like, shape (n, d)
    y : array_like
    eps : float
        :math:`\varepsilon \ge 0`.
    step_size : float
        :math:`\alpha > 0`.
    steps : int
        At least 1.
    random_start : bool, default True
    seed : int or numpy.random.Generator, default 0
        Source of the random starts: one uniform draw of the shape of ``X`` per restart, in
        order.
    clip : (float, float), optional
    restarts : int, default 1
    batch_size : int, optional
        Rows attacked at a time, as in :func:`fgsm`; the result does not depend on it.

    Returns
    -------
    ndarray, shape of ``X``
        Inputs within :math:`\varepsilon` of ``X`` (and within ``clip``); the model's
        parameters, ``grads`` and mode are unchanged.

    Examples
    --------
    >>> from optimlib.nn import Linear
    >>> model = Linear(2, 1, seed=0)
    >>> model.params["weight"][...] = [[3.0], [-1.0]]
    >>> X, y = np.array([[0.5, 0.5]]), np.array([0.0])
    >>> pgd(model, "mse", X, y, eps=0.2, step_size=0.15, steps=3,
    ...     random_start=False)
    array([[0.7, 0.3]])
    """
    eps = check_real("eps", eps, low=0)
    step_size = check_real("step_size", step_size, low=0, low_open=True)
    steps = check_int("steps", steps, low=1)
    restarts = check_int("restarts", restarts, low=1)
    clip = _clip_range(clip)
    rng = check_rng(seed)
    X, y = _inputs(model, X), np.asarray(y)
    _check_in_range(X, clip)
    if restarts > 1 and (y.ndim != 1 or not np.issubdtype(y.dtype, np.integer)):
        raise ValueError("restarts > 1 keeps the misclassified inputs, so y must be "
                         "integer class labels")
    starts = [rng.uniform(-eps, eps, size=X.shape).astype(X.dtype) if random_start
              else np.zeros_like(X) for _ in range(restarts)]
    X_adv = np.empty_like(X)
    for rows in _blocks(len(X), batch_size):
        X_adv[rows] = _pgd_rows(model, loss, X[rows], y[rows], [s[rows] for s in starts],
                                eps, step_size, steps, clip)
    return X_adv


def _pgd_rows(model, loss, X, y, starts, eps, step_size, steps, clip):
    """PGD on a block of rows from each of the given starting offsets; keeps, per row, the
    first restart that fools the model."""
    low, high = X - eps, X + eps

    def project(Z):                       # onto the ball around X, then into the valid range
        Z = np.clip(Z, low, high)
        return Z if clip is None else np.clip(Z, *clip)

    best, fooled = None, np.zeros(len(X), dtype=bool)
    for start in starts:
        X_adv = project(X + start)
        for _ in range(steps):
            X_adv = project(X_adv + step_size * np.sign(input_gradient(model, loss, X_adv, y)))
        if len(starts) == 1:
            return X_adv
        wrong = model.predict(X_adv) != y
        newly = (wrong & ~fooled).reshape(-1, *[1] * (X.ndim - 1))   # rows, any shape
        best = X_adv if best is None else np.where(newly, X_adv, best)
        fooled |= wrong
    return best


class MixedLoss(nn.Loss):
    r"""Goodfellow et al.'s adversarial objective on a minibatch of clean rows followed by
    their adversarial copies:

    .. math:: \tilde{\mathcal L} = \alpha\,\mathcal L(\theta; X, y)
       + (1 - \alpha)\,\mathcal L(\theta; X', y),

    with :math:`\mathcal L` the base loss (a mean over rows) on the first ``clean_rows``
    rows and on the rest. The gradient is exactly :math:`\alpha` times the clean gradient plus
    :math:`1 - \alpha` times the adversarial one, for any number of rows in each part.

    :class:`AdversarialTraining` sets ``clean_rows`` before each minibatch; a call without it
    (validation data in :func:`~optimlib.train.fit`, :func:`~optimlib.train.evaluate`) is the
    base loss on clean data. Stacking clean and adversarial copies and averaging with the
    plain base loss would weight them by their counts: the same for :math:`\alpha = 1/2`
    only.

    Parameters
    ----------
    loss : optimlib.nn.Loss or str
        The base loss, e.g. ``"cross_entropy"``.
    alpha : float
        :math:`\alpha \in [0, 1]`, the weight of the clean rows.

    Examples
    --------
    >>> mixed = MixedLoss("mse", alpha=0.25)
    >>> mixed.clean_rows = 1         # one clean row, then two adversarial
    >>> outputs = np.array([[1.0], [2.0], [4.0]])
    >>> mixed(outputs, np.zeros(3))        # 0.25 * 1 + 0.75 * (4 + 16) / 2
    7.75
    """

    def __init__(self, loss, alpha):
        self.loss = nn.as_loss(loss)
        self.alpha = check_real("alpha", alpha, low=0, high=1)
        self.clean_rows = None

    def forward(self, outputs, targets):
        m, self.clean_rows = self.clean_rows, None         # used once
        if m is None:
            self._grad = None
            return self.loss(outputs, targets)
        if not 0 < m < len(outputs):
            raise ValueError(f"clean_rows={m} must leave at least one clean and one "
                             f"adversarial row among the {len(outputs)}")
        clean = self.loss(outputs[:m], targets[:m])
        clean_grad = self.loss.backward()
        adversarial = self.loss(outputs[m:], targets[m:])
        adversarial_grad = self.loss.backward()
        self._grad = np.concatenate([self.alpha * clean_grad,
                                     (1 - self.alpha) * adversarial_grad])
        return self.alpha * clean + (1 - self.alpha) * adversarial

    def backward(self):
        return self.loss.backward() if self._grad is None else self._grad

    def check_targets(self, targets, shape):
        return self.loss.check_targets(targets, shape)

    def __repr__(self):
        return f"MixedLoss({self.loss!r}, alpha={self.alpha})"


_ATTACKS = ("fgsm", "pgd")


class AdversarialTraining:
    r"""Adversarial training as a ``transform`` for :func:`optimlib.train.fit`.

    Before each minibatch's forward pass it attacks the current model and returns the
    minibatch to train on. Training on the attack's examples approximates the robust
    (saddle-point) objective of Madry et al. (2018),

    .. math:: \min_\theta\ \mathbb E_{(x, y)}\Bigl[\max_{\|\delta\|_\infty \le \varepsilon}
       \ell(\theta, x + \delta, y)\Bigr]:

    the loss at the examples an attack finds is a lower estimate of the inner maximum, and by
    Danskin's theorem its gradient is the gradient of the maximum when the attack finds the
    maximizer. With ``alpha > 0`` the clean examples stay
    in the objective with weight :math:`\alpha` (Goodfellow et al. 2015, equation 6, with
    :math:`\alpha = 1/2`): the minibatch returned is the clean rows followed by their
    adversarial copies and :attr:`loss` (a :class:`MixedLoss`) weights the two parts exactly.
    With ``alpha = 0`` (Madry et al.) the minibatch is the adversarial copies alone and
    :attr:`loss` is the base loss. Pass both to ``fit``::

        adversarial = AdversarialTraining("pgd", eps=0.1, step_size=0.03, steps=5,
                                          clip=(0, 1))
        fit(model, optimizer, X, y, epochs=20, batch_size=32,
            loss=adversarial.loss, transform=adversarial)

    Parameters
    ----------
    attack : {"fgsm", "pgd"}, default "fgsm"
    eps : float
        :math:`\varepsilon \ge 0` of the training attack.
    alpha : float, default 0.5
        Weight of the clean examples, in [0, 1).
    loss : optimlib.nn.Loss or str, default "cross_entropy"
        The base loss, attacked and minimized.
    step_size : float, optional
        PGD's step size; default :math:`2.5\,\varepsilon/\text{steps}`.
    steps : int, default 7
        PGD's number of steps.
    random_start : bool, default True
        PGD's random start.
    clip : (float, float), optional
        The valid input range.
    seed : int or numpy.random.Generator, default 0
        Source of PGD's random starts (a new draw for every minibatch).

    Attributes
    ----------
    loss : optimlib.nn.Loss
        The loss to pass to ``fit``.
    """

    def __init__(self, attack="fgsm", *, eps, alpha=0.5, loss="cross_entropy", step_size=None,
                 steps=7, random_start=True, clip=None, seed=0):
        if attack not in _ATTACKS:
            raise ValueError(f"attack must be one of {_ATTACKS}, got {attack!r}")
        self.attack = attack
        self.eps = check_real("eps", eps, low=0)
        self.alpha = check_real("alpha", alpha, low=0, high=1, high_open=True)
        self.steps = check_int("steps", steps, low=1)
        self.step_size = (2.5 * self.eps / self.steps if step_size is None
                          else check_real("step_size", step_size, low=0, low_open=True))
        # (with eps = 0 there is nothing to attack: the copies are the clean rows)
        self.random_start = bool(random_start)
        self.clip = _clip_range(clip)
        self.rng = check_rng(seed)
        base = nn.as_loss(loss)
        self.attack_loss = base
        self.loss = MixedLoss(base, self.alpha) if self.alpha > 0 else base

    def adversarial_examples(self, model, X, y):
        """The training attack's adversarial copies of ``X`` for the current model."""
        if self.eps == 0:
            return np.array(X, dtype=model.dtype)
        if self.attack == "fgsm":
            return fgsm(model, self.attack_loss, X, y, self.eps, clip=self.clip)
        return pgd(model, self.attack_loss, X, y, self.eps, self.step_size, self.steps,
                   random_start=self.random_start, seed=self.rng, clip=self.clip)

    def __call__(self, model, X, y):
        X_adv = self.adversarial_examples(model, X, y)
        if self.alpha == 0:
            return X_adv, y
        if self.loss.clean_rows is not None:
            raise ValueError("the loss did not read the previous minibatch's layout: pass "
                             "loss=<this AdversarialTraining>.loss to fit")
        self.loss.clean_rows = len(X)
        return np.concatenate([X, X_adv]), np.concatenate([y, y])

    def __repr__(self):
        return (f"AdversarialTraining({self.attack!r}, eps={self.eps}, alpha={self.alpha}"
                + (f", step_size={self.step_size:g}, steps={self.steps})"
                   if self.attack == "pgd" else ")"))
