"""Optimizers with the names, arguments, defaults and update rules of ``torch.optim``.

An optimizer holds references to the model's parameter arrays and updates them **in place**:

>>> import numpy as np
>>> from optimlib.optim import SGD
>>> w = np.array([1.0, -2.0])
>>> opt = SGD({"w": w}, lr=0.1)
>>> opt.step({"w": 2 * w})          # gradient of ||w||^2
>>> w
array([ 0.8, -1.6])

Hyperparameters are plain attributes (``opt.lr = 0.01``); they are validated again at every
step, so an invalid value set by hand is rejected before anything changes.
"""

import copy
import math

import numpy as np

from optimlib._validation import check_real

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "NAdam",
           "RAdam", "Adamax"]


def _as_named_arrays(params):
    """Return ``(names, arrays, was_dict)`` for a dict of arrays or a list of arrays."""
    was_dict = isinstance(params, dict)
    if was_dict:
        names, arrays = list(params.keys()), list(params.values())
    elif isinstance(params, (list, tuple)):
        names, arrays = list(range(len(params))), list(params)
    else:
        raise ValueError(
            "params must be a dict of name -> ndarray or a list of ndarrays, "
            f"got {type(params).__name__}"
        )
    if not arrays:
        raise ValueError("params is empty: an optimizer needs at least one parameter array")
    for name, array in zip(names, arrays):
        if not isinstance(array, np.ndarray):
            raise ValueError(
                f"parameter {name!r} must be a numpy ndarray (it is updated in place), "
                f"got {type(array).__name__}"
            )
        if not np.issubdtype(array.dtype, np.floating):
            raise ValueError(
                f"parameter {name!r} has dtype {array.dtype}; parameters must be floating "
                "point arrays (e.g. np.asarray(p, dtype=float)) so they can be updated in place"
            )
    return names, arrays, was_dict


#: Large arrays are updated in blocks of this many elements, so that the several passes an
#: update rule makes over its arrays run in the CPU cache instead of main memory.
BLOCK_SIZE = 1 << 15


def _blocks(param, grad, state):
    """Yield ``(param, grad, state)`` views covering the arrays block by block.

    Contiguous arrays are walked as flat blocks of :data:`BLOCK_SIZE` elements; anything else
    (a non-contiguous parameter cannot be flattened without a copy) is yielded whole.
    """
    if param.size <= BLOCK_SIZE or not param.flags.c_contiguous:
        yield param, grad, state
        return
    flat_param, flat_grad = param.reshape(-1), grad.reshape(-1)
    flat_state = {key: value.reshape(-1) for key, value in state.items()}
    for start in range(0, param.size, BLOCK_SIZE):
        block = slice(start, start + BLOCK_SIZE)
        yield flat_param[block], flat_grad[block], {k: v[block] for k, v in flat_state.items()}


