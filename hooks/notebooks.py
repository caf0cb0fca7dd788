"""Execute the tutorial notebooks and hand the executed copies to mkdocs-jupyter.

Sources live in notebooks/ without outputs. At each build, every notebook whose inputs changed
(its own cells, the shared files next to it, the pinned dependencies, the executor) is executed with
nbclient (hooks/notebook_execution.py); the executed copy and the hash of its inputs are kept in
.cache/notebooks/. A notebook at notebooks/<path>.ipynb is published at <path>/ (for example
notebooks/fil-rouge/00-premiers-pas.ipynb -> fil-rouge/00-premiers-pas/). A failing cell stops the
build and names the notebook, the cell and the error.

Preview (`make serve`, which sets KALLM_NOTEBOOKS=apercu): nothing is executed. A notebook whose executed
copy is up to date is shown with its outputs; any other is shown from its source, without outputs, under
a banner that says how to execute it, and the log names it. `make build`, `make test` and CI leave
KALLM_NOTEBOOKS unset (or `executer`): they execute every notebook that changed, as before.

Each notebook's metadata holds `kallm.description` (one sentence, like a page's front matter) and may
hold `kallm.timeout` (seconds for the whole notebook: see `time_limit` in hooks/notebook_execution.py) and `kallm.results_from`
(names of the notebooks whose results file, written by `fil_rouge.save_results`, it reads: they are
inputs too, so it runs again when they change; notebooks run in name order, so name it after them) and
`kallm.mots_cles` (key terms for the search, like a page's `mots_cles`: hooks/search_ranking.py; not an input).

Run by hand (`make notebooks-executer`): `python hooks/notebooks.py [--force] [NOTEBOOK ...]`.
"""
from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import sys
from pathlib import Path

import nbformat
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

# MkDocs puts the hook's folder on sys.path while it loads it (and so does `python hooks/notebooks.py`).
from notebook_execution import TIMEOUT_CAP, NotebookError, _progress, execute, time_limit
from search_ranking import is_key_terms

log = logging.getLogger("mkdocs.hooks.notebooks")

SOURCE_DIR = "notebooks"
CACHE_DIR = ".cache/notebooks"
RESULTS_DIR = CACHE_DIR + "/resultats"  # where fil_rouge.save_results writes <notebook>.json
# Files whose change makes every notebook run again: the pinned Python and npm dependencies, the executor
# (how a notebook runs: kernel, environment, time budget). Not this file: choosing between the executed copy
# and the preview changes no output. Only the parts that notebooks use count: the `notebooks` and `models`
# dependency groups of pyproject.toml and the fil-rouge data packages of package-lock.json (a new test tool
# runs nothing).
DEPENDENCY_FILES = ("pyproject.toml", "package-lock.json", "hooks/notebook_execution.py")
NOTEBOOK_GROUPS = ("notebooks", "models")
DATA_PACKAGES = "node_modules/@socialgouv/"
# What the build does with a notebook whose executed copy is missing or stale.
MODE_VARIABLE = "KALLM_NOTEBOOKS"
MODES = ("executer", "apercu")
EXECUTE_COMMAND = "make notebooks-executer"


def _input_files(notebook: Path, root: Path) -> list[Path]:
    """Everything an execution depends on: the notebook, its folder's other files, the pins, this executor."""
    inputs = [notebook]
    inputs += sorted(p for p in notebook.parent.rglob("*") if p.is_file() and p.suffix != ".ipynb"
                     and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts)
    inputs += [root / name for name in DEPENDENCY_FILES if (root / name).is_file()]
    for name in _results_from(notebook):
        results = root / RESULTS_DIR / f"{name}.json"
        if not results.is_file():
            raise NotebookError(
                f"{notebook.relative_to(root)} lit les résultats du notebook « {name} » "
                f"(métadonnée kallm.results_from), mais {RESULTS_DIR}/{name}.json n'existe pas : "
                f"ce notebook doit exister, passer avant lui dans l'ordre des noms et appeler "
                f"fil_rouge.save_results(\"{name}\", …).")
        inputs.append(results)
    return inputs


