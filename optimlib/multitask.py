r"""Multi-task learning: one shared trunk, one head per task, a weighted sum of losses.

Tasks that depend on the same features can be learned together: a **trunk** of shared layers
computes features :math:`h = f(x; \theta_s)` and each task :math:`t` has its own **head**
:math:`g_t(h; \theta_t)`, trained on the weighted sum of the tasks' losses

.. math:: \mathcal L(\theta_s, \theta_1, \dots, \theta_T)
   = \sum_{t=1}^{T} w_t\,\mathcal L_t\bigl(g_t(f(x; \theta_s); \theta_t), y_t\bigr)

(Caruana 1997; Ruder 2017). Each head receives the gradient of its own task only; the trunk
receives the sum :math:`\sum_t w_t \nabla_{\theta_s}\mathcal L_t`. The tasks help each other
when those gradients point the same way and compete where they conflict; the cosine between
two tasks' gradients on the trunk, :func:`gradient_cosine`, measures which
(Yu et al. 2020).

The network is a :class:`MultiTaskNet`, whose outputs are the heads' outputs side by side,
and the loss a :class:`MultiTaskLoss` over those blocks, so training is the ordinary
:func:`optimlib.train.fit` with one column of targets per task:

>>> import numpy as np
>>> from optimlib.nn import Linear, ReLU, Sequential
>>> from optimlib.optim import Adam
>>> from optimlib.train import fit
>>> trunk = Sequential(Linear(64, 32), ReLU())          # features h
>>> net = MultiTaskNet(trunk, [Linear(32, 10), Linear(32, 2)])
>>> loss = MultiTaskLoss(net.head_sizes, weights=[1.0, 0.5])
>>> X = np.random.default_rng(0).random((20, 64))
>>> Y = np.stack([np.arange(20) % 10, np.arange(20) % 2], axis=1)
>>> history = fit(net, Adam(net.params, lr=0.01), X, Y, loss=loss,
...               epochs=2, batch_size=10)
>>> [labels.shape for labels in net.predict_tasks(X)]
[(20,), (20,)]

References
----------
Caruana (1997). Multitask learning. Machine Learning 28(1).
Ruder (2017). An overview of multi-task learning in deep neural networks. arXiv:1706.05098.
Yu, Kumar, Gupta, Levine, Hausman and Finn (2020). Gradient surgery for multi-task learning.
NeurIPS.
"""

import copy

import numpy as np

from optimlib import nn
from optimlib._probe import probing
from optimlib._validation import check_int, check_real
from optimlib.train import Callback

__all__ = ["MultiTaskNet", "MultiTaskLoss", "trunk_gradients", "gradient_cosine",
           "GradientCosine"]


