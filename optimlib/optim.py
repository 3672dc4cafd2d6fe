"""Optimizers with the names, arguments, defaults and update rules of ``torch.optim``.

An optimizer holds references to the model's parameter arrays and updates them **in place**:

>>> import numpy as np
>>> from optimlib.optim import SGD
>>> w = np.array([1.0, -2.0])
>>> opt = SGD({"w": w}, lr=0.1)
>>> opt.step({"w": 2 * w})          # gradient of ||w||^2
>>> w
array([ 0.8, -1.6])

Hyperparameters live in **parameter groups**, as in torch: ``opt.param_groups`` is a list of
dicts, each with its ``"params"`` and its own ``"lr"``, ``"weight_decay"``, ... Given a list of
dicts instead of the parameters, an optimizer makes one group per dict; what a dict does not
set comes from the constructor's arguments (``opt.defaults``). A common use is no weight decay
on biases:

>>> W, b = np.ones((2, 2)), np.ones(2)
>>> opt = SGD([{"params": {"weight": W}, "weight_decay": 0.1},
...            {"params": {"bias": b}}], lr=0.5)
>>> opt.step({"weight": np.zeros((2, 2)), "bias": np.zeros(2)})
>>> W                               # shrunk by lr * weight_decay = 0.05
array([[0.95, 0.95],
       [0.95, 0.95]])
>>> b                               # no decay
array([1., 1.])

``step`` takes one dict of gradients keyed by parameter name (names are unique across the
groups). Schedulers set ``opt.param_groups[i]["lr"]`` group by group. A hyperparameter that
every group shares can also be read and set as a plain attribute: ``opt.lr``, ``opt.lr = 0.01``
(setting it sets every group). Hyperparameters are validated again at every step, so an
invalid value set by hand is rejected before anything changes.

:func:`clip_grad_norm_` rescales gradients whose total norm is too large, as
``torch.nn.utils.clip_grad_norm_`` does. :class:`AveragedModel` (with :func:`get_ema_avg_fn`)
keeps a running average of the parameters that an optimizer updates, with the semantics of
``torch.optim.swa_utils``: Polyak-Ruppert averaging, stochastic weight averaging, exponential
moving averages.
"""

import copy
import math

import numpy as np

from optimlib._validation import check_real

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "NAdam",
           "RAdam", "Adamax", "clip_grad_norm_", "AveragedModel", "get_ema_avg_fn"]


def _as_named_arrays(params, start=0):
    """Return ``(names, arrays, was_dict)`` for a dict of arrays or a list of arrays.

    The arrays of a list are named by their position, counted from ``start``.
    """
    was_dict = isinstance(params, dict)
    if was_dict:
        names, arrays = list(params.keys()), list(params.values())
    elif isinstance(params, (list, tuple)):
        names, arrays = list(range(start, start + len(params))), list(params)
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


def _as_param_groups(params):
    """The list of group dicts: ``params`` itself if it is a list of dicts (torch's
    ``[{"params": ...}, ...]``), else one group holding all of ``params``."""
    if isinstance(params, (list, tuple)) and any(isinstance(p, dict) for p in params):
        if not all(isinstance(p, dict) and "params" in p for p in params):
            raise ValueError("a list of parameter groups must hold only dicts, each with a "
                             "'params' entry, e.g. [{'params': {'w': w}, 'lr': 0.1}]")
        return list(params)
    return [{"params": params}]


#: Large arrays are updated in blocks of this many elements, so that the several passes an
#: update rule makes over its arrays run in the CPU cache instead of main memory.
BLOCK_SIZE = 1 << 15


