"""The published site and the ways to run a chapter outside this repository.

- every chapter's first cell installs optimlib from the book's repository where it is missing
  (Colab, a downloaded notebook), never ``pip install optimlib`` (another project), and does
  nothing where optimlib is installed; the chapter then runs without the book's toolchain;
- the site serves MathJax itself (offline reading) and loads nothing else from a CDN;
- a local Sphinx extension writes each inline script once (Thebe's configuration was twice);
- a GitHub Actions workflow publishes the instructor site and, under /student/, the student
  edition, with the actions Jupyter Book's documentation names.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "_ext"))
import book_html  # noqa: E402
import first_cell  # noqa: E402
import wide_figures  # noqa: E402

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


# -- the install cell ------------------------------------------------------------------------

def run_cell(monkeypatch, installed):
    """Execute the install cell with optimlib installed or not; return the pip calls."""
    calls = []
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: (
        (real_find_spec(name, *a) if installed else None) if name == "optimlib"
        else real_find_spec(name, *a)))
    monkeypatch.setattr(subprocess, "run", lambda args, **kw: calls.append((args, kw)))
    exec(compile(first_cell.cell_source(), "<install cell>", "exec"), {})
    return calls


def test_install_cell_does_nothing_where_optimlib_is_installed(monkeypatch, capsys):
    assert run_cell(monkeypatch, installed=True) == []
    assert capsys.readouterr().out == ""          # no output: nbval and the pages unchanged


def test_install_cell_installs_the_books_package_from_its_repository(monkeypatch, capsys):
    calls = run_cell(monkeypatch, installed=False)
    url, branch = CONFIG["repository"]["url"], CONFIG["repository"]["branch"]
    assert len(calls) == 1
    args, kwargs = calls[0]
    assert args[:4] == [sys.executable, "-m", "pip", "install"]
    assert args[-1] == f"git+{url}@{branch}"       # not the unrelated `optimlib` on PyPI
    assert "optimlib" not in args and kwargs == {"check": True}
    assert capsys.readouterr().out == (
        f"optimlib is missing: installing it with pip from git+{url}@{branch}\n")


def test_install_cell_lines_fit_the_page():
    assert max(map(len, first_cell.cell_source().splitlines())) <= 79


def test_first_cell_tool_inserts_replaces_and_is_idempotent(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("import numpy as np")])
    source = first_cell.cell_source()
    assert not first_cell.is_current(nb, source)
    assert first_cell.write(nb, source) == "inserted"
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]
    assert nb.cells[1].source == source and nb.cells[1].metadata.tags == ["remove-cell"]
    assert first_cell.write(nb, source) is None                    # idempotent
    nb.cells[1].source = source.replace("@main", "@old-branch")   # _config.yml changed
    assert first_cell.write(nb, source) == "updated" and len(nb.cells) == 3
    assert first_cell.is_current(nb, source)
    path = tmp_path / "chapter.ipynb"
    nbformat.write(nb, path)
    assert first_cell.main(["--check", str(path)]) == 0
    nb.cells[1].source += "\n# edited by hand"
    nbformat.write(nb, path)
    assert first_cell.main(["--check", str(path)]) == 1


def test_config_names_an_https_repository_and_colab():
    url, branch = first_cell.repository()
    assert url == CONFIG["repository"]["url"] and branch == CONFIG["repository"]["branch"]
    assert CONFIG["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    with pytest.raises(ValueError, match="repository.url"):
        bad = ROOT / "tests" / "_bad_config.yml"
        try:
            bad.write_text("repository:\n  url: git@github.com:a/b\n")
            first_cell.repository(bad)
        finally:
            bad.unlink()


def test_glue_without_the_books_toolchain(monkeypatch, capsys):
    # outside the book's build (Colab) myst_nb is absent: glue must not fail the chapter
    from optimlib.book import glue, publisher
    monkeypatch.setitem(sys.modules, "myst_nb", None)          # `import myst_nb` fails
    glue("ch00_x", 1.23456789)
    publisher("ch00")(y=2)
    assert capsys.readouterr().out == ""
    glue("ch00_shown", 2 / 3, display=True)
    assert capsys.readouterr().out.strip() == "0.666667"


# -- wide figures ----------------------------------------------------------------------------

def png_notebook(width):
    import base64
    header = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + width.to_bytes(4, "big") + bytes(8)
    cell = nbformat.v4.new_code_cell("plt.show()", outputs=[nbformat.v4.new_output(
        "display_data", data={"image/png": base64.b64encode(header).decode()})])
    return nbformat.v4.new_notebook(cells=[cell])


def test_wide_figures_are_tagged_and_narrow_ones_untagged():
    wide, narrow = png_notebook(1091), png_notebook(651)
    assert wide_figures.mismatches(wide) == [0] and wide_figures.mismatches(narrow) == []
    assert wide_figures.write(wide) == 1 and wide.cells[0].metadata.tags == ["full-width"]
    assert wide_figures.write(wide) == 0
    narrow.cells[0].metadata["tags"] = ["full-width", "hide-input"]
    assert wide_figures.write(narrow) == 1 and narrow.cells[0].metadata.tags == ["hide-input"]


# -- the site's assets -----------------------------------------------------------------------

def test_mathjax_is_served_by_the_site_with_its_licence():
    sphinx = CONFIG["sphinx"]["config"]
    assert sphinx["html_extra_path"] == ["_vendor"]
    # the path is relative to _static/; _vendor/ is copied to the site's root
    script = ROOT / "_vendor" / Path(sphinx["mathjax_path"]).relative_to("..")
    assert script.name == "tex-chtml.js" and script.stat().st_size > 1_000_000
    assert "Apache License" in (ROOT / "_vendor" / "mathjax" / "LICENSE").read_text()
    fonts = list((ROOT / "_vendor/mathjax/output/chtml/fonts/woff-v2").glob("*.woff"))
    assert len(fonts) > 20
    assert (ROOT / "_vendor/mathjax/input/tex/extensions/boldsymbol.js").exists()
    size = sum(f.stat().st_size for f in (ROOT / "_vendor").rglob("*") if f.is_file())
    assert size < 2_500_000                                      # the repository stays light
    # Jupyter Book adds every .js file under _static/ to every page: MathJax must not be there
    assert not list((ROOT / "_static").rglob("*.js"))


def test_the_student_edition_gets_the_extension_and_the_vendored_files():
    text = (ROOT / "tools" / "student_edition.py").read_text()
    assert '"_ext", "_vendor"' in text


def test_inline_scripts_are_written_once():
    from sphinx.builders.html._assets import _JavaScript
    thebe = "const THEBE_JS_URL = 1"
    scripts = [_JavaScript("_static/a.js", priority=500), _JavaScript(None, body=thebe),
               _JavaScript("", body=thebe), _JavaScript("", body="other"),
               _JavaScript("_static/a.js", priority=500),
               _JavaScript("_static/a.js", priority=500, defer="defer")]
    context = {"script_files": scripts}
    book_html._drop_repeated_scripts(None, "page", "page.html", context, None)
    assert context["script_files"] is scripts                   # changed in place
    assert [(s.filename, s.attributes.get("body")) for s in scripts] == [
        ("_static/a.js", None), (None, thebe), ("", "other"), ("_static/a.js", None)]


def test_the_colour_mode_is_set_and_the_extension_loaded():
    sphinx = CONFIG["sphinx"]
    assert sphinx["local_extensions"] == {"book_html": "_ext"}
    assert sphinx["config"]["html_context"] == {"default_mode": "auto"}


# -- publishing ------------------------------------------------------------------------------

def test_pages_workflow_builds_both_editions_and_deploys():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())
    trigger = workflow.get("on", workflow.get(True))
    assert trigger["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = "\n".join(step.get("run", "") for step in build["steps"])
    uses = [step.get("uses", "") for step in build["steps"] + deploy["steps"]]
    assert "pip install -r requirements.txt" in runs
    assert "jupyter-book build --all . -W -n --keep-going" in runs
    assert "tools/student_edition.py" in runs
    assert "cp -R _build/student/html _site/student" in runs
    assert "actions/upload-pages-artifact@v3" in uses and "actions/deploy-pages@v4" in uses
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith(
        "actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_site"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    # the workflow does not write the repository's URL (it is in _config.yml only)
    assert CONFIG["repository"]["url"] not in (ROOT / ".github/workflows/pages.yml").read_text()
