"""The Boîte à outils templates (hooks/modeles.py): each one shown in its page and downloadable as .odt and .docx."""
import re
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

TEMPLATES = sorted((ROOT / "includes" / "modeles").glob("*.md"))
GOOD = ("## Fiche d'essai\n\nUn champ à remplir.\n\n### Première partie\n\n- [ ] Une case à cocher.\n\n"
        "| Question | Réponse |\n|---|---|\n| Finalité | … |\n\n#### Détail\n\nTexte.\n")


def headings(markdown: str) -> list[str]:
    """The template's headings, as the documents must show them (Markdown emphasis removed)."""
    return [re.sub(r"[*_`]", "", h).strip() for h in re.findall(r"^#{2,4} (.+)$", markdown, re.M)]


def plain(text: str) -> str:
    """A document's text with its non-breaking hyphens (U+2011, between digits) read as hyphens."""
    return text.replace("\u2011", "-").strip()


def docx_headings(data: bytes) -> list[str]:
    import io

    import docx
    document = docx.Document(io.BytesIO(data))
    return [plain(p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]


def odt_headings(data: bytes) -> list[str]:
    import io

    from odf import teletype, text
    from odf.opendocument import load
    document = load(io.BytesIO(data))
    return [plain(teletype.extractText(h)) for h in document.getElementsByType(text.H)]


def check_printable_docx(data: bytes, title: str) -> None:
    """A4 portrait, French, the title in the properties and shown once, bordered tables with room to write,
    check boxes without a bullet."""
    import io

    import docx
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert section.page_width is not None, "le document ne fixe pas de format de page"
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297), "pas au format A4"
    assert document.core_properties.title == title
    visible = [p.text for p in document.paragraphs]
    assert visible.count(title) == 1, f"le titre « {title} » doit apparaître une fois, pas {visible.count(title)}"
    styles = document.styles.element.xml
    assert re.search(r'<w:docDefaults>.*?<w:lang [^>]*w:val="fr-FR"', styles, re.S), "la langue par défaut n'est pas fr-FR"
    table_style = re.search(r'w:styleId="Table"[^>]*>.*?</w:style>', styles, re.S).group(0)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        assert re.search(rf'<w:{side} [^>]*w:val="single"', table_style), f"le style des tableaux n'a pas de bordure {side}"
    for table in document.tables:
        assert table.style.name == "Table"
        for row in table.rows[1:]:
            for cell in row.cells:
                assert cell.text.strip(" \n") or cell.text.count("\n") >= 1, "une cellule à remplir n'a pas de place"
    for paragraph in document.paragraphs:
        if paragraph.text.startswith("☐"):
            assert paragraph._p.pPr is None or paragraph._p.pPr.numPr is None, f"case avec puce : {paragraph.text}"


def check_printable_odt(data: bytes, title: str) -> None:
    """The same promises, read in the .odt's XML."""
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as archive:
        styles, content, meta = (archive.read(n).decode("utf-8") for n in ("styles.xml", "content.xml", "meta.xml"))
    assert 'fo:page-width="21cm"' in styles and 'fo:page-height="29.7cm"' in styles, "pas au format A4"
    default = re.search(r'<style:default-style style:family="paragraph">.*?</style:default-style>', styles, re.S)
    assert 'fo:language="fr"' in default.group(0) and 'fo:country="FR"' in default.group(0), "langue par défaut"
    assert f"<dc:title>{title}</dc:title>" in meta.replace("&#39;", "'").replace("&apos;", "'")
    assert 'text:style-name="Title"' not in content, "le titre est affiché deux fois"
    cells = set(re.findall(r'table:table-cell table:style-name="([^"]+)"', content))
    for name in cells:
        style = re.search(rf'<style:style style:name="{name}" style:family="table-cell">.*?</style:style>', content, re.S)
        assert style and 'fo:border="none"' not in style.group(0) and "fo:border=" in style.group(0), f"{name} sans bordure"
    assert "<table:table-cell " not in re.sub(r"<table:table-cell [^>]*>\s*<text:p", "", content), "cellule vide"
    for item in re.findall(r"<text:list-item>.*?</text:list-item>", content, re.S):
        assert "☐" not in item, "une case à cocher est précédée d'une puce"


def pages_including(name: str) -> list[Path]:
    return [p for p in (ROOT / "docs").rglob("*.md") if f'--8<-- "modeles/{name}.md"' in p.read_text(encoding="utf-8")]


def test_every_template_is_included_by_one_page():
    assert TEMPLATES, "includes/modeles/ ne contient aucun modèle"
    for source in TEMPLATES:
        assert len(pages_including(source.stem)) == 1, f"{source.name} doit être inclus par une page, et une seule"


