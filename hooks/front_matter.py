"""Every Markdown page declares `title` and `description` in its front matter (see CONTRIBUTING.md).

A page without them is reported as a warning, which strict mode turns into a failed build.
"""
import logging

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
    return markdown
