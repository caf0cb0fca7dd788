"""The AI Act's obligations by role and phase, with their dates of application: one data file, read everywhere.

includes/obligations.yml holds one row per obligation (French, typography as in the pages):

    obligations:
      - id: art27                          # unique; a page or a template cites the row by it
        role: deployeur-public             # or a list: [fournisseur, deployeur-public]
        phase: mise-en-service             # cadrage, developpement, mise-en-service, exploitation
        article: art. 27
        obligation: "Analyse d'impact sur les droits fondamentaux…"
        date: 2027-12-02                   # date of application, AAAA-MM-JJ
        source: ue2026omnibusia        # key of bibliography.bib
        lien: boite-a-outils/analyse-impact-droits-fondamentaux.md#qui-doit-la-faire

Two markers read it, so that a date is written once:

- `<!-- obligations -->`, alone on its line in a page, becomes the whole table, one table per role, rows in
  the order of the phases, dates in French (« 2 décembre 2027 ») and the source cited;
- `<!-- date: art27 -->`, anywhere in a page or in a Boîte à outils template (includes/modeles/), becomes
  the row's date in French. hooks/modeles.py replaces it in the template before pandoc, so the .odt and
  the .docx carry the same date as the page.

A missing key, an unknown role or phase, a date that is not a date, a duplicate id, a source missing from
bibliography.bib or a link to a page or section that does not exist stops the build with the file and the
row; a marker with an unknown id stops it with the page (or the template) that holds it.
"""
from __future__ import annotations

import datetime
import posixpath
import re
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

FICHIER = Path("includes/obligations.yml")
CLES = {"id", "role", "phase", "article", "obligation", "date", "source", "lien"}
ROLES = {
    "fournisseur": "Fournisseur d'un système d'IA",
    "deployeur-public": "Déployeur public (administration qui utilise le système)",
    "fournisseur-modele": "Fournisseur d'un modèle d'IA à usage général",
}
PHASES = {"cadrage": "Cadrage", "developpement": "Développement", "mise-en-service": "Mise en service",
          "exploitation": "Exploitation"}
MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre"]
TABLEAU = re.compile(r"^<!--\s*obligations\s*-->[ \t]*$", re.M)
DATE = re.compile(r"<!--\s*date:\s*([^\s>]*)\s*-->")

_liens: list[tuple[str, str, str]] = []  # (row id, target page, anchor), checked after the build
_ancres: dict[str, set[str]] = {}


def date_fr(jour: datetime.date) -> str:
    """« 2 décembre 2027 », « 1er août 2024 » (non-breaking space between the day and the month)."""
    return f"{'1er' if jour.day == 1 else jour.day}\u00a0{MOIS[jour.month - 1]} {jour.year}"


def _cles_bibliographie(root: Path) -> set[str]:
    texte = (root / "bibliography.bib").read_text(encoding="utf-8")
    return set(re.findall(r"^@\w+\{([^,\s]+),", texte, re.M))


