"""The book's contract with readers, students and instructors, checked on every chapter.

nbval checks that each notebook's outputs are what its code produces; these tests check the
structure that DESIGN.md and CONVENTIONS.md promise: every chapter is in the table of contents,
has learning objectives, a summary, references and at least five exercises each with a
solution, marks solution code for the student edition, numbers and captions its figures,
pairs each live widget (whose output nbval does not compare and the page does not show) with a
kernel-free counterpart, and starts with the cell that installs optimlib where it is missing.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
sys.path.insert(0, str(ROOT / "tools"))
import first_cell  # noqa: E402  (tools/first_cell.py: the chapters' install cell)
import wide_figures  # noqa: E402  (tools/wide_figures.py: full-width tags)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# a call that makes a live explorer: widgets.explorer(...), widgets.gd_explorer(...), ...
LIVE_EXPLORER = re.compile(r"\bwidgets\.(?!precomputed_)\w*explorer\(|\binteract(ive)?\(")


def load(path):
    return json.loads(path.read_text())


def source(cell):
    return "".join(cell["source"])


def text_of(value):
    return "".join(value) if isinstance(value, list) else value


def is_widget_cell(cell):
    """A code cell that shows a live widget (by its code, or by a stored widget view)."""
    return bool(LIVE_EXPLORER.search(source(cell))) or any(
        WIDGET_VIEW in o.get("data", {}) for o in cell["outputs"])


def is_precomputed_viewer(cell):
    """A code cell whose stored output is widgets.precomputed_explorer's HTML viewer."""
    return any('class="optimlib-precomputed"' in text_of(o.get("data", {}).get("text/html", ""))
               for o in cell["outputs"])


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]


def test_there_are_chapters():
    assert len(CHAPTERS) >= 3


