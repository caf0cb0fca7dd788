"""Accessibility audit of the built site with axe-core (npm) in headless Chromium.

    python scripts/accessibilite.py [site]      # every page, light and dark palettes

The rules are those of WCAG 2.1 levels A and AA (tags wcag2a, wcag2aa, wcag21a, wcag21aa), which
RGAA 4.1 follows. Used by tests/test_accessibility.py; an automated audit finds part of the problems
only (see the « Déclaration d'accessibilité » page).
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from browser import browser, serve  # noqa: E402

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(" "))}));
}"""


def pages(site: Path) -> list[str]:
    """Paths of the site's pages (directory URLs), the 404 page excepted."""
    found = []
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        if not rel.startswith(("assets", "search")):
            found.append("" if rel == "." else rel + "/")
    return found


class Auditor:
    """One browser tab per palette; `audit(url)` loads a page, runs axe, returns readable violations."""

    def __init__(self, chromium, dark: bool = False):
        if not AXE.is_file():
            raise RuntimeError(f"{AXE.relative_to(ROOT)} manque : lancez `make install` (npm ci).")
        self.script = AXE.read_text(encoding="utf-8")
        self.palette = "sombre" if dark else "clair"
        self.context = chromium.new_context(viewport={"width": 1280, "height": 900},
                                            color_scheme="dark" if dark else "light")
        self.context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url
                           else route.abort())
        self.page = self.context.new_page()

    def audit(self, url: str, before=None) -> list[str]:
        self.page.goto(url, wait_until="load")
        self.page.wait_for_function("() => window.document$ !== undefined")
        if before:
            before(self.page)
        # Notebook cells far from the screen are not rendered yet (content-visibility, extra.css): axe
        # would judge their colours unrendered. Render everything, as the reader sees it on arrival.
        self.page.add_style_tag(content="* { content-visibility: visible !important; }")
        self.page.add_script_tag(content=self.script)
        return [f"{url} ({self.palette}) : {v['id']} — {v['help']} ; éléments : {', '.join(v['nodes'][:3])}"
                + (f" (+{len(v['nodes']) - 3})" if len(v["nodes"]) > 3 else "")
                for v in self.page.evaluate(RUN_AXE, WCAG_TAGS)]

    def close(self):
        self.context.close()


def open_search(page) -> None:
    """The search dialog open with results, as a keyboard user gets it."""
    page.keyboard.press("/")
    page.keyboard.type("quantification", delay=20)
    page.wait_for_selector(".md-search-result__item", timeout=15000)


def audit_site(site: Path, chromium) -> list[str]:
    problems = []
    with serve(site) as url:
        for dark in (False, True):
            auditor = Auditor(chromium, dark)
            try:
                for path in pages(site):
                    problems += auditor.audit(url + path)
                problems += auditor.audit(url, before=open_search)
            finally:
                auditor.close()
    return problems


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else ROOT / "site"
    with browser() as chromium:
        problems = audit_site(site, chromium)
    print("\n".join(problems) or f"axe-core : aucune violation WCAG 2.1 A/AA sur {len(pages(site))} pages × 2 palettes")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