class Optimizer:
    """Base class: parameter bookkeeping, gradient checks, state, and the walk over the arrays.

    A subclass lists its hyperparameters (attribute names) in ``hyperparameters``, its
    per-parameter state arrays in ``state_names``, checks its hyperparameters in
    ``_validate()``, and implements ``_update(param, grad, state)``: the update rule, applied in
    place to one array (or one block of it; every rule is elementwise). Quantities that are
    the same for every element at step ``t`` (bias corrections, ...) are computed once per step
    in ``_begin_step()``.

    Parameters
    ----------
    params : dict of str -> ndarray, or list of ndarray
        The arrays to optimize. They are updated in place, so a model that holds the same
        arrays sees every step.

    Attributes
    ----------
    step_count : int
        Number of completed calls to :meth:`step` (``t`` in the update equations).
    state : list of dict
        Per-parameter state arrays (momentum buffers, moment estimates, ...), shaped like the
        parameter, in parameter order.
    """

    hyperparameters = ("lr",)
    #: names of per-parameter state arrays (shaped like the parameter, zero at the start)
    state_names = ()
    #: names of scalar attributes that are state too (saved and restored with the arrays)
    scalar_state = ()

    def __init__(self, params):
        self.param_names, self.params, self._params_is_dict = _as_named_arrays(params)
        self.state = [{} for _ in self.params]
        self.step_count = 0
        self._scratch = {}

    def _temporary(self, like, index=0):
        """A scratch array shaped like ``like`` (one block), reused across blocks and steps so
        that an update rule can write intermediate results with ``out=`` instead of allocating."""
        if like.size > BLOCK_SIZE:                 # a large non-contiguous array, passed whole
            return np.empty_like(like)
        key = (like.dtype, index)
        if key not in self._scratch:
            self._scratch[key] = np.empty(BLOCK_SIZE, dtype=like.dtype)
        return self._scratch[key][:like.size].reshape(like.shape)

    # -- the public step -------------------------------------------------------------
    def step(self, grads):
        """Update every parameter in place from its gradient.

        Parameters
        ----------
        grads : dict or list of ndarray
            Same keys (or order), shapes and dtypes as the parameters.

        Raises
        ------
        ValueError
            If a hyperparameter is invalid or ``grads`` does not match the parameters. In
            either case nothing has been changed.
        """
        self._validate()
        grads = self._match_grads(grads)
        self.step_count += 1
        self._begin_step()
        for param, grad, state in zip(self.params, grads, self.state):
            for name in self.state_names:
                if name not in state:
                    state[name] = np.zeros_like(param)
            for block in _blocks(param, grad, state):
                self._update(*block)

    def _validate(self):  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def _begin_step(self):
        """Compute per-step scalars; nothing by default."""

    def _update(self, param, grad, state):  # pragma: no cover
        raise NotImplementedError

    # -- pieces shared by the update rules ----------------------------------------------
    def _gradient(self, param, grad):
        r"""The gradient the rule uses: negated if ``maximize``, plus the L2 term
        :math:`\lambda\theta` if ``weight_decay`` is coupled (the classic form)."""
        if getattr(self, "maximize", False):
            grad = -grad
        if self.weight_decay != 0 and not getattr(self, "decoupled_weight_decay", False):
            grad = grad + self.weight_decay * param
        return grad

    def _decay_weights(self, param):
        r"""Decoupled weight decay :math:`\theta \leftarrow (1 - \eta\lambda)\,\theta`,
        applied to the parameter itself, not through the gradient (Loshchilov and Hutter 2019)."""
        if self.weight_decay != 0 and getattr(self, "decoupled_weight_decay", False):
            param *= 1 - self.lr * self.weight_decay

    def _validate_common(self):
        """Checks shared by all optimizers: lr, weight_decay, eps and the flags they have."""
        check_real("lr", self.lr, low=0)
        check_real("weight_decay", self.weight_decay, low=0)
        if hasattr(self, "eps"):
            check_real("eps", self.eps, low=0)
        for flag in ("maximize", "nesterov", "amsgrad", "centered", "decoupled_weight_decay"):
            if hasattr(self, flag) and not isinstance(getattr(self, flag), (bool, np.bool_)):
                raise ValueError(f"{flag} must be True or False, got {getattr(self, flag)!r}")

    def _validate_betas(self):
        if not isinstance(self.betas, (tuple, list)) or len(self.betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {self.betas!r}")
        check_real("betas[0]", self.betas[0], low=0, high=1, high_open=True)
        check_real("betas[1]", self.betas[1], low=0, high=1, high_open=True)

    def _match_grads(self, grads):
        """Return the gradients as a list aligned with ``self.params``, or raise."""
        if self._params_is_dict:
            if not isinstance(grads, dict):
                raise ValueError(f"grads must be a dict like params, got {type(grads).__name__}")
            missing = [k for k in self.param_names if k not in grads]
            extra = [k for k in grads if k not in self.param_names]
            if missing or extra:
                raise ValueError(
                    f"grads keys do not match params: missing {missing}, unexpected {extra}"
                )
            grads = [grads[k] for k in self.param_names]
        else:
            if not isinstance(grads, (list, tuple)) or len(grads) != len(self.params):
                raise ValueError(
                    f"grads must be a list of {len(self.params)} arrays like params, got "
                    f"{type(grads).__name__} of length {len(grads) if hasattr(grads, '__len__') else '?'}"
                )
        for name, param, grad in zip(self.param_names, self.params, grads):
            if not isinstance(grad, np.ndarray):
                raise ValueError(f"gradient for {name!r} must be an ndarray, got {type(grad).__name__}")
            if grad.shape != param.shape:
                raise ValueError(
                    f"gradient for {name!r} has shape {grad.shape}, parameter has {param.shape}"
                )
            if grad.dtype != param.dtype:
                raise ValueError(
                    f"gradient for {name!r} has dtype {grad.dtype}, parameter has {param.dtype}"
                )
        return grads

    # -- saving and resuming ------------------------------------------------------------
    def state_dict(self):
        """Return a deep copy of everything needed to resume: hyperparameters, step, state."""
        return {
            "hyperparameters": copy.deepcopy({h: getattr(self, h) for h in self.hyperparameters}),
            "step_count": self.step_count,
            "state": copy.deepcopy(self.state),
            "scalars": {name: getattr(self, name) for name in self.scalar_state},
        }

    def load_state_dict(self, state_dict):
        """Restore a :meth:`state_dict`; the next step continues bit-identically.

        Raises
        ------
        ValueError
            If the state does not fit these parameters or a hyperparameter is invalid; the
            optimizer is then unchanged.
        """
        states = state_dict["state"]
        if len(states) != len(self.params):
            raise ValueError(
                f"state_dict has state for {len(states)} parameters, "
                f"this optimizer has {len(self.params)}"
            )
        for name, param, state in zip(self.param_names, self.params, states):
            for key, value in state.items():
                if np.shape(value) != param.shape:
                    raise ValueError(
                        f"state {key!r} of parameter {name!r} has shape {np.shape(value)}, "
                        f"parameter has {param.shape}"
                    )
        saved = {h: getattr(self, h) for h in self.hyperparameters}
        for name, value in state_dict["hyperparameters"].items():
            if name not in self.hyperparameters:
                raise ValueError(f"state_dict has unknown hyperparameter {name!r}")
            setattr(self, name, value)
        try:
            self._validate()
        except ValueError:
            for name, value in saved.items():
                setattr(self, name, value)
            raise
        self.step_count = int(state_dict["step_count"])
        self.state = copy.deepcopy(states)
        for name, value in state_dict.get("scalars", {}).items():
            setattr(self, name, value)

    def __repr__(self):
        args = ", ".join(f"{h}={getattr(self, h)!r}" for h in self.hyperparameters)
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    r"""Stochastic gradient descent, with optional momentum, Nesterov look-ahead and weight decay.

    With the defaults this is plain gradient descent, equation :eq:`eq-ch02-gd` of Chapter 2,
    written here as torch documents it: :math:`t` counts steps from 1 and :math:`g_t` is the
    gradient at :math:`\theta_{t-1}`,

    .. math:: \theta_{t} = \theta_{t-1} - \eta\, g_t .

    The full algorithm, as documented for ``torch.optim.SGD`` (:math:`\lambda` is
    ``weight_decay``, :math:`\mu` is ``momentum``, :math:`\tau` is ``dampening``):

    .. math::

        g_t &\leftarrow g_t + \lambda \theta_{t-1} \\
        b_t &\leftarrow g_t \ \text{if } t = 1, \text{ else } \mu b_{t-1} + (1-\tau) g_t \\
        g_t &\leftarrow g_t + \mu b_t \ \text{(Nesterov), or }\ g_t \leftarrow b_t
              \ \text{(heavy ball)} \\
        \theta_t &\leftarrow \theta_{t-1} - \eta g_t

    Parameters
    ----------
    params : dict of str -> ndarray, or list of ndarray
        Parameters, updated in place.
    lr : float, default 1e-3
        Learning rate :math:`\eta \ge 0`.
    momentum : float, default 0
        Momentum coefficient :math:`\mu \ge 0`.
    dampening : float, default 0
        Dampening :math:`\tau \in [0, 1]` applied to the new gradient in the momentum buffer.
    weight_decay : float, default 0
        L2 penalty coefficient :math:`\lambda \ge 0` (added to the gradient).
    nesterov : bool, default False
        Use Nesterov momentum; needs ``momentum > 0`` and ``dampening == 0``.
    maximize : bool, default False
        Ascend instead of descend.

    Raises
    ------
    ValueError
        For an invalid hyperparameter (named in the message) or mismatched gradients.

    References
    ----------
    Cauchy (1847) for gradient descent; Robbins and Monro (1951) for the stochastic version;
    Polyak (1964) for momentum; Sutskever et al. (2013) for this form of Nesterov momentum.
    PyTorch documentation, ``torch.optim.SGD``.

    Examples
    --------
    Minimize :math:`f(\theta) = \theta^2` from :math:`\theta_0 = 1`:

    >>> import numpy as np
    >>> theta = np.array([1.0])
    >>> opt = SGD([theta], lr=0.25)
    >>> for _ in range(3):
    ...     opt.step([2 * theta])
    >>> theta
    array([0.125])
    """

    hyperparameters = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize")

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False, maximize=False):
        super().__init__(params)
        self.lr, self.momentum, self.dampening = lr, momentum, dampening
        self.weight_decay, self.nesterov, self.maximize = weight_decay, nesterov, maximize
        self._validate()

    @property
    def state_names(self):
        return ("momentum_buffer",) if self.momentum != 0 else ()

    def _validate(self):
        self._validate_common()
        check_real("momentum", self.momentum, low=0)
        check_real("dampening", self.dampening, low=0, high=1)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(
                "Nesterov momentum requires momentum > 0 and dampening == 0, got "
                f"momentum={self.momentum!r}, dampening={self.dampening!r}"
            )

    def _update(self, param, grad, state):
        grad = self._gradient(param, grad)
        if self.momentum != 0:
            buffer = state["momentum_buffer"]
            if self.step_count == 1:
                buffer[...] = grad                                   # b_1 = g_1
            else:
                buffer *= self.momentum                              # b_t = mu b_{t-1}
                if self.dampening == 0:
                    buffer += grad                                   #       + g_t
                else:
                    buffer += (1 - self.dampening) * grad            #       + (1 - tau) g_t
            grad = grad + self.momentum * buffer if self.nesterov else buffer
        param -= np.multiply(grad, self.lr, out=self._temporary(param))


