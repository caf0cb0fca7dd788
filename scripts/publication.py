"""Release metadata made from CITATION.cff and the « Ce qui a changé » page (CONTRIBUTING.md « Publier »).

    python scripts/publication.py zenodo          # (re)writes .zenodo.json from CITATION.cff
    python scripts/publication.py notes vX.Y      # the release notes of tag vX.Y, on stdout

`notes` takes the section `## Version X.Y — AAAA-MM-JJ` of docs/ce-qui-a-change.md (its `### <page title>`
subsections and their bullets, links made absolute to the pages of version X.Y), and refuses a tag that
CITATION.cff does not describe (its `version` and `date-released` must be those of the section), or a tag
put while a page or box is overdue for review (hooks/fraicheur.py: the weekly issue lists them).
"""
from __future__ import annotations

import datetime
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
from citer import load, reference  # noqa: E402
from fraicheur import CYCLE, a_relire  # noqa: E402

CHANGES = "docs/ce-qui-a-change.md"
ZENODO = ".zenodo.json"
HEADING = re.compile(r"^## Version (?P<version>\d+(?:\.\d+)+) — (?P<date>\d{4}-\d{2}-\d{2})\s*$", re.M)
LINK = re.compile(r"\]\((?!https?:|mailto:|#)(?P<path>[^)#\s]+?)(?:\.md|\.ipynb)(?P<anchor>#[^)\s]*)?\)")


class ReleaseError(RuntimeError):
    pass


def zenodo(cff: dict) -> dict:
    """Zenodo's metadata for the GitHub release it archives (Zenodo reads .zenodo.json before CITATION.cff)."""
    return {
        "title": cff["title"],
        "description": cff["abstract"],
        "upload_type": "publication",
        "publication_type": "other",
        "creators": [{"name": f"{a['family-names']}, {a['given-names']}"} for a in cff["authors"]],
        "license": cff["license"][0] if isinstance(cff["license"], list) else cff["license"],
        "access_right": "open",
        "language": "fra",
        "keywords": cff.get("keywords", []),
    }


def zenodo_text(root: Path = ROOT) -> str:
    return json.dumps(zenodo(load(root)), ensure_ascii=False, indent=2) + "\n"


def check_reviews(root: Path = ROOT, today: datetime.date | None = None) -> None:
    """A version is not published while a page or a box is overdue for review (CONTRIBUTING « Relire une page »)."""
    overdue = a_relire(root, today)
    if overdue:
        raise ReleaseError(f"{len(overdue)} relecture(s) en retard, à faire avant de publier une version ({CYCLE}) :\n"
                           + "\n".join(f"  - {p}" for p in overdue))


def release_notes(tag: str, root: Path = ROOT, today: datetime.date | None = None) -> str:
    found = re.fullmatch(r"v(\d+(?:\.\d+)+)", tag)
    if not found:
        raise ReleaseError(f"« {tag} » n'est pas une étiquette de version : vX.Y attendu (par exemple v1.0)")
    version = found[1]
    page = root / CHANGES
    if not page.exists():
        raise ReleaseError(f"{CHANGES} est absent : les notes de version en viennent")
    text = page.read_text(encoding="utf-8")
    headings = list(HEADING.finditer(text))
    section = next((h for h in headings if h["version"] == version), None)
    if section is None:
        raise ReleaseError(f"{CHANGES} n'a pas de section « ## Version {version} — AAAA-MM-JJ » : ajoutez-la "
                           f"(une sous-section « ### Titre de la page » par page changée) avant d'étiqueter {tag}")
    following = [h.start() for h in headings if h.start() > section.start()]
    body = text[section.end():following[0] if following else len(text)].strip()
    if not re.search(r"^### .+\n+(?:- .+\n?)+", body + "\n", re.M):
        raise ReleaseError(f"{CHANGES}, section {version} : au moins une sous-section « ### Titre de la page » "
                           f"suivie de puces est attendue")
    cff = load(root)
    if str(cff.get("version")) != version or str(cff.get("date-released")) != section["date"]:
        raise ReleaseError(f"CITATION.cff décrit la version {cff.get('version')} du {cff.get('date-released')}, "
                           f"l'étiquette {tag} la version {version} du {section['date']} : mettez à jour "
                           f"`version` et `date-released` dans CITATION.cff")
    check_reviews(root, today)
    site = cff["url"].rstrip("/") + f"/{version}/"

    def absolute(match):
        target = (Path(CHANGES).parent / match["path"]).as_posix()
        target = re.sub(r"(^|/)index$", "", re.sub(r"^docs/", "", re.sub(r"(?:[^/]+/\.\./)", "", target)))
        return f"]({site}{target + '/' if target else ''}{match['anchor'] or ''})"
    body = LINK.sub(absolute, body)
    return (f"# Le guide KALLM {version} — {section['date']}\n\n{body}\n\n---\n\n"
            f"Site de cette version : {site}. Les éditions PDF et hors ligne sont jointes à cette publication.\n\n"
            f"Pour citer cette version : {reference(cff, version)}\n")


def main(argv: list[str]) -> int:
    try:
        if argv[:1] == ["zenodo"]:
            (ROOT / ZENODO).write_text(zenodo_text(), encoding="utf-8")
            print(f"{ZENODO} écrit depuis CITATION.cff")
        elif argv[:1] == ["notes"] and len(argv) == 2:
            print(release_notes(argv[1]))
        else:
            print(__doc__)
            return 2
    except ReleaseError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
