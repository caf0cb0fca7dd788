"""The site in headless Chromium: no console error, no other host, search and glossary tooltips work.

Chromium comes from Debian (`apt-get install chromium`; .ci/run installs it). Without it these tests
fail with that instruction: they are never skipped.
"""
import pytest
from browser import Visit, serve


def test_home_page_has_no_console_error_and_calls_no_other_host(chromium, site_url):
    visit = Visit(chromium, site_url)
    try:
        assert visit.console_errors == []
        assert visit.external_requests == []
        assert "Le guide KALLM" in visit.page.title()
    finally:
        visit.close()


def _search_index_loaded(visit) -> bool:
    return any(url.endswith("/search/search_index.json") for url in visit.loaded)


def test_search_finds_attention(chromium, site_url):
    visit = Visit(chromium, site_url)
    try:
        assert not _search_index_loaded(visit), "l'index de recherche (1 Mo) doit attendre qu'on ouvre la recherche"
        visit.page.click("input.md-search__input")
        visit.page.keyboard.type("attention", delay=30)  # Material searches on key events
        visit.page.wait_for_selector(".md-search-result__item", timeout=15000)
        assert visit.page.locator(".md-search-result__item").count() > 0 and _search_index_loaded(visit)
        assert visit.console_errors == [] and visit.external_requests == []
    finally:
        visit.close()


def test_glossary_tooltip_on_an_acronym(chromium, site_url):
    visit = Visit(chromium, site_url)
    try:
        abbr = visit.page.locator("article abbr[title]").first
        assert abbr.count() == 1, "aucun sigle du glossaire (includes/abbreviations.md) sur l'accueil"
        assert abbr.get_attribute("title")
        abbr.hover()
        tooltip = visit.page.locator(".md-tooltip2--active, .md-tooltip--active")
        tooltip.first.wait_for(timeout=5000)
        assert tooltip.first.inner_text().strip()
    finally:
        visit.close()


def test_checks_catch_console_errors_and_external_requests(chromium, tmp_path):
    """The guard itself: a page with a script error and a CDN script is reported."""
    (tmp_path / "index.html").write_text(
        "<html><body><script src='https://cdn.example.org/lib.js'></script>"
        "<script>undefinedFunction()</script></body></html>")
    with serve(tmp_path) as url:
        visit = Visit(chromium, url)
        try:
            assert visit.external_requests == ["https://cdn.example.org/lib.js"]
            assert any("undefinedFunction" in e for e in visit.console_errors)
        finally:
            visit.close()


def test_a_hyphen_inside_a_word_does_not_exclude_it(chromium, site_url):
    """« pré-entraînement » : lunr would read « -entraînement » as « without » (overrides/partials/recherche-tirets.js)."""
    import recherche
    visit = Visit(chromium, site_url)
    try:
        visit.page.click("input.md-search__input")
        found = recherche.results(visit.page, site_url, "pré-entraînement")
        assert "fondamentaux/entrainement/" in found[:5], found
        assert visit.console_errors == []
    finally:
        visit.close()
