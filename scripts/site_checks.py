"""Checks on the sources and on the built site that MkDocs' strict mode does not make.

Each function returns a list of problems, one French sentence each, naming the file and what to do;
an empty list means the check passed. tests/ calls them on the real project and on broken fixtures.
Run all of them on a built site: `python scripts/site_checks.py [site/]`.
"""
from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent

# ---- Built HTML: links and anchors --------------------------------------------------------------

# Asset-loading attributes: a third-party host there means the page calls that host.
ASSET_TAGS = {"script": "src", "img": "src", "iframe": "src", "source": "src", "video": "src",
              "audio": "src", "embed": "src", "object": "data", "link": "href", "track": "src"}
# Links that only name a page (rel=canonical, the repository, Colab...) are not loaded by a browser.
PASSIVE_LINK_RELS = {"canonical", "alternate", "author", "license", "me"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []        # <a href>
        self.assets: list[str] = []       # URLs the browser loads by itself
        self.styles: list[str] = []       # inline <style> text and style="" attributes
        self.images: list[str | None] = []  # the alt of each <img> (None when absent)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key) and (key == "id" or tag == "a"):
                self.ids.add(a[key])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        attr = ASSET_TAGS.get(tag)
        if attr and a.get(attr) is not None:
            rels = set((a.get("rel") or "").lower().split())
            if not (tag == "link" and rels & PASSIVE_LINK_RELS):
                self.assets.append(a[attr])
        if tag == "img" and a.get("aria-hidden") != "true" and a.get("role") != "presentation":
            self.images.append(a.get("alt"))
        if a.get("srcset"):
            self.assets += [part.strip().split(" ")[0] for part in a["srcset"].split(",") if part.strip()]
        if a.get("style"):
            self.styles.append(a["style"])
        self._in_style = tag == "style"

    def handle_data(self, data):
        if getattr(self, "_in_style", False):
            self.styles.append(data)

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and parts.scheme not in ("data", "blob")) or url.startswith("//")


def _target(site: Path, page: Path, url: str) -> tuple[Path, str]:
    """The file a relative link points to, and its #fragment."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    target = (page.parent / path).resolve() if path else page
    if target.is_dir() or path.endswith("/"):
        target = target / "index.html"
    return target, unquote(parts.fragment)


def _site_path() -> str:
    """The path part of site_url (/programme10pourcent-kallm/): 404.html links from there."""
    match = re.search(r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    return urlsplit(match.group(1)).path if match else "/"


def check_links(site: Path, base_path: str | None = None) -> list[str]:
    """Every internal <a href> of every built page (notebooks included) reaches a file and an anchor,
    every script, stylesheet and image of the site that a page loads exists, and no link (external ones
    included) holds a backslash.

    The only link allowed out of the site is the one to its parent folder: the outdated-version
    banner points there, to mike's root, above the version folders.
    """
    site = site.resolve()
    base_path = base_path if base_path is not None else _site_path()
    pages = {p.resolve(): _parse(p) for p in sorted(site.rglob("*.html"))}
    problems = []
    for path, page in pages.items():
        where = path.relative_to(site)
        for url, is_asset in [(u, True) for u in page.assets] + [(u, False) for u in page.links]:
            if "\\" in url:   # pandoc's escapes kept in a URL (`…?a=1\\&b=2`): browsers change or refuse it
                problems.append(f"{where} : le lien « {url} » contient une barre oblique inversée (\\), qu'aucune "
                                "adresse ne contient : un caractère échappé par pandoc ? Voir hooks/bibliography_page.py.")
                continue
            if not url or _is_external(url) or url.startswith(("mailto:", "tel:", "javascript:", "data:", "blob:")):
                continue
            if url.startswith("/"):  # 404.html links from site_url's path
                if not url.startswith(base_path):
                    problems.append(f"{where} : le lien absolu « {url} » sort du site ; "
                                    "écrivez un lien relatif vers le fichier .md.")
                    continue
                url = "./" + "../" * len(where.parts[:-1]) + url[len(base_path):]
            target, fragment = _target(site, path, url)
            if target.parent == site.parent:
                continue
            if not target.exists():
                if is_asset:
                    problems.append(f"{where} : la ressource « {url} » n'existe pas dans le site "
                                    "(extra_css, extra_javascript ou image mal nommés ?).")
                else:
                    problems.append(f"{where} : le lien « {url} » mène à une page qui n'existe pas.")
            elif fragment and not is_asset and target.suffix == ".html" and fragment not in pages[target].ids:
                problems.append(f"{where} : le lien « {url} » vise l'ancre #{fragment}, absente de "
                                f"{target.relative_to(site)} (les ancres n'ont pas d'accents : #ecriture-accentuee).")
    return problems


# ---- Built site: nothing loaded from another host -----------------------------------------------

CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""", re.I)
JS_URL = re.compile(r"""(?:import\s*\(\s*|import\s+[^'"]*from\s*|importScripts\s*\(\s*)['"]((?:https?:)?//[^'"]+)['"]""")


