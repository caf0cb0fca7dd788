"""« Le dossier du projet »: the rules (includes/dossier/questionnaire.yml), their engine and their build check.

The engine is docs/javascripts/outils/dossier-regles.js, run here with node on the very JSON the build publishes
(hooks/dossier.py), on every reference case of includes/dossier/cas/: each case lists the status it expects for
every conclusion, the contradictions it expects and the documents it expects. The browser tests of the page are
in tests/test_dossier_page.py.
"""
from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import dossier
import pytest
import yaml
from conftest import ROOT

MOTEUR = ROOT / "docs" / "javascripts" / "outils" / "dossier-regles.js"
CAS = sorted((ROOT / "includes" / "dossier" / "cas").glob("*.yml"))
CAS_FAUX = ROOT / "tests" / "data" / "dossier" / "cas-faux.yml"
STATUTS = {"s-applique", "ne-s-applique-pas", "indeterminee"}

# Runs each request of stdin's JSON list on the rules: evaluer, questionsPosees or remplissage.
_NODE = """
const m = require(process.argv[1]);
const regles = JSON.parse(require("fs").readFileSync(process.argv[2], "utf-8"));
const demandes = JSON.parse(require("fs").readFileSync(0, "utf-8"));
process.stdout.write(JSON.stringify(demandes.map((d) => d.remplir
  ? m.remplissage(d.regles || regles, d.reponses, d.remplir)
  : d.posees ? m.questionsPosees(d.regles || regles, d.reponses) : m.evaluer(d.regles || regles, d.reponses))));
"""


@pytest.fixture(scope="module")
def regles(tmp_path_factory) -> tuple[dict, Path]:
    """The rules as the page receives them (checked and published by hooks/dossier.py), and their JSON file."""
    publiees = dossier.publier(dossier.lire(ROOT), ROOT)
    chemin = tmp_path_factory.mktemp("dossier") / "questionnaire.json"
    chemin.write_text(json.dumps(publiees, ensure_ascii=False), encoding="utf-8")
    return publiees, chemin


