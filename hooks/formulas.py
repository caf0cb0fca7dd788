"""Formulas typeset when the site is built, so that readers never download KaTeX's script (270 Ko).

pymdownx.arithmatex (generic mode) leaves \\( … \\) and \\[ … \\] in <span|div class="arithmatex">;
notebooks keep $ … $ and $$ … $$ in the text of their Markdown cells. This hook sends the formulas of a
page to KaTeX (the pinned npm package, run once per page by node) and puts KaTeX's HTML and MathML in
their place. A page with formulas then needs only katex.min.css and its fonts (overrides/main.html).

A formula that KaTeX cannot read stops the build, with the page and the formula. Each formula typeset is
kept for the rest of the process: a rebuild of `mkdocs serve` (which keeps the hooks loaded) only starts node
for the formulas it has not seen.
"""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from mkdocs.exceptions import PluginError

# Reads [[tex, display], ...] on stdin, writes [{"html": ...} or {"error": ...}, ...] on stdout.
_NODE_SCRIPT = """
const katex = require(process.argv[1]);
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const out = JSON.parse(input).map(([tex, display]) => {
    try {
      return { html: katex.renderToString(tex, { displayMode: display, throwOnError: true }) };
    } catch (error) {
      return { error: error.message };
    }
  });
  process.stdout.write(JSON.stringify(out));
});
"""

# Arithmatex's output: \( … \) inline, \[ … \] (or a bare \begin{…} environment) as a block.
_ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)
# Notebook pages: text between tags, and the elements whose text is never a formula.
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)|([^<]+)")
_NO_MATH_TAGS = re.compile(r"<(/?)(pre|code|script|style|textarea)\b", re.I)
_DOLLARS = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?![\s$])([^$]*?[^\s\\$])\$", re.S)


_typeset: dict[tuple[str, bool], str] = {}  # (TeX, display) -> KaTeX's HTML, for this process


def typeset(formulas: list[tuple[str, bool]], where: str, node_modules: Path) -> list[str]:
    """KaTeX's HTML for each (TeX, display) pair; PluginError naming `where` if one cannot be read."""
    new = list(dict.fromkeys(f for f in map(tuple, formulas) if f not in _typeset))
    if new:
        _typeset.update(zip(new, _run_katex(new, where, node_modules)))
    return [_typeset[tuple(f)] for f in formulas]


def _run_katex(formulas: list[tuple[str, bool]], where: str, node_modules: Path) -> list[str]:
    katex = node_modules / "katex"
    node = shutil.which("node")
    if node is None or not katex.is_dir():
        raise PluginError("KaTeX (npm) et node sont nécessaires pour composer les formules : "
                          "lancez `make install` (ou `npm ci`) à la racine du dépôt.")
    result = subprocess.run([node, "-e", _NODE_SCRIPT, str(katex)], input=json.dumps(formulas),
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise PluginError(f"{where} : KaTeX n'a pas pu s'exécuter :\n{result.stderr[-2000:]}")
    out = json.loads(result.stdout)
    errors = [f"  {tex!r} : {item['error']}" for (tex, _), item in zip(formulas, out) if "error" in item]
    if errors:
        raise PluginError(f"{where} : formule illisible pour KaTeX (corrigez-la dans la source) :\n"
                          + "\n".join(errors))
    return [item["html"] for item in out]


def _arithmatex_formula(inner: str) -> tuple[str, bool]:
    tex = html.unescape(inner).strip()
    for left, right, display in (("\\(", "\\)", False), ("\\[", "\\]", True)):
        if tex.startswith(left) and tex.endswith(right):
            return tex[len(left):-len(right)].strip(), display
    return tex, True  # \begin{align} … \end{align}: arithmatex keeps the environment as it is


def _outside_code(content: str, replace) -> str:
    """`content` with replace(text) applied to its text outside pre, code, script, style and textarea."""
    out, inside = [], 0
    for tag, text in _TAG_OR_TEXT.findall(content):
        if tag:
            element = _NO_MATH_TAGS.match(tag)
            if element:
                inside += -1 if element.group(1) else 1
            out.append(tag)
        else:
            out.append(replace(text) if inside == 0 else text)
    return "".join(out)


def typeset_page(content: str, where: str, node_modules: Path, notebook: bool) -> str:
    """The page's HTML with every formula typeset: arithmatex's, and a notebook's $ … $ and $$ … $$."""
    formulas: list[tuple[str, bool]] = []

    def hold(tex: str, display: bool) -> str:
        formulas.append((tex, display))
        return f"\x00{len(formulas) - 1}\x00"

    content = _ARITHMATEX.sub(
        lambda m: f'<{m.group(1)} class="arithmatex">{hold(*_arithmatex_formula(m.group(2)))}</{m.group(1)}>',
        content)
    if notebook:
        content = _outside_code(content, lambda text: _DOLLARS.sub(
            lambda m: '<span class="arithmatex">'
                      + hold(html.unescape(m.group(1) or m.group(2)).strip(), m.group(1) is not None)
                      + "</span>", text))
    rendered = typeset(formulas, where, node_modules)
    return re.sub("\x00(\\d+)\x00", lambda m: rendered[int(m.group(1))], content)


def on_page_content(content: str, page, config, files) -> str:
    node_modules = Path(config.config_file_path).parent / "node_modules"
    return typeset_page(content, page.file.src_uri, node_modules, page.file.src_uri.endswith(".ipynb"))
