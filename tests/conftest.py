"""Shared fixtures: the real site built once, and small broken projects to prove each guard fails."""
from __future__ import annotations

import contextlib
import datetime
import functools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "hooks"))
BIN = Path(sys.executable).parent
from notebook_execution import OPENMP_SHORT_WAIT  # noqa: E402  (hooks/ is on the path from here)

# Before any test imports torch (OpenMP reads it once): the tests run beside the notebooks (see its comment).
os.environ.update(OPENMP_SHORT_WAIT)
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


# ---- The real guide, built in the background ---------------------------------------------------------
# Building the guide executes the notebooks that changed: most of a cold run (21–24 minutes on 2 cores).
# Once the tests are collected, the first test process that needs the site starts the build in the
# background (tests/construire_site.py, its own session, normal priority); the tests that need the site go
# last, and the others run meanwhile at the lowest CPU priority, on what the notebooks leave (they use about
# 1,75 of 2 cores). `make test` runs the tests in one process per core (pytest-xdist): all wait for the same build.
RUN = "KALLM_TESTS_RUN"   # this test session's id, set by the main pytest process, read by its workers


def needs_site(item) -> bool:
    return "built_site" in getattr(item, "fixturenames", ())


class SiteBuild:
    """This session's build of the real guide: one for all the test processes, files in .cache/tests/."""

    def __init__(self, run: str, root: Path = ROOT):
        self.root = root
        folder = root / ".cache" / "tests"
        self.pid_file, self.log, self.result = (folder / f"construction-{run}.{ext}" for ext in ("pid", "log", "json"))
        self.process: subprocess.Popen | None = None   # in the test process that started it

    def start(self) -> bool:
        """Start the build unless a test process of this session has; True if this call started it."""
        self.pid_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            claim = os.open(self.pid_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY)   # one process wins
        except FileExistsError:
            return False
        for old in self.pid_file.parent.glob("construction-*"):
            if not old.name.startswith(self.pid_file.stem + "."):
                old.unlink(missing_ok=True)   # an earlier session's files
        with open(self.log, "w", encoding="utf-8") as out:
            self.process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "construire_site.py"), str(self.result)],
                                            cwd=self.root, env=ENV, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        with os.fdopen(claim, "w") as pid:
            pid.write(str(self.process.pid))
        return True

    def pid(self) -> int | None:
        text = self.pid_file.read_text(encoding="utf-8").strip() if self.pid_file.is_file() else ""
        return int(text) if text else None

    def running(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        pid = self.pid()
        if pid is None:
            return self.pid_file.is_file()   # claimed, its process about to be written down
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    def wait(self) -> tuple[int, str]:
        """(return code, log) once the build has ended; a build that died without a result is a failure."""
        while not self.result.is_file():
            if not self.running() and not self.result.is_file():
                return -1, "La construction s'est arrêtée sans donner de résultat.\n" + self.log.read_text(encoding="utf-8")
            time.sleep(1)
        return json.loads(self.result.read_text(encoding="utf-8"))["returncode"], self.log.read_text(encoding="utf-8")

    def stop(self) -> None:
        """An interrupted session leaves no build (nor notebook kernel: it stops with its parent) behind."""
        pid = self.pid()
        if pid is not None and not self.result.is_file() and self.running():
            os.killpg(pid, signal.SIGTERM)


@functools.cache
def site_build() -> SiteBuild:
    """This process's view of the session's build (the process that starts it keeps its handle)."""
    return SiteBuild(os.environ[RUN])


def lower_priority(worker: bool) -> None:
    """This test process and what it starts: the lowest CPU priority, below the build's notebooks.

    Linux shares the CPU between sessions first (autogroup), whatever each process's nice value: a worker of
    pytest-xdist takes a session of its own and lowers that session's priority. A pytest run in one process
    keeps its terminal (Ctrl+C) and the terminal's session, whose priority it leaves alone."""
    if worker:
        os.setsid()
        with contextlib.suppress(OSError):   # not Linux, or no autogroup
            Path("/proc/self/autogroup").write_text("19")
    os.nice(19 - os.nice(0))


def pytest_configure(config):
    if not hasattr(config, "workerinput"):   # the main process; pytest-xdist's workers inherit the id
        os.environ[RUN] = uuid.uuid4().hex


@pytest.hookimpl(trylast=True)   # after -k and -m have deselected what will not run
def pytest_collection_modifyitems(config, items):
    items.sort(key=needs_site)   # stable: the file order stays within each group
    if config.option.collectonly or not any(needs_site(i) and not i.get_closest_marker("skip") for i in items):
        return
    site_build().start()
    lower_priority(worker=hasattr(config, "workerinput"))


SHARED_FIXTURE = re.compile(r"""scope=["'](?:module|package)["']""")


@functools.cache
def shares_a_fixture(test_file: str) -> bool:
    """Whether the tests of this file share a fixture made once for the file (the PDF edition, a server...)."""
    return bool(SHARED_FIXTURE.search((ROOT / test_file).read_text(encoding="utf-8")))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`make test` (pytest-xdist, `--dist load`): the tests are handed out one by one, in the order above (those
    that need the site last), so that no process waits for the site while others tests could run; a file whose
    tests share a fixture made once per file goes whole to one process, which makes it once."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class OneByOne(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            test_file = nodeid.split("::", 1)[0]
            return test_file if shares_a_fixture(test_file) else nodeid

    return OneByOne(config, log)


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput") and RUN in os.environ:
        site_build().stop()


def build_failure(build: SiteBuild, returncode: int, log: str) -> str:
    return (f"`mkdocs build` a échoué (code {returncode} ; journal complet : "
            f"{build.log.relative_to(build.root)}) :\n{log[-4000:]}")


@pytest.fixture(scope="session")
def built_site() -> tuple[Path, str]:
    """The real guide, built with the strict configuration into site/ (see above); (site, build log)."""
    build = site_build()
    build.start()   # nothing to do if it has started
    returncode, log = build.wait()
    if returncode != 0:
        pytest.fail(build_failure(build, returncode, log))
    return ROOT / "site", log


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
