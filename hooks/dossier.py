"""« Le dossier du projet »: the rules file includes/dossier/questionnaire.yml, checked and published as JSON.

The rules (questions, conclusions, contradictions, how each Boîte à outils template is pre-filled) live in
that one YAML file; its shape is described in includes/dossier/LISEZMOI.md. Its conditions are JSON Logic,
evaluated in the reader's browser (and under node by the tests) by docs/javascripts/outils/dossier-regles.js.

This hook stops the build, with French messages that name the file, the question, conclusion or template and
say what to do, on: an unknown key or type, a duplicate id, a condition that reads an unknown question (or,
for a question, one asked after it), an operator outside the short list below, a value compared with a
question that it cannot take (a misspelt option), an obligation id missing from includes/obligations.yml, a
`chapitre` whose page or section does not exist, a template missing from includes/modeles/, a `rubrique`
(first cell of a table row) or `case` (text of a `- [ ]` item) not found in the template, and a text shown to
the reader without the pages' French typography (scripts/typographie.py: non-breaking space before : ; ! ?).

Then it publishes the rules at boite-a-outils/dossier-du-projet/questionnaire.json, next to the page that reads
them (docs/boite-a-outils/dossier-du-projet.md; a site without that page gets neither check nor file), with each conclusion's obligations resolved from includes/obligations.yml (article, text, date of
application as amended, in ISO and in French) and each `chapitre` as a URL relative to that folder.
"""
from __future__ import annotations

import json
import posixpath
import re
import sys
import unicodedata
from pathlib import Path

import obligations as obligations_hook
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from quiz import charger


