"""Versions: the selector only exists in a site deployed by mike; download links follow the version.

Material's selector fetches ../versions.json, which mike writes next to the version folders. A plain
`mkdocs build` or `mkdocs serve` has none: the selector is turned off there, instead of a 404 and a
console error on every page. mike sets MIKE_DOCS_VERSION while it builds.
"""
import os
import re

MARKER = "<!-- telechargements -->"
EDITIONS = (("Le guide en PDF", "guide-kallm.pdf", "à imprimer ou à lire hors connexion"),
            ("L'édition hors ligne", "guide-kallm-hors-ligne.zip",
             "décompressez l'archive puis ouvrez `guide-kallm/index.html` : navigation, recherche et notebooks "
             "fonctionnent sans réseau"))


def on_config(config):
    if not os.environ.get("MIKE_DOCS_VERSION"):
        config.extra.pop("version", None)
    return config


def release_url(repo_url: str, version: str | None, asset: str) -> str:
    """The GitHub release asset of this version (tag vX.Y); the latest release for dev builds."""
    if version and re.fullmatch(r"\d+(\.\d+)+", version):
        return f"{repo_url.rstrip('/')}/releases/download/v{version}/{asset}"
    return f"{repo_url.rstrip('/')}/releases/latest/download/{asset}"


def on_page_markdown(markdown, page, config, files):
    """`<!-- telechargements -->` becomes the list of the editions of this version (scripts/editions.py)."""
    if MARKER not in markdown:
        return markdown
    version = os.environ.get("MIKE_DOCS_VERSION")
    label = f"version {version}" if version and version[0].isdigit() else "dernière version publiée"
    items = "\n".join(f"- [{title}]({release_url(config.repo_url, version, asset)}) ({label}) : {what}."
                       for title, asset, what in EDITIONS)
    return markdown.replace(MARKER, items)
