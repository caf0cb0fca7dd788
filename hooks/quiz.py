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
chosen answers are the key's. Nothing is stored or sent.

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


def lire(nom: str, root: Path) -> tuple[str, list[dict]]:
    """The questions of includes/quiz/<nom>.yml, or PluginError listing every problem with the file's name."""
    chemin = root / DOSSIER / f"{nom}.yml"
    fichier = str(chemin.relative_to(root))
    if not chemin.is_file():
        raise PluginError(f"{fichier} : fichier de quiz introuvable.")
    try:
        donnees = yaml.safe_load(chemin.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise PluginError(f"{fichier} : YAML illisible ({err}).") from err
    problemes = verifier(donnees, fichier)
    if problemes:
        raise PluginError("\n".join(problemes))
    return fichier, donnees["questions"]


def verifier(donnees: dict, fichier: str) -> list[str]:
    questions = donnees.get("questions") if isinstance(donnees, dict) else None
    if not questions:
        return [f"{fichier} : la liste « questions » manque ou est vide."]
    problemes, vus = [], set()
    for i, q in enumerate(questions, 1):
        ident = q.get("id", f"n° {i}")
        manque = CLES_QUESTION - q.keys()
        if manque:
            problemes.append(f"{fichier} : question « {ident} » : clé(s) manquante(s) : {', '.join(sorted(manque))}.")
        if ident in vus:
            problemes.append(f"{fichier} : l'identifiant de question « {ident} » apparaît deux fois.")
        vus.add(ident)
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
    return content


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
    chemin = root / DOSSIER_PARCOURS / f"{nom}.yml"
    fichier = str(chemin.relative_to(root))
    if not chemin.is_file():
        raise PluginError(f"{fichier} : fichier de parcours introuvable.")
    try:
        donnees = yaml.safe_load(chemin.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise PluginError(f"{fichier} : YAML illisible ({err}).") from err
    problemes = verifier_parcours(donnees, fichier)
    if problemes:
        raise PluginError("\n".join(problemes))
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