class MultiTaskNet(nn.Module):
    """A shared trunk followed by one head per task; the outputs are the heads' outputs side
    by side, ``[g_1(h), g_2(h), ...]``.

    Backward splits the gradient of the outputs into the heads' blocks, runs each head's
    backward pass, and sends the *sum* of the gradients they return with respect to the
    features :math:`h` through the trunk.

    Parameters
    ----------
    trunk : optimlib.nn.Module
        The shared layers, whose outputs are the features, e.g.
        ``Sequential(Linear(64, 32), ReLU())``; its output width must be known (a
        :class:`~optimlib.nn.Sequential` with a :class:`~optimlib.nn.Linear` layer).
    heads : sequence of optimlib.nn.Module
        One per task, each taking the trunk's outputs, e.g. :class:`~optimlib.nn.Linear`.

    Attributes
    ----------
    head_sizes : list of int
        Outputs of each head.
    head_slices : list of slice
        Where each head's outputs are among the model's outputs.

    Notes
    -----
    Parameters are named as torch names those of a module with attributes ``trunk`` and
    ``heads`` (a ``ModuleList``): ``"trunk.0.weight"``, ``"heads.1.bias"``, ...

    Examples
    --------
    >>> from optimlib.nn import Linear, ReLU, Sequential
    >>> trunk = Sequential(Linear(4, 6), ReLU())
    >>> net = MultiTaskNet(trunk, [Linear(6, 3), Linear(6, 2)])
    >>> net(np.ones((5, 4))).shape
    (5, 5)
    >>> net.head_slices
    [slice(0, 3, None), slice(3, 5, None)]
    """

    def __init__(self, trunk, heads):
        super().__init__()
        heads = list(heads)
        if not isinstance(trunk, nn.Module) or not heads or not all(
                isinstance(head, nn.Module) for head in heads):
            raise ValueError("trunk must be a Module and heads a non-empty list of Modules")
        width = _output_width(trunk)
        if width is None:
            raise ValueError("the trunk must know its output width (end it with a Linear "
                             "layer, or an activation after one)")
        for i, head in enumerate(heads):
            if head.in_features is not None and head.in_features != width:
                raise ValueError(f"heads[{i}] takes {head.in_features} features, the trunk "
                                 f"gives {width}")
            if head.out_features is None:
                raise ValueError(f"heads[{i}] must know its output width (a Linear layer)")
        self.trunk, self.heads = trunk, heads
        self.head_sizes = [head.out_features for head in heads]
        ends = np.cumsum([0] + self.head_sizes)
        self.head_slices = [slice(int(a), int(b)) for a, b in zip(ends[:-1], ends[1:])]
        self.in_features, self.out_features = trunk.in_features, int(ends[-1])
        self.input_ndim = trunk.input_ndim
        for prefix, module in [("trunk", trunk)] + [(f"heads.{i}", h) for i, h in
                                                     enumerate(heads)]:
            self.params.update({f"{prefix}.{k}": v for k, v in module.params.items()})
            self.grads.update({f"{prefix}.{k}": v for k, v in module.grads.items()})

    def forward(self, X):
        features = self.trunk(X)
        return np.concatenate([head(features) for head in self.heads], axis=1)

    def backward(self, grad_output):
        grad_features = sum(head.backward(grad_output[:, part])
                            for head, part in zip(self.heads, self.head_slices))
        return self.trunk.backward(grad_features)

    def train(self, mode=True):
        for module in [self.trunk, *self.heads]:
            module.train(mode)
        return super().train(mode)

    def predict_tasks(self, X):
        """Predicted class of every row for each task (evaluation mode): a list of arrays."""
        outputs = self.predict_outputs(X)
        return [np.argmax(outputs[:, part], axis=1) for part in self.head_slices]

    def __repr__(self):
        heads = ", ".join(repr(head) for head in self.heads)
        return f"MultiTaskNet(trunk={self.trunk!r}, heads=[{heads}])"


def _output_width(module):
    """The output width of a module; for a Sequential that ends with activations, that of
    its last layer that knows it."""
    widths = [layer.out_features for layer in getattr(module, "layers", [])
              if layer.out_features is not None]
    return module.out_features if module.out_features is not None or not widths else widths[-1]


