"""« Constituer le dossier du projet » in Debian's Chromium: the page as a project lead uses it.

The reference cases (includes/dossier/cas/*.yml, also read by tests/test_dossier_regles.py) are answered by
label, as a person would, and the result the page shows is compared with each case's `attendu`: the rules,
the cases and this test have one source. A downloaded template is read back with python-docx and odfpy;
the answers file is saved and reloaded; each bad file gives its French message and keeps the answers.
Keyboard only, aria-live, axe in both palettes, a 390 px phone and the page without JavaScript are checked too.

The browser tests use the `site_url` fixture (tests/conftest.py: the real guide, built once and served).
"""
from __future__ import annotations

import contextlib
import io
import json
import subprocess
import zipfile

from pathlib import Path

import pytest
import yaml
from conftest import ROOT

PAGE = "boite-a-outils/dossier-du-projet/"
REGLES_YML = ROOT / "includes" / "dossier" / "questionnaire.yml"
CAS_DIR = ROOT / "includes" / "dossier" / "cas"
JS = ROOT / "docs" / "javascripts" / "outils"
# The two cases the issue asks a new user to go through in under 15 minutes.
CAS_PARCOURUS = ("fil-rouge-rag-agents", "prestation-sociale")


def charger(chemin: Path) -> dict:
    return yaml.safe_load(chemin.read_text(encoding="utf-8"))


def regles() -> dict:
    return charger(REGLES_YML)


def questions(r: dict) -> list[dict]:
    return [q for s in r["sections"] for q in s["questions"]]


def cas(nom: str) -> dict:
    chemin = CAS_DIR / f"{nom}.yml"
    assert chemin.is_file(), f"includes/dossier/cas/{nom}.yml : cas de référence introuvable"
    return charger(chemin)


def tous_les_cas() -> list[str]:
    return sorted(p.stem for p in CAS_DIR.glob("*.yml"))


def node(script: str, *args) -> object:
    """Runs `script` under node next to the tools, `args` as JSON in process.argv; returns its JSON output."""
    sortie = subprocess.run(["node", "-e", script, *[json.dumps(a, ensure_ascii=False) for a in args]],
                            cwd=JS, capture_output=True, text=True, check=True)
    return json.loads(sortie.stdout)


def remplissage(r: dict, reponses: dict, nom: str) -> dict:
    """What the rules engine (the page's own file) writes in template `nom`."""
    return node("const m = require('./dossier-regles.js'); const a = process.argv.slice(1).map(JSON.parse);"
                "process.stdout.write(JSON.stringify(m.remplissage(a[0], a[1], a[2])));", r, reponses, nom)


def normal(texte: str) -> str:
    return " ".join(texte.replace("\u2011", "-").replace("\u00a0", " ").replace("\u202f", " ").split())


# ---- Driving the page ---------------------------------------------------------------------------

def ouvrir(chromium, url: str, **options):
    from browser import Visit
    visit = Visit(chromium, url + PAGE, **options)
    visit.page.wait_for_selector("#kallm-dossier:not([hidden]) .kallm-dossier-section")
    return visit


@contextlib.contextmanager
def page_remplie(chromium, url: str, nom: str, **options):
    """The page with reference case `nom` answered by label: (visit, rules, case)."""
    r, c = regles(), cas(nom)
    visit = ouvrir(chromium, url, **options)
    try:
        repondre(visit.page, r, c["reponses"])
        yield visit, r, c
    finally:
        visit.close()


def repondre(page, r: dict, reponses: dict) -> None:
    """Answers by label, in the questionnaire's order, as a person reads it (a question appears once the
    answers before it call for it)."""
    for q in questions(r):
        if q["id"] not in reponses:
            continue
        valeur = reponses[q["id"]]
        if q["type"] == "texte":
            champ = page.get_by_label(q["libelle"], exact=True)
            champ.fill(valeur)
            champ.press("Tab")  # the result follows on `change`, as when a person leaves the field
            continue
        groupe = page.get_by_role("group", name=q["libelle"], exact=True)
        options = q.get("options") or [{"valeur": "oui", "libelle": "Oui"}, {"valeur": "non", "libelle": "Non"},
                                       {"valeur": "ne-sais-pas", "libelle": "Je ne sais pas"}]
        libelles = {o["valeur"]: o["libelle"] for o in options}
        for v in (valeur if isinstance(valeur, list) else [valeur]):
            groupe.get_by_label(libelles[v], exact=True).check()