def _hyperparameter(name):
    """A property for the hyperparameter ``name``: while :meth:`Optimizer.step` updates a
    group it is that group's value; otherwise the value all groups share, and setting it
    sets every group."""

    def get(self):
        try:
            return self._shared(name) if self._group is None else self._group[name]
        except KeyError:                       # a subclass without it (NAdam has no amsgrad)
            raise AttributeError(f"{type(self).__name__} has no hyperparameter "
                                 f"{name!r}") from None

    def set(self, value):
        for group in [self._group] if self._group is not None else self.param_groups:
            group[name] = value

    return property(get, set, doc=f"The hyperparameter {name!r} (see :class:`Optimizer`).")


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
    """Base class: parameter groups, gradient checks, state, and the walk over the arrays.

    A subclass names its hyperparameters in ``hyperparameters`` and passes their default
    values to ``__init__`` (they become :attr:`defaults`), names its per-parameter state
    arrays in ``state_names``, checks its hyperparameters in ``_validate()``, and implements
    ``_update(param, grad, state)``: the update rule, applied in place to one array (or one
    block of it; every rule is elementwise). Quantities that are the same for every element
    of a group at step ``t`` (bias corrections, ...) are computed once per step and group in
    ``_begin_step()``.

    **Groups.** Every hyperparameter is stored in each group (``param_groups[i]["lr"]``), and
    each name in ``hyperparameters`` is a property of the class. While :meth:`step` updates
    the arrays of a group (``self._group``), ``self.lr``, ``self.betas``, ... are that group's
    values, so an update rule is written once, as for a single set of hyperparameters.
    Outside a step, ``opt.lr`` is the value all groups share (a ``ValueError`` if they
    differ) and ``opt.lr = value`` sets it in every group.

    Parameters
    ----------
    params : dict of str -> ndarray, list of ndarray, or list of dict
        The arrays to optimize, updated in place, so a model that holds the same arrays sees
        every step. Or torch's parameter groups: a list of dicts, each with ``"params"`` (a
        dict of named arrays, or a list of arrays: the same kind in every group) and any
        hyperparameters that differ from ``defaults``.
    defaults : dict
        Hyperparameter name -> value for the groups that do not set it.

    Attributes
    ----------
    param_groups : list of dict
        One dict per group: ``"params"`` (list of arrays), ``"param_names"`` (when the arrays
        were given by name) and every hyperparameter.
    defaults : dict
        The constructor's hyperparameters.
    params, param_names : list
        All parameter arrays, and their names (positions for a list), group after group.
    step_count : int
        Number of completed calls to :meth:`step` (``t`` in the update equations).
    state : list of dict
        Per-parameter state arrays (momentum buffers, moment estimates, ...), shaped like the
        parameter, in the order of ``params``.
    """

    #: names of the hyperparameters (entries of every group, and properties; see above)
    hyperparameters = ("lr",)
    #: names of per-parameter state arrays (shaped like the parameter, zero at the start)
    state_names = ()
    #: scalar state kept per group, with its starting value (saved and restored with the arrays)
    scalar_state = {}

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.param_groups, self.params, self.param_names, self.state = [], [], [], []
        self._params_is_dict = None
        self.step_count = 0
        self._group = None                         # the group being stepped, if any
        self._scratch = {}
        for group in _as_param_groups(params):
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """Add a group of parameters, with hyperparameters of its own (torch's method).

        Parameters
        ----------
        param_group : dict
            ``"params"`` (a dict of named arrays, or a list of arrays, like the other groups)
            and any hyperparameters; the others are taken from :attr:`defaults`.

        Raises
        ------
        ValueError
            For an unknown key or invalid hyperparameter, a parameter name or array that is
            already in a group, or if the optimizer has already stepped (every parameter's
            state must start at the same step count here; torch counts per parameter).
        """
        if not isinstance(param_group, dict) or "params" not in param_group:
            raise ValueError(f"param_group must be a dict with a 'params' entry, got "
                             f"{param_group!r}")
        if self.step_count > 0:
            raise ValueError("add_param_group after the first step is not supported: the "
                             "update rules count steps for the whole optimizer")
        unknown = [key for key in param_group if key != "params" and key not in self.defaults]
        if unknown:
            raise ValueError(f"unknown hyperparameter(s) {unknown} in a parameter group; "
                             f"{type(self).__name__} has {list(self.defaults)}")
        names, arrays, is_dict = _as_named_arrays(param_group["params"], len(self.params))
        if self._params_is_dict not in (None, is_dict):
            raise ValueError("every parameter group must give its params the same way: all "
                             "as dicts of named arrays, or all as lists of arrays")
        repeated = [name for name in names if is_dict and name in self.param_names]
        shared = [name for name, array in zip(names, arrays)
                  if any(array is other for other in self.params)]
        if repeated or shared:
            raise ValueError(f"parameters {repeated or shared} appear in more than one "
                             "parameter group")
        group = {"params": arrays, **({"param_names": names} if is_dict else {})}
        group.update({name: param_group.get(name, value) for name, value in self.defaults.items()})
        group.update(self.scalar_state)
        self._validate_group(group, len(self.param_groups))
        self.param_groups.append(group)
        self._params_is_dict = is_dict
        self.params += arrays
        self.param_names += names
        self.state += [{} for _ in arrays]

    # -- hyperparameters are read from the groups --------------------------------------------
    def __init_subclass__(cls, **kwargs):
        # Every hyperparameter becomes a property that reads the group being stepped, so
        # that an update rule reads ``self.lr`` (see _hyperparameter).
        super().__init_subclass__(**kwargs)
        for name in (*cls.hyperparameters, *cls.scalar_state):
            setattr(cls, name, _hyperparameter(name))

    def _shared(self, name):
        """The value of ``name`` that every group shares (read outside a step)."""
        values = [group[name] for group in self.param_groups]
        if any(value is not values[0] and value != values[0] for value in values):
            raise ValueError(f"the {len(values)} parameter groups have different {name} "
                             f"{values}: read opt.param_groups[i][{name!r}]")
        return values[0]

    def _validate_groups(self):
        """Validate every group's hyperparameters (all of them, before anything changes)."""
        for index, group in enumerate(self.param_groups):
            self._validate_group(group, index)

    def _validate_group(self, group, index):
        self._group = group
        try:
            self._validate()
        except ValueError as error:
            if index > 0 or len(self.param_groups) > 1:
                raise ValueError(f"param_groups[{index}]: {error}") from None
            raise
        finally:
            self._group = None

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
            Same keys (or order), shapes and dtypes as the parameters (of all groups).

        Raises
        ------
        ValueError
            If a hyperparameter is invalid or ``grads`` does not match the parameters. In
            either case nothing has been changed.
        """
        self._validate_groups()
        # grads and states are in the order of self.params: group after group
        grads, states = iter(self._match_grads(grads)), iter(self.state)
        self.step_count += 1
        for group in self.param_groups:
            self._group = group                  # self.lr, self.betas, ... now read this group
            try:
                self._begin_step()
                for param in group["params"]:
                    grad, state = next(grads), next(states)
                    for name in self.state_names:
                        if name not in state:
                            state[name] = self._initial_state(name, param)
                    for block in _blocks(param, grad, state):
                        self._update(*block)
            finally:
                self._group = None

    def _validate(self):  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def _begin_step(self):
        """Compute per-step scalars; nothing by default."""

    def _initial_state(self, name, param):
        """The state array ``name`` of a parameter at its first step: zeros by default."""
        return np.zeros_like(param)

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
        if "eps" in self.defaults:
            check_real("eps", self.eps, low=0)
        for flag in ("maximize", "nesterov", "amsgrad", "centered", "decoupled_weight_decay"):
            if flag in self.defaults and not isinstance(getattr(self, flag), (bool, np.bool_)):
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
    def _group_record(self, group):
        return {"hyperparameters": copy.deepcopy({h: group[h] for h in self.defaults}),
                "scalars": {name: group[name] for name in self.scalar_state}}

    def state_dict(self):
        """Return a deep copy of everything needed to resume: hyperparameters, step, state.

        With one group: ``{"hyperparameters", "scalars", "step_count", "state"}``; with several,
        the first two are replaced by ``"param_groups"``, one such pair per group.
        """
        records = [self._group_record(group) for group in self.param_groups]
        groups = records[0] if len(records) == 1 else {"param_groups": records}
        return {**groups, "step_count": self.step_count, "state": copy.deepcopy(self.state)}

    def load_state_dict(self, state_dict):
        """Restore a :meth:`state_dict`; the next step continues bit-identically.

        Raises
        ------
        ValueError
            If the state does not fit these parameters or groups, or a hyperparameter is
            invalid; the optimizer is then unchanged.
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
        records = state_dict.get("param_groups", [state_dict])
        if len(records) != len(self.param_groups):
            raise ValueError(f"state_dict has {len(records)} parameter groups, this optimizer "
                             f"has {len(self.param_groups)}")
        saved = [dict(group) for group in self.param_groups]
        try:
            for index, (group, record) in enumerate(zip(self.param_groups, records)):
                for name, value in record["hyperparameters"].items():
                    if name not in self.defaults:
                        raise ValueError(f"state_dict has unknown hyperparameter {name!r}")
                    group[name] = value
                self._validate_group(group, index)
        except ValueError:
            for group, old in zip(self.param_groups, saved):
                group.update(old)
            raise
        for group, record in zip(self.param_groups, records):
            group.update(record.get("scalars", {}))
        self.step_count = int(state_dict["step_count"])
        self.state = copy.deepcopy(states)

    def __repr__(self):
        if len(self.param_groups) == 1:
            args = ", ".join(f"{h}={self.param_groups[0][h]!r}" for h in self.defaults)
        else:
            args = "param_groups=[" + ", ".join(
                "{" + ", ".join(f"{h!r}: {group[h]!r}" for h in self.defaults) + "}"
                for group in self.param_groups) + "]"
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
    params : dict of str -> ndarray, list of ndarray, or list of dict
        Parameters, updated in place; or parameter groups (see :class:`Optimizer`).
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
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize))

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
    :math:`s_0` is ``initial_accumulator_value``, a group's own if it sets one, where torch
    starts every group at the constructor's value.) Coordinates with large past gradients
    get small steps; the sum only grows, so every step size decays.

    Parameters
    ----------
    params : dict or list of ndarray, or list of dict (parameter groups)
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
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      eps=eps, maximize=maximize))

    def _initial_state(self, name, param):
        return np.full_like(param, self.initial_accumulator_value)      # s_0

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
    params : dict or list of ndarray, or list of dict (parameter groups)
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
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered, maximize=maximize))

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
    params : dict or list of ndarray, or list of dict (parameter groups)
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
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))

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
    params : dict or list of ndarray, or list of dict (parameter groups)
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
        super().__init__(params, dict(lr=lr, betas=_pair(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize,
                                      decoupled_weight_decay=decoupled_weight_decay))

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
    params : dict or list of ndarray, or list of dict (parameter groups)
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
    scalar_state = {"mu_product": 1.0}         # prod_{i <= t} mu_i, one per group

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, maximize=False):
        Optimizer.__init__(self, params, dict(
            lr=lr, betas=_pair(betas), eps=eps, weight_decay=weight_decay,
            momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize))

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
    params : dict or list of ndarray, or list of dict (parameter groups)
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
        Optimizer.__init__(self, params, dict(
            lr=lr, betas=_pair(betas), eps=eps, weight_decay=weight_decay,
            decoupled_weight_decay=decoupled_weight_decay, maximize=maximize))

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
    params : dict or list of ndarray, or list of dict (parameter groups)
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
        Optimizer.__init__(self, params, dict(lr=lr, betas=_pair(betas), eps=eps,
                                              weight_decay=weight_decay, maximize=maximize))

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