def moteur(chemin: Path, *demandes: dict) -> list:
    node = shutil.which("node")
    assert node, "node est nécessaire pour tester le moteur du dossier (le même que pour KaTeX) : lancez `make install`."
    result = subprocess.run([node, "-e", _NODE, str(MOTEUR), str(chemin)], input=json.dumps(demandes),
                            capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def lire_cas(chemin: Path) -> dict:
    return yaml.safe_load(chemin.read_text(encoding="utf-8"))


def ecarts(cas: dict, nom: str, resultat: dict, regles: dict) -> list[str]:
    """Every difference between a reference case and what the engine concludes, in French, one per line."""
    problemes = []
    ids = [c["id"] for c in regles["conclusions"]]
    obtenu = {c["id"]: c for c in resultat["conclusions"]}
    attendu = cas.get("attendu") or {}
    for ident in ids:
        if ident not in attendu:
            problemes.append(f"cas « {nom} » : la conclusion « {ident} » n'est pas dans « attendu » (listez-les toutes).")
    for ident, statut in attendu.items():
        if ident not in obtenu:
            problemes.append(f"cas « {nom} » : « attendu » cite « {ident} », qui n'est pas une conclusion des règles.")
        elif statut not in STATUTS:
            problemes.append(f"cas « {nom} » : statut « {statut} » inconnu pour « {ident} ».")
        elif obtenu[ident]["statut"] != statut:
            manque = obtenu[ident]["manquantes"]
            problemes.append(f"cas « {nom} » : conclusion « {ident} » : attendu « {statut} », le moteur conclut "
                             f"« {obtenu[ident]['statut']} »" + (f" (questions manquantes : {', '.join(manque)})"
                                                                 if manque else "") + ".")
    inc_obtenues = sorted(i["id"] for i in resultat["incoherences"])
    if sorted(cas.get("incoherences_attendues") or []) != inc_obtenues:
        problemes.append(f"cas « {nom} » : incohérences attendues {sorted(cas.get('incoherences_attendues') or [])}, "
                         f"relevées {inc_obtenues}.")
    documents = {d for c in regles["conclusions"] if obtenu.get(c["id"], {}).get("statut") == "s-applique"
                 for d in c.get("documents") or []}
    if set(cas.get("documents_attendus") or []) != documents:
        problemes.append(f"cas « {nom} » : documents attendus {sorted(cas.get('documents_attendus') or [])}, "
                         f"produits {sorted(documents)}.")
    return problemes


# ---- The reference cases --------------------------------------------------------------------------------

def test_there_are_at_least_twelve_reference_cases_with_every_key():
    assert len(CAS) >= 12, [c.name for c in CAS]
    for chemin in CAS:
        cas = lire_cas(chemin)
        assert set(cas) == {"nom", "description", "reponses", "attendu", "incoherences_attendues",
                            "documents_attendus"}, chemin.name


@pytest.mark.parametrize("chemin", CAS, ids=[c.stem for c in CAS])
def test_reference_case(chemin, regles):
    publiees, fichier = regles
    cas = lire_cas(chemin)
    (resultat,) = moteur(fichier, {"reponses": cas["reponses"]})
    problemes = ecarts(cas, chemin.stem, resultat, publiees)
    assert not problemes, "\n".join(problemes)


def test_a_wrong_expected_result_fails_with_a_clear_message(regles):
    """tests/data/dossier/cas-faux.yml is the social-benefit case with « haut-risque » expected not to apply."""
    publiees, fichier = regles
    cas = lire_cas(CAS_FAUX)
    (resultat,) = moteur(fichier, {"reponses": cas["reponses"]})
    problemes = ecarts(cas, "cas-faux", resultat, publiees)
    assert problemes == ["cas « cas-faux » : conclusion « haut-risque » : attendu « ne-s-applique-pas », le moteur "
                         "conclut « s-applique »."]
    with pytest.raises(AssertionError, match="haut-risque"):
        assert not problemes, "\n".join(problemes)


def test_every_conclusion_and_contradiction_is_reached_by_a_reference_case(regles):
    """Each rule is exercised: every conclusion applies in at least one case, every contradiction is raised once."""
    publiees, _ = regles
    cas = [lire_cas(c) for c in CAS]
    appliquees = {i for c in cas for i, s in c["attendu"].items() if s == "s-applique"}
    relevees = {i for c in cas for i in c["incoherences_attendues"]}
    jamais = [c["id"] for c in publiees["conclusions"] if c["id"] not in appliquees]
    assert not jamais, f"conclusions qu'aucun cas de référence n'atteint : {jamais}"
    jamais = [i["id"] for i in publiees["incoherences"] if i["id"] not in relevees]
    assert not jamais, f"incohérences qu'aucun cas de référence ne relève : {jamais}"


# ---- The engine's rules of reasoning --------------------------------------------------------------------

def test_nothing_is_concluded_from_an_unanswered_question_or_ne_sais_pas(regles):
    _, fichier = regles
    vide, nsp, oui = moteur(fichier, {"reponses": {}}, {"reponses": {"systeme_ia": "ne-sais-pas"}},
                            {"reponses": {"systeme_ia": "oui"}})
    for resultat in (vide, nsp):
        maitrise = next(c for c in resultat["conclusions"] if c["id"] == "maitrise-ia")
        assert maitrise == {"id": "maitrise-ia", "statut": "indeterminee", "manquantes": ["systeme_ia"]}
    assert "systeme_ia" in vide["nonRepondues"] and "systeme_ia" not in nsp["nonRepondues"]
    assert next(c for c in oui["conclusions"] if c["id"] == "maitrise-ia")["statut"] == "s-applique"


def test_a_skipped_question_reads_null_and_an_answer_that_decides_alone_is_enough(regles):
    """« Pas un système d'IA » skips the AI Act questions: what depends only on them no longer waits for them.
    One « oui » settles an « or », whatever the order of its terms and the other answers."""
    _, fichier = regles
    (non_ia,) = moteur(fichier, {"reponses": {"systeme_ia": "non"}})
    statut = {c["id"]: c["statut"] for c in non_ia["conclusions"]}
    assert statut["hors-ai-act"] == "s-applique" and statut["pratique-interdite"] == "ne-s-applique-pas"
    assert statut["haut-risque"] == "ne-s-applique-pas" and statut["transparence-dialogue"] == "ne-s-applique-pas"
    (interdite,) = moteur(fichier, {"reponses": {"systeme_ia": "oui", "notation_sociale": "oui"}})
    assert next(c for c in interdite["conclusions"] if c["id"] == "pratique-interdite")["statut"] == "s-applique"


def test_questions_are_asked_only_when_they_matter(regles):
    _, fichier = regles
    non_ia, emotions_travail, sans_donnees = moteur(
        fichier, {"posees": True, "reponses": {"systeme_ia": "non"}},
        {"posees": True, "reponses": {"systeme_ia": "oui", "emotions": "travail"}},
        {"posees": True, "reponses": {"donnees_personnelles": "non"}})
    assert "manipulation" not in non_ia and "annexe_iii" not in non_ia and "dialogue" not in non_ia
    assert "finalite" in non_ia and "donnees_personnelles" in non_ia
    assert emotions_travail.index("emotions_raison") == emotions_travail.index("emotions") + 1
    assert "donnees_sensibles" not in sans_donnees and "criteres_aipd" not in sans_donnees


def test_pre_filling_gives_the_answers_and_leaves_blank_what_is_unanswered(regles):
    _, fichier = regles
    cas = lire_cas(ROOT / "includes" / "dossier" / "cas" / "fil-rouge-classement.yml")
    plein, vide = moteur(fichier, {"remplir": "qualification-ai-act", "reponses": cas["reponses"]},
                         {"remplir": "qualification-ai-act", "reponses": {"finalite": "  "}})
    assert plein["rubriques"] == [
        {"rubrique": "Projet et finalité, en une phrase", "texte": cas["reponses"]["finalite"]},
        {"rubrique": "Service responsable", "texte": cas["reponses"]["service"]}]
    assert vide == {"rubriques": [], "cases": []}


def test_the_social_benefit_case_pre_fills_every_document_it_produces(regles):
    """Each document of the case gets its purpose or its service, and the qualification sheet its ticked boxes.
    The explicit mention has no two-column row to fill: its placeholders are in brackets, left to the reader."""
    _, fichier = regles
    cas = lire_cas(ROOT / "includes" / "dossier" / "cas" / "prestation-sociale.yml")
    remplis = moteur(fichier, *({"remplir": nom, "reponses": cas["reponses"]} for nom in cas["documents_attendus"]))
    for nom, rempli in zip(cas["documents_attendus"], remplis):
        if nom == "mention-explicite":
            assert rempli == {"rubriques": [], "cases": []}
            continue
        textes = [r["texte"] for r in rempli["rubriques"]]
        assert cas["reponses"]["finalite"] in textes or cas["reponses"]["service"] in textes, (nom, rempli)
    qualification = remplis[cas["documents_attendus"].index("qualification-ai-act")]
    assert [c[:25] for c in qualification["cases"]] == [
        "Oui\u00a0: passez à la questio", "Oui. Point de l'annexe II", "Oui\u00a0: la dérogation est e",
        "Le système génère du text", "Les deux.", "Nous utilisons un modèle "]
    inventaire = remplis[cas["documents_attendus"].index("inventaire-algorithme")]
    assert {"rubrique": "Rôle dans la décision\u00a0: aide à l'agent ou décision automatique\u00a0; ce que l'agent "
                        "vérifie", "texte": "Aide à l'agent, qui prend la décision après examen"} in inventaire["rubriques"]


def test_a_ticked_box_needs_a_settled_condition(regles):
    _, fichier = regles
    oui, nsp = moteur(fichier, {"remplir": "qualification-ai-act", "reponses": {"systeme_ia": "oui"}},
                      {"remplir": "qualification-ai-act", "reponses": {"systeme_ia": "ne-sais-pas"}})
    assert oui["cases"] == ["Oui\u00a0: passez à la question suivante."] and nsp["cases"] == []


# ---- The published rules --------------------------------------------------------------------------------

def test_the_published_rules_carry_the_amended_dates(regles):
    publiees, _ = regles
    assert "definitions" not in publiees and publiees["format"] == 1
    art27 = next(c for c in publiees["conclusions"] if c["id"] == "analyse-impact-art27")
    assert art27["obligations"] == [{
        "id": "art27", "article": "art. 27", "date": "2027-12-02", "date_fr": "2\u00a0décembre 2027",
        "obligation": art27["obligations"][0]["obligation"],
        "lien": "boite-a-outils/analyse-impact-droits-fondamentaux.md#qui-doit-la-faire-et-quand"}]
    interdite = next(c for c in publiees["conclusions"] if c["id"] == "pratique-interdite")
    assert [o["date"] for o in interdite["obligations"]] == ["2025-02-02", "2026-12-02"]


# ---- The build check: each contributor mistake gives its French message ---------------------------------

def _regles_brutes() -> dict:
    return yaml.safe_load((ROOT / dossier.FICHIER).read_text(encoding="utf-8"))


def _question(d: dict, ident: str) -> dict:
    return next(q for s in d["sections"] for q in s["questions"] if q["id"] == ident)


def _conclusion(d: dict, ident: str) -> dict:
    return next(c for c in d["conclusions"] if c["id"] == ident)


def _type_inconnu(d):
    _question(d, "dialogue")["type"] = "oui-non-peut-etre"


def _id_en_double(d):
    _question(d, "genere")["id"] = "dialogue"


def _var_inconnue(d):
    _conclusion(d, "homologation")["si"] = {"!=": [{"var": "homologuation"}, "faite"]}


def _var_posee_apres(d):
    _question(d, "systeme_ia")["si"] = {"==": [{"var": "homologation"}, "faite"]}


def _operateur_inconnu(d):
    _conclusion(d, "homologation")["si"] = {"different": [{"var": "homologation"}, "faite"]}


def _valeur_mal_ecrite(d):
    _conclusion(d, "homologation")["si"] = {"!=": [{"var": "homologation"}, "faites"]}


def _obligation_inconnue(d):
    _conclusion(d, "analyse-impact-art27")["obligations"] = ["art-27"]


def _page_manquante(d):
    _conclusion(d, "homologation")["chapitre"] = "boite-a-outils/securite-ia.md#pourquoi-une-fiche-de-plus"


def _ancre_manquante(d):
    _question(d, "systeme_ia")["chapitre"] = "boite-a-outils/qualifier-ai-act.md#est-ce-un-systeme-ia"


def _modele_inconnu(d):
    _conclusion(d, "homologation")["documents"] = ["fiche-securite"]


def _rubrique_introuvable(d):
    d["documents"]["securite"]["remplir"][0]["rubrique"] = "Nom du système"


def _case_introuvable(d):
    d["documents"]["qualification-ai-act"]["remplir"].append(
        {"case": "Oui : passez à la suite.", "si": {"==": [{"var": "systeme_ia"}, "oui"]}})


def _case_ambigue(d):
    d["documents"]["qualification-ai-act"]["remplir"].append(
        {"case": "Non.", "si": {"==": [{"var": "systeme_ia"}, "oui"]}})


def _cle_inconnue(d):
    _question(d, "dialogue")["label"] = "Dialogue ?"


def _typographie(d):
    _question(d, "dialogue")["libelle"] = "Le système dialogue-t-il avec des personnes ?"


ERREURS = [
    (_type_inconnu, "question « dialogue » : type « oui-non-peut-etre » inconnu ; types permis : choix, "
                    "choix-multiple, oui-non, texte."),
    (_id_en_double, "question « dialogue » : id en double"),
    (_var_inconnue, "conclusion « homologation » : la condition lit « homologuation », qui n'est l'id d'aucune "
                    "question"),
    (_var_posee_apres, "question « systeme_ia » : la condition lit la question « homologation », posée après"),
    (_operateur_inconnu, "conclusion « homologation » : opérateur JSON Logic « different » inconnu ou non permis"),
    (_valeur_mal_ecrite, "conclusion « homologation » : la condition compare la question « homologation » à "
                         "« faites », qui n'est pas une de ses valeurs (faite, en-cours, non)"),
    (_obligation_inconnue, "conclusion « analyse-impact-art27 » : l'obligation « art-27 » n'est pas une ligne de "
                           "includes/obligations.yml"),
    (_page_manquante, "conclusion « homologation » : la page « boite-a-outils/securite-ia.md » de « chapitre » "
                      "n'existe pas dans docs/"),
    (_ancre_manquante, "question « systeme_ia » : la section « #est-ce-un-systeme-ia » n'existe pas dans "
                       "boite-a-outils/qualifier-ai-act.md"),
    (_modele_inconnu, "conclusion « homologation » : le modèle « fiche-securite » n'existe pas "
                      "(includes/modeles/fiche-securite.md)"),
    (_rubrique_introuvable, "document « securite » : la rubrique « Nom du système » n'est la première cellule "
                            "d'aucune ligne de tableau de includes/modeles/securite.md ; recopiez-la exactement."),
    (_case_introuvable, "document « qualification-ai-act » : la case « Oui : passez à la suite. » n'est le texte "
                        "d'aucune case « - [ ] » de includes/modeles/qualification-ai-act.md"),
    (_case_ambigue, "document « qualification-ai-act » : plusieurs cases de includes/modeles/qualification-ai-act.md "
                    "ont le texte « Non. » : elle est ambiguë, ne la cochez pas."),
    (_cle_inconnue, "question « dialogue » : clé « label » inconnue"),
    (_typographie, "question « dialogue » : « libelle » : espace ordinaire avant « ? » ; mettez une espace insécable"),
]


def test_the_real_rules_file_passes_the_build_check():
    assert dossier.verifier(_regles_brutes(), ROOT) == []


@pytest.mark.parametrize("erreur, message", ERREURS, ids=[e[0].__name__.strip("_") for e in ERREURS])
def test_each_contributor_mistake_stops_the_build_with_a_french_message(erreur, message):
    donnees = _regles_brutes()
    erreur(donnees)
    problemes = dossier.verifier(donnees, ROOT)
    attendu = f"{dossier.FICHIER} : {message}"
    assert any(p.startswith(attendu) for p in problemes), "\n".join(problemes)


def test_a_broken_rules_file_raises_a_plugin_error_naming_the_file(tmp_path):
    from mkdocs.exceptions import PluginError
    donnees = _regles_brutes()
    _type_inconnu(donnees)
    fichier = ROOT / "includes" / "dossier" / ".essai-casse.yml"
    try:
        fichier.write_text(yaml.safe_dump(donnees, allow_unicode=True), encoding="utf-8")
        with pytest.raises(PluginError, match=r"includes/dossier/\.essai-casse\.yml : question « dialogue » : type"):
            dossier.lire(ROOT, fichier)
    finally:
        fichier.unlink(missing_ok=True)
