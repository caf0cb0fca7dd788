"""Self-assessment quizzes, and the decision path « Quelle approche pour mon besoin ? » (end of file).

Quizzes: the marker `<!-- quiz: comprendre -->` becomes the questions of
includes/quiz/comprendre.yml, with their answer key and the section of the guide to reread.

The data file (French, typography as in the pages):

    questions:
      - id: tokens-francais               # unique in the file
        question: "Pourquoi… ?"
        multiple: false                   # true: several answers may be right (checkboxes)
        voir: fondamentaux/tokens-et-embeddings.md#le-francais-coute-plus-de-tokens
        section: "Le français coûte plus de tokens"
        choix:
          - texte: "…"
            correct: true
            explication: "Pourquoi c'est juste, ou faux."

Without JavaScript, each question shows its answer key in a « Réponse et explications » disclosure;
docs/javascripts/outils/quiz.js adds a « Vérifier » button and says, in a live region, whether the
chosen answers are the key's. Nothing is sent; a verdict is kept in localStorage only if the reader opted
in on the reading-paths page (see the end of this file).

A file with a missing key, a duplicate id, a question whose key is impossible (no right answer, or
several for a single-answer question), or a `voir` link to a page or anchor that does not exist stops
the build with the file's name.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

MARKER = re.compile(r"<!--\s*quiz:\s*([a-z0-9-]+)\s*-->")
DOSSIER = Path("includes/quiz")
CLES_QUESTION = {"id", "question", "choix", "voir", "section"}
CLES_CHOIX = {"texte", "correct", "explication"}

_liens: list[tuple[str, str, str, str]] = []  # (file, « question « id » », target page, anchor), checked after the build
_ancres: dict[str, set[str]] = {}  # page src_uri -> heading ids


def charger(chemin: Path, root: Path, quoi: str, verifier_) -> tuple[str, dict]:
    """The data of a YAML file and its name, or PluginError listing every problem (verifier_(donnees, fichier))."""
    fichier = str(chemin.relative_to(root))
    if not chemin.is_file():
        raise PluginError(f"{fichier} : fichier de {quoi} introuvable.")
    try:
        donnees = yaml.safe_load(chemin.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise PluginError(f"{fichier} : YAML illisible ({err}).") from err
    problemes = verifier_(donnees, fichier)
    if problemes:
        raise PluginError("\n".join(problemes))
    return fichier, donnees


def lire(nom: str, root: Path) -> tuple[str, list[dict]]:
    """The questions of includes/quiz/<nom>.yml, or PluginError listing every problem with the file's name."""
    fichier, donnees = charger(root / DOSSIER / f"{nom}.yml", root, "quiz", verifier)
    return fichier, donnees["questions"]


def _liste(donnees, cle: str) -> list:
    return (donnees.get(cle) if isinstance(donnees, dict) else None) or []


def _identifier(item: dict, i: int, cles: set[str], vus: set, fichier: str, quoi: str) -> tuple[str, list[str]]:
    """An item's id (or « n° i »), with its missing keys and a repeated id as problems; adds the id to vus."""
    ident, problemes = item.get("id", f"n° {i}"), []
    manque = cles - item.keys()
    if manque:
        problemes.append(f"{fichier} : {quoi} « {ident} » : clé(s) manquante(s) : {', '.join(sorted(manque))}.")
    if ident in vus:
        problemes.append(f"{fichier} : l'identifiant de {quoi} « {ident} » apparaît deux fois.")
    vus.add(ident)
    return ident, problemes