class MultiTaskLoss(nn.Loss):
    r"""The weighted sum of one loss per task, each on its head's block of the outputs:
    :math:`\mathcal L = \sum_t w_t\,\mathcal L_t(Z_{:, S_t}, Y_{:, t})`.

    Its gradient with respect to block :math:`S_t` of the outputs is
    :math:`w_t\,\partial\mathcal L_t/\partial Z_{:, S_t}`.

    Parameters
    ----------
    sizes : sequence of int
        The heads' output widths, e.g. :attr:`MultiTaskNet.head_sizes`.
    weights : sequence of float, optional
        :math:`w_t \ge 0`, one per task; default all 1.
    losses : optimlib.nn.Loss, str, or a sequence of them, default "cross_entropy"
        One loss for every task, or one per task.

    Notes
    -----
    Targets have one column per task, shape ``(n, T)`` (class labels for cross-entropy).
    :func:`optimlib.train.fit` then records no running accuracy (its targets are not a
    single column of labels); measure each task with :meth:`MultiTaskNet.predict_tasks`.

    Examples
    --------
    >>> loss = MultiTaskLoss([2, 1], weights=[1.0, 3.0],
    ...                      losses=["cross_entropy", "mse"])
    >>> Z = np.array([[0.0, 0.0, 2.0]])   # logits of task 0, then task 1
    >>> round(loss(Z, np.array([[1, 1.5]])), 6)  # log 2 + 3 * 0.5**2
    1.443147
    >>> loss.backward()
    array([[ 0.5, -0.5,  3. ]])
    """

    def __init__(self, sizes, weights=None, losses="cross_entropy", ignore_index=None):
        self.sizes = [check_int(f"sizes[{i}]", size, low=1) for i, size in enumerate(sizes)]
        if not self.sizes:
            raise ValueError("sizes is empty: give one output width per task")
        tasks = len(self.sizes)
        weights = [1.0] * tasks if weights is None else list(weights)
        if len(weights) != tasks:
            raise ValueError(f"weights has {len(weights)} entries for {tasks} tasks")
        self.weights = [check_real(f"weights[{t}]", w, low=0) for t, w in enumerate(weights)]
        losses = [losses] * tasks if isinstance(losses, (str, nn.Loss)) else list(losses)
        if len(losses) != tasks:
            raise ValueError(f"losses has {len(losses)} entries for {tasks} tasks")
        # a copy per task, so that each remembers its own forward pass
        self.losses = [copy.copy(nn.as_loss(loss)) for loss in losses]
        self.ignore_index = ignore_index
        ends = np.cumsum([0] + self.sizes)
        self.slices = [slice(int(a), int(b)) for a, b in zip(ends[:-1], ends[1:])]

    def _labelled(self, targets, t):
        column = targets[:, t]
        if self.ignore_index is None:
            return np.ones(len(column), dtype=bool)
        return column != self.ignore_index

    def forward(self, outputs, targets):
        outputs = np.asarray(outputs)
        targets = self.check_targets(targets, outputs.shape)
        total = 0.0
        self._grad = np.zeros_like(outputs)
        for t, (loss, weight, part) in enumerate(zip(self.losses, self.weights, self.slices)):
            rows = self._labelled(targets, t)
            if rows.any():
                total += weight * loss(outputs[rows, part], targets[rows, t])
                self._grad[rows, part] = weight * loss.backward()
        return total

    def backward(self):
        return self._grad

    def task_losses(self, outputs, targets):
        """The unweighted loss of each task, a list of floats."""
        targets = self.check_targets(targets, np.shape(outputs))
        return [loss(outputs[:, part], targets[:, t])
                for t, (loss, part) in enumerate(zip(self.losses, self.slices))]

    def check_targets(self, targets, shape):
        targets = np.asarray(targets)
        n, k = shape
        tasks = len(self.sizes)
        if k != sum(self.sizes):
            raise ValueError(f"outputs have {k} columns, the heads' sizes {self.sizes} add up "
                             f"to {sum(self.sizes)}")
        if targets.ndim != 2 or targets.shape != (n, tasks):
            raise ValueError(f"targets must have one column per task, shape ({n}, {tasks}), "
                             f"got {targets.shape}")
        for t, (loss, size) in enumerate(zip(self.losses, self.sizes)):
            rows = self._labelled(targets, t)
            try:
                loss.check_targets(targets[rows, t], (int(rows.sum()), size))
            except ValueError as error:
                raise ValueError(f"targets of task {t}: {error}") from None
        return targets

    def __repr__(self):
        return f"MultiTaskLoss(sizes={self.sizes}, weights={self.weights})"


def _check_model_and_loss(model, loss):
    if not isinstance(model, MultiTaskNet) or not isinstance(loss, MultiTaskLoss):
        raise ValueError(f"needs a MultiTaskNet and a MultiTaskLoss, got "
                         f"{type(model).__name__} and {type(loss).__name__}")
    if loss.sizes != model.head_sizes:
        raise ValueError(f"the loss's sizes {loss.sizes} differ from the heads' "
                         f"{model.head_sizes}")