def resultat(page) -> dict:
    """What the page concludes: {conclusions: {id: statut}, incoherences, documents, non_repondues}."""
    return page.evaluate("""() => {
      const zone = document.getElementById("kallm-dossier-resultat");
      const conclusions = {};
      zone.querySelectorAll("[data-conclusion]").forEach(e => { conclusions[e.dataset.conclusion] = e.dataset.statut; });
      return {conclusions,
              incoherences: [...zone.querySelectorAll("[data-incoherence]")].map(e => e.dataset.incoherence),
              non_repondues: [...zone.querySelectorAll(".kallm-dossier-non-repondues [data-question]")].map(e => e.dataset.question),
              documents: [...document.querySelectorAll("#kallm-dossier-documents [data-document]")].map(e => e.dataset.document)};
    }""")


def reponses_de_la_page(page) -> dict:
    return page.evaluate("() => document.getElementById('kallm-dossier').kallm.reponses()")


def comparer(nom: str, c: dict, vu: dict) -> list[str]:
    problemes = [f"{nom} : « {cid} » attendu {statut}, la page dit {vu['conclusions'].get(cid, 'rien')}"
                 for cid, statut in c["attendu"].items() if vu["conclusions"].get(cid) != statut]
    if sorted(vu["incoherences"]) != sorted(c.get("incoherences_attendues") or []):
        problemes.append(f"{nom} : contradictions {vu['incoherences']}, attendu {c.get('incoherences_attendues') or []}")
    if "documents_attendus" in c and sorted(vu["documents"]) != sorted(c["documents_attendus"]):
        problemes.append(f"{nom} : documents {vu['documents']}, attendu {c['documents_attendus']}")
    return problemes


# ---- The reference cases, answered by label ---------------------------------------------------------

@pytest.mark.parametrize("nom", CAS_PARCOURUS)
def test_a_reference_case_answered_by_label_gives_its_expected_result(chromium, site_url, nom):
    with page_remplie(chromium, site_url, nom) as (visit, r, c):
        vu = resultat(visit.page)
        assert comparer(nom, c, vu) == []
        assert set(vu["conclusions"]) == {x["id"] for x in r["conclusions"]}, "chaque conclusion apparaît une fois"
        assert visit.console_errors == [] and visit.external_requests == []


def test_every_reference_case_gives_its_result_in_the_page(chromium, site_url):
    """All cases, answers applied as a loaded file would: the page and the rules agree on each."""
    r, problemes = regles(), []
    visit = ouvrir(chromium, site_url)
    try:
        for nom in tous_les_cas():
            c = charger(CAS_DIR / f"{nom}.yml")
            visit.page.evaluate("(rep) => { const k = document.getElementById('kallm-dossier').kallm;"
                                " k.appliquer(rep); k.evaluer(); }", c["reponses"])
            problemes += comparer(nom, c, resultat(visit.page))
        assert problemes == []
        assert visit.console_errors == []
    finally:
        visit.close()


def test_a_wrong_expected_result_is_caught():
    """The comparison fails, and says where, when a case expects what the page does not show."""
    c = {"attendu": {"pratique-interdite": "s-applique"}, "incoherences_attendues": []}
    vu = {"conclusions": {"pratique-interdite": "ne-s-applique-pas"}, "incoherences": [], "documents": []}
    assert comparer("essai", c, vu) == ["essai : « pratique-interdite » attendu s-applique, la page dit ne-s-applique-pas"]


# ---- The documents --------------------------------------------------------------------------------

def telecharger(page, bouton) -> bytes:
    with page.expect_download() as info:
        bouton.click()
    return open(info.value.path(), "rb").read()


