"""Exercises that instructors can assign: nbgrader metadata, nbgrader releases, self-checks.

- Every chapter's exercise cells carry the nbgrader metadata that ``tools/mark_exercises.py``
  gives them, and nbgrader's own validator accepts it.
- ``nbgrader generate_assignment`` (through nbgrader's Python API, in a temporary course
  directory) turns every chapter into a release that keeps the self-checks and holds none of
  the solutions.
- The tools that mark the chapters and make the student edition do what they say on small
  notebooks, and refuse chapters that could leak.
- Self-checks write nothing to stderr and do not print the expected values.
- The exercise index of instructors.md is the one the chapters give.

The student edition itself (build and leak search) is tested in ``test_student_edition.py``.
"""

import copy
import json
import shutil
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbgrader.nbgraderformat import MetadataValidator, ValidationError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import exercise_index  # noqa: E402
import leaks  # noqa: E402
import mark_exercises  # noqa: E402
import student_edition  # noqa: E402
from exercises import (ExerciseFormatError, check_markers, find_exercises,  # noqa: E402
                       nbgrader_metadata, stub)

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def read(path):
    return nbformat.read(path, as_version=4)


# ---------------------------------------------------------------------------------------------
# every chapter


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_exercise_cells_carry_valid_nbgrader_metadata(path):
    nb = read(path)
    exercises = find_exercises(nb.cells, f"{path.name}: ")
    expected = nbgrader_metadata(nb.cells, exercises)
    for index, cell in enumerate(nb.cells):
        assert cell.metadata.get("nbgrader") == expected.get(index), (
            f"cell {index}: run `.venv/bin/python tools/mark_exercises.py "
            f"{path.relative_to(ROOT)}`")
    MetadataValidator().validate_nb(nb)           # nbgrader's own validator
    ids = [m["grade_id"] for m in expected.values()]
    assert len(ids) == len(set(ids))
    for exercise in exercises:
        for index in exercise.solution:
            meta = nb.cells[index].metadata["nbgrader"]
            assert meta["solution"] and not meta["locked"]
            assert meta["grade"] == (nb.cells[index].cell_type == "markdown")
        for index in exercise.checks:
            meta = nb.cells[index].metadata["nbgrader"]
            assert meta["grade"] and meta["locked"] and meta["points"] > 0
            assert not meta["solution"]


