"""Inference time of a pruned MLP: dense, masked-dense, compressed sparse (CSR) and compacted.

"Sparsity is not speed" as a measurement. For each sparsity s, one network is pruned four ways
and timed side by side, in turns, in one run:

* **dense**: the unpruned network (the reference; the same in every row);
* **masked**: magnitude pruning layer by layer (`optimlib.prune.magnitude_prune`), the pruned
  weights zeroed in the dense arrays, as training with masks leaves them. The same matrix
  products as dense: the zeros are multiplied like any other number;
* **CSR**: the same pruned weights stored as `scipy.sparse.csr_matrix` (only the nonzeros and
  their indices), multiplied with the sparse kernels; activations are kept transposed, which
  makes each layer one CSR-times-dense product. Needs scipy (a benchmark dependency only);
  without it this column is skipped;
* **compacted**: structured pruning instead: whole hidden neurons are removed
  (`ln_structured` on each hidden layer, then `compact`), as many as make the smaller dense
  network hold the same number of weights as the unstructured ones keep (the widths are
  printed). Same parameter count, dense products.

Regimes: the chapter's 64-128-64-10 network on the 359 test digits, and a wider
784-1024-1024-10 network (LeNet-300-100's input, wider layers) on a batch of 64 and on one
sample. Weights are He-initialized (timing does not depend on the values; magnitude pruning of
random weights gives a uniform sparsity pattern). float64; one BLAS thread
(OPENBLAS_NUM_THREADS=1 is set before numpy is imported, and scipy.sparse's kernels use one
thread), so every column is per core. Times are the best of --repeats turns of a loop of
calls, in ms per forward pass of the batch; "x dense" divides by the dense time of that row.
The bytes are optimlib.prune.sparsity_report's (weights and biases, CSR with int32 indices).

Run:  .venv/bin/python bench/bench_prune.py  [--repeats 7]
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")     # must precede the numpy import

import argparse      # noqa: E402
import time          # noqa: E402

import numpy as np   # noqa: E402

from optimlib.nn import MLP                                                # noqa: E402
from optimlib.prune import (apply_masks, compact, ln_structured, magnitude_prune,  # noqa: E402
                            sparsity_report)

try:
    import scipy
    import scipy.sparse
except ImportError:  # a benchmark dependency only
    scipy = None

REGIMES = [("64-128-64-10, 359 digits", [64, 128, 64, 10], 359),
           ("784-1024-1024-10, batch 64", [784, 1024, 1024, 10], 64),
           ("784-1024-1024-10, 1 sample", [784, 1024, 1024, 10], 1)]
SPARSITIES = [0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99]


def dense_forward(layers, X):
    """The MLP's forward pass on plain arrays: ReLU between affine layers."""
    H = X
    for i, (W, b) in enumerate(layers):
        H = H @ W
        H += b
        if i < len(layers) - 1:
            np.maximum(H, 0, out=H)
    return H


def csr_forward(layers, X_T):
    """The same with each W^T stored as CSR and the activations transposed, (features, n):
    every layer is one sparse-times-dense product, W^T H^T."""
    H = X_T
    for i, (W_T, b) in enumerate(layers):
        H = W_T @ H
        H += b[:, np.newaxis]
        if i < len(layers) - 1:
            np.maximum(H, 0, out=H)
    return H


def arrays(model):
    params = model.params
    return [(params[f"{i}.weight"], params[f"{i}.bias"]) for i in range(0, len(model.layers), 2)]


def structured_like(sizes, target_weights, seed):
    """A compacted MLP whose hidden widths are the same fraction of the original's, the
    fraction chosen so that it has about ``target_weights`` weights."""
    def weights_of(widths):
        full = [sizes[0], *widths, sizes[-1]]
        return sum(a * b for a, b in zip(full[:-1], full[1:]))

    candidates = [[max(1, round(f * h)) for h in sizes[1:-1]] for f in np.linspace(0, 1, 2001)]
    widths = min(candidates, key=lambda w: abs(weights_of(w) - target_weights))
    model = MLP(sizes, seed=seed)
    for i, keep in enumerate(widths):
        name = f"{2 * i}.weight"
        W = model.params[name]
        apply_masks(model.params, {name: ln_structured(W, W.shape[1] - keep, dim=1)})
    return compact(model)


def timed(function, argument, repeats, number):
    """Best over ``repeats`` of the mean time of ``number`` calls, in ms."""
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            function(argument)
        best = min(best, (time.perf_counter() - start) / number)
    return 1e3 * best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}; scipy "
          f"{scipy.__version__ if scipy is not None else 'not installed (CSR column skipped)'}; "
          f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}; load average "
          f"{os.getloadavg()[0]:.2f} (1 min)")
    for regime, sizes, batch in REGIMES:
        X = rng.standard_normal((batch, sizes[0]))
        X_T = np.ascontiguousarray(X.T)
        dense = MLP(sizes, seed=0)
        # about 10 ms of work per timing loop
        number = max(1, int(0.01 / max(1e-6, timed(lambda x: dense_forward(arrays(dense), x),
                                                     X, 1, 3) / 1e3)))
        print(f"\n{regime}: ms per forward pass (best of {args.repeats} x {number} calls)")
        print("| sparsity | nonzero weights | dense | masked | CSR | compacted (widths) "
              "| CSR x dense | compacted x dense | MB dense | MB CSR |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for sparsity in SPARSITIES:
            masked = MLP(sizes, seed=0)
            magnitude_prune(masked, sparsity)
            report = sparsity_report(masked)
            nonzero_weights = sum(layer.nonzeros for layer in report.layers
                                  if len(layer.shape) == 2)
            small = structured_like(sizes, nonzero_weights, seed=0)
            variants = {"dense": (dense_forward, arrays(dense), X),
                        "masked": (dense_forward, arrays(masked), X),
                        "compacted": (dense_forward, arrays(small), X)}
            if scipy is not None:
                sparse = [(scipy.sparse.csr_matrix(W.T), b) for W, b in arrays(masked)]
                variants["CSR"] = (csr_forward, sparse, X_T)
                assert np.allclose(csr_forward(sparse, X_T).T, dense_forward(arrays(masked), X))
            best = {name: np.inf for name in variants}
            for _ in range(args.repeats):              # in turns: all see the same machine
                for name, (forward, layers, inputs) in variants.items():
                    best[name] = min(best[name], timed(lambda x: forward(layers, x), inputs,
                                                       1, number))
            csr = f"{best['CSR']:.3f}" if "CSR" in best else "n/a"
            csr_ratio = f"{best['CSR'] / best['dense']:.2f}" if "CSR" in best else "n/a"
            widths = "-".join(map(str, small.sizes[1:-1]))
            print(f"| {sparsity:.0%} | {nonzero_weights:,} | {best['dense']:.3f} | "
                  f"{best['masked']:.3f} | {csr} | {best['compacted']:.3f} ({widths}) | "
                  f"{csr_ratio} | {best['compacted'] / best['dense']:.2f} | "
                  f"{report.dense_bytes / 1e6:.3f} | {report.sparse_bytes / 1e6:.3f} |")
    print(f"\nload average at the end {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    main()