def test_the_downloaded_docx_and_odt_carry_the_answers(chromium, site_url):
    import docx
    from odf import opendocument, teletype, text as odf_text
    with page_remplie(chromium, site_url, "fil-rouge-rag-agents") as (visit, r, c):
        reponses = reponses_de_la_page(visit.page)
        documents = resultat(visit.page)["documents"]
        assert documents, "le fil rouge demande au moins une fiche"
        problemes = []
        for nom in documents:
            attendu = remplissage(r, reponses, nom)
            ligne = visit.page.locator(f'[data-document="{nom}"]')
            fichier = docx.Document(io.BytesIO(telecharger(visit.page, ligne.locator('[data-format="docx"]'))))
            cellules = {normal(row.cells[0].text): row.cells[1].text for t in fichier.tables for row in t.rows
                        if len(row.cells) >= 2}
            for rub in attendu["rubriques"]:
                if normal(cellules.get(normal(rub["rubrique"]), "")) != normal(rub["texte"]):
                    problemes.append(f"{nom}.docx : « {rub['rubrique']} » : {cellules.get(normal(rub['rubrique']))!r}")
            cochees = [normal(p.text[1:]) for p in fichier.paragraphs if p.text.startswith("☒")]
            if sorted(cochees) != sorted(normal(x) for x in attendu["cases"]):
                problemes.append(f"{nom}.docx : cases cochées {cochees}, attendu {attendu['cases']}")
            odt = opendocument.load(io.BytesIO(telecharger(visit.page, ligne.locator('[data-format="odt"]'))))
            paragraphes = [teletype.extractText(p) for p in odt.getElementsByType(odf_text.P)]
            if sum(p.startswith("☒") for p in paragraphes) != len(attendu["cases"]):
                problemes.append(f"{nom}.odt : {sum(p.startswith('☒') for p in paragraphes)} cases cochées, "
                                 f"attendu {len(attendu['cases'])}")
            for rub in attendu["rubriques"]:
                if not any(normal(rub["texte"]) == normal(p) for p in paragraphes):
                    problemes.append(f"{nom}.odt : « {rub['texte'][:40]} » absent")
        assert problemes == []
        archive = zipfile.ZipFile(io.BytesIO(telecharger(visit.page, visit.page.locator("#kallm-dossier-tout"))))
        assert sorted(archive.namelist()) == sorted([f"{n}-prerempli.{f}" for n in documents for f in ("docx", "odt")]
                                                    + ["reponses-dossier.json"])
        assert json.loads(archive.read("reponses-dossier.json"))["reponses"] == reponses
        assert visit.console_errors == [] and visit.external_requests == []


# ---- Save, reload, bad files ------------------------------------------------------------------------

def charger_fichier(page, contenu: str | bytes, nom: str = "reponses.json") -> None:
    donnees = contenu.encode("utf-8") if isinstance(contenu, str) else contenu
    page.set_input_files("#kallm-dossier-fichier", files=[{"name": nom, "mimeType": "application/json", "buffer": donnees}])


def test_save_then_reload_gives_the_same_answers_and_result(chromium, site_url):
    with page_remplie(chromium, site_url, "prestation-sociale") as (visit, r, c):
        avant, vu = reponses_de_la_page(visit.page), resultat(visit.page)
        fichier = json.loads(telecharger(visit.page, visit.page.locator("#kallm-dossier-enregistrer")))
        assert fichier["outil"] == "kallm-dossier" and fichier["format"] == r["format"]
        assert fichier["reponses"] == avant and "T" in fichier["enregistre_le"]
        visit.page.reload(wait_until="networkidle")
        visit.page.wait_for_selector("#kallm-dossier:not([hidden]) .kallm-dossier-section")
        assert reponses_de_la_page(visit.page) == {}
        with visit.page.expect_file_chooser() as choix:
            visit.page.get_by_role("button", name="Charger un fichier").click()
        choix.value.set_files(files=[{"name": "reponses-dossier.json", "mimeType": "application/json",
                                      "buffer": json.dumps(fichier).encode("utf-8")}])
        visit.page.wait_for_function("() => document.getElementById('kallm-dossier-etat').textContent !== ''")
        assert reponses_de_la_page(visit.page) == avant
        assert resultat(visit.page) == vu
        assert visit.page.inner_text("#kallm-dossier-alerte") == ""
        assert visit.console_errors == []


