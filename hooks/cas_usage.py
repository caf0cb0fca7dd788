"""The library of public use cases: the marker `<!-- cas-usage -->` becomes a table and one section per case.

The data live in includes/cas-usage.yml (French, typography as in the pages), one record per case:

    cas:
      - id: albert-api                     # the section's anchor: lower case, digits and hyphens, unique
        titre: "…"                         # the section's title
        porteur: "DINUM"                   # who runs it
        pays: France
        domaine: "Travail des agents"      # filter values: free text, the same spelling for the same value
        technique: "RAG"
        statut: production                 # idee, pilote, production or arrete
        date: "2026-01"                    # when the status was last published (AAAA-MM or AAAA-MM-JJ)
        besoin: "…"                        # the fields of the record, in this order on the page
        utilisateurs: "…"
        donnees: "…"
        modele: "…"                        # model and hosting
        evaluation: "…"                    # how it was evaluated, and the published result with its perimeter
        cout: "…"                          # optional: only a published cost
        enseignements: "…"
        sources: [cle1, cle2]              # keys of bibliography.bib, cited at the end of the record
        source_url: "https://…"            # the primary source (the administration's page, report, repository)
        presse: "…"                        # optional: the case is known from the press only; says which

The marker is replaced before the citations are read (so `[@cle]` in a field works), by Markdown that
Python-Markdown renders: a table whose rows carry `data-domaine`, `data-technique` and `data-statut`,
a filter form hidden until docs/javascripts/outils/cas-usage.js shows it (without JavaScript, and in
the PDF, the whole table and every record show), then one `###` section per record.

A record without one of its keys, with an unknown status, a malformed date, a source URL that is not
https, an unknown bibliography key or an id used twice stops the build with the record's name.
"""
from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from outils import bib_keys
from quiz import charger

MARKER = re.compile(r"^<!--\s*cas-usage\s*-->[ \t]*$", re.M)
FICHIER = Path("includes/cas-usage.yml")
OBLIGATOIRES = ("id", "titre", "porteur", "pays", "domaine", "technique", "statut", "date", "besoin",
                "utilisateurs", "donnees", "modele", "evaluation", "enseignements", "sources", "source_url")
STATUTS = {"idee": "Idée", "pilote": "Pilote", "production": "En production", "arrete": "Arrêté"}
# The fields shown in each record, in this order, with their label.
CHAMPS = (("besoin", "Besoin"), ("utilisateurs", "Utilisateurs"), ("donnees", "Données"),
          ("modele", "Modèle et hébergement"), ("evaluation", "Évaluation et résultat publié"),
          ("cout", "Coût publié"), ("enseignements", "Ce qu'on en retient"))
DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?")
IDENT = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre")


def verifier(donnees, fichier: str, cles_bib: set[str] | None = None) -> list[str]:
    """Every problem of the data file, each naming the record and what to fix."""
    cas = donnees.get("cas") if isinstance(donnees, dict) else None
    if not cas:
        return [f"{fichier} : la liste « cas » manque ou est vide."]
    problemes, vus = [], set()
    for i, c in enumerate(cas, 1):
        if not isinstance(c, dict):
            problemes.append(f"{fichier} : l'entrée n° {i} n'est pas une fiche (clé: valeur).")
            continue
        nom = f"cas « {c.get('id') or c.get('titre') or f'n° {i}'} »"
        manque = [k for k in OBLIGATOIRES if not c.get(k)]
        if manque:
            problemes.append(f"{fichier} : {nom} : clé(s) manquante(s) ou vide(s) : {', '.join(manque)}.")
        ident = str(c.get("id", ""))
        if ident and not IDENT.fullmatch(ident):
            problemes.append(f"{fichier} : {nom} : l'identifiant s'écrit en minuscules, chiffres et traits d'union.")
        if ident in vus:
            problemes.append(f"{fichier} : l'identifiant « {ident} » apparaît deux fois.")
        vus.add(ident)
        if c.get("statut") and c["statut"] not in STATUTS:
            problemes.append(f"{fichier} : {nom} : statut « {c['statut']} » inconnu (valeurs permises : "
                             f"{', '.join(STATUTS)}).")
        if c.get("date") and not DATE.fullmatch(str(c["date"])):
            problemes.append(f"{fichier} : {nom} : date « {c['date']} » mal écrite ; écrivez AAAA-MM ou AAAA-MM-JJ "
                             "entre guillemets.")
        url = str(c.get("source_url") or "")
        if url and not re.fullmatch(r"https://[^\s\"<>]+", url):
            problemes.append(f"{fichier} : {nom} : « source_url » doit être une adresse https:// complète.")
        sources = c.get("sources") or []
        if not isinstance(sources, list):
            problemes.append(f"{fichier} : {nom} : « sources » est une liste de clés de bibliography.bib.")
        elif cles_bib is not None:
            for cle in sources:
                if cle not in cles_bib:
                    problemes.append(f"{fichier} : {nom} : la source « {cle} » n'est pas une clé de bibliography.bib ; "
                                     "ajoutez l'entrée ou corrigez la clé.")
    return problemes


