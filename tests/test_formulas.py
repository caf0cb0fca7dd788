"""Formulas are typeset at build time (hooks/formulas.py): readers get KaTeX's CSS, never its script."""
from pathlib import Path

import pytest
from formulas import typeset_page
from mkdocs.exceptions import PluginError

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"


def test_arithmatex_and_notebook_formulas_are_typeset_and_code_is_left_alone():
    page = ('<p>Une matrice <span class="arithmatex">\\(d \\times r\\)</span>.</p>'
            '<div class="arithmatex">\\[\nC \\approx 6 N D\n\\]</div>')
    html = typeset_page(page, "page.md", NODE_MODULES, notebook=False)
    assert html.count('class="katex"') == 2 and 'class="katex-display"' in html and "\\(" not in html

    cell = "<p>La couche calcule $W x$ et $$a &lt; b$$.</p><pre>prix = 5 $ et 6 $</pre><code>$x$</code>"
    html = typeset_page(cell, "05.ipynb", NODE_MODULES, notebook=True)
    assert html.count('class="katex"') == 2 and "<pre>prix = 5 $ et 6 $</pre>" in html
    assert "<code>$x$</code>" in html and "&amp;lt;" not in html  # KaTeX read a < b, not a &lt; b


def test_an_unreadable_formula_stops_the_build_with_the_page_and_the_formula(project):
    with pytest.raises(PluginError, match=r"05\.ipynb.*\n.*\\\\frac\{1\}"):
        typeset_page("<p>$\\frac{1}$</p>", "05.ipynb", NODE_MODULES, notebook=True)
    project.page("maths.md", "Maths", "Des formules.", "# Maths\n\nUne fraction $\\frac{1}{$ cassée.\n")
    result = project.build()
    assert result.returncode != 0
    assert "maths.md" in result.stdout and "formule illisible pour KaTeX" in result.stdout, result.stdout[-3000:]
