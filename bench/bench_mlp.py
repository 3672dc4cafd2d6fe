"""An MLP on the digits: optimlib (MLP + Adam + fit) against scikit-learn's MLPClassifier.

Both train the same network (64-128-10, ReLU, softmax cross-entropy) with Adam (lr 1e-3,
betas (0.9, 0.999), eps 1e-8), minibatches of 32 reshuffled every epoch, 30 epochs, no L2
penalty (alpha=0) and no early stopping, on the same standardized, stratified 80/20 split.
One test image is 0.28 percentage points of accuracy.

Two comparisons, over seeds 0, 1, ... (``--seeds``, default 3):

* **Same start.** For each seed, optimlib's MLP starts from the very weights scikit-learn draws
  for that ``random_state`` and visits the minibatches in scikit-learn's order; only the
  implementations differ. The table gives both test accuracies, how many of the 359 test
  predictions differ, and the largest difference between the final weights. (The weights
  differ only because the two Adams place eps differently: torch's and optimlib's add it to
  the bias-corrected sqrt(v_hat), scikit-learn's to the uncorrected sqrt(v); the test suite
  shows that with scikit-learn's placement the runs agree to 1e-12.)
* **Own start.** Each library draws its own initial weights and minibatch order from the seed:
  mean test accuracy with its standard error over the seeds, and the mean training time (each
  seed's best of ``--repeats`` timings, taken in turns so that all see the same machine).
  optimlib runs twice: with its default He initialization for ReLU layers, and with the Glorot
  (Xavier) uniform weights that MLPClassifier uses (MLPClassifier also draws its biases
  uniformly; optimlib starts them at 0).

BLAS runs on one thread (threadpoolctl, installed with scikit-learn): the matrices are small
and extra threads only add contention.

scikit-learn is a benchmark reference, not a dependency: without it, optimlib's own-start
numbers are printed alone.

Run:  .venv/bin/python bench/bench_mlp.py  [--seeds 10]
"""

import argparse
import contextlib
import time
import warnings

import numpy as np

from optimlib.data import Standardizer, load_digits, train_val_test_split
from optimlib.metrics import accuracy
from optimlib.nn import MLP, CrossEntropyLoss
from optimlib.optim import Adam
from optimlib.train import fit

try:
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from sklearn.utils import shuffle as sklearn_shuffle
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


def sklearn_classifier(seed):
    return MLPClassifier(hidden_layer_sizes=(HIDDEN,), activation="relu", solver="adam",
                         alpha=0.0, batch_size=BATCH_SIZE, learning_rate_init=LR,
                         max_iter=EPOCHS, shuffle=True, random_state=seed, tol=0.0,
                         n_iter_no_change=EPOCHS + 1, early_stopping=False)


def fit_sklearn(model, X_train, y_train):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)      # it always runs max_iter
        model.fit(X_train, y_train)
    assert model.n_iter_ == EPOCHS
    return model


def train_sklearn(train, test, seed, dtype):
    model = sklearn_classifier(seed)
    X_train, X_test = train[0].astype(dtype), test[0].astype(dtype)
    start = time.perf_counter()
    fit_sklearn(model, X_train, train[1])
    seconds = time.perf_counter() - start
    return accuracy(test[1], model.predict(X_test)), seconds


def sklearn_start(seed, sizes, n_samples):
    """The initial weights and the minibatch orders MLPClassifier(random_state=seed) uses.

    MLPClassifier draws from one ``RandomState(seed)``: for each layer the weights, then the
    biases, uniform on [-a, a] with a = sqrt(6 / (fan_in + fan_out)); then, at the start of
    every epoch, a shuffle of the sample indices (``sklearn.utils.shuffle``)."""
    generator = np.random.RandomState(seed)
    weights = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        weight = generator.uniform(-bound, bound, (fan_in, fan_out))
        weights.append((weight, generator.uniform(-bound, bound, fan_out)))
    orders, order = [], np.arange(n_samples)
    for _ in range(EPOCHS):
        order = sklearn_shuffle(order, random_state=generator)
        orders.append(order)
    return weights, orders