class Adagrad(Optimizer):
    r"""AdaGrad: each coordinate's step is divided by the root of its summed squared gradients.

    .. math::

        \tilde\eta_t &= \eta / (1 + (t-1)\,\eta_{\text{decay}}) \\
        s_t &= s_{t-1} + g_t^2 \\
        \theta_t &= \theta_{t-1} - \tilde\eta_t\, g_t / (\sqrt{s_t} + \epsilon)

    (:math:`g_t` includes the L2 term :math:`\lambda\theta_{t-1}` if ``weight_decay`` > 0;
    :math:`s_0` is ``initial_accumulator_value``.) Coordinates with large past gradients get
    small steps; the sum only grows, so every step size decays.

    Parameters
    ----------
    params : dict or list of ndarray
    lr : float, default 1e-2
    lr_decay : float, default 0
    weight_decay : float, default 0
    initial_accumulator_value : float, default 0
    eps : float, default 1e-10
    maximize : bool, default False

    References
    ----------
    Duchi, Hazan and Singer (2011). Adaptive subgradient methods for online learning and
    stochastic optimization. JMLR 12. PyTorch documentation, ``torch.optim.Adagrad``.

    Examples
    --------
    The first step of AdaGrad moves every coordinate by about ``lr``, whatever its gradient:

    >>> theta = np.array([1.0, 1.0])
    >>> Adagrad([theta], lr=0.1).step([np.array([100.0, 0.01])])
    >>> np.round(theta, 6)
    array([0.9, 0.9])
    """

    hyperparameters = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps",
                       "maximize")
    state_names = ("sum",)

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10, maximize=False):
        super().__init__(params)
        self.lr, self.lr_decay, self.weight_decay = lr, lr_decay, weight_decay
        self.initial_accumulator_value, self.eps, self.maximize = (
            initial_accumulator_value, eps, maximize)
        self._validate()
        for param, state in zip(self.params, self.state):
            state["sum"] = np.full_like(param, self.initial_accumulator_value)

    def _validate(self):
        self._validate_common()
        check_real("lr_decay", self.lr_decay, low=0)
        check_real("initial_accumulator_value", self.initial_accumulator_value, low=0)

    def _begin_step(self):
        self._step_lr = self.lr / (1 + (self.step_count - 1) * self.lr_decay)

    def _update(self, param, grad, state):
        grad = self._gradient(param, grad)
        state["sum"] += grad * grad                       # s_t = s_{t-1} + g_t^2
        param -= self._step_lr * grad / (np.sqrt(state["sum"]) + self.eps)


