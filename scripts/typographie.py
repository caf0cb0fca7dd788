"""French typography of the pages: a non-breaking space before : ; ! ? % » and after «.

    python scripts/typographie.py            # lists each ordinary space that should be non-breaking
    python scripts/typographie.py --fix      # replaces them in place

Code (fenced blocks, inline `code`), math ($…$), HTML comments and URLs are left alone; `:` counts only
as punctuation (followed by a space or the end of the line), so emoji codes such as :material-x: stay.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBSP = "\u00a0"
# Parts of a line that are not French prose.
PROTECTED = re.compile(r"`[^`]*`|\$[^$]*\$|<!--.*?-->|<[^>]+>|https?://\S+|\]\([^)]*\)")
RULES = [
    (re.compile(r"(?<=\S) (?=[:;!?](?:\s|$))"), "avant « {} »"),
    (re.compile(r"(?<=\d) (?=%)"), "avant « % »"),
    (re.compile(r" (?=»)"), "avant « » »"),
    (re.compile(r"(?<=«) "), "après « « »"),
]
FENCE = re.compile(r"^\s*(```|~~~)")


def _fix_prose(text: str) -> tuple[str, list[str]]:
    problems, out, last = [], [], 0
    for match in list(PROTECTED.finditer(text)) + [None]:
        end = match.start() if match else len(text)
        chunk = text[last:end]
        for rule, what in RULES:
            for found in rule.finditer(chunk):
                following = chunk[found.end():found.end() + 1]
                problems.append(what.format(following))
            chunk = rule.sub(NBSP, chunk)
        out.append(chunk)
        if match:
            out.append(match.group(0))
            last = match.end()
    return "".join(out), problems


def check_file(path: Path, fix: bool = False) -> list[str]:
    """Problems as `file:line: message`; with fix=True, the file is rewritten with non-breaking spaces."""
    lines = path.read_text(encoding="utf-8").split("\n")
    problems, in_code = [], False
    for number, line in enumerate(lines, 1):
        if FENCE.match(line):
            in_code = not in_code
            continue
        if in_code:
            continue
        fixed, found = _fix_prose(line)
        problems += [f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{number}: "
                     f"espace ordinaire {what} ; mettez une espace insécable (ou lancez "
                     f"`python scripts/typographie.py --fix`)" for what in found]
        lines[number - 1] = fixed
    if fix and problems:
        path.write_text("\n".join(lines), encoding="utf-8")
    return problems


def pages() -> list[Path]:
    """The pages, and the Boîte à outils templates that they include (also published as .odt and .docx)."""
    return sorted((ROOT / "docs").rglob("*.md")) + sorted((ROOT / "includes" / "modeles").glob("*.md"))


def main(argv: list[str]) -> int:
    fix = "--fix" in argv
    files = [Path(a).resolve() for a in argv if a != "--fix"] or pages()
    problems = [p for f in files for p in check_file(f, fix)]
    if fix:
        print(f"{len(problems)} espace(s) corrigée(s)")
        return 0
    print("\n".join(problems) or "typographie : aucun problème")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
