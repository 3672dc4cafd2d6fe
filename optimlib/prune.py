r"""Pruning: masks that remove weights, training that keeps them removed, and what it buys.

A **mask** is a boolean array shaped like its weight, ``True`` where the weight is kept. The
functions that compute masks have the names and semantics of ``torch.nn.utils.prune``, on
numpy arrays: they are pure (they return a new mask and never change the weight), and a second
call prunes among the entries the old mask still keeps, so masks compound as in torch's
pruning container:

>>> import numpy as np
>>> w = np.array([[0.3, -2.0], [0.1, 1.5], [-0.7, 0.05]])
>>> mask = l1_unstructured(w, amount=0.5)    # 3 smallest |w| of 6 go
>>> mask
array([[False,  True],
       [False,  True],
       [ True, False]])
>>> l1_unstructured(w, amount=1, mask=mask)  # then the smallest kept
array([[False,  True],
       [False,  True],
       [False, False]])

Pruning a model means computing masks, then zeroing the pruned weights with
:func:`apply_masks`, the one place where masks touch weights: :math:`\theta \leftarrow m
\odot \theta`. Training a pruned model keeps them zero with :class:`MaskedTraining` (a callback
for :func:`optimlib.train.fit`) or :func:`masked_step` (a bare loop). Around these sit the
tools of the pruning chapter: :func:`magnitude_prune` (layer-wise or global, to a target sparsity),
:func:`sparsity_report` (nonzeros and bytes, dense against compressed), the cubic schedule of
gradual pruning (:func:`cubic_sparsity`, :class:`GradualPruning`), :func:`compact` (a
structurally pruned network becomes a smaller dense one), and lottery tickets
(:class:`RewindPoint`, :func:`rewind`, :func:`random_reinit`,
:func:`iterative_magnitude_pruning`).

Our :class:`~optimlib.nn.Linear` stores ``W`` as ``(d_in, d_out)``, the transpose of torch's,
so an output neuron is a *column*: ``ln_structured(W, amount, dim=1)`` here is
``ln_structured(W.T, amount, dim=0)`` in torch.

References
----------
LeCun, Denker and Solla (1990). Optimal brain damage. NeurIPS.
Han, Pool, Tran and Dally (2015). Learning both weights and connections for efficient neural
networks. NeurIPS.
Zhu and Gupta (2018). To prune, or not to prune: exploring the efficacy of pruning for model
compression. ICLR workshop.
Frankle and Carbin (2019). The lottery ticket hypothesis: finding sparse, trainable neural
networks. ICLR.
"""

import math
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from optimlib._validation import check_int, check_real, check_rng
from optimlib.nn import MLP, Dropout, Linear, init_weight
from optimlib.train import Callback

__all__ = ["l1_unstructured", "random_unstructured", "ln_structured", "global_unstructured",
           "apply_masks", "masked_step", "MaskedTraining", "prunable_weights",
           "magnitude_prune", "LayerSparsity", "SparsityReport", "sparsity_report",
           "cubic_sparsity", "GradualPruning", "compact", "RewindPoint", "rewind",
           "random_reinit", "PruningRound", "iterative_magnitude_pruning"]


# -- checks shared by the mask functions -------------------------------------------------------
def _prune_count(amount, n_kept, what="entries"):
    r"""How many of the ``n_kept`` entries (or slices) to prune: torch's rule.

    An int ``amount`` is a count, at most ``n_kept``; a float is a fraction in [0, 1] of
    ``n_kept``, rounded with Python's ``round`` (half to even), as
    ``torch.nn.utils.prune._compute_nparams_toprune`` does.
    """
    if isinstance(amount, (bool, np.bool_)) or not isinstance(amount, Real):
        raise ValueError(f"amount must be a fraction in [0, 1] (a float) or a number of "
                         f"{what} to prune (an int), got {amount!r}")
    if isinstance(amount, Integral):
        amount = int(amount)
        if not 0 <= amount <= n_kept:
            raise ValueError(f"Invalid amount: {amount}; an int amount counts the {what} to "
                             f"prune, accepted range [0, {n_kept}] (the mask keeps {n_kept})")
        return amount
    amount = float(amount)
    if not 0.0 <= amount <= 1.0:      # also rejects NaN
        raise ValueError(f"Invalid amount: {amount!r}; a float amount is the fraction of the "
                         f"kept {what} to prune, accepted range [0, 1]")
    return round(amount * n_kept)


def _weight(name, weight):
    """A finite real array to rank (not copied when it is already a float array)."""
    array = np.asarray(weight)
    if not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)):
        raise ValueError(f"{name} must be an array of real numbers, got dtype {array.dtype}")
    if array.ndim == 0:
        raise ValueError(f"{name} must be an array, got a scalar")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values, which have no magnitude "
                         "to rank")
    return array


