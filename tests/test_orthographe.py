"""French spelling of every page and notebook Markdown cell (scripts/orthographe.py, cspell + French dictionary)."""
from orthographe import add_to_vocabulary, check, default_files, mask, unknown_words

from conftest import ROOT


def test_the_guide_is_spelled_right():
    problems = check(default_files(ROOT))
    assert problems == [], "\n".join(problems[:40])


def test_a_typo_is_reported_with_its_place_and_the_way_to_accept_a_word(project):
    project.page("page.md", "Page", "Une page.",
                 "# Page\n\nLe modèle lit les donées.\n\n"
                 "Hors prose : `motcodee`, [lien](https://exemple.fr/motlienn), [@clefbidon], $\\alphaxx$.\n\n"
                 "```python\nimportt = 1\n```\n")
    project.notebook("nb.ipynb", [("md", "# Titre\n\nUne cellule juste."), ("code", "variablle = 1"),
                                  ("md", "Puis une\nerreurr ici.")])
    problems = check([project.path / "docs" / "page.md", project.path / "notebooks" / "nb.ipynb"], project.path)
    assert len(problems) == 2, problems
    line = (project.path / "docs" / "page.md").read_text(encoding="utf-8").split("\n").index("Le modèle lit les donées.") + 1
    assert problems[0].startswith(f"docs/page.md:{line} : « donées » est inconnu"), problems[0]
    assert problems[1].startswith("notebooks/nb.ipynb (cellule 3, ligne 2) : « erreurr »"), problems[1]
    assert all("ajoutez-le sur une ligne de includes/vocabulaire.txt" in p for p in problems)
    # A legitimate word added to the house vocabulary is accepted
    assert unknown_words(problems) == {"donées", "erreurr"}
    add_to_vocabulary({"erreurr"}, project.path)
    assert len(check([project.path / "notebooks" / "nb.ipynb"], project.path)) == 0
    lines = (project.path / "includes" / "vocabulaire.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#") and "erreurr" in lines


def test_accents_count_and_acronyms_of_the_glossary_are_words(project):
    page = project.path / "docs" / "page.md"
    project.page("page.md", None, None, "Une durée déterminee pour le LLM, chef·fe de projet, l'embedding.\n")
    problems = check([page], project.path)
    assert [p.split("« ")[1].split(" »")[0] for p in problems] == ["déterminee"], problems


def test_masking_keeps_lines_and_columns():
    text = "Du `code` et [un lien](https://x.fr/a) ici [@cle].\n$$\nx^2\n$$\nFin\n"
    masked = mask(text)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
    assert "code" not in masked and "x.fr" not in masked and "cle" not in masked and "x^2" not in masked
    assert "un lien" in masked and masked.index("Fin") == text.index("Fin")


def test_the_vocabulary_is_sorted_and_has_no_duplicates():
    lines = [w for w in (ROOT / "includes" / "vocabulaire.txt").read_text(encoding="utf-8").splitlines()
             if w and not w.startswith("#")]
    key = [(w.lower(), w) for w in lines]
    assert key == sorted(key), ("includes/vocabulaire.txt : gardez l'ordre alphabétique (sans distinction de casse) ; "
                                "premier mot mal placé : " + next(w for w, k, s in zip(lines, key, sorted(key)) if k != s))
    assert len(set(lines)) == len(lines), "includes/vocabulaire.txt : un mot figure deux fois"
