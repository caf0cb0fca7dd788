"""HTML validity of the built site with the W3C Nu checker, against a reference of known errors.

    python scripts/validation_html.py [site] [--rapport FICHIER]     # the new errors; exit 1 if any
    python scripts/validation_html.py [site] --mettre-a-jour         # rewrites the reference file

The weekly health job runs it (.github/workflows/sante.yml; CONTRIBUTING.md « Contrôle hebdomadaire »).
The checker is the npm package vnu-jar, run with Java (`java -jar node_modules/vnu-jar/build/dist/vnu.jar`;
the job installs both). Some errors come from markup that is not the guide's: Material's templates, KaTeX's
MathML. They are listed, one message a line, in includes/erreurs-html-connues.txt with where they come from.
An error whose message is not in that file is NEW: the report names it with its pages, and the job's issue
shows it. A known message that no page has any more is reported too, so the file shrinks with the theme's
fixes. A message is compared as the checker writes it, with its quoted names and values: an error on
another attribute or element is another message.
"""
from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
REFERENCE = ROOT / "includes" / "erreurs-html-connues.txt"


def nu_errors(site: Path, jar: Path = JAR) -> list[tuple[str, str]]:
    """(page path in the site, message) of each error the Nu checker finds in the site's HTML pages."""
    if not jar.is_file():
        raise RuntimeError(f"{jar} manque : `npm install --no-save vnu-jar` (et Java : apt-get install "
                           "default-jre-headless).")
    run = subprocess.run(["java", "-jar", str(jar), "--skip-non-html", "--errors-only", "--format", "json",
                          "--stdout", str(site)], capture_output=True, text=True)
    if not run.stdout.strip():
        raise RuntimeError(f"le Nu checker n'a rien répondu (code {run.returncode}) : {run.stderr[-2000:]}")
    return parse(run.stdout, site)


def parse(report: str, site: Path) -> list[tuple[str, str]]:
    """The checker's JSON report as (page path in the site, message) pairs, errors only."""
    root = site.resolve().as_posix()
    found = []
    for message in json.loads(report).get("messages", []):
        if message.get("type") != "error":
            continue
        url = message.get("url", "").removeprefix("file:")
        page = url[len(root):].lstrip("/") if url.startswith(root) else url
        found.append((page, " ".join(message.get("message", "").split())))
    return found


def read_reference(path: Path | None = None) -> set[str]:
    """The known messages: one a line; blank lines and lines starting with # are comments."""
    path = path or REFERENCE
    if not path.is_file():
        return set()
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")}


def compare(errors: list[tuple[str, str]], known: set[str]) -> tuple[dict[str, list[str]], list[str]]:
    """({new message: its pages, in order}, known messages that no page has any more)."""
    new: dict[str, list[str]] = collections.defaultdict(list)
    for page, message in errors:
        if message not in known and page not in new[message]:
            new[message].append(page)
    seen = {message for _, message in errors}
    return dict(new), sorted(known - seen)


def markdown(errors: list[tuple[str, str]], new: dict[str, list[str]], gone: list[str]) -> str:
    counts = collections.Counter(message for _, message in errors)
    pages = {page for page, _ in errors}
    lines = ["## Validité HTML (W3C Nu checker)", "",
             f"{len(errors)} erreur(s) sur {len(pages)} page(s), dont {sum(counts[m] for m in new)} de "
             f"{len(new)} type(s) nouveau(x), absent(s) de `{REFERENCE.relative_to(ROOT).as_posix()}`.", ""]
    if new:
        lines += ["### Erreurs nouvelles", ""]
        for message, where in sorted(new.items(), key=lambda item: -counts[item[0]]):
            shown = ", ".join(where[:5]) + (f" (+{len(where) - 5})" if len(where) > 5 else "")
            lines.append(f"- {message} ({counts[message]} fois) : {shown}")
        lines += ["", "Corrigez-les à la source (hook, gabarit, feuille de style) ; si elles viennent du thème "
                      "ou d'une bibliothèque, ajoutez le message au fichier de référence avec sa provenance.", ""]
    if gone:
        lines += ["### Erreurs connues disparues (à retirer du fichier de référence)", ""]
        lines += [f"- {message}" for message in gone] + [""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", nargs="?", default=str(ROOT / "site"))
    parser.add_argument("--rapport", help="écrit aussi le rapport Markdown dans ce fichier")
    parser.add_argument("--mettre-a-jour", action="store_true", help="réécrit la liste des erreurs connues")
    parser.add_argument("--jar", default=str(JAR), help="le vnu.jar (par défaut, celui de node_modules)")
    args = parser.parse_args(argv)
    site = Path(args.site)
    if not (site / "index.html").is_file():
        print(f"{site} ne contient pas de site construit : lancez d'abord `make build`.", file=sys.stderr)
        return 2
    errors = nu_errors(site, Path(args.jar))
    if args.mettre_a_jour:
        head = [line for line in REFERENCE.read_text(encoding="utf-8").splitlines() if line.startswith("#")] \
            if REFERENCE.is_file() else []
        REFERENCE.write_text("\n".join(head + sorted({m for _, m in errors})) + "\n", encoding="utf-8")
        print(f"{REFERENCE.relative_to(ROOT)} : {len({m for _, m in errors})} message(s)")
        return 0
    new, gone = compare(errors, read_reference())
    text = markdown(errors, new, gone)
    if args.rapport:
        Path(args.rapport).parent.mkdir(parents=True, exist_ok=True)
        Path(args.rapport).write_text(text, encoding="utf-8")
    print(text)
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
