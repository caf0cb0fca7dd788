"""The PDF and offline editions of the guide, made from the built site (`make editions`).

    python scripts/editions.py [pdf] [hors-ligne]     # both by default, into build/editions/

- PDF: every page of the navigation, in its order, assembled into one print view (cover, table of
  contents, chapters, executed notebooks), rendered by headless Chromium with the print stylesheet.
- Offline edition: a second build with Material's offline plugin (KALLM_HORS_LIGNE=true: relative links,
  search without a server), zipped. It opens from a local folder or with `python -m http.server`.
  It is a separate artefact: the offline plugin and mike's versions do not mix.
"""
from __future__ import annotations

import contextlib
import datetime
import html
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from browser import browser, serve  # noqa: E402

sys.path.insert(0, str(ROOT / "hooks"))
from notebook_css import STYLESHEET as NOTEBOOK_STYLESHEET  # noqa: E402
from citer import load as load_citation, reference  # noqa: E402

OUT = ROOT / "build" / "editions"
PDF_NAME = "guide-kallm.pdf"
ZIP_NAME = "guide-kallm-hors-ligne.zip"
PRINT_PAGE = "guide-imprimable.html"   # the print view's address for Chromium (never written into the site)
ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
URL_ATTR = re.compile(r'(?P<attr>\b(?:href|src))="(?P<url>[^"]*)"')
ID_ATTR = re.compile(r'\bid="(?P<id>[^"]+)"')


def nav_pages(config_file: Path = ROOT / "mkdocs.yml") -> list[tuple[str, str]]:
    """(section, page URL relative to the site root) in navigation order."""
    from mkdocs.config import load_config
    config = load_config(str(config_file))
    pages: list[tuple[str, str]] = []

    def url(src: str) -> str:
        path = re.sub(r"\.(md|ipynb)$", "", src)
        path = re.sub(r"(^|/)index$", "", path)
        return path + "/" if path else ""

    def walk(items, section):
        for item in items:
            if isinstance(item, str):
                pages.append((section, url(item)))
            else:
                for title, value in item.items():
                    if isinstance(value, list):
                        walk(value, title if section is None else section)
                    else:
                        pages.append((section, url(value)))
    walk(config["nav"], None)
    return pages


def _anchor(page_url: str) -> str:
    return "page-" + (re.sub(r"[^a-z0-9]+", "-", page_url.lower()).strip("-") or "accueil")


def _rebase(article: str, page_url: str, included: set[str]) -> str:
    """Make a page's relative URLs work from the site root; links to included pages become anchors."""
    prefix = _anchor(page_url)
    base = "http://site/" + page_url

    def fix_url(match):
        attr, url = match["attr"], match["url"]
        if url.startswith(("http://", "https://", "mailto:", "data:")):
            return match.group(0)
        if url.startswith("#"):
            return f'{attr}="#{prefix}--{url[1:]}"' if len(url) > 1 else match.group(0)
        absolute = urlsplit(urljoin(base, url))
        path = absolute.path.lstrip("/")
        if attr == "href" and path in included:
            target = _anchor(path)
            return f'{attr}="#{target + "--" + absolute.fragment if absolute.fragment else target}"'
        return f'{attr}="{path}"'

    article = URL_ATTR.sub(fix_url, article)
    # A diagram's ids (its styles and arrowheads refer to them) are unique to it already: keep them.
    return ID_ATTR.sub(lambda m: m.group(0) if m["id"].startswith("diagramme-") else f'id="{prefix}--{m["id"]}"',
                       article)


