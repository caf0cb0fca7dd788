"""Serve fonts, KaTeX, Mermaid and JSZip from the pinned npm packages (package.json), never from a CDN.

The files are read from node_modules/ (installed by `npm ci`, see the Makefile) and added to the
build as generated files under assets/vendor/: nothing is copied into docs/ or committed.
"""
from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

# Two faces of Roboto, regular and bold (about 22 Ko each, Latin subset): the page weight budget of
# 150 Kio (scripts/poids.py) leaves no room for more. Italics are slanted by the browser; code uses the
# system's monospace font (docs/stylesheets/extra.css); Material's light 300 headings are set to 400.
FONTS = {
    "roboto": ["400", "700"],
}
SUBSETS = ["latin", "latin-ext"]  # French needs nothing else
KATEX_FILES = ["katex.min.css"]  # formulas are typeset at build time (hooks/formulas.py): no script
FONT_URL = re.compile(r"url\(\./files/([^)]+)\)")


def _node_modules(config) -> Path:
    path = Path(config.config_file_path).parent / "node_modules"
    if not (path / "katex").is_dir():
        raise PluginError(
            f"{path}/katex est introuvable : les paquets npm ne sont pas installés. "
            "Lancez `make install` (ou `npm ci`) à la racine du dépôt."
        )
    return path


def vendor_files(node_modules: Path) -> dict[str, str | Path]:
    """Map each published path (under assets/vendor/) to a file in node_modules or to generated CSS."""
    out: dict[str, str | Path] = {}
    katex = node_modules / "katex" / "dist"
    for name in KATEX_FILES:
        out[f"assets/vendor/katex/{name}"] = katex / name
    for font in sorted((katex / "fonts").iterdir()):
        out[f"assets/vendor/katex/fonts/{font.name}"] = font
    out["assets/vendor/mermaid/mermaid.min.js"] = node_modules / "mermaid" / "dist" / "mermaid.min.js"
    out[IFRAME_WORKER] = node_modules / "iframe-worker" / "shim" / "index.js"
    # The project file's rules engine (docs/javascripts/outils/dossier-regles.js) evaluates its conditions with it.
    out["assets/vendor/json-logic-js/logic.js"] = node_modules / "json-logic-js" / "logic.js"
    # « Constituer le dossier du projet » fills the templates in the browser; loaded on a download only.
    out["assets/vendor/jszip/jszip.min.js"] = node_modules / "jszip" / "dist" / "jszip.min.js"
    for family, styles in FONTS.items():
        package = node_modules / "@fontsource" / family
        css = []
        for subset in SUBSETS:
            for style in styles:
                text = (package / f"{subset}-{style}.css").read_text(encoding="utf-8")
                for name in FONT_URL.findall(text):
                    out[f"assets/vendor/fonts/files/{name}"] = package / "files" / name
                css.append(text)
        out[f"assets/vendor/fonts/{family}.css"] = "\n".join(css)
    return out


IFRAME_WORKER = "assets/vendor/iframe-worker/shim.js"


@event_priority(-100)  # after Material's offline plugin, which adds the shim from unpkg.com
def on_config(config):
    """Offline edition: the search worker's file:// shim comes from the pinned npm package, not a CDN."""
    polyfills = config.extra.get("polyfills") or []
    if any("iframe-worker" in p for p in polyfills):
        config.extra["polyfills"] = [p for p in polyfills if "iframe-worker" not in p] + [IFRAME_WORKER]
    return config


def on_files(files, config):
    for uri, source in vendor_files(_node_modules(config)).items():
        if isinstance(source, Path):
            if not source.is_file():
                raise PluginError(f"{source} manque : relancez `npm ci` (package-lock.json a peut-être changé).")
            files.append(File.generated(config, uri, abs_src_path=str(source)))
        else:
            files.append(File.generated(config, uri, content=source))
    return files
