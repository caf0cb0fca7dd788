"""Shared fixtures: the real site built once, and small broken projects to prove each guard fails."""
from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "hooks"))
BIN = Path(sys.executable).parent
# « Today » for every test project, fixed (hooks/fraicheur.py reads KALLM_AUJOURDHUI): a test page re-read that
# day is never too old, and no test depends on the day it runs. The real guide (built_site) keeps the clock.
JOUR = datetime.date(2026, 12, 6)
TODAY = JOUR.isoformat()
# The tests always execute the notebooks that changed, whatever the contributor's shell says (KALLM_NOTEBOOKS).
ENV = {**{k: v for k, v in os.environ.items() if k != "KALLM_AUJOURDHUI"},
       "KALLM_NOTEBOOKS": "executer", "NO_MKDOCS_2_WARNING": "1", "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
ENV_PROJET = {**ENV, "KALLM_AUJOURDHUI": TODAY}   # a test project's builds: today is JOUR


def run_mkdocs(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`mkdocs build` in `project` (`env` added to ENV); returncode and the whole log (stdout + stderr) in .stdout."""
    return subprocess.run([str(BIN / "mkdocs"), "build", *args], cwd=project, env={**ENV, **(env or {})},
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="session")
def built_site() -> tuple[Path, str]:
    """The real guide, built with the strict configuration into site/ (notebooks from their cache)."""
    result = run_mkdocs(ROOT, "--clean")
    if result.returncode != 0:
        pytest.fail(f"`mkdocs build` a échoué :\n{result.stdout[-4000:]}")
    return ROOT / "site", result.stdout


class Project:
    """A copy of the guide's configuration with a handful of pages, to break on purpose."""

    def __init__(self, path: Path):
        self.path = path
        for name in ("hooks", "overrides", "includes"):
            shutil.copytree(ROOT / name, path / name, ignore=shutil.ignore_patterns("__pycache__"))
        for name in ("bibliography.bib", "CONTRIBUTING.md", "CITATION.cff", "pyproject.toml", "package-lock.json"):
            shutil.copy(ROOT / name, path / name)
        (path / "node_modules").symlink_to(ROOT / "node_modules")
        for name in ("stylesheets", "javascripts"):
            shutil.copytree(ROOT / "docs" / name, path / "docs" / name)
        (path / "notebooks").mkdir()
        (path / "diagrammes").mkdir()  # empty: a test project's diagrams have no SVG until a test adds one
        self.nav: list[str] = []
        self.page("index.md", "Accueil", "Une phrase.", "# Accueil\n\nUn LLM.\n")

    def page(self, uri: str, title: str | None, description: str | None, body: str, in_nav: bool = True,
             revue: str | None = TODAY):
        front = "".join(f"{k}: {v}\n" for k, v in (("title", title), ("description", description),
                                                     ("revue", revue)) if v)
        target = self.path / "docs" / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"---\n{front}---\n\n{body}" if front else body, encoding="utf-8")
        if in_nav:
            self.nav.append(uri)

    def notebook(self, uri: str, cells: list[tuple[str, str]], description: str = "Un notebook d'essai.",
                 revue: str | None = TODAY):
        import nbformat
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        if description:
            nb.metadata["kallm"] = {"description": description, "timeout": 60}
            if revue:
                nb.metadata["kallm"]["revue"] = revue
        nb.cells = [nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src)
                    for kind, src in cells]
        target = self.path / "notebooks" / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        self.nav.append(uri)
        return target

    def build(self, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
        config, found = re.subn(r"^nav:\n(?:[ \t].*\n?)*", "nav:\n" + "".join(f"  - {u}\n" for u in self.nav),
                                config, flags=re.M)
        assert found == 1, "mkdocs.yml doit finir par sa section nav:"
        (self.path / "mkdocs.yml").write_text(config, encoding="utf-8")
        return run_mkdocs(self.path, env={"KALLM_AUJOURDHUI": TODAY, **(env or {})})


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(tmp_path / "projet")


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright; a clear failure (never a skip) when it is missing."""
    from browser import INSTALL_HINT, browser, chromium_path
    try:
        chromium_path()
    except RuntimeError:
        pytest.fail(INSTALL_HINT)
    with browser() as instance:
        yield instance


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built guide served on a local port for the browser tests, once for the whole session."""
    from browser import serve
    site, _ = built_site
    with serve(site) as url:
        yield url
