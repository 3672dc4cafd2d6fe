"""Build the student edition: the chapters without their solutions, as notebooks and as a site.

Usage (from the repository root; the README's student command)::

    .venv/bin/python tools/student_edition.py [--output _build/student]
        [--launch-repository URL [--launch-branch BRANCH]] [--notebooks-only]

It writes

- ``<output>/notebooks/``: one student notebook per chapter. Every sphinx-exercise solution is
  gone (its markdown cells removed; its code cells kept as nbgrader's stub: each
  ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` region becomes ``# YOUR CODE HERE`` /
  ``raise NotImplementedError()``, a code cell without markers becomes the stub as a whole);
  self-checks are kept; the outputs of every exercise's code cells are cleared; all other
  cells keep their stored outputs. The ``nbgrader`` metadata is removed (for nbgrader, assign
  the instructor notebooks themselves: see instructors.md).
- ``<output>/html/``: the book's site built from those notebooks, without executing them
  (``execute_notebooks: off``), so it shows the stored figures and numbers of the instructor
  chapters. Its landing page and a banner on every page say it is the student edition. It has
  no launch buttons (Binder, Live Code) and no repository or issues button, since those lead to
  the instructor notebooks, unless ``--launch-repository`` names a repository that holds the
  student notebooks in ``chapters/`` (see instructors.md); then they point there.

The generator refuses to run, with a message that says where, when a chapter breaks the
exercise format (unbalanced or ``###`` markers, a solution without its end, solution markers
outside a solution), when an exercise cell lacks the nbgrader metadata that
``tools/mark_exercises.py`` gives it, or when a page outside the chapters holds a solution.
"""

import argparse
import copy
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from exercises import (BEGIN, END, ExerciseFormatError, find_exercises,  # noqa: E402
                       nbgrader_metadata, stub)

ROOT = Path(__file__).resolve().parents[1]
README = """Student edition of "Optimization for Machine Learning" (tools/student_edition.py).

notebooks/   the chapters without solutions: hand these out (or publish them in a student
             repository; see the "For instructors" page)
html/        the site built from these notebooks: open html/index.html, or publish the folder

This folder is rebuilt from scratch by every run of the generator.
"""
BANNER = """```{important}
This is the **student edition** of the book. The exercises are here, and so are their
self-checks, but not their solutions: a coding exercise gives you a function to complete,
where the body raises `NotImplementedError` until you replace it with your code.
```
"""
_GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`]+)`")
_SOLUTION_DIRECTIVE = re.compile(r"^(?:`{3,}|:{3,})\{solution(?:-start)?\}", re.M)
_GLUE_DIRECTIVE = re.compile(r"^(?:`{3,}|:{3,})\{glue(?::\w+)?\}[ \t]+(\S+)", re.M)


class StudentEditionError(RuntimeError):
    """The student edition cannot be made safely; the message says why and where."""


def glue_names(cell):
    """Names that a code cell's stored outputs glue (``optimlib.book.publish`` / ``glue``)."""
    return {o.get("metadata", {}).get("scrapbook", {}).get("name")
            for o in cell.get("outputs", [])} - {None}


def glue_references(text):
    """Glue keys a markdown text refers to (``{glue:text}`key:fmt```, ``{glue:figure} key``)."""
    keys = [m.split(":")[0] for m in _GLUE_ROLE.findall(text) if "::" not in m]
    return set(keys) | set(_GLUE_DIRECTIVE.findall(text))


def student_notebook(nb, where=""):
    """Return ``(student_nb, counts)`` for an instructor chapter ``nb`` (nbformat v4).

    Raises :class:`StudentEditionError` (or ``ExerciseFormatError``) where the chapter cannot
    be converted safely.
    """
    exercises = find_exercises(nb.cells, where)
    expected = nbgrader_metadata(nb.cells, exercises)
    for index, cell in enumerate(nb.cells):
        actual = cell.metadata.get("nbgrader")
        if index in expected and actual != expected[index]:
            state = "has no nbgrader metadata" if actual is None else "has stale nbgrader metadata"
            raise StudentEditionError(
                f"{where}cell {index} (exercise {expected[index]['grade_id']}) {state}: run "
                f"`.venv/bin/python tools/mark_exercises.py` on the chapter")
        if index not in expected and actual is not None:
            raise StudentEditionError(
                f"{where}cell {index} is not part of an exercise but has nbgrader metadata: "
                f"run `.venv/bin/python tools/mark_exercises.py` on the chapter")
    solution = {i for e in exercises for i in e.solution}
    exercise_code = {i for e in exercises for i in e.cells if nb.cells[i].cell_type == "code"}
    student = copy.deepcopy(nb)
    cells, counts = [], {"exercises": len(exercises), "removed": 0, "stubs": 0,
                         "checks": sum(len(e.checks) for e in exercises), "cleared": 0}
    for index, cell in enumerate(student.cells):
        cell.metadata.pop("nbgrader", None)
        if index in solution and cell.cell_type != "code":
            counts["removed"] += 1
            continue
        if index in solution:
            cell.source = stub(cell.source)
            counts["stubs"] += 1
        if index in exercise_code:
            counts["cleared"] += bool(cell.outputs)
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    student.cells = cells
    for cell in cells:
        text = cell.source
        if "{solution-start}" in text or "{solution-end}" in text or BEGIN in text or END in text:
            raise StudentEditionError(f"{where}a solution survived in:\n{text}")  # a bug here
    glued = set().union(*(glue_names(c) for c in cells if c.cell_type == "code"))
    missing = set().union(*(glue_references(c.source) for c in cells
                            if c.cell_type == "markdown")) - glued
    if missing:
        raise StudentEditionError(
            f"{where}the student text refers to glued values that only a solution computes: "
            f"{sorted(missing)}; compute them outside the solution or move the sentence into it")
    return student, counts


