"""What mkdocs-bibtex writes, put right after it, on every page.

- The Bibliographie page (front matter `bibliographie: true`) lists every entry of bibliography.bib.
  mkdocs-bibtex renders `\\full_bibliography` as footnote definitions that nothing references, which
  strict mode rejects (`anchors: warn`); here they become a plain numbered list.
- pandoc's citeproc wraps an author whose name it must not recase (`author = {{vLLM Project}}`) in a
  pandoc span, `[VLLM PROJECT]{.nocase}`, that Python-Markdown does not know and showed as typed: the
  span's text is kept, without its brackets.
- pandoc writes its Markdown with backslash escapes inside URLs (`<https://…?a=1\\&b=2>`,
  `…/actualit\\%C3\\%A9s`), which Python-Markdown keeps as typed: the link then sends a backslash, or breaks
  the path in two. A URL never holds a backslash: the escapes are taken out of every link pandoc wrote.
"""
import re

from mkdocs.plugins import event_priority

NOCASE = re.compile(r"\[([^\[\]\n]*)\]\{\.nocase\}")
# An autolink <https://…> or a link target ](https://…) that holds a backslash escape (pandoc's Markdown).
URL = re.compile(r"(?P<debut><|\]\()(?P<url>https?://[^\s<>()]*\\[^\s<>()]*)(?=[>)])")
ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")   # a backslash before ASCII punctuation


def unescape_urls(markdown: str) -> str:
    """The URLs of pandoc's Markdown without their backslash escapes."""
    return URL.sub(lambda m: m["debut"] + ESCAPE.sub(r"\1", m["url"]), markdown)


@event_priority(-50)  # after mkdocs-bibtex
def on_page_markdown(markdown, page, config, files):
    markdown = unescape_urls(NOCASE.sub(r"\1", markdown))
    if page.meta.get("bibliographie"):
        markdown = re.sub(r"^\[\^[^\]]+\]: ", "1. ", markdown, flags=re.M)
        # One block the site's checks recognise as references (authors' names in capitals are not acronyms)
        markdown = re.sub(r"((?:^1\. .*\n?)+)", r'<div class="references" markdown>\n\n\1\n</div>\n',
                          markdown, count=1, flags=re.M)
    return markdown