def _mask(name, mask, shape):
    """A fresh boolean copy of ``mask`` (all True if None), checked against ``shape``."""
    if mask is None:
        return np.ones(shape, dtype=bool)
    mask = np.asarray(mask)
    if mask.shape != tuple(shape):
        raise ValueError(f"{name} has shape {mask.shape}, its weight has shape {tuple(shape)}")
    if mask.dtype != bool:
        if not np.isin(mask, (0, 1)).all():
            raise ValueError(f"{name} must be boolean (True = kept) or 0/1, got values "
                             f"{np.unique(mask)[:5]}")
    return mask.astype(bool)           # a copy: the caller's mask is never changed


# -- masks -------------------------------------------------------------------------------------
def l1_unstructured(weight, amount, mask=None):
    r"""Magnitude pruning: the kept entries with the smallest :math:`|w|` are pruned.

    Among the entries that ``mask`` keeps (all, if it is None), the
    :math:`k` with the smallest absolute value are pruned, where :math:`k` is ``amount`` if it
    is an int, else ``round(amount * n_kept)``. Equivalently, with :math:`\tau` the
    :math:`k`-th smallest kept magnitude,

    .. math:: m'_{ij} = m_{ij}\,[\,|w_{ij}| > \tau\,] ,

    up to ties at :math:`\tau`. Ties are broken by position: of equal magnitudes, the entry
    that comes first in C order is pruned first. (torch's ``topk`` breaks them in an order it
    does not specify; the number pruned and the threshold are the same.)

    Parameters
    ----------
    weight : array_like
        The weight (or any importance score); not changed.
    amount : float in [0, 1] or int >= 0
        Fraction of the *kept* entries to prune, or their number; so calling again prunes a
        fraction of what is left.
    mask : array_like of bool, optional
        The current mask (True = kept); not changed.

    Returns
    -------
    ndarray of bool
        The new mask: the old one AND the new cut.

    Raises
    ------
    ValueError
        For a bad ``amount`` (negative, above 1, NaN, not a number, or an int larger than the
        number of kept entries) or a mask of the wrong shape.

    References
    ----------
    Han, Pool, Tran and Dally (2015). ``torch.nn.utils.prune.l1_unstructured``.

    Examples
    --------
    >>> l1_unstructured(np.array([0.5, -3.0, 0.1, 2.0]), amount=0.5)
    array([False,  True, False,  True])
    """
    weight = _weight("weight", weight)
    mask = _mask("mask", mask, weight.shape)
    kept = np.flatnonzero(mask)
    k = _prune_count(amount, kept.size)
    if k:
        order = np.argsort(np.abs(weight.reshape(-1)[kept]), kind="stable")
        mask.reshape(-1)[kept[order[:k]]] = False
    return mask


def random_unstructured(weight, amount, mask=None, seed=0):
    r"""Random pruning: ``amount`` of the kept entries, chosen uniformly at random, are pruned.

    The control experiment for magnitude pruning: same number of entries, no criterion.
    torch draws from its own generator, so the entries chosen differ from torch's; their
    number is the same.

    Parameters
    ----------
    weight : array_like
        Only its shape is used.
    amount : float in [0, 1] or int >= 0
        As in :func:`l1_unstructured`.
    mask : array_like of bool, optional
    seed : int or numpy.random.Generator, default 0

    Returns
    -------
    ndarray of bool

    Examples
    --------
    >>> random_unstructured(np.ones((2, 3)), amount=2, seed=0).sum()
    np.int64(4)
    """
    weight = _weight("weight", weight)
    mask = _mask("mask", mask, weight.shape)
    kept = np.flatnonzero(mask)
    k = _prune_count(amount, kept.size)
    chosen = check_rng(seed).choice(kept.size, size=k, replace=False)
    mask.reshape(-1)[kept[chosen]] = False
    return mask


