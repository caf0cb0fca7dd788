"""Accessibility audit of the built site with axe-core (npm) in headless Chromium.

    python scripts/accessibilite.py [site]      # every page, light and dark palettes

The rules are those of WCAG 2.1 levels A and AA (tags wcag2a, wcag2aa, wcag21a, wcag21aa), which
RGAA 4.1 follows. Used by tests/test_accessibility.py; an automated audit finds part of the problems
only (see the « Déclaration d'accessibilité » page).

axe leaves out text made only of symbols, such as the operators `=` `.` `+` of highlighted code: their
colour is measured here (CODE_CONTRAST), every coloured token of every code block (pages and notebook
cells) against the background it is really drawn on, 4,5:1 at least.
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

# Each colour of highlighted code (one token per class and colours) against the first opaque background
# behind it; the text colour's alpha is blended in. WCAG 1.4.3: 4.5:1, 3:1 for large text.
CODE_CONTRAST = """() => {
  const rgba = c => { const v = c.match(/[\\d.]+/g).map(Number); return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1]; };
  const lin = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = ([r, g, b]) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgba(getComputedStyle(el).backgroundColor);
      if (c[3] === 1) return c;
    }
    return [255, 255, 255, 1];
  };
  const seen = new Set(), low = [];
  for (const span of document.querySelectorAll(":is(.highlight, .highlight-ipynb) span[class]")) {
    if (!span.textContent.trim() || span.children.length) continue;
    const style = getComputedStyle(span), fg = rgba(style.color), bg = background(span);
    const key = span.className + style.color + bg.join();
    if (seen.has(key)) continue;
    seen.add(key);
    const mixed = [0, 1, 2].map(i => fg[i] * fg[3] + bg[i] * (1 - fg[3]));
    const [hi, lo] = [lum(mixed), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05), size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) low.push({cls: span.className, text: span.textContent.trim().slice(0, 20),
      fg: style.color, bg: `rgb(${bg.slice(0, 3).join(", ")})`, ratio: Math.floor(ratio * 100) / 100});
  }
  return low;
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

    def __init__(self, chromium, dark: bool = False, axe_url: str | None = None):
        """`axe_url`: where a local server serves axe.min.js. Loaded from there, the browser compiles axe once
        and reuses the compiled code on every page (0,10 s instead of 0,35 s a page, measured on 24 pages)."""
        if not AXE.is_file():
            raise RuntimeError(f"{AXE.relative_to(ROOT)} manque : lancez `make install` (npm ci).")
        self.script = AXE.read_text(encoding="utf-8")
        self.axe_url = axe_url
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
        if self.axe_url:
            self.page.add_script_tag(url=self.axe_url)
        else:
            self.page.add_script_tag(content=self.script)
        return [f"{url} ({self.palette}) : {v['id']} — {v['help']} ; éléments : {', '.join(v['nodes'][:3])}"
                + (f" (+{len(v['nodes']) - 3})" if len(v["nodes"]) > 3 else "")
                for v in self.page.evaluate(RUN_AXE, WCAG_TAGS)] + self.code_contrast(url)

    def code_contrast(self, url: str) -> list[str]:
        """The colours of highlighted code under 4,5:1 on the loaded page (axe skips symbols)."""
        return [f"{url} ({self.palette}) : contraste du code — « {t['text']} » (classe {t['cls']}) en {t['fg']} "
                f"sur {t['bg']} : {str(t['ratio']).replace('.', ',')}:1, moins de 4,5:1 ; éclaircissez ou "
                "foncez cette couleur dans docs/stylesheets/extra.css"
                for t in self.page.evaluate(CODE_CONTRAST)]

    def close(self):
        self.context.close()


def open_search(page) -> None:
    """The search dialog open with results, as a keyboard user gets it."""
    page.keyboard.press("/")
    page.keyboard.type("quantification", delay=20)
    page.wait_for_selector(".md-search-result__item", timeout=15000)


def audit_both_palettes(chromium, targets, axe_url: str | None = None,
                        dark_modes: tuple[bool, ...] = (False, True)) -> list[str]:
    """axe and the code colours on each target, in the light and the dark palette (or those of `dark_modes`).

    `targets`: URLs, or (URL, before) pairs where `before(page)` prepares the page (fills a field, opens a
    dialog). One tab per palette, kept for all the targets.
    """
    auditors = [Auditor(chromium, dark, axe_url=axe_url) for dark in dark_modes]
    problems = []
    try:
        for auditor in auditors:
            for target in targets:
                url, before = (target, None) if isinstance(target, str) else target
                problems += auditor.audit(url, before)
    finally:
        for auditor in auditors:
            auditor.close()
    return problems


def audit_site(site: Path, chromium, dark_modes: tuple[bool, ...] = (False, True)) -> list[str]:
    with serve(site) as url, serve(AXE.parent) as axe_folder:   # one browser, one tab per palette
        return audit_both_palettes(chromium, [url + path for path in pages(site)] + [(url, open_search)],
                                   axe_url=axe_folder + AXE.name, dark_modes=dark_modes)


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else ROOT / "site"
    with browser() as chromium:
        problems = audit_site(site, chromium)
    print("\n".join(problems) or f"axe-core : aucune violation WCAG 2.1 A/AA sur {len(pages(site))} pages × 2 palettes")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
