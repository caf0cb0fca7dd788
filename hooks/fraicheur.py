"""Freshness of the guide: review dates, dated boxes, nothing announced as future that already exists.

- Each page says when a person last re-read it against its sources: `revue: AAAA-MM-JJ` in the front
  matter of a Markdown page, `kallm.revue` in the metadata of a notebook. The page shows it under its
  title, beside the date of its last change in git (« Relu le 1er décembre 2026 · modifié le … »).
- Each box `!!! info "État des lieux au AAAA-MM"` carries the month its facts were checked; the build
  reads it and shows it in French (« État des lieux en novembre 2026 »).
- A sentence that calls a page or notebook of the guide « en cours de rédaction », or says in the future
  tense what an existing notebook does (« le notebook 7 construira… »), is out of date. Words between
  « guillemets » are quoted, not announced (the changelog may say what a page no longer says).

A missing or malformed date and an announcement that is out of date fail the build (strict mode turns
these warnings into errors), hence every pull request: a change causes them. A date that is merely old is
the clock's doing, not the change's: the build only mentions it (« À relire »), the weekly health job
(.github/workflows/sante.yml) lists it in its issue, and the release check (scripts/publication.py notes)
refuses to publish a version while a page is overdue. The thresholds are here, and only here.

« Today » is the machine's date, or KALLM_AUJOURDHUI (AAAA-MM-JJ) when it is set: the tests fix it, so that
none of them depends on the day it runs.

Check by hand:
    python hooks/fraicheur.py                    # what is missing, malformed or too old
    python hooks/fraicheur.py relectures [--rapport FICHIER] [--aujourdhui AAAA-MM-JJ]
                                                 # the pages to re-read, in Markdown (the weekly issue)
"""
from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from mkdocs.utils.meta import get_data

REVUE_MAX_MOIS = 12      # a page re-read longer ago than this must be re-read
ENCADRE_MAX_MOIS = 6     # an « État des lieux » box older than this must be checked again

log = logging.getLogger("mkdocs.hooks.fraicheur")

MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre")
NBSP = "\u00a0"
CYCLE = "voir CONTRIBUTING.md, « Relire une page : le cycle de revue »"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FRONT_MATTER_REVUE = re.compile(r"\A---[ \t]*\n(?:.*\n)*?revue:[ \t]*(?P<valeur>.*?)[ \t]*\n(?:.*\n)*?---", re.M)
# The title of a dated box, wherever the box starts (!!! or ???, any type), and the only form it may take.
ENCADRE = re.compile(r'^[ \t]*(?:!!!|\?\?\?\+?)[ \t]+[\w -]+?[ \t]+"(?P<titre>État des lieux[^"]*)"', re.M)
TITRE_ENCADRE = re.compile(r"État des lieux au (?P<annee>\d{4})-(?P<mois>\d{2})")
# Announcements: a page or notebook « en cours » (any link), a verb in the future tense (a notebook).
EN_COURS = re.compile(r"en cours d['’](?:écriture|élaboration)|en cours de (?:rédaction|préparation|finalisation)"
                      r"|\bà venir\b|\bprochainement\b|\bbientôt\b", re.I)
