r"""Hyperparameter search with Optuna's vocabulary, small enough to read.

A **study** looks for the hyperparameters that minimize (or maximize) an objective. Each
evaluation of the objective is a **trial**: the objective asks the trial for values
(``trial.suggest_float``, ``suggest_int``, ``suggest_categorical``), trains and evaluates a
model with them, and returns its score. A **sampler** decides which values a trial gets
(:class:`GridSampler`, :class:`RandomSampler`, :class:`GPSampler` for Bayesian
optimization); a **pruner** may stop an unpromising trial early, from the intermediate scores
it reports after each epoch (:class:`SuccessiveHalvingPruner`, :class:`HyperbandPruner`).

>>> def objective(trial):
...     x = trial.suggest_float("x", -10, 10)
...     return (x - 2) ** 2
>>> study = create_study(direction="minimize",
...                      sampler=RandomSampler(seed=0))
>>> study.optimize(objective, n_trials=30)
>>> len(study.trials), round(study.best_params["x"], 1)
(30, 2.1)

The names and semantics are Optuna's (Akiba et al. 2019), so an objective written for this
module runs unchanged under ``optuna.create_study`` (raise ``optuna.TrialPruned`` there, or
import it under that name): a search that outgrows one machine moves to Optuna and its
distributed storage without being rewritten. What is deliberately different:

- a parameter keeps one range for the whole study (Optuna allows the range to change from
  trial to trial), and ``low`` must be below ``high`` (Optuna accepts ``low == high`` as a
  fixed value);
- the default sampler is :class:`RandomSampler` (Optuna's is TPE, not written here) and the
  default pruner prunes nothing (Optuna's is the median pruner);
- everything is deterministic from the samplers' seeds (default 0), and trials run one at a
  time, in this process; there is no storage, no ``n_jobs`` and no logging.

The module has four parts: studies and trials; the samplers; the Gaussian process and
expected improvement behind :class:`GPSampler`; the pruners.

References
----------
Akiba, Sano, Yanase, Ohta and Koyama (2019). Optuna: a next-generation hyperparameter
optimization framework. KDD.
"""

import binascii
import copy
import enum
import itertools
import math
import time
import warnings
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from optimlib._validation import check_array, check_int, check_real, check_rng
from optimlib.optim import Adam

__all__ = ["StudyDirection", "TrialState", "TrialPruned", "FloatDistribution",
           "IntDistribution", "CategoricalDistribution", "FrozenTrial", "Trial", "Study",
           "create_study"]


# -- states, directions, distributions --------------------------------------------------------
class StudyDirection(enum.IntEnum):
    """Whether a study minimizes or maximizes (Optuna's values)."""

    MINIMIZE = 1
    MAXIMIZE = 2


class TrialState(enum.IntEnum):
    """The life of a trial: RUNNING, then COMPLETE, PRUNED or FAIL (Optuna's values)."""

    RUNNING = 0
    COMPLETE = 1
    PRUNED = 2
    FAIL = 3

    def is_finished(self):
        """True for COMPLETE, PRUNED and FAIL."""
        return self != TrialState.RUNNING


class TrialPruned(Exception):
    """Raise it in the objective when ``trial.should_prune()`` says so; the study records the
    trial as PRUNED with its last reported value."""


class _Numerical:
    """What a float and an integer distribution share: the map to [0, 1] and back.

    A uniform :math:`u \\in [0, 1]` maps to a value with the distribution's own law
    (log-uniform for ``log``, equal weights on the points of a grid), so a random sampler
    only draws ``u``. A point of a grid owns the interval of half a step around it.
    """

    def _bounds(self):
        half = 0.5 * self.step if self.step is not None else 0.0
        low, high = self.low - half, self.high + half
        return (math.log(low), math.log(high)) if self.log else (low, high)

    def to_unit(self, value):
        """The position of ``value`` in [0, 1]."""
        low, high = self._bounds()
        return ((math.log(value) if self.log else value) - low) / (high - low)

    def from_unit(self, u):
        """The value at position ``u`` of [0, 1], rounded to the grid if there is one."""
        low, high = self._bounds()
        value = low + float(u) * (high - low)
        value = math.exp(value) if self.log else value
        if self.step is not None:
            value = self.low + round((value - self.low) / self.step) * self.step
        return self._type(min(max(value, self.low), self.high))

    def grid_units(self):
        """The positions in [0, 1] of all values if they are finitely many (a grid), else
        None."""
        if self.step is None:
            return None
        count = int(round((self.high - self.low) / self.step)) + 1
        return np.array([self.to_unit(self.low + k * self.step) for k in range(count)])

    def _check_range(self):
        if not self.low < self.high:
            raise ValueError(f"low must be below high, got low={self.low!r}, "
                             f"high={self.high!r}")
        if self.log and self.low <= 0:
            raise ValueError(f"low must be positive for a log scale, got low={self.low!r}")


@dataclass(frozen=True)
class FloatDistribution(_Numerical):
    """A real parameter in ``[low, high]``: uniform, log-uniform (``log``), or on the grid
    ``low, low + step, ...`` (``step``; ``high`` is lowered to the last grid point)."""

    low: float
    high: float
    log: bool = False
    step: float = None
    _type = float

    def __post_init__(self):
        object.__setattr__(self, "low", check_real("low", self.low))
        object.__setattr__(self, "high", check_real("high", self.high))
        self._check_range()
        if self.step is not None:
            if self.log:
                raise ValueError("step and log=True cannot be combined (as in Optuna)")
            step = check_real("step", self.step, low=0, low_open=True)
            object.__setattr__(self, "step", step)
            object.__setattr__(self, "high", self.low + math.floor(
                (self.high - self.low) / step + 1e-9) * step)


@dataclass(frozen=True)
class IntDistribution(_Numerical):
    """An integer parameter in ``[low, high]``, uniform or log-uniform, on the grid of
    ``step`` (default 1; ``log=True`` needs ``step=1``)."""

    low: int
    high: int
    log: bool = False
    step: int = 1
    _type = int

    def __post_init__(self):
        for name in ("low", "high"):
            object.__setattr__(self, name, check_int(name, getattr(self, name)))
        object.__setattr__(self, "step", check_int("step", self.step, low=1))
        self._check_range()
        if self.log and self.step != 1:
            raise ValueError(f"step must be 1 for a log scale, got step={self.step}")
        object.__setattr__(self, "high", self.high - (self.high - self.low) % self.step)


@dataclass(frozen=True)
class CategoricalDistribution:
    """One of ``choices`` (a tuple); position ``u`` in [0, 1] picks ``choices[floor(u k)]``."""

    choices: tuple

    def __post_init__(self):
        choices = tuple(self.choices)
        if not choices:
            raise ValueError("choices must not be empty")
        object.__setattr__(self, "choices", choices)

    def to_unit(self, value):
        """The centre of the interval of ``value``, ``(index + 0.5) / k``."""
        return (self.choices.index(value) + 0.5) / len(self.choices)

    def from_unit(self, u):
        """The choice whose interval holds ``u``."""
        return self.choices[min(int(u * len(self.choices)), len(self.choices) - 1)]

    def grid_units(self):
        """The centres of the intervals of all choices."""
        return (np.arange(len(self.choices)) + 0.5) / len(self.choices)


