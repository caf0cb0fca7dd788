"""Notebook pages share one purged stylesheet instead of 590 Ko of inline CSS each (hooks/notebook_css.py)."""
import pytest
from mkdocs.exceptions import PluginError
from notebook_css import purge, split_page

CSS = """
.jupyter-wrapper{--jp-used:#111;--jp-chain:var(--jp-used);--jp-unused:#222;--jp-only-unused:var(--jp-unused)}
.jp-Cell{color:var(--jp-chain)}
.jp-Widget,.jp-Cell .jp-Absent{display:none}
.jp-Cell:not(.jp-mod-active){opacity:.9}
.jupyter-wrapper .md-clipboard{margin:0}
@media (max-width: 700px){.jp-Absent{color:red}.jp-Cell{padding:0}}
#cell-1{margin:0}
#absent{margin:1px}
"""


def test_purge_keeps_what_the_pages_use_and_drops_the_rest():
    out = purge(CSS, classes={"jupyter-wrapper", "jp-Cell"}, ids={"cell-1"})
    assert ".jp-Cell{color:var(--jp-chain)}" in out
    assert "--jp-used:#111" in out and "--jp-chain:var(--jp-used)" in out
    assert "--jp-unused" not in out and "--jp-only-unused" not in out  # read only by an unused variable
    assert "jp-Widget" not in out and "jp-Absent" not in out and "#absent" not in out
    assert ".jp-Cell:not(.jp-mod-active){opacity:.9}" in out  # a class absent on purpose
    assert ".md-clipboard" in out  # added by Material's script after loading
    assert "@media (max-width: 700px){.jp-Cell{padding:0}}" in out and "#cell-1{margin:0}" in out


def test_split_page_takes_out_the_template_styles_and_keeps_the_outputs_styles():
    page = ("<style>.a{color:red}</style><style>.b{margin:0}</style>"
            '<div class="jupyter-wrapper"><div class="jp-Cell"><style>.dataframe{border:0}</style></div>'
            "</div> <!-- jupyter-wrapper --><style>['pre { line-height: 125%; }']</style>")
    content, css = split_page(page, "01.ipynb")
    assert ".a{color:red}" in css and ".b{margin:0}" in css
    assert "<style>.dataframe{border:0}</style>" in content and ".a{" not in content and "['pre" not in content


def test_an_unexpected_notebook_page_is_named():
    with pytest.raises(PluginError, match="01.ipynb.*hooks/notebook_css.py"):
        split_page("<div>autre chose</div>", "01.ipynb")