def toc_files(toc):
    """Every file the table of contents names (root first), without extension."""
    files = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections", []))
    for part in toc.get("parts", [toc]):
        walk(part.get("chapters", []))
    return files


def student_config(config, launch_repository=None, launch_branch="main"):
    """The book's ``_config.yml`` for the student site: no execution, no instructor links."""
    config = copy.deepcopy(config)
    config["title"] = f"{config['title']} (student edition)"
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    html = config.setdefault("html", {})
    html["announcement"] = "Student edition: exercises with self-checks, without solutions."
    html["use_issues_button"] = False
    html["use_edit_page_button"] = False
    if launch_repository:
        config["repository"] = {"url": launch_repository, "branch": launch_branch}
        html["use_repository_button"] = True
        substitutions = config.get("parse", {}).get("myst_substitutions", {})
        if "repo_url" in substitutions:
            substitutions["repo_url"] = launch_repository
    else:
        html["use_repository_button"] = False
        buttons = config.setdefault("launch_buttons", {})
        for key in ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url"):
            buttons[key] = ""
        buttons["thebe"] = False
    return config


def landing_page(text):
    """Insert the student-edition notice after the landing page's title."""
    lines = text.split("\n")
    title = next(i for i, line in enumerate(lines) if line.startswith("# "))
    return "\n".join(lines[:title + 1] + ["", BANNER.rstrip("\n")] + lines[title + 1:])


def prepare(output, launch_repository=None, launch_branch="main"):
    """Write ``output/notebooks`` and the student book's sources in ``output/book``."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    book, notebooks = output / "book", output / "notebooks"
    notebooks.mkdir(parents=True)
    summary = {}
    chapters = sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in chapters:
        nb = nbformat.read(path, as_version=4)
        student, counts = student_notebook(nb, where=f"{path.relative_to(ROOT)}: ")
        nbformat.write(student, notebooks / path.name)
        summary[path.name] = counts
    for name in toc_files(toc):
        candidates = [ROOT / f"{name}{suffix}" for suffix in (".md", ".ipynb")]
        found = [p for p in candidates if p.exists()]
        if len(found) != 1:
            raise StudentEditionError(f"_toc.yml: {name} matches {len(found)} files")
        target = book / found[0].relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        if found[0].parent == ROOT / "chapters" and found[0].suffix == ".ipynb":
            shutil.copyfile(notebooks / found[0].name, target)
            continue
        text = found[0].read_text(encoding="utf-8")
        if _SOLUTION_DIRECTIVE.search(text):
            raise StudentEditionError(f"{found[0].relative_to(ROOT)} holds a solution; only "
                                      "chapter notebooks may (the generator removes them there)")
        if name == toc["root"]:
            text = landing_page(text)
        target.write_text(text, encoding="utf-8")
    # _ext: the local Sphinx extension, _vendor: MathJax served by the site (_config.yml)
    for extra in ["_static", "_ext", "_vendor", *config.get("bibtex_bibfiles", [])]:
        source = ROOT / extra
        if source.is_dir():
            shutil.copytree(source, book / extra)
        elif source.exists():
            shutil.copyfile(source, book / extra)
    (book / "_toc.yml").write_text((ROOT / "_toc.yml").read_text(encoding="utf-8"),
                                   encoding="utf-8")
    (book / "_config.yml").write_text(
        yaml.safe_dump(student_config(config, launch_repository, launch_branch),
                       sort_keys=False, allow_unicode=True), encoding="utf-8")
    return summary


def build_site(output):
    """Build ``output/book`` into ``output/html`` (no execution, warnings are errors)."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    scratch = output / "scratch"
    result = subprocess.run(
        [str(jupyter_book), "build", str(output / "book"), "--path-output", str(scratch),
         "--all", "-W", "-n", "--keep-going"],
        capture_output=True, text=True, cwd=ROOT)
    log = result.stdout + result.stderr
    if result.returncode != 0:
        warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
        raise StudentEditionError("the student site did not build:\n"
                                  + "\n".join(warnings or log.splitlines()[-40:]))
    shutil.move(scratch / "_build" / "html", output / "html")
    shutil.rmtree(scratch)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=Path, default=ROOT / "_build" / "student",
                        help="where to write the edition (default: _build/student); "
                             "its previous content is deleted")
    parser.add_argument("--launch-repository", metavar="URL",
                        help="a repository with the student notebooks in chapters/: the "
                             "site's launch and repository buttons point there")
    parser.add_argument("--launch-branch", default="main", metavar="BRANCH")
    parser.add_argument("--notebooks-only", action="store_true",
                        help="write the student notebooks, not the site")
    args = parser.parse_args(argv)
    output = args.output.resolve()
    if output in (ROOT, *ROOT.parents) or (output.exists() and any(output.iterdir())
                                           and not (output / "README.txt").exists()):
        parser.error(f"{output} is not empty and not a student edition: refusing to delete it")
    start = time.perf_counter()
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    (output / "README.txt").write_text(README, encoding="utf-8")
    try:
        summary = prepare(output, args.launch_repository, args.launch_branch)
        for name, c in summary.items():
            print(f"{name}: {c['exercises']} exercises, {c['removed']} solution cells removed, "
                  f"{c['stubs']} stubbed, {c['checks']} self-checks kept, "
                  f"{c['cleared']} outputs cleared")
        if not args.notebooks_only:
            build_site(output)
        shutil.rmtree(output / "book")
    except (ExerciseFormatError, StudentEditionError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    where = output / ("notebooks" if args.notebooks_only else "html/index.html")
    print(f"student edition written to {output} in {time.perf_counter() - start:.0f} s; "
          f"open {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
