"""Every Markdown page declares `title` and `description` in its front matter (see CONTRIBUTING.md).

A page without them is reported as a warning, which strict mode turns into a failed build. So is a `mots_cles`
(the terms the page explains, for the search: hooks/search_ranking.py) that is not a list of terms.
"""
import logging

# MkDocs puts the hook's folder on sys.path while it loads it.
from search_ranking import is_key_terms

log = logging.getLogger("mkdocs.hooks.front_matter")
REQUIRED = ("title", "description")


def on_page_markdown(markdown, page, config, files):
    if not page.file.src_uri.endswith(".md"):
        return markdown
    for key in REQUIRED:
        value = page.meta.get(key)
        if not isinstance(value, str) or not value.strip():
            log.warning(
                "docs/%s : la clé `%s` manque dans l'en-tête YAML (front matter). "
                "Ajoutez en tête de page :\n---\ntitle: Titre de la page\ndescription: Une phrase qui résume la page.\n---",
                page.file.src_uri,
                key,
            )
    terms = page.meta.get("mots_cles")
    if terms is not None and not is_key_terms(terms):
        log.warning(
            "docs/%s : `mots_cles` doit être une liste de termes, par exemple :\nmots_cles: [RAG, reranking]",
            page.file.src_uri,
        )
    return markdown
