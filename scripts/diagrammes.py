"""Draw every diagram of the guide into diagrammes/<empreinte>.svg (`make diagrammes`, needs Chromium).

    python scripts/diagrammes.py           # draw the missing SVGs, delete those no page uses any more
    python scripts/diagrammes.py --check   # list the missing and unused SVGs, exit 1 if there are any

Each ```mermaid fence of docs/ is drawn once by the site's own Mermaid (npm package, pinned) in headless
Chromium, with the site's font (Roboto), and the SVG is committed. hooks/diagrams.py puts it in the page
at build time: the reader downloads neither Mermaid nor its 1 s of computation on a phone.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "hooks"))
from diagrams import SVG_DIR, fingerprint  # noqa: E402

_FENCE = re.compile(r"^([ \t]*)```mermaid[^\n]*\n(.*?)^\1```[ \t]*$", re.M | re.S)

# The page in which Chromium draws: the site's Mermaid and Roboto, the theme the site shows diagrams with.
_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<style>
@font-face { font-family: Roboto; font-weight: 400; src: url(@fontsource/roboto/files/roboto-latin-400-normal.woff2); }
@font-face { font-family: Roboto; font-weight: 700; src: url(@fontsource/roboto/files/roboto-latin-700-normal.woff2); }
body { font-family: Roboto, sans-serif; }
</style>
<script src="mermaid/dist/mermaid.min.js"></script></head><body></body></html>"""
_RENDER = """async ([id, source]) => {
  await document.fonts.load("16px Roboto"); await document.fonts.load("bold 16px Roboto");
  mermaid.initialize({startOnLoad: false, theme: "default", fontFamily: "Roboto, sans-serif"});
  return (await mermaid.render(id, source)).svg;
}"""


def diagrams(docs: Path = ROOT / "docs") -> dict[str, tuple[str, list[str]]]:
    """Every diagram of the Markdown pages: fingerprint -> (source, pages that show it)."""
    found: dict[str, tuple[str, list[str]]] = {}
    for page in sorted(docs.rglob("*.md")):
        for match in _FENCE.finditer(page.read_text(encoding="utf-8")):
            indent = len(match.group(1))
            source = "\n".join(line[indent:] for line in match.group(2).splitlines())
            found.setdefault(fingerprint(source), (source, []))[1].append(page.relative_to(docs).as_posix())
    return found


def status(root: Path = ROOT) -> tuple[list[str], list[Path]]:
    """(messages for the diagrams without SVG, SVG files that no page uses)."""
    wanted = diagrams(root / "docs")
    folder = root / SVG_DIR
    missing = [f"{', '.join(pages)} : diagramme « {source.strip().splitlines()[0]}… » sans SVG "
               f"({SVG_DIR}/{key}.svg)" for key, (source, pages) in wanted.items()
               if not (folder / f"{key}.svg").is_file()]
    unused = sorted(p for p in folder.glob("*.svg") if p.stem not in wanted) if folder.is_dir() else []
    return missing, unused


def draw(root: Path = ROOT) -> int:
    from browser import browser, serve
    folder = root / SVG_DIR
    folder.mkdir(exist_ok=True)
    todo = {key: source for key, (source, _) in diagrams(root / "docs").items()
            if not (folder / f"{key}.svg").is_file()}
    if todo:
        with serve(root / "node_modules") as url, browser() as chromium:
            page = chromium.new_page()
            page.route(url + "dessin.html", lambda route: route.fulfill(body=_PAGE, content_type="text/html"))
            page.goto(url + "dessin.html")
            for key, source in todo.items():
                svg = page.evaluate(_RENDER, [f"diagramme-{key}", source])
                (folder / f"{key}.svg").write_text(svg + "\n", encoding="utf-8")
                print(f"{SVG_DIR}/{key}.svg : {source.strip().splitlines()[0]}")
            page.close()
    _, unused = status(root)
    for path in unused:
        path.unlink()
        print(f"{SVG_DIR}/{path.name} supprimé (plus utilisé)")
    print(f"{len(todo)} diagramme(s) dessiné(s), {len(unused)} supprimé(s).")
    return 0


def main(argv: list[str]) -> int:
    if "--check" in argv:
        missing, unused = status()
        for line in missing + [f"{SVG_DIR}/{p.name} : aucune page ne l'utilise" for p in unused]:
            print(line)
        return 1 if missing or unused else 0
    return draw()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
