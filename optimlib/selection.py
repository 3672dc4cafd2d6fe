r"""Model selection by cross-validation, each fold trained from scratch.

:math:`k`-fold cross-validation splits the :math:`n` samples into :math:`k` folds
(:func:`optimlib.data.kfold_indices`), trains on :math:`k - 1` of them and scores on the one
left out, :math:`k` times. Its estimate of the score of the *procedure* "train this model on
about :math:`n(k-1)/k` samples" is the mean of the :math:`k` fold scores,

.. math:: \hat A_{\text{CV}} = \frac1k \sum_{j=1}^{k} A\bigl(f_{-j}, \text{fold}_j\bigr),

where :math:`f_{-j}` is the model trained without fold :math:`j` (Kohavi 1995). Repeating it
with :math:`r` different shuffles (repeated cross-validation) averages out the luck of one
partition. Nothing may leak between folds: every fold trains a *fresh* model made by a
factory, and fits its preprocessing (a :class:`~optimlib.data.Standardizer`) on its own
training part only.

Choosing among candidates by their cross-validated score and reporting that same score is
optimistic: the winner was chosen *because* its score was high. :func:`nested_cross_validate`
measures the selected model honestly, by running the whole selection inside each training
part of an outer cross-validation (Varma and Simon 2006; Cawley and Talbot 2010).

A *factory* is a function ``make(seed)`` that returns a new, untrained ``(model,
optimizer)`` pair, for example::

    def make(seed):
        model = MLP([64, 32, 10], seed=seed)
        return model, AdamW(model.params, lr=0.01, weight_decay=0.1)

The training run of fold number ``f`` (counted from 0 over all repeats) is
``make(f)`` followed by ``fit(..., seed=f)``: runs differ between folds, and two candidates
compared on the same folds get the same run seeds, so their fold scores are paired.

References
----------
Kohavi, R. (1995). A study of cross-validation and bootstrap for accuracy estimation and
model selection. IJCAI.
Varma, S. and Simon, R. (2006). Bias in error estimation when using cross-validation for
model selection. BMC Bioinformatics 7:91.
Cawley, G. C. and Talbot, N. L. C. (2010). On over-fitting in model selection and subsequent
selection bias in performance evaluation. Journal of Machine Learning Research 11.
"""

from dataclasses import dataclass, field

import numpy as np

from optimlib._validation import check_array, check_int, check_labels, check_rng
from optimlib.data import Standardizer, kfold_indices
from optimlib.metrics import accuracy
from optimlib.train import fit

__all__ = ["CVResult", "cross_validate", "GridSearchResult", "grid_search", "NestedCVResult",
           "nested_cross_validate"]


@dataclass
class CVResult:
    """What :func:`cross_validate` returns.

    Attributes
    ----------
    scores : ndarray, shape (n_repeats, n_splits)
        The score of each fold's model on its validation fold.
    histories : list of list of optimlib.train.History
        ``histories[r][j]``: the learning curves of fold ``j`` of repeat ``r``, with the
        validation fold as validation data.
    folds : list of list of (ndarray, ndarray)
        ``folds[r][j]``: the (training, validation) row indices of that fold.
    models : list of list of optimlib.nn.Module
        The trained models (only with ``return_models=True``, else empty).
    """

    scores: np.ndarray
    histories: list
    folds: list
    models: list = field(default_factory=list)

    @property
    def mean(self):
        """The cross-validated score: the mean over all folds of all repeats."""
        return float(np.mean(self.scores))

    def __repr__(self):
        r, k = self.scores.shape
        return f"CVResult(mean={self.mean:.4f}, n_repeats={r}, n_splits={k})"


def _fold_run(make, run_seed, X, y, train, val, preprocessing, scoring, fit_options):
    """Train a fresh model on rows ``train`` and score it on rows ``val``; the preprocessing
    is fitted on the training rows only."""
    X_train, X_val = X[train], X[val]
    if preprocessing is not None:
        scaler = preprocessing().fit(X_train)
        X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)
    made = make(run_seed)
    if not (isinstance(made, tuple) and len(made) == 2):
        raise ValueError("make(seed) must return a new (model, optimizer) pair, got "
                         f"{type(made).__name__}")
    model, optimizer = made
    history = fit(model, optimizer, X_train, y[train], validation_data=(X_val, y[val]),
                  seed=run_seed, **fit_options)
    return float(scoring(y[val], model.predict(X_val))), history, model


