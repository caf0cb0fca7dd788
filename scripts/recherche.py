"""The site's search as a reader uses it: the queries of tests/data/recherche.yml, typed in headless Chromium.

For each query, the pages in the order the search lists them; a query counts as « en premier » when its page
comes first and « dans les cinq premiers » when it is among the first five. tests/test_search.py fails under
the thresholds FIRST and TOP5; `python scripts/recherche.py [site/]` prints the detail (build the site first:
`make build`).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "data" / "recherche.yml"
# The thresholds of tests/test_search.py, under what Material's search reaches with hooks/search_ranking.py and
# overrides/partials/recherche-tirets.js, so that a change that ranks worse fails. Measured on 2026-12-02 on the
# preview build, 64 queries: 98 % first, 100 % in the first five (77 % and 91 % before; on the 54 older queries,
# 80 % and 96 % before, 98 % and 100 % after). What brought it: the query leaves out the French stop words
# (« ai » matched « AIPD »); each page's `mots_cles` are weighed like a title; the index splits words at
# parentheses, punctuation and apostrophes (« (jailbreak) » and « l'attention » were out of reach); each query
# word also goes as an exact match (a prefix adds up « LLM » and « LLMOps »). Still second: « quel GPU pour un
# modèle de 8 milliards » (the LoRA page, « un seul GPU », comes first). Issue 18 asks for 90 % and 100 %. Tried
# and left: lunr's `stemmer` in the `lang: fr` pipeline (query words go with a wildcard, which skips the
# pipeline, so the stemmed index misses them: « glossaire » then finds nothing), higher description boosts,
# lower title boosts, lunr's `trimmer` (78 %), short words matched exactly (81 %). The margin of FIRST
# covers the executed build, whose notebook pages carry their outputs.
FIRST, TOP5 = 0.95, 1.0
RESULT_LINKS = ".md-search-result__list > .md-search-result__item > .md-search-result__link"


def load_queries(path: Path = QUERIES) -> list[dict[str, str]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def results(page, base_url: str, query: str) -> list[str]:
    """The pages (paths relative to the site, e.g. adapter/rag/) that the search lists for `query`, in order."""
    field = page.locator("input.md-search__input")
    field.fill(" ")
    field.press("Backspace")  # an empty query empties the list: what comes next belongs to `query`
    page.wait_for_function(f"!document.querySelector({RESULT_LINKS!r})", timeout=15000)
    field.fill(query)  # the whole query at once: no results of its first letters to mistake for its own
    field.press("End")  # Material searches on key events
    previous, stable_since = None, time.monotonic()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:  # until the list stops changing for 0,4 s
        current = page.eval_on_selector_all(RESULT_LINKS, "links => links.map(a => a.href)")
        if current != previous:
            previous, stable_since = current, time.monotonic()
        elif current and time.monotonic() - stable_since > 0.4:
            break
        time.sleep(0.1)
    base = urlsplit(base_url).path
    pages = []
    for href in previous or []:
        path = urlsplit(href).path.removeprefix(base)
        if path not in pages:
            pages.append(path)
    return pages


def evaluate(chromium, base_url: str, queries: list[dict[str, str]]) -> list[dict]:
    """Each query with the page expected, the pages listed and the rank of the expected one (None: absent)."""
    from browser import Visit
    visit = Visit(chromium, base_url)
    try:
        visit.page.click("input.md-search__input")
        out = []
        for item in queries:
            found = results(visit.page, base_url, item["requete"])
            rank = found.index(item["page"]) + 1 if item["page"] in found else None
            out.append({**item, "resultats": found[:5], "rang": rank})
        return out
    finally:
        visit.close()


def score(rows: list[dict]) -> tuple[float, float]:
    """(share of queries whose page comes first, share whose page is in the first five)."""
    return (sum(r["rang"] == 1 for r in rows) / len(rows),
            sum(r["rang"] is not None and r["rang"] <= 5 for r in rows) / len(rows))


def report(rows: list[dict]) -> str:
    first, top5 = score(rows)
    lines = [f"{len(rows)} requêtes : {first:.0%} en premier, {top5:.0%} dans les cinq premiers".replace("%", " %")]
    for r in rows:
        if r["rang"] != 1:
            lines.append(f"  « {r['requete']} » : {r['page']} au rang {r['rang'] or 'absent'} ; "
                         f"en tête : {', '.join(r['resultats'][:3]) or 'aucun résultat'}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT / "scripts"))
    from browser import browser, serve
    site = Path(argv[0]) if argv else ROOT / "site"
    with serve(site) as url, browser() as chromium:
        rows = evaluate(chromium, url, load_queries())
    print(report(rows))
    first, top5 = score(rows)
    return 0 if first >= FIRST and top5 >= TOP5 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
