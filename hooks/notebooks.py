"""Execute the tutorial notebooks and hand the executed copies to mkdocs-jupyter.

Sources live in notebooks/ without outputs. At each build, every notebook whose inputs changed
(its own cells, the shared files next to it, the pinned dependencies) is executed with nbclient;
the executed copy and the hash of its inputs are kept in .cache/notebooks/. A notebook at
notebooks/<path>.ipynb is published at <path>/ (for example notebooks/fil-rouge/00-premiers-pas.ipynb
-> fil-rouge/00-premiers-pas/). A failing cell stops the build and names the notebook, the cell
and the error.

Each notebook's metadata holds `kallm.description` (one sentence, like a page's front matter) and may
hold `kallm.timeout` (seconds for the whole notebook, default DEFAULT_TIMEOUT) and `kallm.results_from`
(names of the notebooks whose results file, written by `fil_rouge.save_results`, it reads: they are
inputs too, so it runs again when they change; notebooks run in name order, so name it after them).

Run by hand: `python hooks/notebooks.py [--force] [NOTEBOOK ...]`.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

log = logging.getLogger("mkdocs.hooks.notebooks")

SOURCE_DIR = "notebooks"
CACHE_DIR = ".cache/notebooks"
RESULTS_DIR = CACHE_DIR + "/resultats"  # where fil_rouge.save_results writes <notebook>.json
DEFAULT_TIMEOUT = 600
# Files whose change makes every notebook run again: the pinned Python and npm dependencies, this executor.
# Only the parts that notebooks use count: the `notebooks` and `models` dependency groups of
# pyproject.toml and the fil-rouge data packages of package-lock.json (a new test tool runs nothing).
DEPENDENCY_FILES = ("pyproject.toml", "package-lock.json", "hooks/notebooks.py")
NOTEBOOK_GROUPS = ("notebooks", "models")
DATA_PACKAGES = "node_modules/@socialgouv/"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class NotebookError(Exception):
    """A notebook that cannot be executed, with a message that says where and why."""


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
        except (ValueError, AttributeError):
            return path.read_bytes()  # execute() reports the unreadable notebook
        return json.dumps(notebook, sort_keys=True, ensure_ascii=False).encode()
    return path.read_bytes()


def _hash_inputs(notebook: Path, root: Path) -> dict[str, str]:
    """SHA-256 of each input (the relevant part of the pins), by path relative to the repository root."""
    return {str(p.relative_to(root)): hashlib.sha256(_relevant_bytes(p, root)).hexdigest()
            for p in _input_files(notebook, root)}


def _progress(message: str) -> None:
    print(f"[notebooks] {message}", file=sys.stderr, flush=True)


def execute(source: Path, target: Path, timeout: int | None = None) -> float:
    """Execute `source` in a fresh kernel (working directory: its folder) and write it to `target`.

    Returns the execution time in seconds; raises NotebookError on a failing or overlong cell.
    """
    try:
        nb = nbformat.read(source, as_version=4)
    except Exception as exc:  # nbformat raises several kinds of error on a broken file
        raise NotebookError(f"{source} n'est pas un notebook lisible : {exc}") from exc
    meta = nb.metadata.get("kallm", {})
    budget = timeout or int(meta.get("timeout", DEFAULT_TIMEOUT))
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    started = time.monotonic()

    def on_cell_start(cell, cell_index):
        elapsed = time.monotonic() - started
        if elapsed > budget:
            raise CellTimeoutError(f"le notebook dépasse son temps maximal de {budget} s")
        if cell_index in code_cells:
            position = code_cells.index(cell_index) + 1
            _progress(f"{source.name} : cellule {position}/{len(code_cells)} ({elapsed:.0f} s)")

    client = NotebookClient(
        nb,
        timeout=budget,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(source.parent)}},
        on_cell_start=on_cell_start,
    )
    env = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "KALLM_BUILD": "1"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        raise NotebookError(_describe_failure(source, nb, exc)) from None
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return time.monotonic() - started


def _describe_failure(source: Path, nb, exc: Exception) -> str:
    """Say which cell failed (its number among code cells, its code) and the error."""
    failed, summary = None, None
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(code_cells, 1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                failed, summary = (number, cell), f"{output.get('ename')}: {output.get('evalue')}"
    if failed is None:  # time-out or dead kernel: the last cell that started
        started = [(n, c) for n, c in enumerate(code_cells, 1) if c.get("execution_count") is not None
                   or c.get("metadata", {}).get("execution")]
        failed = started[-1] if started else (1, code_cells[0] if code_cells else None)
    number, cell = failed
    code = cell.source if cell is not None else ""
    if summary is None:
        lines = ANSI.sub("", str(exc)).strip().splitlines()
        summary = lines[-1] if lines else type(exc).__name__
    return (
        f"Le notebook {source} a échoué à la cellule de code n° {number} :\n"
        f"----- code -----\n{code}\n----- erreur -----\n{summary}\n"
        f"Corrigez la cellule, puis relancez `make serve` ou `make build`."
    )


def ensure_executed(source: Path, root: Path, force: bool = False) -> tuple[Path, bool]:
    """Return the executed copy of `source`, executing it first if its inputs changed."""
    rel = source.relative_to(root / SOURCE_DIR)
    target = root / CACHE_DIR / rel
    stamp = target.with_suffix(".inputs.json")
    inputs = _hash_inputs(source, root)
    previous = json.loads(stamp.read_text()) if stamp.is_file() else None
    if not force and target.is_file() and previous == inputs:
        return target, False
    if force:
        reason = "exécution demandée"
    elif previous is None or not target.is_file():
        reason = "aucune copie exécutée"
    else:
        reason = "changé : " + ", ".join(sorted(k for k in inputs.keys() | previous.keys()
                                                 if inputs.get(k) != previous.get(k)))
    _progress(f"exécution de {SOURCE_DIR}/{rel} ({reason}) …")
    seconds = execute(source, target)
    stamp.write_text(json.dumps(inputs, indent=1) + "\n")
    target.with_suffix(".seconds").write_text(f"{seconds:.1f}\n")  # read by scripts/benchmark.py
    _progress(f"{SOURCE_DIR}/{rel} exécuté en {seconds:.1f} s")
    return target, True


def all_sources(root: Path) -> list[Path]:
    return sorted(p for p in (root / SOURCE_DIR).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


# ---- MkDocs events ------------------------------------------------------------------------------

def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


@event_priority(50)  # before mkdocs-jupyter turns .ipynb files into pages
def on_files(files, config):
    root = _root(config)
    for source in all_sources(root):
        uri = source.relative_to(root / SOURCE_DIR).as_posix()
        if files.get_file_from_path(uri) is not None:
            raise PluginError(f"docs/{uri} et {SOURCE_DIR}/{uri} portent le même chemin : "
                              f"les notebooks ne vont que dans {SOURCE_DIR}/.")
        try:
            executed, _ = ensure_executed(source, root)
        except NotebookError as exc:
            raise PluginError(str(exc)) from None
        # A real File rooted in the cache (mkdocs-jupyter cannot read File.generated objects).
        files.append(File(uri, src_dir=str(root / CACHE_DIR), dest_dir=config.site_dir,
                          use_directory_urls=config.use_directory_urls))
    return files


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