def fichiers_mauvais(r: dict) -> list[tuple[str, str, str]]:
    """(what, the file's content, a piece of the message the page must give)."""
    bon = {"format": r["format"], "outil": "kallm-dossier", "enregistre_le": "2026-12-06T10:00:00Z", "reponses": {}}
    texte = next(q for q in questions(r) if q["type"] == "texte")["id"]
    choix = next(q for q in questions(r) if q["type"] in ("choix", "oui-non"))
    anciens = [n for n in range(1, r["format"]) if n not in r.get("formats_acceptes", [r["format"]])]
    cas_ = [
        ("pas du JSON", "{ce n'est pas du JSON", "pas du JSON lisible"),
        ("un autre outil", json.dumps({"format": 1, "outil": "autre", "reponses": {}}), "ne vient pas de cet outil"),
        ("un format plus récent", json.dumps({**bon, "format": r["format"] + 1}), "version plus récente"),
        ("une clé inconnue", json.dumps({**bon, "commentaire": "x"}), "clés que l'outil ne connaît pas : commentaire"),
        ("une question inconnue", json.dumps({**bon, "reponses": {"question_fantome": "oui", texte: "x"}}),
         "ne connaît pas : question_fantome"),
        ("une valeur impossible", json.dumps({**bon, "reponses": {choix["id"]: "peut-etre"}}),
         f"({choix['id']}) : « peut-etre » ne fait pas partie des réponses"),
    ]
    if anciens:
        cas_.append(("un format trop ancien", json.dumps({**bon, "format": anciens[0]}), "ancienne version"))
    return cas_


def test_each_bad_file_gives_its_french_message_and_keeps_the_answers(chromium, site_url):
    with page_remplie(chromium, site_url, "fil-rouge-rag-agents") as (visit, r, c):
        avant, vu = reponses_de_la_page(visit.page), resultat(visit.page)
        problemes = []
        for quoi, contenu, message in fichiers_mauvais(r):
            visit.page.evaluate("() => { document.getElementById('kallm-dossier-alerte').textContent = ''; }")
            charger_fichier(visit.page, contenu)
            visit.page.wait_for_function("() => document.getElementById('kallm-dossier-alerte').textContent !== ''")
            dit = normal(visit.page.inner_text("#kallm-dossier-alerte"))
            if normal(message) not in dit or "n'ont pas changé" not in dit:
                problemes.append(f"{quoi} : « {dit} »")
            if reponses_de_la_page(visit.page) != avant or resultat(visit.page) != vu:
                problemes.append(f"{quoi} : les réponses de la page ont changé")
        assert problemes == []
        assert visit.page.get_attribute("#kallm-dossier-alerte", "role") == "alert"
        assert visit.console_errors == []


# ---- Keyboard, screen readers, axe, phone, no JavaScript ----------------------------------------------

def test_the_whole_questionnaire_with_the_keyboard_alone(chromium, site_url):
    """Tab from the first button to the end of the form; Space and the arrows choose, the keys type."""
    r, c = regles(), cas("fil-rouge-rag-agents")
    index = {q["id"]: q for q in questions(r)}
    visit = ouvrir(chromium, site_url, width=390, height=844)
    page = visit.page
    try:
        page.focus("#kallm-dossier-enregistrer")
        faits, entre = set(), False
        for _ in range(800):
            page.keyboard.press("Tab")
            e = page.evaluate("() => { const e = document.activeElement; return {type: e.type, name: e.name,"
                              " value: e.value, checked: e.checked, dansForm: !!e.closest('#kallm-dossier-form')}; }")
            if not e["dansForm"]:
                if entre:
                    break
                continue
            entre = True
            qid = e["name"]
            if qid not in c["reponses"]:
                continue
            voulu, q = c["reponses"][qid], index[qid]
            if e["type"] == "textarea" and qid not in faits:
                page.keyboard.type(voulu)
                faits.add(qid)
            elif e["type"] == "radio" and qid not in faits:
                valeurs = [o["valeur"] for o in (q.get("options") or [{"valeur": "oui"}, {"valeur": "non"}, {"valeur": "ne-sais-pas"}])]
                page.keyboard.press("Space")   # the first choice of the group, focused
                for _ in range(valeurs.index(voulu) - valeurs.index(e["value"])):
                    page.keyboard.press("ArrowDown")
                faits.add(qid)
            elif e["type"] == "checkbox" and e["value"] in voulu and not e["checked"]:
                page.keyboard.press("Space")
        assert entre
        assert reponses_de_la_page(page) == c["reponses"]
        assert comparer("fil-rouge (clavier)", c, resultat(page)) == []
        assert visit.console_errors == []
    finally:
        visit.close()


