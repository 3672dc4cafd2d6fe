"""Test-session plumbing shared by the unit tests, the notebooks (nbval), the book build and
the student edition.

- Runs the four groups in that order (cheap, precise failures first).
- Prints how long each group took, and each notebook, at the end of the run.
- Gives the unit tests a non-interactive matplotlib backend *in this process only*; notebooks
  run in their own kernels and keep the inline backend.
- Runs OpenBLAS on one thread (unless ``OPENBLAS_NUM_THREADS`` is set): the book's matrices
  are small, and two BLAS threads fighting over two cores made some chapters several times
  slower when the machine was busy. Kernels and the book build inherit the setting; results
  do not change (each entry of a matrix product is computed by one thread either way).
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")     # before numpy is imported

import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")

ROOT = Path(__file__).parent
_durations = defaultdict(float)
_notebooks = defaultdict(float)
_wall = {}


def _group(item):
    path = Path(str(item.fspath))  # may be relative to the current directory
    if path.suffix == ".ipynb":
        return "notebooks (nbval, full mode)"
    if path.name == "test_book.py":
        return "book build (clean _build, forced execution, -W -n --keep-going)"
    if path.name == "test_student_edition.py":
        return "student edition (README's student command, leak search)"
    return "unit tests and doctests of optimlib"


# the student edition comes after the book build, which deletes _build/ and whose site the
# leak search needs
_ORDER = ["unit tests and doctests of optimlib", "notebooks (nbval, full mode)",
          "book build (clean _build, forced execution, -W -n --keep-going)",
          "student edition (README's student command, leak search)"]


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=lambda item: _ORDER.index(_group(item)))  # stable within a group


def pytest_sessionstart(session):
    _wall["start"] = time.perf_counter()


def pytest_runtest_teardown(item):
    """Close the figures a test or doctest opened, so that none accumulate over the session."""
    import matplotlib.pyplot as plt

    plt.close("all")


def pytest_runtest_logreport(report):
    group = _group(report)
    _durations[group] += report.duration
    if group.startswith("notebooks"):
        path = (Path.cwd() / str(report.fspath)).resolve()
        _notebooks[path.relative_to(ROOT).as_posix()] += report.duration


def pytest_terminal_summary(terminalreporter):
    write = terminalreporter.write_line
    terminalreporter.section("time per part")
    for group in _ORDER:
        if group in _durations:
            write(f"{_durations[group]:8.1f} s  {group}")
            if group.startswith("notebooks"):
                for notebook, seconds in sorted(_notebooks.items()):
                    write(f"{seconds:14.1f} s  {notebook}")
    write(f"{time.perf_counter() - _wall['start']:8.1f} s  total")