def _results_from(notebook: Path) -> list[str]:
    try:
        meta = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {}).get("kallm", {})
    except ValueError:
        return []  # execute() reports the unreadable notebook
    return list(meta.get("results_from", []))


def _relevant_bytes(path: Path, root: Path) -> bytes:
    """The part of an input file that can change a notebook's outputs."""
    name = path.relative_to(root).as_posix()
    if name == "pyproject.toml":
        import tomllib
        groups = tomllib.loads(path.read_text(encoding="utf-8")).get("dependency-groups", {})
        return json.dumps({g: groups.get(g) for g in NOTEBOOK_GROUPS}, sort_keys=True).encode()
    if name == "package-lock.json":
        packages = json.loads(path.read_text(encoding="utf-8")).get("packages", {})
        return json.dumps({k: v for k, v in packages.items() if k.startswith(DATA_PACKAGES)},
                          sort_keys=True).encode()
    if path.suffix == ".ipynb":  # its review date (kallm.revue, hooks/fraicheur.py) changes no output
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
            notebook.get("metadata", {}).get("kallm", {}).pop("revue", None)
            notebook.get("metadata", {}).get("kallm", {}).pop("mots_cles", None)  # search terms, no output
        except (ValueError, AttributeError):
            return path.read_bytes()  # execute() reports the unreadable notebook
        return json.dumps(notebook, sort_keys=True, ensure_ascii=False).encode()
    return path.read_bytes()


def _hash_inputs(notebook: Path, root: Path) -> dict[str, str]:
    """SHA-256 of each input (the relevant part of the pins), by path relative to the repository root."""
    return {str(p.relative_to(root)): hashlib.sha256(_relevant_bytes(p, root)).hexdigest()
            for p in _input_files(notebook, root)}


def staleness(source: Path, root: Path) -> tuple[Path, dict[str, str], str | None]:
    """(the executed copy's path, the hashes of the inputs, why it must run again or None if up to date)."""
    target = root / CACHE_DIR / source.relative_to(root / SOURCE_DIR)
    inputs = _hash_inputs(source, root)
    stamp = target.with_suffix(".inputs.json")
    previous = json.loads(stamp.read_text()) if stamp.is_file() else None
    if previous is None or not target.is_file():
        return target, inputs, "aucune copie exécutée"
    if previous != inputs:
        return target, inputs, "changé : " + ", ".join(sorted(k for k in inputs.keys() | previous.keys()
                                                               if inputs.get(k) != previous.get(k)))
    return target, inputs, None


def ensure_executed(source: Path, root: Path, force: bool = False) -> tuple[Path, bool]:
    """Return the executed copy of `source`, executing it first if its inputs changed."""
    target, inputs, reason = staleness(source, root)
    if not force and reason is None:
        return target, False
    reason = "exécution demandée" if force else reason
    rel = source.relative_to(root / SOURCE_DIR)
    _progress(f"exécution de {SOURCE_DIR}/{rel} ({reason}) …")
    seconds = execute(source, target)
    target.with_suffix(".inputs.json").write_text(json.dumps(inputs, indent=1) + "\n")
    target.with_suffix(".seconds").write_text(f"{seconds:.1f}\n")  # read by scripts/benchmark.py
    _progress(f"{SOURCE_DIR}/{rel} exécuté en {seconds:.1f} s")
    notice = margin_notice(source.name, seconds, notebook_time_limit(source))
    if notice:
        _progress(notice)
    return target, True


def notebook_time_limit(source: Path) -> int:
    """The time limit of the notebook `source` (its `kallm.timeout`, the default, or KALLM_NOTEBOOK_TIMEOUT)."""
    return time_limit(nbformat.read(source, as_version=4).metadata.get("kallm", {}))