def check_offline(site: Path) -> list[str]:
    """No script, stylesheet, font, image, iframe or CSS url() of the built site comes from another host."""
    site = site.resolve()
    problems = []
    for path in sorted(site.rglob("*")):
        where = path.relative_to(site)
        found: list[str] = []
        if path.suffix == ".html":
            page = _parse(path)
            found += [u for u in page.assets if _is_external(u)]
            for css in page.styles:
                found += [u for m in CSS_URL.findall(css) for u in m if u and _is_external(u)]
        elif path.suffix == ".css":
            css = path.read_text(encoding="utf-8", errors="replace")
            found += [u for m in CSS_URL.findall(css) for u in m if u and _is_external(u)]
        elif path.suffix in (".js", ".mjs") and "assets/vendor" not in where.as_posix():
            found += JS_URL.findall(path.read_text(encoding="utf-8", errors="replace"))
        problems += [f"{where} : charge « {url} » depuis un autre hôte ; servez ce fichier depuis le site "
                     "(paquet npm copié par hooks/vendor_assets.py)." for url in found]
    return problems


# Alternatives that describe nothing: mkdocs-jupyter's default, and words that only name the kind of thing.
EMPTY_ALTERNATIVES = {"no description has been provided for this image", "image", "figure", "graphique",
                      "illustration", "png", "output", "sortie"}


def check_image_alternatives(site: Path) -> list[str]:
    """Every image of the site that is not marked decorative has a text alternative that says something."""
    site = site.resolve()
    problems = []
    for path in sorted(site.rglob("*.html")):
        for number, alt in enumerate(_parse(path).images, 1):
            if alt is None or alt.strip().lower().rstrip(".") in EMPTY_ALTERNATIVES | {""}:
                problems.append(
                    f"{path.relative_to(site)} : l'image n° {number} a pour texte alternatif « {alt or ''} », "
                    "qui ne dit rien à un lecteur d'écran. Décrivez ce qu'elle montre et sa lecture principale "
                    "(dans un notebook : `fil_rouge.montrer(fig, \"…\")`).")
    return problems


# ---- Sources: notebooks, citations, bibliography ------------------------------------------------