def test_every_chapter_is_in_the_table_of_contents_and_vice_versa():
    listed = {f for f in toc_files() if f.startswith("chapters/")}
    present = {f"chapters/{p.stem}" for p in CHAPTERS}
    assert listed == present


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
class TestChapter:
    def test_title_objectives_summary_references(self, path):
        cells = load(path)["cells"]
        first = source(cells[0])
        assert cells[0]["cell_type"] == "markdown" and first.startswith("# ")
        assert "Learning objectives" in first
        headings = [line for c in cells if c["cell_type"] == "markdown"
                    for line in source(c).splitlines() if line.startswith("#")]
        assert sum(h.startswith("# ") for h in headings) == 1, "exactly one title"
        for section in ("## Summary", "## Exercises", "## References"):
            assert section in headings, f"missing section {section!r}"

    def test_no_heading_level_is_skipped(self, path):
        levels = [len(m.group(1)) for c in load(path)["cells"] if c["cell_type"] == "markdown"
                  for m in re.finditer(r"^(#+) ", source(c), flags=re.M)]
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels

    def test_at_least_five_exercises_each_with_a_collapsed_solution(self, path):
        text = "\n".join(source(c) for c in load(path)["cells"] if c["cell_type"] == "markdown")
        exercises = re.findall(r"```\{exercise\}[^\n]*\n:label: (\S+)", text)
        solutions = re.findall(r"```\{solution-start\} (\S+)\n:class: dropdown", text)
        assert len(exercises) >= 5, exercises
        assert len(set(exercises)) == len(exercises), "duplicate exercise labels"
        assert sorted(solutions) == sorted(exercises), "every exercise needs exactly one solution"
        assert text.count("```{solution-start}") == text.count("```{solution-end}")

    def test_solution_code_is_marked_for_the_student_edition(self, path):
        # nbgrader and otter-grader both read `# BEGIN SOLUTION` / `# END SOLUTION` with one
        # `#` (otter rejects `###`). nbgrader cuts from any line that contains the words, in
        # markdown cells too, so every such line must be exactly a marker, the markers must
        # alternate BEGIN, END, and they may appear only inside a sphinx-exercise solution
        markers = ["# BEGIN SOLUTION", "# END SOLUTION"]
        cells = load(path)["cells"]
        inside = False
        marked = 0
        for cell in cells:
            text = source(cell)
            lines = [line.strip() for line in text.split("\n")
                     if "BEGIN SOLUTION" in line or "END SOLUTION" in line]
            if cell["cell_type"] == "markdown":
                assert not lines, f"solution markers in a markdown cell:\n{text}"
                if "```{solution-start}" in text:
                    inside = True
                if "```{solution-end}" in text:
                    inside = False
                continue
            for line in lines:
                assert line in markers, f"{line!r} is not a single-# marker, in:\n{text}"
            assert lines == markers * (len(lines) // 2), (
                f"unbalanced or nested solution markers in:\n{text}")
            if lines:
                assert inside, f"solution code outside a solution block:\n{text}"
                marked += 1
        assert marked >= 2, "at least two coding exercises with marked solutions"

    def test_code_cells_ran_without_errors(self, path):
        for cell in load(path)["cells"]:
            if cell["cell_type"] == "code" and source(cell).strip():
                assert cell["execution_count"] is not None, f"cell never ran:\n{source(cell)}"
                assert not [o for o in cell["outputs"] if o["output_type"] == "error"]

    def test_at_least_three_numbered_captioned_figures(self, path):
        figures = [c["metadata"]["mystnb"]["figure"] for c in load(path)["cells"]
                   if c["cell_type"] == "code" and "figure" in c["metadata"].get("mystnb", {})]
        assert len(figures) >= 3
        for figure in figures:
            assert figure.get("name", "").startswith("fig-") and figure.get("caption")

    def test_widgets_exist_with_a_kernel_free_counterpart_and_no_output_on_the_page(self, path):
        # A live widget needs a kernel; on the static page it would be dead controls (or a
        # blank). So each widget cell has, as the code cell right before it (or right after),
        # its own kernel-free counterpart: widgets.precomputed_explorer's viewer (frames
        # drawn in advance behind plain HTML sliders), whose stored output the page shows.
        nb = load(path)
        cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
        widget_cells = [i for i, c in enumerate(cells) if is_widget_cell(c)]
        assert widget_cells, "each chapter has at least one interactive widget"
        paired = set()
        for i in widget_cells:
            cell = cells[i]
            tags = cell["metadata"].get("tags", [])
            # nbval executes the cell (the widget must work) but does not compare its live
            # state; the site build does not re-create it (nbclient, which the build uses,
            # can deadlock on widget messages, jupyter/nbclient#312) and removes its output
            # from the page, where a widget without a kernel does nothing
            for tag in ("nbval-ignore-output", "skip-execution", "remove-output"):
                assert tag in tags, f"widget cell without tag {tag!r}:\n{source(cell)}"
            # no stored widget view: without its saved state it would show "model not found"
            # in Jupyter, and the state would put the CDN widget manager on the page
            assert not [o for o in cell["outputs"] if WIDGET_VIEW in o.get("data", {})], (
                f"stored widget output (store the chapter as CONVENTIONS.md says):\n"
                f"{source(cell)}")
            neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(cells) and j not in paired
                          and is_precomputed_viewer(cells[j])]
            assert neighbours, ("no kernel-free counterpart (widgets.precomputed_explorer) in "
                                "the code cell before or after the widget cell (recipe in "
                                f"CONVENTIONS.md):\n{source(cell)}")
            viewer = cells[neighbours[0]]
            paired.add(neighbours[0])
            hidden = {"remove-output", "remove-cell", "hide-output", "hide-cell",
                      "skip-execution"}
            assert not hidden & set(viewer["metadata"].get("tags", [])), source(viewer)
        state = nb["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json")
        assert not (state or {}).get("state"), "saved widget state in the notebook's metadata"

    def test_first_code_cell_installs_optimlib_where_it_is_missing(self, path):
        # generated from _config.yml by tools/first_cell.py (never `pip install optimlib`,
        # an unrelated project); a no-op where optimlib is installed, so it stores no output
        first = next(c for c in load(path)["cells"] if c["cell_type"] == "code")
        assert source(first) == first_cell.cell_source(), (
            "run .venv/bin/python tools/first_cell.py --write " + str(path.relative_to(ROOT)))
        assert first["metadata"].get("tags") == first_cell.TAGS
        assert first["outputs"] == [] and first["execution_count"] is not None

    def test_wide_figures_take_the_full_width_of_the_page(self, path):
        # a figure wider than the text column is shrunk to fit it (a three-panel figure to
        # about 65%, its legends unreadable); tools/wide_figures.py tags such cells
        # `full-width`, which the theme widens over the right-hand table of contents
        nb = nbformat.read(path, as_version=4)
        assert not wide_figures.mismatches(nb), (
            "run .venv/bin/python tools/wide_figures.py --write " + str(path.relative_to(ROOT)))

    def test_glued_numbers_go_through_the_rounding_helpers(self, path):
        # optimlib.book rounds numbers to 6 significant digits before gluing, so the stored
        # outputs nbval compares do not carry a processor's last bits
        code = "\n".join(source(c) for c in load(path)["cells"] if c["cell_type"] == "code")
        assert not re.search(r"from myst_nb import .*\bglue\b|myst_nb\.glue", code)
        assert re.search(r"from optimlib\.book import .*\b(glue|publisher)\b", code)

    def test_no_chapter_bibliography_or_footnote_citations(self, path):
        text = "\n".join(source(c) for c in load(path)["cells"])
        assert "{bibliography}" not in text and "{footcite" not in text
        assert re.search(r"\{cite:[tp]\}", text), "a chapter cites its sources"