def verifier(donnees: dict, fichier: str) -> list[str]:
    questions = _liste(donnees, "questions")
    if not questions:
        return [f"{fichier} : la liste « questions » manque ou est vide."]
    problemes, vus = [], set()
    for i, q in enumerate(questions, 1):
        ident, trouves = _identifier(q, i, CLES_QUESTION, vus, fichier, "question")
        problemes += trouves
        choix = q.get("choix") or []
        for j, c in enumerate(choix, 1):
            manque = CLES_CHOIX - c.keys()
            if manque:
                problemes.append(f"{fichier} : question « {ident} », choix {j} : clé(s) manquante(s) : "
                                 f"{', '.join(sorted(manque))}.")
            elif not isinstance(c["correct"], bool):
                problemes.append(f"{fichier} : question « {ident} », choix {j} : « correct » vaut true ou false.")
        justes = sum(1 for c in choix if c.get("correct") is True)
        if len(choix) < 2:
            problemes.append(f"{fichier} : question « {ident} » : il faut au moins deux choix.")
        elif justes == 0:
            problemes.append(f"{fichier} : question « {ident} » : aucun choix n'est marqué juste.")
        elif justes > 1 and not q.get("multiple"):
            problemes.append(f"{fichier} : question « {ident} » : {justes} choix justes pour une question à réponse "
                             "unique ; ajoutez `multiple: true` ou corrigez la clé.")
        if "voir" in q and "#" not in str(q["voir"]):
            problemes.append(f"{fichier} : question « {ident} » : « voir » doit viser une section (page.md#ancre).")
    return problemes


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def rendre(nom: str, fichier: str, questions: list[dict], page, files) -> str:
    blocs = []
    for n, q in enumerate(questions, 1):
        cible, _, ancre = str(q["voir"]).partition("#")
        fichier_cible = files.get_file_from_path(cible)
        if fichier_cible is None:
            raise PluginError(f"{fichier} : question « {q['id']} » : la page « {cible} » (clé « voir ») n'existe pas "
                              "dans docs/.")
        _liens.append((fichier, f"question « {q['id']} »", cible, ancre))
        href = get_relative_url(fichier_cible.url, page.url) + "#" + ancre
        base = f"quiz-{nom}-{q['id']}"
        multiple = bool(q.get("multiple"))
        entrees = "".join(
            f'<p class="kallm-choix"><input type="{"checkbox" if multiple else "radio"}" name="{base}" '
            f'id="{base}-{j}" value="{j}" data-correct="{str(c["correct"]).lower()}">'
            f'<label for="{base}-{j}">{_e(c["texte"])}</label></p>\n'
            for j, c in enumerate(q["choix"], 1))
        cle = "".join(f'<li><strong>{"Juste" if c["correct"] else "Faux"}</strong> : {_e(c["texte"])} — '
                      f'<span data-explication="{j}">{_e(c["explication"])}</span></li>'
                      for j, c in enumerate(q["choix"], 1))
        consigne = "Plusieurs réponses possibles." if multiple else "Une seule réponse."
        blocs.append(
            f'<fieldset class="kallm-question" id="{base}" data-question="{_e(q["id"])}">\n'
            f'<legend>Question {n} : {_e(q["question"])}</legend>\n'
            f'<p class="kallm-consigne">{consigne}</p>\n{entrees}'
            f'<p class="kallm-verifier" hidden><button type="button" class="kallm-bouton">Vérifier ma réponse'
            f'<span class="kallm-masque"> à la question {n}</span></button></p>\n'
            f'<div class="kallm-retour" role="status" aria-live="polite"></div>\n'
            f'<details class="kallm-cle"><summary>Réponse et explications (question {n})</summary><ul>{cle}</ul>'
            f'<p>Pour relire : <a href="{_e(href)}" data-relire>{_e(q["section"])}</a></p></details>\n'
            f'</fieldset>')
    return f'<div class="kallm-quiz" data-quiz="{nom}">\n' + "\n".join(blocs) + "\n</div>"


def on_pre_build(config):
    _liens.clear()
    _ancres.clear()


def _ids(items) -> set[str]:
    found = set()
    for item in items:
        found.add(item.id)
        found |= _ids(item.children)
    return found