class RMSprop(Optimizer):
    r"""RMSprop: AdaGrad with a *leaky* sum, so old gradients are forgotten.

    AdaGrad's :math:`s_t = s_{t-1} + g_t^2` becomes an exponential moving average:

    .. math::

        v_t &= \alpha v_{t-1} + (1 - \alpha) g_t^2 \\
        \tilde v_t &= v_t - \bar g_t^2 \quad\text{(centered: } \bar g_t = \alpha \bar g_{t-1}
                      + (1-\alpha) g_t \text{, a variance estimate)} \\
        b_t &= \mu b_{t-1} + g_t / (\sqrt{\tilde v_t} + \epsilon), \quad
        \theta_t = \theta_{t-1} - \eta b_t \quad\text{(momentum > 0)} \\
        \theta_t &= \theta_{t-1} - \eta\, g_t / (\sqrt{\tilde v_t} + \epsilon) \quad\text{(otherwise)}

    Parameters
    ----------
    params : dict or list of ndarray
    lr : float, default 1e-2
    alpha : float, default 0.99
        Smoothing constant :math:`\alpha \in [0, 1]`.
    eps : float, default 1e-8
    weight_decay : float, default 0
        Coupled L2 penalty.
    momentum : float, default 0
    centered : bool, default False
    maximize : bool, default False

    References
    ----------
    Tieleman and Hinton (2012), Lecture 6.5, Neural Networks for Machine Learning (Coursera);
    Graves (2013) for the centered version. PyTorch documentation, ``torch.optim.RMSprop``.
    """

    hyperparameters = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize")

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False, maximize=False):
        super().__init__(params)
        self.lr, self.alpha, self.eps, self.weight_decay = lr, alpha, eps, weight_decay
        self.momentum, self.centered, self.maximize = momentum, centered, maximize
        self._validate()

    @property
    def state_names(self):
        return (("square_avg",) + (("momentum_buffer",) if self.momentum > 0 else ())
                + (("grad_avg",) if self.centered else ()))

    def _validate(self):
        self._validate_common()
        check_real("alpha", self.alpha, low=0, high=1)
        check_real("momentum", self.momentum, low=0)

    def _update(self, param, grad, state):
        grad = self._gradient(param, grad)
        square_avg = state["square_avg"]
        square_avg *= self.alpha
        square_avg += (1 - self.alpha) * grad * grad      # leaky sum of squares
        if self.centered:
            grad_avg = state["grad_avg"]
            grad_avg += (1 - self.alpha) * (grad - grad_avg)
            denominator = np.sqrt(square_avg - grad_avg * grad_avg) + self.eps
        else:
            denominator = np.sqrt(square_avg) + self.eps
        if self.momentum > 0:
            buffer = state["momentum_buffer"]
            buffer *= self.momentum
            buffer += grad / denominator
            param -= self.lr * buffer
        else:
            param -= self.lr * grad / denominator


