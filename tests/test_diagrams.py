"""Diagrams arrive in the pages already drawn (hooks/diagrams.py, scripts/diagrammes.py): no Mermaid for readers."""
from diagrammes import status
from diagrams import fingerprint, valid_svg

FENCE = "```mermaid\nflowchart LR\n    A[\"Besoin\"] --> B[\"Solution\"]\n```\n"


def test_every_diagram_of_the_guide_has_its_svg_and_no_svg_is_left_over():
    missing, unused = status()
    assert missing == [], "Lancez `make diagrammes` et ajoutez les SVG au dépôt :\n" + "\n".join(missing)
    assert unused == [], f"SVG qu'aucune page n'utilise (`make diagrammes` les supprime) : {unused}"


def test_the_built_pages_hold_svg_and_load_no_mermaid(built_site):
    site, _ = built_site
    pages = {p: p.read_text(encoding="utf-8") for p in site.rglob("index.html")}
    undrawn = [str(p.relative_to(site)) for p, html in pages.items() if '<pre class="diagramme">' in html]
    assert undrawn == [], undrawn
    drawn = [p for p, html in pages.items() if '<div class="diagramme"><svg' in html]
    assert len(drawn) > 20 and not any("diagrammes.js" in pages[p] for p in drawn)


def test_status_reports_a_missing_svg_with_its_page_and_an_unused_one(tmp_path):
    (tmp_path / "docs" / "rag").mkdir(parents=True)
    (tmp_path / "docs" / "rag" / "index.md").write_text(
        "# RAG\n\n!!! note\n\n    " + FENCE.replace("\n", "\n    ").rstrip() + "\n", encoding="utf-8")
    (tmp_path / "diagrammes").mkdir()
    (tmp_path / "diagrammes" / "0123456789abcdef.svg").write_text("<svg></svg>", encoding="utf-8")
    missing, unused = status(tmp_path)
    assert len(missing) == 1 and "rag/index.md" in missing[0] and "flowchart LR" in missing[0]
    assert [p.name for p in unused] == ["0123456789abcdef.svg"]


def test_a_diagram_without_svg_is_drawn_in_the_browser_and_named_in_the_log(project):
    project.page("schema.md", "Schéma", "Un schéma.", "# Schéma\n\n" + FENCE)
    result = project.build()
    assert result.returncode == 0, result.stdout
    html = (project.path / "site" / "schema" / "index.html").read_text(encoding="utf-8")
    assert "schema.md" in result.stdout and "make diagrammes" in result.stdout
    assert '<pre class="diagramme">' in html and "diagrammes.js" in html

    source = 'flowchart LR\n    A["Besoin"] --> B["Solution"]'
    (project.path / "diagrammes" / f"{fingerprint(source)}.svg").write_text('<svg id="essai"></svg>', encoding="utf-8")
    result = project.build()
    html = (project.path / "site" / "schema" / "index.html").read_text(encoding="utf-8")
    assert result.returncode == 0 and "make diagrammes" not in result.stdout
    assert '<div class="diagramme"><svg id="essai"></svg></div>' in html and "diagrammes.js" not in html


def test_diagrams_enter_the_page_as_valid_html():
    """No <p> inside a label's <span>, no `name` on <rect> or <line> (W3C Nu checker), same text and colours."""
    import re
    from conftest import ROOT
    label = ('<g class="label"><foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><span class="nodeLabel">'
             '<p>Jeu d\'évaluation<br>annoté</p></span></div></foreignObject></g><span class="edgeLabel"><p>non</p></span>'
             '<rect x="2" name="J" class="actor"/><line id="actor7" name="J" data-id="J"/><text name="garde">')
    assert valid_svg(label) == ('<g class="label"><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">'
                                '<span class="nodeLabel">Jeu d\'évaluation<br>annoté</span></div></foreignObject></g>'
                                '<span class="edgeLabel">non</span><rect x="2" data-name="J" class="actor"/>'
                                '<line id="actor7" data-name="J" data-id="J"/><text name="garde">')
    for path in sorted((ROOT / "diagrammes").glob("*.svg")):
        svg = valid_svg(path.read_text(encoding="utf-8"))
        assert "<p>" not in svg and not re.search(r"<(?:rect|line)\b[^>]*\sname=", svg), path.name