def margin_notice(name: str, seconds: float, limit: int) -> str | None:
    """What to do when a notebook took more than a third of its time limit; None when it did not.

    The limit only catches a hang, so it should stay at least three times what the notebook takes. On a slower or
    busy machine a notebook comes closer: the build says so in its log and `make bench` lists it, but nothing
    fails — a failure would judge the machine, not the change (measured: notebook 05 took 667 s on this project's
    2-core machine with one core busy, against 320–410 s quiet).
    """
    if 3 * seconds <= limit:
        return None
    return (f"{name} a pris {seconds:.0f} s, plus du tiers de son temps maximal ({limit} s) : sur une machine plus "
            f"lente, il pourrait être arrêté. Donnez-lui un `kallm.timeout` d'au moins {3 * seconds:.0f} s dans ses "
            f"métadonnées ({TIMEOUT_CAP} s au plus) ou allégez-le.")


def all_sources(root: Path) -> list[Path]:
    return sorted(p for p in (root / SOURCE_DIR).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


# ---- MkDocs events ------------------------------------------------------------------------------

def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


_previewed: dict[str, str] = {}  # notebook page (src_uri) shown from its source -> why


def preview_mode() -> bool:
    """True when the build shows stale notebooks from their source instead of executing them."""
    mode = os.environ.get(MODE_VARIABLE, "executer").strip().lower() or "executer"
    if mode not in MODES:
        raise PluginError(f"{MODE_VARIABLE}={mode!r} : valeur inconnue ; choisissez « executer » (exécuter les "
                          f"notebooks qui ont changé, comme `make build`) ou « apercu » (les montrer sans les "
                          f"exécuter, comme `make serve`).")
    return mode == "apercu"


def on_config(config):
    config.extra["notebooks_apercu"] = preview_mode()  # read by hooks/notebook_results.py
    return config


@event_priority(50)  # before mkdocs-jupyter turns .ipynb files into pages
def on_files(files, config):
    root = _root(config)
    preview = config.extra["notebooks_apercu"]
    _previewed.clear()
    for source in all_sources(root):
        uri = source.relative_to(root / SOURCE_DIR).as_posix()
        if files.get_file_from_path(uri) is not None:
            raise PluginError(f"docs/{uri} et {SOURCE_DIR}/{uri} portent le même chemin : "
                              f"les notebooks ne vont que dans {SOURCE_DIR}/.")
        src_dir = root / CACHE_DIR
        try:
            if preview:
                try:
                    reason = staleness(source, root)[2]
                except NotebookError:  # the results of another notebook are missing: it was not run either
                    reason = "les résultats d'un notebook précédent manquent"
                if reason is not None:
                    _previewed[uri] = reason
                    src_dir = root / SOURCE_DIR
                    _progress(f"{SOURCE_DIR}/{uri} montré sans ses sorties ({reason}) : "
                              f"notebook non exécuté sur ce poste, lancez `{EXECUTE_COMMAND}`")
            else:
                ensure_executed(source, root)
        except NotebookError as exc:
            raise PluginError(str(exc)) from None
        # A real File rooted in the cache, or in notebooks/ for a preview (mkdocs-jupyter cannot read
        # File.generated objects).
        files.append(File(uri, src_dir=str(src_dir), dest_dir=config.site_dir,
                          use_directory_urls=config.use_directory_urls))
    return files


def banner(reason: str) -> str:
    """The notice at the top of a notebook page shown from its source."""
    return ('<div class="admonition warning kallm-apercu" role="note">'
            '<p class="admonition-title">Notebook non exécuté sur ce poste</p>'
            f"<p>Cette page montre le notebook sans ses sorties ({html.escape(reason)}). Pour l'exécuter\u00a0: "
            f"<code>{EXECUTE_COMMAND}</code>, puis relancez <code>make serve</code>\u00a0; ou directement "
            "<code>make serve NOTEBOOKS=executer</code>. La construction du site (<code>make build</code>, "
            "<code>make test</code>, l'intégration continue) exécute toujours les notebooks.</p></div>\n")


ONYXIA_LAUNCHER = "https://datalab.sspcloud.fr/launcher/ide/jupyter-python"


def onyxia_url(slug: str, branch: str, notebook: str) -> str:
    """SSP Cloud's launcher for a Jupyter service that runs scripts/onyxia-init.sh for this notebook.

    Onyxia reads a value between « » as a string; both are percent-encoded in the URL.
    """
    from urllib.parse import quote
    script = f"https://raw.githubusercontent.com/{slug}/{branch}/scripts/onyxia-init.sh"
    return (f"{ONYXIA_LAUNCHER}?autoLaunch=true&init.personalInit={quote(f'«{script}»', safe=':/')}"
            f"&init.personalInitArgs={quote(f'«{notebook}»', safe='')}")


def launch_links(uri: str, config) -> str:
    """Under a notebook page's title: the three ways to run it yourself (and the Colab button's link)."""
    repo = (config.repo_url or "").rstrip("/")
    if not repo.startswith("https://github.com/"):
        return ""
    slug, branch = repo.removeprefix("https://github.com/"), config.extra.get("notebooks_branch", "main")
    colab = f"https://colab.research.google.com/github/{slug}/blob/{branch}/{SOURCE_DIR}/{uri}"
    up = "../" * (uri.count("/") + 1)  # a notebook page is <folder>/<name>/: back to the site's root
    return (
        '<div class="admonition tip"><p class="admonition-title">Exécuter ce notebook vous-même</p><ul>'
        "<li><strong>Sur votre poste</strong>\u00a0: dans un clone du guide, <code>make notebooks</code> ouvre "
        f"JupyterLab avec l'environnement du guide (<a href=\"{up}fil-rouge/#executer-les-notebooks-vous-meme\">"
        "mode d'emploi</a>).</li>"
        f"<li><strong>Sur SSP Cloud</strong>\u00a0: <a href=\"{html.escape(onyxia_url(slug, branch, Path(uri).name))}\" "
        "rel=\"noopener\">lancer ce notebook sur le Datalab de l'Insee</a> (compte SSP Cloud requis).</li>"
        f"<li><strong>Sur Google Colab</strong>\u00a0: <a href=\"{html.escape(colab)}\" rel=\"noopener\">"
        "ouvrir ce notebook dans Colab</a>, puis exécuter sa cellule d'installation.</li></ul></div>")


def on_page_content(content, page, config, files):
    uri = page.file.src_uri
    if not uri.endswith(".ipynb"):
        return content
    reason = _previewed.get(uri)
    head, found, rest = content.partition("</h1>")
    links = launch_links(uri, config)
    content = head + found + links + rest if found else links + content
    return banner(reason) + content if reason else content


def on_page_context(context, page, config, nav):
    """Notebook pages: description, edit link and launch link point to the source in notebooks/."""
    uri = page.file.src_uri
    if not uri.endswith(".ipynb"):
        return context
    root = _root(config)
    source = root / SOURCE_DIR / uri
    meta = nbformat.read(source, as_version=4).metadata.get("kallm", {})
    description = meta.get("description")
    if not description:
        raise PluginError(f"{SOURCE_DIR}/{uri} : la métadonnée `kallm.description` manque "
                          "(une phrase qui résume le notebook, voir CONTRIBUTING.md).")
    page.meta["description"] = description
    if "mots_cles" in meta:  # key terms for the search (hooks/search_ranking.py)
        terms = meta["mots_cles"]
        if not is_key_terms(terms):
            raise PluginError(f"{SOURCE_DIR}/{uri} : `kallm.mots_cles` doit être une liste de termes, "
                              'par exemple ["TF-IDF", "régression logistique"].')
        page.meta["mots_cles"] = terms
    repo = (config.repo_url or "").rstrip("/")
    branch = config.extra.get("notebooks_branch", "main")
    if repo:
        page.edit_url = f"{repo}/edit/{branch}/{SOURCE_DIR}/{uri}"
        if repo.startswith("https://github.com/"):
            slug = repo.removeprefix("https://github.com/")
            page.meta["colab_url"] = (f"https://colab.research.google.com/github/{slug}/blob/{branch}/"
                                      f"{SOURCE_DIR}/{uri}")
    return context


# ---- Command line -------------------------------------------------------------------------------

def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    force = "--force" in argv
    names = [a for a in argv if a != "--force"]
    sources = [Path(n).resolve() for n in names] or all_sources(root)
    for source in sources:
        try:
            ensure_executed(source, root, force=force)
        except NotebookError as exc:
            print(exc, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
