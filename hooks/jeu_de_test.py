"""The French adversarial test set for administrative assistants: checked at each build, published as JSONL and CSV.

The source of truth is one JSONL file per set in includes/jeu-de-test/ (`assistants.jsonl`, the adversarial
set; `refus-a-tort.jsonl`, legitimate questions that measure false refusals), one item per line, described by
includes/jeu-de-test/schema.json. A page shows a set with the marker `<!-- jeu-de-test: assistants -->`: the
marker becomes the download links and the table of items per category (counted here, never typed), and the
set is published next to the page as `jeu-de-test-<set>.jsonl` and `.csv` (and the schema as
`jeu-de-test-schema.json`).

A malformed item stops the build with the file and the line: an unreadable line, a missing or unknown field,
an unknown category or expected behaviour, an id used twice (in either set), an indirect injection without its
passage, a legitimate question without its source sheet, or a sheet that is not in the fil rouge's data
(`@socialgouv/fiches-travail-data`, the sheet's URL name, as the `fiche` column of notebooks/fil-rouge/rag.py).
"""
from __future__ import annotations

import csv
import functools
import io
import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

SETS = ("assistants", "refus-a-tort")
FOLDER = Path("includes") / "jeu-de-test"
FICHES = Path("node_modules") / "@socialgouv" / "fiches-travail-data" / "data" / "fiches-travail.json"
MARKER = re.compile(r"^<!--\s*jeu-de-test:\s*([a-z-]+)\s*-->[ \t]*$", re.M)

# The closed lists, with the words the data card and the table use.
CATEGORIES = {
    "injection-directe": "Injection directe (consignes, jeu de rôle, «\u00a0mode développeur\u00a0»)",
    "injection-obfusquee": "Injection masquée (homoglyphes, encodages, caractères invisibles)",
    "injection-indirecte": "Injection indirecte, cachée dans un passage retrouvé",
    "extraction-prompt": "Extraction du prompt système",
    "donnees-personnelles-usager": "Données personnelles tapées par l'usager",
    "donnees-personnelles-tiers": "Données personnelles d'un tiers",
    "hors-perimetre": "Question hors du périmètre",
    "premisse-fausse": "Prémisse fausse",
    "question-mal-ecrite": "Question légitime mal écrite",
    "autre-langue": "Question légitime dans une autre langue",
    "demande-toxique": "Demande toxique ou malveillante",
    "format-force": "Format imposé («\u00a0oui ou non\u00a0»…)",
    "entree-longue": "Entrée très longue",
    "question-legitime": "Question légitime bien écrite",
}
BEHAVIOURS = {
    "repondre": "répondre sur le fond, à partir de la fiche",
    "abstenir": "dire que la question sort du champ ou que la réponse manque, et orienter",
    "refuser": "refuser poliment, sans donner ce qui est demandé",
    "corriger-premisse": "signaler que la prémisse est fausse, sans jamais la confirmer",
    "ne-pas-repeter": "ne pas recopier la donnée personnelle dans la réponse",
    "ignorer-instruction": "ne pas exécuter l'instruction glissée dans l'entrée ou le passage",
    "ne-pas-divulguer": "ne pas révéler le prompt système ni la configuration",
    "nuancer": "répondre juste même si le format imposé ne le permet pas",
}
REQUIRED = ("id", "categorie", "entree", "attendu")
OPTIONAL = ("passage", "fiche", "critere", "variante_de", "methode")
FIELDS = REQUIRED + OPTIONAL
ID = re.compile(r"^[a-z-]+-\d{3}$")
CSV_COLUMNS = list(FIELDS)


class ItemError(ValueError):
    """A malformed item: the message names the file and the line."""


@functools.lru_cache(maxsize=4)
def _sheets(path: str) -> frozenset[str]:
    sheets = json.loads(Path(path).read_text(encoding="utf-8"))
    return frozenset(sheet["url"].rstrip("/").split("/")[-1] for sheet in sheets)


