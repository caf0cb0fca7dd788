"""Writes the pandoc reference documents of the Boîte à outils templates (hooks/modeles.py).

    python scripts/modeles_reference.py

It starts from pandoc's own default reference documents (`pandoc --print-default-data-file reference.docx`,
`reference.odt`) and changes only what a person who prints a template and fills it needs:

- A4 paper, portrait, 2 cm margins (pandoc's defaults are US Letter, 1 inch);
- French (fr-FR) as the language of the default style, so Word and LibreOffice spell-check in French;
- docx: the « Table » style draws every border of every cell (pandoc's draws only the rule under the header
  row) and sets its text in 10 pt, so that a table of five columns fits the width of the page; the « Title » style, where the title of the template is shown, sits at outline level 1, so Word's
  navigation pane and tables of contents list it like a heading; it is left-aligned, in 20 pt.

The two files go to includes/modeles/pandoc/ and are committed: run this script again only to change the
look of every template, then commit the two files it writes. The same pandoc as the build's (pypandoc-binary)
is used, and the files are written with fixed dates, so two runs give the same bytes.
"""
from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "includes" / "modeles" / "pandoc"

A4_DOCX = ('<w:pgSz w:w="11906" w:h="16838" w:orient="portrait" />'
           '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" '
           'w:header="567" w:footer="567" w:gutter="0" />')
BORDERS_DOCX = ("<w:tblBorders>" + "".join(
    f'<w:{side} w:val="single" w:sz="6" w:space="0" w:color="000000" />'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>")


def pandoc_default(name: str) -> bytes:
    import pypandoc
    return subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file", name],
                          check=True, capture_output=True).stdout


def replace_once(text: str, pattern: str, new: str, where: str) -> str:
    result, count = re.subn(pattern, new, text, count=1, flags=re.S)
    if count != 1:
        raise SystemExit(f"{where} : motif introuvable dans le document de référence de pandoc : {pattern}")
    return result


def docx_part(name: str, text: str) -> str:
    if name == "word/document.xml":
        return replace_once(text, r"<w:sectPr>(.*?)</w:sectPr>", rf"<w:sectPr>\1{A4_DOCX}</w:sectPr>", name)
    if name == "word/styles.xml":
        text = replace_once(text, r'(w:styleId="Table">.*?)<w:tblPr>',
                            rf'\1<w:rPr><w:sz w:val="20" /><w:szCs w:val="20" /></w:rPr><w:tblPr>{BORDERS_DOCX}', name)
        text = replace_once(text, r'(w:styleId="Table">.*?<w:tblCellMar>\s*)<w:top w:w="0"', r'\1<w:top w:w="57"',
                            name)
        text = replace_once(text, r'(w:styleId="Table">.*?<w:tblCellMar>.*?)<w:bottom w:w="0"',
                            r'\1<w:bottom w:w="57"', name)
        text = replace_once(text, r'(w:styleId="Title">.*?<w:pPr>)', r'\1<w:outlineLvl w:val="0" />', name)
        text = replace_once(text, r'(w:styleId="Title">.*?)<w:jc w:val="center" />', r'\1', name)
        text = replace_once(text, r'(w:styleId="Title">.*?)<w:sz w:val="56" />\s*<w:szCs w:val="56" />',
                            r'\1<w:sz w:val="40" /><w:szCs w:val="40" />', name)
        return re.sub(r'<w:lang w:val="[^"]*"', '<w:lang w:val="fr-FR"', text)
    if name == "word/settings.xml":
        return re.sub(r'<w:themeFontLang [^>]*/>', '<w:themeFontLang w:val="fr-FR" />', text)
    return text


def odt_part(name: str, text: str) -> str:
    if name == "styles.xml":
        text = replace_once(text, r'fo:page-width="[^"]*"\s+fo:page-height="[^"]*"',
                            'fo:page-width="21cm" fo:page-height="29.7cm"', name)
        for side in ("top", "bottom", "left", "right"):
            text = replace_once(text, rf'(<style:page-layout-properties[^>]*?)fo:margin-{side}="[^"]*"',
                                rf'\1fo:margin-{side}="2cm"', name)
        text = re.sub(r'fo:language="en"\s+fo:country="US"', 'fo:language="fr" fo:country="FR"', text)
    return text


def rewrite(data: bytes, change) -> bytes:
    """The same archive with each XML part passed through `change`, the mimetype first and stored (ODF)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = sorted(source.namelist(), key=lambda n: n != "mimetype")
        for name in names:
            content = source.read(name)
            if name.endswith(".xml"):
                content = change(name, content.decode("utf-8")).encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=(2026, 12, 6, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    (TARGET / "reference.docx").write_bytes(rewrite(pandoc_default("reference.docx"), docx_part))
    (TARGET / "reference.odt").write_bytes(rewrite(pandoc_default("reference.odt"), odt_part))
    print(f"Écrit : {TARGET.relative_to(ROOT)}/reference.docx et reference.odt")


if __name__ == "__main__":
    main()
