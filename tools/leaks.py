"""Search a built edition for the text of the instructor chapters' solutions.

Usage (from the repository root)::

    .venv/bin/python tools/leaks.py _build/student [_build/html]

Each solution is taken from the instructor chapters: the marked regions of code cells, every
cell between ``solution-start`` and ``solution-end`` (a code cell without markers as a whole),
and the stored outputs of the solution's code cells. Its text is cut into words (runs of
letters, digits and ``_``, lower-cased) and the words into *runs*: every window of
``RUN`` consecutive words, or a whole piece shorter than that if it has at least
``MIN_RUN`` words. MyST roles (``{eq}`...```), directive fences and options break a piece,
since a page renders them differently. Runs that also occur outside the solutions (anywhere
else in the chapters, including the unmarked parts of exercise cells, in the book's other
pages, or in ``optimlib``'s source, which the API pages render) are dropped: finding them is
no evidence of a leak. So is a run whose words but the first or the last occur outside: a page
renders a role as a number (``{eq}`...``` as "(4.1)"), which can complete such a run by chance.
Every file under the searched folder is then read as text (HTML with tags stripped and entities
decoded; notebooks and other JSON by their strings; anything else as it is), and every
remaining run is searched for in it. Images that a solution outputs are compared by their
bytes.
"""

import base64
import hashlib
import html
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from exercises import find_exercises, split_marked  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RUN, MIN_RUN = 8, 4
_WORD = re.compile(r"\w+")
_BREAK = re.compile(r"\{[\w:.-]+\}`[^`]*`|^[ \t]*(?:`{3,}|:{3,}).*$|^:[\w-]+:.*$", re.M)
_TEXT_MIMES = ("text/plain", "text/html", "text/markdown", "text/latex",
               "application/papermill.record/text/plain")


def words(text):
    return _WORD.findall(text.lower())


def pieces(text, markdown=False):
    """Word lists of ``text``, split where MyST syntax would render differently."""
    parts = _BREAK.split(text) if markdown else [text]
    return [w for w in (words(p) for p in parts) if w]


def runs(piece):
    if len(piece) >= RUN:
        return [tuple(piece[i:i + RUN]) for i in range(len(piece) - RUN + 1)]
    return [tuple(piece)] if len(piece) >= MIN_RUN else []


def output_texts(cell):
    """The text of a code cell's stored outputs, and the bytes of its images."""
    texts, images = [], []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            texts.append(output.get("text", ""))
        if output.get("output_type") == "error":
            texts.append("\n".join(output.get("traceback", [])))
        for mime, value in output.get("data", {}).items():
            value = value if isinstance(value, str) else "".join(value)
            if mime in _TEXT_MIMES:
                texts.append(strip_tags(value) if mime == "text/html" else value)
            elif mime.startswith("image/") and mime != "image/svg+xml":
                images.append(base64.b64decode(value))
            elif mime == "image/svg+xml":
                texts.append(strip_tags(value))
    return texts, images


def strip_tags(text):
    text = re.sub(r"<[^>]+>", " ", text)
    return html.unescape(text)


@dataclass
class Solutions:
    """The runs of every solution, by where they come from, and the images they output."""

    runs: dict        # run -> set of "chapter: exercise label" it belongs to
    images: dict      # sha256 of an output image -> "chapter: exercise label"
    units: dict       # "chapter: label (cell i)" -> set of its runs (after dropping)
    dropped: int      # runs left out because they also occur outside solutions


