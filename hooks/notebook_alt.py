"""Notebook figures carry their own French text alternative onto the page.

mkdocs-jupyter writes every notebook image with the alternative « No description has been provided
for this image », which tells a screen-reader user nothing (RGAA criterion 1.3). A notebook shows a
figure with `fil_rouge.montrer(fig, "what it shows and its main reading")`, which stores the text in
the output's metadata (`image/png` → `alt`, as IPython's `Image(..., alt=...)` does). This hook puts
that text on each image of the page, in order, and stops the build, naming the notebook and the cell,
when a figure has none (for example a bare `plt.show()`).
"""
from __future__ import annotations

import html
import re

import nbformat
from mkdocs.exceptions import PluginError

IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
# An image output as nbconvert's lab template writes it: the wrapper div, then the <img> tag.
RENDERED_IMAGE = re.compile(r'(<div class="jp-RenderedImage[^"]*"[^>]*>\s*<img\b)([^>]*?)(\s*/?>)')
ALT = re.compile(r'\salt="[^"]*"')


def figure_alternatives(nb) -> list[tuple[int, str | None]]:
    """(code cell number, alternative or None) for each image output, in page order."""
    found = []
    number = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        number += 1
        for output in cell.get("outputs", []):
            kinds = [k for k in IMAGE_TYPES if k in output.get("data", {})]
            if not kinds:
                continue
            alt = (output.get("metadata", {}).get(kinds[0], {}) or {}).get("alt")
            found.append((number, alt.strip() if isinstance(alt, str) and alt.strip() else None))
    return found


def on_page_content(content, page, config, files):
    uri = page.file.src_uri
    if not uri.endswith(".ipynb"):
        return content
    nb = nbformat.read(page.file.abs_src_path, as_version=4)
    figures = figure_alternatives(nb)
    missing = [number for number, alt in figures if alt is None]
    if missing:
        cells = ", ".join(f"n° {n}" for n in dict.fromkeys(missing))
        raise PluginError(
            f"notebooks/{uri} : la figure de la cellule de code {cells} n'a pas de texte alternatif. "
            "Affichez-la avec `fil_rouge.montrer(fig, \"ce que montre la figure et sa lecture principale\")` "
            "(ou `IPython.display.Image(..., alt=...)`) au lieu de `plt.show()`.")
    images = iter(figures)

    def describe(match: re.Match) -> str:
        try:
            _, alt = next(images)
        except StopIteration:  # an image the notebook's outputs do not account for
            raise PluginError(f"notebooks/{uri} : la page contient plus d'images que les sorties du notebook ; "
                              "signalez-le (hooks/notebook_alt.py).") from None
        attributes = ALT.sub("", match[2])
        return f'{match[1]}{attributes} alt="{html.escape(alt, quote=True)}"{match[3]}'

    content, described = RENDERED_IMAGE.subn(describe, content)
    if described != len(figures):  # the page's markup changed (mkdocs-jupyter or nbconvert update)
        raise PluginError(f"notebooks/{uri} : {len(figures)} figures dans le notebook, {described} trouvées dans "
                          "la page ; adaptez RENDERED_IMAGE dans hooks/notebook_alt.py au nouveau balisage.")
    return content