def ln_structured(weight, amount, n=2, dim=1, mask=None):
    r"""Structured pruning: whole slices along ``dim`` with the smallest :math:`L_n` norm go.

    A slice (a *channel*) is ``weight`` with index ``j`` along ``dim``; its norm is
    :math:`\|w_{\cdot j}\|_n` over all its entries, computed on the weight with the pruned
    entries zeroed, as torch computes it on ``weight_orig * weight_mask``. Slices that ``mask``
    has already pruned entirely are not candidates, and ``amount`` counts the remaining ones.
    For our :class:`~optimlib.nn.Linear` weight of shape ``(d_in, d_out)``, ``dim=1`` prunes
    output neurons (columns); torch's ``dim=0`` on its transposed weight is the same.

    Parameters
    ----------
    weight : array_like, at least 2-D
    amount : float in [0, 1] or int >= 0
        Fraction (or number) of the still-kept slices to prune.
    n : float, default 2
        Order of the norm: any real :math:`n > 0`, or ``numpy.inf`` (largest magnitude).
    dim : int, default 1
        The axis whose slices are pruned.
    mask : array_like of bool, optional

    Returns
    -------
    ndarray of bool
        Ties are broken as in :func:`l1_unstructured`: the earlier slice goes first.

    References
    ----------
    ``torch.nn.utils.prune.ln_structured``; Li, Kadav, Durdanovic, Samet and Graf (2017).
    Pruning filters for efficient ConvNets. ICLR.

    Examples
    --------
    >>> W = np.array([[1.0, 0.1, -2.0], [1.0, 0.2, 0.0]])   # 3 neurons
    >>> ln_structured(W, amount=1, dim=1)     # column norms 1.41, 0.22, 2
    array([[ True, False,  True],
           [ True, False,  True]])
    """
    weight = _weight("weight", weight)
    if weight.ndim < 2:
        raise ValueError(f"structured pruning needs a weight with at least 2 dimensions, got "
                         f"shape {weight.shape}")
    dim = check_int("dim", dim, low=-weight.ndim, high=weight.ndim - 1) % weight.ndim
    if not (n == math.inf or (isinstance(n, Real) and not isinstance(n, bool) and n > 0
                              and math.isfinite(n))):
        raise ValueError(f"n must be a real number > 0 or numpy.inf, got {n!r}")
    mask = _mask("mask", mask, weight.shape)
    other = tuple(axis for axis in range(weight.ndim) if axis != dim)
    kept = np.flatnonzero(mask.any(axis=other))   # slices not yet pruned entirely
    k = _prune_count(amount, kept.size, what="slices")
    if k:
        slices = np.moveaxis(np.where(mask, weight, 0), dim, 0).reshape(weight.shape[dim], -1)
        norms = np.linalg.norm(slices[kept], ord=n, axis=1)
        pruned = kept[np.argsort(norms, kind="stable")[:k]]
        index = [slice(None)] * weight.ndim
        index[dim] = pruned
        mask[tuple(index)] = False
    return mask


def global_unstructured(weights, amount, masks=None):
    r"""Magnitude pruning with one threshold for several weights at once.

    The weights are flattened and concatenated, and :func:`l1_unstructured` prunes the
    smallest magnitudes of the whole vector, exactly as ``torch.nn.utils.prune
    .global_unstructured(..., pruning_method=L1Unstructured)`` does. Layers whose weights are
    small lose more than others; ``amount`` counts the entries all masks still keep.

    Parameters
    ----------
    weights : dict of str -> array_like
        E.g. :func:`prunable_weights` of a model.
    amount : float in [0, 1] or int >= 0
    masks : dict of str -> array_like of bool, optional
        Current masks for some or all of ``weights`` (missing ones keep everything).

    Returns
    -------
    dict of str -> ndarray of bool
        A new mask for every entry of ``weights``.

    Examples
    --------
    >>> masks = global_unstructured({"a": np.array([3.0, 0.1]),
    ...                              "b": np.array([0.2, 0.3, 5.0])}, 0.6)
    >>> masks["a"], masks["b"]                  # 3 of 5 go, 2 of them in b
    (array([ True, False]), array([False, False,  True]))
    """
    if not isinstance(weights, dict) or not weights:
        raise ValueError("weights must be a non-empty dict of name -> array")
    masks = {} if masks is None else masks
    unknown = [name for name in masks if name not in weights]
    if unknown:
        raise ValueError(f"masks has entries {unknown} that are not in weights")
    arrays = {name: _weight(f"weights[{name!r}]", w) for name, w in weights.items()}
    flat_weight = np.concatenate([w.reshape(-1) for w in arrays.values()])
    flat_mask = np.concatenate([_mask(f"masks[{name!r}]", masks.get(name), w.shape).reshape(-1)
                                for name, w in arrays.items()])
    flat_mask = l1_unstructured(flat_weight, amount, flat_mask)
    new, start = {}, 0
    for name, w in arrays.items():
        new[name] = flat_mask[start:start + w.size].reshape(w.shape)
        start += w.size
    return new


# -- applying masks, and training with them ----------------------------------------------------
def apply_masks(arrays, masks):
    r"""Zero, in place, every entry that a mask prunes: :math:`\theta \leftarrow m \odot \theta`.

    The one place where masks touch arrays: :func:`magnitude_prune` calls it on the
    parameters; training calls it on the gradients before each optimizer step and on the
    parameters after it (:class:`MaskedTraining`, :func:`masked_step`).

    Parameters
    ----------
    arrays : dict of str -> ndarray
        E.g. ``model.params`` or ``model.grads``; changed in place.
    masks : dict of str -> ndarray of bool
        Masks for some of the arrays; the others are left alone.

    Returns
    -------
    arrays : the same dict

    Examples
    --------
    >>> params = {"w": np.array([1.0, -2.0, 3.0])}
    >>> apply_masks(params, {"w": np.array([True, False, True])})["w"]
    array([1., 0., 3.])
    """
    for name, mask in masks.items():
        if name not in arrays:
            raise ValueError(f"masks[{name!r}] has no array of that name; arrays has "
                             f"{list(arrays)}")
        array = arrays[name]
        if np.shape(mask) != array.shape:
            raise ValueError(f"masks[{name!r}] has shape {np.shape(mask)}, the array has "
                             f"{array.shape}")
        np.putmask(array, ~np.asarray(mask, dtype=bool), 0)   # +0.0, not -0.0 as m * θ gives
    return arrays


