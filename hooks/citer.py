"""How to cite the guide, and which version the reader is looking at, from CITATION.cff (one place).

`<!-- citer -->` in a page becomes: the version being read, a reference to copy and a BibTeX entry. The
version is the one mike deploys (MIKE_DOCS_VERSION), the one of the editions (KALLM_VERSION, `v1.0`), or
a pull request preview (KALLM_APERCU); anything else is the development version. scripts/editions.py puts
the same reference on the PDF's cover; scripts/publication.py uses this file for .zenodo.json and the
release notes.
"""
from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import yaml

MARKER = "<!-- citer -->"
NBSP = "\u00a0"
PUBLISHER = "Programme 10\u00a0% (DINUM, Insee)"


def load(root: Path) -> dict:
    path = root / "CITATION.cff"
    if not path.exists():
        raise FileNotFoundError(f"{path} est absent : la page qui porte {MARKER} en a besoin")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def reading_version() -> tuple[str | None, str]:
    """(X.Y or None, what the reader is looking at, in words)."""
    number = os.environ.get("KALLM_APERCU", "").strip()
    if number:
        return None, f"un aperçu de la proposition n°{NBSP}{number}, qui n'est pas une version publiée"
    version = os.environ.get("MIKE_DOCS_VERSION") or os.environ.get("KALLM_VERSION", "").removeprefix("v")
    if re.fullmatch(r"\d+(\.\d+)+", version or ""):
        return version, f"la version {version}"
    return None, "la version de développement (dev), qui suit la branche principale entre deux versions publiées"


def person(author: dict) -> str:
    return " ".join(p for p in (author.get("given-names"), author.get("family-names")) if p) or author.get("name", "")


def _year(cff: dict, version: str | None, today: datetime.date) -> str:
    released = cff.get("date-released")
    return str(released)[:4] if released and version == str(cff.get("version")) else str(today.year)


def _url(cff: dict, version: str | None) -> str:
    return cff["url"].rstrip("/") + "/" + (f"{version}/" if version else "dev/")


def reference(cff: dict, version: str | None, today: datetime.date | None = None) -> str:
    """One line to copy, in the spirit of ISO 690: authors, title, version, publisher, year, address."""
    today = today or datetime.date.today()  # the year of a development build
    authors = [person(a) for a in cff["authors"]]
    names = ", ".join(authors[:3]) + (" et al." if len(authors) > 3 else ".")
    title = cff["title"].replace(" :", NBSP + ":")
    return (f"{names} *{title}* [en ligne]. Version {version or 'de développement'}. "
            f"{PUBLISHER}, {_year(cff, version, today)}. Disponible à l'adresse{NBSP}: {_url(cff, version)} "
            f"(consulté le [date de votre consultation]).")


def bibtex(cff: dict, version: str | None, today: datetime.date | None = None) -> str:
    today = today or datetime.date.today()
    authors = "\n                  and ".join(f"{a['family-names']}, {a['given-names']}" if "family-names" in a else f"{{{a['name']}}}"
                           for a in cff["authors"])
    title = re.sub(r"\b(KALLM|LLM)\b", r"{\1}", cff["title"])
    publisher = PUBLISHER.replace(NBSP + "%", r" \%")
    return "\n".join([
        "@misc{guide_kallm,",
        f"  title        = {{{title}}},",
        f"  author       = {{{authors}}},",
        f"  version      = {{{version or 'dev'}}},",
        f"  year         = {{{_year(cff, version, today)}}},",
        f"  howpublished = {{{publisher}}},",
        f"  url          = {{{_url(cff, version)}}}",
        "}"])


def block(cff: dict) -> str:
    version, words = reading_version()
    return (f"Vous lisez {words}. Citez la version que vous avez consultée et la date de consultation"
            f"{NBSP}:\n\n> {reference(cff, version)}\n\n"
            f"Pour un gestionnaire de références, l'entrée BibTeX de cette version{NBSP}:\n\n"
            f"```bibtex\n{bibtex(cff, version)}\n```\n\n"
            f"Les métadonnées de citation du dépôt sont dans le fichier `CITATION.cff`, à sa racine.")


def on_page_markdown(markdown, page, config, files):
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, block(load(Path(config.config_file_path).parent)))