def collect(chapters=None, extra_outside=None):
    """Split the instructor chapters into solution runs and the text outside solutions."""
    chapters = sorted((ROOT / "chapters").glob("*.ipynb")) if chapters is None else chapters
    solution_units, outside, images = {}, [], {}
    for path in chapters:
        nb = nbformat.read(path, as_version=4)
        exercises = find_exercises(nb.cells, f"{path.name}: ")
        owner = {i: e.label for e in exercises for i in e.solution}
        for index, cell in enumerate(nb.cells):
            markdown = cell.cell_type == "markdown"
            texts, cell_images = output_texts(cell) if cell.cell_type == "code" else ([], [])
            if index in owner:
                unit = f"{path.name}: {owner[index]} (cell {index})"
                found = []
                if cell.cell_type == "code":
                    rest, marked = split_marked(cell.source)
                    outside.append(rest)
                    found += [p for region in (marked or [cell.source])
                              for p in pieces(region)]
                else:
                    found += pieces(cell.source, markdown=True)
                found += [p for t in texts for p in pieces(t)]
                solution_units[unit] = found
                for image in cell_images:
                    images[hashlib.sha256(image).hexdigest()] = unit
            else:
                outside.append(cell.source)
                outside.extend(texts)
    if extra_outside is None:
        extra_outside = default_outside()
    outside.extend(extra_outside)
    every = {run for found in solution_units.values() for piece in found for run in runs(piece)}
    # a run is evidence only if it is solution text beyond its first and last word: a page
    # renders a role as a number ("(4.1)"), which can complete an outside run by chance
    edges = {sub for run in every for sub in (run[1:], run[:-1])}
    elsewhere = find_runs(edges, [words(text) for text in outside])
    dropped = {run for run in every if run[1:] in elsewhere or run[:-1] in elsewhere}
    units, owners = {}, defaultdict(set)
    for unit, found in solution_units.items():
        kept = {run for piece in found for run in runs(piece)} - dropped
        units[unit] = kept
        for run in kept:
            owners[run].add(unit)
    return Solutions(runs=dict(owners), images=images, units=units, dropped=len(dropped))


def default_outside():
    """Text of the book outside the chapters: its other pages and optimlib's source."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("*.md"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "appendix").glob("*.md"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "optimlib").rglob("*.py"))]
    bib = ROOT / "references.bib"
    return texts + ([bib.read_text(encoding="utf-8")] if bib.exists() else [])


def find_runs(wanted, streams):
    """Return the subset of the runs ``wanted`` that occur in any of the word lists."""
    if not wanted:
        return set()
    key = min(len(run) for run in wanted)
    index = defaultdict(list)
    for run in wanted:
        index[run[:key]].append(run)
    found = set()
    for stream in streams:
        for i in range(len(stream) - key + 1):
            candidates = index.get(tuple(stream[i:i + key]))
            if candidates:
                for run in candidates:
                    if tuple(stream[i:i + len(run)]) == run:
                        found.add(run)
    return found


def file_words(path):
    """A file's text as words, or ``None`` for a binary file."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if path.suffix in (".html", ".htm", ".xml", ".svg"):
        text = strip_tags(text)
    elif path.suffix in (".ipynb", ".json"):
        try:
            text = "\n".join(json_strings(json.loads(text)))
        except ValueError:
            pass
    return words(text)


def json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)


def search(folder, solutions):
    """Return ``{relative file: sorted runs found}`` for every file of ``folder`` that holds
    a solution run or a solution's image; also counts the files searched."""
    hits, searched = {}, 0
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        searched += 1
        found = set()
        stream = file_words(path)
        if stream is not None:
            found = find_runs(solutions.runs, [stream])
        if hashlib.sha256(path.read_bytes()).hexdigest() in solutions.images:
            found.add(("image", path.name))
        if found:
            hits[str(path.relative_to(folder))] = sorted(found)
    return hits, searched


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    solutions = collect()
    print(f"{len(solutions.units)} solution cells, {len(solutions.runs)} runs searched "
          f"({solutions.dropped} dropped: they also occur outside solutions), "
          f"{len(solutions.images)} images")
    status = 0
    for folder in argv:
        hits, searched = search(folder, solutions)
        total = sum(len(v) for v in hits.values())
        print(f"{folder}: {searched} files searched, {total} runs found in {len(hits)} files")
        for name, found in sorted(hits.items())[:20]:
            print(f"  {name}: {len(found)}, e.g. {' '.join(found[0])!r}")
        status |= bool(hits)
    return status


if __name__ == "__main__":
    sys.exit(main())
