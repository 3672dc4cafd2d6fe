"""How a student runs the chapters: Binder's configuration.

repo2docker (Binder) reads the `binder/` folder when it exists and then ignores the root's
configuration files; it also treats a repository with a `pyproject.toml` that has `[project]`
and `[build-system]` as a package and runs `pip install .` after the requirements, *unless* a
binder folder exists (repo2docker/buildpacks/python/__init__.py, `_is_python_package`). That
`pip install .` would replace the editable install of optimlib by a copy.
"""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_binder_folder_installs_the_pinned_requirements_with_optimlib_editable():
    lines = [line.split("#", 1)[0].strip()
             for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines()]
    assert [line for line in lines if line] == ["-r ../requirements.txt"]
    root = (ROOT / "requirements.txt").read_text().splitlines()
    assert "-e ." in root


def test_binder_python_version_is_the_projects():
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.11", runtime)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
    # repo2docker ignores root configuration once binder/ exists: keep none there
    assert not (ROOT / "runtime.txt").exists() and not (ROOT / "postBuild").exists()
