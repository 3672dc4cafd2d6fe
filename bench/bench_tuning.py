"""Hyperparameter search: optimlib.tuning's samplers against Optuna's, at the same budget.

Three minimization problems, each searched by every sampler with the same number of trials
and the seeds 0, 1, ... (``--seeds``):

* **Branin** (2 dimensions, 30 trials), minimum 0.397887 at three points;
* **Hartmann-6** (6 dimensions, 40 trials), minimum -3.32237, with a second, local minimum
  at -3.20 that traps searches;
* **MLP on digits** (20 trials): the validation loss of a 64-width-10 ReLU network trained
  with SGD (momentum 0.9, minibatches of 64) for 5 epochs on the standardized training
  split, as a function of the learning rate (1e-3 to 1, log), the width (8 to 128, log,
  integer) and the weight decay (1e-6 to 1e-1, log). Training is seeded, so the objective
  is deterministic; its minimum is unknown, and the regret is measured from the smallest
  loss any run found.

Samplers: optimlib's ``RandomSampler`` and ``GPSampler``; Optuna's ``RandomSampler``,
``TPESampler`` and ``GPSampler`` (all with their defaults and the run's seed). Reported, as
mean ± standard error over the seeds (``optimlib.stats.mean_se``):

* the best-so-far **regret** (best value found minus the minimum) after half the budget and
  after all of it, and, where the minimum is known, the mean of its log10 (regrets are
  skewed: one trapped run dominates the plain mean);
* the **time per trial** spent choosing the parameters: the study's processor time minus
  the objective's evaluations, in milliseconds (processor time, not wall-clock time, because
  the machine is shared; Optuna's GP runs in torch, which may use several threads, and
  their times add up).

Optuna is a benchmark reference, not a dependency: without it, optimlib's rows are printed
alone. The machine the table in the README was measured on is shared: the times are
indicative (their ratios more than their values).

Run:  .venv/bin/python bench/bench_tuning.py  [--seeds 5] [--mlp-seeds 3]
      [--problems branin,hartmann6,mlp] [--samplers "optimlib GP,Optuna TPE"]
"""

import argparse
import math
import time
import warnings

import numpy as np

from optimlib import tuning
from optimlib.data import Standardizer, load_digits, train_val_test_split
from optimlib.nn import MLP
from optimlib.optim import SGD
from optimlib.stats import mean_se
from optimlib.train import evaluate, fit

try:
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
except ImportError:      # Optuna is a benchmark reference, not a dependency
    optuna = None


# -- the problems -------------------------------------------------------------------------------
# Each problem is a pair: ``suggest(trial)`` asks the trial for the parameters (this is where
# a sampler works: Optuna's samplers choose a trial's parameters at its first suggest call),
# and ``evaluate(params)`` computes the objective (timed separately, not charged to the
# sampler).
def branin_suggest(trial):
    return trial.suggest_float("x1", -5, 10), trial.suggest_float("x2", 0, 15)


def branin(params):
    x1, x2 = params
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


HARTMANN_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                       [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
HARTMANN_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886],
                              [2329, 4135, 8307, 3736, 1004, 9991],
                              [2348, 1451, 3522, 2883, 3047, 6650],
                              [4047, 8828, 8732, 5743, 1091, 381]])
HARTMANN_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6_suggest(trial):
    return np.array([trial.suggest_float(f"x{i}", 0, 1) for i in range(6)])


def hartmann6(x):
    return -float(HARTMANN_ALPHA @ np.exp(-np.sum(HARTMANN_A * (x - HARTMANN_P) ** 2, axis=1)))


def mlp_suggest(trial):
    return (trial.suggest_float("lr", 1e-3, 1.0, log=True),
            trial.suggest_int("width", 8, 128, log=True),
            trial.suggest_float("weight_decay", 1e-6, 1e-1, log=True))


def mlp_objective():
    X, y = load_digits()
    train, val, _ = train_val_test_split(X, y, val_size=0.2, test_size=0.2, seed=0)
    scaler = Standardizer().fit(train[0])
    X_train, X_val = scaler.transform(train[0]), scaler.transform(val[0])

    def evaluate_mlp(params):
        lr, width, weight_decay = params
        model = MLP([64, width, 10], seed=0)
        optimizer = SGD(model.params, lr=lr, momentum=0.9, weight_decay=weight_decay)
        try:
            fit(model, optimizer, X_train, train[1], epochs=5, batch_size=64, seed=0)
        except FloatingPointError:          # diverged: as bad as a uniform guess
            return math.log(10)
        loss, _ = evaluate(model, "cross_entropy", X_val, val[1])
        return min(loss, math.log(10)) if math.isfinite(loss) else math.log(10)

    return evaluate_mlp


