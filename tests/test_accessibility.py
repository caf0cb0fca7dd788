"""Accessibility (RGAA 4.1 / WCAG 2.1 AA): axe-core on every page in both palettes, and the keyboard.

An automated audit catches part of the problems only; the « Déclaration d'accessibilité » says so.
"""
import pytest
from accessibilite import Auditor, audit_both_palettes, audit_site
from browser import Visit, serve


@pytest.mark.parametrize("dark", [False, True], ids=["clair", "sombre"])
def test_every_page_passes_axe_in_light_and_dark(built_site, chromium, dark):
    """One test per palette: `make test` gives them to two test processes (about 100 s each on 2 cores)."""
    site, _ = built_site
    problems = audit_site(site, chromium, dark_modes=(dark,))
    assert problems == [], "\n".join(problems[:30])


def test_the_use_case_library_passes_axe_in_both_palettes_with_a_filter_applied(chromium, site_url):
    """docs/cas-usage/administration.md: the filter form shown by its script, one filter chosen, the count read."""

    def with_filter(page):
        page.wait_for_selector(".kallm-cas-filtres:not([hidden])")
        page.select_option("#cas-filtre-statut", "production")
        page.wait_for_selector(".kallm-cas-compte:not(:empty)")

    problems = audit_both_palettes(chromium, [(site_url + "cas-usage/administration/", with_filter)])
    assert problems == [], "\n".join(problems)


def test_audit_reports_what_axe_finds(chromium, tmp_path):
    """The guard itself: an image without text alternative and grey-on-grey text are reported."""
    (tmp_path / "index.html").write_text(
        "<html lang='fr'><head><title>Essai</title></head><body><main><h1>Essai</h1>"
        "<img src='figure.png'><p style='color:#aaa;background:#bbb'>Texte pâle</p>"
        "<script>window.document$ = {}</script></main></body></html>", encoding="utf-8")
    with serve(tmp_path) as url:
        auditor = Auditor(chromium)
        try:
            problems = auditor.audit(url)
        finally:
            auditor.close()
    assert any("image-alt" in p for p in problems), problems
    assert any("color-contrast" in p and "(clair)" in p for p in problems), problems


@pytest.mark.parametrize("dark", [False, True], ids=["clair", "sombre"])
def test_a_code_colour_under_4_5_to_1_is_reported(chromium, tmp_path, dark):
    """axe skips text made of symbols: the operator colour JupyterLab's theme gives (#aa22ff, 4,39:1 on the
    light cell's #f5f5f5, 3,36:1 on the dark one's #212121) is caught by the code contrast check."""
    background, text = ("#212121", "#e0e0e0") if dark else ("#f5f5f5", "#212121")
    (tmp_path / "index.html").write_text(
        "<html lang='fr'><head><title>Essai</title></head><body><main><h1>Essai</h1>"
        f"<div class='highlight-ipynb' style='background:{background};color:{text}'><pre><span class='n'>x</span> "
        "<span class='o' style='color:#aa22ff;font-weight:bold'>=</span> <span class='mi'>1</span></pre></div>"
        f"<div class='highlight' style='background:{background};color:{text}'><pre><span class='o' style='color:{'#c68cff' if dark else '#8000cc'}'>"
        "+</span></pre></div><script>window.document$ = {}</script></main></body></html>", encoding="utf-8")
    with serve(tmp_path) as url:
        auditor = Auditor(chromium, dark)
        try:
            problems = [p for p in auditor.audit(url) if "contraste du code" in p]
        finally:
            auditor.close()
    ratio = "3,36" if dark else "4,39"
    assert len(problems) == 1 and f"« = » (classe o) en rgb(170, 34, 255)" in problems[0] \
        and f" : {ratio}:1, moins de 4,5:1" in problems[0], problems


def _tab_until(page, selector: str, limit: int = 80) -> bool:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return True
    return False


def test_search_works_with_the_keyboard_only(chromium, site_url):
    visit = Visit(chromium, site_url)
    try:
        page = visit.page
        page.keyboard.press("/")                         # Material's shortcut opens the search
        page.keyboard.type("quantification", delay=20)
        page.wait_for_selector(".md-search-result__item", timeout=15000)
        page.keyboard.press("ArrowDown")                 # first result
        page.keyboard.press("Enter")
        page.wait_for_url(lambda u: u.rstrip("/") != site_url.rstrip("/"), timeout=10000)
        assert "quantification" in page.url or "quantification" in page.content().lower()
    finally:
        visit.close()


def test_skip_link_and_navigation_with_tab_and_enter(chromium, site_url):
    visit = Visit(chromium, site_url)
    try:
        page = visit.page
        page.keyboard.press("Tab")                       # the first stop skips to the content
        assert page.evaluate("document.activeElement.classList.contains('md-skip')")
        assert _tab_until(page, "a.md-tabs__link[href$='demarrer/ai-je-besoin-d-un-llm/']"), \
            "l'onglet « Démarrer » n'est pas atteignable au clavier"
        page.keyboard.press("Enter")
        page.wait_for_url("**/demarrer/ai-je-besoin-d-un-llm/", timeout=10000)
        focused = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert _tab_until(page, "article a[href]"), "aucun lien du contenu atteignable au clavier"
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none", focused
    finally:
        visit.close()
