"""The glossary's table of acronyms is made from includes/abbreviations.md, the file behind the tooltips.

A page that holds the marker `<!-- sigles -->` gets, in its place, a table of every abbreviation
(`*[SIGLE]: signification` lines), sorted; so the glossary and the tooltips cannot disagree.
"""
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

MARKER = "<!-- sigles -->"
ABBREVIATIONS = "includes/abbreviations.md"
LINE = re.compile(r"^\*\[(?P<abbr>[^\]]+)\]:\s*(?P<meaning>.+)$")


def read_abbreviations(path: Path) -> dict[str, str]:
    """Abbreviation -> meaning; a line that is not `*[SIGLE]: …` or a repeated abbreviation is an error."""
    found: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        match = LINE.match(line)
        if not match:
            raise PluginError(f"{path.name}, ligne {number} : « {line[:60]} » n'a pas la forme "
                              "`*[SIGLE]: signification`.")
        abbr = match["abbr"]
        if abbr in found:
            raise PluginError(f"{path.name}, ligne {number} : le sigle {abbr} est déjà défini ; "
                              "gardez une seule définition.")
        found[abbr] = match["meaning"].strip()
    return found


def on_page_markdown(markdown, page, config, files):
    if MARKER not in markdown:
        return markdown
    root = Path(config.config_file_path).resolve().parent
    rows = sorted(read_abbreviations(root / ABBREVIATIONS).items(), key=lambda kv: kv[0].casefold())
    table = "| Sigle | Signification |\n|---|---|\n" + "\n".join(
        f"| {abbr} | {meaning.replace('|', '/')} |" for abbr, meaning in rows)
    return markdown.replace(MARKER, table)