@pytest.mark.parametrize("source", TEMPLATES, ids=lambda p: p.stem)
def test_downloads_open_and_have_the_headings_of_their_source(built_site, source):
    site, _ = built_site
    page = pages_including(source.stem)[0].relative_to(ROOT / "docs")
    folder = site / page.parent
    expected = headings(source.read_text(encoding="utf-8"))
    assert expected, f"{source.name} n'a aucun titre"
    docx_file, odt_file = folder / f"{source.stem}.docx", folder / f"{source.stem}.odt"
    assert docx_headings(docx_file.read_bytes()) == expected, docx_file
    assert odt_headings(odt_file.read_bytes()) == expected, odt_file
    html = (folder / page.stem / "index.html").read_text(encoding="utf-8")
    for name in (docx_file.name, odt_file.name):
        assert f'href="../{name}"' in html, f"la page {page} ne renvoie pas vers {name}"


@pytest.mark.parametrize("source", TEMPLATES, ids=lambda p: p.stem)
def test_every_template_prints_on_a4_in_french_with_boxes_to_fill(source):
    """Each template as converted by the build, read back (python-docx, the .odt's XML)."""
    import modeles
    text = source.read_text(encoding="utf-8")
    title = modeles.title(text)
    docx_data, odt_data = modeles.convert(source, "docx"), modeles.convert(source, "odt")
    check_printable_docx(docx_data, title)
    check_printable_odt(odt_data, title)
    assert docx_headings(docx_data) == headings(text)
    assert odt_headings(odt_data) == headings(text)


def test_a_template_is_converted_and_linked(project):
    (project.path / "includes" / "modeles").mkdir(exist_ok=True)
    (project.path / "includes" / "modeles" / "essai.md").write_text(GOOD, encoding="utf-8")
    project.page("outils/a.md", "A", "Une page.", '# A\n\n--8<-- "modeles/essai.md"\n')
    result = project.build()
    assert result.returncode == 0, result.stdout[-3000:]
    out = project.path / "site" / "outils"
    assert docx_headings((out / "essai.docx").read_bytes()) == headings(GOOD)
    assert odt_headings((out / "essai.odt").read_bytes()) == headings(GOOD)
    assert zipfile.is_zipfile(out / "essai.odt")
    check_printable_docx((out / "essai.docx").read_bytes(), "Fiche d'essai")
    check_printable_odt((out / "essai.odt").read_bytes(), "Fiche d'essai")
    html = (out / "a" / "index.html").read_text(encoding="utf-8")
    assert 'href="../essai.odt"' in html and 'href="../essai.docx"' in html and "Première partie" in html


def test_missing_template_fails_with_its_name(project):
    project.page("a.md", "A", "Une page.", '# A\n\n--8<-- "modeles/absent.md"\n')
    result = project.build()
    assert result.returncode != 0
    assert "includes/modeles/absent.md : le modèle est introuvable" in result.stdout


@pytest.mark.parametrize("text, message", [
    ("Pas de titre.\n", "un modèle commence par son titre"),
    ("## Fiche\n\nUne source [@vaswani2017attention].\n", "le modèle contient une citation `[@cle]`"),
    ("## Fiche\n\n!!! note \"Boîte\"\n    Texte.\n", "le modèle contient un encadré `!!!`"),
])
def test_malformed_template_fails_with_its_name(project, text, message):
    (project.path / "includes" / "modeles").mkdir(exist_ok=True)
    (project.path / "includes" / "modeles" / "casse.md").write_text(text, encoding="utf-8")
    project.page("a.md", "A", "Une page.", '# A\n\n--8<-- "modeles/casse.md"\n')
    result = project.build()
    assert result.returncode != 0
    assert f"includes/modeles/casse.md : {message}" in result.stdout


def test_a_changed_template_is_converted_again_and_an_unchanged_one_is_not(tmp_path, monkeypatch):
    """The conversion is kept for the rebuilds of `mkdocs serve`, by the template's text: never stale."""
    import modeles
    import pypandoc
    calls = []
    real = pypandoc.convert_text
    monkeypatch.setattr(pypandoc, "convert_text", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    modeles._pandoc.cache_clear()
    source = tmp_path / "essai.md"
    source.write_text(GOOD, encoding="utf-8")
    first = modeles.convert(source, "docx")
    assert modeles.convert(source, "docx") == first and len(calls) == 1
    changed = GOOD.replace("### Première partie", "### Partie modifiée")
    source.write_text(changed, encoding="utf-8")
    assert docx_headings(modeles.convert(source, "docx")) == headings(changed) and len(calls) == 2
