"""`mkdocs serve` only: a saved page is converted from Markdown again, the others come from memory.

MkDocs rebuilds the whole site after every save, and turning 50 pages of Markdown into HTML is most of
that time. While `mkdocs serve` runs, this hook keeps the HTML of each Markdown page with everything its
conversion read: the page's Markdown once every `on_page_markdown` hook has run (citations, glossary,
results tables…), its path and URL, the list of the site's files (links are resolved against it),
mkdocs.yml and the files that snippets insert (includes/, the root's *.md). When all of them are the same,
the conversion is skipped; every `on_page_content` hook (formulas, diagrams, notebook CSS…) and the
template still run on the page, as do the checks of links and anchors, which read what is kept here.
Likewise, the search entries of a page whose final HTML, title, URL, table of contents and search settings
are those of the previous build are taken from that build instead of parsing the HTML again (Material's
SearchIndex.add_entry_from_context, wrapped while `mkdocs serve` runs); hooks/search_ranking.py still ranks
the whole index.

A conversion that logged a warning is not kept, so that the next build warns again. `mkdocs build`,
`make test` and CI never use this cache.
"""
from __future__ import annotations

import copy
import hashlib
import logging
from pathlib import Path

from mkdocs.plugins import event_priority

_enabled = False
_world = ""  # fingerprint of what every conversion reads, for this build
_kept: dict[str, tuple[str, dict]] = {}  # src_uri -> (key, what the conversion produced)
_pending: dict[str, str] = {}  # src_uri -> key, for pages converted in this build


class _WarningCounter(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


_warnings = _WarningCounter()
_warnings_before: dict[str, int] = {}


def on_startup(command, dirty):
    global _enabled
    _enabled = command == "serve"
    if _enabled and _warnings not in logging.getLogger("mkdocs").handlers:
        logging.getLogger("mkdocs").addHandler(_warnings)
    if _enabled:
        _keep_search_entries()


_search_kept: dict[str, tuple[str, list[dict]]] = {}  # page URL -> (key, its search entries)


def _keep_search_entries() -> None:
    from material.plugins.search.plugin import SearchIndex
    index_page = SearchIndex.add_entry_from_context
    if getattr(index_page, "kallm_cached", False):
        return

    def cached(self, page):
        key = _digest(page.url.encode(), (page.content or "").encode(), str(page.toc).encode(),
                      repr((page.title, page.meta.get("title"), page.meta.get("search"),
                            page.meta.get("tags"))).encode())
        kept = _search_kept.get(page.url)
        if kept and kept[0] == key:
            self.entries.extend(copy.deepcopy(kept[1]))
            return
        start = len(self.entries)
        index_page(self, page)
        _search_kept[page.url] = (key, copy.deepcopy(self.entries[start:]))

    cached.kallm_cached = True
    SearchIndex.add_entry_from_context = cached


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


@event_priority(-100)  # after every hook that adds files
def on_files(files, config):
    global _world
    if _enabled:
        root = Path(config.config_file_path).parent
        read = [root / "mkdocs.yml", *sorted((root / "includes").rglob("*")), *sorted(root.glob("*.md"))]
        _world = _digest("\n".join(f"{f.src_uri} {f.url}" for f in files).encode(),
                         *(p.read_bytes() for p in read if p.is_file()))
    return files


@event_priority(-100)  # after every other on_page_markdown: the Markdown as it will be converted
def on_page_markdown(markdown, page, config, files):
    if not _enabled or not page.file.src_uri.endswith(".md"):
        return markdown
    uri = page.file.src_uri
    key = _digest(_world.encode(), uri.encode(), page.url.encode(), markdown.encode())
    kept = _kept.get(uri)
    if kept and kept[0] == key:
        page.render = lambda config, files: _restore(page, kept[1], files)
    else:
        _pending[uri] = key
        _warnings_before[uri] = _warnings.count
    return markdown


def _restore(page, state: dict, files) -> None:
    page.content = state["content"]
    page.toc = copy.deepcopy(state["toc"])
    page._title_from_render = state["title"]
    page.present_anchor_ids = set(state["anchors"])
    page.links_to_anchors = {files.get_file_from_path(uri): dict(links)
                             for uri, links in state["links"].items()}


@event_priority(100)  # before every other on_page_content: what the conversion itself produced
def on_page_content(content, page, config, files):
    uri = page.file.src_uri
    key = _pending.pop(uri, None)
    if key is not None and _warnings.count == _warnings_before.pop(uri):
        _kept[uri] = (key, {"content": content, "toc": copy.deepcopy(page.toc),
                            "title": getattr(page, "_title_from_render", None),
                            "anchors": set(page.present_anchor_ids or ()),
                            "links": {f.src_uri: dict(links)
                                      for f, links in (page.links_to_anchors or {}).items()}})
    return content
