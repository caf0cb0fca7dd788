"""The strict build: zero warnings on the guide, and a clear failure on each contributor mistake."""
import re

from conftest import ROOT


def test_guide_builds_without_warning(built_site):
    _, log = built_site
    warnings = [line for line in log.splitlines() if re.match(r"(WARNING|ERROR)\b", line)]
    assert not warnings, "\n".join(warnings)


def test_broken_link_fails(project):
    project.page("a.md", "A", "Une page.", "# A\n\nVoir [la page absente](absente.md).\n")
    result = project.build()
    assert result.returncode != 0
    assert "absente.md" in result.stdout and "not found" in result.stdout


def test_missing_anchor_fails(project):
    project.page("a.md", "A", "Une page.", "# A\n\n## Écriture accentuée\n\nVoir [ici](#écriture-accentuée).\n")
    result = project.build()
    assert result.returncode != 0
    assert "écriture-accentuée" in result.stdout


def test_unknown_citation_fails(project):
    project.page("a.md", "A", "Une page.", "# A\n\nUne affirmation [@inconnu2099].\n")
    result = project.build()
    assert result.returncode != 0
    assert "inconnu2099" in result.stdout


def test_missing_description_fails_and_names_the_page(project):
    project.page("partie/sans-description.md", "Sans description", None, "# Page\n")
    result = project.build()
    assert result.returncode != 0
    assert "docs/partie/sans-description.md" in result.stdout and "`description`" in result.stdout


def test_page_missing_from_nav_fails(project):
    project.page("orpheline.md", "Orpheline", "Une page hors navigation.", "# Orpheline\n", in_nav=False)
    result = project.build()
    assert result.returncode != 0
    assert "orpheline.md" in result.stdout and "nav" in result.stdout


def test_every_page_has_title_and_description():
    """Also checked by hooks/front_matter.py at build time; here with the list of all offenders."""
    import yaml
    missing = []
    for path in sorted((ROOT / "docs").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        match = re.match(r"---\n(.*?)\n---\n", text, re.S)
        meta = yaml.safe_load(match.group(1)) if match else {}
        missing += [f"{path.relative_to(ROOT)}: {k}" for k in ("title", "description") if not meta.get(k)]
    assert not missing, missing


def test_mermaid_loads_only_on_pages_with_an_undrawn_diagram(built_site):
    """Only a diagram without its SVG gets the lazy loader; no page loads Mermaid up front or lets Material call its CDN."""
    site, _ = built_site
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        has_diagram = '<pre class="diagramme">' in html
        assert ("diagrammes.js" in html) == has_diagram, page
        assert '<script src="' not in html.split("mermaid.min.js")[0][-40:], page  # never a <script src>
        assert 'class="mermaid"' not in html, page


def test_citation_with_prefix_or_locator_fails(project):
    project.page("a.md", "A", "Une page.", "# A\n\nTexte [voir @vaswani2017attention, p. 3].\n\n"
                 "Code `[Q @ K.T for x in y]` et courriel [nom@exemple.fr] ignorés.\n")
    result = project.build()
    assert result.returncode != 0
    assert "docs/a.md" in result.stdout and "[voir @vaswani2017attention, p. 3]" in result.stdout
    assert "nom@exemple" not in result.stdout and "Q @ K.T" not in result.stdout
