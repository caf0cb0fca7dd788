"""The library of public use cases (hooks/cas_usage.py, includes/cas-usage.yml, docs/cas-usage/administration.md).

The data file follows one schema: every record has a status, a date and a source URL, and a record that
lacks one stops the build with its name. In Chromium the table filters by domain, technique and status;
without JavaScript the whole table and every record show. (axe, in both palettes, with a filter applied:
tests/test_accessibility.py.)
"""
from __future__ import annotations

import copy

import pytest
import yaml
from cas_usage import STATUTS, rendre, verifier
from conftest import ROOT
from outils import bib_keys

DONNEES = ROOT / "includes" / "cas-usage.yml"
PAGE = ROOT / "docs" / "cas-usage" / "administration.md"
PAGE_URL = "cas-usage/administration/"


def _donnees() -> dict:
    return yaml.safe_load(DONNEES.read_text(encoding="utf-8"))


def test_every_record_follows_the_schema_and_cites_a_source():
    from typographie import check_file
    donnees = _donnees()
    assert verifier(donnees, "includes/cas-usage.yml", bib_keys(ROOT)) == []
    cas = donnees["cas"]
    assert len(cas) >= 15, f"{len(cas)} cas : la bibliothèque en demande au moins 15"
    for c in cas:
        assert c["statut"] in STATUTS and c["date"] and c["source_url"].startswith("https://"), c["id"]
        assert c["sources"], c["id"]
    assert sum(c["pays"] == "France" for c in cas) > len(cas) / 2, "les cas français d'abord"
    assert any(c["statut"] == "arrete" for c in cas), "les arrêts documentés ont leur place"
    assert check_file(DONNEES) == []  # French typography, as in the pages
    assert "<!-- cas-usage -->" in PAGE.read_text(encoding="utf-8")


def test_the_guard_names_each_faulty_record():
    donnees = _donnees()
    casse = copy.deepcopy(donnees)
    premier, deuxieme, troisieme = casse["cas"][:3]
    del premier["source_url"]
    deuxieme["statut"] = "termine"
    deuxieme["date"] = "2026-13"
    troisieme["sources"] = ["cle2099inventee"]
    casse["cas"].append(copy.deepcopy(donnees["cas"][3]))
    problemes = verifier(casse, "includes/cas-usage.yml", bib_keys(ROOT))
    assert any(f"cas « {premier['id']} » : clé(s) manquante(s) ou vide(s) : source_url" in p for p in problemes), problemes
    assert any(f"cas « {deuxieme['id']} » : statut « termine » inconnu" in p for p in problemes), problemes
    assert any(f"cas « {deuxieme['id']} » : date « 2026-13 » mal écrite" in p for p in problemes), problemes
    assert any(f"cas « {troisieme['id']} » : la source « cle2099inventee »" in p for p in problemes), problemes
    assert any(f"l'identifiant « {donnees['cas'][3]['id']} » apparaît deux fois" in p for p in problemes), problemes
    assert all(p.startswith("includes/cas-usage.yml : ") for p in problemes), problemes
    assert verifier({"cas": []}, "f.yml") == ["f.yml : la liste « cas » manque ou est vide."]


def test_the_table_has_one_filterable_row_and_one_section_per_record():
    cas = _donnees()["cas"]
    sortie = rendre(cas)
    assert sortie.count("<tr data-domaine=") == len(cas)
    assert '<form class="kallm-outil kallm-cas-filtres"' in sortie and "hidden>" in sortie.split("\n")[0]
    for c in cas:
        assert f'href="#{c["id"]}"' in sortie and f'{{#{c["id"]}}}' in sortie, c["id"]
    assert sortie.count('!!! warning "Source de presse"') == sum(1 for c in cas if c.get("presse"))


def test_a_record_without_source_stops_the_build_with_its_name(project):
    donnees = _donnees()
    del donnees["cas"][0]["source_url"]
    (project.path / "includes" / "cas-usage.yml").write_text(yaml.safe_dump(donnees, allow_unicode=True),
                                                          encoding="utf-8")
    project.page("cas.md", "Cas", "Une page avec la bibliothèque.", "# Cas\n\n<!-- cas-usage -->\n")
    result = project.build()
    assert result.returncode != 0
    assert (f"includes/cas-usage.yml : cas « {donnees['cas'][0]['id']} » : clé(s) manquante(s) ou vide(s) : "
            "source_url") in result.stdout


# ---- The page in Chromium ------------------------------------------------------------------------

def test_the_filters_reduce_the_table_and_say_how_many_cases_remain(chromium, site_url):
    from browser import Visit
    cas = _donnees()["cas"]
    visit = Visit(chromium, site_url + PAGE_URL)
    try:
        page = visit.page
        lignes = page.locator(".kallm-cas-tableau tbody tr")
        assert page.locator(".kallm-cas-filtres").is_visible()
        assert lignes.count() == len(cas)
        page.select_option("#cas-filtre-statut", "arrete")
        arretes = [c for c in cas if c["statut"] == "arrete"]
        assert page.locator(".kallm-cas-tableau tbody tr:not([hidden])").count() == len(arretes)
        assert f"{len(arretes)} cas sur {len(cas)}" in page.inner_text(".kallm-cas-compte")
        page.select_option("#cas-filtre-statut", "")
        page.focus("#cas-filtre-technique")                       # the keyboard works too
        page.keyboard.press("ArrowDown")
        visibles = page.locator(".kallm-cas-tableau tbody tr:not([hidden])").count()
        assert 0 < visibles < len(cas)
        assert page.get_attribute(".kallm-cas-compte", "role") == "status"
        assert visit.console_errors == [] and visit.external_requests == []
    finally:
        visit.close()


def test_without_javascript_every_record_shows_and_the_form_stays_hidden(chromium, site_url):
    cas = _donnees()["cas"]
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + PAGE_URL)
        assert page.locator(".kallm-cas-tableau tbody tr:not([hidden])").count() == len(cas)
        assert not page.locator(".kallm-cas-filtres").is_visible()
        for c in cas:
            assert page.locator(f"h3#{c['id']}").count() == 1, c["id"]
    finally:
        context.close()
