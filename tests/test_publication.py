"""A citable guide: CITATION.cff is the one source of the citation on the site, of .zenodo.json and of the
release notes, which come from the section « Version X.Y » of docs/ce-qui-a-change.md."""
import datetime
import re
import shutil

import pytest

from citer import block, reference
from conftest import ROOT
from publication import ReleaseError, release_notes, zenodo_text

CHANGES = """---
title: Ce qui a changé
description: Les changements de chaque version.
---

# Ce qui a changé

## Version 1.1 — 2027-03-02

### Servir un modèle

- Un encadré sur les [serveurs d'inférence](production/servir-un-modele.md#serveurs).

## Version 1.0 — 2027-01-15

### Accueil

- Première version publiée, voir l'[accueil](index.md).

### Quantification

- Les formats [GGUF](quantification/formats-et-outils.md) et [la source](https://example.org/a.md).
"""


@pytest.fixture
def root(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "ce-qui-a-change.md").write_text(CHANGES, encoding="utf-8")
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    text = re.sub(r"^date-released:.*\n", "", text, flags=re.M)   # the fixture's own release date below
    text = text.replace(f'version: "{_cff_version()}"', 'version: "1.0"\ndate-released: 2027-01-15')
    (tmp_path / "CITATION.cff").write_text(text, encoding="utf-8")
    return tmp_path


def _cff_version():
    import yaml
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))["version"]


def test_release_notes_come_from_the_section_of_the_tag(root):
    notes = release_notes("v1.0", root)
    assert notes.startswith("# Le guide KALLM 1.0 — 2027-01-15\n\n### Accueil\n\n- Première version publiée")
    assert "Version 1.1" not in notes and "serveurs d'inférence" not in notes
    site = "https://etalab.github.io/programme10pourcent-kallm/1.0/"
    assert f"voir l'[accueil]({site})." in notes
    assert f"[GGUF]({site}quantification/formats-et-outils/)" in notes and "(https://example.org/a.md)" in notes
    assert "Pour citer cette version : Camille André, Faheem Beg, Camille Brier et al." in notes
    assert "Version 1.0. Programme 10\u00a0% (DINUM, Insee), 2027." in notes


def test_a_tag_without_its_section_or_with_a_stale_citation_file_is_refused(root):
    with pytest.raises(ReleaseError, match=r"pas de section « ## Version 2\.0 — AAAA-MM-JJ »"):
        release_notes("v2.0", root)
    with pytest.raises(ReleaseError, match="CITATION.cff décrit la version 1.0 du 2027-01-15, l'étiquette v1.1"):
        release_notes("v1.1", root)
    with pytest.raises(ReleaseError, match="n'est pas une étiquette de version"):
        release_notes("1.0", root)
    (root / "docs" / "ce-qui-a-change.md").unlink()
    with pytest.raises(ReleaseError, match="ce-qui-a-change.md est absent"):
        release_notes("v1.0", root)


def test_zenodo_metadata_follow_citation_file():
    assert (ROOT / ".zenodo.json").read_text(encoding="utf-8") == zenodo_text(), (
        ".zenodo.json ne correspond plus à CITATION.cff : lancez `python scripts/publication.py zenodo` et committez")


def test_the_citation_names_the_version_being_read(monkeypatch):
    import yaml
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    for name in ("MIKE_DOCS_VERSION", "KALLM_VERSION", "KALLM_APERCU"):
        monkeypatch.delenv(name, raising=False)
    assert "Vous lisez la version de développement (dev)" in block(cff)
    monkeypatch.setenv("KALLM_VERSION", "v1.3")
    text = block(cff)
    assert "Vous lisez la version 1.3." in text and "programme10pourcent-kallm/1.3/" in text
    assert "version      = {1.3}" in text
    monkeypatch.setenv("KALLM_APERCU", "42")
    assert "un aperçu de la proposition n°\u00a042" in block(cff)
    line = reference(cff, "1.0", datetime.date(2027, 5, 1))
    assert line.endswith("Disponible à l'adresse\u00a0: https://etalab.github.io/programme10pourcent-kallm/1.0/ "
                         "(consulté le [date de votre consultation]).")


def test_home_page_tells_how_to_cite(project):
    shutil.copy(ROOT / "CITATION.cff", project.path / "CITATION.cff")
    project.page("index.md", "Accueil", "Une phrase.", "# Accueil\n\n## Citer ce guide\n\n<!-- citer -->\n")
    result = project.build()
    assert result.returncode == 0, result.stdout[-3000:]
    page = (project.path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Vous lisez la version de développement" in page and "@misc" in page and "guide_kallm" in page
    assert "<!-- citer -->" not in page