def test_the_result_is_announced_politely_and_not_on_each_keystroke(chromium, site_url):
    r = regles()
    visit = ouvrir(chromium, site_url)
    page = visit.page
    try:
        synthese = page.locator("#kallm-dossier-synthese")
        assert synthese.get_attribute("aria-live") == "polite"
        assert page.locator("#kallm-dossier-resultat").get_attribute("aria-live") is None  # not the whole result
        avant = synthese.inner_text()
        texte = next(q for q in questions(r) if q["type"] == "texte")
        page.get_by_label(texte["libelle"], exact=True).press_sequentially("Un essai")
        assert synthese.inner_text() == avant, "la synthèse change à chaque touche"
        page.keyboard.press("Tab")
        assert synthese.inner_text() != avant
        aide = page.locator(f'[data-question="{texte["id"]}"] textarea').get_attribute("aria-describedby")
        assert page.locator(f"#{aide}").inner_text().strip()
    finally:
        visit.close()


def test_the_filled_page_passes_axe_in_both_palettes(chromium, site_url):
    from accessibilite import audit_both_palettes
    r, c = regles(), cas("fil-rouge-rag-agents")

    def remplir(page):
        page.wait_for_selector("#kallm-dossier:not([hidden]) .kallm-dossier-section")
        repondre(page, r, c["reponses"])
    problemes = audit_both_palettes(chromium, [(site_url + PAGE, remplir)])
    assert problemes == []


def test_a_390_px_phone_has_no_horizontal_scroll(chromium, site_url):
    with page_remplie(chromium, site_url, "prestation-sociale", width=390, height=844) as (visit, r, c):
        largeurs = visit.page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert largeurs[0] <= largeurs[1], f"défilement horizontal : {largeurs[0]} px pour {largeurs[1]} px"


def test_without_its_rules_the_page_says_so_and_keeps_the_sheets(chromium, site_url):
    contexte = chromium.new_context()
    try:
        page = contexte.new_page()
        page.route("**/questionnaire.json", lambda route: route.fulfill(status=404, body="absent"))
        page.goto(site_url + PAGE, wait_until="networkidle")
        page.wait_for_selector("#kallm-dossier:not([hidden])")
        assert "n'a pas pu être chargé" in page.inner_text("#kallm-dossier-chargement")
        assert not page.locator("#kallm-dossier-enregistrer").is_visible()
        assert page.locator(".kallm-dossier-fiches a[href$='.docx']").first.is_visible()
    finally:
        contexte.close()


def test_opened_from_a_folder_the_page_says_how_to_serve_it(chromium, built_site):
    """The offline edition opened from a folder (file://) cannot fetch its rules: the page says what to do."""
    site, _ = built_site
    contexte = chromium.new_context()
    try:
        page = contexte.new_page()
        page.goto((site / "boite-a-outils" / "dossier-du-projet" / "index.html").as_uri(), wait_until="load")
        page.wait_for_selector("#kallm-dossier:not([hidden])")
        message = page.inner_text("#kallm-dossier-chargement")
        assert "python -m http.server" in message and "Les fiches restent" in message, message
    finally:
        contexte.close()


