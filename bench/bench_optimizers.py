"""Step time of optimlib's Adam and SGD(momentum=0.9) against torch.optim, in float32.

Two regimes:
- one tensor of 10^7 elements: memory-bound; compared with the bandwidth floor, the time to
  move the bytes the step must read and write at the copy bandwidth measured here;
- 100 tensors of 10^4 elements (the size of the book's models): overhead-bound.

torch runs on one thread (as numpy does), with its default CPU implementation and with
``fused=True``. If torch is not installed, optimlib's numbers are printed alone.

Run:  .venv/bin/python bench/bench_optimizers.py
"""

import argparse
import time

import numpy as np

from optimlib.optim import SGD, Adam

try:
    import torch
except ImportError:  # torch is a benchmark reference, not a dependency
    torch = None

# bytes read + written per element per step, float32: Adam reads p, g, m, v and writes p, m, v;
# SGD with momentum reads p, g, b and writes p, b
BYTES_PER_ELEMENT = {"Adam": 7 * 4, "SGD(momentum=0.9)": 5 * 4}
REGIMES = {"1 x 10^7 (memory-bound)": (1, 10**7), "100 x 10^4 (overhead-bound)": (100, 10**4)}


def best_time(step, repeats, warmup=3):
    """Median of ``repeats`` timings of ``step()`` after ``warmup`` calls, in milliseconds."""
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def copy_bandwidth():
    """Bytes per second of a large float32 copy (read + write), the memory-bound floor."""
    source = np.ones(4 * 10**7, dtype=np.float32)
    target = np.empty_like(source)
    seconds = best_time(lambda: np.copyto(target, source), 7) / 1e3
    return 2 * source.nbytes / seconds


def optimlib_step(name, count, size, rng):
    params = [rng.standard_normal(size).astype(np.float32) for _ in range(count)]
    grads = [rng.standard_normal(size).astype(np.float32) for _ in range(count)]
    opt = Adam(params, lr=1e-3) if name == "Adam" else SGD(params, lr=1e-3, momentum=0.9)
    return lambda: opt.step(grads)


def torch_step(name, count, size, rng, fused):
    params = [torch.tensor(rng.standard_normal(size).astype(np.float32), requires_grad=True)
              for _ in range(count)]
    for p in params:
        p.grad = torch.tensor(rng.standard_normal(size).astype(np.float32))
    options = {"fused": True} if fused else {}
    if name == "Adam":
        opt = torch.optim.Adam(params, lr=1e-3, **options)
    else:
        opt = torch.optim.SGD(params, lr=1e-3, momentum=0.9, **options)
    return opt.step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    if torch is not None:
        torch.set_num_threads(1)
    bandwidth = copy_bandwidth()
    print(f"copy bandwidth: {bandwidth / 1e9:.1f} GB/s; torch: "
          f"{torch.__version__ + ' (1 thread)' if torch is not None else 'not installed'}")
    header = (f"{'optimizer':<18} {'regime':<28} {'floor':>7} {'optimlib':>9} "
              f"{'torch':>8} {'fused':>8} {'vs torch':>9} {'vs fused':>9}")
    print(header)
    print("-" * len(header))
    with torch.no_grad() if torch is not None else _nothing():
        for name in ("Adam", "SGD(momentum=0.9)"):
            for regime, (count, size) in REGIMES.items():
                floor = 1e3 * count * size * BYTES_PER_ELEMENT[name] / bandwidth
                ours = best_time(optimlib_step(name, count, size, rng), args.repeats)
                row = f"{name:<18} {regime:<28} {floor:6.2f}  {ours:8.2f}"
                if torch is not None:
                    default = best_time(torch_step(name, count, size, rng, False), args.repeats)
                    fused = best_time(torch_step(name, count, size, rng, True), args.repeats)
                    row += (f" {default:8.2f} {fused:8.2f} {ours / default:8.2f}x "
                            f"{ours / fused:8.2f}x")
                print(row)
    print("times in ms per step (median); ratios = optimlib time / torch time (lower is better)")


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


if __name__ == "__main__":
    main()