def _pair(betas):
    """``betas`` as a tuple when it is a pair given as a list (validated later)."""
    return tuple(betas) if isinstance(betas, (list, tuple)) else betas


# -- clipping the gradients (torch.nn.utils.clip_grad_norm_) ---------------------------------
def clip_grad_norm_(grads, max_norm, norm_type=2.0, error_if_nonfinite=False):
    r"""Rescale gradients in place so that their total norm is at most ``max_norm``.

    The total norm is the ``norm_type``-norm of all gradients together, as if they were
    concatenated into one vector,

    .. math::

        \|g\| = \Bigl(\sum_j \|g^{(j)}\|_p^p\Bigr)^{1/p}
              = \bigl\|\,(\|g^{(1)}\|_p, \|g^{(2)}\|_p, \dots)\,\bigr\|_p

    (:math:`\max_j \|g^{(j)}\|_\infty` for ``norm_type=inf``). If it exceeds ``max_norm``,
    every gradient is multiplied by :math:`c = \text{max\_norm}/(\|g\| + 10^{-6})`, which keeps
    the direction of the whole gradient and sets its norm to ``max_norm`` (up to the
    :math:`10^{-6}`); otherwise nothing changes. These are the semantics of
    ``torch.nn.utils.clip_grad_norm_`` (which multiplies by :math:`\min(c, 1)` in every case;
    a factor of 1 changes nothing, and a NaN norm makes every gradient NaN in both). Call it
    between computing the gradients and ``opt.step(grads)``.

    Parameters
    ----------
    grads : dict of str -> ndarray, list of ndarray, or ndarray
        The gradients, changed in place (floating-point arrays).
    max_norm : float
        The largest total norm allowed, :math:`\ge 0`; ``math.inf`` only measures the norm.
    norm_type : float, default 2.0
        :math:`p > 0` of the p-norm, or ``math.inf``.
    error_if_nonfinite : bool, default False
        Raise ``RuntimeError`` (as torch does) instead of scaling when the total norm is NaN
        or infinite.

    Returns
    -------
    float
        The total norm *before* clipping (torch returns it as a tensor).

    Raises
    ------
    ValueError
        For an invalid argument (named in the message).

    References
    ----------
    Pascanu, Mikolov and Bengio (2013). On the difficulty of training recurrent neural
    networks. ICML. PyTorch documentation, ``torch.nn.utils.clip_grad_norm_``.

    Examples
    --------
    >>> import numpy as np
    >>> grads = {"w": np.array([3.0, 0.0]), "b": np.array([4.0])}   # norm 5
    >>> clip_grad_norm_(grads, max_norm=1.0)
    5.0
    >>> np.round(grads["w"], 6), np.round(grads["b"], 6)
    (array([0.6, 0. ]), array([0.8]))
    """
    arrays = list(grads.values()) if isinstance(grads, dict) else (
        [grads] if isinstance(grads, np.ndarray) else grads)
    if not isinstance(arrays, (list, tuple)) or not all(
            isinstance(g, np.ndarray) and np.issubdtype(g.dtype, np.floating) for g in arrays):
        raise ValueError("grads must be a dict or list of floating-point ndarrays (or one "
                         f"ndarray), got {type(grads).__name__}")
    if max_norm != math.inf:                  # inf: measure the norm, clip nothing
        max_norm = check_real("max_norm", max_norm, low=0)
    if norm_type != math.inf:
        norm_type = check_real("norm_type", norm_type, low=0, low_open=True)
    if not isinstance(error_if_nonfinite, (bool, np.bool_)):
        raise ValueError(f"error_if_nonfinite must be True or False, got {error_if_nonfinite!r}")
    if not arrays:
        return 0.0
    if norm_type == math.inf:
        total = max(float(np.max(np.abs(g), initial=0.0)) for g in arrays)
    else:
        p = norm_type
        norms = [float(np.sum(np.abs(g) ** p)) ** (1 / p) for g in arrays]    # ||g^(j)||_p
        total = sum(norm**p for norm in norms) ** (1 / p)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients is "
                           "non-finite, so it cannot be clipped; pass "
                           "error_if_nonfinite=False to scale by it anyway")
    scale = min(max_norm / (total + 1e-6), 1.0)      # min(nan, 1) is nan, as torch's clamp
    if scale != 1.0:
        for g in arrays:
            g *= scale
    return total