def _checked(make, X, y, stratify, preprocessing, scoring, fit_options):
    if not callable(make):
        raise ValueError(f"make must be a function make(seed) -> (model, optimizer), got "
                         f"{make!r}")
    if not callable(scoring):
        raise ValueError(f"scoring must be a metric scoring(y_true, y_pred), got {scoring!r}")
    if preprocessing is not None and not callable(preprocessing):
        raise ValueError("preprocessing must be a class or factory with fit/transform "
                         f"(e.g. Standardizer) or None, got {preprocessing!r}")
    for required in ("epochs", "batch_size"):
        if required not in fit_options:
            raise ValueError(f"pass {required}= (it is handed to optimlib.train.fit)")
    for reserved in ("validation_data", "seed"):
        if reserved in fit_options:
            raise ValueError(f"{reserved} is set by cross-validation for each fold; do not "
                             "pass it")
    X = check_array("X", X, ndim=2)
    y = check_labels("y", y) if stratify else np.asarray(y)
    if len(y) != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {len(y)}")
    return X, y


def cross_validate(make, X, y, *, n_splits=5, n_repeats=1, stratify=True, seed=0,
                   preprocessing=Standardizer, scoring=accuracy, return_models=False,
                   **fit_options):
    r"""(Repeated) :math:`k`-fold cross-validation of a training procedure, as one call.

    For each of ``n_repeats`` shuffles and each of the ``n_splits`` folds: fit
    ``preprocessing`` on the training part, build a fresh model with ``make``, train it with
    :func:`optimlib.train.fit` (the validation fold as validation data, so the history
    holds its learning curves) and score its predictions on the validation fold.

    Parameters
    ----------
    make : callable
        ``make(seed)`` returns a new ``(model, optimizer)`` pair (see the module docstring).
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
        Class labels.
    n_splits : int, default 5
        :math:`k \ge 2`.
    n_repeats : int, default 1
        :math:`r \ge 1`; each repeat shuffles anew (stratified k-fold repeated r times).
    stratify : bool, default True
        Keep the class proportions in every fold (:func:`optimlib.data.kfold_indices`).
    seed : int or numpy.random.Generator, default 0
        Draws the folds. (Fold ``f`` trains with ``make(f)`` and ``fit(seed=f)``.)
    preprocessing : class or callable, optional, default Standardizer
        Called with no argument to make a fresh transformer with ``fit`` and ``transform``,
        fitted on each training part only. None: the data are used as they are.
    scoring : callable, default :func:`optimlib.metrics.accuracy`
        ``scoring(y_true, y_pred)`` on the validation fold's predicted classes.
    return_models : bool, default False
        Keep the trained models in the result.
    **fit_options
        Passed to :func:`optimlib.train.fit`: ``epochs`` and ``batch_size`` are required;
        ``loss``, ``callbacks`` may be given.

    Returns
    -------
    CVResult

    Examples
    --------
    >>> from optimlib.data import make_moons
    >>> from optimlib.nn import MLP
    >>> from optimlib.optim import Adam
    >>> def make(seed):
    ...     model = MLP([2, 16, 2], seed=seed)
    ...     return model, Adam(model.params, lr=0.01)
    >>> X, y = make_moons(200, noise=0.1)
    >>> result = cross_validate(make, X, y, n_splits=4, epochs=30,
    ...                         batch_size=20)
    >>> result.scores.shape, result.mean > 0.9
    ((1, 4), True)
    """
    X, y = _checked(make, X, y, stratify, preprocessing, scoring, fit_options)
    n_splits = check_int("n_splits", n_splits, low=2, high=len(y))
    n_repeats = check_int("n_repeats", n_repeats, low=1)
    rng = check_rng(seed)
    folds = [kfold_indices(y, n_splits, stratify=stratify, seed=rng) for _ in range(n_repeats)]
    scores = np.empty((n_repeats, n_splits))
    histories, models = [], []
    for r, repeat in enumerate(folds):
        histories.append([])
        models.append([])
        for j, (train, val) in enumerate(repeat):
            scores[r, j], history, model = _fold_run(make, r * n_splits + j, X, y, train, val,
                                                     preprocessing, scoring, fit_options)
            histories[r].append(history)
            if return_models:
                models[r].append(model)
    return CVResult(scores, histories, folds, models if return_models else [])


@dataclass
class GridSearchResult:
    """What :func:`grid_search` returns.

    Attributes
    ----------
    best : str
        The name of the candidate with the highest cross-validated score (the first one, in
        the order given, if several tie).
    best_score : float
        Its cross-validated score: an *optimistic* estimate of its performance, since it
        made the choice.
    results : dict of str -> CVResult
        Every candidate's cross-validation, all on the same folds.
    """

    best: str
    best_score: float
    results: dict

    @property
    def mean_scores(self):
        """``{name: cross-validated score}`` in the order of the candidates."""
        return {name: result.mean for name, result in self.results.items()}


