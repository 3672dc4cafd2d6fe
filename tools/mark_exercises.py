"""Mark a chapter's exercises for nbgrader: single-# solution markers and schema-3 metadata.

Usage (from the repository root)::

    .venv/bin/python tools/mark_exercises.py chapters/07_generalization.ipynb [...]
    .venv/bin/python tools/mark_exercises.py --check chapters/*.ipynb

For each notebook it

1. rewrites solution markers written with several ``#`` (``### BEGIN SOLUTION``) as
   ``# BEGIN SOLUTION`` / ``# END SOLUTION``, the form both nbgrader and otter-grader read;
2. sets the ``nbgrader`` cell metadata of every exercise cell (see
   ``exercises.nbgrader_metadata`` for what each role gets and why) and removes it from every
   other cell, so a deleted exercise leaves nothing behind;
3. validates the result with nbgrader's own validator.

It is idempotent: a second run changes nothing, and a notebook is rewritten only if something
changed. ``--check`` writes nothing and exits with status 1 if a notebook is not up to date.
Exit status 2 means a chapter does not follow the exercise format of CONVENTIONS.md (the
message says where).
"""

import argparse
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from exercises import (ExerciseFormatError, convert_old_markers,  # noqa: E402
                       find_exercises, nbgrader_metadata)


def mark(nb, where=""):
    """Mark ``nb`` (an nbformat notebook) in place; return ``(exercises, converted)``."""
    converted = 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            new = convert_old_markers(cell.source)
            if new != cell.source:
                converted += sum(a != b for a, b in zip(cell.source.split("\n"),
                                                        new.split("\n")))
                cell.source = new
    exercises = find_exercises(nb.cells, where)
    metadata = nbgrader_metadata(nb.cells, exercises)
    for index, cell in enumerate(nb.cells):
        if index in metadata:
            cell.metadata["nbgrader"] = metadata[index]
        else:
            cell.metadata.pop("nbgrader", None)
    validate(nb)
    return exercises, converted


def validate(nb):
    """Raise nbgrader's ``ValidationError`` if its validator rejects the metadata."""
    from nbgrader.nbgraderformat import MetadataValidator
    MetadataValidator().validate_nb(nb)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a notebook would change")
    args = parser.parse_args(argv)
    stale = []
    for path in args.notebooks:
        before = path.read_text(encoding="utf-8")
        nb = nbformat.reads(before, as_version=4)
        try:
            exercises, converted = mark(nb, where=f"{path}: ")
        except ExerciseFormatError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        after = nbformat.writes(nb) + "\n"
        cells = sum(len(e.cells) for e in exercises)
        if after == before:
            status = "up to date"
        elif args.check:
            status, _ = "NOT up to date", stale.append(path)
        else:
            path.write_text(after, encoding="utf-8")
            status = "marked"
        print(f"{path}: {status} ({len(exercises)} exercises, {cells} cells with metadata, "
              f"{converted} marker lines converted)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