# -- averaging the iterates (torch.optim.swa_utils) ------------------------------------------
class AveragedModel:
    r"""A running average of parameters: Polyak-Ruppert averaging, as in ``torch.optim.swa_utils``.

    Keeps copies of the parameters and, at every :meth:`update_parameters`, folds the current
    values into their average. With the default rule, after :math:`k` updates with the
    iterates :math:`\theta_1, \dots, \theta_k` it holds their mean,

    .. math::

        \bar\theta_1 = \theta_1, \qquad
        \bar\theta_{k} = \bar\theta_{k-1} + \frac{1}{k}\big(\theta_k - \bar\theta_{k-1}\big)
        = \frac1k \sum_{j=1}^{k} \theta_j ,

    the average of Polyak and Juditsky (1992) and Ruppert (1988) (called stochastic weight
    averaging when it starts late in training, Izmailov et al. 2018). An ``avg_fn`` replaces
    the rule, e.g. :func:`get_ema_avg_fn` for an exponential moving average. The semantics are
    ``torch.optim.swa_utils.AveragedModel``'s: the values at construction are a placeholder
    (the first update copies the parameters), ``n_averaged`` counts the updates, and
    ``avg_fn(averaged, current, n_averaged)`` receives the count *before* the update.
    The optimizer keeps updating the model's own parameters; the average is read from
    ``params`` (for a model from :mod:`optimlib.nn`, pass its parameter dict).

    Parameters
    ----------
    params : dict of str -> ndarray, or list of ndarray
        The parameters to average (copied; never modified).
    avg_fn : callable, optional
        ``avg_fn(averaged, current, n_averaged) -> new averaged array``; default: the
        running mean above.

    Attributes
    ----------
    n_averaged : int
        Number of calls to :meth:`update_parameters` so far.

    Raises
    ------
    ValueError
        If ``params`` is not a dict or list of floating-point arrays, ``avg_fn`` is not
        callable, or :meth:`update_parameters` gets parameters that do not match.

    References
    ----------
    Polyak, B. T. and Juditsky, A. B. (1992). Acceleration of stochastic approximation by
    averaging. SIAM Journal on Control and Optimization 30(4), 838-855.
    Ruppert, D. (1988). Efficient estimations from a slowly convergent Robbins-Monro process.
    Technical report 781, Cornell University.
    PyTorch documentation, ``torch.optim.swa_utils.AveragedModel``.

    Examples
    --------
    >>> import numpy as np
    >>> theta = np.array([0.0])
    >>> averaged = AveragedModel([theta])
    >>> for value in (1.0, 2.0, 6.0):       # three iterates of some optimizer
    ...     theta[0] = value
    ...     averaged.update_parameters([theta])
    >>> averaged.params[0], averaged.n_averaged
    (array([3.]), 3)
    """

    def __init__(self, params, avg_fn=None):
        self.param_names, arrays, self._params_is_dict = _as_named_arrays(params)
        if avg_fn is not None and not callable(avg_fn):
            raise ValueError(f"avg_fn must be callable or None, got {avg_fn!r}")
        self.avg_fn = avg_fn
        self._averaged = [array.copy() for array in arrays]
        self.n_averaged = 0

    @property
    def params(self):
        """The averaged parameters, in the structure given (a dict or a list of arrays)."""
        if self._params_is_dict:
            return dict(zip(self.param_names, self._averaged))
        return list(self._averaged)

    def update_parameters(self, params):
        """Fold the current parameter values into the average.

        Parameters
        ----------
        params : dict or list of ndarray
            Same keys (or order), shapes and dtypes as at construction.
        """
        names, arrays, is_dict = _as_named_arrays(params)
        if is_dict != self._params_is_dict or names != self.param_names:
            raise ValueError(f"params must have the names {self.param_names} given at "
                             f"construction, got {names}")
        for name, averaged, current in zip(names, self._averaged, arrays):
            if current.shape != averaged.shape or current.dtype != averaged.dtype:
                raise ValueError(f"parameter {name!r} has shape {current.shape} and dtype "
                                 f"{current.dtype}, expected {averaged.shape} and "
                                 f"{averaged.dtype}")
        for averaged, current in zip(self._averaged, arrays):
            if self.n_averaged == 0:
                averaged[...] = current                     # the first update copies
            elif self.avg_fn is None:
                averaged += (current - averaged) / (self.n_averaged + 1)   # running mean
            else:
                averaged[...] = self.avg_fn(averaged, current, self.n_averaged)
        self.n_averaged += 1

    def __repr__(self):
        return f"AveragedModel(n_averaged={self.n_averaged})"


def get_ema_avg_fn(decay=0.999):
    r"""The ``avg_fn`` of an exponential moving average, as ``torch.optim.swa_utils``'s.

    .. math:: \bar\theta_k = \delta\,\bar\theta_{k-1} + (1 - \delta)\,\theta_k ,

    with :math:`\delta` = ``decay`` (the first update copies, as in :class:`AveragedModel`).

    Parameters
    ----------
    decay : float, default 0.999
        :math:`\delta \in [0, 1]`.

    Returns
    -------
    callable
        ``avg_fn(averaged, current, n_averaged)`` for :class:`AveragedModel`.

    Examples
    --------
    >>> import numpy as np
    >>> theta = np.array([0.0])
    >>> ema = AveragedModel([theta], avg_fn=get_ema_avg_fn(0.5))
    >>> for value in (1.0, 2.0, 6.0):
    ...     theta[0] = value
    ...     ema.update_parameters([theta])
    >>> ema.params[0]              # 0.5 * (0.5 * 1 + 0.5 * 2) + 0.5 * 6
    array([3.75])
    """
    decay = check_real("decay", decay, low=0, high=1)

    def ema_update(averaged, current, n_averaged):
        return decay * averaged + (1 - decay) * current

    return ema_update
