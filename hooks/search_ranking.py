"""What the site's search ranks first: the chapter that explains a notion, not the pages that list every notion.

Material's search (lunr.js, French stop words; each word typed matches the words it begins) scores a section
by the number of times it holds the words typed, whatever its length, a title counting a thousand times
more than the text. The pages that mention every term of the guide then came first for most
queries: the complete reference list, the data card of the fil rouge, the notebooks and their outputs, the
glossary. Before Material writes search/search_index.json, this hook:

- leaves out the pages of EXCLUDED (the reference list: every chapter already shows its own sources);
- lowers the pages of LOWERED and the notebooks (NOTEBOOKS): still found, after the chapters;
- gives each page's first entry the page's `description` (front matter, or `kallm.description` for a
  notebook) in the field of that name, weighed in mkdocs.yml (`plugins: search: fields:`): the sentence that
  says what the page is about counts more than a passing mention;
- gives it also the page's `mots_cles` (front matter, or `kallm.mots_cles` for a notebook: the few terms
  the page explains, as a reader would name them) in the field KEY_TERMS, weighed like a title: a page that
  explains a notion in its text, under headings that do not name it, comes before the pages that name it
  once in a heading;
- drops the sections that have no text of their own (a heading followed at once by a sub-heading), which
  showed as empty results; their title is kept in the entry of their first sub-section.

tests/test_search.py checks the ranking on the queries of tests/data/recherche.yml, in Chromium.
"""
from __future__ import annotations

from mkdocs.plugins import event_priority

EXCLUDED = {"ressources/references.md"}
LOWERED = {"fil-rouge/donnees.md": 0.2, "fil-rouge/jeu-de-test.md": 0.3, "ressources/bibliographie.md": 0.3, "ressources/glossaire.md": 0.3,
           "index.md": 0.5, "contribuer.md": 0.3, "ce-qui-a-change.md": 0.2}
LOWERED_DIRS = {"quiz/": 0.3}  # the quizzes ask about every notion: found, after the chapters
NOTEBOOKS = 0.3  # boost of every notebook page: its code and outputs repeat the words of the chapters
DESCRIPTION = "description"
KEY_TERMS = "mots_cles"

_pages: dict[str, dict] = {}  # page URL -> what the ranking needs to know about the page


def on_pre_build(config):
    _pages.clear()


def on_page_context(context, page, config, nav):
    uri = page.file.src_uri
    boost = NOTEBOOKS if uri.endswith(".ipynb") else LOWERED.get(uri)
    if boost is None:
        boost = next((b for d, b in LOWERED_DIRS.items() if uri.startswith(d)), None)
    _pages[page.url] = {"exclude": uri in EXCLUDED, "boost": boost, "description": page.meta.get("description"),
                        "key_terms": key_terms(page.meta.get(KEY_TERMS))}
    return context


def is_key_terms(value) -> bool:
    """Whether `value` is a valid `mots_cles`: a non-empty list of non-empty terms. The one check of the key,
    for pages (hooks/front_matter.py), notebooks (hooks/notebooks.py) and the search index (below)."""
    return isinstance(value, list) and bool(value) and all(isinstance(term, str) and term.strip() for term in value)


def key_terms(value) -> str | None:
    """The `mots_cles` of a page as one string (« RAG, reranking »); None when there are none. A value that is
    not a list of words is reported by hooks/front_matter.py."""
    return ", ".join(term.strip() for term in value) if is_key_terms(value) else None


def rank(entries: list[dict], pages: dict[str, dict]) -> list[dict]:
    """The search entries, ranked as the module's docstring says (each entry: location, title, text...)."""
    out, pending = [], None  # (page URL, title) of a section without text, waiting for the next section
    for entry in entries:
        url, _, anchor = entry["location"].partition("#")
        page = pages.get(url, {})
        if page.get("exclude"):
            continue
        entry = dict(entry)
        if anchor and not entry["text"].strip():  # a section without text: its title goes to the next one
            pending = (url, entry["title"])
            continue
        if anchor and pending and pending[0] == url:
            entry["title"] = f"{pending[1]} — {entry['title']}"
        pending = None
        if not anchor and page.get("description"):
            entry[DESCRIPTION] = page["description"]
        if not anchor and page.get("key_terms"):
            entry[KEY_TERMS] = page["key_terms"]
        if page.get("boost") is not None:
            entry["boost"] = page["boost"]
        out.append(entry)
    return out


@event_priority(50)  # before Material's search plugin writes the index
def on_post_build(config):
    index = config.plugins["material/search"].search_index
    index.entries = rank(index.entries, _pages)
