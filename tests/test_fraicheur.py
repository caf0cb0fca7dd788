"""Freshness (hooks/fraicheur.py): review dates, dated boxes, nothing announced as future that exists.

What a change causes (a missing, malformed or future date, an out-of-date announcement) fails the build and
so every pull request. What time causes (a page or a box too old) does not: the weekly health job lists it
and the release check refuses a version while it lasts (CONTRIBUTING.md, « Relire une page : le cycle de
revue »). Every test here has a fixed « today » (JOUR, or KALLM_AUJOURDHUI in a test project's builds).
"""
import datetime
import re

import nbformat
import pytest
from conftest import JOUR, ROOT
from fraicheur import (ENCADRE_MAX_MOIS, REVUE_MAX_MOIS, a_relire, aujourdhui, date_fr, encadres, erreurs, main,
                       verifier)
from publication import ReleaseError, check_reviews

VIEUX = datetime.date(2025, 12, 4)         # more than 12 months before JOUR
VIEIL_ENCADRE = "2026-05"                  # more than 6 months before JOUR


def _messages(root, jour=JOUR) -> str:
    return "\n".join(str(p) for p in verifier(root, jour))


def test_the_guide_has_no_date_mistake():
    """Only what a change causes. « Today » is the clock here, but only for « a date in the future »: a date
    that passes today passes every later day, so this test cannot start failing on its own."""
    problemes = erreurs(ROOT)
    assert problemes == [], "\n".join(str(p) for p in problemes)


def test_every_box_of_the_guide_is_read():
    dates = [date for path in (ROOT / "docs").rglob("*.md")
             for _, _, date, _ in encadres(path.read_text(encoding="utf-8"))]
    assert len(dates) >= 20 and None not in dates


def test_each_page_shows_its_review_date_under_its_title(built_site):
    site, _ = built_site
    missing = []
    for html in sorted(site.rglob("index.html")):
        text = html.read_text(encoding="utf-8")
        if "<article" not in text or html.parent.name in ("search", "assets") or "404" in html.parent.name:
            continue
        if not re.search(r'</h1>\s*<p class="kallm-dates">Relu le <time datetime="\d{4}-\d{2}-\d{2}">', text):
            missing.append(str(html.relative_to(site)))
    assert missing == [], missing
    box = (site / "index.html").read_text(encoding="utf-8")
    assert "État des lieux en " in box and "État des lieux au 20" not in box


# ---- Each mistake, fed to a small project --------------------------------------------------------

@pytest.mark.parametrize("revue, attendu", [
    (None, "la date de relecture manque"),
    ("2026-13-01", "`revue: 2026-13-01` n'est pas une date"),
    ("1er décembre 2026", "`revue: 1er décembre 2026` n'est pas une date"),
    ((JOUR + datetime.timedelta(days=40)).isoformat(), "est dans le futur"),
], ids=["absente", "mois-13", "en-toutes-lettres", "future"])
def test_a_missing_or_malformed_review_date_fails_the_build(project, revue, attendu):
    project.page("partie/page.md", "Page", "Une page.", "# Page\n\nDu texte.\n", revue=revue)
    result = project.build()
    assert result.returncode != 0
    assert re.search(rf"WARNING.*docs/partie/page\.md : .*{re.escape(attendu)}", result.stdout), result.stdout[-3000:]


@pytest.mark.parametrize("titre", ["État des lieux au 2026-13", "État des lieux au novembre 2026",
                                   "État des lieux au 2026-1"])
def test_a_malformed_box_date_fails_the_build(project, titre):
    project.page("encadre.md", "Encadré", "Une page.", f'# Encadré\n\n!!! info "{titre}"\n    Un fait.\n')
    result = project.build()
    assert result.returncode != 0
    assert f"docs/encadre.md, ligne 9 : « {titre} » : la date de l'encadré s'écrit AAAA-MM" in result.stdout, \
        result.stdout[-3000:]