FUTUR = re.compile(r"\b[a-zàâçéèêëîïôûùüœ]{2,}(?:ra|ront)\b")  # lower case: not LoRA
PAS_UN_FUTUR = {"extra", "ultra", "caméra", "caméras", "opéra", "mantra", "cobra", "hydra", "sora", "tiara"}
CITATION = re.compile(r"«[^»]*»")
LIEN = re.compile(r"\]\((?P<cible>[^)\s#]+)(?:#[^)\s]*)?\)")
NOTEBOOK_CITE = re.compile(r"\bnotebooks?\s+(?P<numero>\d{1,2})\b", re.I)
CODE = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$|`[^`\n]*`|<!--.*?-->", re.S | re.M)
# Where a sentence ends: after . ! ? or …, at a blank line, before a list item or a box title.
FIN_DE_PHRASE = re.compile(r"(?<=[.!?…])\s+|\n[ \t]*\n\s*|\n(?=[ \t]*(?:[-*+]|\d+\.)[ \t])|\n(?=[ \t]*(?:!!!|\?\?\?))")


@dataclass
class Probleme:
    fichier: str          # docs/… or notebooks/…, from the repository root
    message: str          # what is wrong and what to do, in French
    ligne: int | None = None
    perime: bool = False  # only too old: the test fails, the build just says so

    def __str__(self) -> str:
        where = f"{self.fichier}, ligne {self.ligne}" if self.ligne else self.fichier
        return f"{where} : {self.message}"


# ---- Dates -------------------------------------------------------------------------------------

def aujourdhui() -> datetime.date:
    """Today: KALLM_AUJOURDHUI (AAAA-MM-JJ) when set (the tests, a dry run of the release check), else the clock."""
    fixe = os.environ.get("KALLM_AUJOURDHUI", "").strip()
    if not fixe:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(fixe)
    except ValueError:
        raise SystemExit(f"KALLM_AUJOURDHUI vaut « {fixe} » : une date AAAA-MM-JJ est attendue.") from None


def date_fr(jour: datetime.date) -> str:
    """1er décembre 2026, 5 décembre 2026."""
    return f"{'1er' if jour.day == 1 else jour.day} {MOIS[jour.month - 1]} {jour.year}"


def mois_fr(annee: int, mois: int) -> str:
    return f"{MOIS[mois - 1]} {annee}"


def _plus_mois(jour: datetime.date, mois: int) -> datetime.date:
    total = jour.year * 12 + jour.month - 1 + mois
    annee, numero = divmod(total, 12)
    for day in (jour.day, 30, 29, 28):  # 31 March + 1 month: 30 April
        try:
            return datetime.date(annee, numero + 1, day)
        except ValueError:
            continue
    raise AssertionError(jour)


def _lire_date(valeur) -> datetime.date | None:
    if isinstance(valeur, datetime.datetime):
        return None
    if isinstance(valeur, datetime.date):
        return valeur
    if isinstance(valeur, str) and ISO_DATE.fullmatch(valeur.strip()):
        try:
            return datetime.date.fromisoformat(valeur.strip())
        except ValueError:
            return None
    return None


def revue_de_page(texte: str) -> tuple[datetime.date | None, str | None]:
    """The review date of a Markdown page (its whole source), or why there is none."""
    _, meta = get_data(texte)
    if "revue" in meta:
        valeur = meta["revue"]
    else:
        # YAML gives up on the whole header when a date is impossible (2026-13-01): read the line itself.
        match = FRONT_MATTER_REVUE.match(texte)
        if not match:
            return None, ("la date de relecture manque dans l'en-tête YAML. Relisez la page au regard de ses "
                          "sources, puis ajoutez la ligne `revue: AAAA-MM-JJ` (le jour de la relecture) "
                          f"sous `description` ; {CYCLE}.")
        valeur = match["valeur"]
    jour = _lire_date(valeur)
    if jour is None:
        return None, (f"`revue: {valeur}` n'est pas une date. Écrivez le jour de la relecture sous la forme "
                      "AAAA-MM-JJ, par exemple `revue: 2026-12-01`.")
    return jour, None


def revue_de_notebook(path: Path) -> tuple[datetime.date | None, str | None]:
    """The review date of a notebook (`kallm.revue` in its metadata), or why there is none."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("kallm", {})
    except ValueError:
        return None, "n'est pas un notebook lisible (JSON)."
    if "revue" not in meta:
        return None, ("la métadonnée `kallm.revue` manque. Relisez le notebook, puis ajoutez "
                      "`\"revue\": \"AAAA-MM-JJ\"` (le jour de la relecture) à côté de `kallm.description` ; "
                      f"{CYCLE}.")
    jour = _lire_date(meta["revue"])
    if jour is None:
        return None, (f"`kallm.revue` vaut « {meta['revue']} », qui n'est pas une date. Écrivez le jour de la "
                      "relecture sous la forme \"AAAA-MM-JJ\", par exemple \"2026-12-01\".")
    return jour, None


