r"""Transfer learning: start a new task from a network trained on another one.

The hidden layers of a network trained on a *source* task compute features; if the source
and the *target* task are related, those features are a better starting point for the
target than random weights, most of all when the target has few labels (Pan and Yang 2010;
Yosinski et al. 2014). The network's last layer (its *head*) is specific to the source's
classes, so it is replaced by a fresh one (:func:`replace_head`). Then, from least to most
change to the pretrained layers:

- **linear probe**: freeze the pretrained layers and train the new head only: a linear
  classifier (multinomial logistic regression) on fixed features;
- **fine-tuning**: train everything, the pretrained layers usually at a smaller learning rate
  than the new head, so that the first, large gradients of a random head do not wreck them;
- **from scratch**: the same architecture from random weights, the baseline.

Whether pretrained features suit the target can be measured before training on it:
:func:`class_separation` says how far apart the target's classes lie in feature space
compared with their spread, and :func:`effective_dimension` how many directions the
features really use.

Freezing needs no new mechanism: an optimizer updates only the arrays it was given, so an
optimizer built on a subset of ``model.params`` (:func:`params_of`) trains that subset and
leaves the rest as it is, and :func:`optimlib.train.fit` steps it with the matching subset
of the gradients. Two learning rates are two parameter groups of one optimizer, as in
torch: ``Adam([{"params": head}, {"params": body, "lr": 1e-3}], lr=1e-2)``, which
:func:`~optimlib.train.fit` trains like any optimizer. :class:`ExtraOptimizer` does the same
with a second optimizer stepped by a callback (the same weights, bit for bit; tested).

>>> import numpy as np
>>> from optimlib.nn import MLP
>>> from optimlib.optim import Adam
>>> pretrained = MLP([64, 32, 5], seed=0)
>>> model = replace_head(pretrained, 3, seed=1)    # a new 3-class head
>>> head = params_of(model, -1)
>>> sorted(head)
['2.bias', '2.weight']
>>> probe = Adam(head, lr=0.01)   # linear probe: the rest stays frozen

References
----------
Pan and Yang (2010). A survey on transfer learning. IEEE Transactions on Knowledge and Data
Engineering 22(10).
Yosinski, Clune, Bengio and Lipson (2014). How transferable are features in deep neural
networks? NeurIPS.
"""

import copy
from numbers import Integral

import numpy as np

from optimlib._validation import check_array, check_labels
from optimlib.nn import Linear, Sequential
from optimlib.train import Callback

__all__ = ["params_of", "replace_head", "ExtraOptimizer", "class_separation",
           "effective_dimension"]


def _layer_indices(model, layers):
    n = len(model.layers)
    if isinstance(layers, slice):
        return list(range(n))[layers]
    layers = [layers] if isinstance(layers, Integral) else list(layers)
    indices = []
    for layer in layers:
        if isinstance(layer, bool) or not isinstance(layer, Integral) or not -n <= layer < n:
            raise ValueError(f"layers must be indices of the model's {n} layers (negative "
                             f"from the end) or a slice, got {layer!r}")
        indices.append(layer % n)
    return indices


def params_of(model, layers):
    """The parameters of some layers of a :class:`~optimlib.nn.Sequential`, as the dict an
    optimizer takes: training only them freezes every other layer.

    Parameters
    ----------
    model : optimlib.nn.Sequential
    layers : int, sequence of int, or slice
        Layer indices, negative from the end: ``-1`` is the head, ``slice(None, -1)`` every
        layer before it.

    Returns
    -------
    dict of str -> ndarray
        The model's own arrays (not copies), under the model's names.

    Raises
    ------
    ValueError
        If an index is out of range, or the layers have no parameters (activations).

    Examples
    --------
    >>> from optimlib.nn import MLP
    >>> model = MLP([4, 3, 2])
    >>> sorted(params_of(model, slice(None, -1)))
    ['0.bias', '0.weight']
    >>> params_of(model, -1)["2.weight"] is model.params["2.weight"]
    True
    """
    if not isinstance(model, Sequential):
        raise ValueError(f"model must be a Sequential (e.g. an MLP), got {type(model).__name__}")
    prefixes = tuple(f"{i}." for i in _layer_indices(model, layers))
    chosen = {name: array for name, array in model.params.items() if name.startswith(prefixes)}
    if not chosen:
        raise ValueError(f"layers {layers!r} have no parameters (activation layers only)")
    return chosen


def replace_head(model, out_features, *, init="he", seed=0):
    """A copy of a network with its last linear layer replaced by a new, randomly initialized
    one with ``out_features`` outputs.

    The other layers are deep copies, so the pretrained model is not changed by training the
    new one, and several models can start from the same pretrained layers.

    Parameters
    ----------
    model : optimlib.nn.Sequential
        Ends with a :class:`~optimlib.nn.Linear` layer (the source task's head).
    out_features : int
        Outputs of the new head (the target task's classes).
    init : {"he", "xavier"}, default "he"
    seed : int or numpy.random.Generator, default 0
        Initializes the new head.

    Returns
    -------
    optimlib.nn.Sequential

    Examples
    --------
    >>> from optimlib.nn import MLP
    >>> replace_head(MLP([64, 32, 5]), 3)
    Sequential(
      (0): Linear(64, 32)
      (1): ReLU()
      (2): Linear(32, 3)
    )
    """
    if not isinstance(model, Sequential) or not model.layers or not isinstance(
            model.layers[-1], Linear):
        raise ValueError("model must be a Sequential whose last layer is a Linear head")
    body = copy.deepcopy(model.layers[:-1])
    head = Linear(model.layers[-1].in_features, out_features, init=init, seed=seed,
                  dtype=model.dtype)
    return Sequential(*body, head)


