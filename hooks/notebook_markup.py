"""Notebook pages: the markup mkdocs-jupyter and pandas write, made valid and accessible.

- Copy buttons. mkdocs-jupyter's template writes `<clipboard-copy for="cell-3", aria-label="Copy to
  Clipboard">`: the stray comma becomes an attribute named `,`, the label is in English, and a custom
  element may carry aria-label only with a role. Each button becomes
  `<clipboard-copy for="cell-3" role="button" tabindex="0" aria-label="Copier le code">`, and its notice
  « Copied! » becomes « Copié ! » (the element's script adds the same role and tabindex when it loads).
- DataFrame tables. pandas writes a `<style scoped>` before each table (`scoped` no longer exists, and a
  style element in the body is invalid); its three rules are in docs/stylesheets/extra.css instead. Its
  header cells get `scope` (col, colgroup, row, rowgroup), and, when the table has several header rows
  (a column index with a name, MultiIndex columns), each header cell an id and each data cell the ids
  of all its headers (`headers`), so that a screen reader ties a figure to both levels (WCAG 1.3.1, H43).
  pandas' `halign` and `valign` attributes, which HTML does not have, are taken out.
"""
from __future__ import annotations

import itertools
import re

COPY_BUTTON = re.compile(r"<clipboard-copy\b[^>]*?\bfor=\"(?P<cible>[^\"]+)\"[^>]*>")
COPY_NOTICE = re.compile(r'(<span class="notice" hidden(?:="")?>)Copied!(</span>)')
COPY_LABEL = "Copier le code"
PANDAS_STYLE = re.compile(r"<style scoped(?:=\"\")?>\s*(?:\.dataframe [^{}]*\{[^{}]*\}\s*)+</style>\s*")
TABLE = re.compile(r"<table\b[^>]*\bclass=\"dataframe\"[^>]*>.*?</table>", re.S)
SECTION = re.compile(r"<(?P<nom>thead|tbody)\b[^>]*>(?P<corps>.*?)</(?P=nom)>", re.S)
ROW = re.compile(r"<tr\b[^>]*>.*?</tr>", re.S)
CELL = re.compile(r"<(?P<tag>th|td)\b(?P<attrs>[^>]*)>(?P<texte>.*?)</(?P=tag)>", re.S)
ALIGN = re.compile(r'\s[hv]align="[^"]*"')   # pandas' halign/valign, not HTML (extra.css aligns)
SPAN = re.compile(r"\b(?P<quoi>colspan|rowspan)=\"(?P<n>\d+)\"")
NBSP = "\u00a0"


def copy_buttons(html: str) -> str:
    html = COPY_BUTTON.sub(lambda m: f'<clipboard-copy for="{m["cible"]}" role="button" tabindex="0" '
                                     f'aria-label="{COPY_LABEL}">', html)
    return COPY_NOTICE.sub(rf"\1Copié{NBSP}!\2", html)


def _span(attrs: str, quoi: str) -> int:
    return next((int(m["n"]) for m in SPAN.finditer(attrs) if m["quoi"] == quoi), 1)


def _with(attrs: str, **values: str) -> str:
    for name, value in values.items():
        attrs = re.sub(rf'\s{name}="[^"]*"', "", attrs) + f' {name}="{value}"'
    return attrs


def table_headers(table: str, prefix: str) -> str:
    """One pandas table with `scope` on its header cells and, with several header rows, ids and `headers`."""
    grid: dict[tuple[int, int], dict] = {}   # (row, column): the cell that covers it
    cells = []                               # every cell, in document order
    row = 0
    for section in SECTION.finditer(table):
        for tr in ROW.finditer(section["corps"]):
            column = 0
            for match in CELL.finditer(tr.group(0)):
                while (row, column) in grid:
                    column += 1
                cell = {"tag": match["tag"], "attrs": match["attrs"], "texte": match["texte"], "row": row,
                        "column": column, "head": section["nom"] == "thead",
                        "cols": _span(match["attrs"], "colspan"), "rows": _span(match["attrs"], "rowspan")}
                for r, c in itertools.product(range(row, row + cell["rows"]), range(column, column + cell["cols"])):
                    grid[(r, c)] = cell
                cells.append(cell)
                column += cell["cols"]
            row += 1
    header_rows = {c["row"] for c in cells if c["head"]}
    several = len(header_rows) > 1
    for number, cell in enumerate(c for c in cells if c["tag"] == "th"):
        if cell["head"]:   # the index's name, over the row headers, heads that column too
            scope = "colgroup" if cell["cols"] > 1 else "col"
        else:
            scope = "rowgroup" if cell["rows"] > 1 else "row"
        values = {"scope": scope}
        cell["attrs"] = ALIGN.sub("", cell["attrs"])
        if several and cell["texte"].strip():
            cell["id"] = f"{prefix}-{number}"
            values["id"] = cell["id"]
        cell["nouveau"] = _with(cell["attrs"], **values)
    if several:
        for cell in cells:
            if cell["tag"] != "td":
                continue
            ids = []
            for r in sorted(header_rows):                           # the column's headers, top to bottom
                head = grid.get((r, cell["column"]))
                if head and head.get("id") and head["id"] not in ids:
                    ids.append(head["id"])
            for c in range(cell["column"]):                         # the row's headers, left to right
                head = grid.get((cell["row"], c))
                if head and head["tag"] == "th" and head.get("id") and head["id"] not in ids:
                    ids.append(head["id"])
            if ids:
                cell["nouveau"] = _with(cell["attrs"], headers=" ".join(ids))
    rendered = iter(cells)

    def rewrite(match: re.Match) -> str:
        cell = next(rendered)
        return f'<{cell["tag"]}{cell.get("nouveau", cell["attrs"])}>{cell["texte"]}</{cell["tag"]}>'

    def rewrite_section(section: re.Match) -> str:
        return CELL.sub(rewrite, section.group(0))
    return SECTION.sub(rewrite_section, table)


def dataframes(html: str) -> str:
    html = PANDAS_STYLE.sub("", html)
    counter = itertools.count(1)
    return TABLE.sub(lambda m: table_headers(m.group(0), f"kallm-df{next(counter)}"), html)


def on_page_content(html, page, config, files):
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    return dataframes(copy_buttons(html))
