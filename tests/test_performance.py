"""Page weight budgets, computed from the built files (scripts/poids.py). Timings belong to `make bench`."""
import random
import re

from notebook_css import STYLESHEET
from poids import BUDGETS_KIB, over_budget, page_type, page_weight


def test_every_page_keeps_its_weight_budget(built_site):
    site, _ = built_site
    problems = over_budget(site)
    assert problems == [], "\n".join(problems)


def test_a_text_page_loads_no_math_and_no_diagram_library(built_site):
    site, _ = built_site
    html = (site / "a-propos" / "index.html").read_text(encoding="utf-8")
    assert page_type(html) == "texte"
    assert "katex" not in html and "mermaid" not in html


def test_scripts_are_deferred_and_notebook_pages_link_one_small_stylesheet(built_site):
    """Material's bundle must not hold the first paint (overrides/main.html), and mkdocs-jupyter's
    590 Ko of CSS must not come back inline in each notebook page (hooks/notebook_css.py)."""
    site, _ = built_site
    for page in (site / "index.html", site / "fil-rouge" / "04-classer-par-prompt" / "index.html"):
        html = page.read_text(encoding="utf-8")
        scripts = re.findall(r"<script[^>]*\ssrc=[^>]*>", html)
        assert scripts and all(" defer " in s for s in scripts), (page, scripts)
    html = (site / "fil-rouge" / "04-classer-par-prompt" / "index.html").read_text(encoding="utf-8")
    assert "notebooks.css" in html and "@charset" not in html and "['pre {" not in html
    assert (site / STYLESHEET).stat().st_size < 60_000


def test_budget_check_reports_a_heavy_page(tmp_path):
    page = tmp_path / "lourde" / "index.html"
    page.parent.mkdir(parents=True)
    (tmp_path / "gros.js").write_bytes(random.Random(0).randbytes(500_000))  # 500 Ko gzip cannot shrink
    page.write_text('<html><body><script defer src="../gros.js"></script></body></html>', encoding="utf-8")
    assert page_weight(tmp_path, page)["js"] > 400 * 1024
    problems = over_budget(tmp_path)
    assert len(problems) == 1 and "lourde (texte)" in problems[0] and f"> {BUDGETS_KIB['texte']} Kio" in problems[0]