def check_notebook_sources(folder: Path) -> list[str]:
    """Notebook sources are committed without outputs nor execution counts."""
    problems = []
    for path in sorted(folder.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        dirty = [n for n, c in enumerate(cells, 1) if c.get("cell_type") == "code"
                 and (c.get("outputs") or c.get("execution_count") is not None)]
        if dirty:
            problems.append(f"{path} : les cellules {dirty} contiennent des sorties ; les sources n'en ont pas "
                            "(le build les exécute). Lancez `make strip-notebooks`.")
    return problems


CITATION = re.compile(r"\[(@[^\]]+)\]")
CITE_KEY = re.compile(r"@([\w:.\-/]+)")


def cited_keys(docs: Path) -> dict[str, list[str]]:
    """Citation keys used in the Markdown pages, with the pages that use them."""
    keys: dict[str, list[str]] = {}
    for path in sorted(docs.rglob("*.md")):
        for block in CITATION.findall(path.read_text(encoding="utf-8")):
            for key in CITE_KEY.findall(block):
                keys.setdefault(key, []).append(str(path.relative_to(docs.parent)))
    return keys


def _bib_entries(bib: Path):
    from pybtex.database import parse_file  # installed with mkdocs-bibtex
    return parse_file(str(bib)).entries


def check_citations(docs: Path, bib: Path) -> list[str]:
    """Every `[@key]` of a page is an entry of bibliography.bib."""
    entries = _bib_entries(bib)
    return [f"{', '.join(sorted(set(pages)))} : la clé de citation « {key} » n'existe pas dans {bib.name} ; "
            "ajoutez l'entrée ou corrigez la clé." for key, pages in cited_keys(docs).items() if key not in entries]


def check_bibliography(bib: Path) -> list[str]:
    """Every entry carries an identifier a reader can follow: doi, eprint (arXiv) or url."""
    problems = []
    for key, entry in _bib_entries(bib).items():
        fields = {k.lower() for k in entry.fields}
        if not fields & {"doi", "eprint", "url"}:
            problems.append(f"{bib.name} : l'entrée « {key} » n'a ni `doi`, ni `eprint`, ni `url` ; "
                            "ajoutez l'identifiant vérifié de la publication.")
        authors = [str(p) for p in entry.persons.get("author", [])]
        if any("others" in a.lower() for a in authors):
            problems.append(f"{bib.name} : l'entrée « {key} » abrège ses auteurs (`and others`) ; "
                            "listez-les tous (sinon la référence affiche {{.nocase}}).")
    seen: dict[tuple[str, str], str] = {}
    for key, entry in _bib_entries(bib).items():
        fields = {k.lower(): str(v) for k, v in entry.fields.items()}
        title = re.sub(r"[^\w]+", " ", fields.get("title", "").replace("{", "").replace("}", "")).strip().lower()
        url = re.sub(r"^https?://(www\.)?|/+$", "", fields.get("url", "").lower())
        if fields.get("eprint"):
            url = ""  # an arXiv paper and its conference version may share the abstract page
        for name, value in (("eprint", fields.get("eprint", "")), ("doi", fields.get("doi", "").lower()),
                            ("titre", title), ("url", url)):
            if value and (name, value) in seen:
                problems.append(f"{bib.name} : « {key} » et « {seen[name, value]} » sont la même référence "
                                f"(même {name}) ; gardez une seule clé et remplacez l'autre dans les pages.")
            seen.setdefault((name, value), key)
    return problems


# ---- Legal texts: the AI Act as published in 2024 is not its consolidated version ------------------

# The Official Journal text of Regulation (EU) 2024/1689 (ELI or CELEX 3…), which does not contain the
# amendments of Regulation (EU) 2026/1744. Consolidated versions have their own CELEX (0…-AAAAMMJJ).
AI_ACT_OJ_LINK = re.compile(r"\[([^\]]*)\]\((https?://[^)\s]*(?:eli/reg/2024/1689(?:/oj)?|CELEX(?::|%3A)32024R1689)[^)\s]*)\)",
                            re.IGNORECASE)
CONSOLIDATED = re.compile(r"consolid", re.IGNORECASE)


def check_consolidated_links(*folders: Path) -> list[str]:
    """No page or template calls the 2024 Official Journal text of the AI Act its consolidated version."""
    problems = []
    for folder in folders:
        for path in sorted(folder.rglob("*.md")):
            text = path.read_text(encoding="utf-8")
            for match in AI_ACT_OJ_LINK.finditer(text):
                # The link text, and the words just before it in the same sentence.
                before = re.split(r"[.!?\n]\s|\]\(|\)", text[max(0, match.start() - 60):match.start()])[-1]
                if CONSOLIDATED.search(match.group(1)) or CONSOLIDATED.search(before):
                    line = text.count("\n", 0, match.start()) + 1
                    problems.append(
                        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{line} : le lien "
                        f"{match.group(2)} mène au texte de l'AI Act publié au Journal officiel en 2024, sans les "
                        "modifications du règlement (UE) 2026/1744 ; ne l'appelez pas « version consolidée ». "
                        "Pour la version consolidée, liez https://eur-lex.europa.eu/legal-content/FR/TXT/"
                        "?uri=CELEX:02024R1689-20260727 (outil de documentation) ; pour le texte qui fait foi, "
                        "nommez le règlement 2024/1689 avec le règlement (UE) 2026/1744.")
    return problems


# ---- Acronyms: each one used in a page has a tooltip, hence a line in the glossary -----------------
ABBREVIATIONS = ROOT / "includes" / "abbreviations.md"
# Capitalised names that are not abbreviations to expand (model, product and format names).
NOT_ACRONYMS = {
    "AI",  # only inside English names (« AI Act », « Mistral AI », « AI21 »)
    "AAAA-MM", "AAAA-MM-JJ",  # date formats
    "NVIDIA", "AMD", "LINAGORA", "DALL", "SCHUFA",  # companies and product names (DALL·E)
    "L40S",  # a GPU model
    "MI300X", "MI325X", "MI355X", "SXM", "DGX",  # AMD GPU models, the H100 server form factor, NVIDIA servers
    "RTX",  # NVIDIA's brand of graphics cards (GeForce RTX 4090)
    "A3B",  # Qwen's suffix for « 3 milliards de paramètres actifs »
    "SPEC",  # « AFNOR Spec »
    "UC", "VS",  # « UC Berkeley », « VS Code »
    "AA",  # the WCAG conformance level
    "GOV", "UK",  # « GOV.UK », the British government's website (cas-usage/administration.md)
}
ROMAN_NUMERAL = re.compile(r"^[IVXLC]+$")
# Two capitals or more, no lower-case letter (names such as CamemBERT or PyTorch are not flagged).
ACRONYM = re.compile(r"(?<![\w-])(?=[A-Z0-9-]*[A-Z][A-Z0-9-]*[A-Z])[A-Z0-9]+(?:-[A-Z0-9]+)*(?![\w-])")


class _Prose(HTMLParser):
    """Text of a page's article, without code, abbreviations already explained, links or references."""
    SKIP = {"code", "pre", "abbr", "script", "style", "kbd", "a"}
    SKIP_CLASSES = {"footnote", "references", "arithmatex"}  # references: authors' names in capitals

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth_article, self.skipping, self.notebook = 0, 0, False
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if "jupyter-wrapper" in classes:
            self.notebook = True
        if tag == "article":
            self.depth_article += 1
        elif self.depth_article and (self.skipping or tag in self.SKIP or self.SKIP_CLASSES & set(classes)):
            self.skipping += 1  # counts every open tag inside a skipped one

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth_article -= 1
        elif self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if self.depth_article and not self.skipping:
            self.text.append(data)


def check_acronyms(site: Path, abbreviations: Path = ABBREVIATIONS) -> list[str]:
    """An acronym-like word in a page's prose (not in code or a link) must be in the abbreviations file."""
    known = set(re.findall(r"^\*\[([^\]]+)\]:", abbreviations.read_text(encoding="utf-8"), flags=re.M))
    missing: dict[str, list[str]] = {}
    for html in sorted(site.rglob("*.html")):
        prose = _Prose()
        prose.feed(html.read_text(encoding="utf-8", errors="replace"))
        if prose.notebook:
            continue  # notebooks are rendered without the abbreviation extension
        page = html.relative_to(site).as_posix()
        for word in set(ACRONYM.findall(" ".join(prose.text))):
            stem = re.sub(r"\d+$", "", word.split("-")[0])  # GPT-4 -> GPT, LLM01 -> LLM
            if not (word[0].isdigit() or ROMAN_NUMERAL.match(word)  # sizes (70B, 30B-A3B), annexe III
                    or {word, word.split("-")[0], stem} & (known | NOT_ACRONYMS)):
                missing.setdefault(word, []).append(page)
    return [f"Sigle « {word} » sans définition (pages : {', '.join(pages[:3])}{' …' if len(pages) > 3 else ''}) : "
            f"ajoutez `*[{word}]: signification` à includes/abbreviations.md (info-bulle et glossaire), "
            f"ou, si c'est un nom propre, à NOT_ACRONYMS dans scripts/site_checks.py."
            for word, pages in sorted(missing.items())]


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else ROOT / "site"
    problems = (check_links(site) + check_offline(site) + check_image_alternatives(site)
                + check_notebook_sources(ROOT / "notebooks")
                + check_citations(ROOT / "docs", ROOT / "bibliography.bib")
                + check_bibliography(ROOT / "bibliography.bib") + check_acronyms(site)
                + check_consolidated_links(ROOT / "docs", ROOT / "includes"))
    print("\n".join(problems) or "aucun problème")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
