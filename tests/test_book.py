"""The published site builds from scratch with every notebook re-executed and no warning.

This is the same command as the README's build command, plus ``-W -n --keep-going`` so that a
broken reference, a missing citation or a failing cell fails the test. ``_config.yml`` sets
``execute_notebooks: force``, so no cached output can hide a change to optimlib.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_book_builds_from_clean_build_dir_without_warnings():
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jupyter_book), "build", str(ROOT), "--all", "-W", "-n", "--keep-going"],
        capture_output=True, text=True, cwd=ROOT,
    )
    log = result.stdout + result.stderr
    warnings = [line for line in log.splitlines() if "WARNING" in line and "TCP" not in line]
    assert result.returncode == 0, "book build failed:\n" + "\n".join(warnings or log.splitlines()[-40:])
    assert (ROOT / "_build" / "html" / "index.html").exists()
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        page = ROOT / "_build" / "html" / "chapters" / f"{notebook.stem}.html"
        assert page.exists(), f"no page was built for {notebook.name}"