def _date(valeur) -> datetime.date | None:
    if isinstance(valeur, datetime.datetime):
        return None
    if isinstance(valeur, datetime.date):
        return valeur
    if isinstance(valeur, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", valeur):
        try:
            return datetime.date.fromisoformat(valeur)
        except ValueError:
            return None
    return None


def verifier(donnees, root: Path) -> list[str]:
    """Every problem of the file, each with the file's name and the row."""
    f = str(FICHIER)
    if not isinstance(donnees, dict) or not isinstance(donnees.get("obligations"), list) or not donnees["obligations"]:
        return [f"{f} : le fichier doit contenir une liste « obligations: » non vide."]
    problemes, vus, cles = [], set(), _cles_bibliographie(root)
    for numero, ligne in enumerate(donnees["obligations"], 1):
        if not isinstance(ligne, dict):
            problemes.append(f"{f} : ligne {numero} : une ligne est un dictionnaire (id, role, phase…).")
            continue
        nom = f"ligne « {ligne.get('id', numero)} »"
        manquantes, inconnues = CLES - set(ligne), set(ligne) - CLES
        if manquantes:
            problemes.append(f"{f} : {nom} : clé(s) manquante(s) : {', '.join(sorted(manquantes))}.")
        if inconnues:
            problemes.append(f"{f} : {nom} : clé(s) inconnue(s) : {', '.join(sorted(inconnues))}.")
        ident = ligne.get("id")
        if not isinstance(ident, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", ident):
            problemes.append(f"{f} : {nom} : l'id s'écrit en minuscules, chiffres et tirets.")
        elif ident in vus:
            problemes.append(f"{f} : {nom} : id en double.")
        vus.add(ident)
        roles = ligne.get("role")
        roles = roles if isinstance(roles, list) else [roles]
        for role in roles:
            if role not in ROLES:
                problemes.append(f"{f} : {nom} : rôle « {role} » inconnu ; rôles permis : {', '.join(ROLES)}.")
        if ligne.get("phase") not in PHASES:
            problemes.append(f"{f} : {nom} : phase « {ligne.get('phase')} » inconnue ; phases permises : "
                             f"{', '.join(PHASES)}.")
        for cle in ("article", "obligation"):
            if cle in ligne and not (isinstance(ligne[cle], str) and ligne[cle].strip()):
                problemes.append(f"{f} : {nom} : « {cle} » doit être un texte non vide.")
        if "date" in ligne and _date(ligne["date"]) is None:
            problemes.append(f"{f} : {nom} : « {ligne['date']} » n'est pas une date ; écrivez AAAA-MM-JJ, "
                             "par exemple 2027-12-02.")
        if "source" in ligne and ligne["source"] not in cles:
            problemes.append(f"{f} : {nom} : la source « {ligne['source']} » n'est pas une clé de bibliography.bib.")
        if "lien" in ligne:
            cible, _, ancre = str(ligne["lien"]).partition("#")
            if not ancre or not cible.endswith(".md"):
                problemes.append(f"{f} : {nom} : « lien » doit viser une section (page.md#ancre).")
            elif not (root / "docs" / cible).is_file():
                problemes.append(f"{f} : {nom} : la page « {cible} » du lien n'existe pas.")
    return problemes


class _Chargeur(yaml.SafeLoader):
    """YAML without implicit dates: `date` stays text, checked by `_date` (a 30 February names its row)."""


_Chargeur.yaml_implicit_resolvers = {
    cle: [(tag, motif) for tag, motif in resolveurs if tag != "tag:yaml.org,2002:timestamp"]
    for cle, resolveurs in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def lire(root: Path) -> dict[str, dict]:
    """The rows by id, checked; PluginError listing every problem otherwise."""
    chemin = root / FICHIER
    if not chemin.is_file():
        raise PluginError(f"{FICHIER} : fichier introuvable.")
    try:
        donnees = yaml.load(chemin.read_text(encoding="utf-8"), Loader=_Chargeur)
    except yaml.YAMLError as err:
        raise PluginError(f"{FICHIER} : YAML illisible ({err}).") from err
    problemes = verifier(donnees, root)
    if problemes:
        raise PluginError("\n".join(problemes))
    lignes = {}
    for ligne in donnees["obligations"]:
        ligne = dict(ligne, date=_date(ligne["date"]))
        ligne["roles"] = ligne["role"] if isinstance(ligne["role"], list) else [ligne["role"]]
        lignes[ligne["id"]] = ligne
    return lignes


def remplacer_dates(texte: str, root: Path, ou: str) -> str:
    """Each `<!-- date: id -->` of `texte` replaced by the row's date in French; `ou` names the file."""
    if not DATE.search(texte):
        return texte
    lignes = lire(root)

    def date(match):
        ident = match.group(1)
        if ident not in lignes:
            raise PluginError(f"{ou} : le marqueur « <!-- date: {ident} --> » ne correspond à aucune ligne de "
                              f"{FICHIER} ; ids connus : {', '.join(lignes)}.")
        return date_fr(lignes[ident]["date"])
    return DATE.sub(date, texte)


def _root(config) -> Path:
    return Path(config.config_file_path).parent


def tableau(lignes: dict[str, dict], page, files) -> str:
    """The Markdown of the whole table: one table per role, rows by phase then date."""
    ordre = list(PHASES)
    blocs = []
    for role, titre in ROLES.items():
        rangees = sorted((l for l in lignes.values() if role in l["roles"]),
                         key=lambda l: (ordre.index(l["phase"]), l["date"]))
        if not rangees:
            continue
        blocs.append(f"#### {titre}\n\n| Phase | Article | Obligation | S'applique à partir du |\n|---|---|---|---|")
        for l in rangees:
            cible, _, ancre = l["lien"].partition("#")
            fichier = files.get_file_from_path(cible)
            if fichier is None:
                raise PluginError(f"{FICHIER} : ligne « {l['id']} » : la page « {cible} » du lien n'est pas "
                                  "dans le site.")
            _liens.append((l["id"], cible, ancre))
            dossier = posixpath.dirname(page.file.src_uri) or "."
            href = ("" if cible == page.file.src_uri else posixpath.relpath(cible, dossier)) + "#" + ancre
            blocs.append(f"| {PHASES[l['phase']]} | [{l['article']}]({href}) | {l['obligation']} [@{l['source']}] "
                         f"| {date_fr(l['date'])} |")
        blocs.append("")
    return "\n".join(blocs)


def on_pre_build(config):
    _liens.clear()
    _ancres.clear()


@event_priority(110)  # before hooks/citations.py (100), which reads the [@cle] of the table
def on_page_markdown(markdown, page, config, files):
    if TABLEAU.search(markdown):
        contenu = tableau(lire(_root(config)), page, files)
        markdown = TABLEAU.sub(lambda _: contenu, markdown)
    return remplacer_dates(markdown, _root(config), f"docs/{page.file.src_uri}")


def _ids(toc) -> set[str]:
    """The heading ids of a page's table of contents, at every level."""
    pile, ids = list(toc), set()
    while pile:
        entree = pile.pop()
        ids.add(entree.id)
        pile.extend(entree.children)
    return ids


def on_page_content(html, page, config, files):
    """Markers that came in with an included template (snippets are read after on_page_markdown)."""
    _ancres[page.file.src_uri] = _ids(page.toc.items) if page.toc else set()
    return remplacer_dates(html, _root(config), f"docs/{page.file.src_uri}")


def on_post_build(config):
    problemes = [f"{FICHIER} : ligne « {ident} » : la section « #{ancre} » n'existe pas dans {cible} ; corrigez "
                 "l'ancre de « lien » (elle se lit dans l'adresse du lien permanent du titre)."
                 for ident, cible, ancre in _liens if ancre not in _ancres.get(cible, set())]
    if problemes:
        raise PluginError("\n".join(sorted(set(problemes))))