def grid_search(candidates, X, y, **cv_options):
    """Cross-validate every candidate on the same folds and pick the highest mean score.

    Parameters
    ----------
    candidates : dict of str -> callable
        Name -> factory ``make(seed)`` (see :func:`cross_validate`), e.g. one per width.
    X, y : array_like
    **cv_options
        Passed to :func:`cross_validate` (``n_splits``, ``n_repeats``, ``seed``,
        ``epochs``, ``batch_size``, ...). The same ``seed`` gives every candidate the same
        folds and run seeds, so the comparison is paired.

    Returns
    -------
    GridSearchResult
    """
    if not isinstance(candidates, dict) or not candidates:
        raise ValueError("candidates must be a non-empty dict name -> make(seed)")
    seed = cv_options.pop("seed", 0)
    if isinstance(seed, np.random.Generator):
        seed = int(seed.integers(2**31))          # one draw: the same folds for everyone
    results = {name: cross_validate(make, X, y, seed=seed, **cv_options)
               for name, make in candidates.items()}
    best = max(results, key=lambda name: results[name].mean)
    return GridSearchResult(best, results[best].mean, results)


@dataclass
class NestedCVResult:
    """What :func:`nested_cross_validate` returns.

    Attributes
    ----------
    scores : ndarray, shape (n_splits,)
        The score, on each outer validation fold, of the model that the inner selection
        chose and retrained on the outer training part.
    chosen : list of str
        The candidate chosen in each outer fold (it may differ between folds).
    inner : list of GridSearchResult
        The inner selections, one per outer fold.
    folds : list of (ndarray, ndarray)
        The outer (training, validation) row indices.
    """

    scores: np.ndarray
    chosen: list
    inner: list
    folds: list

    @property
    def mean(self):
        """The nested cross-validated score of the whole procedure "select, then train"."""
        return float(np.mean(self.scores))

    @property
    def inner_best_scores(self):
        """The winning inner score of each outer fold (what a non-nested report would
        quote); on average higher than :attr:`scores`."""
        return np.array([selection.best_score for selection in self.inner])


def nested_cross_validate(candidates, X, y, *, n_splits=5, inner_splits=3, stratify=True,
                          seed=0, preprocessing=Standardizer, scoring=accuracy,
                          **fit_options):
    r"""Nested cross-validation: an honest estimate of "select by cross-validation, then
    train the winner".

    For each outer fold: run :func:`grid_search` with ``inner_splits`` folds on the outer
    training part only, train the winning candidate afresh on the whole outer training part
    (preprocessing fitted on it) and score it on the outer validation fold, which took no
    part in the choice. The mean of the outer scores estimates the performance of the
    *selection procedure*; the inner winners' scores are optimistic (Varma and Simon 2006;
    Cawley and Talbot 2010). It costs ``n_splits * (len(candidates) * inner_splits + 1)``
    trainings.

    Parameters
    ----------
    candidates : dict of str -> callable
        As for :func:`grid_search`.
    X, y : array_like
    n_splits : int, default 5
        Outer folds.
    inner_splits : int, default 3
        Folds of the inner selection.
    stratify, preprocessing, scoring, **fit_options
        As for :func:`cross_validate`.
    seed : int or numpy.random.Generator, default 0
        Draws the outer folds and then, from the same generator, the inner ones.

    Returns
    -------
    NestedCVResult
    """
    if not isinstance(candidates, dict) or not candidates:
        raise ValueError("candidates must be a non-empty dict name -> make(seed)")
    X, y = _checked(next(iter(candidates.values())), X, y, stratify, preprocessing, scoring,
                    fit_options)
    n_splits = check_int("n_splits", n_splits, low=2, high=len(y))
    inner_splits = check_int("inner_splits", inner_splits, low=2)
    rng = check_rng(seed)
    folds = kfold_indices(y, n_splits, stratify=stratify, seed=rng)
    scores, chosen, inner = np.empty(n_splits), [], []
    for j, (train, val) in enumerate(folds):
        selection = grid_search(candidates, X[train], y[train], n_splits=inner_splits,
                                stratify=stratify, seed=int(rng.integers(2**31)),
                                preprocessing=preprocessing, scoring=scoring, **fit_options)
        scores[j] = _fold_run(candidates[selection.best], j, X, y, train, val, preprocessing,
                              scoring, fit_options)[0]
        chosen.append(selection.best)
        inner.append(selection)
    return NestedCVResult(scores, chosen, inner, folds)
