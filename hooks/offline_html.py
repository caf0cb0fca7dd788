"""Keep every page free of third-party hosts (see tests/test_offline.py).

- Emoji shortcodes: Material's twemoji generator makes <img> tags on a CDN; real emoji become the
  plain Unicode character, icons (:material-…:) stay inline SVG.
- Notebook pages: nbconvert's template loads MathJax (an empty <script src="">) and Mermaid from a CDN;
  both are removed, the site's own KaTeX and Mermaid take over.
"""
import re

from material.extensions.emoji import to_svg
from pymdownx.emoji import to_alt

_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_NB_MERMAID = re.compile(
    r'<script type="module">\s*document\.addEventListener\("DOMContentLoaded", async \(\) => \{'
    r"\s*const diagrams = document\.querySelectorAll\(\"\.jp-Mermaid.*?</script>",
    re.S,
)


def _emoji_generator(index, shortname, alias, uc, alt, title, category, options, md):
    if uc:
        return to_alt(index, shortname, alias, uc, alt, title, category, options, md)
    return to_svg(index, shortname, alias, uc, alt, title, category, options, md)


def on_config(config):
    config.mdx_configs.setdefault("pymdownx.emoji", {})["emoji_generator"] = _emoji_generator
    return config


def on_post_page(output, page, config):
    if page.file.src_uri.endswith(".ipynb"):
        output = _NB_MERMAID.sub("", _MATHJAX.sub("", output))
    return output
