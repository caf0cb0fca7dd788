"""Tables of results that the notebooks wrote while the build executed them, never typed by hand.

A page writes the marker `<!-- resultats: 02-reference-sans-llm 03-plongements -->` (optionally
`<!-- resultats(Thème): 01-donnees -->` to name the row column); the marker becomes a table with one
row per entry, read from .cache/notebooks/resultats/<notebook>.json (written by `fil_rouge.save_results`
during the execution, see hooks/notebooks.py); its columns are the entries' keys, or the ones listed
after a `|`: `<!-- resultats: 02-reference-sans-llm 05-fine-tuning-lora | F1 micro, durée (s) -->`. A missing file stops
the build with the command that re-creates it; in the preview of `make serve` (notebooks not executed, see
hooks/notebooks.py) the table says which results are missing and the log names them, without failing.
"""
import json
import logging
import re
from pathlib import Path

from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.notebook_results")
MARKER = re.compile(r"<!--\s*resultats(?:\(([^)]*)\))?:\s*([^>]*?)\s*-->")
RESULTS_DIR = Path(".cache/notebooks/resultats")


def _number(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _cell(value) -> str:
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, list) and len(value) == 2:  # a 95 % interval (fil_rouge.bootstrap_interval)
        return f"[{_number(value[0])}\u00a0; {_number(value[1])}]"
    return "—" if value is None else str(value)


def results_table(notebooks: list[str], root: Path, page_uri: str, row_label: str = "Méthode",
                  columns: list[str] | None = None) -> tuple[str, list[str]]:
    """The Markdown table for these notebooks, and the problems found (missing files)."""
    entries, problems = [], []
    depth = page_uri.count("/")
    for name in notebooks:
        path = root / RESULTS_DIR / f"{name}.json"
        if not path.is_file():
            problems.append(f"docs/{page_uri} : les résultats de {name} ({path.relative_to(root)}) manquent ; "
                            f"le notebook doit appeler fil_rouge.save_results(). Pour le ré-exécuter : "
                            f"`.venv/bin/python hooks/notebooks.py --force notebooks/fil-rouge/{name}.ipynb`.")
            continue
        link = "../" * depth + f"fil-rouge/{name}.ipynb"
        entries += [(f"[{name}]({link})", row, values)
                    for row, values in json.loads(path.read_text(encoding="utf-8")).items()]
    if columns:
        entries = [e for e in entries if any(c in e[2] for c in columns)]  # rows that have something to show
    else:
        columns = list(dict.fromkeys(key for _, _, values in entries for key in values))
    header = ["Notebook", row_label] + [c[0].upper() + c[1:] for c in columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join([link, row] + [_cell(values.get(c)) for c in columns]) + " |"
              for link, row, values in entries]
    return "\n".join(lines), problems


@event_priority(50)  # before the Markdown is rendered; after hooks/notebooks.py has executed them (on_files)
def on_page_markdown(markdown, page, config, files):
    root = Path(config.config_file_path).resolve().parent

    def replace(match):
        names, _, wanted = match.group(2).partition("|")
        columns = [c.strip() for c in wanted.split(",") if c.strip()] or None
        table, problems = results_table(names.split(), root, page.file.src_uri, match.group(1) or "Méthode",
                                        columns)
        if problems and config.extra.get("notebooks_apercu"):
            for problem in problems:
                log.info(problem)
            return table + ("\n\n!!! warning \"Résultats incomplets sur ce poste\"\n    Les notebooks qui "
                            "produisent une partie de ces résultats n'ont pas été exécutés ici. Lancez "
                            "`make notebooks-executer`, puis `make serve`.\n")
        for problem in problems:
            log.warning(problem)
        return table

    return MARKER.sub(replace, markdown)