class Adadelta(Optimizer):
    r"""Adadelta: RMSprop whose step has the units of the parameters.

    The numerator replaces the learning rate by a moving RMS of past updates:

    .. math::

        v_t &= \rho v_{t-1} + (1 - \rho) g_t^2 \\
        \Delta\theta_t &= \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t \\
        u_t &= \rho u_{t-1} + (1 - \rho) \Delta\theta_t^2 \\
        \theta_t &= \theta_{t-1} - \eta\, \Delta\theta_t

    Parameters
    ----------
    params : dict or list of ndarray
    lr : float, default 1.0
        A scale on the update (the paper has none, i.e. 1).
    rho : float, default 0.9
        Decay :math:`\rho \in [0, 1]`.
    eps : float, default 1e-6
    weight_decay : float, default 0
    maximize : bool, default False

    References
    ----------
    Zeiler (2012). ADADELTA: an adaptive learning rate method. arXiv:1212.5701.
    PyTorch documentation, ``torch.optim.Adadelta``.
    """

    hyperparameters = ("lr", "rho", "eps", "weight_decay", "maximize")
    state_names = ("square_avg", "acc_delta")

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, maximize=False):
        super().__init__(params)
        self.lr, self.rho, self.eps, self.weight_decay, self.maximize = (
            lr, rho, eps, weight_decay, maximize)
        self._validate()

    def _validate(self):
        self._validate_common()
        check_real("rho", self.rho, low=0, high=1)

    def _update(self, param, grad, state):
        grad = self._gradient(param, grad)
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        square_avg *= self.rho
        square_avg += (1 - self.rho) * grad * grad
        delta = np.sqrt(acc_delta + self.eps) / np.sqrt(square_avg + self.eps) * grad
        acc_delta *= self.rho
        acc_delta += (1 - self.rho) * delta * delta
        param -= self.lr * delta