def _age_de_revue(fichier: str, jour: datetime.date, aujourdhui: datetime.date) -> list[Probleme]:
    if jour > aujourdhui:
        return [Probleme(fichier, f"la date de relecture {jour.isoformat()} est dans le futur (nous sommes le "
                                  f"{aujourdhui.isoformat()}). Écrivez le jour où la page a été relue.")]
    if _plus_mois(jour, REVUE_MAX_MOIS) < aujourdhui:
        return [Probleme(fichier, f"relue le {date_fr(jour)}, il y a plus de {REVUE_MAX_MOIS} mois. Relisez-la au "
                                  "regard de ses sources et corrigez ce qui a changé, puis mettez la date du jour "
                                  f"dans sa date de relecture ; {CYCLE}.", perime=True)]
    return []


# ---- Boxes and announcements --------------------------------------------------------------------

def _ligne(texte: str, position: int) -> int:
    return texte.count("\n", 0, position) + 1


def encadres(texte: str) -> list[tuple[int, str, tuple[int, int] | None, tuple[int, int]]]:
    """(line, title, (year, month) or None when malformed, where the title is) of every « État des lieux »
    box, outside code (a box shown as an example in a code block is not one)."""
    found = []
    for match in ENCADRE.finditer(_sans_code(texte)):
        titre = match["titre"].strip()
        date = TITRE_ENCADRE.fullmatch(titre)
        valide = date is not None and 1 <= int(date["mois"]) <= 12
        found.append((_ligne(texte, match.start()), titre,
                      (int(date["annee"]), int(date["mois"])) if valide else None, match.span("titre")))
    return found


def _sans_code(texte: str) -> str:
    """Code and comments blanked out, same length and same lines (positions stay valid)."""
    return CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), texte)


def _phrases(texte: str):
    debut = 0
    for match in list(FIN_DE_PHRASE.finditer(texte)) + [None]:
        fin = match.start() if match else len(texte)
        if texte[debut:fin].strip():
            yield debut, texte[debut:fin]
        debut = match.end() if match else fin


def annonces(texte: str, page: str, docs: Path, notebooks: Path) -> list[tuple[int, str, str]]:
    """(line, the words that announce, what exists) for each sentence that announces as future a page or
    notebook that exists.

    `page` is the page's path under docs/; links to .ipynb files point to notebooks/ (hooks/notebooks.py).
    """
    dossier = Path(page).parent
    found = []
    for debut, phrase in _phrases(_sans_code(texte)):
        prose = CITATION.sub("«»", LIEN.sub("]", phrase))  # not link targets (…-lora.ipynb), not « quotes »
        en_cours = EN_COURS.search(prose)
        futur = next((m for m in FUTUR.finditer(prose) if m.group(0) not in PAS_UN_FUTUR), None)
        if not (en_cours or futur):
            continue
        existants, cahiers = [], []
        for lien in LIEN.finditer(phrase):
            cible = lien["cible"]
            if "://" in cible or cible.startswith("mailto:"):
                continue
            resolu = Path(*_normaliser((dossier / cible).parts))
            if cible.endswith(".ipynb") and (notebooks / resolu).is_file():
                cahiers.append(f"notebooks/{resolu.as_posix()}")
            elif (docs / resolu).is_file():
                existants.append(f"docs/{resolu.as_posix()}")
        for cite in NOTEBOOK_CITE.finditer(phrase):
            cahiers += sorted(f"notebooks/{p.relative_to(notebooks).as_posix()}"
                              for p in notebooks.rglob(f"{int(cite['numero']):02d}-*.ipynb"))
        cibles = cahiers + existants if en_cours else cahiers
        if cibles:
            mot = (en_cours or futur).group(0)
            found.append((_ligne(texte, debut), mot, sorted(set(cibles))[0]))
    return found


def _normaliser(parts) -> list[str]:
    out: list[str] = []
    for part in parts:
        if part == "..":
            if out:
                out.pop()
        elif part not in (".", ""):
            out.append(part)
    return out


# ---- Whole files -------------------------------------------------------------------------------