def on_page_content(content: str, page, config, files) -> str:
    _ancres[page.file.src_uri] = _ids(page.toc.items) if page.toc else set()
    root = Path(config.config_file_path).resolve().parent
    quiz = []

    def remplacer(match):
        fichier, questions = lire(match.group(1), root)
        quiz.append(match.group(1))
        return rendre(match.group(1), fichier, questions, page, files)

    content = MARKER.sub(remplacer, content)
    if quiz:
        page.meta.setdefault("outils", []).append("quiz")  # overrides/main.html loads quiz.js
    parcours = []

    def remplacer_parcours(match):
        parcours.append(match.group(1))
        return rendre_parcours(match.group(1), root, page, files)

    content = MARKER_PARCOURS.sub(remplacer_parcours, content)
    if parcours:
        page.meta.setdefault("outils", []).append("parcours")
    return remplacer_lecture(content, page, config, files)


def on_post_build(config):
    problemes = [f"{fichier} : {ident} : la section « #{ancre} » n'existe pas dans {cible} ; "
                 "corrigez l'ancre de « voir » (elle se lit dans l'adresse du lien permanent du titre)."
                 for fichier, ident, cible, ancre in _liens if ancre not in _ancres.get(cible, set())]
    if problemes:
        raise PluginError("\n".join(problemes))


# ---- « Quelle approche pour mon besoin ? »: a decision path, same checks, same link verification ------
#
# includes/parcours/<nom>.yml, marker `<!-- parcours: <nom> -->`:
#
#     debut: regle
#     etapes:
#       - id: regle                      # a question: its answers lead to another step
#         question: "…"
#         explication: "…"
#         choix:
#           - {texte: "Oui", suite: pas-de-llm}
#       - id: pas-de-llm                 # a result: what to do, and the section that explains it
#         resultat: "…"
#         explication: "…"
#         voir: demarrer/ai-je-besoin-d-un-llm.md#quelle-solution-minimale-pour-quelle-tache
#         section: "…"
#
# Every step must be reachable from `debut`, every answer must lead to a step, and no path may loop.

MARKER_PARCOURS = re.compile(r"<!--\s*parcours:\s*([a-z0-9-]+)\s*-->")
DOSSIER_PARCOURS = Path("includes/parcours")


def verifier_parcours(donnees: dict, fichier: str) -> list[str]:
    etapes = donnees.get("etapes") if isinstance(donnees, dict) else None
    if not etapes:
        return [f"{fichier} : la liste « etapes » manque ou est vide."]
    problemes, par_id = [], {}
    for i, e in enumerate(etapes, 1):
        ident = e.get("id", f"n° {i}")
        if ident in par_id:
            problemes.append(f"{fichier} : l'identifiant d'étape « {ident} » apparaît deux fois.")
        par_id[ident] = e
        attendues = {"id", "question", "explication", "choix"} if "question" in e else \
            {"id", "resultat", "explication", "voir", "section"}
        manque = attendues - e.keys()
        if manque:
            problemes.append(f"{fichier} : étape « {ident} » : clé(s) manquante(s) : {', '.join(sorted(manque))}.")
        for c in e.get("choix") or []:
            if c.get("suite") not in {x.get("id") for x in etapes}:
                problemes.append(f"{fichier} : étape « {ident} » : la réponse « {c.get('texte')} » mène à "
                                 f"« {c.get('suite')} », qui n'est pas une étape.")
        if "voir" in e and "#" not in str(e["voir"]):
            problemes.append(f"{fichier} : étape « {ident} » : « voir » doit viser une section (page.md#ancre).")
    debut = donnees.get("debut")
    if debut not in par_id:
        return problemes + [f"{fichier} : « debut » ({debut}) n'est pas une étape."]
    vues: set[str] = set()

    def parcourir(ident: str, chemin: tuple[str, ...]):
        if ident in chemin:
            problemes.append(f"{fichier} : le parcours boucle : {' → '.join(chemin + (ident,))}.")
            return
        vues.add(ident)
        for c in par_id.get(ident, {}).get("choix") or []:
            if c.get("suite") in par_id:
                parcourir(c["suite"], chemin + (ident,))

    parcourir(debut, ())
    problemes += [f"{fichier} : l'étape « {ident} » n'est atteinte par aucune réponse." for ident in par_id if ident not in vues]
    return problemes