def sheets(root: Path) -> frozenset[str]:
    """The URL names of the fil rouge's practical sheets (the `fiche` of a legitimate question)."""
    path = root / FICHES
    if not path.is_file():
        raise PluginError(f"{FICHES} est introuvable : lancez `npm ci` (ou `make install`) à la racine du dépôt.")
    return _sheets(str(path))


def check_item(item, where: str, known_sheets: frozenset[str]) -> dict:
    """The item if it is well formed, else an ItemError in French that begins with `where` (file, line)."""
    if not isinstance(item, dict):
        raise ItemError(f"{where} : un item est un objet JSON {{…}}, pas {type(item).__name__}.")
    for key in REQUIRED:
        if key not in item or item[key] in ("", [], None):
            raise ItemError(f"{where} : le champ obligatoire « {key} » manque ou est vide"
                            + (" (le comportement attendu)." if key == "attendu" else "."))
    unknown = [key for key in item if key not in FIELDS]
    if unknown:
        raise ItemError(f"{where} : champ inconnu « {unknown[0]} » (champs permis : {', '.join(FIELDS)}).")
    for key in FIELDS:
        if key in item and key != "attendu" and not isinstance(item[key], str):
            raise ItemError(f"{where} : le champ « {key} » doit être une chaîne de caractères.")
    if not ID.match(item["id"]):
        raise ItemError(f"{where} : identifiant « {item['id']} » mal formé (attendu : minuscules et tirets, "
                        "puis trois chiffres, par exemple « hors-perimetre-007 »).")
    if item["categorie"] not in CATEGORIES:
        raise ItemError(f"{where} : catégorie inconnue « {item['categorie']} » (catégories possibles : "
                        f"{', '.join(CATEGORIES)}).")
    expected = item["attendu"]
    if not isinstance(expected, list) or not all(isinstance(b, str) for b in expected):
        raise ItemError(f"{where} : « attendu » est une liste de comportements, par exemple [\"refuser\"].")
    for behaviour in expected:
        if behaviour not in BEHAVIOURS:
            raise ItemError(f"{where} : comportement attendu inconnu « {behaviour} » (comportements possibles : "
                            f"{', '.join(BEHAVIOURS)}).")
    if len(set(expected)) != len(expected):
        raise ItemError(f"{where} : un comportement attendu est répété dans « attendu ».")
    if item["categorie"] == "injection-indirecte" and not item.get("passage"):
        raise ItemError(f"{where} : une injection indirecte a besoin de son « passage » (le texte retrouvé "
                        "qui contient l'instruction).")
    if "repondre" in expected:
        if not item.get("fiche"):
            raise ItemError(f"{where} : une question légitime (« repondre ») nomme sa fiche source dans « fiche ».")
    if item.get("fiche") and item["fiche"] not in known_sheets:
        raise ItemError(f"{where} : la fiche « {item['fiche']} » n'existe pas dans les données du fil rouge "
                        f"({FICHES.parent.parent.name} : nom de l'adresse de la fiche, par exemple « la-periode-dessai »).")
    if bool(item.get("variante_de")) != bool(item.get("methode")):
        raise ItemError(f"{where} : « variante_de » et « methode » vont ensemble (un item généré nomme les deux).")
    return item


def load(path: Path, known_sheets: frozenset[str], seen: dict[str, str] | None = None) -> list[dict]:
    """The items of one JSONL file, each checked; `seen` (id → where) catches an id used twice across files."""
    seen = {} if seen is None else seen
    name = path.as_posix().split("includes/", 1)[-1]
    name = f"includes/{name}" if "jeu-de-test/" in name else path.name
    if not path.is_file():
        raise ItemError(f"{name} : fichier introuvable.")
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{name}, ligne {number}"
        if not line.strip():
            raise ItemError(f"{where} : ligne vide (un item par ligne, sans ligne blanche).")
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise ItemError(f"{where} : JSON illisible ({error.msg}, colonne {error.colno}).") from None
        check_item(item, where, known_sheets)
        if item["id"] in seen:
            raise ItemError(f"{where} : identifiant « {item['id']} » en double (déjà utilisé : {seen[item['id']]}).")
        seen[item["id"]] = where
        items.append(item)
    if not items:
        raise ItemError(f"{name} : le fichier ne contient aucun item.")
    return items


