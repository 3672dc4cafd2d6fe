"""Write or check the first code cell of each chapter: install optimlib where it is missing.

Usage (from the repository root)::

    .venv/bin/python tools/first_cell.py --write chapters/*.ipynb
    .venv/bin/python tools/first_cell.py --check chapters/*.ipynb

A chapter downloaded from the site, or opened in Colab, runs outside this repository, where
``import optimlib`` fails. (``pip install optimlib`` would install an unrelated package of
that name from the package index: never tell readers to do that.) The first code cell of every
chapter therefore installs the book's package from the book's repository when it is missing
and does nothing where it is installed (this repository's virtual environment, Binder, the
site build, nbval), so it stores no output and the tests are unchanged.

The cell is generated from ``_config.yml`` (``repository.url`` and ``repository.branch``), the
one place where the repository's URL is written: to publish the book under another account,
change that line and run ``--write``. The cell is the chapter's first code cell, tagged
``remove-cell`` (the static page does not show it; the notebook keeps it). ``--write`` replaces
an existing install cell (recognised by ``find_spec("optimlib")``) or inserts one before the
first code cell; a new cell has no execution count until the chapter is executed again
(CONVENTIONS.md). It is idempotent. ``--check`` writes nothing and exits with status 1 if a
notebook's first code cell is not exactly the generated one.
"""

import argparse
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
TAGS = ["remove-cell"]
MARK = 'find_spec("optimlib")'

TEMPLATE = '''\
# Installs the book's package, optimlib, from the book's repository if this
# notebook runs where it is missing (Colab, a downloaded notebook); does
# nothing where it is installed. (Not `pip install optimlib`: another project.)
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("optimlib") is None:
    source = ("git+{url}"
              "@{branch}")
    print(f"optimlib is missing: installing it with pip from {{source}}")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", source],
                   check=True)
    importlib.invalidate_caches()       # let this running kernel find it'''


def repository(config_path=ROOT / "_config.yml"):
    """``(url, branch)`` of the book's repository, read from ``_config.yml``."""
    config = yaml.safe_load(Path(config_path).read_text())
    repo = config.get("repository") or {}
    url, branch = repo.get("url"), repo.get("branch", "main")
    if not url or not str(url).startswith("https://"):
        raise ValueError(f"{config_path}: repository.url must be an https URL, got {url!r}")
    return str(url).rstrip("/"), str(branch)


def cell_source(config_path=ROOT / "_config.yml"):
    """The source of the install cell for the repository named in ``_config.yml``."""
    url, branch = repository(config_path)
    return TEMPLATE.format(url=url, branch=branch)


def first_code_cell(nb):
    """Index of the first code cell of ``nb``, or None."""
    return next((i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"), None)


def is_current(nb, source):
    """Whether ``nb``'s first code cell is the install cell with exactly ``source``."""
    index = first_code_cell(nb)
    if index is None:
        return False
    cell = nb.cells[index]
    return cell.source == source and cell.metadata.get("tags", []) == TAGS


def write(nb, source):
    """Make ``nb``'s first code cell the install cell.

    Returns ``"updated"`` (an install cell's text or tags changed), ``"inserted"`` (a new
    cell, not executed yet) or ``None`` (nothing to do).
    """
    if is_current(nb, source):
        return None
    index = first_code_cell(nb)
    if index is not None and MARK in nb.cells[index].source:
        cell = nb.cells[index]
        cell.source = source
        cell.metadata["tags"] = list(TAGS)
        return "updated"
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": list(TAGS)})
    nb.cells.insert(len(nb.cells) if index is None else index, cell)
    return "inserted"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="write the cell where it differs")
    mode.add_argument("--check", action="store_true", help="only check; exit 1 if outdated")
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    source = cell_source()
    stale = []
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        if args.check:
            if not is_current(nb, source):
                stale.append(path)
        else:
            change = write(nb, source)
            if change:
                nbformat.write(nb, path)
                print(f"{path}: install cell {change}" + (
                    " (execute the chapter to store its outputs)" if change == "inserted"
                    else " (it stores no output: nothing to execute)"))
    if stale:
        for path in stale:
            print(f"{path}: first code cell is not the install cell of _config.yml's "
                  "repository; run tools/first_cell.py --write", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
