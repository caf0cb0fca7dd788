"""Diagrams drawn before the build, so that readers never download Mermaid.

Mermaid (3.5 Mo) needs a browser to lay a diagram out. `make diagrammes` (scripts/diagrammes.py, with
Chromium) draws every ```mermaid fence of docs/ into diagrammes/<empreinte>.svg, committed with the
pages; the fingerprint is that of the diagram's source. This hook puts each SVG in its page in place of
the fence.

A fence whose SVG is missing (a diagram just written or edited) stays a <pre class="diagramme"> that the
reader's browser draws with docs/javascripts/diagrammes.js: the page works, the build log says which
diagram and what to run, and the tests (tests/test_diagrams.py) refuse it until `make diagrammes` has run.

Mermaid's SVG is made valid HTML as it goes into the page (`valid_svg`): a label is a <p> inside a
<span class="nodeLabel"> or "edgeLabel", which HTML forbids (a span holds phrasing content only); the <p>
is taken out, its text and <br> stay in the span, which Mermaid's style already colours. Sequence diagrams
put a `name` attribute, which SVG does not have, on their <rect> and <line>: it becomes `data-name`.
"""
from __future__ import annotations

import hashlib
import html
import logging
import re
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.diagrams")

SVG_DIR = "diagrammes"  # next to mkdocs.yml
_FENCE = re.compile(r'<pre class="diagramme"><code>(.*?)</code></pre>', re.S)
_LABEL = re.compile(r'(<span class="(?:node|edge)Label\b[^"]*"[^>]*>)<p>(.*?)</p>(</span>)', re.S)
_NAMED = re.compile(r"<(?:rect|line)\b[^>]*>")


def valid_svg(svg: str) -> str:
    """Mermaid's SVG without <p> inside a <span> nor `name` on <rect> and <line> (see above)."""
    svg = _LABEL.sub(r"\1\2\3", svg)
    return _NAMED.sub(lambda m: re.sub(r"\sname=\"", ' data-name="', m.group(0)), svg)


def fingerprint(source: str) -> str:
    """The name of a diagram's SVG: 16 hex digits of the SHA-256 of its source, blank edges ignored."""
    return hashlib.sha256(source.strip().encode("utf-8")).hexdigest()[:16]


def on_page_content(content: str, page, config, files) -> str:
    folder = Path(config.config_file_path).parent / SVG_DIR

    def inline(match: re.Match) -> str:
        source = html.unescape(match.group(1))
        svg = folder / f"{fingerprint(source)}.svg"
        if not svg.is_file():
            first_line = source.strip().splitlines()[0] if source.strip() else ""
            log.info("%s : le diagramme « %s… » n'a pas de SVG dans %s/ ; il sera dessiné dans le navigateur. "
                     "Lancez `make diagrammes` puis ajoutez le SVG au dépôt.", page.file.src_uri, first_line, SVG_DIR)
            return match.group(0)
        return f'<div class="diagramme">{valid_svg(svg.read_text(encoding="utf-8"))}</div>'

    return _FENCE.sub(inline, content)