def load_all(root: Path) -> dict[str, list[dict]]:
    """Both sets, checked together (ids are unique across them; a variant names an item that exists)."""
    known, seen = sheets(root), {}
    data = {name: load(root / FOLDER / f"{name}.jsonl", known, seen) for name in SETS}
    ids = {item["id"] for items in data.values() for item in items}
    for name, items in data.items():
        for item in items:
            if item.get("variante_de") and item["variante_de"] not in ids:
                raise ItemError(f"{seen[item['id']]} : « variante_de » nomme « {item['variante_de']} », "
                                "qui n'existe dans aucun des deux jeux.")
    return data


def to_csv(items: list[dict]) -> str:
    """The set as CSV (UTF-8, comma, RFC 4180 quoting); the behaviours joined by « + »."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for item in items:
        writer.writerow({**{key: item.get(key, "") for key in CSV_COLUMNS}, "attendu": "+".join(item["attendu"])})
    return out.getvalue()


def counts_table(items: list[dict]) -> str:
    """Markdown table: items per category, with the expected behaviours met in that category."""
    rows = ["| Catégorie | Items | Dont générés | Comportements attendus |", "|---|---:|---:|---|"]
    for key, label in CATEGORIES.items():
        group = [item for item in items if item["categorie"] == key]
        if not group:
            continue
        behaviours = sorted({b for item in group for b in item["attendu"]}, key=list(BEHAVIOURS).index)
        generated = sum(1 for item in group if item.get("variante_de"))
        rows.append(f"| {label} (`{key}`) | {len(group)} | {generated} | {', '.join(f'`{b}`' for b in behaviours)} |")
    rows.append(f"| **Total** | **{len(items)}** | **{sum(1 for i in items if i.get('variante_de'))}** | |")
    return "\n".join(rows)


def _root(config) -> Path:
    return Path(config.config_file_path).parent


def _data(config) -> dict[str, list[dict]]:
    try:
        return load_all(_root(config))
    except ItemError as error:
        raise PluginError(str(error)) from None


def on_files(files, config):
    data = None
    for page in files.documentation_pages():
        if not page.src_uri.endswith(".md"):
            continue
        names = MARKER.findall(page.content_string)
        if not names:
            continue
        data = data or _data(config)
        folder = page.src_uri.rsplit("/", 1)[0] + "/" if "/" in page.src_uri else ""
        for name in names:
            if name not in data:
                raise PluginError(f"{page.src_uri} : jeu de test inconnu « {name} » (jeux : {', '.join(SETS)}).")
            items = data[name]
            jsonl = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
            files.append(File.generated(config, f"{folder}jeu-de-test-{name}.jsonl", content=jsonl.encode("utf-8")))
            files.append(File.generated(config, f"{folder}jeu-de-test-{name}.csv",
                                        content=to_csv(items).encode("utf-8")))
        schema = (_root(config) / FOLDER / "schema.json").read_bytes()
        files.append(File.generated(config, f"{folder}jeu-de-test-schema.json", content=schema))
    return files


def on_page_markdown(markdown, page, config, files):
    if not MARKER.search(markdown):
        return markdown
    data = _data(config)

    def block(match):
        name = match.group(1)
        items = data[name]
        links = (f"Télécharger le jeu «\u00a0{name}\u00a0» ({len(items)} items)\u00a0: [au format JSONL](jeu-de-test-{name}.jsonl) "
                 f"ou [au format CSV](jeu-de-test-{name}.csv).")
        return f"{links}\n\n{counts_table(items)}\n"
    return MARKER.sub(block, markdown)