def rendre_parcours(nom: str, root: Path, page, files) -> str:
    fichier, donnees = charger(root / DOSSIER_PARCOURS / f"{nom}.yml", root, "parcours", verifier_parcours)
    base, blocs, resultats = f"parcours-{nom}", [], []
    for e in donnees["etapes"]:
        if "question" in e:
            entrees = "".join(
                f'<p class="kallm-choix"><input type="radio" name="{base}-{e["id"]}" id="{base}-{e["id"]}-{j}" '
                f'value="{_e(c["suite"])}"><label for="{base}-{e["id"]}-{j}">{_e(c["texte"])}</label></p>\n'
                for j, c in enumerate(e["choix"], 1))
            cache = "" if e["id"] == donnees["debut"] else " hidden"
            blocs.append(f'<fieldset class="kallm-question" id="{base}-{e["id"]}" data-etape="{_e(e["id"])}"{cache}>\n'
                         f'<legend>{_e(e["question"])}</legend>\n<p class="kallm-consigne">{_e(e["explication"])}</p>\n'
                         f'{entrees}</fieldset>')
        else:
            cible, _, ancre = str(e["voir"]).partition("#")
            fichier_cible = files.get_file_from_path(cible)
            if fichier_cible is None:
                raise PluginError(f"{fichier} : étape « {e['id']} » : la page « {cible} » (clé « voir ») n'existe pas "
                                  "dans docs/.")
            _liens.append((fichier, f"étape « {e['id']} »", cible, ancre))
            href = get_relative_url(fichier_cible.url, page.url) + "#" + ancre
            resultats.append(f'<div data-resultat-de="{_e(e["id"])}" hidden><p><strong>{_e(e["resultat"])}</strong></p>'
                             f'<p>{_e(e["explication"])}</p>'
                             f'<p>Pour en savoir plus\u202f: <a href="{_e(href)}">{_e(e["section"])}</a></p></div>')
    return (f'<div class="kallm-outil kallm-parcours" data-parcours="{nom}" data-debut="{_e(donnees["debut"])}" hidden>\n'
            + "\n".join(blocs)
            + f'\n<h4 id="{base}-titre">Votre approche</h4>\n'
            f'<div class="kallm-resultat" data-resultat role="status" aria-live="polite" aria-labelledby="{base}-titre"></div>\n'
            + "\n".join(resultats) + "\n</div>")


# ---- Reading paths « maîtrise de l'IA » (AI Act, article 4): ordered pages and quizzes, by role -----------
#
# includes/parcours/<nom>.yml (see includes/parcours/article-4.yml for the keys):
#
#     roles:
#       - id: agent
#         nom: "Agent utilisateur ou utilisatrice"
#         pour: "…"
#         etapes:
#           - {page: demarrer/usage-quotidien.md, minutes: 11}
#           - {page: quiz/comprendre.md, minutes: 10, quiz: comprendre}   # the page shows that quiz
#
# `<!-- parcours-lecture: article-4 agent -->` becomes the role's ordered list of steps (links, minutes,
# total), each with a « fait » checkbox that docs/javascripts/outils/attestation.js shows;
# `<!-- attestation: article-4 -->` becomes the attestation form that this script fills in the browser.
# A step whose page, anchor or quiz does not exist stops the build with the file's name; anchors are
# checked after the build, with the quizzes' « voir » links (_liens).

