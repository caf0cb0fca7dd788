"""Pull request previews (scripts/apercu.py, .github/workflows/apercu.yml): the workflow's commands, run against
a local bare repository that stands for GitHub. The preview lands in pr-N/ with its banner; mike's
versions.json never lists it, and a versions.json that does is refused."""
import json
import subprocess

import pytest

from apercu import PreviewError, build, comment, publish, remove
from conftest import BIN, ENV_PROJET


def _git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(project, tmp_path):
    """The test project committed, with a bare `origin` on which mike has published the version 0.1."""
    project.page("fondamentaux.md", "Fondamentaux", "Une page.", "# Fondamentaux\n\nDu texte.\n")
    assert project.build().returncode == 0
    (project.path / ".gitignore").write_text("site/\n.cache/\nnode_modules\n")
    _git(project.path, "init", "-q", "-b", "main")
    for key, value in (("user.name", "Test"), ("user.email", "test@example.org")):
        _git(project.path, "config", key, value)
    _git(project.path, "add", "-A")
    _git(project.path, "commit", "-qm", "init")
    origin = tmp_path / "origin.git"
    _git(tmp_path, "init", "-q", "--bare", str(origin))
    _git(project.path, "remote", "add", "origin", str(origin))
    _git(project.path, "push", "-q", "origin", "main")
    deployed = subprocess.run([str(BIN / "mike"), "deploy", "--push", "0.1"], cwd=project.path, env=ENV_PROJET,
                              capture_output=True, text=True)
    assert deployed.returncode == 0, deployed.stderr
    project.origin = origin
    return project


def _pages(repo, *args):
    return _git(repo.origin, *args)


def test_preview_is_published_outside_the_version_list_and_removed(repo, tmp_path):
    site = build("7", repo.path, tmp_path / "apercu")
    assert publish("7", site, repo.path) is True
    tree = _pages(repo, "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert "pr-7/index.html" in tree and "pr-7/fondamentaux/index.html" in tree
    versions = json.loads(_pages(repo, "show", "gh-pages:versions.json"))
    assert [v["version"] for v in versions] == ["0.1"], versions
    page = _pages(repo, "show", "gh-pages:pr-7/fondamentaux/index.html")
    assert "Aperçu de la proposition n°&nbsp;7" in page and "/pull/7" in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "/pr-7/fondamentaux/" in page and "md-version" not in page  # its own URL, no version selector
    # The same preview again changes nothing; a version published later by mike leaves the preview alone
    assert publish("7", site, repo.path) is False
    assert subprocess.run([str(BIN / "mike"), "deploy", "--push", "0.2"], cwd=repo.path, env=ENV_PROJET).returncode == 0
    assert "pr-7/index.html" in _pages(repo, "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert [v["version"] for v in json.loads(_pages(repo, "show", "gh-pages:versions.json"))] == ["0.2", "0.1"]
    # Closing the pull request removes the folder
    assert remove("7", repo.path) is True
    assert not any(p.startswith("pr-7/") for p in _pages(repo, "ls-tree", "-r", "--name-only", "gh-pages").split())
    assert remove("7", repo.path) is False


def test_a_version_list_that_names_a_preview_is_refused(repo, tmp_path):
    """A preview deployed by mistake with `mike deploy pr-7` would appear in every reader's selector."""
    assert subprocess.run([str(BIN / "mike"), "deploy", "--push", "pr-7"], cwd=repo.path, env=ENV_PROJET).returncode == 0
    site = build("7", repo.path, tmp_path / "apercu")
    with pytest.raises(PreviewError) as error:
        publish("7", site, repo.path)
    message = str(error.value)
    assert "gh-pages:versions.json liste pr-7" in message and "mike delete pr-7 --push" in message, message
    with pytest.raises(PreviewError, match="numéro de proposition invalide"):
        build("7; rm -rf /", repo.path, tmp_path / "x")


def test_the_pull_request_comment():
    published = comment("12", "publie")
    assert published.startswith("<!-- kallm-apercu -->") and "/pr-12/" in published
    fork = comment("12", "artefact", "https://github.com/o/r/actions/runs/1")
    assert "fork" in fork and "actions/runs/1" in fork and "artefact" in fork
    assert "retiré" in comment("12", "retire")


def test_the_banner_is_accessible_in_both_palettes(project, chromium, tmp_path):
    """The banner is the first thing read on every page of a preview: axe (WCAG 2.1 AA) finds nothing."""
    from accessibilite import audit_both_palettes
    from browser import serve
    project.page("fondamentaux.md", "Fondamentaux", "Une page.", "# Fondamentaux\n\nDu texte.\n")
    assert project.build().returncode == 0   # writes the project's mkdocs.yml
    site = build("7", project.path, tmp_path / "apercu")

    def banner_shown(page):
        banner = page.locator(".kallm-apercu")
        assert banner.is_visible() and "Aperçu de la proposition n°\u00a07" in banner.inner_text()
    with serve(site) as url:
        problems = audit_both_palettes(chromium, [(url + "fondamentaux/", banner_shown), (url, banner_shown)])
    assert problems == [], "\n".join(problems)