def test_a_page_announced_as_being_written_fails_the_build(project):
    project.page("a.md", "A", "Une page.", "# A\n\nDu texte.\n")
    project.page("b.md", "B", "Une page.", "# B\n\nLa page [A](a.md), en cours de rédaction, explique tout.\n")
    result = project.build()
    assert result.returncode != 0
    assert ("docs/b.md, ligne 9 : « en cours de rédaction » annonce comme à venir docs/a.md, qui existe déjà. "
            "Décrivez au présent") in result.stdout, result.stdout[-3000:]


def test_an_old_page_and_an_old_box_are_reported_but_the_site_still_builds(project):
    old, box = VIEUX, VIEIL_ENCADRE
    project.page("ancienne.md", "Ancienne", "Une page.",
                 f'# Ancienne\n\n!!! info "État des lieux au {box}"\n    Un fait.\n', revue=old.isoformat())
    result = project.build()
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"À relire — docs/ancienne.md : relue le {date_fr(old)}, il y a plus de {REVUE_MAX_MOIS} mois" \
        in result.stdout
    assert f"À relire — docs/ancienne.md, ligne 9 : l'encadré « État des lieux au {box} » a plus de " \
           f"{ENCADRE_MAX_MOIS} mois" in result.stdout
    messages = _messages(project.path)   # what `python hooks/fraicheur.py` says about the guide
    assert "docs/ancienne.md : relue le" in messages and "mettez la date du jour" in messages
    assert "docs/ancienne.md, ligne 9 :" in messages and "datez-le du mois de la vérification" in messages
    html = (project.path / "site" / "ancienne" / "index.html").read_text(encoding="utf-8")
    shown = date_fr(old).replace(" ", "\u00a0")
    assert f'<p class="kallm-dates">Relu le <time datetime="{old.isoformat()}">{shown}</time>' in html
    assert "État des lieux en " in html and f"État des lieux au {box}" not in html


def test_a_notebook_announced_in_the_future_tense_is_reported(project):
    project.notebook("fil-rouge/07-rag.ipynb", [("md", "# RAG")])
    project.page("fil-rouge/index.md", "Fil rouge", "Les notebooks.",
                 "# Fil rouge\n\nLe [notebook 7](07-rag.ipynb) construira une RAG.\n\n"
                 "- Le notebook 7, en cours d'écriture.\n- Le notebook 7 construit une RAG.\n\n"
                 "Il n'est plus « en cours d'écriture ». Le [notebook 9](09-absent.ipynb) construira autre chose.\n\n"
                 "```python\n# le notebook 7 construira\n```\n")
    messages = _messages(project.path)
    assert ("docs/fil-rouge/index.md, ligne 9 : « construira » annonce comme à venir "
            "notebooks/fil-rouge/07-rag.ipynb, qui existe déjà.") in messages
    assert "docs/fil-rouge/index.md, ligne 11 : « en cours d'écriture »" in messages
    assert len(verifier(project.path, JOUR)) == 2, messages  # present tense, quotes, absent notebook, code: fine


def test_a_notebook_without_review_date_is_named(project):
    project.notebook("fil-rouge/sans-date.ipynb", [("md", "# Sans date")], revue=None)
    source = project.notebook("fil-rouge/mal-date.ipynb", [("md", "# Mal daté")], revue="décembre 2026")
    assert source.is_file()
    messages = _messages(project.path)
    assert "notebooks/fil-rouge/sans-date.ipynb : la métadonnée `kallm.revue` manque" in messages
    assert "notebooks/fil-rouge/mal-date.ipynb : `kallm.revue` vaut « décembre 2026 », qui n'est pas une date" \
        in messages


def test_thresholds_count_whole_months(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "p.md").write_text('---\ntitle: P\ndescription: D.\nrevue: 2025-12-01\n---\n\n# P\n\n'
                                           '!!! info "État des lieux au 2026-06"\n    Un fait.\n', encoding="utf-8")
    assert verifier(tmp_path, datetime.date(2026, 12, 1)) == []            # 12 months, 6 months: still fresh
    late = verifier(tmp_path, datetime.date(2027, 1, 1))
    assert [p.perime for p in late] == [True, True], late                      # the next month: both too old


