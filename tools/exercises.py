"""Find the exercises of a chapter notebook and say what role each of their cells plays.

Shared by ``mark_exercises.py`` (nbgrader metadata), ``student_edition.py`` (the student
edition) and the tests. The format is the one of CONVENTIONS.md:

- an exercise is a markdown cell holding a ``{exercise}`` directive with a ``:label:``;
- its solution is a ``{solution-start} <label>`` cell (``:class: dropdown``), the solution's
  markdown and code cells, and a cell holding ``{solution-end}``; solution code sits between
  the lines ``# BEGIN SOLUTION`` and ``# END SOLUTION`` (a code cell without markers is
  solution code as a whole);
- after ``solution-end`` come the self-checks: code cells that call ``optimlib.check``.

An exercise's cells run from its ``{exercise}`` cell to the cell before the next exercise or
the next heading. Anything the format does not allow (a solution without its end, text before
``solution-start`` or after ``solution-end`` in the same cell, markers outside a solution,
nested or unbalanced markers) raises :class:`ExerciseFormatError`: a chapter that breaks the
format could leak a solution into the student edition, so nothing downstream guesses.
"""

import re
from dataclasses import dataclass, field

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
# what optimlib.check offers; a code cell after solution-end that calls one is a self-check
CHECK_CALL = re.compile(r"\b(?:check_\w+|check\.\w+)\s*\(")

_FENCE = r"(?:`{3,}|:{3,})"
_EXERCISE = re.compile(rf"^{_FENCE}\{{exercise\}}[^\n]*\n(?::[^\n]*\n)*?:label:\s*(\S+)", re.M)
_TITLE = re.compile(rf"^{_FENCE}\{{exercise\}}[ \t]*([^\n]*)", re.M)
_START = re.compile(rf"^{_FENCE}\{{solution-start\}}[ \t]+(\S+)", re.M)
_END = re.compile(rf"^({_FENCE})\{{solution-end\}}[ \t]*\n(?::[^\n]*\n)*\1[ \t]*$", re.M)
_GATED = re.compile(r"\{solution-(?:start|end)\}")
_PLAIN_SOLUTION = re.compile(rf"^{_FENCE}\{{solution\}}", re.M)
_HEADING = re.compile(r"^#{1,6} ", re.M)
_KIND = re.compile(r"^\*\(([^)]*)\)\*", re.M)
_MARKER = re.compile(r"^(\s*)#+\s*(BEGIN|END) SOLUTION\s*$")


class ExerciseFormatError(ValueError):
    """A chapter's exercise does not follow the format of CONVENTIONS.md."""


def source(cell):
    text = cell["source"]
    return text if isinstance(text, str) else "".join(text)


@dataclass
class Exercise:
    """One exercise: its label and the indices of its cells in the notebook, by role."""

    label: str
    title: str
    kind: str
    statement: int
    solution: list = field(default_factory=list)   # solution-start .. solution-end
    checks: list = field(default_factory=list)     # self-check code cells
    other: list = field(default_factory=list)      # any other cell of the exercise

    @property
    def cells(self):
        return sorted([self.statement, *self.solution, *self.checks, *self.other])


def marker_lines(text):
    """Return ``[(line_number, "BEGIN" | "END", exact)]`` for every solution marker line.

    ``exact`` says whether the line is exactly ``# BEGIN SOLUTION`` / ``# END SOLUTION``
    (indentation aside). Any line that mentions ``BEGIN SOLUTION`` or ``END SOLUTION`` counts:
    nbgrader replaces from such a line on, whatever surrounds the words.
    """
    found = []
    for number, line in enumerate(text.split("\n")):
        for word in ("BEGIN", "END"):
            if f"{word} SOLUTION" in line:
                found.append((number, word, line.strip() == f"# {word} SOLUTION"))
    return found


def check_markers(text, where=""):
    """Raise :class:`ExerciseFormatError` unless the markers in ``text`` are exact, balanced
    and not nested; return the number of marked regions."""
    inside, regions = False, 0
    for number, word, exact in marker_lines(text):
        line = text.split("\n")[number].strip()
        if not exact:
            raise ExerciseFormatError(
                f"{where}line {number + 1} is {line!r}: solution markers must be exactly "
                f"'{BEGIN}' and '{END}' (run tools/mark_exercises.py to convert '###' ones)")
        if (word == "BEGIN") == inside:
            problem = "nested BEGIN" if inside else "END without BEGIN"
            raise ExerciseFormatError(f"{where}unbalanced solution markers ({problem}, line "
                                      f"{number + 1}):\n{text}")
        inside = word == "BEGIN"
        regions += inside
    if inside:
        raise ExerciseFormatError(f"{where}unbalanced solution markers (BEGIN without END):"
                                  f"\n{text}")
    return regions