MARKER_LECTURE = re.compile(r"<!--\s*parcours-lecture:\s*([a-z0-9-]+)\s+([a-z0-9-]+)\s*-->")
MARKER_ATTESTATION = re.compile(r"<!--\s*attestation:\s*([a-z0-9-]+)\s*-->")
CLES_ROLE = {"id", "nom", "pour", "etapes"}
CLES_ETAPE = {"page", "minutes"}


def verifier_lecture(donnees: dict, fichier: str, docs: Path, root: Path) -> list[str]:
    """Every problem of a reading-path file, each with the file's name; docs is the docs/ folder."""
    roles, problemes, vus = _liste(donnees, "roles"), [], set()
    if not roles:
        return [f"{fichier} : la liste « roles » manque ou est vide."]
    for i, role in enumerate(roles, 1):
        ident, trouves = _identifier(role, i, CLES_ROLE, vus, fichier, "rôle")
        problemes += trouves
        for n, etape in enumerate(role.get("etapes") or [], 1):
            ou = f"{fichier} : rôle « {ident} », étape {n}"
            manque = CLES_ETAPE - etape.keys()
            if manque:
                problemes.append(f"{ou} : clé(s) manquante(s) : {', '.join(sorted(manque))}.")
                continue
            if not isinstance(etape["minutes"], int) or etape["minutes"] <= 0:
                problemes.append(f"{ou} : « minutes » doit être un nombre entier positif.")
            cible = str(etape["page"]).partition("#")[0]
            if not (docs / cible).is_file():
                problemes.append(f"{ou} : la page « {cible} » n'existe pas dans docs/.")
            elif "quiz" in etape:
                if not (root / DOSSIER / f"{etape['quiz']}.yml").is_file():
                    problemes.append(f"{ou} : le quiz « {etape['quiz']} » n'existe pas dans {DOSSIER}/.")
                elif not any(m == etape["quiz"] for m in MARKER.findall((docs / cible).read_text(encoding="utf-8"))):
                    problemes.append(f"{ou} : la page « {cible} » n'affiche pas le quiz « {etape['quiz']} ».")
    return problemes


def lire_lecture(nom: str, root: Path, docs: Path) -> tuple[str, list[dict]]:
    fichier, donnees = charger(root / DOSSIER_PARCOURS / f"{nom}.yml", root, "parcours de lecture",
                               lambda d, f: verifier_lecture(d, f, docs, root))
    return fichier, donnees["roles"]


def duree(minutes: int) -> str:
    """« 45 min », « 1 h », « 1 h 05 »."""
    heures, reste = divmod(minutes, 60)
    if not heures:
        return f"{reste}\u00a0min"
    return f"{heures}\u00a0h" + (f"\u00a0{reste:02d}" if reste else "")


def _titre(docs: Path, cible: str) -> str:
    texte = (docs / cible).read_text(encoding="utf-8")
    if texte.startswith("---"):
        entete = yaml.safe_load(texte.split("---", 2)[1]) or {}
        if entete.get("title"):
            return str(entete["title"])
    return cible


