"""Interactive tools in a page: the marker `<!-- outil: memoire -->` becomes the tool's form.

Each tool has three files, one place each:
- includes/outils/<nom>.html: the form (hidden until its script runs: without JavaScript, and in the PDF,
  the page shows its text, formula and worked example only);
- includes/outils/<nom>.json: its presets, each with its source (a key of bibliography.bib), embedded in
  the page (nothing is fetched, so the offline edition works too). The cost tool's presets are instead
  the fil rouge's measurements: notebook 8's results (.cache/notebooks/resultats/08-evaluation-couts.json,
  written when the build executes it) and the power, PUE and carbon intensity its settings cell states;
- docs/javascripts/outils/<nom>.js: the formulas and the form's behaviour, also run by node in
  tests/test_outils.py. overrides/main.html loads it on the pages that carry the tool, and only there,
  after docs/javascripts/outils/commun.js: what every tool shares (its preamble, the one reader of typed
  numbers, the error messages under each field), with includes/outils/nombres.json for its test table.

A missing file, a preset without one of its keys, a duplicate id or an unknown source stops the build
with the file's name.
"""
from __future__ import annotations

import html as html_lib
import json
import logging
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.outils")
MARKER = re.compile(r"<!--\s*outil:\s*([a-z0-9-]+)\s*-->")
DOSSIER = Path("includes/outils")
# Keys every preset must have, by tool and list.
CLES = {
    "memoire": {
        "modeles": {"id", "nom", "source", "parametres", "attention", "couches", "contexteMax"},
        "materiels": {"id", "nom", "memoireGo", "source"},
    },
}
ATTENTION = {"mha": {"tetesKv", "dimTete"}, "gqa": {"tetesKv", "dimTete"}, "mla": {"rangLatent", "dimRope"},
             "fenetre": {"tetesKv", "dimTete", "couchesFenetre", "fenetre"}}
SOURCES_LIBRES = {"hypothèse"}  # a reader's own machine: no publication to cite


def bib_keys(root: Path) -> set[str]:
    text = (root / "bibliography.bib").read_text(encoding="utf-8")
    return set(re.findall(r"^@\w+\{([^,\s]+),", text, flags=re.M))


def verifier_donnees(nom: str, donnees: dict, fichier: str, cles_bib: set[str]) -> list[str]:
    """The problems of a tool's data file, each naming the file and what to fix."""
    problemes = []
    for liste, obligatoires in CLES.get(nom, {}).items():
        vus = set()
        for i, item in enumerate(donnees.get(liste) or []):
            ident = item.get("id", f"n° {i + 1}")
            manque = obligatoires - item.keys()
            if item.get("attention") in ATTENTION:
                manque |= ATTENTION[item["attention"]] - item.keys()
            elif "attention" in item:
                problemes.append(f"{fichier} : {liste} « {ident} » : attention « {item['attention']} » inconnue "
                                 f"(valeurs permises : {', '.join(ATTENTION)}).")
            if manque:
                problemes.append(f"{fichier} : {liste} « {ident} » : clé(s) manquante(s) : {', '.join(sorted(manque))}.")
            if ident in vus:
                problemes.append(f"{fichier} : {liste} : l'identifiant « {ident} » apparaît deux fois.")
            vus.add(ident)
            source = item.get("source")
            if source and source not in cles_bib and source not in SOURCES_LIBRES:
                problemes.append(f"{fichier} : {liste} « {ident} » : la source « {source} » n'est pas une clé de "
                                 "bibliography.bib ; ajoutez l'entrée ou corrigez la clé.")
        if not vus:
            problemes.append(f"{fichier} : la liste « {liste} » manque ou est vide.")
    return problemes


NOTEBOOK_COUTS = "notebooks/fil-rouge/08-evaluation-couts.ipynb"
RESULTATS_COUTS = ".cache/notebooks/resultats/08-evaluation-couts.json"
# The settings of notebook 8 that the cost tool reuses (power = TDP × share of the TDP).
CONSTANTES_COUTS = ("TDP_CPU_W", "PART_TDP", "PUE_PORTABLE", "INTENSITE_G_PAR_KWH")


