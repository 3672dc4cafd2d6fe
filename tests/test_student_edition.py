"""The student edition: the README's student command builds it, and no solution reaches it.

The command after ``<!-- student-command -->`` in README.md is run as written, minus its
install prefix (the same ``python3.11 -m venv .venv && .venv/bin/pip install -r
requirements.txt`` as the test command, which has already run it). It rebuilds
``_build/student/`` from the instructor chapters.

The leak search (``tools/leaks.py``) cuts every solution of the instructor chapters into runs
of consecutive words, drops the runs that also occur outside solutions, and searches every
file of ``_build/student/`` for the rest: it must find none. The same search over the
instructor site must find, for every solution cell that has runs, at least one of them, so the
test can fail. The instructor site is ``_build/html`` from the book-build test, which
conftest.py runs before this file; if it is missing or older than a chapter (this file run
alone), an instructor site is built here without execution.
"""

import base64
import hashlib
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import leaks  # noqa: E402
from exercises import find_exercises  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
STUDENT = ROOT / "_build" / "student"
INSTALL = "python3.11 -m venv .venv && .venv/bin/pip install -r requirements.txt && "
INSTRUCTOR_BUTTONS = ("dropdown-launch-buttons", "btn-launch-thebe",
                      "btn-source-repository-button", "btn-source-issues-button")


def readme_command(marker):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- {marker} -->\s*```bash\n(.+?)\n```", readme, flags=re.S)
    assert match, f"no bash block after <!-- {marker} --> in README.md"
    return match.group(1).strip()


@pytest.fixture(scope="module")
def student_build():
    command = readme_command("student-command")
    assert command.startswith(INSTALL) and readme_command("test-command").startswith(INSTALL)
    start = time.perf_counter()
    result = subprocess.run(command[len(INSTALL):], shell=True, cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    print(f"student command: {time.perf_counter() - start:.0f} s")
    return result


@pytest.fixture(scope="module")
def instructor_site(student_build, tmp_path_factory):
    site = ROOT / "_build" / "html"
    newest = max(p.stat().st_mtime for p in CHAPTERS)
    if (site / "index.html").exists() and (site / "index.html").stat().st_mtime > newest:
        return site
    # built here without execution: the stored outputs are what nbval checks the code gives
    scratch = tmp_path_factory.mktemp("instructor")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["execute"]["execute_notebooks"] = "off"
    (scratch / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jupyter_book), "build", str(ROOT), "--all", "--path-output",
                             str(scratch), "--config", str(scratch / "_config.yml")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return scratch / "_build" / "html"


def test_student_command_builds_the_notebooks_and_the_site(student_build):
    notebooks = sorted(p.name for p in (STUDENT / "notebooks").glob("*.ipynb"))
    assert notebooks == [p.name for p in CHAPTERS]
    html = STUDENT / "html"
    landing = leaks.strip_tags((html / "intro.html").read_text(encoding="utf-8"))
    assert "This is the student edition of the book" in " ".join(landing.split())
    for path in CHAPTERS:
        page = html / "chapters" / f"{path.stem}.html"
        assert page.exists(), f"no student page for {path.name}"
        # downloads serve the student notebook
        served = html / "_sources" / "chapters" / path.name
        assert served.read_bytes() == (STUDENT / "notebooks" / path.name).read_bytes()
    pages = sorted(html.rglob("*.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not [b for b in INSTRUCTOR_BUTTONS if b in text], f"{page}: instructor buttons"
        assert "mybinder.org" not in text, page


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_student_notebook_has_stubs_and_self_checks_and_the_instructors_figures(
        path, student_build):
    instructor = nbformat.read(path, as_version=4)
    student = nbformat.read(STUDENT / "notebooks" / path.name, as_version=4)
    exercises = find_exercises(instructor.cells)
    in_exercise = {i for e in exercises for i in e.cells}
    solution = {i for e in exercises for i in e.solution}
    kept = [c for i, c in enumerate(instructor.cells)
            if i not in solution or c.cell_type == "code"]
    assert len(student.cells) == len(kept)
    images = set()
    for index, cell in zip([i for i, c in enumerate(instructor.cells)
                            if i not in solution or c.cell_type == "code"], student.cells):
        original = instructor.cells[index]
        if index in solution:
            assert "raise NotImplementedError()" in cell.source
        else:
            assert cell.source == original.source
        if index in in_exercise and cell.cell_type == "code":
            assert cell.outputs == []
        elif cell.cell_type == "code":
            assert cell.outputs == original.outputs          # figures and numbers as stored
            images |= {hashlib.sha256(base64.b64decode(o["data"]["image/png"])).hexdigest()
                       for o in cell.outputs if "image/png" in o.get("data", {})}
    shown = {hashlib.sha256(p.read_bytes()).hexdigest()
             for p in (STUDENT / "html" / "_images").glob("*.png")}
    assert images and images <= shown, "the site shows the stored figures"


def test_no_solution_reaches_the_student_edition_and_the_search_would_find_one(
        student_build, instructor_site):
    solutions = leaks.collect()
    assert len(solutions.runs) > 1000
    hits, searched = leaks.search(STUDENT, solutions)
    assert searched > 100
    assert not hits, "solution text in the student edition:\n" + "\n".join(
        f"{name}: {' '.join(found[0])!r} ({len(found)} runs)" for name, found in hits.items())
    # the same search finds the solutions in the instructor site's pages
    pages = [leaks.file_words(p) for p in sorted((instructor_site / "chapters").glob("*.html"))]
    found = leaks.find_runs(set(solutions.runs), pages)
    missed = [unit for unit, runs in solutions.units.items() if runs and not runs & found]
    assert not missed, f"the search finds nothing of these solutions in the instructor site: " \
                       f"{missed}"
    assert len(found) > 0.9 * len(solutions.runs)
    print(f"{len(solutions.runs)} solution runs; student edition: {searched} files, 0 hits; "
          f"instructor pages: {len(found)} runs found")
