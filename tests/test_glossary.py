"""The glossary: its table of acronyms comes from the tooltip file, and every acronym of the guide is in it."""
from site_checks import check_acronyms


def test_every_acronym_of_the_guide_has_a_tooltip_and_a_glossary_line(built_site):
    site, _ = built_site
    assert check_acronyms(site) == []


def test_glossary_lists_every_abbreviation(built_site):
    site, _ = built_site
    html = (site / "ressources" / "glossaire" / "index.html").read_text(encoding="utf-8")
    assert "<!-- sigles -->" not in html
    assert "Low-Rank Adaptation" in html and "Union européenne" in html


def test_unknown_acronym_is_reported_with_its_page(tmp_path):
    (tmp_path / "abbr.md").write_text("*[LLM]: Large Language Model\n", encoding="utf-8")
    page = tmp_path / "site" / "rag" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<article><p>Un <abbr>LLM</abbr> avec une RAG, du <code>JSON</code>, "
                    "un modèle CamemBERT.</p><div class='footnote'>BROWN, Tom</div></article>", encoding="utf-8")
    problems = check_acronyms(tmp_path / "site", tmp_path / "abbr.md")
    assert len(problems) == 1, problems
    assert "« RAG »" in problems[0] and "rag/index.html" in problems[0] and "abbreviations.md" in problems[0]


def test_malformed_or_repeated_abbreviation_fails_the_build(project):
    abbreviations = project.path / "includes" / "abbreviations.md"
    original = abbreviations.read_text(encoding="utf-8")
    project.page("glossaire.md", "Glossaire", "Les sigles.", "# Glossaire\n\n<!-- sigles -->\n")
    abbreviations.write_text(original + "*[LLM]: encore une fois\n", encoding="utf-8")
    result = project.build()
    assert result.returncode != 0 and "LLM est déjà défini" in result.stdout
    abbreviations.write_text(original + "[RAG]: crochet oublié\n", encoding="utf-8")
    result = project.build()
    assert result.returncode != 0 and "abbreviations.md, ligne" in result.stdout and "*[SIGLE]" in result.stdout