class ExtraOptimizer(Callback):
    """A second optimizer stepped in every training step of :func:`~optimlib.train.fit`.

    ``fit`` steps its own optimizer; this callback steps another one, built on another
    subset of the parameters, with the same gradients (after the backward pass, before the
    first optimizer's step). Two learning rates in one training, e.g. fine-tuning the
    pretrained layers ten times more slowly than a new head::

        head, body = params_of(model, -1), params_of(model, slice(None, -1))
        fit(model, Adam(head, lr=1e-2), X, y, epochs=30, batch_size=32,
            callbacks=[ExtraOptimizer(Adam(body, lr=1e-3))])

    Two parameter groups of one optimizer (torch's way, which :func:`~optimlib.train.fit`
    also trains) give the same weights; a scheduler passed to ``fit`` then sets each group's
    rate, while with this callback it changes the first optimizer's rate only.

    Parameters
    ----------
    optimizer : optimlib.optim.Optimizer
        Built on a dict of some of the model's parameters.
    """

    def __init__(self, optimizer):
        names = getattr(optimizer, "param_names", None)
        if names is None or not all(isinstance(name, str) for name in names):
            raise ValueError("optimizer must be built on a dict of the model's parameters "
                             "(name -> array)")
        self.optimizer = optimizer

    def on_train_begin(self, model, history):
        unknown = [name for name in self.optimizer.param_names if name not in model.params]
        if unknown or any(array is not model.params[name] for name, array
                          in zip(self.optimizer.param_names, self.optimizer.params)):
            raise ValueError("ExtraOptimizer's optimizer must be built on the model's own "
                             f"parameter arrays (unknown names: {unknown})")

    def on_step_begin(self, model, step):
        self.optimizer.step({name: model.grads[name] for name in self.optimizer.param_names})


# -- measuring features ------------------------------------------------------------------------
def class_separation(features, labels):
    r"""Spread of the class means over the spread within the classes (Fisher's criterion in
    its trace form):

    .. math:: S = \frac{\frac1K\sum_{c} \|\mu_c - \mu\|^2}
       {\frac1K\sum_{c} \frac{1}{n_c}\sum_{i:\,y_i = c} \|h_i - \mu_c\|^2},

    with the features :math:`h_i`, the :math:`K` class means :math:`\mu_c` over their
    :math:`n_c` samples and the mean :math:`\mu` of all samples. Large values: the classes
    form tight, distant clusters, and a linear classifier on these features needs few labels;
    it does not change if the features are rescaled or rotated.

    Parameters
    ----------
    features : array_like, shape (n, d)
        E.g. a hidden layer's outputs, ``body.predict_outputs(X)``.
    labels : array_like of int, shape (n,)
        At least two classes.

    Returns
    -------
    float

    Examples
    --------
    >>> h = np.array([[0.0], [2.0], [10.0], [12.0]])
    >>> class_separation(h, [0, 0, 1, 1])  # means 1, 11 around 6; spread 1
    25.0
    """
    features = check_array("features", features, ndim=2)
    labels = check_labels("labels", labels)
    if labels.size != features.shape[0]:
        raise ValueError(f"labels has {labels.size} entries for {features.shape[0]} rows")
    classes = np.unique(labels)
    if classes.size < 2:
        raise ValueError("class_separation needs samples of at least two classes")
    mean = features.mean(axis=0)
    between, within = 0.0, 0.0
    for c in classes:
        members = features[labels == c]
        class_mean = members.mean(axis=0)
        between += float(np.sum((class_mean - mean) ** 2))
        within += float(np.mean(np.sum((members - class_mean) ** 2, axis=1)))
    return between / within if within > 0 else float("inf")


def effective_dimension(features):
    r"""How many directions the features use: the participation ratio of the eigenvalues
    :math:`\lambda_j` of their covariance matrix :math:`C`,

    .. math:: d_{\text{eff}} = \frac{\bigl(\sum_j \lambda_j\bigr)^2}{\sum_j \lambda_j^2}
       = \frac{(\operatorname{tr} C)^2}{\|C\|_F^2},

    which is :math:`k` when the variance is spread equally over :math:`k` directions and 1
    when it lies along one. The second form needs no eigendecomposition.

    Parameters
    ----------
    features : array_like, shape (n, d)

    Returns
    -------
    float
        In ``[1, d]``; NaN for features that do not vary.

    Examples
    --------
    >>> h = np.array([[1.0, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0]])
    >>> effective_dimension(h)        # variance in two directions, equally
    2.0
    """
    features = check_array("features", features, ndim=2)
    centred = features - features.mean(axis=0)
    covariance = centred.T @ centred / len(features)
    squared = float(np.sum(covariance ** 2))
    return float(np.trace(covariance)) ** 2 / squared if squared > 0 else float("nan")