def verifier_page(root: Path, uri: str, aujourdhui: datetime.date) -> list[Probleme]:
    """Problems of docs/<uri> (a Markdown page)."""
    fichier = f"docs/{uri}"
    texte = (root / fichier).read_text(encoding="utf-8")
    problemes = []
    jour, erreur = revue_de_page(texte)
    problemes += [Probleme(fichier, erreur)] if erreur else _age_de_revue(fichier, jour, aujourdhui)
    courant = aujourdhui.year * 12 + aujourdhui.month
    for ligne, titre, date, _ in encadres(texte):
        if date is None:
            problemes.append(Probleme(fichier, f"« {titre} » : la date de l'encadré s'écrit AAAA-MM (l'année, puis "
                                               "le mois sur deux chiffres), par exemple « État des lieux au 2026-12 ».",
                                      ligne))
        elif date[0] * 12 + date[1] > courant:
            problemes.append(Probleme(fichier, f"« {titre} » est daté d'un mois à venir. Écrivez le mois où les faits "
                                               "de l'encadré ont été vérifiés.", ligne))
        elif courant - (date[0] * 12 + date[1]) > ENCADRE_MAX_MOIS:
            problemes.append(Probleme(fichier, f"l'encadré « {titre} » a plus de {ENCADRE_MAX_MOIS} mois. Vérifiez "
                                               "chacun de ses faits auprès de ses sources, mettez-le à jour, puis "
                                               f"datez-le du mois de la vérification (« État des lieux au "
                                               f"{aujourdhui:%Y-%m} ») ; {CYCLE}.", ligne, perime=True))
    for ligne, mot, cible in annonces(texte, uri, root / "docs", root / "notebooks"):
        problemes.append(Probleme(fichier, f"« {mot} » annonce comme à venir {cible}, qui existe déjà. Décrivez au "
                                           "présent ce qu'il contient ou ce qu'il fait.", ligne))
    return problemes


def verifier_notebook(root: Path, path: Path, aujourdhui: datetime.date) -> list[Probleme]:
    fichier = path.relative_to(root).as_posix()
    jour, erreur = revue_de_notebook(path)
    return [Probleme(fichier, erreur)] if erreur else _age_de_revue(fichier, jour, aujourdhui)


def verifier(root: Path, jour: datetime.date | None = None) -> list[Probleme]:
    """Every problem of every page and notebook of the guide at `root`, on `jour` (by default today)."""
    jour = jour or aujourdhui()
    problemes = []
    for path in sorted((root / "docs").rglob("*.md")):
        problemes += verifier_page(root, path.relative_to(root / "docs").as_posix(), jour)
    for path in sorted((root / "notebooks").rglob("*.ipynb")) if (root / "notebooks").is_dir() else []:
        if ".ipynb_checkpoints" not in path.parts:
            problemes += verifier_notebook(root, path, jour)
    return problemes


def erreurs(root: Path, jour: datetime.date | None = None) -> list[Probleme]:
    """What a change causes (missing, malformed or future date, out-of-date announcement): pull requests fail."""
    return [p for p in verifier(root, jour) if not p.perime]


def a_relire(root: Path, jour: datetime.date | None = None) -> list[Probleme]:
    """What time causes (a review or a box too old): the weekly issue lists it, a release waits for it."""
    return [p for p in verifier(root, jour) if p.perime]


def rapport_relectures(problemes: list[Probleme], jour: datetime.date) -> str:
    """The section of the weekly issue: each page to re-read, and what to do."""
    lignes = ["## Pages à relire", ""]
    if not problemes:
        return "\n".join(lignes + [f"Aucune au {date_fr(jour)} : chaque page a été relue il y a moins de "
                                   f"{REVUE_MAX_MOIS} mois et chaque encadré vérifié il y a moins de "
                                   f"{ENCADRE_MAX_MOIS} mois.", ""])
    fichiers = sorted({p.fichier for p in problemes})
    lignes += [f"Au {date_fr(jour)}, {len(fichiers)} fichier(s) à relire ({len(problemes)} point(s)). Relisez chacun "
               "au regard de ses sources, puis mettez à jour sa date de relecture ou le mois de l'encadré. Tant qu'il "
               "en reste, aucune version (étiquette vX.Y) ne peut être publiée ; " + CYCLE + ".", ""]
    # One short line each (the body is limited to 65 536 characters): what, not again how.
    lignes += [f"- {Probleme(p.fichier, p.message.split('. ')[0].rstrip('.') + '.', p.ligne)}" for p in problemes]
    return "\n".join(lignes + [""])


