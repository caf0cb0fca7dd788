"""Citations are `[@key]` or `[@key1; @key2]`, nothing else inside the brackets, and every key exists.

mkdocs-bibtex in CSL mode silently drops a prefix or a locator (`[voir @key, p. 3]` shows only the note
number): such a citation is reported as a warning, which strict mode turns into a failed build.
A key that bibliography.bib does not hold would make mkdocs-bibtex stop on a Python traceback (KeyError):
it stops the build here instead, with the page, the key and the closest keys of the bibliography.
"""
import difflib
import logging
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs_bibtex.citation import CitationBlock

log = logging.getLogger("mkdocs.hooks.citations")
BRACKETS = re.compile(r"\[([^\[\]\n]*(?<![\w.])@\w[^\[\]\n]*)\]")
PLAIN = re.compile(r"@[\w:.\-/]+(\s*;\s*@[\w:.\-/]+)*")


def unknown_keys(markdown: str, known) -> list[str]:
    """The cited keys (as mkdocs-bibtex reads them) that are not in `known`, in order, once each."""
    cited = (c.key for block in CitationBlock.from_markdown(markdown) for c in block.citations)
    return list(dict.fromkeys(key for key in cited if key not in known))


def unknown_keys_message(where: str, unknown: list[str], known) -> str:
    lines = [f"{where} : clé de citation inconnue de bibliography.bib :"]
    for key in unknown:
        close = difflib.get_close_matches(key, list(known), n=3, cutoff=0.6)
        hint = ("clés proches : " + ", ".join(f"@{k}" for k in close)) if close else "aucune clé proche"
        lines.append(f"  @{key} ({hint})")
    lines.append("Corrigez la clé dans la page, ou ajoutez l'entrée à bibliography.bib (voir CONTRIBUTING.md, "
                 "« Citer une source »).")
    return "\n".join(lines)


@event_priority(100)  # before mkdocs-bibtex replaces the citations
def on_page_markdown(markdown, page, config, files):
    where = f"docs/{page.file.src_uri}"
    for block in BRACKETS.findall(markdown):
        if not PLAIN.fullmatch(block.strip()):
            log.warning("%s : la citation « [%s] » porte un préfixe ou une localisation, que le style "
                        "de citation ignorerait en silence ; n'écrivez que les clés entre crochets ([@cle] ou "
                        "[@cle1; @cle2]) et la page ou la section dans la phrase.", where, block)
    known = config.plugins["bibtex"].registry.bib_data.entries
    unknown = unknown_keys(markdown, known)
    if unknown:
        raise PluginError(unknown_keys_message(where, unknown, known))
    return markdown
