"""One small stylesheet for the notebook pages instead of 590 Ko of CSS inlined in each of them.

mkdocs-jupyter puts JupyterLab's whole stylesheet (and its Pygments theme, twice, once as a Python
list that no browser can read) at the top of every notebook page. Phones then spend seconds matching
rules that no element of the page can match. This hook takes those <style> blocks out of each notebook
page and, after the build, writes assets/stylesheets/notebooks.css: the same CSS without the rules
whose classes or ids appear in no notebook page, and without the custom properties that nothing uses.
overrides/main.html links it from notebook pages. The style blocks of cell outputs (pandas tables)
stay where they are.

Classes that scripts add after loading (Material's `md-…`) are kept; so are the selectors inside
:not(), :is(), :where() and :has(), which may name a class that is absent on purpose.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import tinycss2
from mkdocs.exceptions import PluginError

STYLESHEET = "assets/stylesheets/notebooks.css"
_WRAPPER = '<div class="jupyter-wrapper">'
_WRAPPER_END = "<!-- jupyter-wrapper -->"
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_CLASS_ATTR = re.compile(r'\sclass="([^"]*)"')
_ID_ATTR = re.compile(r'\sid="([^"]*)"')
_SELECTOR_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_SELECTOR_ID = re.compile(r"#(-?[_a-zA-Z][\w-]*)")
_FUNCTIONAL = re.compile(r":(?:not|is|where|has)\((?:[^()]|\([^()]*\))*\)")
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_KEPT_PREFIXES = ("md-",)  # added by Material's script once the page is loaded

_stylesheets: list[str] = []  # the template CSS of each notebook page, in build order
_used = {"classes": set(), "ids": set(), "html": []}
_last: tuple[str, str] = ("", "")  # (fingerprint of the inputs, purged CSS): a `mkdocs serve` rebuild
#                                     whose notebook pages did not change reuses the purge


def split_page(content: str, where: str) -> tuple[str, str]:
    """(the page without mkdocs-jupyter's template <style> blocks, the CSS of those blocks)."""
    start = content.find(_WRAPPER)
    end = content.find(_WRAPPER_END)
    if start < 0 or end < 0:
        raise PluginError(f"{where} : la page du notebook n'a plus la forme attendue de mkdocs-jupyter "
                          f"({_WRAPPER} … {_WRAPPER_END}) ; mettez à jour hooks/notebook_css.py.")
    head, body, tail = content[:start], content[start:end], content[end:]
    css = "\n".join(block for block in _STYLE.findall(head))
    # The Pygments theme again, as the repr of a Python list: not CSS, dropped.
    tail = _STYLE.sub(lambda m: "" if m.group(1).strip().startswith("['") else m.group(0), tail)
    return _STYLE.sub("", head) + body + tail, css


def _split_selectors(prelude: str) -> list[str]:
    """A selector list split at its top-level commas (not those inside :is(…))."""
    parts, depth, current = [], 0, ""
    for char in prelude:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [p for p in [*parts, current.strip()] if p]


def _selector_used(selector: str, classes: set[str], ids: set[str]) -> bool:
    plain = _FUNCTIONAL.sub("", selector)
    return (all(c in classes or c.startswith(_KEPT_PREFIXES) for c in _SELECTOR_CLASS.findall(plain))
            and all(i in ids for i in _SELECTOR_ID.findall(plain)))


def _declarations(content, unused_vars: set[str]) -> str:
    kept = []
    for item in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if item.type != "declaration":
            kept.append(tinycss2.serialize([item]))
        elif item.name not in unused_vars:
            value = tinycss2.serialize(item.value).strip()
            kept.append(f"{item.name}:{value}{' !important' if item.important else ''}")
    return ";".join(kept)


def _purge_rules(rules, classes: set[str], ids: set[str], unused_vars: set[str]) -> list[str]:
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in _split_selectors(tinycss2.serialize(rule.prelude))
                         if _selector_used(s, classes, ids)]
            body = _declarations(rule.content, unused_vars)
            if selectors and body:
                out.append(f"{','.join(selectors)}{{{body}}}")
        elif rule.type == "at-rule":
            prelude = tinycss2.serialize(rule.prelude).strip()
            if rule.lower_at_keyword in ("media", "supports", "container", "layer") and rule.content is not None:
                inner = _purge_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                              skip_whitespace=True), classes, ids, unused_vars)
                if inner:
                    out.append(f"@{rule.at_keyword} {prelude}{{{''.join(inner)}}}")
            elif rule.lower_at_keyword != "charset":
                out.append(tinycss2.serialize([rule]))
    return out


def purge(css: str, classes: set[str], ids: set[str], also_using: str = "") -> str:
    """`css` without the rules that match no element (by class and id) and the custom properties that
    nothing reads (in the remaining CSS or in `also_using`, e.g. the pages' inline styles)."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    unused_vars: set[str] = set()
    while True:  # a variable read only by an unused variable is unused too
        kept = "".join(_purge_rules(rules, classes, ids, unused_vars))
        declared = set(re.findall(r"(?:^|[{;])(--[\w-]+):", kept))
        newly_unused = declared - set(_VAR.findall(kept + also_using))
        if not newly_unused:
            return kept
        unused_vars |= newly_unused


def on_page_content(content: str, page, config, files) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return content
    content, css = split_page(content, page.file.src_uri)
    if css not in _stylesheets:
        _stylesheets.append(css)
    for attr in _CLASS_ATTR.findall(content):
        _used["classes"].update(attr.split())
    _used["ids"].update(_ID_ATTR.findall(content))
    _used["html"].append(content)
    return content


def on_pre_build(config) -> None:
    """Start empty, even after a build of `mkdocs serve` that stopped halfway."""
    _stylesheets.clear()
    _used.update(classes=set(), ids=set(), html=[])


def on_post_build(config) -> None:
    if not _stylesheets:
        return
    global _last
    css, classes, ids, html = "\n".join(_stylesheets), _used["classes"], _used["ids"], "".join(_used["html"])
    key = hashlib.sha256(repr((css, sorted(classes), sorted(ids), html)).encode()).hexdigest()
    if _last[0] != key:
        _last = (key, purge(css, classes, ids, also_using=html))
    target = Path(config.site_dir) / STYLESHEET
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_last[1], encoding="utf-8")