def test_repository_url_is_written_in_exactly_one_place():
    # _config.yml is the one place to change it. Pages use it through {{ repo_url }}; the only
    # other files that contain it are the chapters, in their first code cell, which
    # tools/first_cell.py generates from _config.yml (checked here to be exactly that cell,
    # so `tools/first_cell.py --write chapters/*.ipynb` follows a change of _config.yml)
    url = re.search(r"url: &repository_url (\S+)", (ROOT / "_config.yml").read_text()).group(1)
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    places = [f for f in tracked if (ROOT / f).is_file()
              and url in (ROOT / f).read_text(errors="ignore")]
    assert "_config.yml" in places
    assert (ROOT / "_config.yml").read_text().count(url) == 1
    generated = first_cell.cell_source()
    assert url in generated and generated.count(url) == 1
    for place in places:
        if place == "_config.yml":
            continue
        assert place.startswith("chapters/") and place.endswith(".ipynb"), (
            f"{place} writes the repository URL; use {{{{ repo_url }}}} or _config.yml")
        cells = load(ROOT / place)["cells"]
        holding = [c for c in cells if url in json.dumps(c)]
        first = next(c for c in cells if c["cell_type"] == "code")
        assert holding == [first] and source(first) == generated, (
            f"{place}: the URL may appear only in the generated install cell")


def public_modules():
    """Dotted names of optimlib's public modules and subpackages, found on disk (recursively).

    A subpackage counts through its ``__init__.py`` (``optimlib.plot``), its modules by their
    own names (``optimlib.plot.curves``); names starting with ``_`` are private. Left out: the
    top-level package (its docstring is the map the API page replaces) and ``optimlib.datasets``
    (data files, no code).
    """
    names = set()
    for path in (ROOT / "optimlib").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if not any(part.startswith("_") for part in parts):
            names.add(".".join(parts))
    return names - {"optimlib", "optimlib.datasets"}


def test_api_reference_documents_every_public_module():
    page = (ROOT / "appendix" / "api.md").read_text()
    documented = re.findall(r"^\.\. automodule:: (optimlib(?:\.\w+)+)$", page, flags=re.M)
    assert len(documented) == len(set(documented)), "a module is documented twice"
    modules = public_modules()
    assert "optimlib.plot" in modules and any(m.startswith("optimlib.plot.") for m in modules)
    assert set(documented) == modules
    assert "appendix/api" in toc_files()


def test_docstring_examples_fit_the_api_pages_code_boxes():
    # a code box nested in an entry of the API reference shows about 74 characters
    import ast
    too_long = []
    paths = sorted((ROOT / "optimlib").rglob("*.py"))
    assert any(path.parent.name == "plot" for path in paths)      # subpackages are searched
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)):
                for line in (ast.get_docstring(node) or "").splitlines():
                    shown = re.sub(r"\s*#\s*doctest:.*$", "", line.strip())
                    if shown.startswith((">>>", "...")) and len(shown) > 74:
                        too_long.append(f"{path.relative_to(ROOT)}: {shown}")
    assert not too_long, "\n".join(too_long)