def masked_step(optimizer, model, masks):
    r"""One optimizer step of a pruned model, for a hand-written training loop.

    Call it after ``model.backward``. It masks the gradients (so momentum buffers and Adam's
    moments see a zero gradient at pruned entries, as torch's ``weight_orig`` does), steps,
    and masks the parameters again (history from before the pruning, and decoupled weight
    decay, would otherwise move a pruned weight off zero):

    .. math:: g \leftarrow m \odot g, \qquad \theta \leftarrow \operatorname{step}(\theta, g),
       \qquad \theta \leftarrow m \odot \theta .

    Parameters
    ----------
    optimizer : optimlib.optim.Optimizer
        Built on ``model.params``.
    model : optimlib.nn.Module
        Its ``grads`` hold the gradients of the last backward pass.
    masks : dict of str -> ndarray of bool
    """
    apply_masks(model.grads, masks)
    optimizer.step(model.grads)
    apply_masks(model.params, masks)


class MaskedTraining(Callback):
    r"""Keep pruned weights exactly zero while :func:`~optimlib.train.fit` trains.

    The callback version of :func:`masked_step`: it masks the parameters when training
    begins, the gradients before every optimizer step, and the parameters after it. Pruned
    weights then stay zero through any number of steps of any optimizer of
    :mod:`optimlib.optim`, with momentum, Adam's moments and weight decay.

    Parameters
    ----------
    masks : dict of str -> ndarray of bool
        Keyed like ``model.params`` (e.g. ``"0.weight"``); the attribute ``masks`` may be
        replaced between steps (:class:`GradualPruning` does).

    Examples
    --------
    >>> from optimlib.nn import MLP
    >>> from optimlib.optim import SGD
    >>> from optimlib.train import fit
    >>> X = np.random.default_rng(0).standard_normal((40, 4))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> model = MLP([4, 8, 2], seed=0)
    >>> masks = magnitude_prune(model, 0.5)
    >>> opt = SGD(model.params, lr=0.1, momentum=0.9)
    >>> history = fit(model, opt, X, y, epochs=3, batch_size=8,
    ...               callbacks=[MaskedTraining(masks)])
    >>> sparsity_report(prunable_weights(model)).sparsity
    0.5
    """

    def __init__(self, masks):
        if not isinstance(masks, dict):
            raise ValueError(f"masks must be a dict of name -> boolean array, got "
                             f"{type(masks).__name__}")
        self.masks = masks

    def on_train_begin(self, model, history):
        apply_masks(model.params, self.masks)

    def on_step_begin(self, model, step):
        apply_masks(model.grads, self.masks)

    def on_step_end(self, model, step):
        apply_masks(model.params, self.masks)


def prunable_weights(model):
    """The weight matrices of a model, ``{name: array}``: its parameters with 2 or more
    dimensions (biases, a negligible share of the parameters, are not pruned).

    Examples
    --------
    >>> list(prunable_weights(MLP([4, 8, 2])))
    ['0.weight', '2.weight']
    """
    return {name: array for name, array in model.params.items() if array.ndim >= 2}


_SCOPES = ("layer", "global")


def magnitude_prune(model, sparsity, *, scope="layer", masks=None):
    r"""Prune a model's weights by magnitude to a target sparsity, and zero them.

    With ``scope="layer"`` every weight matrix loses the fraction ``sparsity`` of its entries
    (:func:`l1_unstructured` per layer); with ``scope="global"``, the fraction ``sparsity`` of
    all weights goes, below one common threshold (:func:`global_unstructured`). Only entries
    that ``masks`` still keeps are candidates, so the masks compound. The number pruned in
    total is ``round(sparsity * size)``; from the current masks this is an int ``amount`` in
    torch's sense. The new masks are applied to ``model.params`` (:func:`apply_masks`).

    Parameters
    ----------
    model : optimlib.nn.Module
    sparsity : float in [0, 1]
        Fraction of the weights (of each layer, or of all) that is pruned afterwards.
    scope : {"layer", "global"}, default "layer"
    masks : dict of str -> ndarray of bool, optional
        Current masks; they must not already prune more than ``sparsity``.

    Returns
    -------
    dict of str -> ndarray of bool
        The new masks, one per weight matrix.

    Examples
    --------
    >>> model = MLP([4, 8, 2], seed=0)
    >>> masks = magnitude_prune(model, 0.75, scope="global")
    >>> report = sparsity_report(prunable_weights(model))
    >>> report.sparsity, [round(r.sparsity, 3) for r in report.layers]
    (0.75, [0.781, 0.688])
    """
    sparsity = check_real("sparsity", sparsity, low=0, high=1)
    if scope not in _SCOPES:
        raise ValueError(f"scope must be one of {_SCOPES}, got {scope!r}")
    weights = prunable_weights(model)
    masks = {name: _mask(f"masks[{name!r}]", (masks or {}).get(name), w.shape)
             for name, w in weights.items()}
    groups = [list(weights)] if scope == "global" else [[name] for name in weights]
    new = {}
    for names in groups:
        size = sum(weights[name].size for name in names)
        pruned = sum(int(np.count_nonzero(~masks[name])) for name in names)
        count = round(sparsity * size) - pruned
        if count < 0:
            raise ValueError(f"the masks already prune {pruned} of {size} weights of "
                             f"{names}, more than sparsity={sparsity} asks for")
        new.update(global_unstructured({name: weights[name] for name in names}, count,
                                       {name: masks[name] for name in names}))
    apply_masks(model.params, new)
    return new


