"""The exercise index of instructors.md, generated from the chapters.

Usage (from the repository root)::

    .venv/bin/python tools/exercise_index.py           # print the index
    .venv/bin/python tools/exercise_index.py --write   # rewrite it in instructors.md

The index sits in instructors.md between the lines ``<!-- exercise-index start -->`` and
``<!-- exercise-index end -->``; ``tests/test_exercises.py`` fails when it differs from what
this program prints, so run it with ``--write`` after adding, removing or renaming an exercise.
"""

import argparse
import sys
from pathlib import Path

import nbformat
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from exercises import chapter_kinds, find_exercises  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "instructors.md"
START, END = "<!-- exercise-index start -->", "<!-- exercise-index end -->"


def book_chapters():
    """The chapter notebooks that ``_toc.yml`` lists, in its order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [entry["file"] for part in toc["parts"] for entry in part["chapters"]]
    return [ROOT / f"{name}.ipynb" for name in files if (ROOT / f"{name}.ipynb").exists()]


def index(chapters=None):
    """The index in MyST: per chapter of the book, a table with one row per exercise."""
    chapters = book_chapters() if chapters is None else chapters
    blocks = []
    for path in chapters:
        nb = nbformat.read(path, as_version=4)
        number = int(path.name.split("_")[0])
        rows = [f"**Chapter {number}**, {{doc}}`chapters/{path.stem}`", "",
                "| Exercise | Kind | Auto-checked |", "|---|---|---|"]
        for exercise in find_exercises(nb.cells, f"{path.name}: "):
            kinds = ", ".join(chapter_kinds(exercise.kind))
            checks = len(exercise.checks)
            checked = f"yes, {checks} self-check{'s' if checks > 1 else ''}" if checks else "no"
            rows.append(f"| {{numref}}`{exercise.label}`: {exercise.title} "
                        f"(`{exercise.label}`) | {kinds} | {checked} |")
        blocks.append("\n".join(rows))
    return "\n\n".join(blocks)


def replace(page_text, table):
    """``page_text`` with the block between the index markers replaced by ``table``."""
    head, found, rest = page_text.partition(START)
    _, found_end, tail = rest.partition(END)
    if not found or not found_end:
        raise ValueError(f"{PAGE.name} lacks the lines {START} and {END}")
    return f"{head}{START}\n{table}\n{END}{tail}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite it in instructors.md")
    args = parser.parse_args(argv)
    table = index()
    if args.write:
        PAGE.write_text(replace(PAGE.read_text(encoding="utf-8"), table), encoding="utf-8")
        print(f"wrote the index of {table.count('{numref}')} exercises into {PAGE.name}")
    else:
        print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
