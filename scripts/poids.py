"""Weight of each page over the wire, computed from the built files (deterministic, unlike a browser).

    python scripts/poids.py [site]       # a table by page type, and the pages over budget

A page weighs its HTML, the stylesheets and scripts it links, each gzip-compressed as a web server
sends them, plus the fonts (woff2, already compressed): Roboto's two Latin faces. Diagrams are in the
HTML (SVG drawn before the build). The search worker and index are fetched only when the reader opens
the search (overrides/partials/recherche-differee.js) and are not counted.
The budgets are in BUDGETS_KIB; tests/test_performance.py holds every page to them.
"""
from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
KIB = 1024
# Page types and their budget (KiB over the wire). « texte » is the target: 150 KiB, fonts included.
# « références » is the list of every entry of bibliography.bib (hooks/bibliography_page.py): it grows with the
# bibliography (255 entries in November 2026, 303 in December: 153 KiB), unlike a page that a person writes.
BUDGETS_KIB = {"texte": 150, "formules": 160, "references": 180, "notebook": 400}
ASSET = re.compile(r'<(?:link rel="stylesheet"[^>]*?\shref|script[^>]*?\ssrc)="([^"]+)"')


def page_type(html: str) -> str:
    if "jupyter-wrapper" in html:
        return "notebook"
    if "katex.min.css" in html:
        return "formules"
    if '<div class="references"' in html:
        return "references"
    return "texte"


def _gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def page_weight(site: Path, page: Path) -> dict[str, int]:
    """Bytes over the wire by kind for one page (site/<…>/index.html)."""
    html = page.read_text(encoding="utf-8")
    base = "http://site/" + page.parent.relative_to(site).as_posix() + "/"
    weight = {"html": _gzip_size(html.encode()), "css": 0, "js": 0, "polices": 0}
    for url in ASSET.findall(html):
        if url.startswith(("http://", "https://", "data:")):
            continue
        path = site / urlsplit(urljoin(base, url)).path.lstrip("/")
        weight["css" if path.suffix == ".css" else "js"] += _gzip_size(path.read_bytes())
    fonts = site / "assets" / "vendor" / "fonts" / "files"
    faces = list(fonts.glob("roboto-latin-[0-9]*.woff2"))  # latin-ext: only for rare characters
    weight["polices"] = sum(f.stat().st_size for f in faces)
    weight["total"] = sum(weight.values())
    return weight


def pages(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("index.html"))
            if not p.parent.relative_to(site).as_posix().startswith(("assets", "search"))]


def over_budget(site: Path) -> list[str]:
    problems = []
    for page in pages(site):
        html = page.read_text(encoding="utf-8")
        kind, weight = page_type(html), page_weight(site, page)
        if weight["total"] > BUDGETS_KIB[kind] * KIB:
            problems.append(f"{page.parent.relative_to(site).as_posix() or '(accueil)'} ({kind}) : "
                            f"{weight['total'] / KIB:.0f} Kio > {BUDGETS_KIB[kind]} Kio "
                            f"(html {weight['html'] / KIB:.0f}, css {weight['css'] / KIB:.0f}, "
                            f"js {weight['js'] / KIB:.0f}, polices {weight['polices'] / KIB:.0f})")
    return problems


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else ROOT / "site"
    by_type: dict[str, list[int]] = {}
    for page in pages(site):
        by_type.setdefault(page_type(page.read_text(encoding="utf-8")), []).append(page_weight(site, page)["total"])
    for kind, totals in by_type.items():
        print(f"{kind:10} {len(totals):3} pages  médiane {sorted(totals)[len(totals) // 2] / KIB:6.0f} Kio  "
              f"max {max(totals) / KIB:6.0f} Kio  budget {BUDGETS_KIB[kind]} Kio")
    problems = over_budget(site)
    print("\n".join(problems) or "toutes les pages tiennent leur budget")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