# -- what pruning buys: the sparsity report ----------------------------------------------------
@dataclass(frozen=True)
class LayerSparsity:
    """One array of a :class:`SparsityReport`.

    Attributes
    ----------
    name : str
    shape : tuple of int
    size : int
        Number of entries.
    nonzeros : int
    dense_bytes : int
        ``size`` times the bytes of one value.
    sparse_bytes : int
        Compressed sparse row (CSR) storage: the nonzero values, one column index each, and
        one row pointer per row plus one (a 1-D array counts as one row).
    """

    name: str
    shape: tuple
    size: int
    nonzeros: int
    dense_bytes: int
    sparse_bytes: int

    @property
    def sparsity(self):
        """Fraction of the entries that are zero."""
        return 1 - self.nonzeros / self.size


@dataclass(frozen=True)
class SparsityReport:
    """Sparsity and storage of a set of arrays, layer by layer and in total.

    Attributes
    ----------
    layers : tuple of LayerSparsity
    size, nonzeros, dense_bytes, sparse_bytes : int
        The totals over the layers.
    """

    layers: tuple
    size: int
    nonzeros: int
    dense_bytes: int
    sparse_bytes: int

    sparsity = LayerSparsity.sparsity        # the same property: 1 - nonzeros / size

    @property
    def compression(self):
        """``size / nonzeros``: how many times fewer numbers are stored, the ratio Han et
        al. (2015) report as the compression rate of pruning."""
        return self.size / self.nonzeros if self.nonzeros else math.inf

    @property
    def byte_compression(self):
        """``dense_bytes / sparse_bytes``: the ratio in memory, indices included."""
        return self.dense_bytes / self.sparse_bytes

    def __str__(self):
        width = max(12, *(len(layer.name) for layer in self.layers))
        lines = [f"{'array':<{width}} {'shape':>10} {'nonzeros':>9} {'sparsity':>8} "
                 f"{'dense B':>9} {'CSR B':>9}"]
        rows = [(layer.name, "x".join(map(str, layer.shape)), layer) for layer in self.layers]
        rows.append(("total", "", self))
        for name, shape, item in rows:
            lines.append(f"{name:<{width}} {shape:>10} {item.nonzeros:>9,d} "
                         f"{item.sparsity:>8.1%} {item.dense_bytes:>9,d} "
                         f"{item.sparse_bytes:>9,d}")
        lines.append(f"compression {self.compression:.1f}x in numbers, "
                     f"{self.byte_compression:.1f}x in bytes")
        return "\n".join(lines)


def sparsity_report(arrays, *, index_bytes=4):
    r"""Count nonzeros and bytes, so that "12× smaller" is computed, not asserted.

    For an array with :math:`N` entries of :math:`b` bytes each, :math:`z` of them nonzero,
    in :math:`r` rows, dense storage takes :math:`bN` bytes and compressed sparse row (CSR)
    storage, with indices of :math:`c` bytes,

    .. math:: b z + c z + c (r + 1)

    bytes: each nonzero value with its column index, plus the row pointers (what
    ``scipy.sparse.csr_matrix`` stores with 32-bit indices). CSR is smaller only if the
    density :math:`z/N` is below about :math:`b/(b + c)`: 2/3 for float64, 1/2 for float32.

    Parameters
    ----------
    arrays : dict of str -> ndarray, or optimlib.nn.Module
        A model stands for all its parameters (``model.params``);
        ``prunable_weights(model)`` for its weight matrices only.
    index_bytes : int, default 4
        Bytes of one index (4: int32).

    Returns
    -------
    SparsityReport

    Examples
    --------
    >>> report = sparsity_report({"w": np.array([[0.0, 1.0], [0.0, 0.0]])})
    >>> report.nonzeros, report.sparsity
    (1, 0.75)
    >>> report.dense_bytes, report.sparse_bytes   # 4 * 8; 8 + 4 + 3 * 4
    (32, 24)
    """
    if hasattr(arrays, "params"):
        arrays = arrays.params
    if not isinstance(arrays, dict) or not arrays:
        raise ValueError("arrays must be a model or a non-empty dict of name -> array")
    index_bytes = check_int("index_bytes", index_bytes, low=1)
    layers = []
    for name, array in arrays.items():
        array = np.asarray(array)
        nonzeros = int(np.count_nonzero(array))
        rows = array.shape[0] if array.ndim >= 2 else 1
        layers.append(LayerSparsity(
            name, array.shape, array.size, nonzeros, array.size * array.itemsize,
            nonzeros * (array.itemsize + index_bytes) + (rows + 1) * index_bytes))
    totals = (sum(getattr(layer, field) for layer in layers)
              for field in ("size", "nonzeros", "dense_bytes", "sparse_bytes"))
    return SparsityReport(tuple(layers), *totals)


