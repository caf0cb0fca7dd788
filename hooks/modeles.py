"""The « Boîte à outils » templates: one Markdown source, shown in its page and downloadable as .odt and .docx.

A page includes a template with the snippets line `--8<-- "modeles/<nom>.md"` (the file lives in
includes/modeles/). For each such line, this hook converts the source with pandoc into <nom>.odt and
<nom>.docx, published next to the page, and puts the two download links just above the included text:
the page and the files say the same thing because they come from the same file.

A template is plain Markdown that both Python-Markdown and pandoc read the same way: it starts with a
`## ` heading (its title; it becomes the document's level-1 heading), uses `###` and `####` below it,
and holds none of the site's own syntax (`[@cle]` citations, `!!!` boxes, snippets). A missing or
malformed template stops the build with its file name.

The documents are made to be printed and filled by hand. pandoc reads the look from the reference
documents of includes/modeles/pandoc/ (A4, 2 cm margins, French, bordered tables: written by
scripts/modeles_reference.py from pandoc's defaults), and the filter modele.lua there renders check boxes
once, gives tables the full width and empty cells room to write, and makes hyphens between digits
non-breaking. The document's title (its properties: dc:title, core.xml) is the template's heading, shown
once. One thing the reference document cannot set: pandoc's ODT writer writes the style of table cells
itself, without borders (`fo:border="none"`), so `_odt_borders` gives those two styles a border.
"""
from __future__ import annotations

import functools
import hashlib
import io
import re
import zipfile
import tempfile
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

PANDOC = Path(__file__).resolve().parent.parent / "includes" / "modeles" / "pandoc"
INCLUDE = re.compile(r'^--8<-- "modeles/([^"]+)\.md"[ \t]*$', re.M)
FORMATS = {"odt": "au format ODT (LibreOffice)", "docx": "au format DOCX (Word)"}
SITE_SYNTAX = [
    (re.compile(r"\[@|; @"), "une citation `[@cle]` (donnez le texte et son lien en clair)"),
    (re.compile(r"^\s*(!!!|\?\?\?)", re.M), "un encadré `!!!` ou `???`"),
    (re.compile(r"--8<--"), "une inclusion `--8<--`"),
    (re.compile(r"^# ", re.M), "un titre de niveau 1 (`# `)"),
]


def _source(config, name: str) -> Path:
    return Path(config.config_file_path).parent / "includes" / "modeles" / f"{name}.md"


def check(path: Path) -> str:
    """The template's text, or a PluginError that names the file and says what to fix."""
    where = f"includes/modeles/{path.name}"
    if not path.is_file():
        raise PluginError(f"{where} : le modèle est introuvable. Créez ce fichier ou corrigez la ligne "
                          f"`--8<-- \"modeles/{path.name}\"` de la page qui l'inclut.")
    text = path.read_text(encoding="utf-8")
    if not text.startswith("## "):
        raise PluginError(f"{where} : un modèle commence par son titre, une ligne `## Titre du modèle`.")
    for pattern, what in SITE_SYNTAX:
        if pattern.search(text):
            raise PluginError(f"{where} : le modèle contient {what}, que le fichier téléchargé ne saurait pas "
                              "rendre. Un modèle ne contient que du Markdown simple (titres, listes, tableaux).")
    return text


def title(text: str) -> str:
    """The template's title: its first line, `## ` and Markdown emphasis removed."""
    return re.sub(r"[*_`]", "", text.splitlines()[0][3:]).strip()


def convert(path: Path, fmt: str) -> bytes:
    """The template as an .odt or .docx document (pandoc, from pypandoc-binary), its `<!-- date: id -->`
    markers replaced by the dates of includes/obligations.yml (hooks/obligations.py), as in the page."""
    return _pandoc(with_dates(path, check(path)), fmt, _assets())


def with_dates(path: Path, text: str) -> str:
    import sys
    hooks = str(Path(__file__).resolve().parent)
    if hooks not in sys.path:
        sys.path.insert(0, hooks)
    import obligations
    return obligations.remplacer_dates(text, path.parent.parent.parent, f"includes/modeles/{path.name}")


def _assets() -> str:
    """A fingerprint of the reference documents and the filter: changing them converts every template again."""
    digest = hashlib.sha1()
    for name in sorted(p.name for p in PANDOC.iterdir()):
        digest.update(name.encode() + (PANDOC / name).read_bytes())
    return digest.hexdigest()


@functools.lru_cache(maxsize=64)
def _pandoc(text: str, fmt: str, assets: str) -> bytes:
    """pandoc runs once per text and format: each rebuild of `mkdocs serve` reuses the documents of the
    templates that did not change (16 conversions took 1,6 s of every rebuild)."""
    import pypandoc
    args = ["--shift-heading-level-by=-1", "--metadata", "lang=fr-FR", "--metadata", f"title={title(text)}",
            f"--reference-doc={PANDOC / f'reference.{fmt}'}", f"--lua-filter={PANDOC / 'modele.lua'}"]
    if fmt == "odt":
        args.append(f"--template={PANDOC / 'modele.opendocument'}")
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"modele.{fmt}"
        pypandoc.convert_text(text, fmt, format="gfm", outputfile=str(target), extra_args=args)
        data = target.read_bytes()
    return _odt_borders(data) if fmt == "odt" else data


ODT_CELLS = re.compile(r'(<style:style style:name="Table(?:Header)?RowCell" style:family="table-cell">\s*'
                       r'<style:table-cell-properties) fo:border="none"')


def _odt_borders(data: bytes) -> bytes:
    """The .odt with a border around every table cell (see the module's docstring), the archive kept as is."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "content.xml":
                xml, count = ODT_CELLS.subn(r'\1 fo:border="0.5pt solid #000000" fo:padding="0.1cm"',
                                            content.decode("utf-8"))
                if "<table:table " in xml and count != 2:
                    raise PluginError("hooks/modeles.py : pandoc n'écrit plus les styles de cellule "
                                      "TableRowCell et TableHeaderRowCell attendus ; revoyez _odt_borders.")
                content = xml.encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


def on_files(files, config):
    for page in files.documentation_pages():
        if not page.src_uri.endswith(".md"):
            continue
        folder = page.src_uri.rsplit("/", 1)[0] + "/" if "/" in page.src_uri else ""
        for name in INCLUDE.findall(page.content_string):
            source = _source(config, name)
            for fmt in FORMATS:
                files.append(File.generated(config, f"{folder}{name}.{fmt}", content=convert(source, fmt)))
    return files


def on_page_markdown(markdown, page, config, files):
    def links(match):
        name = match.group(1)
        heading = check(_source(config, name)).splitlines()[0][3:].strip()
        formats = " ou ".join(f"[{label}]({name}.{fmt})" for fmt, label in FORMATS.items())
        return f"Télécharger «\u00a0{heading}\u00a0» à remplir\u00a0: {formats}.\n\n{match.group(0)}"
    return INCLUDE.sub(links, markdown)
