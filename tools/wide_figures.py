"""Tag the cells of wide figures ``full-width``, so the page does not shrink them.

Usage (from the repository root)::

    .venv/bin/python tools/wide_figures.py --write chapters/*.ipynb
    .venv/bin/python tools/wide_figures.py --check chapters/*.ipynb

The text column of the book's pages is about 670 pixels wide on a laptop screen, and a
figure is scaled down to fit it: a three-panel figure 10 inches wide (1000 pixels at the
notebooks' 100 dpi) would be shown at about 65%, with legends 6 pixels tall. The theme
(sphinx-book-theme) gives a cell tagged ``full-width`` 136% of the column, over the right-hand
table of contents, which it hides while such a cell is in view. This tool tags every code cell
whose stored PNG output is wider than ``WIDE`` pixels, and untags the others (a figure made
narrower loses the tag). Run it after storing a chapter's outputs; ``--check`` writes nothing
and exits with status 1 if a tag is missing or left over.
"""

import argparse
import base64
import sys
from pathlib import Path

import nbformat

WIDE = 800           # pixels; at most 84% shrink left in the column (670 / 800)
TAG = "full-width"


def png_width(data):
    """Width in pixels of a base64 PNG (read from its header)."""
    head = base64.b64decode(data[:64] if isinstance(data, str) else "".join(data)[:64])
    return int.from_bytes(head[16:20], "big")


def widest_figure(cell):
    """Width of the widest PNG among the cell's stored outputs (0 if none)."""
    return max((png_width(o["data"]["image/png"]) for o in cell.get("outputs", [])
                if "image/png" in o.get("data", {})), default=0)


def wants_tag(cell):
    return cell.cell_type == "code" and widest_figure(cell) > WIDE


def mismatches(nb):
    """Indices of the cells whose ``full-width`` tag is missing or left over."""
    return [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            and wants_tag(cell) != (TAG in cell.metadata.get("tags", []))]


def write(nb):
    """Tag the wide figures' cells and untag the others; return the number of changes."""
    changed = mismatches(nb)
    for i in changed:
        cell = nb.cells[i]
        tags = [t for t in cell.metadata.get("tags", []) if t != TAG]
        if wants_tag(cell):
            tags.append(TAG)
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
    return len(changed)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="tag or untag where needed")
    mode.add_argument("--check", action="store_true", help="only check; exit 1 if outdated")
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        if args.check:
            wrong = mismatches(nb)
            if wrong:
                status = 1
                print(f"{path}: cells {wrong} need the {TAG!r} tag added or removed; run "
                      "tools/wide_figures.py --write", file=sys.stderr)
        else:
            changed = write(nb)
            if changed:
                nbformat.write(nb, path)
                print(f"{path}: {changed} cells tagged or untagged {TAG!r}")
    return status


if __name__ == "__main__":
    sys.exit(main())