def rendre_lecture(nom: str, ident: str, fichier: str, roles: list[dict], root: Path, docs: Path, page, files) -> str:
    role = next((r for r in roles if r["id"] == ident), None)
    if role is None:
        raise PluginError(f"{fichier} : le rôle « {ident} » (marqueur de {page.file.src_uri}) n'existe pas ; "
                          f"rôles : {', '.join(r['id'] for r in roles)}.")
    items = []
    for n, etape in enumerate(role["etapes"], 1):
        cible, _, ancre = str(etape["page"]).partition("#")
        href = get_relative_url(files.get_file_from_path(cible).url, page.url) + (f"#{ancre}" if ancre else "")
        if ancre:
            _liens.append((fichier, f"rôle « {ident} », étape {n}", cible, ancre))
        titre = _titre(docs, cible)
        attributs = f' data-minutes="{etape["minutes"]}"'
        detail = duree(etape["minutes"])
        if "quiz" in etape:
            _, questions = lire(etape["quiz"], root)
            attributs += f' data-quiz="{_e(etape["quiz"])}" data-questions="{len(questions)}"'
            detail += f", quiz de {len(questions)}\u00a0questions"
        base = f"lecture-{nom}-{ident}-{n}"
        items.append(f'<li data-etape="{n}"{attributs}><a href="{_e(href)}" data-titre>{_e(titre)}</a> '
                     f'<span class="kallm-duree">({detail})</span>'
                     f'<span class="kallm-fait" hidden> <input type="checkbox" id="{base}" data-fait="{_e(etape["page"])}">'
                     f'<label for="{base}">Fait<span class="kallm-masque">\u00a0: {_e(titre)}</span></label></span></li>')
    total = sum(e["minutes"] for e in role["etapes"])
    return (f'<p>{_e(role["pour"])} Durée estimée\u00a0: {duree(total)}.</p>\n'
            f'<ol class="kallm-lecture" data-parcours-lecture="{nom}" data-role="{_e(ident)}" '
            f'data-nom="{_e(role["nom"])}">\n' + "\n".join(items) + "\n</ol>")


def rendre_attestation(nom: str, roles: list[dict]) -> str:
    base = f"attestation-{nom}"
    options = "".join(f'<option value="{_e(r["id"])}">{_e(r["nom"])}</option>' for r in roles)
    return (
        f'<div class="kallm-outil kallm-attestation" data-attestation="{nom}" hidden>\n'
        f'<fieldset><legend>Garder ma progression (facultatif)</legend>\n'
        f'<p class="kallm-choix"><input type="checkbox" id="{base}-memoriser" data-memoriser>'
        f'<label for="{base}-memoriser">Garder mes cases cochées et mes résultats aux quiz dans ce navigateur '
        f'(stockage local de cet appareil\u202f; rien n\'est envoyé)</label></p>\n'
        f'<p><button type="button" class="kallm-bouton" data-effacer>Effacer ma progression enregistrée</button></p>\n'
        f'<p role="status" aria-live="polite" data-etat-stockage></p></fieldset>\n'
        f'<fieldset><legend>Préparer l\'attestation</legend>\n'
        f'<p class="kallm-champ"><label for="{base}-role">Parcours suivi</label>'
        f'<select id="{base}-role" data-role-choisi>{options}</select></p>\n'
        f'<p class="kallm-champ"><label for="{base}-nom">Votre nom (facultatif\u202f; il reste dans cette page)</label>'
        f'<input type="text" id="{base}-nom" data-nom-lecteur autocomplete="name"></p>\n'
        f'<p><button type="button" class="kallm-bouton" data-preparer>Préparer l\'attestation</button></p></fieldset>\n'
        f'<section class="kallm-attestation-texte" data-texte aria-labelledby="{base}-titre" hidden>\n'
        f'<h3 id="{base}-titre">Attestation de parcours de lecture</h3>\n<div data-contenu></div>\n'
        f'<p><button type="button" class="kallm-bouton" data-imprimer>Enregistrer en PDF ou imprimer</button></p>\n'
        f'</section>\n</div>')


def remplacer_lecture(content: str, page, config, files) -> str:
    """The reading-path and attestation markers of a page; called by on_page_content."""
    if not (MARKER_LECTURE.search(content) or MARKER_ATTESTATION.search(content)):
        return content
    root = Path(config.config_file_path).resolve().parent
    docs = Path(config.docs_dir).resolve()

    def role(match):
        fichier, roles = lire_lecture(match.group(1), root, docs)
        return rendre_lecture(match.group(1), match.group(2), fichier, roles, root, docs, page, files)

    def attestation(match):
        _, roles = lire_lecture(match.group(1), root, docs)
        return rendre_attestation(match.group(1), roles)

    content = MARKER_LECTURE.sub(role, content)
    content = MARKER_ATTESTATION.sub(attestation, content)
    page.meta.setdefault("outils", []).append("attestation")
    return content
