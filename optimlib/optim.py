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

import numpy as np

from optimlib._validation import check_real

__all__ = ["Optimizer", "SGD"]


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


class Optimizer:
    """Base class: parameter bookkeeping, gradient checks, state and the step counter.

    A subclass sets ``self.hyperparameters`` (names of its attributes), implements
    ``_validate()`` to check them and ``_update(param, grad, state)`` to change one
    parameter array in place. ``state`` is a dict of arrays belonging to that parameter.

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
        Per-parameter state (momentum buffers, moment estimates, ...), in parameter order.
    """

    hyperparameters = ("lr",)

    def __init__(self, params):
        self.param_names, self.params, self._params_is_dict = _as_named_arrays(params)
        self.state = [{} for _ in self.params]
        self.step_count = 0

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
        for param, grad, state in zip(self.params, grads, self.state):
            self._update(param, grad, state)

    def _validate(self):  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def _update(self, param, grad, state):  # pragma: no cover
        raise NotImplementedError

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
            "hyperparameters": {h: getattr(self, h) for h in self.hyperparameters},
            "step_count": self.step_count,
            "state": copy.deepcopy(self.state),
        }

    def load_state_dict(self, state_dict):
        """Restore a :meth:`state_dict`; the next step continues bit-identically."""
        if len(state_dict["state"]) != len(self.params):
            raise ValueError(
                f"state_dict has state for {len(state_dict['state'])} parameters, "
                f"this optimizer has {len(self.params)}"
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
        self.state = copy.deepcopy(state_dict["state"])

    def __repr__(self):
        args = ", ".join(f"{h}={getattr(self, h)!r}" for h in self.hyperparameters)
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    r"""Stochastic gradient descent, with optional momentum, Nesterov look-ahead and weight decay.

    With the defaults this is plain gradient descent (Chapter 2, equation ``eq-ch02-gd``):

    .. math:: \theta_{t+1} = \theta_t - \eta\, g_t .

    The full algorithm, as documented for ``torch.optim.SGD`` (:math:`\lambda` is
    ``weight_decay``, :math:`\mu` is ``momentum``, :math:`\tau` is ``dampening``):

    .. math::

        g_t &\leftarrow g_t + \lambda \theta_t \\
        b_t &\leftarrow g_t \ \text{if } t = 1, \text{ else } \mu b_{t-1} + (1-\tau) g_t \\
        g_t &\leftarrow g_t + \mu b_t \ \text{(Nesterov)} \quad\text{or}\quad g_t \leftarrow b_t \\
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

    def _validate(self):
        check_real("lr", self.lr, low=0)
        check_real("momentum", self.momentum, low=0)
        check_real("dampening", self.dampening, low=0, high=1)
        check_real("weight_decay", self.weight_decay, low=0)
        for flag in ("nesterov", "maximize"):
            if not isinstance(getattr(self, flag), (bool, np.bool_)):
                raise ValueError(f"{flag} must be True or False, got {getattr(self, flag)!r}")
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(
                "Nesterov momentum requires momentum > 0 and dampening == 0, got "
                f"momentum={self.momentum!r}, dampening={self.dampening!r}"
            )

    def _update(self, param, grad, state):
        direction = -grad if self.maximize else grad
        if self.weight_decay != 0:
            direction = direction + self.weight_decay * param
        if self.momentum != 0:
            buffer = state.get("momentum_buffer")
            if buffer is None:
                buffer = state["momentum_buffer"] = direction.copy()
            else:
                buffer *= self.momentum
                buffer += (1 - self.dampening) * direction
            direction = direction + self.momentum * buffer if self.nesterov else buffer
        param -= self.lr * direction
