"""French spell check of the guide: every page and every Markdown cell of the notebooks (`make orthographe`).

    python scripts/orthographe.py [FICHIER ...]     # docs/**/*.md, CONTRIBUTING.md, notebooks/**/*.ipynb by default
    python scripts/orthographe.py --ajouter [FICHIER ...]   # adds every unknown word to the vocabulary:
                                                            # only after reading the list, then the diff

cspell (npm, with its French dictionary @cspell/dict-fr-fr) reads a copy of each text in which everything
that is not prose is blanked out, column for column, so that line numbers stay true: code (fences and
`inline`), URLs and link targets, citation keys [@...], formulas ($...$, $$...$$), HTML tags and comments,
attribute lists {...}, snippet lines. Words it accepts besides the dictionary:
- the house vocabulary, includes/vocabulaire.txt (one word a line; the field's terms, names, English words
  the guide uses);
- every acronym defined in includes/abbreviations.md (*[LLM]: ...).
Exit status 1 and one line per unknown word: file, line, word, and how to add a legitimate word.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VOCABULARY = "includes/vocabulaire.txt"
ABBREVIATIONS = "includes/abbreviations.md"
CSPELL = "node_modules/.bin/cspell"
DICTIONARY = "node_modules/@cspell/dict-fr-fr/cspell-ext.json"

# Blanked out (replaced by spaces, newlines kept): order matters, the longest constructs first.
FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,}).*?^\1\2[ \t]*$", re.M | re.S)
MULTILINE = [re.compile(p, re.S) for p in (
    r"<!--.*?-->",                                  # HTML comments
    r"\$\$.*?\$\$", r"\\\[.*?\\\]", r"\\\(.*?\\\)",  # display and inline math
)]
MASKS = [re.compile(p, re.M) for p in (
    r"(?<![\\\w$])\$(?=\S)[^$\n]+?(?<=\S)\$(?!\d)",   # $x$ (not a price such as 5 $)
    r"(`+).+?\1",                                   # inline code
    r"\[@[^\]]*\]", r"(?<![\w.])@[\w:.-]+",         # citation keys
    r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)",             # link targets ](url "title")
    r"^\[[^\]]+\]:.*$",                             # reference link definitions
    r"<[a-zA-Z/!][^>]*>",                           # HTML tags and their attributes
    r"\{[:.#][^}\n]*\}", r"\{\s*[.#][^}\n]*\}",     # attribute lists
    r"\b(?:https?|ftp|mailto):[^\s)>\]»]+", r"\bwww\.[^\s)>\]»]+",  # bare URLs
    r"\b[\w.-]+@[\w-]+\.[\w.-]+",                    # e-mail addresses
    r"\b[\w-]+(?:/[\w.-]+)+\b",                   # paths (words joined by a slash go with them)
    r"\b[\w-]+\.(?:md|ipynb|py|json|ya?ml|txt|csv|html|toml|cff|gguf|pdf|zip)\b",  # file names
    r"^\s*--8<--.*$",                               # snippets
    r"^\*\[[^\]]+\]:",                              # abbreviation keys (their definition is prose)
    r"^\s*(?:!!!|\?\?\?\+?)\s+[\w-]+",                 # admonition types (!!! tip "Titre")
    r"\\[a-z_]+\b",                                  # markers such as \full_bibliography
    r"\b[\w-]+(?:\.[\w-]+)*\.(?:fr|io|org|com|eu|net|gouv|ai|dev)\b",  # domain names
    r"^[a-z_]+:(?= )",                               # front matter keys
)]
UNKNOWN = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+) - Unknown word \((?P<word>[^)]+)\)")


def blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def mask(text: str) -> str:
    """The prose of a Markdown text, every other character replaced by a space (lines and columns kept)."""
    text = FENCE.sub(blank, text)
    # Indented code of a list or admonition cannot be told from indented prose: only fences count as code.
    for pattern in MULTILINE + MASKS:
        text = pattern.sub(blank, text)
    return text


def notebook_prose(path: Path) -> tuple[str, list[tuple[int, int]]]:
    """The notebook's Markdown cells, one after the other, and for each line its (cell number, line in cell)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    lines: list[str] = []
    where: list[tuple[int, int]] = []
    for number, cell in enumerate(cells, 1):
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for i, line in enumerate(mask(source).split("\n"), 1):
            lines.append(line)
            where.append((number, i))
    return "\n".join(lines) + "\n", where


def house_words(root: Path) -> list[str]:
    vocabulary = root / VOCABULARY
    lines = vocabulary.read_text(encoding="utf-8").splitlines() if vocabulary.exists() else []
    words = [w.strip() for w in lines if w.strip() and not w.startswith("#")]
    abbreviations = root / ABBREVIATIONS
    if abbreviations.exists():
        words += re.findall(r"^\*\[([^\]]+)\]:", abbreviations.read_text(encoding="utf-8"), re.M)
    return words