class Adam(Optimizer):
    r"""Adam: momentum on the gradient, RMSprop scaling, and bias correction.

    .. math::

        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t &\text{(first moment)}\\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 &\text{(second moment)}\\
        \hat m_t &= m_t / (1 - \beta_1^t), \quad \hat v_t = v_t / (1 - \beta_2^t)
            &\text{(bias correction)}\\
        \theta_t &= \theta_{t-1} - \eta\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)

    With ``amsgrad=True`` the running maximum :math:`v^{\max}_t = \max(v^{\max}_{t-1}, v_t)`
    replaces :math:`v_t` before bias correction, as ``torch.optim.Adam`` computes it. The
    maximum never shrinks, but the correction divides it by :math:`1 - \beta_2^t`, which grows
    towards 1, so the effective rate :math:`\eta\sqrt{1 - \beta_2^t}/\sqrt{v^{\max}_t}` can
    still grow while :math:`\beta_2^t` is not negligible, by up to a factor
    :math:`1/\sqrt{1 - \beta_2}` (see the example). In the AMSGrad of Reddi et al. there is no
    bias correction, and the effective rate :math:`\eta/\sqrt{v^{\max}_t}` cannot grow. With
    ``weight_decay`` :math:`\lambda > 0` the L2 term :math:`\lambda\theta_{t-1}` is added to
    :math:`g_t` and is then rescaled like the rest of the gradient; :class:`AdamW` decouples it
    instead.

    Parameters
    ----------
    params : dict or list of ndarray
    lr : float, default 1e-3
    betas : (float, float), default (0.9, 0.999)
        :math:`\beta_1, \beta_2 \in [0, 1)`.
    eps : float, default 1e-8
    weight_decay : float, default 0
    amsgrad : bool, default False
    maximize : bool, default False
    decoupled_weight_decay : bool, default False
        Apply weight decay as :math:`\theta \leftarrow (1-\eta\lambda)\theta` (that is AdamW).

    References
    ----------
    Kingma and Ba (2015). Adam: a method for stochastic optimization. ICLR. Reddi, Kale and
    Kumar (2018). On the convergence of Adam and beyond. ICLR (AMSGrad).
    PyTorch documentation, ``torch.optim.Adam``.

    Examples
    --------
    Thanks to bias correction the first step has length ``lr`` in every coordinate:

    >>> theta = np.zeros(3)
    >>> Adam([theta], lr=0.01).step([np.array([1e-3, 1.0, -50.0])])
    >>> np.round(theta, 6)
    array([-0.01, -0.01,  0.01])

    With ``amsgrad=True`` the effective rate can still grow: a gradient of 1 at
    :math:`t = 1`, then :math:`10^{-3}`, keeps :math:`v^{\max}_t = v_1`, and the rate
    :math:`\eta\sqrt{1 - \beta_2^t}/\sqrt{v^{\max}_t}` (here :math:`\eta = 1`) rises:

    >>> theta = np.zeros(1)
    >>> opt = Adam([theta], lr=1.0, amsgrad=True)
    >>> rates = []
    >>> for t in range(1, 1001):
    ...     opt.step([np.array([1.0 if t == 1 else 1e-3])])
    ...     v_max = opt.state[0]["max_exp_avg_sq"][0]
    ...     rates.append(np.sqrt(1 - 0.999**t) / np.sqrt(v_max))
    >>> np.round([rates[0], rates[9], rates[999]], 2)
    array([ 1.  ,  3.16, 25.15])
    """

    hyperparameters = ("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize",
                       "decoupled_weight_decay")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 amsgrad=False, maximize=False, decoupled_weight_decay=False):
        super().__init__(params)
        self.lr, self.betas, self.eps, self.weight_decay = lr, betas, eps, weight_decay
        self.amsgrad, self.maximize = amsgrad, maximize
        self.decoupled_weight_decay = decoupled_weight_decay
        self._validate()
        self.betas = tuple(self.betas)

    @property
    def state_names(self):
        return ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if self.amsgrad else ())

    def _validate(self):
        self._validate_common()
        self._validate_betas()

    def _begin_step(self):
        beta1, beta2 = self.betas
        self._bias_correction1 = 1 - beta1 ** self.step_count
        self._sqrt_bias_correction2 = math.sqrt(1 - beta2 ** self.step_count)

    def _update(self, param, grad, state):
        beta1, beta2 = self.betas
        self._decay_weights(param)                        # AdamW only
        grad = self._gradient(param, grad)                # Adam's L2 term, if any
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        scratch = self._temporary(param)
        exp_avg *= beta1                                  # m_t = b1 m_{t-1} + (1 - b1) g_t
        exp_avg += np.multiply(grad, 1 - beta1, out=scratch)
        exp_avg_sq *= beta2                               # v_t = b2 v_{t-1} + (1 - b2) g_t^2
        np.multiply(grad, grad, out=scratch)
        scratch *= 1 - beta2
        exp_avg_sq += scratch
        if self.amsgrad:
            np.maximum(state["max_exp_avg_sq"], exp_avg_sq, out=state["max_exp_avg_sq"])
            exp_avg_sq = state["max_exp_avg_sq"]
        denominator = np.sqrt(exp_avg_sq, out=scratch)    # sqrt(v^_t) + eps, as
        denominator /= self._sqrt_bias_correction2        # sqrt(v_t) / sqrt(1 - b2^t) + eps
        denominator += self.eps
        step = np.divide(exp_avg, denominator, out=scratch)
        step *= self.lr / self._bias_correction1          # lr * m^_t / (sqrt(v^_t) + eps)
        param -= step

    def _moments(self, param, grad, state):
        """Weight decay, then :math:`m_t` and :math:`v_t` updated in place, in the form of the
        torch implementations that :class:`NAdam` and :class:`RAdam` follow
        (``m += (1 - b1) (g - m)``, a lerp); returns ``(g, m_t, v_t)``."""
        beta1, beta2 = self.betas
        self._decay_weights(param)
        grad = self._gradient(param, grad)
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        exp_avg += (1 - beta1) * (grad - exp_avg)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        return grad, exp_avg, exp_avg_sq