def _fix_prose(texte: str):
    """The pages' French typography rule (scripts/typographie.py), imported when the rules are checked."""
    scripts = str(Path(__file__).resolve().parent.parent / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    from typographie import _fix_prose as corriger
    return corriger(texte)

FICHIER = Path("includes/dossier/questionnaire.yml")
MODELES = Path("includes/modeles")
PUBLIE = "boite-a-outils/dossier-du-projet/questionnaire.json"
TYPES = {"texte", "oui-non", "choix", "choix-multiple"}
NIVEAUX = {"arret", "obligation", "information"}
OUI_NON = ["oui", "non", "ne-sais-pas"]
OPERATEURS = {"var", "==", "!=", "===", "!==", "!", "!!", "and", "or", "if", "in", "<", "<=", ">", ">=",
              "+", "-", "cat", "missing"}
CLES_RACINE = {"format", "formats_acceptes", "sections", "definitions", "conclusions", "incoherences", "documents"}
CLES_SECTION = {"id", "titre", "questions"}
CLES_QUESTION = {"id", "type", "libelle", "aide", "article", "chapitre", "options", "si"}
CLES_CONCLUSION = {"id", "titre", "niveau", "si", "texte", "article", "obligations", "chapitre", "documents"}
CLES_INCOHERENCE = {"id", "si", "message"}
ID_QUESTION = re.compile(r"[a-z0-9_]+")
ID_AUTRE = re.compile(r"[a-z0-9][a-z0-9-]*")
SNIPPET = re.compile(r'^--8<--\s+"([^"]+)"\s*$', re.M)
TITRE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$", re.M)
CASE = re.compile(r"^\s*- \[ \] (.*?)\s*$", re.M)


# ---- The pages and templates the rules point to --------------------------------------------------------

def _slug(titre: str) -> str:
    """The id Python-Markdown's toc gives a heading (its default slugify, as mkdocs.yml leaves it)."""
    explicite = re.search(r"\{[^}]*#([\w-]+)[^}]*\}\s*$", titre)
    if explicite:
        return explicite.group(1)
    texte = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", titre)          # [texte](lien) -> texte
    texte = re.sub(r"<[^>]+>", "", texte).replace("`", "").replace("*", "")
    texte = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode("ascii")
    texte = re.sub(r"[^\w\s-]", "", texte).strip().lower()
    return re.sub(r"[-\s]+", "-", texte)


def _texte_avec_extraits(root: Path, chemin: Path) -> str:
    """A page's Markdown with its `--8<-- "…"` snippets (includes/ first, as mkdocs.yml says) in place."""
    def extrait(match):
        for base in (root / "includes", root):
            cible = base / match.group(1)
            if cible.is_file():
                return cible.read_text(encoding="utf-8")
        return ""
    return SNIPPET.sub(extrait, chemin.read_text(encoding="utf-8"))


def ancres(root: Path, page: str) -> set[str] | None:
    """The heading ids of docs/<page> (with its snippets), or None if the page does not exist."""
    chemin = root / "docs" / page
    if not chemin.is_file():
        return None
    texte = re.sub(r"^(```|~~~).*?^\1", "", _texte_avec_extraits(root, chemin), flags=re.M | re.S)
    return {_slug(m.group(2)) for m in TITRE.finditer(texte)}


def _modele(root: Path, nom: str) -> str | None:
    chemin = root / MODELES / f"{nom}.md"
    return chemin.read_text(encoding="utf-8") if chemin.is_file() else None


def _rubriques(modele: str) -> list[str]:
    """The first cells of the template's table rows, in order (a repeated one is ambiguous)."""
    return [ligne.strip("|").split("|")[0].strip() for ligne in modele.splitlines()
            if ligne.startswith("|") and not re.fullmatch(r"[|\s:-]+", ligne)]


def _cases(modele: str) -> list[str]:
    return [m.group(1) for m in CASE.finditer(modele)]


# ---- Conditions -----------------------------------------------------------------------------------------

def _variables(logique) -> list[str]:
    """The question ids a JSON Logic expression reads ({"var": "id"}, {"var": ["id", défaut]}, "id.length")."""
    trouvees = []
    if isinstance(logique, dict):
        for op, args in logique.items():
            if op == "var":
                nom = args[0] if isinstance(args, list) and args else args
                if isinstance(nom, str):
                    trouvees.append(nom.split(".")[0])
            else:
                trouvees += _variables(args)
    elif isinstance(logique, list):
        for x in logique:
            trouvees += _variables(x)
    return trouvees


def _verifier_logique(logique, ou: str, permises: dict[str, dict], toutes: dict[str, dict]) -> list[str]:
    """Problems of a condition: operator, variable (must be in `permises`), compared values."""
    problemes = []

    def valeurs_permises(q):
        if q["type"] == "oui-non":
            return OUI_NON
        if q["type"] in ("choix", "choix-multiple"):
            return [o.get("valeur") for o in q.get("options") or [] if isinstance(o, dict)]
        return None

    def var_de(x):
        if isinstance(x, dict) and list(x) == ["var"]:
            nom = x["var"][0] if isinstance(x["var"], list) and x["var"] else x["var"]
            if isinstance(nom, str) and "." not in nom:
                return nom
        return None

    def comparer(nom, litteraux):
        q = toutes.get(nom)
        if q is None:
            return
        permis = valeurs_permises(q)
        if permis is None:
            return
        for v in litteraux:
            if isinstance(v, str) and v not in permis:
                problemes.append(f"{ou} : la condition compare la question « {nom} » à « {v} », qui n'est pas une de "
                                 f"ses valeurs ({', '.join(permis)}) ; corrigez la valeur.")

    def parcourir(x):
        if isinstance(x, list):
            for y in x:
                parcourir(y)
            return
        if not isinstance(x, dict):
            return
        if len(x) != 1:
            problemes.append(f"{ou} : une condition JSON Logic est un dictionnaire à une seule clé (l'opérateur) ; "
                             f"trouvé {sorted(x)}.")
            return
        op, args = next(iter(x.items()))
        if op not in OPERATEURS:
            problemes.append(f"{ou} : opérateur JSON Logic « {op} » inconnu ou non permis ; opérateurs permis : "
                             f"{', '.join(sorted(OPERATEURS))}.")
            return
        if op == "var":
            nom = args[0] if isinstance(args, list) and args else args
            if not isinstance(nom, str) or not nom:
                problemes.append(f"{ou} : « var » doit nommer une question.")
            else:
                ident, _, reste = nom.partition(".")
                if ident not in permises:
                    if ident in toutes:
                        problemes.append(f"{ou} : la condition lit la question « {ident} », posée après : une "
                                         "question ne peut dépendre que des questions qui la précèdent.")
                    else:
                        problemes.append(f"{ou} : la condition lit « {ident} », qui n'est l'id d'aucune question ; "
                                         "corrigez le nom ou ajoutez la question.")
                elif reste and reste != "length":
                    problemes.append(f"{ou} : « {nom} » : seul « .length » peut suivre l'id d'une question.")
            return
        liste = args if isinstance(args, list) else [args]
        if op in ("==", "!=", "===", "!==") and len(liste) == 2:
            for a, b in (liste, liste[::-1]):
                if var_de(a):
                    comparer(var_de(a), [b])
        if op == "in" and len(liste) == 2:
            element, ensemble = liste
            if var_de(ensemble):
                comparer(var_de(ensemble), [element])
            if var_de(element) and isinstance(ensemble, list):
                comparer(var_de(element), ensemble)
        parcourir(liste)

    parcourir(logique)
    return problemes


# ---- The whole file -------------------------------------------------------------------------------------


def _une_seule_fois(texte: str, trouves: list[str], absent: str, ambigu: str) -> list[str]:
    """A rubric or box of a template must be there exactly once: else the message that says which."""
    if texte not in trouves:
        return [absent]
    return [ambigu] if trouves.count(texte) > 1 else []


def verifier(donnees, root: Path, fichier: str = str(FICHIER)) -> list[str]:
    """Every problem of the rules file, each naming the file and the item, in French."""
    f = fichier
    if not isinstance(donnees, dict):
        return [f"{f} : le fichier doit être un dictionnaire (format, sections, conclusions…)."]
    problemes = []
    inconnues = set(donnees) - CLES_RACINE
    if inconnues:
        problemes.append(f"{f} : clé(s) inconnue(s) à la racine : {', '.join(sorted(inconnues))} ; clés permises : "
                         f"{', '.join(sorted(CLES_RACINE))}.")
    fmt, acceptes = donnees.get("format"), donnees.get("formats_acceptes")
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 1:
        problemes.append(f"{f} : « format » doit être un entier (1, 2…), la version du fichier de réponses.")
    if not isinstance(acceptes, list) or fmt not in acceptes:
        problemes.append(f"{f} : « formats_acceptes » doit être une liste qui contient le format courant.")

    def cles(item, permises, ou, requises):
        for cle in sorted(set(item) - permises):
            problemes.append(f"{ou} : clé « {cle} » inconnue ; clés permises : {', '.join(sorted(permises))}.")
        for cle in sorted(requises - set(item)):
            problemes.append(f"{ou} : clé « {cle} » manquante.")
        for cle in sorted(requises & {"titre", "libelle", "texte", "message"}):
            if cle in item and not (isinstance(item[cle], str) and item[cle].strip()):
                problemes.append(f"{ou} : « {cle} » doit être un texte non vide.")
        for cle in ("titre", "libelle", "aide", "texte", "message"):
            if isinstance(item.get(cle), str):
                trouves = _fix_prose(item[cle])[1]
                if trouves:
                    problemes.append(f"{ou} : « {cle} » : espace ordinaire {trouves[0]} ; mettez une espace insécable "
                                     f"(ou lancez `python scripts/typographie.py --fix {f}`).")

    def chapitre(item, ou):
        if "chapitre" not in item:
            return
        cible, _, ancre = str(item["chapitre"]).partition("#")
        trouvees = ancres(root, cible) if cible.endswith(".md") else None
        if trouvees is None:
            problemes.append(f"{ou} : la page « {cible} » de « chapitre » n'existe pas dans docs/ ; écrivez "
                             "le chemin d'une page du guide, par exemple ethique/cadre-juridique.md#le-calendrier.")
        elif not ancre:
            problemes.append(f"{ou} : « chapitre » doit viser une section (page.md#ancre).")
        elif ancre not in trouvees:
            problemes.append(f"{ou} : la section « #{ancre} » n'existe pas dans {cible} ; corrigez l'ancre (elle se "
                             "lit dans l'adresse du lien permanent du titre).")

    def elements(liste, quoi, decrit, permises, requises, vus):
        """Each item that is a dictionary, with its place (« fichier : question « id » »), its keys checked and
        a repeated id reported."""
        for i, item in enumerate(liste, 1):
            if not isinstance(item, dict):
                problemes.append(f"{f} : {quoi} n° {i} : un élément de ce genre est un dictionnaire ({decrit}).")
                continue
            ou = f"{f} : {quoi} « {item.get('id', i)} »"
            cles(item, permises, ou, requises)
            if item.get("id") in vus:
                problemes.append(f"{ou} : id en double ; chaque id est unique.")
            vus.add(item.get("id"))
            yield item, ou

    # Questions
    sections = donnees.get("sections")
    if not isinstance(sections, list) or not sections:
        problemes.append(f"{f} : « sections » doit être une liste non vide.")
        sections = []
    questions: dict[str, dict] = {}
    vues_questions: set = set()
    for section, _ in elements(sections, "section", "id, titre, questions", CLES_SECTION, CLES_SECTION, set()):
        for q, ou in elements(section.get("questions") or [], "question", "id, type, libelle…", CLES_QUESTION,
                              {"id", "type", "libelle"}, vues_questions):
            if not isinstance(q.get("id"), str) or not ID_QUESTION.fullmatch(q["id"]):
                problemes.append(f"{ou} : l'id s'écrit en minuscules, chiffres et « _ » (il sert de nom de "
                                 "variable dans les conditions).")
            if q.get("type") not in TYPES:
                problemes.append(f"{ou} : type « {q.get('type')} » inconnu ; types permis : "
                                 f"{', '.join(sorted(TYPES))}.")
            options = q.get("options")
            if q.get("type") in ("choix", "choix-multiple"):
                if not isinstance(options, list) or len(options) < 2:
                    problemes.append(f"{ou} : un « {q['type']} » demande au moins deux « options » "
                                     "({valeur, libelle}).")
                else:
                    valeurs = [o.get("valeur") if isinstance(o, dict) else None for o in options]
                    for o in options:
                        if not (isinstance(o, dict) and set(o) == {"valeur", "libelle"}
                                and isinstance(o["valeur"], str) and ID_AUTRE.fullmatch(o["valeur"])
                                and isinstance(o["libelle"], str) and o["libelle"].strip()):
                            problemes.append(f"{ou} : chaque option s'écrit {{valeur: minuscules-et-tirets, "
                                             f"libelle: \"texte\"}} ; trouvé {o!r}.")
                    for o in options:
                        if isinstance(o, dict) and isinstance(o.get("libelle"), str) and _fix_prose(o["libelle"])[1]:
                            problemes.append(f"{ou} : option « {o.get('valeur')} » : espace ordinaire "
                                             f"{_fix_prose(o['libelle'])[1][0]} ; mettez une espace insécable (ou lancez "
                                             f"`python scripts/typographie.py --fix {f}`).")
                    if len(set(map(str, valeurs))) != len(valeurs):
                        problemes.append(f"{ou} : deux options ont la même valeur.")
            elif options is not None:
                problemes.append(f"{ou} : seules les questions « choix » et « choix-multiple » ont des « options » "
                                 "(« oui-non » a toujours oui, non, ne-sais-pas).")
            if "si" in q:
                problemes += _verifier_logique(q["si"], ou, dict(questions), _toutes(sections))
            chapitre(q, ou)
            if isinstance(q.get("id"), str):
                questions.setdefault(q["id"], q)

    # Conclusions
    try:
        ids_obligations = set(obligations_hook.lire(root))
    except PluginError as err:
        problemes.append(f"{f} : includes/obligations.yml est illisible, les obligations ne peuvent être vérifiées "
                         f"({err}).")
        ids_obligations = None
    documents_cites: dict[str, str] = {}
    conclusions = donnees.get("conclusions")
    if not isinstance(conclusions, list) or not conclusions:
        problemes.append(f"{f} : « conclusions » doit être une liste non vide.")
        conclusions = []
    for c, ou in elements(conclusions, "conclusion", "id, titre, niveau, texte…", CLES_CONCLUSION,
                          {"id", "titre", "niveau", "texte"}, set()):
        if not isinstance(c.get("id"), str) or not ID_AUTRE.fullmatch(c["id"]):
            problemes.append(f"{ou} : l'id s'écrit en minuscules, chiffres et tirets.")
        if c.get("niveau") not in NIVEAUX:
            problemes.append(f"{ou} : niveau « {c.get('niveau')} » inconnu ; niveaux permis : "
                             f"{', '.join(sorted(NIVEAUX))}.")
        if "si" in c:
            problemes += _verifier_logique(c["si"], ou, questions, questions)
        for ident in c.get("obligations") or []:
            if ids_obligations is not None and ident not in ids_obligations:
                problemes.append(f"{ou} : l'obligation « {ident} » n'est pas une ligne de includes/obligations.yml ; "
                                 f"ids connus : {', '.join(sorted(ids_obligations))}.")
        for nom in c.get("documents") or []:
            if _modele(root, nom) is None:
                problemes.append(f"{ou} : le modèle « {nom} » n'existe pas ({MODELES}/{nom}.md) ; écrivez le nom "
                                 "d'un fichier de ce dossier, sans « .md ».")
            documents_cites.setdefault(nom, ou)
        chapitre(c, ou)

    # Contradictions
    for inc, ou in elements(donnees.get("incoherences") or [], "incohérence", "id, si, message", CLES_INCOHERENCE,
                            CLES_INCOHERENCE, set()):
        if "si" in inc:
            problemes += _verifier_logique(inc["si"], ou, questions, questions)

    # Pre-filling
    documents = donnees.get("documents") or {}
    if not isinstance(documents, dict):
        problemes.append(f"{f} : « documents » est un dictionnaire : nom du modèle → {{remplir: [...]}}.")
        documents = {}
    for nom, ou_cite in documents_cites.items():
        if nom not in documents and _modele(root, nom) is not None:
            problemes.append(f"{ou_cite} : le modèle « {nom} » n'a pas d'entrée sous « documents » ; ajoutez-la "
                             "(au besoin « remplir: [] »).")
    for nom, regle in documents.items():
        ou = f"{f} : document « {nom} »"
        modele = _modele(root, nom)
        if modele is None:
            problemes.append(f"{ou} : le modèle {MODELES}/{nom}.md n'existe pas ; écrivez le nom d'un fichier de ce "
                             "dossier, sans « .md ».")
            continue
        if not isinstance(regle, dict) or set(regle) != {"remplir"} or not isinstance(regle["remplir"], list):
            problemes.append(f"{ou} : s'écrit {{remplir: [...]}} (une liste, éventuellement vide).")
            continue
        rubriques, cases = _rubriques(modele), _cases(modele)
        for item in regle["remplir"]:
            if isinstance(item, dict) and set(item) == {"rubrique", "valeur"}:
                r = item["rubrique"]
                problemes += _une_seule_fois(r, rubriques, (
                    f"{ou} : la rubrique « {r} » n'est la première cellule d'aucune ligne de tableau de "
                    f"{MODELES}/{nom}.md ; recopiez-la exactement."), (
                    f"{ou} : la rubrique « {r} » ouvre plusieurs lignes de {MODELES}/{nom}.md : elle est ambiguë, "
                    "ne la pré-remplissez pas."))
                problemes += _verifier_logique(item["valeur"], f"{ou}, rubrique « {r} »", questions, questions)
            elif isinstance(item, dict) and set(item) == {"case", "si"}:
                c = item["case"]
                problemes += _une_seule_fois(c, cases, (
                    f"{ou} : la case « {c} » n'est le texte d'aucune case « - [ ] » de {MODELES}/{nom}.md ; "
                    "recopiez-le exactement."), (
                    f"{ou} : plusieurs cases de {MODELES}/{nom}.md ont le texte « {c} » : elle est ambiguë, "
                    "ne la cochez pas."))
                problemes += _verifier_logique(item["si"], f"{ou}, case « {c[:40]} »", questions, questions)
            else:
                problemes.append(f"{ou} : chaque élément de « remplir » est {{rubrique, valeur}} ou {{case, si}} ; "
                                 f"trouvé {item!r}.")
    return problemes


def _toutes(sections) -> dict[str, dict]:
    return {q["id"]: q for s in sections if isinstance(s, dict) for q in (s.get("questions") or [])
            if isinstance(q, dict) and isinstance(q.get("id"), str)}


def lire(root: Path, chemin: Path | None = None) -> dict:
    """The rules, checked; PluginError listing every problem otherwise."""
    _, donnees = charger(chemin or root / FICHIER, root, "règles du dossier du projet",
                         lambda d, fichier: verifier(d, root, fichier))
    return donnees


def publier(donnees: dict, root: Path, url_de=None) -> dict:
    """The JSON the page reads: `definitions` dropped (the YAML anchors are already expanded), each conclusion's
    obligations resolved (article, text, date ISO and French, link), `url_de(page.md#ancre)` giving each
    chapter's URL relative to the JSON's folder when it is known."""
    lignes = obligations_hook.lire(root)
    sortie = {k: v for k, v in donnees.items() if k != "definitions"}
    sortie["conclusions"] = []
    for c in donnees["conclusions"]:
        c = dict(c)
        c["obligations"] = [{"id": i, "article": lignes[i]["article"], "obligation": lignes[i]["obligation"],
                             "date": lignes[i]["date"].isoformat(), "date_fr": obligations_hook.date_fr(lignes[i]["date"]),
                             "lien": lignes[i]["lien"],
                             **({"url": url_de(lignes[i]["lien"])} if url_de else {})}
                            for i in c.get("obligations") or []]
        if url_de and "chapitre" in c:
            c["chapitre_url"] = url_de(c["chapitre"])
        sortie["conclusions"].append(c)
    if url_de:
        for s in sortie["sections"]:
            for q in s["questions"]:
                if "chapitre" in q:
                    q["chapitre_url"] = url_de(q["chapitre"])
    return sortie


PAGE = "boite-a-outils/dossier-du-projet.md"


def on_files(files, config):
    """The rules are checked and published with the page that reads them: a site without that page (a test
    project of tests/conftest.py, say) has neither."""
    if files.get_file_from_path(PAGE) is None:
        return files
    root = Path(config.config_file_path).parent
    donnees = lire(root)
    dossier = posixpath.dirname(PUBLIE)

    def url_de(lien: str) -> str:
        cible, _, ancre = lien.partition("#")
        fichier = files.get_file_from_path(cible)
        if fichier is None:
            raise PluginError(f"{FICHIER} : la page « {cible} » n'est pas dans le site.")
        return posixpath.relpath(fichier.url or ".", dossier) + ("/" if fichier.url.endswith("/") else "") + \
            (f"#{ancre}" if ancre else "")

    contenu = json.dumps(publier(donnees, root, url_de), ensure_ascii=False, separators=(",", ":"))
    files.append(File.generated(config, PUBLIE, content=contenu))
    return files