def test_changing_a_review_date_does_not_run_a_notebook_again(tmp_path):
    from notebooks import _hash_inputs
    path = tmp_path / "notebooks" / "a.ipynb"
    path.parent.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kallm"] = {"description": "Un notebook.", "revue": "2026-12-01"}
    nb.cells = [nbformat.v4.new_code_cell("print(1)")]
    nbformat.write(nb, path)
    before = _hash_inputs(path, tmp_path)
    nb.metadata["kallm"]["revue"] = "2027-06-15"
    nbformat.write(nb, path)
    assert _hash_inputs(path, tmp_path) == before
    nb.metadata["kallm"]["description"] = "Une autre phrase."
    nbformat.write(nb, path)
    assert _hash_inputs(path, tmp_path) != before


def test_dates_in_french():
    assert date_fr(datetime.date(2026, 12, 1)) == "1er décembre 2026"
    assert date_fr(datetime.date(2026, 8, 15)) == "15 août 2026"


# ---- Old dates: the pull request passes, the weekly job lists, the release waits ----------------------

def _vieille_page(project):
    project.page("ancienne.md", "Ancienne", "Une page.",
                 f'# Ancienne\n\n!!! info "État des lieux au {VIEIL_ENCADRE}"\n    Un fait.\n', revue=VIEUX.isoformat())
    project.notebook("fil-rouge/01-vieux.ipynb", [("md", "# Vieux")], revue=VIEUX.isoformat())


def test_an_old_review_passes_the_pull_request_is_listed_weekly_and_refused_at_release(project, tmp_path, capsys):
    _vieille_page(project)
    assert erreurs(project.path, JOUR) == []                       # the pull-request check (as in the build)
    assert [p.fichier for p in a_relire(project.path, JOUR)] == [
        "docs/ancienne.md", "docs/ancienne.md", "notebooks/fil-rouge/01-vieux.ipynb"]

    rapport = tmp_path / "sante" / "relectures.md"                 # the weekly job (.github/workflows/sante.yml)
    code = main(["relectures", "--aujourdhui", JOUR.isoformat(), "--rapport", str(rapport)], root=project.path)
    texte = rapport.read_text(encoding="utf-8")
    assert code == 1 and texte == capsys.readouterr().out.rstrip("\n") + "\n"
    assert texte.startswith("## Pages à relire\n\nAu 6 décembre 2026, 2 fichier(s) à relire (3 point(s)).")
    assert f"- docs/ancienne.md : relue le {date_fr(VIEUX)}, il y a plus de 12 mois." in texte
    assert f"- docs/ancienne.md, ligne 9 : l'encadré « État des lieux au {VIEIL_ENCADRE} » a plus de 6 mois." in texte
    assert "- notebooks/fil-rouge/01-vieux.ipynb : relue le" in texte

    with pytest.raises(ReleaseError, match=r"3 relecture\(s\) en retard[^\n]*\n  - docs/ancienne\.md : relue le"):
        check_reviews(project.path, JOUR)                          # the release check (scripts/publication.py)


def test_once_re_read_the_weekly_job_is_green_and_the_release_may_go(project, capsys):
    _vieille_page(project)
    project.page("ancienne.md", "Ancienne", "Une page.",                # re-read on JOUR, its box checked
                 f'# Ancienne\n\n!!! info "État des lieux au {JOUR:%Y-%m}"\n    Un fait.\n', revue=JOUR.isoformat())
    project.notebook("fil-rouge/01-vieux.ipynb", [("md", "# Vieux")], revue=JOUR.isoformat())
    assert verifier(project.path, JOUR) == []
    check_reviews(project.path, JOUR)
    assert main(["relectures", "--aujourdhui", JOUR.isoformat()], root=project.path) == 0
    assert "Aucune au 6 décembre 2026" in capsys.readouterr().out


def test_today_is_the_clock_unless_fixed(monkeypatch):
    monkeypatch.delenv("KALLM_AUJOURDHUI", raising=False)
    assert aujourdhui() == datetime.date.today()
    monkeypatch.setenv("KALLM_AUJOURDHUI", "2030-01-31")
    assert aujourdhui() == datetime.date(2030, 1, 31)
    monkeypatch.setenv("KALLM_AUJOURDHUI", "31/01/2030")
    with pytest.raises(SystemExit, match="une date AAAA-MM-JJ est attendue"):
        aujourdhui()
