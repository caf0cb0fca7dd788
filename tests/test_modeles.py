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


def docx_headings(data: bytes) -> list[str]:
    import io

    import docx
    document = docx.Document(io.BytesIO(data))
    return [p.text.strip() for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]


def odt_headings(data: bytes) -> list[str]:
    import io

    from odf import teletype, text
    from odf.opendocument import load
    document = load(io.BytesIO(data))
    return [teletype.extractText(h).strip() for h in document.getElementsByType(text.H)]


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