# -- gradual pruning ---------------------------------------------------------------------------
def cubic_sparsity(step, final_sparsity, *, initial_sparsity=0.0, begin_step=0, end_step):
    r"""The gradual pruning schedule of Zhu and Gupta (2018): sparsity at step ``step``.

    .. math:: s_t = s_f + (s_i - s_f)\Bigl(1 - \frac{t - t_0}{n\,\Delta t}\Bigr)^3,
       \qquad t_0 \le t \le t_0 + n\Delta t ,

    with :math:`t_0` = ``begin_step`` and :math:`t_0 + n\Delta t` = ``end_step``; before
    :math:`t_0` it is :math:`s_i`, after the end :math:`s_f`. It prunes fast while many
    redundant weights remain and slowly near the final sparsity.

    Parameters
    ----------
    step : int or array_like of int
    final_sparsity : float in [0, 1]
        :math:`s_f`.
    initial_sparsity : float in [0, final_sparsity], default 0
        :math:`s_i`.
    begin_step : int >= 0, default 0
    end_step : int > begin_step

    Returns
    -------
    float, or ndarray for an array of steps

    References
    ----------
    Zhu and Gupta (2018), equation (1).

    Examples
    --------
    >>> cubic_sparsity([0, 50, 100, 200], 0.9, end_step=100)
    array([0.    , 0.7875, 0.9   , 0.9   ])
    """
    final_sparsity = check_real("final_sparsity", final_sparsity, low=0, high=1)
    initial_sparsity = check_real("initial_sparsity", initial_sparsity, low=0,
                                  high=final_sparsity)
    begin_step = check_int("begin_step", begin_step, low=0)
    end_step = check_int("end_step", end_step, low=begin_step + 1)
    progress = np.clip((np.asarray(step, dtype=float) - begin_step) / (end_step - begin_step),
                       0.0, 1.0)
    sparsity = final_sparsity + (initial_sparsity - final_sparsity) * (1 - progress) ** 3
    return float(sparsity) if sparsity.ndim == 0 else sparsity


class GradualPruning(MaskedTraining):
    r"""Prune during training, every ``frequency`` steps, along :func:`cubic_sparsity`.

    At steps :math:`t = t_0, t_0 + \Delta t, \dots, t_0 + n\Delta t` (counted in optimizer
    steps of the :func:`~optimlib.train.fit` call, from 1) the weights are pruned by magnitude
    to the sparsity :math:`s_t` (:func:`magnitude_prune`, masks compounding); in between, the
    pruned weights stay zero (:class:`MaskedTraining`) while the others train and recover
    (Zhu and Gupta 2018).

    Parameters
    ----------
    final_sparsity : float in [0, 1]
    begin_step : int >= 1
        :math:`t_0`.
    end_step : int
        :math:`t_0 + n\Delta t`; ``end_step - begin_step`` must be a multiple of
        ``frequency``, so that the last pruning step reaches ``final_sparsity``.
    frequency : int >= 1, default 1
        :math:`\Delta t`.
    initial_sparsity : float, default 0
    scope : {"layer", "global"}, default "layer"
    masks : dict, optional
        Masks to start from.

    Attributes
    ----------
    masks : dict of str -> ndarray of bool
        The current masks.
    schedule : list of (int, float)
        ``(step, sparsity)`` of every pruning step taken.

    Examples
    --------
    >>> from optimlib.optim import Adam
    >>> from optimlib.train import fit
    >>> X = np.random.default_rng(0).standard_normal((64, 4))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> model = MLP([4, 16, 2], seed=0)
    >>> pruning = GradualPruning(0.8, begin_step=4, end_step=24,
    ...                          frequency=4)
    >>> history = fit(model, Adam(model.params), X, y, epochs=4,
    ...               batch_size=8, callbacks=[pruning])
    >>> [(t, round(s, 3)) for t, s in pruning.schedule]
    [(4, 0.0), (8, 0.39), (12, 0.627), (16, 0.749), (20, 0.794), (24, 0.8)]
    >>> report = sparsity_report(prunable_weights(model))
    >>> [f"{layer.sparsity:.3f}" for layer in report.layers]  # 51/64, 26/32
    ['0.797', '0.812']
    """

    def __init__(self, final_sparsity, *, begin_step, end_step, frequency=1,
                 initial_sparsity=0.0, scope="layer", masks=None):
        super().__init__({} if masks is None else dict(masks))
        self.begin_step = check_int("begin_step", begin_step, low=1)
        self.end_step = check_int("end_step", end_step, low=self.begin_step + 1)
        self.frequency = check_int("frequency", frequency, low=1)
        if (self.end_step - self.begin_step) % self.frequency:
            raise ValueError(f"end_step - begin_step = {self.end_step - self.begin_step} must "
                             f"be a multiple of frequency = {self.frequency}")
        # validates the sparsities once, here
        cubic_sparsity(begin_step, final_sparsity, initial_sparsity=initial_sparsity,
                       begin_step=begin_step, end_step=end_step)
        self.final_sparsity, self.initial_sparsity = final_sparsity, initial_sparsity
        if scope not in _SCOPES:
            raise ValueError(f"scope must be one of {_SCOPES}, got {scope!r}")
        self.scope = scope
        self.schedule = []

    def on_step_end(self, model, step):
        super().on_step_end(model, step)
        if self.begin_step <= step <= self.end_step and \
                (step - self.begin_step) % self.frequency == 0:
            sparsity = cubic_sparsity(step, self.final_sparsity,
                                      initial_sparsity=self.initial_sparsity,
                                      begin_step=self.begin_step, end_step=self.end_step)
            self.masks = magnitude_prune(model, sparsity, scope=self.scope, masks=self.masks)
            self.schedule.append((step, sparsity))


