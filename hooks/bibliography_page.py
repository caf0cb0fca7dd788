"""The Bibliographie page (front matter `bibliographie: true`) lists every entry of bibliography.bib.

mkdocs-bibtex renders `\\full_bibliography` as footnote definitions that nothing references, which
strict mode rejects (`anchors: warn`); here they become a plain numbered list.
"""
import re

from mkdocs.plugins import event_priority


@event_priority(-50)  # after mkdocs-bibtex
def on_page_markdown(markdown, page, config, files):
    if page.meta.get("bibliographie"):
        markdown = re.sub(r"^\[\^[^\]]+\]: ", "1. ", markdown, flags=re.M)
        # One block the site's checks recognise as references (authors' names in capitals are not acronyms)
        markdown = re.sub(r"((?:^1\. .*\n?)+)", r'<div class="references" markdown>\n\n\1\n</div>\n',
                          markdown, count=1, flags=re.M)
    return markdown