PROBLEMS = {  # name -> (suggest, evaluate factory, trials, known minimum or None)
    "branin": (branin_suggest, lambda: branin, 30, 0.397887357729738),
    "hartmann6": (hartmann6_suggest, lambda: hartmann6, 40, -3.32236801141551),
    "mlp": (mlp_suggest, mlp_objective, 20, None),
}


# -- the samplers --------------------------------------------------------------------------------
def samplers():
    found = {"optimlib Random": lambda seed: tuning.RandomSampler(seed=seed),
             "optimlib GP": lambda seed: tuning.GPSampler(seed=seed)}
    if optuna is not None:
        found.update({
            "Optuna Random": lambda seed: optuna.samplers.RandomSampler(seed=seed),
            "Optuna TPE": lambda seed: optuna.samplers.TPESampler(seed=seed),
            "Optuna GP": lambda seed: optuna.samplers.GPSampler(seed=seed),
        })
    return found


def run(name, make_sampler, suggest, evaluate_params, n_trials, seed):
    """Best-so-far values after each trial, and the sampler's CPU seconds per trial."""
    library = tuning if name.startswith("optimlib") else optuna
    study = library.create_study(direction="minimize", sampler=make_sampler(seed))
    spent = [0.0]

    def objective(trial):
        params = suggest(trial)
        start = time.process_time()
        try:
            return evaluate_params(params)
        finally:
            spent[0] += time.process_time() - start

    start = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # Optuna's experimental-feature warnings
        study.optimize(objective, n_trials=n_trials)
    sampler_seconds = (time.process_time() - start - spent[0]) / n_trials
    values = [t.value for t in study.trials]
    return np.minimum.accumulate(values), sampler_seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds for Branin, Hartmann-6")
    parser.add_argument("--mlp-seeds", type=int, default=3, help="seeds for the MLP")
    parser.add_argument("--problems", default="branin,hartmann6,mlp")
    parser.add_argument("--samplers", default=None,
                        help="comma-separated subset, e.g. 'optimlib GP,Optuna TPE'")
    args = parser.parse_args()
    if optuna is None:
        print("Optuna is not installed: optimlib's samplers only "
              "(pip install optuna to compare).")
    else:
        print(f"Optuna {optuna.__version__}")
    rows = []
    for problem in args.problems.split(","):
        suggest, make_objective, n_trials, minimum = PROBLEMS[problem]
        evaluate_params = make_objective()
        seeds = range(args.mlp_seeds if problem == "mlp" else args.seeds)
        curves, times = {}, {}
        chosen = samplers()
        if args.samplers:
            chosen = {name: chosen[name] for name in args.samplers.split(",")}
        for name, make_sampler in chosen.items():
            started = time.perf_counter()
            results = [run(name, make_sampler, suggest, evaluate_params, n_trials, seed)
                       for seed in seeds]
            curves[name] = np.array([curve for curve, _ in results])
            times[name] = [seconds for _, seconds in results]
            print(f"  {problem}: {name} done in {time.perf_counter() - started:.0f} s",
                  flush=True)
        known = minimum is not None
        if not known:             # the best loss any run found
            minimum = min(curve.min() for curve in curves.values())
        for name in curves:
            regret = curves[name] - minimum
            half, final = regret[:, n_trials // 2 - 1], regret[:, -1]
            # log10 only where the minimum is known: a run that found the best of all
            # runs has regret 0, whose logarithm says nothing
            log_final = mean_se(np.log10(np.maximum(final, 1e-12))).format(2) if known else "–"
            rows.append((problem, n_trials, len(seeds), name, mean_se(half), mean_se(final),
                         log_final, mean_se(1000 * np.array(times[name]))))
    print()
    print("| problem | trials | seeds | sampler | regret at half | regret at the end "
          "| log10 regret at the end | sampler CPU ms per trial |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    for problem, n_trials, n_seeds, name, half, final, log_final, ms in rows:
        print(f"| {problem} | {n_trials} | {n_seeds} | {name} | {half.format(3)} | "
              f"{final.format(3)} | {log_final} | {ms.mean:.0f} |")


if __name__ == "__main__":
    main()