# -- trials and studies -----------------------------------------------------------------------
@dataclass
class FrozenTrial:
    """FrozenTrial(number, state=TrialState.RUNNING, value=None, params={}, ...)

    The record of one trial, as ``study.trials`` lists it.

    Attributes
    ----------
    number : int
        0, 1, 2, ... in the order the trials started.
    state : TrialState
    value : float or None
        The objective's value (COMPLETE), the last reported value (PRUNED), or None.
    params : dict
        Parameter name -> the value the trial got.
    distributions : dict
        Parameter name -> its distribution.
    intermediate_values : dict
        Step -> value, from ``trial.report``.
    user_attrs, system_attrs : dict
        Anything the objective (``trial.set_user_attr``) or a sampler or pruner stored.
    datetime_start, datetime_complete : datetime
    """

    number: int
    state: TrialState = TrialState.RUNNING
    value: float = None
    params: dict = field(default_factory=dict)
    distributions: dict = field(default_factory=dict)
    intermediate_values: dict = field(default_factory=dict)
    user_attrs: dict = field(default_factory=dict)
    system_attrs: dict = field(default_factory=dict)
    datetime_start: datetime = None
    datetime_complete: datetime = None

    @property
    def last_step(self):
        """The largest step reported, or None."""
        return max(self.intermediate_values) if self.intermediate_values else None

    @property
    def duration(self):
        """``datetime_complete - datetime_start`` (a timedelta), or None while running."""
        if self.datetime_complete is None:
            return None
        return self.datetime_complete - self.datetime_start


class Trial:
    """What the objective receives: it asks for parameter values and reports progress.

    Created by :meth:`Study.ask` (and so by :meth:`Study.optimize`), never directly.
    """

    def __init__(self, study, record, relative_params):
        self.study = study
        self._record = record
        self._relative_params = relative_params

    @property
    def number(self):
        """The trial's number in the study: 0, 1, 2, ..."""
        return self._record.number

    @property
    def params(self):
        """The values suggested so far, ``{name: value}``."""
        return dict(self._record.params)

    @property
    def distributions(self):
        """The distribution of each parameter suggested so far, ``{name: distribution}``."""
        return dict(self._record.distributions)

    @property
    def user_attrs(self):
        """What the objective stored with :meth:`set_user_attr`."""
        return dict(self._record.user_attrs)

    def set_user_attr(self, key, value):
        """Store anything with the trial (e.g. a model's size), in ``user_attrs``."""
        self._record.user_attrs[key] = value

    def suggest_float(self, name, low, high, *, step=None, log=False):
        """A real value in ``[low, high]``: uniform, log-uniform (``log=True``, ``low > 0``)
        or on the grid ``low, low + step, ...`` (``step``)."""
        return self._suggest(name, FloatDistribution(low, high, log=log, step=step))

    def suggest_int(self, name, low, high, *, step=1, log=False):
        """An integer in ``[low, high]`` (both included), optionally log-uniform."""
        return self._suggest(name, IntDistribution(low, high, log=log, step=step))

    def suggest_categorical(self, name, choices):
        """One of ``choices`` (numbers, strings, booleans or None)."""
        return self._suggest(name, CategoricalDistribution(tuple(choices)))

    def _suggest(self, name, distribution):
        record = self._record
        known = record.distributions.get(name, self.study._distributions.get(name))
        if known is not None and known != distribution:
            raise ValueError(f"parameter {name!r} was suggested with {known}, now with "
                             f"{distribution}: a parameter keeps one range in a study")
        if name in record.params:                    # asked twice in one trial: same value
            return record.params[name]
        if name in self._relative_params:
            value = self._relative_params[name]
        else:
            value = self.study.sampler.sample_independent(self.study, record, name,
                                                          distribution)
        record.params[name] = value
        record.distributions[name] = distribution
        self.study._distributions[name] = distribution
        return value

    def report(self, value, step):
        """Record an intermediate value (e.g. the validation loss after epoch ``step``).

        A step reported twice keeps its first value (with a warning), as in Optuna.
        """
        step = check_int("step", step, low=0)
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"value must be a number, got {value!r}") from None
        if step in self._record.intermediate_values:
            warnings.warn(f"step {step} was already reported for trial {self.number}; the "
                          "new value is ignored", stacklevel=2)
            return
        self._record.intermediate_values[step] = value

    def should_prune(self):
        """Whether the study's pruner would stop this trial now (then raise TrialPruned)."""
        return bool(self.study.pruner.prune(self.study, self._record))