def print_view(site: Path, version: str) -> str:
    """One HTML page with the whole guide, for printing."""
    pages = nav_pages()
    included = {url for _, url in pages}
    head = open(site / "index.html", encoding="utf-8").read()
    styles = "\n".join(re.findall(r'<link rel="stylesheet"[^>]*>', head))
    styles += ('\n<link rel="stylesheet" href="assets/vendor/katex/katex.min.css">'
               f'\n<link rel="stylesheet" href="{NOTEBOOK_STYLESHEET}">')
    toc, body, current = [], [], None
    for section, url in pages:
        source = site / url / "index.html"
        text = source.read_text(encoding="utf-8")
        match = ARTICLE.search(text)
        if not match:
            raise RuntimeError(f"{source} : pas d'<article> à imprimer")
        title = html.unescape(re.search(r"<title>(.*?)</title>", text, re.S).group(1).split(" - ")[0].strip())
        if section != current:
            toc.append(f"<li class='kallm-toc-section'>{html.escape(section or 'Accueil')}</li>")
            current = section
        toc.append(f"<li><a href='#{_anchor(url)}'>{html.escape(title)}</a></li>")
        body.append(f"<section class='kallm-chapter' id='{_anchor(url)}'>"
                    f"{_rebase(match.group(1), url, included)}</section>")
    today = datetime.date.today().isoformat()
    number = version.removeprefix("v")
    cite = html.escape(reference(load_citation(ROOT), number if re.fullmatch(r"\d+(\.\d+)+", number) else None))
    cite = re.sub(r"\*(.+?)\*", r"<em>\1</em>", cite)
    return f"""<!doctype html>
<html lang="fr" dir="ltr"><head><meta charset="utf-8"><title>Le guide KALLM — édition imprimable</title>
{styles}
</head>
<body class="kallm-print" data-md-color-scheme="default" data-md-color-primary="indigo">
<section class="kallm-cover">
  <h1>Le guide KALLM</h1>
  <p class="kallm-subtitle">Kit avancé LLM : choisir, adapter, évaluer et mettre en service un grand modèle de langage dans un projet public</p>
  <p>Version {html.escape(version)} — édition du {today}</p>
  <p>Programme 10 % (DINUM, Insee). Texte sous Licence Ouverte 2.0 (Etalab) ; code et notebooks sous licence MIT.</p>
  <p>En ligne : https://etalab.github.io/programme10pourcent-kallm/</p>
  <p>Pour citer cette édition&nbsp;: {cite}</p>
</section>
<nav class="kallm-toc"><h2>Sommaire</h2><ol>{''.join(toc)}</ol></nav>
<div class="md-typeset">{''.join(body)}</div>
<script src="assets/vendor/mermaid/mermaid.min.js"></script>
<script>
  for (const block of document.querySelectorAll("pre.diagramme")) {{
    const div = document.createElement("div"); div.className = "mermaid"; div.textContent = block.textContent;
    block.replaceWith(div);
  }}
  mermaid.initialize({{startOnLoad: false, theme: "neutral"}});
  mermaid.run({{querySelector: "div.mermaid"}}).finally(() => {{ window.kallmReady = true; }});
</script>
</body></html>
"""


def make_pdf(site: Path, target: Path, version: str = "dev", chromium=None) -> Path:
    """Print the whole guide to `target`; `chromium` is a running browser, or None to start one.

    The print view is handed to Chromium at `PRINT_PAGE`, beside the site's pages (so that its relative links
    work), without being written into the site: other readers of `site/` never see it."""
    print_page = print_view(site, version)
    with serve(site) as url, contextlib.ExitStack() as stack:
        if chromium is None:
            chromium = stack.enter_context(browser())
        context = chromium.new_context()
        context.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
        context.route(url + PRINT_PAGE, lambda r: r.fulfill(body=print_page, content_type="text/html; charset=utf-8"))
        page = context.new_page()
        page.goto(url + PRINT_PAGE, wait_until="load")
        page.wait_for_function("() => window.kallmReady === true", timeout=120_000)
        page.emulate_media(media="print")
        target.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(target), format="A4", print_background=True, outline=True, tagged=True,
                 margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
                 display_header_footer=True, header_template="<span></span>",
                 footer_template="<div style='font-size:8px;width:100%;text-align:center'>"
                                 "Le guide KALLM — <span class='pageNumber'></span>/<span class='totalPages'></span></div>")
        context.close()
    return target


def make_offline(target: Path) -> Path:
    """Build the site again with the offline plugin into build/hors-ligne/, then zip it."""
    folder = ROOT / "build" / "hors-ligne"
    shutil.rmtree(folder, ignore_errors=True)
    env = {**os.environ, "KALLM_HORS_LIGNE": "true", "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = Path(sys.executable).parent / "mkdocs"
    result = subprocess.run([str(mkdocs), "build", "--site-dir", str(folder)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"la construction de l'édition hors ligne a échoué :\n{result.stdout[-3000:]}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, Path("guide-kallm") / path.relative_to(folder))
    return target


def main(argv: list[str]) -> int:
    wanted = set(argv) or {"pdf", "hors-ligne"}
    version = os.environ.get("MIKE_DOCS_VERSION") or os.environ.get("KALLM_VERSION", "dev")
    if "pdf" in wanted:
        pdf = make_pdf(ROOT / "site", OUT / PDF_NAME, version)
        print(f"{pdf.relative_to(ROOT)} : {pdf.stat().st_size / 1e6:.1f} Mo")
    if "hors-ligne" in wanted:
        archive = make_offline(OUT / ZIP_NAME)
        print(f"{archive.relative_to(ROOT)} : {archive.stat().st_size / 1e6:.1f} Mo")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