def lire(root: Path) -> list[dict]:
    _, donnees = charger(root / FICHIER, root, "cas d'usage", lambda d, fichier: verifier(d, fichier, bib_keys(root)))
    return donnees["cas"]


def valeur(texte: str) -> str:
    """A filter value: « Relation à l'usager » -> « relation-a-l-usager »."""
    sans_accent = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", sans_accent).strip("-")


def date_lisible(date: str) -> str:
    annee, mois, *jour = str(date).split("-")
    return " ".join(filter(None, [str(int(jour[0])) if jour else "", MOIS[int(mois) - 1], annee]))


def _e(texte) -> str:
    return html.escape(str(texte), quote=True)


def filtre(nom: str, libelle: str, valeurs: list[str], libelles: dict[str, str] | None = None) -> str:
    options = "".join(f'<option value="{_e(valeur(v))}">{_e((libelles or {}).get(v, v))}</option>' for v in valeurs)
    return (f'<p class="kallm-champ"><label for="cas-filtre-{nom}">{libelle}</label>'
            f'<select id="cas-filtre-{nom}" data-filtre="{nom}"><option value="">Tous</option>{options}</select></p>')


def rendre(cas: list[dict]) -> str:
    """The Markdown (with an HTML table) that replaces the marker."""
    def distinctes(cle):
        return sorted({c[cle] for c in cas}, key=lambda v: valeur(v))

    statuts = [s for s in STATUTS if any(c["statut"] == s for c in cas)]
    formulaire = (
        '<form class="kallm-outil kallm-cas-filtres" aria-label="Filtrer les cas d\'usage" hidden>\n'
        + filtre("domaine", "Domaine", distinctes("domaine"))
        + filtre("technique", "Technique", distinctes("technique"))
        + filtre("statut", "Statut", statuts, STATUTS)
        + '\n<p class="kallm-cas-compte" role="status" aria-live="polite"></p>\n</form>')
    lignes = "".join(
        f'<tr data-domaine="{_e(valeur(c["domaine"]))}" data-technique="{_e(valeur(c["technique"]))}" '
        f'data-statut="{_e(c["statut"])}">'
        f'<td><a href="#{_e(c["id"])}">{_e(c["titre"])}</a></td><td>{_e(c["porteur"])} ({_e(c["pays"])})</td>'
        f'<td>{_e(c["domaine"])}</td><td>{_e(c["technique"])}</td>'
        f'<td>{_e(STATUTS[c["statut"]])}, {_e(date_lisible(c["date"]))}</td></tr>\n' for c in cas)
    tableau = ('<div class="kallm-cas-tableau"><table>\n'
               f'<caption>Les {len(cas)} cas de la bibliothèque</caption>\n'
               '<thead><tr><th scope="col">Cas</th><th scope="col">Porteur</th><th scope="col">Domaine</th>'
               '<th scope="col">Technique</th><th scope="col">Statut et date</th></tr></thead>\n'
               f'<tbody>\n{lignes}</tbody></table></div>')
    fiches = []
    for c in cas:
        champs = "".join(f"- **{libelle}.** {str(c[cle]).strip()}\n" for cle, libelle in CHAMPS if c.get(cle))
        sources = "; ".join(f"@{cle}" for cle in c["sources"])
        presse = (f'!!! warning "Source de presse"\n    {str(c["presse"]).strip()}\n\n' if c.get("presse") else "")
        fiches.append(
            f'### {c["titre"]} {{#{c["id"]}}}\n\n'
            f'*{c["porteur"]} ({c["pays"]}) · {c["domaine"]} · {c["technique"]} · '
            f'{STATUTS[c["statut"]]}, {date_lisible(c["date"])}*\n\n{presse}{champs}'
            f'- **Source principale.** <{c["source_url"]}> [{sources}]\n')
    return f"{formulaire}\n\n{tableau}\n\n## Les fiches\n\n" + "\n".join(fiches)


@event_priority(110)  # before hooks/citations.py (100) checks the keys and mkdocs-bibtex replaces them
def on_page_markdown(markdown, page, config, files):
    if not MARKER.search(markdown):
        return markdown
    cas = lire(Path(config.config_file_path).resolve().parent)
    page.meta.setdefault("outils", []).append("cas-usage")  # overrides/main.html loads cas-usage.js
    return MARKER.sub(lambda _: rendre(cas), markdown, count=1)