class Study:
    """A search: its direction, sampler, pruner and the trials run so far.

    Make one with :func:`create_study`.

    Attributes
    ----------
    direction : StudyDirection
    sampler, pruner
    study_name : str
    """

    def __init__(self, *, direction="minimize", sampler=None, pruner=None, study_name=None):
        directions = {"minimize": StudyDirection.MINIMIZE, "maximize": StudyDirection.MAXIMIZE}
        if isinstance(direction, StudyDirection):
            self.direction = direction
        elif direction in directions:
            self.direction = directions[direction]
        else:
            raise ValueError(f"direction must be 'minimize' or 'maximize', got {direction!r}")
        self.sampler = RandomSampler() if sampler is None else sampler
        self.pruner = NopPruner() if pruner is None else pruner
        self.study_name = "no-name" if study_name is None else str(study_name)
        self._trials = []
        self._distributions = {}        # the search space seen so far: name -> distribution
        self._stop = False

    # -- the trials ----------------------------------------------------------------------
    @property
    def trials(self):
        """Every trial, in order (copies)."""
        return self.get_trials()

    def get_trials(self, deepcopy=True, states=None):
        """The trials (copies unless ``deepcopy=False``), optionally only those in ``states``."""
        trials = [t for t in self._trials if states is None or t.state in states]
        return copy.deepcopy(trials) if deepcopy else list(trials)

    @property
    def best_trial(self):
        """The COMPLETE trial with the best value (the first one, if several tie)."""
        complete = [t for t in self._trials if t.state == TrialState.COMPLETE]
        if not complete:
            raise ValueError("No trials are completed yet.")
        sign = 1 if self.direction == StudyDirection.MINIMIZE else -1
        return copy.deepcopy(min(complete, key=lambda t: sign * t.value))

    @property
    def best_value(self):
        return self.best_trial.value

    @property
    def best_params(self):
        return self.best_trial.params

    # -- running ---------------------------------------------------------------------------
    def ask(self):
        """Start a new trial and return it (the objective's argument)."""
        record = FrozenTrial(number=len(self._trials), datetime_start=datetime.now())
        self._trials.append(record)
        self.sampler.before_trial(self, record)
        space = self.sampler.infer_relative_search_space(self, record)
        relative = self.sampler.sample_relative(self, record, space) if space else {}
        return Trial(self, record, relative)

    def tell(self, trial, values=None, state=None):
        """Finish ``trial`` (a Trial or its number) with a value, or with a state.

        ``state=None`` means COMPLETE if ``values`` is a finite number, FAIL otherwise; a
        PRUNED trial keeps its last reported value. Returns the trial's record (a copy).
        """
        number = trial if isinstance(trial, int) else trial.number
        record = self._trials[number]
        if record.state.is_finished():
            raise ValueError(f"trial {number} is already finished ({record.state.name})")
        if isinstance(values, (list, tuple)):
            if len(values) != 1:
                raise ValueError("a study here has one objective: values must be one number")
            values = values[0]
        value = _as_finite(values)
        if state is None:
            state = TrialState.COMPLETE if value is not None else TrialState.FAIL
            if value is None:
                warnings.warn(f"trial {number} failed: the objective returned {values!r}, "
                              "not a finite number", stacklevel=2)
        if state == TrialState.PRUNED and record.intermediate_values:
            value = _as_finite(record.intermediate_values[record.last_step])
        record.state = TrialState(state)
        record.value = value if state in (TrialState.COMPLETE, TrialState.PRUNED) else None
        record.datetime_complete = datetime.now()
        self.sampler.after_trial(self, record, record.state, record.value)
        return copy.deepcopy(record)

    def optimize(self, func, n_trials=None, timeout=None, catch=(), callbacks=None):
        """Run ``func(trial)`` for ``n_trials`` trials (or until ``timeout`` seconds).

        Stops earlier when :meth:`stop` is called, by a callback or by a sampler (the grid
        sampler, when its grid is done). ``None`` for both runs until then.

        Parameters
        ----------
        func : callable
            The objective: ``func(trial)`` returns a number; it may raise
            :class:`TrialPruned`.
        n_trials : int, optional
        timeout : float, optional
            Seconds; no new trial starts after them.
        catch : tuple of exception types, default ()
            Exceptions recorded as a FAIL trial and not re-raised; any other exception is
            recorded as FAIL and then raised.
        callbacks : list of callable, optional
            ``callback(study, frozen_trial)`` after every trial, e.g. to call
            ``study.stop()``.
        """
        n_trials = None if n_trials is None else check_int("n_trials", n_trials, low=0)
        timeout = None if timeout is None else check_real("timeout", timeout, low=0)
        catch = tuple(catch) if isinstance(catch, (list, tuple)) else (catch,)
        start, done = time.perf_counter(), 0
        self._stop = False
        while not self._stop and (n_trials is None or done < n_trials):
            if timeout is not None and time.perf_counter() - start >= timeout:
                break
            trial = self.ask()
            try:
                frozen = self.tell(trial, func(trial))
            except TrialPruned:
                frozen = self.tell(trial, state=TrialState.PRUNED)
            except Exception as error:
                frozen = self.tell(trial, state=TrialState.FAIL)
                if not isinstance(error, catch):
                    raise
            done += 1
            for callback in callbacks or ():
                callback(self, frozen)

    def stop(self):
        """Stop :meth:`optimize` after the running trial."""
        self._stop = True

    def __repr__(self):
        return (f"Study(direction={self.direction.name.lower()!r}, "
                f"sampler={type(self.sampler).__name__}, pruner={type(self.pruner).__name__}, "
                f"trials={len(self._trials)})")