def default_files(root: Path) -> list[Path]:
    """The pages, CONTRIBUTING.md (published as the page « Contribuer ») and the notebooks."""
    contributing = [root / "CONTRIBUTING.md"] if (root / "CONTRIBUTING.md").exists() else []
    return sorted((root / "docs").rglob("*.md")) + contributing + sorted((root / "notebooks").rglob("*.ipynb"))


def check(files: list[Path], root: Path = ROOT) -> list[str]:
    """One French message per unknown word; empty when everything is spelled right."""
    cspell = ROOT / CSPELL
    if not cspell.exists():
        return [f"{CSPELL} est absent : lancez `make install` (npm ci installe cspell et son dictionnaire français)."]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        origins: dict[str, tuple[str, list[tuple[int, int]] | None]] = {}
        for n, path in enumerate(files):
            rel = path.relative_to(root).as_posix()
            if path.suffix == ".ipynb":
                text, where = notebook_prose(path)
            else:
                text, where = mask(path.read_text(encoding="utf-8")), None
            copy = tmp_path / f"{n:04d}.txt"
            copy.write_text(text, encoding="utf-8")
            origins[copy.name] = (rel, where)
        config = {
            "version": "0.2", "language": "fr", "import": [str(ROOT / DICTIONARY)],
            "words": house_words(root), "caseSensitive": True,
            # Names written in camel case (SwiGLU, CodeCarbon), starting with capitals (LLaMandement, DTNum)
            # or holding a digit (word2vec, gpt-4o) are names of things, not prose: cspell would split them.
            # « chef·fe » : the ending after a middle dot is not a word; « d'embedding » : the word after
            # an elided article is checked alone.
            "ignoreRegExpList": [r"/\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’](?=\p{L})/giu", r"/[\p{L}\d]*\p{Ll}\p{Lu}[\p{L}\d]*/gu", r"/\b\p{Lu}{2,}[\p{L}\d]*/gu",
                                 r"/[\p{L}\d]*\d[\p{L}\d]*/gu", r"/·\p{L}+/gu"],
            "minWordLength": 3, "allowCompoundWords": False,
        }
        (tmp_path / "cspell.json").write_text(json.dumps(config), encoding="utf-8")
        result = subprocess.run(
            [str(cspell), "lint", "--config", str(tmp_path / "cspell.json"), "--no-progress", "--no-summary",
             "--no-color", "--no-must-find-files", "--language-id", "plaintext", "--root", tmp, "*.txt"],
            cwd=tmp, capture_output=True, text=True)
    messages = []
    for line in result.stdout.splitlines():
        found = UNKNOWN.match(line)
        if not found:
            continue
        rel, where = origins[Path(found["file"]).name]
        number = int(found["line"])
        place = f"{rel}:{number}"
        if where:
            cell, cell_line = where[number - 1]
            place = f"{rel} (cellule {cell}, ligne {cell_line})"
        messages.append(f"{place} : « {found['word']} » est inconnu du dictionnaire français. Corrigez-le ; "
                        f"si le mot est juste (terme du domaine, nom propre, mot anglais d'usage), "
                        f"ajoutez-le sur une ligne de {VOCABULARY}.")
    if result.returncode not in (0, 1) or (result.returncode == 1 and not messages):
        messages.append(f"cspell a échoué ({result.returncode}) :\n{result.stderr[-2000:]}")
    return messages


def unknown_words(messages: list[str]) -> set[str]:
    return {m.split("« ")[1].split(" »")[0] for m in messages if " : « " in m}


def add_to_vocabulary(words: set[str], root: Path = ROOT) -> None:
    """Insert the words at their alphabetical place (case-insensitive), comments kept at the top."""
    path = root / VOCABULARY
    lines = path.read_text(encoding="utf-8").splitlines()
    comments = [line for line in lines if line.startswith("#")]
    entries = {line.strip() for line in lines if line.strip() and not line.startswith("#")} | words
    path.write_text("\n".join(comments + sorted(entries, key=lambda w: (w.lower(), w))) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    add = "--ajouter" in argv
    files = [Path(a).resolve() for a in argv if a != "--ajouter"] or default_files(ROOT)
    messages = check(files)
    for message in messages:
        print(message)
    words = unknown_words(messages)
    if add and words:
        add_to_vocabulary(words)
        print(f"{len(words)} mot(s) ajouté(s) à {VOCABULARY} : relisez le diff avant de committer.")
        return 0
    print(f"{len(files)} fichiers relus, {len(messages)} mot(s) inconnu(s)" + (f" ({len(words)} distincts)." if words else "."))
    return 1 if messages else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