def donnees_couts(root: Path, page_uri: str, apercu: bool = False) -> dict:
    """The cost tool's presets: notebook 8's measured durations, with its stated hypotheses.

    In `make serve`'s preview (notebooks not executed), missing results leave the tool without presets.
    """
    resultats = root / RESULTATS_COUTS
    if not resultats.is_file() and apercu:
        log.info(f"docs/{page_uri} : calculateur de coût sans les mesures du notebook 8 (non exécuté sur ce poste).")
    elif not resultats.is_file():
        raise PluginError(f"docs/{page_uri} : le calculateur de coût lit {RESULTATS_COUTS}, absent ; pour le "
                          f"recréer : `.venv/bin/python hooks/notebooks.py --force {NOTEBOOK_COUTS}`.")
    code = "\n".join("".join(c["source"]) for c in json.loads((root / NOTEBOOK_COUTS).read_text(encoding="utf-8"))
                     ["cells"] if c["cell_type"] == "code")
    valeurs = {}
    for nom in CONSTANTES_COUTS:
        trouve = re.search(rf"^{nom}\s*=\s*([\d.]+)", code, flags=re.M)
        if not trouve:
            raise PluginError(f"{NOTEBOOK_COUTS} : la constante {nom} (réglages du notebook) est introuvable ; "
                              "le calculateur de coût en a besoin (hooks/outils.py).")
        valeurs[nom] = float(trouve.group(1))
    mesures = [] if not resultats.is_file() else [{"id": f"m{i}", "nom": nom, "duree": m["durée pour 1 000 documents (s)"],
                "energieWh": m.get("énergie pour 1 000 documents (Wh, estimation)"),
                "emissionsMg": m.get("émissions pour 1 000 documents (mg CO2eq, estimation)")}
        for i, (nom, m) in enumerate(json.loads(resultats.read_text(encoding="utf-8")).items(), 1)]
    return {"hypotheses": {"puissance": round(valeurs["TDP_CPU_W"] * valeurs["PART_TDP"], 6),
                           "pue": valeurs["PUE_PORTABLE"], "intensite": valeurs["INTENSITE_G_PAR_KWH"]},
            "mesures": mesures}


def rendre(nom: str, root: Path, page_uri: str, apercu: bool = False) -> str:
    """The HTML that replaces the marker of tool `nom` in page `page_uri`."""
    html_path, json_path = root / DOSSIER / f"{nom}.html", root / DOSSIER / f"{nom}.json"
    js_path = root / "docs" / "javascripts" / "outils" / f"{nom}.js"
    for path in (html_path, js_path) + (() if nom == "couts" else (json_path,)):
        if not path.is_file():
            raise PluginError(f"docs/{page_uri} : l'outil « {nom} » demande le fichier {path.relative_to(root)}, "
                              "introuvable.")
    if nom == "couts":
        donnees = donnees_couts(root, page_uri, apercu)
    else:
        fichier = str(json_path.relative_to(root))
        try:
            donnees = json.loads(json_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise PluginError(f"{fichier} : JSON illisible ({err}).") from err
        problemes = verifier_donnees(nom, donnees, fichier, bib_keys(root))
        if problemes:
            raise PluginError("\n".join(problemes))
    html = html_path.read_text(encoding="utf-8")
    for liste in ("modeles", "mesures"):
        options = "".join(f'<option value="{html_lib.escape(m["id"])}">{html_lib.escape(m["nom"])}</option>\n'
                          for m in donnees.get(liste, []))
        html = html.replace(f"<!-- options-{liste} -->\n", options)
    embarque = json.dumps(donnees, ensure_ascii=False).replace("</", "<\\/")
    return html.replace("<!-- donnees -->", embarque)


def on_page_content(content: str, page, config, files) -> str:
    root = Path(config.config_file_path).resolve().parent
    outils = []

    def remplacer(match):
        outils.append(match.group(1))
        return rendre(match.group(1), root, page.file.src_uri, bool(config.extra.get("notebooks_apercu")))

    content = MARKER.sub(remplacer, content)
    if outils:
        page.meta.setdefault("outils", []).extend(outils)  # overrides/main.html loads their scripts
    return content