def split_marked(text):
    """Split ``text`` into ``(outside, inside)``: the lines outside the marked regions (marker
    lines dropped) and the list of marked regions, each a string. Markers must be valid."""
    check_markers(text)
    outside, regions, current = [], [], None
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped == BEGIN:
            current = []
        elif stripped == END:
            regions.append("\n".join(current))
            current = None
        elif current is None:
            outside.append(line)
        else:
            current.append(line)
    return "\n".join(outside), regions


def stub(text, stub_lines=("# YOUR CODE HERE", "raise NotImplementedError()")):
    """Replace each marked region of a code cell by nbgrader's stub, indented like the
    ``BEGIN`` marker; a cell without markers is replaced as a whole (as nbgrader does)."""
    if not check_markers(text):
        return "\n".join(stub_lines)
    lines, inside = [], False
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped == BEGIN:
            indent = line[:len(line) - len(line.lstrip())]
            lines.extend(indent + s for s in stub_lines)
            inside = True
        elif stripped == END:
            inside = False
        elif not inside:
            lines.append(line)
    return "\n".join(lines)


def convert_old_markers(text):
    """Rewrite marker lines written with several ``#`` (``### BEGIN SOLUTION``) to one ``#``."""
    lines = []
    for line in text.split("\n"):
        match = _MARKER.match(line)
        lines.append(f"{match.group(1)}# {match.group(2)} SOLUTION" if match else line)
    return "\n".join(lines)


def find_exercises(cells, where=""):
    """Return the :class:`Exercise` list of a notebook's cells (a list of cell dicts)."""
    exercises, current, state = [], None, None
    for index, cell in enumerate(cells):
        text = source(cell)
        here = f"{where}cell {index}: "
        markdown = cell["cell_type"] == "markdown"
        if cell["cell_type"] == "code":
            regions = check_markers(text, here)
        else:
            regions = 0
            if marker_lines(text):
                # nbgrader treats these words as markers in markdown cells too
                raise ExerciseFormatError(f"{here}a markdown cell must not contain the words "
                                          "'BEGIN SOLUTION' or 'END SOLUTION'")
        if markdown and _PLAIN_SOLUTION.search(text):
            raise ExerciseFormatError(f"{here}use the gated solution-start/solution-end "
                                      "syntax, not {solution}")
        starts_exercise = markdown and "{exercise}" in text
        if current is not None and state == "solution":
            # inside a solution everything up to solution-end belongs to it
            if starts_exercise or (markdown and _START.search(text)):
                raise ExerciseFormatError(f"{here}solution of {current.label} has no "
                                          "solution-end before this cell")
            current.solution.append(index)
            if markdown and "{solution-end}" in text:
                match = _END.search(text)
                if not match or text[match.end():].strip():
                    raise ExerciseFormatError(
                        f"{here}the solution-end directive must close the cell (text after "
                        "it would be removed with the solution)")
                state = "after"
            continue
        if markdown and "{solution-end}" in text and not _START.search(text):
            raise ExerciseFormatError(f"{here}solution-end without solution-start")
        if starts_exercise or (markdown and _HEADING.search(text)):
            if current is not None and state != "after":
                raise ExerciseFormatError(f"{where}exercise {current.label} has no solution")
            current, state = None, None
        if starts_exercise:
            labels = _EXERCISE.findall(text)
            if len(labels) != 1 or len(re.findall(r"\{exercise\}", text)) != 1:
                raise ExerciseFormatError(f"{here}an exercise cell holds exactly one "
                                          "{exercise} directive with a :label:")
            if _GATED.search(text):
                raise ExerciseFormatError(f"{here}the solution starts in its own cell")
            kind = _KIND.search(text)
            current = Exercise(label=labels[0], title=_TITLE.search(text).group(1).strip(),
                               kind=kind.group(1) if kind else "", statement=index)
            exercises.append(current)
            state = "before"
            continue
        if markdown and _START.search(text):
            if current is None or state != "before":
                raise ExerciseFormatError(f"{here}solution-start outside an exercise or a "
                                          "second solution")
            match = _START.search(text)
            if text[:match.start()].strip():
                raise ExerciseFormatError(f"{here}solution-start must open its cell")
            if match.group(1) != current.label:
                raise ExerciseFormatError(f"{here}solution-start {match.group(1)} follows "
                                          f"exercise {current.label}")
            current.solution.append(index)
            state = "solution"
            if _END.search(text):
                match = _END.search(text)
                if text[match.end():].strip():
                    raise ExerciseFormatError(f"{here}the solution-end directive must close "
                                              "the cell")
                state = "after"
            continue
        if regions:
            raise ExerciseFormatError(f"{here}solution markers outside a solution:\n{text}")
        if current is None:
            continue
        if state == "after" and cell["cell_type"] == "code" and CHECK_CALL.search(text):
            current.checks.append(index)
        else:
            current.other.append(index)
    if current is not None and state == "solution":
        raise ExerciseFormatError(f"{where}solution of {current.label} has no solution-end")
    if current is not None and state != "after":
        raise ExerciseFormatError(f"{where}exercise {current.label} has no solution")
    labels = [e.label for e in exercises]
    if len(set(labels)) != len(labels):
        raise ExerciseFormatError(f"{where}duplicate exercise labels: {labels}")
    return exercises


