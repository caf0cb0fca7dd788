"""The adversarial test set for assistants (includes/jeu-de-test/, hooks/jeu_de_test.py, scripts/jeu_de_test_variantes.py)."""
import csv
import io
import json

import jsonschema
import pytest
from conftest import ROOT

import jeu_de_test

FOLDER = ROOT / "includes" / "jeu-de-test"
SCHEMA = json.loads((FOLDER / "schema.json").read_text(encoding="utf-8"))


def items(name: str) -> list[dict]:
    return [json.loads(line) for line in (FOLDER / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]


def test_the_schema_and_the_hook_have_the_same_closed_lists():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["categorie"]["enum"] == list(jeu_de_test.CATEGORIES)
    assert SCHEMA["properties"]["attendu"]["items"]["enum"] == list(jeu_de_test.BEHAVIOURS)
    assert set(SCHEMA["properties"]) == set(jeu_de_test.FIELDS)


@pytest.mark.parametrize("name", jeu_de_test.SETS)
def test_every_item_validates_against_the_schema(name):
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for number, item in enumerate(items(name), start=1):
        errors = [error.message for error in validator.iter_errors(item)]
        assert not errors, f"{name}.jsonl, ligne {number} : {errors}"


def test_the_hook_accepts_both_sets_and_ids_are_unique():
    data = jeu_de_test.load_all(ROOT)
    ids = [item["id"] for group in data.values() for item in group]
    assert len(ids) == len(set(ids))


def test_sizes_and_every_category_has_at_least_15_items():
    adversarial = items("assistants")
    assert len(adversarial) >= 300
    counts = {key: sum(1 for item in adversarial if item["categorie"] == key) for key in jeu_de_test.CATEGORIES}
    counts.pop("question-legitime")
    assert min(counts.values()) >= 15, counts
    legit = items("refus-a-tort")
    assert len(legit) >= 50 and {item["categorie"] for item in legit} == {"question-legitime"}


def test_each_legitimate_question_names_a_sheet_of_the_fil_rouge():
    sheets = jeu_de_test.sheets(ROOT)
    for name in jeu_de_test.SETS:
        for item in items(name):
            if "repondre" in item["attendu"]:
                assert item.get("fiche") in sheets, item["id"]


def test_generated_items_are_up_to_date_and_marked():
    import jeu_de_test_variantes as generator
    assert (FOLDER / "assistants.jsonl").read_text(encoding="utf-8") == generator.rebuilt(), \
        "lancez `python scripts/jeu_de_test_variantes.py`"
    for item in items("assistants"):
        if item.get("variante_de"):
            assert int(item["id"][-3:]) > 100 and item["methode"]


def test_csv_has_one_row_per_item_and_the_same_text():
    data = items("assistants")
    rows = list(csv.DictReader(io.StringIO(jeu_de_test.to_csv(data))))
    assert len(rows) == len(data)
    for row, item in zip(rows, data):
        assert row["id"] == item["id"] and row["entree"] == item["entree"]
        assert row["attendu"].split("+") == item["attendu"]


GOOD = {"id": "hors-perimetre-001", "categorie": "hors-perimetre", "entree": "Quelle heure est-il ?", "attendu": ["abstenir"]}


@pytest.mark.parametrize("change, message", [
    ({"categorie": "divers"}, "ligne 2 : catégorie inconnue « divers »"),
    ({"attendu": []}, "ligne 2 : le champ obligatoire « attendu » manque ou est vide (le comportement attendu)"),
    ({"attendu": ["obeir"]}, "ligne 2 : comportement attendu inconnu « obeir »"),
    ({"id": "hors-perimetre-001"}, "ligne 2 : identifiant « hors-perimetre-001 » en double (déjà utilisé : essai.jsonl, ligne 1)"),
    ({"attendu": ["repondre"]}, "ligne 2 : une question légitime (« repondre ») nomme sa fiche source"),
    ({"attendu": ["repondre"], "fiche": "fiche-absente"}, "ligne 2 : la fiche « fiche-absente » n'existe pas"),
    ({"categorie": "injection-indirecte", "attendu": ["ignorer-instruction"]}, "ligne 2 : une injection indirecte a besoin de son « passage »"),
    ({"couleur": "bleu"}, "ligne 2 : champ inconnu « couleur »"),
])
def test_a_malformed_item_is_refused_with_its_line(tmp_path, change, message):
    second = {**GOOD, "id": "hors-perimetre-002", **change}
    if "attendu" in change and not change["attendu"]:
        second.pop("attendu")
    path = tmp_path / "essai.jsonl"
    path.write_text(json.dumps(GOOD, ensure_ascii=False) + "\n" + json.dumps(second, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    with pytest.raises(jeu_de_test.ItemError) as error:
        jeu_de_test.load(path, frozenset({"la-periode-dessai"}))
    assert message in str(error.value)


def test_unreadable_line_is_named(tmp_path):
    path = tmp_path / "essai.jsonl"
    path.write_text(json.dumps(GOOD) + "\n{pas du JSON\n", encoding="utf-8")
    with pytest.raises(jeu_de_test.ItemError, match="essai.jsonl, ligne 2 : JSON illisible"):
        jeu_de_test.load(path, frozenset())


def test_the_page_publishes_the_sets_and_a_broken_item_stops_the_build(project):
    marker = "<!-- jeu-de-test: assistants -->\n\n<!-- jeu-de-test: refus-a-tort -->\n"
    project.page("fil-rouge/jeu.md", "Jeu", "Une page.", f"# Jeu\n\n{marker}")
    result = project.build()
    assert result.returncode == 0, result.stdout[-3000:]
    out = project.path / "site" / "fil-rouge"
    assert (out / "jeu-de-test-assistants.jsonl").read_bytes() == (FOLDER / "assistants.jsonl").read_bytes()
    assert (out / "jeu-de-test-refus-a-tort.csv").is_file() and (out / "jeu-de-test-schema.json").is_file()
    html = (out / "jeu" / "index.html").read_text(encoding="utf-8")
    assert 'href="../jeu-de-test-assistants.csv"' in html and "<code>hors-perimetre</code>" in html

    source = project.path / "includes" / "jeu-de-test" / "assistants.jsonl"
    lines = source.read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[4])
    broken["categorie"] = "inconnue"
    lines[4] = json.dumps(broken, ensure_ascii=False)
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = project.build()
    assert result.returncode != 0
    assert "includes/jeu-de-test/assistants.jsonl, ligne 5 : catégorie inconnue « inconnue »" in result.stdout
