r"""Optimization loops.

:func:`minimize` runs an optimizer from :mod:`optimlib.optim` on a test problem from
:mod:`optimlib.problems` and records the whole trajectory, for plots and for measuring
convergence rates. It is the library version of the loop that Chapter 1 writes by hand.

:func:`fit` trains a neural network from :mod:`optimlib.nn` on data, minibatch by minibatch,
and records a :class:`History` (learning curves); callbacks such as :class:`EarlyStopping`
can stop it, and a non-finite loss stops it with a :class:`DivergenceError`.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np

from optimlib import nn
from optimlib._validation import check_array, check_int, check_real, check_rng
from optimlib.data import minibatch_indices
from optimlib.optim import SGD
from optimlib.schedules import OneCycleLR, ReduceLROnPlateau

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


# -- training a neural network -----------------------------------------------------------------
__all__ += ["History", "Callback", "EarlyStopping", "ProgressBar", "DivergenceError", "evaluate",
            "fit"]


@dataclass
class History:
    """History()

    What :func:`fit` records, one entry per epoch (lists of equal length).

    Attributes
    ----------
    epoch : list of int
        1, 2, ...
    train_loss : list of float
        Average over the epoch's minibatches, each measured (in training mode) just before
        its update: the usual running figure, which lags the end-of-epoch weights by about
        half an epoch.
    train_accuracy : list of float
        Measured in the same way; NaN unless the targets are class labels.
    val_loss : list of float
        On ``validation_data`` at the end of the epoch, in evaluation mode; NaN without it.
    val_accuracy : list of float
        The same for the accuracy.
    lr : list of float
        The learning rate at the start of the epoch; with several parameter groups, the first
        group's (``optimizer.param_groups[0]["lr"]``, what torch users usually log).
    wall_time : list of float
        Seconds since :func:`fit` started, at the end of the epoch.
    """

    epoch: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    wall_time: list = field(default_factory=list)

    def append(self, **values):
        """Record one epoch: ``append(epoch=..., train_loss=..., ...)``, one value per list."""
        for name, value in values.items():
            getattr(self, name).append(value)

    def __len__(self):
        return len(self.epoch)

    def best_epoch(self, monitor="val_loss"):
        """The epoch with the lowest loss (or highest accuracy) of ``monitor``."""
        values = np.asarray(getattr(self, _check_monitor(monitor)), dtype=float)
        if values.size == 0 or np.all(np.isnan(values)):
            raise ValueError(f"no {monitor} was recorded")
        best = np.nanargmin(values) if monitor.endswith("loss") else np.nanargmax(values)
        return self.epoch[best]

    def __repr__(self):
        if not self.epoch:
            return "History(epochs=0)"
        last = ", ".join(f"{name}={getattr(self, name)[-1]:.4g}" for name in _MONITORS
                         if not math.isnan(getattr(self, name)[-1]))
        return f"History(epochs={len(self)}, {last})"


_MONITORS = ("train_loss", "train_accuracy", "val_loss", "val_accuracy")


def _check_monitor(monitor):
    if monitor not in _MONITORS:
        raise ValueError(f"monitor must be one of {_MONITORS}, got {monitor!r}")
    return monitor


class DivergenceError(FloatingPointError):
    """The training loss became NaN or infinite; the message says where and what to try."""


class Callback:
    """Hooks that :func:`fit` calls. ``on_epoch_end`` returns True to stop training.

    ``on_train_end`` is called however training ends, also when it stops with an error.
    ``on_step_begin`` and ``on_step_end`` bracket every optimizer step: a callback that must
    act on every minibatch (masking gradients, re-applying pruning masks, pruning on a
    schedule counted in steps) uses them; ``step`` counts the optimizer steps of this
    :func:`fit` call from 1.
    """

    def on_train_begin(self, model, history):
        """Called once before the first epoch."""

    def on_step_begin(self, model, step):
        """Called after the backward pass, before the optimizer step; may change
        ``model.grads``."""

    def on_step_end(self, model, step):
        """Called after the optimizer step; may change ``model.params`` (in place)."""

    def on_epoch_end(self, model, history):
        """Called after each epoch is recorded in ``history``; return True to stop."""
        return False

    def on_train_end(self, model, history):
        """Called once at the end."""


class EarlyStopping(Callback):
    r"""Stop when ``monitor`` has not improved for ``patience`` epochs (Prechelt 1998).

    An improvement is a value below the best so far by more than ``min_delta`` (above it, for
    an accuracy). With ``restore_best`` the model ends with the weights of the best epoch,
    whether or not training stopped early: the validation loss chooses the number of epochs,
    as any other hyperparameter.

    Parameters
    ----------
    monitor : {"val_loss", "val_accuracy", "train_loss", "train_accuracy"}, default "val_loss"
    patience : int, default 5
        Epochs without improvement before stopping, at least 1.
    min_delta : float, default 0
    restore_best : bool, default True

    Attributes
    ----------
    best : float
        The best value of the monitored quantity.
    best_epoch : int
        The epoch at which it was reached.
    stopped_epoch : int or None
        The epoch after which training stopped, or None if it ran to the end.

    References
    ----------
    Prechelt (1998). Early stopping -- but when? In Neural Networks: Tricks of the Trade.
    """

    def __init__(self, monitor="val_loss", patience=5, min_delta=0.0, restore_best=True):
        self.monitor = _check_monitor(monitor)
        self.patience = check_int("patience", patience, low=1)
        self.min_delta = check_real("min_delta", min_delta, low=0)
        self.restore_best = bool(restore_best)
        self.sign = 1.0 if monitor.endswith("loss") else -1.0     # compare as a loss

    def on_train_begin(self, model, history):
        self.best, self.best_epoch, self.stopped_epoch = math.inf, None, None
        self.wait, self._best_state = 0, None

    def on_epoch_end(self, model, history):
        value = getattr(history, self.monitor)[-1]
        if math.isnan(value):
            raise ValueError(f"EarlyStopping monitors {self.monitor!r}, which was not recorded "
                             "(pass validation_data to fit, or monitor a training quantity)")
        if self.sign * value < self.sign * self.best - self.min_delta or self.best_epoch is None:
            self.best, self.best_epoch, self.wait = value, history.epoch[-1], 0
            if self.restore_best:
                self._best_state = model.state_dict()
            return False
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = history.epoch[-1]
            return True
        return False

    def on_train_end(self, model, history):
        if self.restore_best and self._best_state is not None:
            model.load_state_dict(self._best_state)


class ProgressBar(Callback):
    """A one-line text progress bar (tqdm) over the epochs, with the latest losses.

    It writes to standard error. :func:`fit` adds one with ``progress=True``.
    """

    def __init__(self, epochs):
        self.epochs = epochs

    def on_train_begin(self, model, history):
        from tqdm import tqdm     # imported here: only a progress bar needs it

        self.bar = tqdm(total=self.epochs, unit="epoch", desc="fit", dynamic_ncols=True)

    def on_epoch_end(self, model, history):
        shown = {name: f"{getattr(history, name)[-1]:.4f}" for name in ("train_loss", "val_loss")
                 if not math.isnan(getattr(history, name)[-1])}
        self.bar.set_postfix(shown, refresh=False)
        self.bar.update()
        return False

    def on_train_end(self, model, history):
        self.bar.close()


def _is_classification(targets):
    """Class labels (1-D integers) make accuracy meaningful."""
    return targets.ndim == 1 and np.issubdtype(targets.dtype, np.integer)


def _count_correct(outputs, labels):
    return int(np.count_nonzero(np.argmax(outputs, axis=1) == labels))


def evaluate(model, loss, X, y, teacher_logits=None):
    """Loss and accuracy of ``model`` on ``(X, y)`` in evaluation mode (dropout off).

    Parameters
    ----------
    model : optimlib.nn.Module
    loss : optimlib.nn.Loss or str
    X : array_like, shape (n, d)
    y : array_like
        Targets; accuracy is computed when they are class labels, else it is NaN.
    teacher_logits : array_like, shape (n, k), optional
        For a loss that takes a teacher's logits as a third argument (distillation,
        :class:`optimlib.distill.DistillationLoss`).

    Returns
    -------
    loss, accuracy : float
    """
    outputs = model.predict_outputs(X)
    loss = nn.as_loss(loss)
    targets = loss.check_targets(y, outputs.shape)
    extra = () if teacher_logits is None else (teacher_logits,)
    value = loss(outputs, targets, *extra)
    if not (_is_classification(targets) and outputs.shape[1] > 1):
        return value, math.nan
    return value, _count_correct(outputs, targets) / len(targets)


def fit(model, optimizer, X, y, *, epochs, batch_size, loss="cross_entropy",
        validation_data=None, scheduler=None, scheduler_interval=None, callbacks=(), seed=0,
        teacher=None, transform=None, progress=False):
    r"""Train a model by minibatch gradient descent and record its learning curves.

    Each epoch visits the training samples once, in a new random order (drawn from ``seed``),
    in minibatches of ``batch_size``; each minibatch does a forward pass, the loss, a
    backward pass and ``optimizer.step(model.grads)``. After the epoch the model is evaluated
    on ``validation_data`` (evaluation mode), the epoch is recorded, the scheduler is stepped
    and the callbacks may stop training. The same seeds give a bit-identical
    :class:`History` (apart from ``wall_time``).

    Parameters
    ----------
    model : optimlib.nn.Module
        For example :class:`optimlib.nn.MLP`; its ``params`` must be the optimizer's.
    optimizer : optimlib.optim.Optimizer
        Built on ``model.params``, or on a subset of them (a dict with some of its keys): then
        only those are trained and the others stay frozen, as in transfer learning
        (:mod:`optimlib.transfer`).
    X : array_like, shape (n, d) or (n, c, h, w)
        Rows, or images for a model whose first layer is :class:`~optimlib.nn.Conv2d`.
    y : array_like
        Targets, as ``loss`` accepts them: class labels ``(n,)`` for cross-entropy.
    epochs : int
        Number of passes over the training data, at least 1.
    batch_size : int
        :math:`B`, between 1 and ``n``; the last minibatch of an epoch may be smaller.
    loss : {"cross_entropy", "mse"} or optimlib.nn.Loss, default "cross_entropy"
        The loss minimized and reported. (The loss belongs to the training problem, not to
        the model: the same network can be trained with either.)
    validation_data : (X_val, y_val), optional
    scheduler : optional
        A scheduler from :mod:`optimlib.schedules` built on ``optimizer``.
        :class:`~optimlib.schedules.ReduceLROnPlateau` is stepped once per epoch with the
        validation loss (so it needs ``validation_data``).
    scheduler_interval : {"epoch", "step"}, optional
        When the other schedulers are stepped: after every epoch, or after every minibatch
        (a warmup, or a :class:`~optimlib.schedules.SequentialLR` of warmup and decay, counted
        in steps; there are ``ceil(n / batch_size)`` steps per epoch). Default: ``"step"``
        for :class:`~optimlib.schedules.OneCycleLR`, ``"epoch"`` otherwise.
    callbacks : sequence of Callback, default ()
        For example ``[EarlyStopping(patience=5)]``.
    seed : int or numpy.random.Generator, default 0
        Order of the minibatches. (Initial weights and dropout masks come from the model's
        own seed.)
    teacher : optimlib.nn.Module or sequence of Module, optional
        Knowledge distillation (Chapter 11): a trained model, or an ensemble whose logits
        are averaged. Its logits for every training and validation sample are computed once,
        in evaluation mode, before the first epoch (the teacher is never updated, so this is
        the same as computing them per minibatch), and each minibatch calls
        ``loss(outputs, targets, teacher_logits)``; ``loss`` must then be a loss that takes
        them, such as :class:`optimlib.distill.DistillationLoss`.
    transform : callable, optional
        ``transform(model, X_batch, y_batch)`` returns the ``(X_batch, y_batch)`` to train on;
        it is applied to every minibatch before the forward pass (the model in training
        mode). It may return more rows than it was given, e.g. clean and adversarial copies
        (:class:`optimlib.adversarial.AdversarialTraining`); the running training accuracy
        then counts the rows it returned. Cannot be combined with ``teacher``, whose logits
        are computed once for the untransformed inputs.
    progress : bool, default False
        Show a text progress bar over the epochs (tqdm, on standard error). Off by default so
        that notebooks store no progress output.

    Returns
    -------
    History
        The model itself is trained in place and left in evaluation mode.

    Raises
    ------
    DivergenceError
        If the training loss becomes NaN or infinite; the message gives the epoch, the
        minibatch and the learning rate.
    ValueError
        For invalid arguments or data (before any training).

    Examples
    --------
    >>> from optimlib.data import make_moons
    >>> from optimlib.nn import MLP
    >>> from optimlib.optim import Adam
    >>> X, y = make_moons(200, noise=0.1)
    >>> model = MLP([2, 16, 2], seed=0)
    >>> history = fit(model, Adam(model.params, lr=0.01), X, y, epochs=50,
    ...               batch_size=20)
    >>> len(history), history.train_accuracy[-1] > 0.95
    (50, True)
    """
    loss = nn.as_loss(loss)
    epochs = check_int("epochs", epochs, low=1)
    X, y = _training_data(model, loss, "X", X, "y", y)
    batch_size = check_int("batch_size", batch_size, low=1, high=len(X))
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError("validation_data must be a pair (X_val, y_val)")
        validation_data = _training_data(model, loss, "X_val", validation_data[0], "y_val",
                                         validation_data[1])
    per_step = _scheduler_per_step(scheduler, scheduler_interval, optimizer, validation_data)
    if transform is not None and not callable(transform):
        raise ValueError(f"transform must be a callable (model, X_batch, y_batch) -> "
                         f"(X_batch, y_batch), got {transform!r}")
    if transform is not None and teacher is not None:
        raise ValueError("transform cannot be combined with teacher: the teacher's logits "
                         "are computed once, for the untransformed inputs")
    teacher_logits = _teacher_logits(teacher, loss, X, model.out_features)
    val_teacher_logits = None
    if teacher is not None and validation_data is not None:
        val_teacher_logits = _teacher_logits(teacher, loss, validation_data[0],
                                             model.out_features)
    callbacks = list(callbacks) + ([ProgressBar(epochs)] if progress else [])
    rng = check_rng(seed)
    history = History()
    steps_done = 0
    start = time.perf_counter()
    for callback in callbacks:
        callback.on_train_begin(model, history)
    try:
        # overflow is not warned about but detected: a non-finite loss raises DivergenceError
        with np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(1, epochs + 1):
                lr = _first_lr(optimizer)
                train_loss, train_accuracy, steps_done = _train_epoch(
                    model, optimizer, loss, X, y, batch_size, rng,
                    scheduler if per_step else None, f"epoch {epoch} of {epochs}",
                    callbacks, steps_done, teacher_logits, transform)
                val_loss = val_accuracy = math.nan
                if validation_data is not None:
                    val_loss, val_accuracy = evaluate(model, loss, *validation_data,
                                                      teacher_logits=val_teacher_logits)
                history.append(epoch=epoch, train_loss=train_loss, train_accuracy=train_accuracy,
                               val_loss=val_loss, val_accuracy=val_accuracy, lr=lr,
                               wall_time=time.perf_counter() - start)
                if isinstance(scheduler, ReduceLROnPlateau):
                    scheduler.step(val_loss)
                elif scheduler is not None and not per_step:
                    scheduler.step()
                stops = [callback.on_epoch_end(model, history) for callback in callbacks]
                if any(stops):
                    break
    finally:
        model.eval()
        for callback in callbacks:
            callback.on_train_end(model, history)
    return history


def _train_epoch(model, optimizer, loss, X, y, batch_size, rng, scheduler, epoch, callbacks,
                 steps_done, teacher_logits, transform=None):
    """One pass over the data in shuffled minibatches; returns the mean loss and accuracy
    and the number of optimizer steps done so far.

    ``scheduler``, if given, is stepped after every minibatch."""
    classification = _is_classification(y) and model.out_features > 1
    loss_sum, correct, seen = 0.0, 0, 0
    model.train()
    batches = minibatch_indices(len(X), batch_size, seed=rng)
    for step, rows in enumerate(batches, start=1):
        X_batch, y_batch = X[rows], y[rows]
        if transform is not None:                        # e.g. adversarial examples
            X_batch, y_batch = transform(model, X_batch, y_batch)
        outputs = model(X_batch)                         # forward pass
        extra = () if teacher_logits is None else (teacher_logits[rows],)
        value = loss(outputs, y_batch, *extra)
        if not math.isfinite(value):
            raise DivergenceError(_divergence_message(value, epoch, step, len(X), batch_size,
                                                      optimizer))
        model.backward(loss.backward())                  # backward pass: fills model.grads
        steps_done += 1
        for callback in callbacks:
            callback.on_step_begin(model, steps_done)
        optimizer.step(_trained_grads(optimizer, model))  # update model.params in place
        for callback in callbacks:
            callback.on_step_end(model, steps_done)
        if scheduler is not None:                        # a schedule counted in minibatches
            scheduler.step()
        loss_sum += value * len(rows)
        if classification:
            correct += _count_correct(outputs, y_batch)
            seen += len(y_batch)
    accuracy = correct / seen if classification else math.nan
    return loss_sum / len(X), accuracy, steps_done


def _trained_grads(optimizer, model):
    """The gradients ``optimizer.step`` takes: ``model.grads``, or the entries of the
    parameters the optimizer was given if it was given a subset (the rest are frozen)."""
    names = getattr(optimizer, "param_names", ())
    if set(names) < set(model.grads):
        return {name: model.grads[name] for name in names}
    return model.grads


def _teacher_logits(teacher, loss, X, k):
    """The teacher's logits for ``X`` (averaged over an ensemble), or None without a teacher;
    checks that the teacher and the loss go together."""
    takes_teacher = getattr(loss, "takes_teacher_logits", False)
    if teacher is None:
        if takes_teacher:
            raise ValueError(f"{loss!r} needs a teacher's logits: pass teacher= to fit")
        return None
    if not takes_teacher:
        raise ValueError(f"teacher was given, but {loss!r} does not take a teacher's logits; "
                         "use a distillation loss such as optimlib.distill.DistillationLoss")
    models = list(teacher) if isinstance(teacher, (list, tuple)) else [teacher]
    if not models or not all(isinstance(m, nn.Module) for m in models):
        raise ValueError("teacher must be a model (optimlib.nn.Module) or a non-empty list "
                         f"of models, got {teacher!r}")
    logits = sum(m.predict_outputs(X) for m in models) / len(models)
    if logits.shape != (len(X), k):
        raise ValueError(f"the teacher's logits have shape {logits.shape}, the student's "
                         f"outputs have {(len(X), k)}")
    return logits


def _training_data(model, loss, X_name, X, y_name, y):
    """Check inputs and targets once, before training, and convert them for the model."""
    if model.out_features is None:
        raise ValueError(f"fit needs a model that knows its output width (a Sequential that "
                         f"ends with a Linear layer), got {type(model).__name__}")
    # rows (n, d), or images (n, c, h, w) for a model that starts with a convolution
    X = check_array(X_name, X, ndim=getattr(model, "input_ndim", 2)).astype(model.dtype,
                                                                           copy=False)
    if model.in_features is not None and X.shape[1] != model.in_features:
        raise ValueError(f"{X_name} has {X.shape[1]} columns, but the model expects "
                         f"{model.in_features} features")
    try:
        y = loss.check_targets(y, (len(X), model.out_features))
    except ValueError as error:
        raise ValueError(f"{y_name}: {error}") from None
    return X, y


def _scheduler_per_step(scheduler, interval, optimizer, validation_data):
    """Check the scheduler; return whether it is stepped after every minibatch."""
    if interval not in (None, "epoch", "step"):
        raise ValueError(f"scheduler_interval must be 'epoch' or 'step', got {interval!r}")
    if scheduler is None:
        return False
    if getattr(scheduler, "optimizer", None) is not optimizer:
        raise ValueError("scheduler must be built on the optimizer passed to fit")
    if isinstance(scheduler, ReduceLROnPlateau):
        if validation_data is None:
            raise ValueError("ReduceLROnPlateau is stepped with the validation loss: "
                             "pass validation_data")
        if interval == "step":
            raise ValueError("ReduceLROnPlateau is stepped once per epoch, with the "
                             "validation loss: scheduler_interval must be 'epoch'")
        return False
    if interval is None:
        return isinstance(scheduler, OneCycleLR)
    return interval == "step"


def _first_lr(optimizer):
    """The first parameter group's learning rate (the only one for a single group)."""
    groups = getattr(optimizer, "param_groups", None)
    return groups[0]["lr"] if groups else optimizer.lr


def _divergence_message(value, epoch, step, n_samples, batch_size, optimizer):
    steps = -(-n_samples // batch_size)
    groups = getattr(optimizer, "param_groups", None) or [{"lr": optimizer.lr}]
    rates = ", ".join(f"{group['lr']:g}" for group in groups)
    smaller = ", ".join(f"{group['lr'] / 10:g}" for group in groups)
    which = "learning rate lr" if len(groups) == 1 else "the groups' learning rates"
    return (f"training diverged: the loss became {value} at {epoch}, minibatch {step} of "
            f"{steps}, with {which}={rates}. Try a smaller learning rate "
            f"(e.g. lr={smaller}), standardize the inputs "
            "(optimlib.data.Standardizer), or a warmup schedule.")
