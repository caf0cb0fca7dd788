"""Versioned publication: mike deploys two versions, versions.json lists them, `latest` resolves."""
import json
import re
import subprocess

import pytest

from conftest import BIN, ENV_PROJET


def _git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def _mike(repo, *args):
    return subprocess.run([str(BIN / "mike"), *args], cwd=repo, env=ENV_PROJET, capture_output=True, text=True)


@pytest.fixture
def repo(project):
    project.page("fondamentaux.md", "Fondamentaux", "Une page.", "# Fondamentaux\n\nDu texte.\n")
    assert project.build().returncode == 0
    (project.path / ".gitignore").write_text("site/\n.cache/\nnode_modules\n")
    _git(project.path, "init", "-q", "-b", "main")
    _git(project.path, "-c", "user.name=Test", "-c", "user.email=test@example.org", "add", "-A")
    _git(project.path, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-qm", "init")
    for key, value in (("user.name", "Test"), ("user.email", "test@example.org")):
        _git(project.path, "config", key, value)
    return project


def test_two_versions_and_latest(repo):
    for version in ("0.1", "0.2"):
        result = _mike(repo.path, "deploy", "--update-aliases", version, "latest")
        assert result.returncode == 0, result.stderr
    assert _mike(repo.path, "set-default", "latest").returncode == 0
    versions = json.loads(_git(repo.path, "show", "gh-pages:versions.json"))
    assert [v["version"] for v in versions] == ["0.2", "0.1"]
    assert versions[0]["aliases"] == ["latest"]
    tree = _git(repo.path, "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert "0.1/fondamentaux/index.html" in tree and "0.2/fondamentaux/index.html" in tree
    # `latest/` is made of redirect pages to the newest version; the root goes to `latest/`
    redirect = _git(repo.path, "show", "gh-pages:latest/fondamentaux/index.html")
    assert re.search(r"\.\./\.\./0\.2/fondamentaux/", redirect), redirect
    assert "latest/" in _git(repo.path, "show", "gh-pages:index.html")
    # Each version's sitemap and canonical URLs point to pages of that version's folder
    sitemap = _git(repo.path, "show", "gh-pages:0.1/sitemap.xml")
    urls = re.findall(r"<loc>(.*?)</loc>", sitemap)
    site_url = "https://etalab.github.io/programme10pourcent-kallm/"
    assert urls and all(u.startswith(site_url + "0.1/") for u in urls), urls
    assert all(u[len(site_url):] + "index.html" in tree for u in urls), urls
    page = _git(repo.path, "show", "gh-pages:0.1/fondamentaux/index.html")
    assert f'<link rel="canonical" href="{site_url}0.1/fondamentaux/">' in page
    assert f'<meta property="og:url" content="{site_url}0.1/fondamentaux/">' in page


def test_deployed_versions_in_the_browser(repo, chromium, tmp_path):
    """The selector lists both versions, the old one shows the banner, no console error."""
    from browser import Visit, serve
    for version in ("0.1", "0.2"):
        assert _mike(repo.path, "deploy", "--update-aliases", version, "latest").returncode == 0
    assert _mike(repo.path, "set-default", "latest").returncode == 0
    _git(repo.path, "worktree", "add", "-q", str(tmp_path / "gh-pages"), "gh-pages")
    with serve(tmp_path / "gh-pages") as url:
        visit = Visit(chromium, url)  # the root redirects to latest/, then to 0.2/
        try:
            assert visit.page.url.endswith("/0.2/"), visit.page.url
            assert visit.page.locator(".md-version__link").count() == 2
            assert visit.console_errors == [] and visit.external_requests == []
            # Keyboard only: Tab reaches the selector, the next Tabs its versions, Enter opens one
            page = visit.page
            for _ in range(60):
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.classList.contains('md-version__current')"):
                    break
            else:
                pytest.fail("le sélecteur de version n'est pas atteignable au clavier")
            for _ in range(3):
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.textContent.trim() === '0.1'"):
                    break
            assert page.locator(".md-version__list").is_visible()
            page.keyboard.press("Enter")
            page.wait_for_url("**/0.1/**", timeout=10000)
        finally:
            visit.close()
        old = Visit(chromium, url + "0.1/fondamentaux/")
        try:
            banner = old.page.locator("[data-md-component=outdated]")
            assert banner.is_visible() and "ancienne version" in banner.inner_text()
            assert old.console_errors == []
        finally:
            old.close()


def test_mike_refuses_a_broken_site(repo):
    """mike ignores --strict: `strict: true` in mkdocs.yml is what stops a broken deployment."""
    assert _mike(repo.path, "deploy", "0.1").returncode == 0
    (repo.path / "docs" / "fondamentaux.md").write_text(
        "---\ntitle: F\ndescription: D.\n---\n\nVoir [absente](absente.md).\n")
    result = _mike(repo.path, "deploy", "0.2")
    assert result.returncode != 0
    assert "absente.md" in result.stderr + result.stdout
    assert _git(repo.path, "ls-tree", "--name-only", "gh-pages").split() == [".nojekyll", "0.1", "versions.json"]
