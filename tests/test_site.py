"""The built site: internal links and anchors resolve, nothing comes from another host."""
from conftest import ROOT
from site_checks import check_links, check_offline


def test_internal_links_and_anchors_resolve(built_site):
    site, _ = built_site
    assert check_links(site) == []


def test_site_loads_nothing_from_another_host(built_site):
    site, _ = built_site
    assert check_offline(site) == []


def test_vendored_assets_are_in_the_site(built_site):
    site, _ = built_site
    for path in ("assets/vendor/katex/katex.min.css", "assets/vendor/mermaid/mermaid.min.js",
                 "assets/vendor/fonts/roboto.css", "assets/vendor/iframe-worker/shim.js"):
        assert (site / path).is_file(), path


def _html(folder, name, body):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<html><head></head><body>{body}</body></html>", encoding="utf-8")


def test_link_checker_reports_missing_page_and_anchor(tmp_path):
    _html(tmp_path, "index.html", '<h2 id="vrai">T</h2><a href="a/">a</a><a href="absente/">x</a>'
                                  '<a href="a/#nulle-part">y</a><a href="#vrai">ok</a>')
    _html(tmp_path, "a/index.html", '<p id="ici">a</p><script src="../js/absent.js"></script>')
    problems = check_links(tmp_path, base_path="/")
    assert len(problems) == 3, problems
    assert any("absente/" in p and "n'existe pas" in p for p in problems)
    assert any("#nulle-part" in p for p in problems)
    assert any(p.startswith("a/index.html") and "absent.js" in p for p in problems)


def test_link_checker_reports_an_escaped_url(tmp_path):
    _html(tmp_path, "index.html", '<a href="https://example.org/liste?module=traite\\&amp;numero=225">a</a>'
                                  '<a href="https://example.org/actualit%C3%A9s/">ok</a>')
    problems = check_links(tmp_path, base_path="/")
    assert len(problems) == 1 and "module=traite\\&numero=225" in problems[0], problems


def test_bibliography_urls_come_out_unescaped(project):
    """pandoc writes `\\&` and `\\%` into the URLs of its Markdown; the links must be the .bib's URLs."""
    project.page("sources.md", "Sources", "Deux sources.",
                 "# Sources\n\nUne convention [@coe2024conventionia]. Une expérimentation [@alliance2025assistantia].\n")
    result = project.build()
    assert result.returncode == 0, result.stdout[-3000:]
    html = (project.path / "site" / "sources" / "index.html").read_text(encoding="utf-8")
    for url in ("https://www.coe.int/fr/web/conventions/full-list?module=treaty-detail&amp;treatynum=225",
                "http://alliance.numerique.gouv.fr/actualit%C3%A9s/lancement-de-lexp%C3%A9rimentation-mistral-ai-"
                "dans-lassistant-ia-interminist%C3%A9riel"):
        assert f'href="{url}"' in html, url
    assert [p for p in check_links(project.path / "site", base_path="/") if "barre oblique" in p] == []


def test_offline_checker_reports_each_kind_of_external_asset(tmp_path):
    _html(tmp_path, "index.html",
          '<script src="https://cdn.example.org/x.js"></script>'
          '<link rel="stylesheet" href="//fonts.example.org/css">'
          '<img src="https://img.example.org/a.png"><iframe src="https://video.example.org/"></iframe>'
          '<div style="background: url(https://bg.example.org/b.png)"></div>'
          '<link rel="canonical" href="https://guide.example.org/"><a href="https://lien.example.org/">ok</a>')
    (tmp_path / "style.css").write_text("@font-face { src: url('https://font.example.org/f.woff2') }")
    (tmp_path / "app.js").write_text('import("https://esm.example.org/m.js")')
    problems = "\n".join(check_offline(tmp_path))
    for host in ("cdn", "fonts", "img", "video", "bg", "font", "esm"):
        assert f"{host}.example.org" in problems, host
    assert "guide.example.org" not in problems and "lien.example.org" not in problems


def test_broken_link_inside_a_notebook_is_caught(project):
    """Notebooks bypass MkDocs' link validation: the HTML check catches what strict mode misses."""
    project.notebook("fil-rouge/essai.ipynb", [("md", "# Essai\n\nVoir [la page absente](../absente/).")])
    result = project.build()
    assert result.returncode == 0, result.stdout
    problems = check_links(project.path / "site", base_path="/")
    assert any("absente" in p and "essai" in p for p in problems), problems


def test_every_page_can_be_shared(built_site):
    """Meta description, canonical URL and Open Graph tags on every page (search engines, link previews)."""
    import re
    site, _ = built_site
    missing = []
    for html in sorted(site.rglob("index.html")):
        if html.parent.name in ("assets", "search"):
            continue
        text = html.read_text(encoding="utf-8")
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', text)
        for tag in ('<meta name="description" content="', '<meta property="og:title" content="',
                    '<meta property="og:description" content="', '<meta property="og:locale" content="fr_FR"'):
            if tag not in text:
                missing.append(f"{html.relative_to(site)} : {tag}")
        if not canonical or f'<meta property="og:url" content="{canonical.group(1)}">' not in text:
            missing.append(f"{html.relative_to(site)} : canonical / og:url")
    assert missing == [], "\n".join(missing[:20])
