"""Screenshots of a few pages, light and dark, phone and desktop widths, into screenshots/.

`make screenshots` builds the site first. Look at the PNG files before merging a visual change.
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from browser import Visit, browser, serve  # noqa: E402

PAGES = {"accueil": "", "notebook": "fil-rouge/00-premiers-pas/", "bibliographie": "ressources/bibliographie/"}
SIZES = {"ordinateur": (1280, 900), "telephone": (390, 844)}


def main(pages=PAGES) -> int:
    out = ROOT / "screenshots"
    out.mkdir(exist_ok=True)
    with serve(ROOT / "site") as url, browser() as chromium:
        for name, path in pages.items():
            for size, (width, height) in SIZES.items():
                for dark in (False, True):
                    visit = Visit(chromium, url + path, width=width, height=height, dark=dark)
                    target = out / f"{name}-{size}-{'sombre' if dark else 'clair'}.png"
                    visit.page.screenshot(path=str(target))
                    problems = visit.console_errors + visit.external_requests
                    print(target.relative_to(ROOT), "; ".join(problems) or "")
                    visit.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