def nbgrader_metadata(cells, exercises):
    """Return ``{cell index: nbgrader metadata}`` for every cell of every exercise.

    Determined from nbgrader 0.9.6's source (``nbgraderformat/v3.py``,
    ``preprocessors/clearsolutions.py``, ``preprocessors/lockcells.py``, ``utils.py``):

    - solution cells (``solution: true``) are what ``generate_assignment`` clears: in a code
      cell it replaces each marked region by ``# YOUR CODE HERE`` / ``raise
      NotImplementedError()``, or the whole cell if it has no markers; a markdown cell becomes
      ``YOUR ANSWER HERE``. The validator wants a markdown solution cell to be a grade cell
      too (manually graded), so every markdown cell of a solution, ``solution-start`` and
      ``solution-end`` included, is ``grade: true, solution: true, points: 0``;
    - a self-check is an autograder test: ``grade: true, locked: true, points: 1``. It earns
      its point unless its output holds an error or anything written to stderr;
    - the statement and the other cells of an exercise are ``locked`` (read-only; autograde
      restores them).

    ``grade_id`` is built from the exercise label and the cell's role and rank, so it is
    stable and unique in the book: ``<label>-statement``, ``<label>-text-<k>``,
    ``<label>-code-<k>``, ``<label>-check-<k>``, ``<label>-cell-<k>``.
    """
    def meta(grade_id, grade=False, solution=False, locked=False, points=None):
        result = {"grade": grade, "grade_id": grade_id, "locked": locked,
                  "schema_version": 3, "solution": solution}
        if points is not None:
            result["points"] = points
        return result

    metadata = {}
    for exercise in exercises:
        label = exercise.label
        metadata[exercise.statement] = meta(f"{label}-statement", locked=True)
        texts = codes = 0
        for index in exercise.solution:
            if cells[index]["cell_type"] == "code":
                codes += 1
                metadata[index] = meta(f"{label}-code-{codes}", solution=True)
            else:
                texts += 1
                metadata[index] = meta(f"{label}-text-{texts}", grade=True, solution=True,
                                       points=0)
        for rank, index in enumerate(exercise.checks, start=1):
            metadata[index] = meta(f"{label}-check-{rank}", grade=True, locked=True, points=1)
        for rank, index in enumerate(exercise.other, start=1):
            metadata[index] = meta(f"{label}-cell-{rank}", locked=True)
    return metadata


def chapter_kinds(kind):
    """Split an exercise's ``*(coding, math)*`` into the index's words.

    Each exercise is at least one of conceptual, mathematical (``math``) or coding; other
    words (``experiment``) are shown as they are written.
    """
    names = {"math": "mathematical", "mathematical": "mathematical", "coding": "coding",
             "conceptual": "conceptual"}
    parts = [p.strip() for p in kind.split(",") if p.strip()]
    if not any(p in names for p in parts) or not all(re.fullmatch(r"[a-z -]+", p)
                                                        for p in parts):
        raise ExerciseFormatError(
            f"exercise kind {kind!r}: start the statement with *(conceptual)*, *(math)* or "
            "*(coding)* (or several, comma-separated)")
    return [names.get(p, p) for p in parts]
