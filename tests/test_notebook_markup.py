"""hooks/notebook_markup.py: copy buttons labelled in French, DataFrame headers tied to their cells, valid markup."""
import re

import pandas as pd
from notebook_markup import copy_buttons, dataframes

# What mkdocs-jupyter's template writes, and what the page holds once parsed (the comma became an attribute).
TEMPLATE = ('<clipboard-copy for="cell-3", aria-label="Copy to Clipboard">\n<div>\n'
            '<span class="notice" hidden>Copied!</span>')
PARSED = '<clipboard-copy ,="" aria-label="Copy to Clipboard" for="cell-3">\n<div>\n<span class="notice" hidden="">Copied!</span>'


def test_copy_buttons_are_labelled_in_french_without_a_stray_attribute():
    for html in (TEMPLATE, PARSED):
        fixed = copy_buttons(html)
        assert '<clipboard-copy for="cell-3" role="button" tabindex="0" aria-label="Copier le code">' in fixed
        assert "Copy" not in fixed and ',=' not in fixed and '", ' not in fixed
        assert "Copié\u00a0!</span>" in fixed


def _cells(html: str):
    return re.findall(r"<(th|td)([^>]*)>([^<]*)</\1>", html)


def test_a_table_with_two_header_levels_ties_each_figure_to_both():
    columns = pd.MultiIndex.from_tuples([("train", "textes"), ("train", "part"), ("test", "textes"), ("test", "part")])
    frame = pd.DataFrame([[10, 0.5, 3, 0.2], [20, 0.5, 7, 0.8]], columns=columns,
                         index=pd.Index(["salaires", "congés"], name="thème"))
    html = dataframes(frame.to_html())
    ids = {re.search(r'id="([^"]+)"', a)[1]: text for tag, a, text in _cells(html) if 'id="' in a}
    data = [(re.search(r'headers="([^"]+)"', a), text) for tag, a, text in _cells(html) if tag == "td"]
    assert len(data) == 8 and all(headers for headers, _ in data), html
    named = [[ids[i] for i in headers[1].split()] for headers, _ in data]
    assert named[0] == ["train", "textes", "salaires"] and named[7] == ["test", "part", "congés"], named
    assert 'scope="colgroup"' in html and 'scope="row"' in html and "halign" not in html


def test_a_simple_table_gets_scopes_only_and_pandas_style_goes():
    frame = pd.DataFrame({"textes": [1, 2]}, index=["a", "b"])
    page = f'<div><style scoped="">\n    .dataframe tbody tr th {{\n        vertical-align: top;\n    }}\n</style>\n{frame.to_html()}</div>'
    html = dataframes(page)
    assert "<style" not in html and "headers=" not in html and " id=" not in html
    assert [a.strip() for tag, a, _ in _cells(html) if tag == "th"] == ['scope="col"', 'scope="col"', 'scope="row"',
                                                                       'scope="row"']


def test_the_built_notebook_page_has_them(project):
    project.notebook("fil-rouge/tableau.ipynb", [
        ("md", "# Tableau"),
        ("code", "import pandas as pd\n"
                 "pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([('a', 'x'), ('a', 'y')]))")])
    result = project.build()
    assert result.returncode == 0, result.stdout[-3000:]
    html = (project.path / "site" / "fil-rouge" / "tableau" / "index.html").read_text(encoding="utf-8")
    assert 'aria-label="Copier le code"' in html and "Copy to Clipboard" not in html and ',=""' not in html
    assert re.search(r'<td headers="kallm-df1-\d+ kallm-df1-\d+ kallm-df1-\d+">1</td>', html), html[-3000:]
    assert "<style scoped" not in html
