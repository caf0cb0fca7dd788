"""Accessible names that the generated HTML lacks (CSS fixes are in docs/stylesheets/extra.css).

- Task lists (pymdownx.tasklist) render each item as a disabled checkbox inside an empty <label>: a
  screen reader announces « case à cocher » with no name. The checkbox gets one, from its state.
- Material's search is a role="dialog" without a name (Lighthouse: aria-dialog-name).
"""
import re

CHECKBOX = re.compile(r'<input type="checkbox" disabled(?P<checked> checked)?\s*/?>')


def _name(match: re.Match) -> str:
    state = "fait" if match["checked"] else "à faire"
    return f'<input type="checkbox" disabled{match["checked"] or ""} aria-label="{state}"/>'


def on_page_content(html, page, config, files):
    return CHECKBOX.sub(_name, html)


SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


def on_post_page(output, page, config):
    return output.replace(SEARCH_DIALOG, SEARCH_DIALOG[:-1] + ' aria-label="Recherche dans le guide">')
