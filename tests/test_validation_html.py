"""scripts/validation_html.py: the weekly job reports the Nu checker's errors that the reference does not know."""
import json

import pytest
import validation_html
from validation_html import compare, main, markdown, parse, read_reference

THEME = "Bad value “” for attribute “tabindex” on element “label”: The empty string is not a valid integer."
NEW = "Element “p” not allowed as child of element “span” in this context. (Suppressing further errors from this subtree.)"
GONE = "Attribute “scoped” not allowed on element “style” at this point."


def _report(site, *errors):
    return json.dumps({"messages": [{"type": kind, "url": f"file:{site.resolve().as_posix()}/{page}",
                                     "message": message} for kind, page, message in errors]})


@pytest.fixture
def site(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<!doctype html>", encoding="utf-8")
    return tmp_path / "site"


def test_a_new_error_is_reported_with_its_pages_and_a_known_one_is_not(site, tmp_path):
    errors = parse(_report(site, ("error", "index.html", THEME), ("error", "a/index.html", THEME),
                           ("error", "a/index.html", NEW), ("error", "b/index.html", NEW),
                           ("error", "b/index.html", NEW), ("info", "b/index.html", "Trailing slash.")), site)
    assert errors[0] == ("index.html", THEME) and len(errors) == 5
    reference = tmp_path / "connues.txt"
    reference.write_text(f"# provenance : Material\n\n{THEME}\n{GONE}\n", encoding="utf-8")
    known = read_reference(reference)
    assert known == {THEME, GONE}
    new, gone = compare(errors, known)
    assert new == {NEW: ["a/index.html", "b/index.html"]} and gone == [GONE]
    text = markdown(errors, new, gone)
    assert "5 erreur(s) sur 3 page(s), dont 3 de 1 type(s) nouveau(x)" in text
    assert f"- {NEW} (3 fois) : a/index.html, b/index.html" in text
    assert f"### Erreurs connues disparues (à retirer du fichier de référence)\n\n- {GONE}" in text
    assert THEME not in text.split("### Erreurs connues disparues")[0]


def test_the_command_fails_on_a_new_error_only(site, tmp_path, monkeypatch, capsys):
    reference = tmp_path / "connues.txt"
    reference.write_text(THEME + "\n", encoding="utf-8")
    monkeypatch.setattr(validation_html, "REFERENCE", reference)
    monkeypatch.setattr(validation_html, "ROOT", tmp_path)
    found = [("index.html", THEME)]
    monkeypatch.setattr(validation_html, "nu_errors", lambda site, jar: list(found))
    rapport = tmp_path / "sante" / "html.md"
    assert main([str(site), "--rapport", str(rapport)]) == 0
    assert "dont 0 de 0 type(s) nouveau(x)" in rapport.read_text(encoding="utf-8")
    found.append(("a/index.html", NEW))
    assert main([str(site), "--rapport", str(rapport)]) == 1
    assert f"- {NEW} (1 fois) : a/index.html" in rapport.read_text(encoding="utf-8")
    assert main([str(site), "--mettre-a-jour"]) == 0                     # the reference takes the new message
    assert read_reference(reference) == {THEME, NEW}
    assert main([str(site)]) == 0
    capsys.readouterr()


def test_the_reference_of_the_guide_names_where_each_error_comes_from():
    text = validation_html.REFERENCE.read_text(encoding="utf-8")
    assert "Material" in text and "KaTeX" in text
    assert len(read_reference()) >= 1 and not any("“span”" in m for m in read_reference())   # Mermaid labels: fixed
