"""Versions: the selector only exists in a site deployed by mike; download links follow the version.

Material's selector fetches ../versions.json, which mike writes next to the version folders. A plain
`mkdocs build` or `mkdocs serve` has none: the selector is turned off there, instead of a 404 and a
console error on every page. mike sets MIKE_DOCS_VERSION while it builds.

Pull request previews (scripts/apercu.py) are built with KALLM_APERCU=<N>, outside mike: no selector,
the site URL of their folder pr-<N>/, a banner (overrides/main.html) and no indexing by search engines.
"""
import os
import re

MARKER = "<!-- telechargements -->"
EDITIONS = (("Le guide en PDF", "guide-kallm.pdf", "à imprimer ou à lire hors connexion"),
            ("L'édition hors ligne", "guide-kallm-hors-ligne.zip",
             "décompressez l'archive puis ouvrez `guide-kallm/index.html` : navigation, recherche et notebooks "
             "fonctionnent sans réseau"))


def preview_number() -> str | None:
    """The pull request number of a preview build, or None; anything but digits is refused."""
    number = os.environ.get("KALLM_APERCU", "").strip()
    if number and not number.isdigit():
        raise ValueError(f"KALLM_APERCU doit être un numéro de proposition (des chiffres), pas « {number} »")
    return number or None


def on_config(config):
    if not os.environ.get("MIKE_DOCS_VERSION"):
        config.extra.pop("version", None)
    number = preview_number()
    if number:
        config.extra["apercu"] = {"numero": number, "url": f"{config.repo_url.rstrip('/')}/pull/{number}"}
        config.site_url = f"{config.site_url.rstrip('/')}/pr-{number}/"
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