def trunk_gradients(model, loss, X, Y):
    r"""Each task's gradient with respect to the trunk's parameters,
    :math:`\nabla_{\theta_s}\mathcal L_t`, flattened into one vector per task (unweighted);
    the model is left as it was (see :func:`gradient_cosine`).

    Parameters
    ----------
    model : MultiTaskNet
    loss : MultiTaskLoss
    X : array_like
    Y : array_like, shape (n, T)

    Returns
    -------
    ndarray, shape (T, number of trunk parameters)
    """
    _check_model_and_loss(model, loss)
    rows = []
    with probing(model):
        outputs = model(X)
        Y = loss.check_targets(Y, outputs.shape)
        for t, (task_loss, part) in enumerate(zip(loss.losses, loss.slices)):
            grad_output = np.zeros_like(outputs)
            task_loss(outputs[:, part], Y[:, t])
            grad_output[:, part] = task_loss.backward()
            model.backward(grad_output)
            rows.append(np.concatenate([g.ravel() for g in model.trunk.grads.values()]))
    return np.array(rows)


def gradient_cosine(model, loss, X, Y, tasks=(0, 1)):
    r"""The cosine between two tasks' gradients on the shared trunk,

    .. math:: \cos\phi = \frac{g_1^\top g_2}{\|g_1\|\,\|g_2\|}, \qquad
       g_t = \nabla_{\theta_s}\mathcal L_t,

    computed on ``(X, Y)`` in evaluation mode. Positive: a step for one task also lowers the
    other's loss, to first order. Negative: the tasks' gradients **conflict**, and the sum
    of the two does less for each than its own gradient would (Yu et al. 2020 project one
    gradient off the other when the cosine is negative, "PCGrad"). The weights :math:`w_t`
    scale the gradients, not their cosine. The model's parameters, ``grads`` and mode are
    left as they were.

    Parameters
    ----------
    model : MultiTaskNet
    loss : MultiTaskLoss
    X : array_like
    Y : array_like, shape (n, T)
    tasks : (int, int), default (0, 1)

    Returns
    -------
    float
        In [-1, 1]; NaN if one of the gradients is zero.

    Examples
    --------
    >>> from optimlib.nn import MLP, Linear
    >>> net = MultiTaskNet(MLP([3, 4, 4]), [Linear(4, 2), Linear(4, 2)])
    >>> X = np.random.default_rng(0).random((6, 3))
    >>> y = np.array([0, 1, 0, 1, 1, 0])
    >>> net.heads[1].params["weight"][...] = net.heads[0].params["weight"]
    >>> Y = np.stack([y, y], axis=1)            # the same task twice
    >>> round(gradient_cosine(net, MultiTaskLoss([2, 2]), X, Y), 12)
    1.0
    """
    _check_model_and_loss(model, loss)
    if not isinstance(tasks, (tuple, list)) or len(tasks) != 2:
        raise ValueError(f"tasks must be a pair of task indices, got {tasks!r}")
    first, second = (check_int(f"tasks[{i}]", task, low=0, high=len(loss.sizes) - 1)
                     for i, task in enumerate(tasks))
    g = trunk_gradients(model, loss, X, Y)
    norms = np.linalg.norm(g[first]) * np.linalg.norm(g[second])
    return float(np.dot(g[first], g[second]) / norms) if norms > 0 else float("nan")


class GradientCosine(Callback):
    """Record :func:`gradient_cosine` on fixed data every ``every`` steps of
    :func:`~optimlib.train.fit` (and before the first step).

    Parameters
    ----------
    loss : MultiTaskLoss
    X, Y : array_like
        The data it is measured on, e.g. the whole (small) training set.
    every : int, default 10
    tasks : (int, int), default (0, 1)

    Attributes
    ----------
    steps : list of int
    cosines : list of float
    """

    def __init__(self, loss, X, Y, every=10, tasks=(0, 1)):
        self.loss, self.X, self.Y, self.tasks = loss, X, Y, tasks
        self.every = check_int("every", every, low=1)
        self.steps, self.cosines = [], []

    def _record(self, model, step):
        self.steps.append(step)
        self.cosines.append(gradient_cosine(model, self.loss, self.X, self.Y, self.tasks))

    def on_train_begin(self, model, history):
        self.steps, self.cosines = [], []
        self._record(model, 0)

    def on_step_end(self, model, step):
        if step % self.every == 0:
            self._record(model, step)
