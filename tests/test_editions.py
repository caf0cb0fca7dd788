"""The PDF and offline editions (scripts/editions.py): made from the built site, complete, usable offline."""
import html
import re
import zipfile

import pytest
from browser import Visit, serve
from editions import PDF_NAME, PRINT_PAGE, ZIP_NAME, make_offline, make_pdf, nav_pages

PDF_BUDGET_MB = 30  # stated in CONTRIBUTING.md; 18 Mo at the end of November 2026 (diagrams drawn as SVG), 26,1 Mo on
# 2026-12-06 once the guide gained eight pages (431 PDF pages: use cases, test set, article 27, reading paths…)


@pytest.fixture(scope="module")
def editions(built_site, chromium, tmp_path_factory):
    site, _ = built_site
    out = tmp_path_factory.mktemp("editions")  # Playwright allows one browser driver per thread: share the tests' one
    return make_pdf(site, out / PDF_NAME, "test", chromium), make_offline(out / ZIP_NAME), site


@pytest.fixture(scope="module")
def pdf_text(editions) -> str:
    """The PDF's text, read once for the tests that read it (pypdfium2: 3 s on the whole guide; pypdf took 73 s)."""
    import pypdfium2
    pdf, _, _ = editions
    document = pypdfium2.PdfDocument(pdf)
    try:
        text = " ".join(page.get_textpage().get_text_bounded() for page in document)
    finally:
        document.close()
    return re.sub(r"\s+", " ", text).replace("\u00a0", " ").replace("\u202f", " ")


def test_pdf_has_every_page_title_and_stays_under_budget(editions, pdf_text):
    pdf, _, site = editions
    assert pdf.stat().st_size < PDF_BUDGET_MB * 1e6, f"{pdf.stat().st_size / 1e6:.1f} Mo"
    assert not (site / PRINT_PAGE).exists(), "la vue d'impression ne doit pas être écrite dans site/ (d'autres tests le lisent)"
    text = pdf_text
    compact = re.sub(r"\s+", "", text)
    missing = []
    for _, url in nav_pages():
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", (site / url / "index.html").read_text(encoding="utf-8"), re.S)
        title = html.unescape(re.sub(r"<[^>]+>", "", h1.group(1))).replace("¶", "").strip()
        # pdfium leaves out the narrow no-break space before « : » (« Testez-vous: Adapter »): compare without spaces
        if re.sub(r"\s+", "", title)[:40] not in compact:
            missing.append(title)
    assert missing == [], missing
    assert "Sommaire" in text and "Licence Ouverte" in text
    assert "Pour citer cette édition : Camille André" in text  # from CITATION.cff (hooks/citer.py)


def test_pdf_shows_when_each_page_was_reviewed(pdf_text):
    """The review date under each title (hooks/fraicheur.py) is printed too."""
    text = pdf_text
    # At least one per page (CONTRIBUTING, printed as « Contribuer », quotes one more)
    assert len(re.findall(r"Relu le (?:1er|\d{1,2}) \w+ \d{4}", text)) >= len(nav_pages())


def test_offline_edition_works_from_a_folder(editions, chromium, tmp_path):
    _, archive, _ = editions
    zipfile.ZipFile(archive).extractall(tmp_path)
    home = tmp_path / "guide-kallm" / "index.html"
    visit = Visit(chromium, home.as_uri())
    try:
        page = visit.page
        page.click("a.md-tabs__link >> nth=1")           # navigation between files
        page.wait_for_load_state()
        assert page.url.endswith(".html") and page.url != home.as_uri()
        page.keyboard.press("/")                           # search without a server
        page.keyboard.type("quantification", delay=30)
        page.wait_for_selector(".md-search-result__item", timeout=15000)
        page.goto((tmp_path / "guide-kallm" / "fil-rouge" / "02-reference-sans-llm.html").as_uri())
        assert page.locator("article .jp-Cell").count() > 0  # an executed notebook
        assert visit.console_errors == [] and visit.external_requests == []
    finally:
        visit.close()


def test_offline_edition_works_with_a_local_server(editions, chromium, tmp_path):
    _, archive, _ = editions
    zipfile.ZipFile(archive).extractall(tmp_path)
    with serve(tmp_path / "guide-kallm") as url:
        visit = Visit(chromium, url)
        try:
            visit.page.click("a.md-tabs__link >> nth=2")
            visit.page.wait_for_load_state()
            assert visit.console_errors == [] and visit.external_requests == []
        finally:
            visit.close()


def test_download_links_follow_the_version():
    from versions import release_url
    repo = "https://github.com/etalab/programme10pourcent-kallm"
    assert release_url(repo, "1.2", PDF_NAME) == f"{repo}/releases/download/v1.2/{PDF_NAME}"
    assert release_url(repo, "dev", ZIP_NAME) == f"{repo}/releases/latest/download/{ZIP_NAME}"
    assert release_url(repo, None, PDF_NAME) == f"{repo}/releases/latest/download/{PDF_NAME}"


def test_print_view_keeps_the_ids_a_diagram_draws_with():
    from editions import _rebase
    article = _rebase('<svg id="diagramme-0123"><style>#diagramme-0123 rect{fill:#eef}</style></svg><h2 id="cout">',
                      "production/couts/", set())
    assert 'id="diagramme-0123"' in article and 'id="page-production-couts--cout"' in article


def test_offline_edition_has_the_downloadable_templates(editions):
    """Each Boîte à outils template, as .odt and .docx, next to its page in the archive (hooks/modeles.py)."""
    from conftest import ROOT
    from test_modeles import TEMPLATES, pages_including
    _, archive, _ = editions
    names = set(zipfile.ZipFile(archive).namelist())
    expected = [f"guide-kallm/{pages_including(s.stem)[0].relative_to(ROOT / 'docs').parent}/{s.stem}.{fmt}"
                for s in TEMPLATES for fmt in ("odt", "docx")]
    assert [name for name in expected if name not in names] == []