# -- structured pruning that shrinks the network -----------------------------------------------
def compact(model):
    r"""The smaller dense :class:`~optimlib.nn.MLP` that computes what a pruned MLP computes.

    A hidden neuron :math:`j` whose incoming weights (column :math:`j` of :math:`W_\ell`) are
    all zero outputs the constant :math:`a_j = \sigma(b_{\ell j})`; its contribution to the
    next layer, :math:`a_j W_{\ell+1}[j, :]`, is folded into the next bias,

    .. math:: b_{\ell+1} \leftarrow b_{\ell+1} + \sum_{j \text{ removed}} \sigma(b_{\ell j})
       \, W_{\ell+1}[j, :] ,

    and the neuron is removed with its row of :math:`W_{\ell+1}`. (Pruning the column leaves
    the bias, as torch's ``ln_structured`` on the weight does, so this fold is needed.) A neuron
    whose outgoing weights are all zero is removed outright. Layers are processed from the
    input on, so removals cascade. The outputs agree with the pruned model's up to rounding
    (about 1e-15 relative); a layer keeps at least one (silent) neuron.

    Parameters
    ----------
    model : optimlib.nn.MLP
        In evaluation, its dropout layers are the identity, so the result has none.

    Returns
    -------
    optimlib.nn.MLP
        A new model (in evaluation mode); ``model`` is not changed.

    Examples
    --------
    >>> model = MLP([3, 4, 2], seed=0)
    >>> model.params["0.weight"][:, [1, 3]] = 0    # prune 2 hidden neurons
    >>> small = compact(model)
    >>> small.sizes
    [3, 2, 2]
    >>> X = np.random.default_rng(0).standard_normal((5, 3))
    >>> bool(np.allclose(small(X), model(X), rtol=0, atol=1e-12))
    True
    """
    if not isinstance(model, MLP):
        raise ValueError(f"compact needs an optimlib.nn.MLP, got {type(model).__name__}")
    linear = [layer for layer in model.layers if isinstance(layer, Linear)]
    activation = next((layer for layer in model.layers
                       if not isinstance(layer, (Linear, Dropout))), None)
    weights = [layer.weight.copy() for layer in linear]
    biases = [layer.bias.copy() for layer in linear]
    for i in range(len(linear) - 1):              # the neurons of hidden layer i
        dead_in = np.all(weights[i] == 0, axis=0)
        dead_out = np.all(weights[i + 1] == 0, axis=1)
        constant = activation.forward(biases[i][dead_in][np.newaxis, :])[0]
        biases[i + 1] += constant @ weights[i + 1][dead_in]
        keep = ~(dead_in | dead_out)
        if not keep.any():                        # keep one neuron, silenced
            keep[0] = True
            weights[i + 1][0] = 0
        weights[i], biases[i] = weights[i][:, keep], biases[i][keep]
        weights[i + 1] = weights[i + 1][keep]
    sizes = [weights[0].shape[0]] + [w.shape[1] for w in weights]
    small = MLP(sizes, activation=model.activation, dtype=model.dtype)
    small.load_state_dict({name: array for i, (w, b) in enumerate(zip(weights, biases))
                           for name, array in ((f"{2 * i}.weight", w), (f"{2 * i}.bias", b))})
    return small.eval()