class AdamW(Adam):
    r"""AdamW: :class:`Adam` with decoupled weight decay.

    The only difference from Adam with ``weight_decay``: before the Adam step the weights
    shrink, :math:`\theta \leftarrow (1 - \eta\lambda)\,\theta`, instead of :math:`\lambda\theta`
    being added to the gradient (where Adam's per-coordinate scaling would weaken it exactly
    for the coordinates with large gradients). As in ``torch.optim.AdamW`` the decay is
    multiplied by the whole learning rate :math:`\eta` (a scheduler's current ``lr``).
    Loshchilov and Hutter multiply it by the schedule multiplier :math:`\eta_t` alone, not by
    the base rate :math:`\alpha` (:math:`\eta = \alpha\eta_t`), so their :math:`\lambda`
    corresponds to ``weight_decay`` :math:`= \lambda/\alpha` here.

    Parameters
    ----------
    params, lr, betas, eps, amsgrad, maximize
        As in :class:`Adam`.
    weight_decay : float, default 1e-2
        Decay rate :math:`\lambda \ge 0`.

    References
    ----------
    Loshchilov and Hutter (2019). Decoupled weight decay regularization. ICLR.
    PyTorch documentation, ``torch.optim.AdamW``.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, maximize=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize, decoupled_weight_decay=True)


class NAdam(Adam):
    r"""NAdam: Adam with a Nesterov look-ahead on the first moment.

    With the momentum schedule :math:`\mu_t = \beta_1 (1 - \tfrac12\, 0.96^{t\psi})`
    (:math:`\psi` is ``momentum_decay``),

    .. math::

        \hat m_t = \frac{\mu_{t+1} m_t}{1 - \prod_{i=1}^{t+1}\mu_i}
                 + \frac{(1 - \mu_t)\, g_t}{1 - \prod_{i=1}^{t}\mu_i}, \qquad
        \theta_t = \theta_{t-1} - \eta\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)

    where :math:`m_t, \hat v_t` are Adam's. The first term looks one momentum step ahead,
    as Nesterov's method does for SGD.

    Parameters
    ----------
    params : dict or list of ndarray
    lr : float, default 2e-3
    betas : (float, float), default (0.9, 0.999)
    eps : float, default 1e-8
    weight_decay : float, default 0
    momentum_decay : float, default 4e-3
        :math:`\psi \ge 0`.
    decoupled_weight_decay : bool, default False
    maximize : bool, default False

    References
    ----------
    Dozat (2016). Incorporating Nesterov momentum into Adam. ICLR workshop.
    PyTorch documentation, ``torch.optim.NAdam``.
    """

    hyperparameters = ("lr", "betas", "eps", "weight_decay", "momentum_decay",
                       "decoupled_weight_decay", "maximize")
    state_names = ("exp_avg", "exp_avg_sq")
    scalar_state = ("mu_product",)

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, maximize=False):
        self.momentum_decay = momentum_decay
        self.mu_product = 1.0
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         maximize=maximize, decoupled_weight_decay=decoupled_weight_decay)

    def _validate(self):
        super()._validate()
        check_real("momentum_decay", self.momentum_decay, low=0)

    def _begin_step(self):
        beta1, beta2 = self.betas
        t = self.step_count
        self._mu = beta1 * (1 - 0.5 * 0.96 ** (t * self.momentum_decay))
        self._mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * self.momentum_decay))
        self.mu_product *= self._mu
        self._bias_correction2 = 1 - beta2 ** t

    def _update(self, param, grad, state):
        grad, exp_avg, exp_avg_sq = self._moments(param, grad, state)
        denominator = np.sqrt(exp_avg_sq / self._bias_correction2) + self.eps
        mu, mu_next = self._mu, self._mu_next
        param -= (self.lr * (1 - mu) / (1 - self.mu_product)) * grad / denominator
        param -= (self.lr * mu_next / (1 - self.mu_product * mu_next)) * exp_avg / denominator


class RAdam(Adam):
    r"""RAdam: Adam whose adaptive step is switched on gradually, as the variance of
    :math:`\hat v_t` becomes tractable.

    With :math:`\rho_\infty = 2/(1-\beta_2) - 1` and
    :math:`\rho_t = \rho_\infty - 2t\beta_2^t/(1-\beta_2^t)`:

    .. math::

        \theta_t = \begin{cases}
            \theta_{t-1} - \eta\, \hat m_t\, r_t\, \dfrac{\sqrt{1-\beta_2^t}}{\sqrt{v_t}+\epsilon}
                & \rho_t > 5, \quad r_t = \sqrt{\dfrac{(\rho_t-4)(\rho_t-2)\rho_\infty}
                                                       {(\rho_\infty-4)(\rho_\infty-2)\rho_t}}\\
            \theta_{t-1} - \eta\, \hat m_t & \text{otherwise (SGD with momentum)}
        \end{cases}

    Parameters
    ----------
    params : dict or list of ndarray
    lr : float, default 1e-3
    betas : (float, float), default (0.9, 0.999)
    eps : float, default 1e-8
    weight_decay : float, default 0
    decoupled_weight_decay : bool, default False
    maximize : bool, default False

    References
    ----------
    Liu et al. (2020). On the variance of the adaptive learning rate and beyond. ICLR.
    PyTorch documentation, ``torch.optim.RAdam``.
    """

    hyperparameters = ("lr", "betas", "eps", "weight_decay", "decoupled_weight_decay",
                       "maximize")
    state_names = ("exp_avg", "exp_avg_sq")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 decoupled_weight_decay=False, maximize=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         maximize=maximize, decoupled_weight_decay=decoupled_weight_decay)

    def _begin_step(self):
        beta1, beta2 = self.betas
        t = self.step_count
        self._bias_correction1 = 1 - beta1**t
        self._bias_correction2 = 1 - beta2**t
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2**t / self._bias_correction2
        self._rectification = (
            math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            if rho_t > 5 else None)

    def _update(self, param, grad, state):
        grad, exp_avg, exp_avg_sq = self._moments(param, grad, state)
        corrected = exp_avg / self._bias_correction1                     # m^_t
        if self._rectification is None:
            param -= self.lr * corrected
        else:
            adaptive = math.sqrt(self._bias_correction2) / (np.sqrt(exp_avg_sq) + self.eps)
            param -= corrected * self.lr * adaptive * self._rectification


class Adamax(Adam):
    r"""Adamax: Adam with the infinity norm in place of the root mean square.

    .. math::

        m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t \\
        u_t &= \max(\beta_2 u_{t-1},\ |g_t| + \epsilon) \\
        \theta_t &= \theta_{t-1} - \frac{\eta}{1 - \beta_1^t}\, \frac{m_t}{u_t}

    Parameters
    ----------
    params : dict or list of ndarray
    lr : float, default 2e-3
    betas : (float, float), default (0.9, 0.999)
    eps : float, default 1e-8
    weight_decay : float, default 0
    maximize : bool, default False

    References
    ----------
    Kingma and Ba (2015), Section 7.1. PyTorch documentation, ``torch.optim.Adamax``.
    """

    hyperparameters = ("lr", "betas", "eps", "weight_decay", "maximize")
    state_names = ("exp_avg", "exp_inf")

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 maximize=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         maximize=maximize)

    def _begin_step(self):
        self._bias_correction1 = 1 - self.betas[0] ** self.step_count

    def _update(self, param, grad, state):
        beta1, beta2 = self.betas
        grad = self._gradient(param, grad)
        exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
        exp_avg += (1 - beta1) * (grad - exp_avg)
        exp_inf *= beta2
        np.maximum(exp_inf, np.abs(grad) + self.eps, out=exp_inf)
        param -= (self.lr / self._bias_correction1) * exp_avg / exp_inf
