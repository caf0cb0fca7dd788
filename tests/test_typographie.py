"""French typography: non-breaking spaces before : ; ! ? % » and after «, everywhere in the pages."""
from typographie import check_file, pages


def test_pages_use_non_breaking_spaces():
    problems = [p for page in pages() for p in check_file(page)]
    assert problems == [], "\n".join(problems[:20])


def test_ordinary_spaces_are_reported_and_fixed_but_not_in_code(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("Une question ? Oui : « bien » à 10 %.\n\n```python\nd = {'a' : 1}\n```\n"
                    "Du `code ; ici` et :material-school: restent.\n", encoding="utf-8")
    problems = check_file(page)
    assert len(problems) == 5 and all("page.md:1:" in p for p in problems), problems
    check_file(page, fix=True)
    text = page.read_text(encoding="utf-8")
    assert "question\u00a0? Oui\u00a0: «\u00a0bien\u00a0» à 10\u00a0%" in text
    assert "{'a' : 1}" in text and "`code ; ici`" in text and " :material-school:" in text
    assert check_file(page) == []
