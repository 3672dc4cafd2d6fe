"""An MLP on the digits: optimlib (MLP + Adam + fit) against scikit-learn's MLPClassifier.

Both train the same network (64-128-10, ReLU, softmax cross-entropy) with Adam (lr 1e-3,
betas (0.9, 0.999), eps 1e-8), minibatches of 32 reshuffled every epoch, 30 epochs, no L2
penalty (alpha=0) and no early stopping, on the same standardized, stratified 80/20 split.
Initial weights and shuffling come from each library's own generator, so the runs differ by
seed; the table gives the mean test accuracy over seeds 0, 1, 2 (``--seeds``) and the mean
training time (each seed's best of ``--repeats`` timings, taken in turns so that all see the
same machine). optimlib runs twice: with its default He initialization for ReLU layers, and
with the Glorot (Xavier) uniform weights that MLPClassifier uses, which isolates the
implementations (MLPClassifier also draws its biases uniformly; optimlib starts them at 0).
One test image is 0.28 percentage points of accuracy.
BLAS runs on one thread (threadpoolctl, installed with scikit-learn): the matrices are small
and extra threads only add contention.

scikit-learn is a benchmark reference, not a dependency: without it, optimlib's numbers are
printed alone.

Run:  .venv/bin/python bench/bench_mlp.py
"""

import argparse
import contextlib
import time
import warnings

import numpy as np

from optimlib.data import Standardizer, load_digits, train_val_test_split
from optimlib.metrics import accuracy
from optimlib.nn import MLP
from optimlib.optim import Adam
from optimlib.train import fit

try:
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits
except ImportError:  # scikit-learn is a benchmark reference, not a dependency
    sklearn = None

HIDDEN, LR, BATCH_SIZE, EPOCHS = 128, 1e-3, 32, 30


def digits_split():
    X, y = load_digits()
    train, _, test = train_val_test_split(X, y, val_size=0.0, test_size=0.2, seed=0)
    scaler = Standardizer().fit(train[0])
    return (scaler.transform(train[0]), train[1]), (scaler.transform(test[0]), test[1])


def train_optimlib(train, test, seed, dtype, init=None):
    model = MLP([64, HIDDEN, 10], seed=seed, dtype=dtype, init=init)
    X_train, X_test = train[0].astype(dtype), test[0].astype(dtype)
    start = time.perf_counter()
    fit(model, Adam(model.params, lr=LR), X_train, train[1], epochs=EPOCHS,
        batch_size=BATCH_SIZE, seed=seed)
    seconds = time.perf_counter() - start
    return accuracy(test[1], model.predict(X_test)), seconds


def train_sklearn(train, test, seed, dtype):
    model = MLPClassifier(hidden_layer_sizes=(HIDDEN,), activation="relu", solver="adam",
                          alpha=0.0, batch_size=BATCH_SIZE, learning_rate_init=LR,
                          max_iter=EPOCHS, shuffle=True, random_state=seed, tol=0.0,
                          n_iter_no_change=EPOCHS + 1, early_stopping=False)
    X_train, X_test = train[0].astype(dtype), test[0].astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)      # it always runs max_iter
        start = time.perf_counter()
        model.fit(X_train, train[1])
        seconds = time.perf_counter() - start
    assert model.n_iter_ == EPOCHS
    return accuracy(test[1], model.predict(X_test)), seconds


def measure(trainers, train, test, dtype, seeds, repeats):
    """{name: (test accuracy per seed, best time per seed)}, timing the trainers in turns.

    Training is deterministic, so every repeat of a seed gives the same accuracy."""
    results = {name: ([], []) for name in trainers}
    for seed in seeds:
        runs = {name: [] for name in trainers}
        for _ in range(repeats):
            for name, trainer in trainers.items():
                runs[name].append(trainer(train, test, seed, dtype))
        for name, pairs in runs.items():
            scores, times = zip(*pairs)
            results[name][0].append(scores[0])
            results[name][1].append(min(times))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    seeds = tuple(range(args.seeds))
    train, test = digits_split()
    trainers = {"optimlib (He init)": train_optimlib,
                "optimlib (Glorot init)": lambda *a: train_optimlib(*a, init="xavier")}
    if sklearn is not None:
        trainers[f"scikit-learn {sklearn.__version__}"] = train_sklearn
    print(f"digits: {len(train[1])} training / {len(test[1])} test images; MLP 64-{HIDDEN}-10 "
          f"(ReLU), Adam lr={LR}, batch {BATCH_SIZE}, {EPOCHS} epochs, no L2, no early "
          f"stopping; seeds {seeds}; BLAS threads: "
          f"{'1' if sklearn is not None else 'default (threadpoolctl not installed)'}")
    if sklearn is None:
        print("scikit-learn is not installed: optimlib's numbers alone")
    width = 7 * len(seeds)
    header = (f"{'implementation':<24} {'dtype':<8} {'test accuracy':>14} {'per seed':>{width}} "
              f"{'time (s)':>9} {'vs sklearn':>11}")
    print(header)
    print("-" * len(header))
    limits = threadpool_limits(1) if sklearn is not None else contextlib.nullcontext()
    with limits:
        for dtype in (np.float64, np.float32):
            results = measure(trainers, train, test, dtype, seeds, args.repeats)
            reference = np.mean(results[list(trainers)[-1]][1]) if sklearn is not None else None
            for name, (scores, times) in results.items():
                ratio = f"{np.mean(times) / reference:10.2f}x" if reference else ""
                per_seed = " ".join(f"{score:.4f}" for score in scores)
                print(f"{name:<24} {np.dtype(dtype).name:<8} {np.mean(scores):14.4f} "
                      f"{per_seed:>{width}} {np.mean(times):9.2f} {ratio:>11}")
    print("time: mean over seeds of the best of --repeats runs; ratio = time / scikit-learn's "
          "in the same dtype (lower is faster)")


if __name__ == "__main__":
    main()
