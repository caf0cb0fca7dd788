"""The version selector only exists in a site deployed by mike.

Material's selector fetches ../versions.json, which mike writes next to the version folders. A plain
`mkdocs build` or `mkdocs serve` has none: the selector is turned off there, instead of a 404 and a
console error on every page. mike sets MIKE_DOCS_VERSION while it builds.
"""
import os


def on_config(config):
    if not os.environ.get("MIKE_DOCS_VERSION"):
        config.extra.pop("version", None)
    return config