def test_without_javascript_the_page_lists_every_sheet_and_its_files(chromium, site_url):
    contexte = chromium.new_context(java_script_enabled=False)
    try:
        page = contexte.new_page()
        page.goto(site_url + PAGE)
        assert not page.locator("#kallm-dossier").is_visible()
        liens = page.eval_on_selector_all(".kallm-dossier-fiches a[href$='.docx'], .kallm-dossier-fiches a[href$='.odt']",
                                          "as => as.map(a => a.href)")
        noms = {lien.rsplit("/", 1)[1].rsplit(".", 1)[0] for lien in liens}
        documents = set(regles().get("documents", {}))
        assert documents <= noms, f"fiches sans lien de téléchargement : {sorted(documents - noms)}"
        for lien in liens:
            reponse = page.request.get(lien)
            assert reponse.ok and reponse.body()[:2] == b"PK", lien
    finally:
        contexte.close()


@pytest.mark.parametrize("format_", ["docx", "odt"])
def test_the_page_ticks_a_box_and_writes_a_rubric_in_the_published_template(chromium, site_url, format_):
    """Whatever the rules ask today: the page's filling, applied to the real qualification sheet, ticks the
    box (☐ → ☒, as modele.lua writes it) and writes the rubric, and adds nothing else."""
    import docx
    from odf import opendocument, teletype, text as odf_text
    fichier = "word/document.xml" if format_ == "docx" else "content.xml"
    visit = ouvrir(chromium, site_url)
    try:
        modele = visit.page.request.get(site_url + f"boite-a-outils/qualification-ai-act.{format_}").body()
        source = zipfile.ZipFile(io.BytesIO(modele))
        demande = {"rubriques": [{"rubrique": "Projet et finalité, en une phrase", "texte": "Une finalité\nsur deux lignes"},
                                 {"rubrique": "Rubrique absente du modèle", "texte": "x"}],
                   "cases": ["Oui\u00a0: passez à la question suivante.", "Une case absente"]}
        rempli = visit.page.evaluate("([xml, d, f]) => kallmDossier.remplirXml(xml, d, f)",
                                     [source.read(fichier).decode("utf-8"), demande, format_])
        assert rempli["manquants"] == ["Rubrique absente du modèle", "Une case absente"]
        sortie = io.BytesIO()
        with zipfile.ZipFile(sortie, "w") as z:
            for info in source.infolist():
                z.writestr(info, rempli["xml"] if info.filename == fichier else source.read(info))
        sortie.seek(0)
        if format_ == "docx":
            document = docx.Document(sortie)
            paragraphes = [p.text for p in document.paragraphs]
            cellule = next(row.cells[1].text for t in document.tables for row in t.rows
                           if normal(row.cells[0].text) == "Projet et finalité, en une phrase")
            assert cellule == "Une finalité\nsur deux lignes"
        else:
            document = opendocument.load(sortie)
            paragraphes = [teletype.extractText(p) for p in document.getElementsByType(odf_text.P)]
            assert "Une finalitésur deux lignes" in [p.replace("\n", "") for p in paragraphes]
        coches = [p for p in paragraphes if p.startswith("☒")]
        assert [normal(p) for p in coches] == ["☒ Oui : passez à la question suivante."]
        assert sum(p.startswith("☐") for p in paragraphes) == sum(
            teletype.extractText(p).startswith("☐") if format_ == "odt" else p.text.startswith("☐")
            for p in (opendocument.load(io.BytesIO(modele)).getElementsByType(odf_text.P) if format_ == "odt"
                      else docx.Document(io.BytesIO(modele)).paragraphs)) - 1
    finally:
        visit.close()


def test_the_print_button_prints_the_result_alone_with_the_project_named(chromium, site_url):
    with page_remplie(chromium, site_url, "fil-rouge-rag-agents") as (visit, r, c):
        page = visit.page
        page.evaluate("() => { window.print = () => { window.imprime = true; }; }")
        page.get_by_role("button", name="Imprimer ou enregistrer en PDF").click()
        assert page.evaluate("window.imprime === true")
        page.emulate_media(media="print")
        assert page.locator("#kallm-dossier-resultat").is_visible()
        assert page.locator(".kallm-dossier-entete").is_visible()
        assert normal(c["reponses"]["finalite"]) in normal(page.inner_text(".kallm-dossier-entete"))
        for cache in ("#kallm-dossier-form", "#kallm-dossier-documents", ".md-sidebar", "#comment-sen-servir"):
            assert not page.locator(cache).first.is_visible(), cache