# ---- MkDocs events ------------------------------------------------------------------------------

def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def _report(problemes: list[Probleme]) -> None:
    for probleme in problemes:
        if probleme.perime:
            log.info("À relire — %s", probleme)
        else:
            log.warning("%s", probleme)


def on_page_markdown(markdown, page, config, files):
    root, uri = _root(config), page.file.src_uri
    jour = aujourdhui()
    if uri.endswith(".ipynb"):
        source = root / "notebooks" / uri
        if source.is_file():
            _report(verifier_notebook(root, source, jour))
            page.meta["kallm_revue"] = revue_de_notebook(source)[0]
        return markdown
    if not uri.endswith(".md") or page.file.abs_src_path is None:
        return markdown
    _report(verifier_page(root, uri, jour))
    page.meta["kallm_revue"] = revue_de_page(page.file.content_string)[0]

    for _, _, date, (debut, fin) in reversed(encadres(markdown)):  # the title in French
        if date:
            markdown = markdown[:debut] + f"État des lieux en {mois_fr(*date)}" + markdown[fin:]
    return markdown


def _date_git(page, config, root: Path) -> datetime.date | None:
    """When the page's source last changed in git (a notebook: its source in notebooks/, not the cache)."""
    if page.file.src_uri.endswith(".ipynb"):
        plugin = config.plugins.get("git-revision-date-localized")
        source = root / "notebooks" / page.file.src_uri
        if plugin is None or not hasattr(plugin, "util") or not source.is_file():
            return None
        _, timestamp = plugin.util.get_git_commit_timestamp(path=str(source), is_first_commit=False)
        return datetime.datetime.fromtimestamp(int(timestamp), datetime.timezone.utc).date()
    iso = page.meta.get("git_revision_date_localized_raw_iso_date")
    return _lire_date(iso) if iso else None


def _date_html(jour: datetime.date) -> str:
    """A date that is not cut at the end of a line."""
    return f'<time datetime="{jour.isoformat()}">{date_fr(jour).replace(" ", NBSP)}</time>'


def ligne_des_dates(revue: datetime.date | None, modifie: datetime.date | None) -> str:
    parts = [f"Relu le {_date_html(revue)}"] if revue else []
    if modifie:
        parts.append(f"{'modifié' if parts else 'Modifié'} le {_date_html(modifie)}")
    return '<p class="kallm-dates">' + '<span aria-hidden="true"> · </span>'.join(parts) + "</p>" if parts else ""


def on_page_content(html, page, config, files):
    """The dates go right under the title (Material writes the <h1> itself when the page has none)."""
    line = ligne_des_dates(page.meta.get("kallm_revue"), _date_git(page, config, _root(config)))
    if not line:
        return html
    end = html.find("</h1>")
    return html[:end + 5] + line + html[end + 5:] if end >= 0 else line + html


def main(argv: list[str], root: Path = Path(__file__).resolve().parent.parent) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", nargs="?", choices=["relectures"],
                        help="seulement les pages à relire, en Markdown (le ticket du contrôle hebdomadaire)")
    parser.add_argument("--aujourdhui", type=datetime.date.fromisoformat, help="la date du jour (AAAA-MM-JJ)")
    parser.add_argument("--rapport", help="écrit aussi la liste dans ce fichier")
    args = parser.parse_args(argv)
    jour = args.aujourdhui or aujourdhui()
    if args.action == "relectures":
        found = a_relire(root, jour)
        texte = rapport_relectures(found, jour)
        if args.rapport:
            Path(args.rapport).parent.mkdir(parents=True, exist_ok=True)
            Path(args.rapport).write_text(texte, encoding="utf-8")
        print(texte)
        return 1 if found else 0
    found = verifier(root, jour)
    for probleme in found:
        print(("À relire — " if probleme.perime else "") + str(probleme))
    print(f"{len(found)} problème(s)." if found else "Tout est à jour.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
