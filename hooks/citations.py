"""Citations are `[@key]` or `[@key1; @key2]`, nothing else inside the brackets.

mkdocs-bibtex in CSL mode silently drops a prefix or a locator (`[voir @key, p. 3]` shows only the note
number): such a citation is reported as a warning, which strict mode turns into a failed build.
Unknown keys are reported by mkdocs-bibtex itself.
"""
import logging
import re

from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.citations")
BRACKETS = re.compile(r"\[([^\[\]\n]*(?<![\w.])@\w[^\[\]\n]*)\]")
PLAIN = re.compile(r"@[\w:.\-/]+(\s*;\s*@[\w:.\-/]+)*")


@event_priority(100)  # before mkdocs-bibtex replaces the citations
def on_page_markdown(markdown, page, config, files):
    for block in BRACKETS.findall(markdown):
        if not PLAIN.fullmatch(block.strip()):
            log.warning("docs/%s : la citation « [%s] » porte un préfixe ou une localisation, que le style "
                        "de citation ignorerait en silence ; n'écrivez que les clés entre crochets ([@cle] ou "
                        "[@cle1; @cle2]) et la page ou la section dans la phrase.", page.file.src_uri, block)
    return markdown