def same_start(train, test, seed, dtype):
    """optimlib's MLP and Adam, and MLPClassifier, from the same weights in the same order.

    Returns both test accuracies, the number of test predictions that differ and the
    largest absolute difference between the final weights."""
    (X_train, y_train), (X_test, y_test) = ((X.astype(dtype), y) for X, y in (train, test))
    sizes = [64, HIDDEN, 10]
    weights, orders = sklearn_start(seed, sizes, len(y_train))
    model = MLP(sizes, dtype=dtype)
    for layer, (weight, bias) in enumerate(weights):
        model.params[f"{2 * layer}.weight"][...] = weight
        model.params[f"{2 * layer}.bias"][...] = bias
    optimizer, loss = Adam(model.params, lr=LR), CrossEntropyLoss()
    model.train()
    for order in orders:                    # what fit does, in scikit-learn's order
        for start in range(0, len(order), BATCH_SIZE):
            rows = order[start:start + BATCH_SIZE]
            loss(model(X_train[rows]), y_train[rows])
            model.backward(loss.backward())
            optimizer.step(model.grads)
    model.eval()
    reference = fit_sklearn(sklearn_classifier(seed), X_train, y_train)
    ours, theirs = model.predict(X_test), reference.predict(X_test)
    gap = max(np.max(np.abs(model.params[f"{2 * layer}.weight"] - reference.coefs_[layer]))
              for layer in range(len(weights)))
    return (accuracy(y_test, ours), accuracy(y_test, theirs), int(np.sum(ours != theirs)),
            gap)


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


def standard_error(values):
    return np.std(values, ddof=1) / np.sqrt(len(values)) if len(values) > 1 else np.nan


def print_same_start(train, test, seeds):
    print("\nSame start: scikit-learn's initial weights and minibatch order for each seed")
    header = (f"{'dtype':<8} {'seed':>4} {'optimlib':>9} {'sklearn':>9} "
              f"{'predictions differing':>22} {'max |W diff|':>13}")
    print(header)
    print("-" * len(header))
    verdicts = []
    for dtype in (np.float64, np.float32):
        rows = [same_start(train, test, seed, dtype) for seed in seeds]
        for seed, (ours, theirs, differing, gap) in zip(seeds, rows):
            print(f"{np.dtype(dtype).name:<8} {seed:>4} {ours:9.4f} {theirs:9.4f} "
                  f"{differing:>22} {gap:13.1e}")
        ours, theirs = (np.mean([row[k] for row in rows]) for k in (0, 1))
        print(f"{np.dtype(dtype).name:<8} {'mean':>4} {ours:9.4f} {theirs:9.4f}")
        verdicts.append(f"{np.dtype(dtype).name}: optimlib {ours:.4f} vs scikit-learn "
                        f"{theirs:.4f}, {'met' if ours >= theirs else 'NOT met'}")
    print("target 'test accuracy not below scikit-learn's' (same start, mean over seeds): "
          + "; ".join(verdicts))


def print_own_start(train, test, seeds, repeats):
    trainers = {"optimlib (He init)": train_optimlib,
                "optimlib (Glorot init)": lambda *a: train_optimlib(*a, init="xavier")}
    if sklearn is not None:
        trainers[f"scikit-learn {sklearn.__version__}"] = train_sklearn
    else:
        print("scikit-learn is not installed: optimlib's numbers alone")
    print("\nOwn start: each library's own initial weights and minibatch order")
    header = (f"{'implementation':<24} {'dtype':<8} {'test accuracy':>16} "
              f"{'time (s)':>9} {'vs sklearn':>11}")
    print(header)
    print("-" * len(header))
    for dtype in (np.float64, np.float32):
        results = measure(trainers, train, test, dtype, seeds, repeats)
        reference = np.mean(results[list(trainers)[-1]][1]) if sklearn is not None else None
        for name, (scores, times) in results.items():
            ratio = f"{np.mean(times) / reference:10.2f}x" if reference else ""
            accuracy_text = f"{np.mean(scores):.4f} ± {standard_error(scores):.4f}"
            print(f"{name:<24} {np.dtype(dtype).name:<8} {accuracy_text:>16} "
                  f"{np.mean(times):9.2f} {ratio:>11}")
    print("test accuracy: mean ± standard error over the seeds; time: mean over seeds of the "
          "best of --repeats runs; ratio = time / scikit-learn's in the same dtype (lower is "
          "faster)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    seeds = tuple(range(args.seeds))
    train, test = digits_split()
    print(f"digits: {len(train[1])} training / {len(test[1])} test images; MLP 64-{HIDDEN}-10 "
          f"(ReLU), Adam lr={LR}, batch {BATCH_SIZE}, {EPOCHS} epochs, no L2, no early "
          f"stopping; seeds {seeds}; BLAS threads: "
          f"{'1' if sklearn is not None else 'default (threadpoolctl not installed)'}")
    limits = threadpool_limits(1) if sklearn is not None else contextlib.nullcontext()
    with limits:
        if sklearn is not None:
            print_same_start(train, test, seeds)
        print_own_start(train, test, seeds, args.repeats)


if __name__ == "__main__":
    main()