@pytest.fixture(scope="module")
def nbgrader_course(tmp_path_factory):
    """A course directory with every chapter as an assignment, released by nbgrader."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    course = tmp_path_factory.mktemp("course")
    for path in CHAPTERS:
        (course / "source" / path.stem).mkdir(parents=True)
        shutil.copyfile(path, course / "source" / path.stem / path.name)
    config = Config()
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
    # nbgrader runs the `alembic` command of its environment
    bin_dir = str(Path(sys.executable).parent)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", bin_dir, prepend=":")
        api = NbGraderAPI(config=config)
        results = {path.stem: api.generate_assignment(path.stem) for path in CHAPTERS}
    return course, results


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_nbgrader_generate_assignment_releases_the_chapter_without_solutions(
        path, nbgrader_course):
    course, results = nbgrader_course
    result = results[path.stem]
    assert result["success"], result["log"] + str(result.get("error"))
    release = read(course / "release" / path.stem / path.name)
    instructor = read(path)
    # nbgrader keeps every cell; the solution cells are cleared, the self-checks kept as they are
    assert len(release.cells) == len(instructor.cells)
    exercises = find_exercises(instructor.cells)
    for exercise in exercises:
        for index in exercise.checks:
            assert release.cells[index].source == instructor.cells[index].source
            assert release.cells[index].metadata["editable"] is False
        for index in exercise.solution:
            cell = release.cells[index]
            if cell.cell_type == "markdown":
                assert cell.source == "YOUR ANSWER HERE"
            else:
                assert cell.source == stub(instructor.cells[index].source)
                assert "raise NotImplementedError()" in cell.source
    solutions = leaks.collect(chapters=[path])
    strings = "\n".join(leaks.json_strings(json.loads(nbformat.writes(release))))
    assert not leaks.find_runs(solutions.runs, [leaks.words(strings)])
    original = "\n".join(leaks.json_strings(json.loads(nbformat.writes(instructor))))
    assert leaks.find_runs(solutions.runs, [leaks.words(original)])   # the search can fail


def test_exercise_index_of_the_instructors_page_matches_the_chapters():
    page = (ROOT / "instructors.md").read_text(encoding="utf-8")
    assert exercise_index.replace(page, exercise_index.index()) == page, (
        "run `.venv/bin/python tools/exercise_index.py --write`")


# ---------------------------------------------------------------------------------------------
# the tools, on small notebooks


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                 "display_name": "Python 3"}
    for kind, text, *outputs in cells:
        if kind == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(text))
        else:
            cell = nbformat.v4.new_code_cell(text, execution_count=1)
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=o)
                            for o in outputs]
            nb.cells.append(cell)
    return nb


EXERCISE = "```{exercise} Square it\n:label: ex-ch99-square\n\n*(coding)* Write `square(x)`.\n```"
START = "```{solution-start} ex-ch99-square\n:class: dropdown\n```\n\nMultiply x by itself."
CODE = "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION"
END = "```{solution-end}\n```"
CHECK = "check_function(square, lambda x: x**2, [(2.0,)], what='square')"


def small_chapter():
    return notebook(("md", "# Title"), ("code", "x = 1", "kept output"),
                    ("md", "## Exercises"), ("md", EXERCISE), ("md", START),
                    ("code", CODE, "solution output"), ("md", END), ("md", "The self-check:"),
                    ("code", CHECK, "square: correct on 1 test case."), ("md", "## References"))


def test_mark_exercises_converts_markers_sets_metadata_and_is_idempotent(tmp_path):
    path = tmp_path / "99_small.ipynb"
    nbformat.write(small_chapter(), path)
    assert mark_exercises.main([str(path)]) == 0
    once = path.read_text()
    assert mark_exercises.main(["--check", str(path)]) == 0
    assert mark_exercises.main([str(path)]) == 0 and path.read_text() == once
    nb = read(path)
    assert "    # BEGIN SOLUTION" in nb.cells[5].source and "###" not in nb.cells[5].source
    roles = {i: c.metadata.get("nbgrader") for i, c in enumerate(nb.cells)}
    assert roles[3]["grade_id"] == "ex-ch99-square-statement" and roles[3]["locked"]
    assert roles[4] == {"grade": True, "grade_id": "ex-ch99-square-text-1", "locked": False,
                        "points": 0, "schema_version": 3, "solution": True}
    assert roles[5]["solution"] and not roles[5]["grade"]
    assert roles[6]["grade_id"] == "ex-ch99-square-text-2"
    assert roles[7]["grade_id"] == "ex-ch99-square-cell-1"
    assert roles[8] == {"grade": True, "grade_id": "ex-ch99-square-check-1", "locked": True,
                        "points": 1, "schema_version": 3, "solution": False}
    assert roles[0] is roles[1] is roles[9] is None
    MetadataValidator().validate_nb(nb)
    # metadata on a cell that is no longer part of an exercise is removed
    nb.cells[1].metadata["nbgrader"] = dict(roles[8], grade_id="stale")
    nbformat.write(nb, path)
    assert mark_exercises.main(["--check", str(path)]) == 1
    assert mark_exercises.main([str(path)]) == 0 and path.read_text() == once


def test_nbgraders_validator_rejects_what_the_tool_avoids():
    nb = small_chapter()
    mark_exercises.mark(nb)
    broken = copy.deepcopy(nb)
    broken.cells[4].metadata["nbgrader"]["grade"] = False     # markdown solution, not graded
    del broken.cells[4].metadata["nbgrader"]["points"]
    with pytest.raises(ValidationError, match="not marked as a grade cell"):
        MetadataValidator().validate_nb(broken)
    broken = copy.deepcopy(nb)
    broken.cells[8].metadata["nbgrader"]["grade_id"] = "ex-ch99-square-text-1"
    with pytest.raises(ValidationError, match="Duplicate grade id"):
        MetadataValidator().validate_nb(broken)


@pytest.mark.parametrize("text, message", [
    ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "must be exactly"),
    ("# BEGIN SOLUTION\nx = 1", "BEGIN without END"),
    ("x = 1\n# END SOLUTION", "END without BEGIN"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n# END SOLUTION", "nested"),
    ("x = 1  # BEGIN SOLUTION\n# END SOLUTION", "must be exactly"),
])
def test_markers_must_be_exact_and_balanced(text, message):
    with pytest.raises(ExerciseFormatError, match=message):
        check_markers(text)


def test_stub_replaces_each_marked_region_or_the_whole_cell():
    text = "def f(x):\n    # BEGIN SOLUTION\n    return 2 * x\n    # END SOLUTION\n\nf(1)"
    assert stub(text) == ("def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
                          "\n\nf(1)")
    assert stub("print(42)") == "# YOUR CODE HERE\nraise NotImplementedError()"


@pytest.mark.parametrize("change, message", [
    (lambda nb: nb.cells.__setitem__(6, nbformat.v4.new_markdown_cell(END + "\n\nMore text")),
     "must close the cell"),
    (lambda nb: nb.cells.__setitem__(4, nbformat.v4.new_markdown_cell("Intro.\n\n" + START)),
     "must open its cell"),
    (lambda nb: nb.cells.pop(6), "no solution-end"),
    (lambda nb: nb.cells.__setitem__(1, nbformat.v4.new_code_cell(CODE.replace("###", "#"))),
     "outside a solution"),
    (lambda nb: nb.cells.__setitem__(7, nbformat.v4.new_markdown_cell("# END SOLUTION")),
     "must not contain the words"),
    (lambda nb: nb.cells.__setitem__(4, nbformat.v4.new_markdown_cell(
        START.replace("ex-ch99-square", "ex-ch99-other"))), "follows exercise"),
])
def test_chapters_that_break_the_exercise_format_are_refused(change, message):
    nb = small_chapter()
    change(nb)
    with pytest.raises(ExerciseFormatError, match=message):
        mark_exercises.mark(nb)


def test_student_notebook_removes_solutions_and_keeps_self_checks():
    nb = small_chapter()
    mark_exercises.mark(nb)
    student, counts = student_edition.student_notebook(nb)
    sources = [c.source for c in student.cells]
    assert sources == ["# Title", "x = 1", "## Exercises", EXERCISE,
                       "def square(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()",
                       "The self-check:", CHECK, "## References"]
    assert student.cells[1].outputs[0].text == "kept output"      # outside the exercises
    assert student.cells[4].outputs == [] and student.cells[6].outputs == []
    assert not any("nbgrader" in c.metadata for c in student.cells)
    assert counts == {"exercises": 1, "removed": 2, "stubs": 1, "checks": 1, "cleared": 2}
    assert nb.cells[5].outputs, "the instructor notebook is left as it was"


def test_student_edition_refuses_cells_without_metadata_and_lost_glue():
    nb = small_chapter()
    with pytest.raises(ExerciseFormatError, match="must be exactly"):   # `###` markers
        student_edition.student_notebook(nb)
    mark_exercises.mark(nb)
    del nb.cells[8].metadata["nbgrader"]
    with pytest.raises(student_edition.StudentEditionError, match="has no nbgrader metadata"):
        student_edition.student_notebook(nb)
    nb = small_chapter()
    nb.cells[5].outputs = [nbformat.v4.new_output(
        "display_data", data={"application/papermill.record/text/plain": "4"},
        metadata={"scrapbook": {"name": "ch99_four", "mime_prefix": "x"}})]
    nb.cells[7].source = "The answer is {glue:text}`ch99_four:.0f`."
    mark_exercises.mark(nb)
    with pytest.raises(student_edition.StudentEditionError, match="ch99_four"):
        student_edition.student_notebook(nb)


def test_leak_runs_skip_text_that_also_occurs_outside_solutions(tmp_path):
    nb = small_chapter()
    nb.cells[4].source = (START.split("\n\n")[0] + "\n\nThe product of x with itself is the "
                          "square we want, computed without any call to power.")
    nb.cells[3].source = EXERCISE.replace("Write", "The product of x with itself is the")
    mark_exercises.mark(nb)
    path = tmp_path / "99_small.ipynb"
    nbformat.write(nb, path)
    solutions = leaks.collect(chapters=[path], extra_outside=[])
    assert ("the", "product", "of", "x", "with", "itself", "is", "the") not in solutions.runs
    assert ("square", "we", "want", "computed", "without", "any", "call", "to") in solutions.runs
    assert ("return", "x", "x") not in solutions.runs                   # shorter than MIN_RUN
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "page.html").write_text(
        "<p>the <em>square</em> we want, computed without any call to power</p>")
    (tmp_path / "site" / "other.html").write_text("<p>the square we want</p>")
    hits, searched = leaks.search(tmp_path / "site", solutions)
    assert searched == 2 and list(hits) == ["page.html"]


# ---------------------------------------------------------------------------------------------
# self-checks as autograder tests


def warns(x):
    with np.errstate(divide="warn"):
        np.log(np.zeros(1))                   # RuntimeWarning: divide by zero
    return x


@pytest.mark.parametrize("candidate, phrase", [
    (lambda x: 3.0 * x + 1.234567, "differs from the expected value"),
    (lambda x: (x * (1 + 1j)), "complex"),
    (lambda x: x * 1e308 * 10, "NaN or infinite"),
    (lambda x: np.full_like(x, 1e300) * np.array([1.0, -1.0]), "differs"),
    (lambda x: warns(x) * 3.0, "the function also warned: test case 1: RuntimeWarning"),
])
def test_self_checks_fail_without_stderr_and_without_the_expected_values(
        candidate, phrase, capfd):
    from optimlib.check import check_function
    x = np.array([0.0, 1.7320508])
    expected = 2.0 * x + 0.9876543
    with pytest.raises(AssertionError) as raised:
        check_function(candidate, lambda x: 2.0 * x + 0.9876543, [(x,)], what="f")
    message = str(raised.value)
    assert phrase in message
    for value in expected:
        assert f"{value:.4g}" not in message and f"{value:.6g}" not in message
    out, err = capfd.readouterr()
    assert err == "" and out == ""


def test_a_correct_function_that_warns_passes_and_says_so_on_stdout(capfd):
    from optimlib.check import check_function
    check_function(warns, lambda x: x, [(np.array([0.0, 2.0]),)], what="f")
    out, err = capfd.readouterr()
    assert err == ""
    assert out.startswith("f: correct on 1 test case.\nnote: the function warned on test case "
                          "1: RuntimeWarning: divide by zero")


def test_student_site_config_has_no_instructor_links_unless_given_a_student_repository():
    import yaml
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    student = student_edition.student_config(config)
    assert student["execute"]["execute_notebooks"] == "off"
    assert student["title"].endswith("(student edition)")
    html, buttons = student["html"], student["launch_buttons"]
    assert not html["use_repository_button"] and not html["use_issues_button"]
    assert not buttons["binderhub_url"] and not buttons["thebe"]
    assert config["execute"]["execute_notebooks"] == "force", "the book's config is left alone"
    url = "https://example.org/course-student"
    student = student_edition.student_config(config, url, "spring")
    assert student["repository"] == {"url": url, "branch": "spring"}
    assert student["html"]["use_repository_button"] and not student["html"]["use_issues_button"]
    assert student["launch_buttons"] == config["launch_buttons"]
    assert student["parse"]["myst_substitutions"]["repo_url"] == url