# -- lottery tickets ---------------------------------------------------------------------------
class RewindPoint(Callback):
    """Save the parameters at one point of training, to rewind to later.

    Parameters
    ----------
    step : int, default 0
        0 saves the initial parameters (when training begins, as Frankle and Carbin 2019
        rewind); ``k >= 1`` saves them after optimizer step ``k`` of the
        :func:`~optimlib.train.fit` call ("late rewinding", Frankle et al. 2020).

    Attributes
    ----------
    state : dict or None
        ``model.state_dict()`` at that point (None until it is reached).
    """

    def __init__(self, step=0):
        self.step = check_int("step", step, low=0)
        self.state = None

    def on_train_begin(self, model, history):
        if self.step == 0:
            self.state = model.state_dict()

    def on_step_end(self, model, step):
        if step == self.step:
            self.state = model.state_dict()


def rewind(model, state, masks):
    """Reset the model to saved parameters, then zero the pruned ones.

    With the state at initialization and the masks of a trained, pruned network, this is a
    lottery ticket's starting point: the surviving weights at their initial values
    (Frankle and Carbin 2019).

    Parameters
    ----------
    model : optimlib.nn.Module
    state : dict
        From :class:`RewindPoint` or ``model.state_dict()``.
    masks : dict of str -> ndarray of bool

    Returns
    -------
    model
    """
    if state is None:
        raise ValueError("state is None: the RewindPoint was never reached during training")
    model.load_state_dict(state)
    apply_masks(model.params, masks)
    return model


def random_reinit(model, masks, seed):
    """Draw fresh initial weights (same distribution, new ``seed``), then zero the pruned ones.

    The control of the lottery ticket experiment: the same sparse structure as a winning
    ticket, but not its initial values. Every :class:`~optimlib.nn.Linear` layer gets new
    weights from :func:`~optimlib.nn.init_weight` with its own ``init`` and a zero bias.

    Parameters
    ----------
    model : optimlib.nn.Sequential
    masks : dict of str -> ndarray of bool
    seed : int or numpy.random.Generator

    Returns
    -------
    model
    """
    rng = check_rng(seed)
    state = {}
    for i, layer in enumerate(model.layers):
        if isinstance(layer, Linear):
            state[f"{i}.weight"] = init_weight(layer.in_features, layer.out_features,
                                               layer.init, seed=rng, dtype=layer.weight.dtype)
            state[f"{i}.bias"] = np.zeros_like(layer.bias)
    model.load_state_dict(state)
    apply_masks(model.params, masks)
    return model


@dataclass
class PruningRound:
    """One round of :func:`iterative_magnitude_pruning`.

    Attributes
    ----------
    sparsity : float
        The target sparsity of the round.
    masks : dict of str -> ndarray of bool
    result : object
        What ``train`` returned.
    """

    sparsity: float
    masks: dict
    result: object


def iterative_magnitude_pruning(model, train, sparsities, *, scope="layer", rewind_to=None,
                                masks=None):
    r"""Prune, (rewind,) retrain, repeat: Han et al.'s loop and the lottery ticket's.

    ``model`` arrives trained. For each target sparsity in turn, the smallest surviving
    weights are pruned (:func:`magnitude_prune`, masks compounding), and then

    - ``rewind_to=None``: the survivors keep their trained values and are fine-tuned
      (iterative pruning, Han et al. 2015);
    - ``rewind_to=state``: the survivors are reset to their values in ``state`` (the
      initialization, or an early step: :class:`RewindPoint`) and trained again (iterative
      magnitude pruning with rewinding, Frankle and Carbin 2019);

    after which ``train(model, masks)`` trains the model in place, keeping the pruned weights
    zero (e.g. :func:`~optimlib.train.fit` with :class:`MaskedTraining`), and returns what
    should be recorded.

    Parameters
    ----------
    model : optimlib.nn.Module
        Trained (dense, or pruned with ``masks``).
    train : callable
        ``train(model, masks)``; its return value is kept as ``PruningRound.result``.
    sparsities : sequence of float
        Increasing targets, e.g. ``1 - 0.8 ** np.arange(1, 8)`` (20 % of what is left each
        round).
    scope : {"layer", "global"}, default "layer"
    rewind_to : dict, optional
    masks : dict, optional
        Masks the model already has.

    Returns
    -------
    list of PruningRound
    """
    sparsities = [check_real(f"sparsities[{i}]", s, low=0, high=1)
                  for i, s in enumerate(sparsities)]
    if not sparsities or any(b < a for a, b in zip(sparsities, sparsities[1:])):
        raise ValueError(f"sparsities must be a non-empty increasing sequence, got {sparsities}")
    rounds = []
    for sparsity in sparsities:
        masks = magnitude_prune(model, sparsity, scope=scope, masks=masks)
        if rewind_to is not None:
            rewind(model, rewind_to, masks)
        rounds.append(PruningRound(sparsity, masks, train(model, masks)))
    return rounds