def _as_finite(value):
    """``value`` as a float if it is a finite number, else None."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def create_study(*, direction="minimize", sampler=None, pruner=None, study_name=None):
    """A new :class:`Study`, as ``optuna.create_study`` makes one.

    Parameters
    ----------
    direction : {"minimize", "maximize"}, default "minimize"
    sampler : sampler, optional
        Default :class:`RandomSampler` with seed 0.
    pruner : pruner, optional
        Default: no pruning.
    study_name : str, optional
        Only :class:`HyperbandPruner` uses it (to spread trials over its brackets, as Optuna
        does).

    Returns
    -------
    Study
    """
    return Study(direction=direction, sampler=sampler, pruner=pruner, study_name=study_name)


# -- samplers ---------------------------------------------------------------------------------
__all__ += ["BaseSampler", "RandomSampler", "GridSampler", "GPSampler"]


class BaseSampler:
    """Optuna's sampler interface.

    At the start of a trial the study calls ``before_trial``, then asks for the
    *relative* search space (parameters the sampler wants to choose jointly, from what it
    learned in earlier trials) and samples it with ``sample_relative``; every parameter not
    chosen that way is drawn by ``sample_independent`` when the objective asks for it.
    ``after_trial`` sees the finished trial.
    """

    def before_trial(self, study, trial):
        """Called when ``trial`` starts."""

    def infer_relative_search_space(self, study, trial):
        """Parameters to sample jointly: ``{name: distribution}`` (none by default)."""
        return {}

    def sample_relative(self, study, trial, search_space):
        """Values for the relative search space, ``{name: value}``."""
        return {}

    def sample_independent(self, study, trial, name, distribution):  # pragma: no cover
        """A value of one parameter."""
        raise NotImplementedError

    def after_trial(self, study, trial, state, value):
        """Called when ``trial`` has finished."""


class RandomSampler(BaseSampler):
    """Each parameter independently at random from its distribution (Bergstra and Bengio 2012).

    Parameters
    ----------
    seed : int or numpy.random.Generator, default 0

    References
    ----------
    Bergstra and Bengio (2012). Random search for hyper-parameter optimization. JMLR 13.
    """

    def __init__(self, seed=0):
        self.rng = check_rng(seed)

    def sample_independent(self, study, trial, name, distribution):
        return distribution.from_unit(self.rng.random())


class GridSampler(BaseSampler):
    """Every combination of the given values, once each, in a shuffled order; then the study
    stops (Optuna's ``GridSampler``).

    Parameters
    ----------
    search_space : dict of str -> list
        The values of each parameter; the grid is their Cartesian product.
    seed : int, default 0
        Shuffles the order of the grid points with NumPy's legacy ``RandomState``, as Optuna
        does, so that both visit the grid in the same order.

    Examples
    --------
    >>> study = create_study(sampler=GridSampler({"x": [0, 1], "y": [5, 6]}))
    >>> study.optimize(lambda t: t.suggest_int("x", 0, 1)
    ...                + t.suggest_int("y", 5, 6))
    >>> sorted((t.params["x"], t.params["y"]) for t in study.trials)
    [(0, 5), (0, 6), (1, 5), (1, 6)]
    """

    def __init__(self, search_space, seed=0):
        if not isinstance(search_space, dict) or not search_space:
            raise ValueError("search_space must be a non-empty dict of name -> list of values")
        self.search_space = {name: list(values) for name, values in sorted(search_space.items())}
        for name, values in self.search_space.items():
            if not values:
                raise ValueError(f"search_space[{name!r}] has no values")
        self.grid = list(itertools.product(*self.search_space.values()))
        np.random.RandomState(check_int("seed", seed, low=0)).shuffle(self.grid)
        self.rng = np.random.default_rng(seed)

    def _unvisited(self, study):
        visited = {t.system_attrs.get("grid_id") for t in study._trials}
        return [i for i in range(len(self.grid)) if i not in visited]

    def before_trial(self, study, trial):
        unvisited = self._unvisited(study)
        trial.system_attrs["grid_id"] = (unvisited[0] if unvisited
                                         else int(self.rng.integers(len(self.grid))))

    def sample_independent(self, study, trial, name, distribution):
        if name not in self.search_space:
            raise ValueError(f"parameter {name!r} is not in the grid's search_space")
        point = self.grid[trial.system_attrs["grid_id"]]
        return point[list(self.search_space).index(name)]

    def after_trial(self, study, trial, state, value):
        if not self._unvisited(study):
            study.stop()


class GPSampler(BaseSampler):
    r"""Bayesian optimization: a Gaussian process models the objective, and each trial goes
    where the expected improvement is largest (Jones et al. 1998; Snoek et al. 2012).

    The first ``n_startup_trials`` trials are random. After that, before each trial:

    1. the parameters seen in every completed trial are mapped to the unit cube (log scale
       for ``log=True``, categories one-hot) and the values are standardized to mean 0 and
       standard deviation 1 (negated first when the study maximizes);
    2. a :class:`GaussianProcess` with the Matérn 5/2 kernel is fitted, its length scales,
       amplitude and noise chosen by :func:`fit_gaussian_process` (marginal likelihood with
       weak priors, maximized by Adam);
    3. :func:`log_expected_improvement` over the best value so far is maximized: at 2048
       random points of the cube and the best point so far, then by a local random search
       around the best ten of them with shrinking steps (integer, stepped and categorical
       values are rounded before they are scored, so every candidate is a valid
       configuration). A space of at most 2048 configurations is scored exhaustively.

    Parameters the objective asks for that are not in every completed trial are drawn at
    random. Optuna's ``GPSampler`` follows the same plan with different details (quasi-random
    candidates, gradient-based local search, log EI evaluated in torch).

    Parameters
    ----------
    seed : int, default 0
    n_startup_trials : int, default 10
    deterministic_objective : bool, default False
        If True, the noise is fixed at its minimum, 1e-6, instead of fitted.
    n_candidates : int, default 2048

    References
    ----------
    Jones, Schonlau and Welch (1998). Efficient global optimization of expensive black-box
    functions. Journal of Global Optimization 13.
    Snoek, Larochelle and Adams (2012). Practical Bayesian optimization of machine learning
    algorithms. NeurIPS.
    """

    def __init__(self, *, seed=0, n_startup_trials=10, deterministic_objective=False,
                 n_candidates=2048):
        self.rng = check_rng(seed)
        self.n_startup_trials = check_int("n_startup_trials", n_startup_trials, low=1)
        self.deterministic_objective = bool(deterministic_objective)
        self.n_candidates = check_int("n_candidates", n_candidates, low=1)
        self._random = RandomSampler(seed=self.rng)
        self._last_fit = None     # warm start for the next fit: (dimension, log-parameters)
        self.last_model = None    # the Gaussian process of the last trial (for plots)

    def infer_relative_search_space(self, study, trial):
        # the parameters present, with the same distribution, in every completed trial
        space = None
        for t in study._trials:
            if t.state == TrialState.COMPLETE:
                items = set(t.distributions.items())
                space = items if space is None else space & items
        return dict(sorted(space or ()))

    def sample_relative(self, study, trial, search_space):
        complete = [t for t in study._trials if t.state == TrialState.COMPLETE]
        if len(complete) < self.n_startup_trials:
            return {}
        cube = _UnitCube(search_space)
        U = np.array([cube.to_unit(t.params) for t in complete])
        sign = 1.0 if study.direction == StudyDirection.MINIMIZE else -1.0
        y = sign * np.array([t.value for t in complete])
        y = (y - y.mean()) / max(y.std(), 1e-10)
        F = cube.features(U)
        warm = self._last_fit[1] if self._last_fit and self._last_fit[0] == F.shape[1] else None
        min_noise = 1e-6
        gp, log_params = fit_gaussian_process(F, y, init=warm, fit_noise=not
                                              self.deterministic_objective,
                                              min_noise=min_noise,
                                              steps=300 if warm is None else 100)
        self._last_fit = (F.shape[1], log_params)
        self.last_model = gp
        return cube.from_unit(self._maximize_ei(gp, cube, U[np.argmin(y)], y.min()))

    def _maximize_ei(self, gp, cube, u_best, best):
        """The point of the cube with the largest (log) expected improvement, approximately."""
        def score(U):
            mean, std = gp.predict(cube.features(U), return_std=True)
            return log_expected_improvement(mean, std, best)

        everything = cube.all_points(self.n_candidates)
        if everything is not None:                   # a small finite space: score it all
            return everything[np.argmax(score(everything))]
        # global: random points and the best point so far; keep the best ten as starts
        U = cube.snap(np.vstack([u_best, self.rng.random((self.n_candidates, cube.dim))]))
        scores = score(U)
        starts = np.argsort(-scores)[:10]
        U, scores, rows = U[starts], scores[starts], np.arange(len(starts))
        # local: around each start try 16 random moves, keep the best if it is better,
        # and shrink the moves from 0.2 to 0.001 of the cube's side
        for radius in np.geomspace(0.2, 0.001, 12):
            moves = np.repeat(U, 16, axis=0) + radius * self.rng.standard_normal(
                (16 * len(U), cube.dim))
            moved = cube.snap(np.clip(moves, 0.0, 1.0)).reshape(len(U), 16, cube.dim)
            moved_scores = score(moved.reshape(-1, cube.dim)).reshape(len(U), 16)
            best_move = np.argmax(moved_scores, axis=1)
            better = moved_scores[rows, best_move] > scores
            U[better] = moved[rows, best_move][better]
            scores[better] = moved_scores[rows, best_move][better]
        return U[np.argmax(scores)]

    def sample_independent(self, study, trial, name, distribution):
        return self._random.sample_independent(study, trial, name, distribution)


class _UnitCube:
    """A search space as the unit cube: one coordinate per parameter; for the Gaussian
    process, numerical coordinates as they are and each categorical one as a one-hot vector."""

    def __init__(self, distributions):
        self.names = list(distributions)
        self.distributions = list(distributions.values())
        self.dim = len(self.names)

    def to_unit(self, params):
        return [d.to_unit(params[name]) for name, d in zip(self.names, self.distributions)]

    def from_unit(self, u):
        return {name: d.from_unit(x) for name, d, x in zip(self.names, self.distributions, u)}

    def snap(self, U):
        """Each row moved to the nearest valid configuration (integers, steps, categories)."""
        U = np.array(U, dtype=float)
        for j, d in enumerate(self.distributions):
            units = d.grid_units()
            if units is not None:                    # finitely many values: the nearest
                U[:, j] = units[np.argmin(np.abs(U[:, j, None] - units), axis=1)]
        return U

    def all_points(self, limit):
        """Every configuration, if the space is finite and has at most ``limit`` of them."""
        grids = [d.grid_units() for d in self.distributions]
        if any(g is None for g in grids) or math.prod(len(g) for g in grids) > limit:
            return None
        return np.array(list(itertools.product(*grids)))

    def features(self, U):
        columns = []
        for j, d in enumerate(self.distributions):
            if isinstance(d, CategoricalDistribution):
                k = len(d.choices)
                index = np.minimum((U[:, j] * k).astype(int), k - 1)
                columns.append(np.eye(k)[index])
            else:
                columns.append(U[:, j:j + 1])
        return np.hstack(columns)


# -- the Gaussian process and expected improvement ---------------------------------------------
__all__ += ["matern52", "GaussianProcess", "fit_gaussian_process", "expected_improvement",
            "log_expected_improvement"]


def _scaled_differences(X1, X2, length_scales):
    """(x_j - x'_j)^2 / l_j^2 for every pair of rows, shape (n1, n2, d)."""
    return ((X1[:, None, :] - X2[None, :, :]) / length_scales) ** 2


def matern52(X1, X2, length_scales, amplitude=1.0):
    r"""The Matérn 5/2 kernel with one length scale per dimension (Rasmussen and Williams
    2006, eq. 4.17),

    .. math:: k(x, x') = a\,\Bigl(1 + \sqrt5\,r + \tfrac53 r^2\Bigr)\,e^{-\sqrt5\,r},
       \qquad r^2 = \sum_j \frac{(x_j - x'_j)^2}{\ell_j^2} .

    Its samples are twice differentiable: smooth, but less so than the squared-exponential
    kernel's, which suits objectives such as validation losses (Snoek et al. 2012).

    Parameters
    ----------
    X1 : ndarray, shape (n1, d)
    X2 : ndarray, shape (n2, d)
    length_scales : float or ndarray, shape (d,)
    amplitude : float, default 1
        :math:`a = k(x, x)`, the prior variance.

    Returns
    -------
    ndarray, shape (n1, n2)

    Examples
    --------
    >>> X = np.array([[0.0], [1.0]])
    >>> matern52(X, X, length_scales=1.0).round(4)    # (1 + √5 + 5/3) e^-√5
    array([[1.   , 0.524],
           [0.524, 1.   ]])
    """
    s = np.sqrt(5 * _scaled_differences(X1, X2, length_scales).sum(axis=2))    # √5 r
    return amplitude * (1 + s + s**2 / 3) * np.exp(-s)


class GaussianProcess:
    r"""Gaussian-process regression with a fixed Matérn 5/2 kernel and zero prior mean.

    Given training inputs :math:`X` (rows :math:`x_i`), targets :math:`y` and the kernel
    matrix :math:`K_{ij} = k(x_i, x_j)`, the posterior of :math:`f(x)` at a new point is
    normal with (Rasmussen and Williams 2006, Algorithm 2.1)

    .. math::

        \mu(x) = k_x^\top (K + \sigma_n^2 I)^{-1} y, \qquad
        s^2(x) = k(x, x) - k_x^\top (K + \sigma_n^2 I)^{-1} k_x,

    where :math:`k_x = (k(x, x_1), \dots, k(x, x_n))`. Both are computed from the Cholesky
    factor :math:`K + \sigma_n^2 I = LL^\top`: :math:`\alpha = L^{-\top}L^{-1}y` gives
    :math:`\mu(x) = k_x^\top\alpha`, and :math:`v = L^{-1}k_x` gives
    :math:`s^2(x) = k(x, x) - v^\top v`. With the same fixed kernel this is scikit-learn's
    ``GaussianProcessRegressor(amplitude * Matern(length_scales, nu=2.5), alpha=noise,
    optimizer=None)``.

    Parameters
    ----------
    length_scales : float or array_like, shape (d,)
        :math:`\ell_j > 0`, one per input dimension (or one for all).
    noise : float, default 1e-6
        :math:`\sigma_n^2 \ge 0`, the variance added to the diagonal: observation noise, and
        numerical stability of the Cholesky factorization.
    amplitude : float, default 1
        :math:`a > 0`, the prior variance :math:`k(x, x)`.
    kernel : {"matern52"}, default "matern52"

    References
    ----------
    Rasmussen and Williams (2006). Gaussian Processes for Machine Learning. MIT Press.

    Examples
    --------
    >>> X, y = np.array([[0.0], [0.5], [1.0]]), np.array([1.0, -1.0, 0.5])
    >>> gp = GaussianProcess(length_scales=0.3).fit(X, y)
    >>> mean, std = gp.predict(X, return_std=True)    # at the data: the data
    >>> mean.round(4), bool(std.max() < 1e-2)
    (array([ 1. , -1. ,  0.5]), True)
    >>> gp.predict(np.array([[1000.0]]), return_std=True)  # far: the prior
    (array([0.]), array([1.]))
    """

    def __init__(self, length_scales, noise=1e-6, amplitude=1.0, kernel="matern52"):
        if kernel != "matern52":
            raise ValueError(f"kernel must be 'matern52', got {kernel!r}")
        self.length_scales = check_array("length_scales", length_scales)
        if self.length_scales.ndim > 1 or np.any(self.length_scales <= 0):
            raise ValueError(f"length_scales must be positive numbers (one per dimension), "
                             f"got {length_scales!r}")
        self.noise = check_real("noise", noise, low=0)
        self.amplitude = check_real("amplitude", amplitude, low=0, low_open=True)
        self.kernel = kernel

    def _kernel(self, X1, X2):
        return matern52(X1, X2, self.length_scales, self.amplitude)

    def fit(self, X, y):
        """Condition on the observations ``y`` at the rows of ``X``; returns the process."""
        X = check_array("X", X, ndim=2)
        y = check_array("y", y, shape=(len(X),))
        if self.length_scales.size not in (1, X.shape[1]):
            raise ValueError(f"length_scales has {self.length_scales.size} entries for "
                             f"{X.shape[1]} input dimensions")
        K = self._kernel(X, X) + self.noise * np.eye(len(X))
        self.X_train_, self.y_train_ = X, y
        self.L_ = np.linalg.cholesky(K)                                  # K + σ²I = L Lᵀ
        self.alpha_ = np.linalg.solve(self.L_.T, np.linalg.solve(self.L_, y))   # (K + σ²I)⁻¹y
        return self

    def predict(self, X, return_std=False):
        """Posterior mean at the rows of ``X``, and its standard deviation if asked."""
        X = check_array("X", X, ndim=2)
        k_x = self._kernel(X, self.X_train_)                             # (m, n)
        mean = k_x @ self.alpha_
        if not return_std:
            return mean
        v = np.linalg.solve(self.L_, k_x.T)                              # L⁻¹ k_x
        variance = self.amplitude - np.sum(v**2, axis=0)
        return mean, np.sqrt(np.maximum(variance, 0.0))

    def log_marginal_likelihood(self):
        r""":math:`\log p(y \mid X) = -\tfrac12 y^\top\alpha - \sum_i \log L_{ii}
        - \tfrac n2\log 2\pi` (Rasmussen and Williams 2006, eq. 2.30)."""
        n = len(self.y_train_)
        return float(-0.5 * self.y_train_ @ self.alpha_ - np.log(np.diag(self.L_)).sum()
                     - 0.5 * n * math.log(2 * math.pi))

    def __repr__(self):
        return (f"GaussianProcess(length_scales={np.round(self.length_scales, 4).tolist()}, "
                f"noise={self.noise:.3g}, amplitude={self.amplitude:.3g})")


def _log_prior(length_scales, amplitude, noise):
    """Optuna's weak priors (heuristic, from its GPSampler) and their derivatives with respect
    to log length scales, log amplitude and the noise: they keep the length scales near the
    size of the unit cube and the noise small."""
    inverse = 1 / length_scales**2
    value = (-(0.1 / inverse + 0.1 * inverse).sum()            # on 1/l^2
             + math.log(amplitude) - amplitude                  # Gamma(2, 1)
             + 0.1 * math.log(noise) - 30 * noise)              # Gamma(1.1, 30)
    d_log_l = -0.2 * length_scales**2 + 0.2 * inverse
    return value, d_log_l, 1 - amplitude, 0.1 / noise - 30


def fit_gaussian_process(X, y, *, init=None, fit_noise=True, min_noise=1e-6, steps=300,
                         lr=0.1, tol=1e-2):
    r"""Choose the kernel's length scales, amplitude and noise, and fit the process.

    Maximizes the log marginal likelihood of :meth:`GaussianProcess.log_marginal_likelihood`
    plus weak log priors, over :math:`\theta = (\log\ell_1, \dots, \log\ell_d, \log a,
    \log(\sigma_n^2 - \sigma_{\min}^2))`, with :class:`optimlib.optim.Adam`. The gradient of
    the log marginal likelihood with respect to a kernel parameter :math:`\theta_p` is
    (Rasmussen and Williams 2006, eq. 5.9)

    .. math:: \frac{\partial \log p(y \mid X)}{\partial\theta_p}
       = \tfrac12 \operatorname{tr}\Bigl((\alpha\alpha^\top - K_y^{-1})
         \frac{\partial K_y}{\partial\theta_p}\Bigr), \qquad K_y = K + \sigma_n^2 I,

    with :math:`\partial K_y/\partial\log a = K` and, for the Matérn 5/2 kernel,
    :math:`\partial k/\partial\log\ell_j = \tfrac53 a(1 + \sqrt5 r)e^{-\sqrt5 r}
    (x_j - x'_j)^2/\ell_j^2`.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
        Best standardized (mean 0, standard deviation 1).
    init : ndarray, shape (d + 2,), optional
        Starting :math:`\theta` (the previous fit's, to warm-start); default all zeros
        (length scales and amplitude 1, noise :math:`1 + \sigma_{\min}^2`).
    fit_noise : bool, default True
        If False the noise stays at ``min_noise``.
    min_noise : float, default 1e-6
    steps : int, default 300
        At most this many Adam steps; fewer if no entry of the gradient exceeds ``tol``
        (Optuna's tolerance), or if 20 steps in a row improved the objective by less than
        1e-4. The best parameters seen are returned.
    lr : float, default 0.1
    tol : float, default 1e-2

    Returns
    -------
    gp : GaussianProcess
        Fitted to ``(X, y)``.
    theta : ndarray, shape (d + 2,)
        The optimized log-parameters.
    """
    X = check_array("X", X, ndim=2)
    y = check_array("y", y, shape=(len(X),))
    n, d = X.shape
    theta = np.zeros(d + 2) if init is None else check_array("init", init,
                                                             shape=(d + 2,)).copy()
    optimizer = Adam([theta], lr=lr)
    lower = np.r_[np.full(d + 1, -10.0), -30.0]        # the noise may fall to its minimum
    D = ((X[:, None, :] - X[None, :, :]) ** 2)         # squared differences, (n, n, d)

    def unpack(theta):
        noise = min_noise + (math.exp(theta[-1]) if fit_noise else 0.0)
        return np.exp(theta[:d]), math.exp(theta[d]), noise

    def objective_and_gradient(theta):
        length_scales, amplitude, noise = unpack(theta)
        s = np.sqrt(5 * (D / length_scales**2).sum(axis=2))            # √5 r
        K = amplitude * (1 + s + s**2 / 3) * np.exp(-s)
        L = np.linalg.cholesky(K + noise * np.eye(n))
        L_inverse = np.linalg.solve(L, np.eye(n))
        K_y_inverse = L_inverse.T @ L_inverse
        alpha = K_y_inverse @ y
        W = np.outer(alpha, alpha) - K_y_inverse                        # α αᵀ − K_y⁻¹
        value = -0.5 * y @ alpha - np.log(np.diag(L)).sum()
        G = (5 / 3) * amplitude * (1 + s) * np.exp(-s)                  # ∂k/∂log ℓ_j = G D_j/ℓ_j²
        grad_log_l = 0.5 * np.einsum("ik,ikj->j", W * G, D) / length_scales**2
        grad_log_a = 0.5 * np.sum(W * K)
        grad_noise = 0.5 * np.trace(W) * (noise - min_noise)
        prior, d_log_l, d_log_a, d_noise = _log_prior(length_scales, amplitude, noise)
        gradient = np.concatenate([grad_log_l + d_log_l, [grad_log_a + d_log_a],
                                   [(grad_noise + d_noise * (noise - min_noise))
                                    if fit_noise else 0.0]])
        return value + prior, gradient

    best, best_theta, waited = -math.inf, theta.copy(), 0
    for _ in range(steps):
        try:
            value, gradient = objective_and_gradient(theta)
        except np.linalg.LinAlgError:       # a step made K_y singular: keep the best so far
            break
        if value > best + 1e-4:
            best, best_theta, waited = value, theta.copy(), 0
        else:
            waited += 1
        if np.max(np.abs(gradient)) < tol or waited >= 20:   # converged, or no progress
            break
        optimizer.step([-gradient])          # Adam minimizes: ascend the log posterior
        np.clip(theta, lower, 10.0, out=theta)
    theta = best_theta
    length_scales, amplitude, noise = unpack(theta)
    gp = GaussianProcess(length_scales, noise=noise, amplitude=amplitude).fit(X, y)
    return gp, theta.copy()


_erfc = np.frompyfunc(math.erfc, 1, 1)


def _normal_cdf(z):
    r""":math:`\Phi(z) = \tfrac12\operatorname{erfc}(-z/\sqrt2)`, accurate also far in the
    lower tail."""
    return 0.5 * np.asarray(_erfc(-np.asarray(z, dtype=float) / math.sqrt(2)), dtype=float)


def _normal_pdf(z):
    return np.exp(-0.5 * np.asarray(z) ** 2) / math.sqrt(2 * math.pi)


def expected_improvement(mean, std, best):
    r"""Expected improvement of a normal prediction over the best value so far (minimizing).

    With :math:`f(x) \sim \mathcal N(\mu, s^2)` and the best value :math:`f^\star`, the
    improvement is :math:`\max(f^\star - f(x), 0)` and its expectation is (Jones, Schonlau
    and Welch 1998, eq. 15)

    .. math:: \operatorname{EI}(x) = (f^\star - \mu)\,\Phi(z) + s\,\varphi(z), \qquad
       z = \frac{f^\star - \mu}{s},

    with the standard normal distribution function :math:`\Phi` and density
    :math:`\varphi`; where :math:`s = 0`, it is :math:`\max(f^\star - \mu, 0)`. The first
    term rewards a low predicted mean (exploitation), the second a large uncertainty
    (exploration).

    Parameters
    ----------
    mean, std : array_like
        :math:`\mu(x)` and :math:`s(x) \ge 0` at the candidate points.
    best : float
        :math:`f^\star`.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> expected_improvement([0.0], [1.0], best=0.0)    # s φ(0) = 1/√(2π)
    array([0.39894228])
    """
    mean, std = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    improvement = best - mean
    z = improvement / np.where(std > 0, std, 1.0)
    ei = improvement * _normal_cdf(z) + std * _normal_pdf(z)
    return np.where(std > 0, ei, np.maximum(improvement, 0.0))


def log_expected_improvement(mean, std, best):
    r"""The logarithm of :func:`expected_improvement`, accurate where EI underflows.

    :math:`\operatorname{EI} = s\,h(z)` with :math:`h(z) = \varphi(z) + z\Phi(z)`. Far below
    the best value (:math:`z \ll 0`) both terms of :math:`h` are tiny and nearly cancel, and
    EI rounds to zero everywhere the maximizer looks. For :math:`z < -25` the asymptotic
    expansion :math:`h(z) = \varphi(z)\,z^{-2}\,(1 - 3z^{-2} + 15z^{-4} - \dots)` is used
    instead, in logarithms (Ament et al. 2023 make the same point for Bayesian optimization).
    Points with :math:`s = 0` get :math:`\log\max(f^\star - \mu, 0)`.

    References
    ----------
    Ament, Daulton, Eriksson, Balandat and Bakshy (2023). Unexpected improvements to expected
    improvement for Bayesian optimization. NeurIPS.

    Examples
    --------
    >>> float(np.exp(log_expected_improvement([0.0], [1.0], best=0.0))[0])
    0.3989422804014327
    >>> log_expected_improvement([40.0], [1.0], best=0.0).round(4)  # EI: 0
    array([-808.2986])
    """
    mean, std = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    positive = std > 0
    safe_std = np.where(positive, std, 1.0)
    z = (best - mean) / safe_std
    tail = z < -25
    zc = np.where(tail, 0.0, z)                       # the direct formula where it is exact
    with np.errstate(divide="ignore"):
        log_h = np.log(_normal_pdf(zc) + zc * _normal_cdf(zc))
        zt = np.where(tail, z, -30.0)
        log_h_tail = (-0.5 * zt**2 - 0.5 * math.log(2 * math.pi) - 2 * np.log(-zt)
                      + np.log1p(-3 / zt**2 + 15 / zt**4))
        log_ei = np.where(tail, log_h_tail, log_h) + np.log(safe_std)
        return np.where(positive, log_ei, np.log(np.maximum(best - mean, 0.0)))


# -- pruners ----------------------------------------------------------------------------------
__all__ += ["BasePruner", "NopPruner", "SuccessiveHalvingPruner", "HyperbandPruner",
            "hyperband_brackets"]


class BasePruner:
    """Optuna's pruner interface: ``prune(study, trial)`` says whether to stop ``trial``."""

    def prune(self, study, trial):  # pragma: no cover
        raise NotImplementedError


class NopPruner(BasePruner):
    """Never prunes (the default here)."""

    def prune(self, study, trial):
        return False


class SuccessiveHalvingPruner(BasePruner):
    r"""Asynchronous successive halving (Jamieson and Talwalkar 2016; Li et al. 2020), with
    Optuna's semantics.

    Rung :math:`k = 0, 1, \dots` ends at step :math:`r\,\eta^{s + k}` (``min_resource``
    :math:`r`, ``reduction_factor`` :math:`\eta`, ``min_early_stopping_rate`` :math:`s`).
    When a trial reaches the end of a rung, its value there is compared with the values of
    every trial that reached that rung before: it continues only if it is among the best
    :math:`1/\eta` of them (the best, while fewer than :math:`\eta` have arrived), otherwise
    it is pruned. So about :math:`1/\eta` of the trials survive each rung, and the
    computation goes to the promising ones. Each trial is judged when it arrives, against
    those before it (the *asynchronous* version): no trial waits for others.

    Parameters
    ----------
    min_resource : int or "auto", default "auto"
        :math:`r`, the steps before the first judgement; "auto" uses the last step of the
        longest completed trial divided by 100 (at least 1), once one has completed.
    reduction_factor : int, default 4
        :math:`\eta \ge 2`.
    min_early_stopping_rate : int, default 0
        :math:`s \ge 0`.
    bootstrap_count : int, default 0
        Trials that must have reached a rung before any is promoted from it.

    References
    ----------
    Jamieson and Talwalkar (2016). Non-stochastic best arm identification and hyperparameter
    optimization. AISTATS.
    Li, Jamieson, Rostamizadeh, Gonina, Ben-tzur, Hardt, Recht and Talwalkar (2020). A system
    for massively parallel hyperparameter tuning. MLSys.
    """

    def __init__(self, min_resource="auto", reduction_factor=4, min_early_stopping_rate=0,
                 bootstrap_count=0):
        if min_resource != "auto":
            min_resource = check_int("min_resource", min_resource, low=1)
        self.min_resource = None if min_resource == "auto" else min_resource
        self.reduction_factor = check_int("reduction_factor", reduction_factor, low=2)
        self.min_early_stopping_rate = check_int("min_early_stopping_rate",
                                                 min_early_stopping_rate, low=0)
        self.bootstrap_count = check_int("bootstrap_count", bootstrap_count, low=0)
        if self.bootstrap_count > 0 and self.min_resource is None:
            raise ValueError("bootstrap_count > 0 needs an integer min_resource, not 'auto'")

    def prune(self, study, trial):
        return self._prune(study._trials, study.direction, trial)

    def _prune(self, trials, direction, trial):
        """Whether to prune ``trial``, judged against ``trials`` (a study's, or a bracket's)."""
        step = trial.last_step
        if step is None:
            return False
        if self.min_resource is None:
            self.min_resource = _estimate_min_resource(trials)
            if self.min_resource is None:
                return False
        value = trial.intermediate_values[step]
        rung = 0
        while f"completed_rung_{rung}" in trial.system_attrs:
            rung += 1
        while True:
            rung_end = self.min_resource * self.reduction_factor ** (
                self.min_early_stopping_rate + rung)
            if step < rung_end:
                return False
            if math.isnan(value):
                return True
            key = f"completed_rung_{rung}"
            competing = [t.system_attrs[key] for t in trials
                         if t.number != trial.number and key in t.system_attrs] + [value]
            trial.system_attrs[key] = value
            if len(competing) <= self.bootstrap_count:
                return True
            # the best 1/eta of the values at this rung go on (the best one while fewer
            # than eta trials have arrived)
            kept = max(len(competing) // self.reduction_factor, 1)
            competing.sort(reverse=direction == StudyDirection.MAXIMIZE)
            threshold = competing[kept - 1]
            if (value > threshold if direction == StudyDirection.MINIMIZE
                    else value < threshold):
                return True
            rung += 1


def _estimate_min_resource(trials):
    steps = [t.last_step for t in trials
             if t.state == TrialState.COMPLETE and t.last_step is not None]
    return max(max(steps) // 100, 1) if steps else None


def hyperband_brackets(max_resource, reduction_factor=3, min_resource=1):
    r"""The brackets of Hyperband: how many configurations each round of successive halving
    starts and with how much resource (Li et al. 2018, Algorithm 1).

    With :math:`R` = ``max_resource / min_resource`` and :math:`\eta` =
    ``reduction_factor``, there are :math:`s_{\max} + 1` brackets,
    :math:`s_{\max} = \lfloor\log_\eta R\rfloor`. Bracket :math:`s` (from :math:`s_{\max}`,
    the most aggressive, down to 0, plain training of a few configurations) starts

    .. math:: n = \Bigl\lceil \frac{s_{\max} + 1}{s + 1}\,\eta^s \Bigr\rceil

    configurations with resource :math:`r = R\eta^{-s}` each, and after rung :math:`i` keeps
    :math:`n_i = \lfloor n\eta^{-i}\rfloor` of them with resource :math:`r_i = r\eta^i`.
    Every bracket uses about the same total budget, :math:`(s_{\max} + 1)R`.

    Parameters
    ----------
    max_resource : int
        :math:`R` in units of ``min_resource`` (e.g. epochs).
    reduction_factor : int, default 3
    min_resource : int, default 1

    Returns
    -------
    list of list of (int, float)
        For each bracket :math:`s = s_{\max}, \dots, 0`, its rungs :math:`(n_i, r_i)`,
        with :math:`r_i` in the units of ``max_resource``.

    References
    ----------
    Li, Jamieson, DeSalvo, Rostamizadeh and Talwalkar (2018). Hyperband: a novel
    bandit-based approach to hyperparameter optimization. JMLR 18(185).

    Examples
    --------
    Table 1 of Li et al. (2018), :math:`R = 81`, :math:`\eta = 3`:

    >>> for bracket in hyperband_brackets(81, 3):
    ...     print([(n, int(r)) for n, r in bracket])
    [(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)]
    [(34, 3), (11, 9), (3, 27), (1, 81)]
    [(15, 9), (5, 27), (1, 81)]
    [(8, 27), (2, 81)]
    [(5, 81)]
    """
    reduction_factor = check_int("reduction_factor", reduction_factor, low=2)
    min_resource = check_int("min_resource", min_resource, low=1)
    max_resource = check_int("max_resource", max_resource, low=min_resource)
    ratio = max_resource / min_resource
    s_max = 0                                   # the largest s with eta^s <= R, exactly
    while min_resource * reduction_factor ** (s_max + 1) <= max_resource:
        s_max += 1
    brackets = []
    for s in range(s_max, -1, -1):
        n = -(-(s_max + 1) * reduction_factor**s // (s + 1))       # ceiling, in integers
        r = min_resource * ratio / reduction_factor**s
        brackets.append([(n // reduction_factor**i, r * reduction_factor**i)
                         for i in range(s + 1)])
    return brackets


class HyperbandPruner(BasePruner):
    r"""Hyperband (Li et al. 2018) as a pruner, with Optuna's semantics.

    Hyperband hedges over how aggressive successive halving should be: bracket :math:`b = 0`
    judges trials after ``min_resource`` steps, bracket :math:`b` only after
    ``min_resource`` :math:`\eta^b` steps (a :class:`SuccessiveHalvingPruner` with
    ``min_early_stopping_rate`` :math:`b`), so slow starters survive in the later brackets.
    Each trial is assigned to a bracket by a hash of the study's name and the trial's number,
    in proportion to the bracket's number of configurations :math:`n` from
    :func:`hyperband_brackets`, and competes only with the trials of its bracket.

    Parameters
    ----------
    min_resource : int, default 1
    max_resource : int or "auto", default "auto"
        "auto": the largest last step of the completed trials, plus one, when the pruner is
        first asked after a trial has completed (as Optuna).
    reduction_factor : int, default 3
    bootstrap_count : int, default 0

    References
    ----------
    Li, Jamieson, DeSalvo, Rostamizadeh and Talwalkar (2018). Hyperband: a novel
    bandit-based approach to hyperparameter optimization. JMLR 18(185).
    """

    def __init__(self, min_resource=1, max_resource="auto", reduction_factor=3,
                 bootstrap_count=0):
        self.min_resource = check_int("min_resource", min_resource, low=1)
        if max_resource != "auto":
            max_resource = check_int("max_resource", max_resource, low=self.min_resource)
        self.max_resource = max_resource
        self.reduction_factor = check_int("reduction_factor", reduction_factor, low=2)
        self.bootstrap_count = check_int("bootstrap_count", bootstrap_count, low=0)
        if self.bootstrap_count > 0 and max_resource == "auto":
            raise ValueError("bootstrap_count > 0 needs an integer max_resource, not 'auto'")
        self.pruners, self.budgets = [], []

    def _initialize(self, trials):
        if self.max_resource == "auto":
            steps = [t.last_step for t in trials
                     if t.state == TrialState.COMPLETE and t.last_step is not None]
            if not steps:
                return
            self.max_resource = max(steps) + 1
        brackets = hyperband_brackets(self.max_resource, self.reduction_factor,
                                      self.min_resource)
        self.budgets = [bracket[0][0] for bracket in brackets]       # n of s = s_max, ..., 0
        self.pruners = [SuccessiveHalvingPruner(self.min_resource, self.reduction_factor, b,
                                                self.bootstrap_count)
                        for b in range(len(brackets))]

    def bracket(self, study, trial):
        """The bracket (0 = most aggressive) that ``trial`` belongs to."""
        if not self.pruners:
            return 0
        position = binascii.crc32(f"{study.study_name}_{trial.number}".encode()) % sum(
            self.budgets)
        for b, budget in enumerate(self.budgets):
            position -= budget
            if position < 0:
                return b

    def prune(self, study, trial):
        if not self.pruners:
            self._initialize(study._trials)
            if not self.pruners:
                return False
        b = self.bracket(study, trial)
        same_bracket = [t for t in study._trials if self.bracket(study, t) == b]
        return self.pruners[b]._prune(same_bracket, study.direction, trial)


# -- two objectives at once -----------------------------------------------------------------------
__all__ += ["pareto_front"]


def pareto_front(costs, scores):
    r"""The Pareto-optimal points of a trade-off: those no other point beats on both counts.

    Point :math:`i` is *dominated* if some point :math:`j` costs no more and scores no less,
    :math:`c_j \le c_i` and :math:`s_j \ge s_i`, and is strictly better in one of the two.
    The undominated points form the Pareto front (e.g. of accuracy against model size):
    for any point off the front there is one on it that is at least as good on both counts.

    Parameters
    ----------
    costs, scores : array_like, shape (n,)
        Lower cost and higher score are better (e.g. the number of parameters and the
        validation accuracy).

    Returns
    -------
    ndarray of int
        The indices of the front, by increasing cost (of equal points, the first).

    Examples
    --------
    >>> pareto_front(costs=[1, 2, 3, 4, 4], scores=[0.5, 0.4, 0.8, 0.9, 0.7])
    array([0, 2, 3])
    """
    costs = check_array("costs", costs, ndim=1)
    scores = check_array("scores", scores, shape=costs.shape)
    front, best = [], -math.inf
    for i in np.lexsort((-scores, costs)):     # by cost, then by score, best first
        if scores[i] > best:                   # better than everything cheaper
            front.append(int(i))
            best = scores[i]
    return np.array(front, dtype=int)
