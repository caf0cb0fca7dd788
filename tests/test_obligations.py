"""The table of obligations (includes/obligations.yml, hooks/obligations.py): one source for the AI Act's dates."""
import datetime
import io

import pytest
from conftest import ROOT

FIXTURE = """obligations:
  - id: art27
    role: deployeur-public
    phase: mise-en-service
    article: art. 27
    obligation: "Analyse d'impact sur les droits fondamentaux"
    date: {date}
    source: ue2024reglementia
    lien: a.md#une-section
  - id: art4
    role: [fournisseur, deployeur-public]
    phase: cadrage
    article: art. 4
    obligation: "Maîtrise de l'IA"
    date: 2025-02-01
    source: ue2024reglementia
    lien: a.md#une-section
"""
TEMPLATE = "## Fiche d'essai\n\nÀ faire avant le <!-- date: art27 -->.\n\n| Rubrique | Réponse |\n|---|---|\n| Date | |\n"
PAGE = ('# A\n\n## Une section\n\nL\'analyse est due à partir du <!-- date: art27 -->.\n\n<!-- obligations -->\n\n'
        '--8<-- "modeles/essai.md"\n')


def docx_text(data: bytes) -> str:
    import docx
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def setup(project, date="2027-12-02", page=PAGE, template=TEMPLATE):
    (project.path / "includes" / "obligations.yml").write_text(FIXTURE.format(date=date), encoding="utf-8")
    (project.path / "includes" / "modeles").mkdir(exist_ok=True)
    (project.path / "includes" / "modeles" / "essai.md").write_text(template, encoding="utf-8")
    project.page("a.md", "A", "Une page.", page)


def test_every_row_has_a_role_a_phase_an_article_a_date_and_a_source():
    import obligations
    lignes = obligations.lire(ROOT)
    assert lignes
    for ident, ligne in lignes.items():
        assert ligne["roles"] and set(ligne["roles"]) <= set(obligations.ROLES), ident
        assert ligne["phase"] in obligations.PHASES, ident
        assert ligne["article"].startswith("art."), ident
        assert isinstance(ligne["date"], datetime.date), ident
        assert ligne["source"] and ligne["obligation"], ident


def test_dates_are_written_in_french():
    import obligations
    assert obligations.date_fr(datetime.date(2027, 12, 2)) == "2\u00a0décembre 2027"
    assert obligations.date_fr(datetime.date(2024, 8, 1)) == "1er\u00a0août 2024"


@pytest.mark.parametrize("source", ["docs/boite-a-outils/qualifier-ai-act.md", "includes/modeles/qualification-ai-act.md",
                                    "includes/modeles/analyse-impact-droits-fondamentaux.md"])
def test_pages_and_templates_read_their_ai_act_dates_from_the_table(source):
    """The dates of these files come from markers: none is typed by hand next to an article of the AI Act."""
    text = (ROOT / source).read_text(encoding="utf-8")
    assert "<!-- date: " in text
    assert "2 décembre 2027" not in text and "2\u00a0décembre 2027" not in text


def test_a_changed_date_is_seen_in_the_page_the_table_and_the_template(project):
    setup(project, date="2031-03-01")
    result = project.build()
    assert result.returncode == 0, result.stdout[-3000:]
    html = (project.path / "site" / "a" / "index.html").read_text(encoding="utf-8")
    assert "L'analyse est due à partir du 1er\u00a0mars 2031" in html.replace("&#39;", "'").replace("’", "'")
    assert html.count("1er\u00a0mars 2031") >= 3, "la page, le tableau et le modèle inclus montrent la date"
    assert "1er\u00a0février 2025" in html and "Déployeur public" in html
    assert "2\u00a0décembre 2027" not in html
    assert "[@ue2024reglementia]" not in html, "la source de chaque ligne devient une note, comme toute citation"
    docx = docx_text((project.path / "site" / "essai.docx").read_bytes())
    assert "À faire avant le 1er\u00a0mars 2031." in docx


def _unknown_role(project):
    path = project.path / "includes" / "obligations.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("role: deployeur-public", "role: usager"), encoding="utf-8")


@pytest.mark.parametrize("setting, change, message", [
    ({"date": "bientôt"}, None, "includes/obligations.yml : ligne « art27 » : « bientôt » n'est pas une date"),
    ({"date": "2027-02-30"}, None, "includes/obligations.yml : ligne « art27 » : « 2027-02-30 » n'est pas une date"),
    ({}, _unknown_role, "includes/obligations.yml : ligne « art27 » : rôle « usager » inconnu"),
    ({"page": "# A\n\n## Une section\n\nÀ partir du <!-- date: art99 -->.\n"}, None,
     "docs/a.md : le marqueur « <!-- date: art99 --> » ne correspond à aucune ligne"),
    ({"template": "## Fiche d'essai\n\nAvant le <!-- date: art99 -->.\n"}, None,
     "includes/modeles/essai.md : le marqueur « <!-- date: art99 --> » ne correspond à aucune ligne"),
], ids=["pas-une-date", "date-impossible", "role-inconnu", "marqueur-de-page", "marqueur-de-modele"])
def test_a_broken_table_or_marker_fails_with_the_file_that_holds_it(project, setting, change, message):
    setup(project, **setting)
    if change:
        change(project)
    result = project.build()
    assert result.returncode != 0
    assert message in result.stdout, result.stdout[-2000:]
