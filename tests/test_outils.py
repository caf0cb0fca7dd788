"""The interactive tools (hooks/outils.py): their formulas against the guide's worked examples and the
notebooks' measurements, their data files, and the page in Chromium (keyboard, errors, axe).

The formulas live once, in docs/javascripts/outils/<outil>.js; these tests run that very file with node.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from conftest import ROOT
from outils import verifier_donnees

MEMOIRE_JS = ROOT / "docs" / "javascripts" / "outils" / "memoire.js"
MEMOIRE_JSON = ROOT / "includes" / "outils" / "memoire.json"
PAGE = ROOT / "docs" / "production" / "infrastructure-minimale.md"
NOTEBOOK_06 = ROOT / ".cache" / "notebooks" / "fil-rouge" / "06-quantification.ipynb"
NNBSP = "\u202f"

# Runs calculer() on each input of stdin's JSON list; prints the results and their « x Go » texts.
_NODE = """
const m = require(process.argv[1]);
let entree = "";
process.stdin.on("data", (c) => { entree += c; });
process.stdin.on("end", () => {
  const sortie = JSON.parse(entree).map((e) => {
    const r = m.calculer(e);
    if (Object.keys(r.erreurs).length) return r;
    return Object.assign(r, {texte: {poids: m.go(r.poids), kv: m.go(r.kv), sousTotal: m.go(r.sousTotal),
                                     total: m.go(r.total)}});
  });
  process.stdout.write(JSON.stringify(sortie));
});
"""


def calculer(*entrees: dict) -> list[dict]:
    node = shutil.which("node")
    assert node, "node est nécessaire pour tester les outils (le même que pour KaTeX) : lancez `make install`."
    result = subprocess.run([node, "-e", _NODE, str(MEMOIRE_JS)], input=json.dumps(entrees),
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def preset(ident: str, **changes) -> dict:
    """The calculator's input for a model preset of includes/outils/memoire.json, as the page builds it."""
    modele = next(m for m in json.loads(MEMOIRE_JSON.read_text(encoding="utf-8"))["modeles"] if m["id"] == ident)
    entree = {k: modele[k] for k in ("parametres", "attention", "couches", "tetesKv", "dimTete", "rangLatent",
                                     "dimRope", "couchesFenetre", "fenetre") if k in modele}
    entree.update(contexteMax=modele["contexteMax"], precision="bf16", precisionKv="bf16", contexte=8192,
                  requetes=1, marge=20, mode="inference", groupe=128, bitsEchelle=16)
    entree.update(changes)
    return entree


def _near(value_bytes: float, shown: str) -> bool:
    """`shown` (« 1,07 », « 4,1 ») is `value_bytes` in Go rounded to the digits it shows."""
    decimals = len(shown.split(",")[1]) if "," in shown else 0
    return abs(value_bytes / 1e9 - float(shown.replace(",", "."))) <= 0.5 * 10 ** -decimals + 1e-9


def page_text() -> str:
    return PAGE.read_text(encoding="utf-8").replace(NNBSP, " ").replace("\u00a0", " ")


# ---- The formulas against the guide's worked examples ------------------------------------------------

# (scenario, input changes, weights, KV cache, total before margin, total with 20 % margin), as the page's
# table and text print them (Go).
EXEMPLES_LLAMA = [
    ("8B BF16, 1 requête", "llama-3.1-8b", {}, "16", "1,07", "17,1", "20,5"),
    ("8B BF16, 8 requêtes", "llama-3.1-8b", {"requetes": 8}, "16", "8,6", "24,6", "29,5"),
    ("8B 4 bits, groupes de 128", "llama-3.1-8b", {"precision": "int4"}, "4,1", "1,07", "5,2", "6,2"),
    ("70B BF16", "llama-3.1-70b", {}, "140", "2,68", "142,7", "171"),
    ("70B 4 bits", "llama-3.1-70b", {"precision": "int4"}, "36,1", "2,68", "38,8", "46,5"),
]


@pytest.mark.parametrize("nom, modele, changes, poids, kv, sous_total, total", EXEMPLES_LLAMA,
                         ids=[e[0] for e in EXEMPLES_LLAMA])
def test_memory_calculator_reproduces_the_worked_examples(nom, modele, changes, poids, kv, sous_total, total):
    (r,) = calculer(preset(modele, **changes))
    for label, computed, shown in (("poids", r["poids"], poids), ("cache KV", r["kv"], kv),
                                   ("total", r["sousTotal"], sous_total), ("total avec marge", r["total"], total)):
        assert _near(computed, shown), f"{nom} : {label} calculé {computed / 1e9:.3f} Go, la page dit {shown} Go"


def test_the_issue_figures_for_llama_8b_and_the_page_prints_them():
    """16 Go of weights, 1,07 Go of KV cache, 17,1 Go total: computed, and written in the page's table."""
    (r,) = calculer(preset("llama-3.1-8b"))
    assert r["texte"]["poids"] == "16\u00a0Go" and r["texte"]["kv"] == "1,07\u00a0Go"
    assert r["texte"]["sousTotal"] == "17,1\u00a0Go"
    assert r["kvParToken"] == 131072  # 128 Kio par token, as the page says
    row = next(line for line in page_text().splitlines() if line.startswith("| BF16, 1 requête de 8 192 tokens"))
    assert "= 16$ Go" in row and "| 1,07 Go |" in row and "| 17,1 Go |" in row and "| 20,5 Go |" in row, row


def test_fine_tuning_modes_match_the_fine_tuning_pages():
    """fine-tuning/en-pratique.md (7 milliards): 112 Go, environ 14 Go, environ 3,6 Go hors activations;
    infrastructure-minimale.md (8 milliards): 128 Go en complet, environ 4,1 Go de base en QLoRA."""
    complet, lora, qlora, complet_8b, qlora_8b = calculer(
        *(preset("llama-3.1-8b", parametres=7, mode=mode, marge=0) for mode in ("complet", "lora", "qlora")),
        preset("llama-3.1-8b", mode="complet", marge=0), preset("llama-3.1-8b", mode="qlora", marge=0))
    assert complet["poids"] == 112e9 and complet["kv"] == 0 and lora["poids"] == 14e9
    assert _near(qlora["poids"], "3,6") and complet_8b["poids"] == 128e9 and _near(qlora_8b["poids"], "4,1")
    text = PAGE.parent.parent.joinpath("fine-tuning", "en-pratique.md").read_text(encoding="utf-8")
    assert "**112 Go**" in text and "**environ 14 Go**" in text and "**environ 3,6 Go**" in text
    assert "$8 \\times 10^9 \\times 16 = 128$ Go" in page_text()


def test_mla_and_sliding_window_do_not_fall_back_to_the_multi_head_formula():
    mla, fenetre, general = calculer(
        preset("deepseek-v3", marge=0), preset("gpt-oss-20b", marge=0),
        preset("gpt-oss-20b", attention="gqa", marge=0))  # what a calculator ignoring the window would say
    assert mla["kvParToken"] == 61 * (512 + 64) * 2 == 70272
    assert mla["kv"] == 70272 * 8192
    assert fenetre["kv"] == 2 * 8 * 64 * 2 * (12 * 8192 + 12 * 128)
    assert general["kv"] == 2 * 8 * 64 * 2 * 24 * 8192 and fenetre["kv"] < general["kv"] / 1.9
    text = page_text()
    assert "soit 0,58 Go pour 8 192 tokens" in text and _near(mla["kv"], "0,58")
    assert "0,20 Go pour 8 192 tokens" in text and _near(fenetre["kv"], "0,20")
    assert "formule générale (0,40 Go)" in text and _near(general["kv"], "0,40")


def test_kv_cache_matches_what_notebook_06_measured_within_5_percent():
    """Notebook 6 measures the cache that SmolLM2 really allocates (float32) and prints it."""
    if not NOTEBOOK_06.is_file():
        pytest.fail(f"{NOTEBOOK_06.relative_to(ROOT)} manque : construisez le site (`make build`), qui exécute "
                    "le notebook 06-quantification.")
    notebook = json.loads(NOTEBOOK_06.read_text(encoding="utf-8"))
    outputs = "".join("".join(o.get("text", "")) for c in notebook["cells"] for o in c.get("outputs", []))
    config = re.search(r"(\d+) couches, (\d+) têtes clé-valeur de dimension (\d+)\.", outputs)
    mesure = re.search(r"Cache KV pour (\d+) tokens en float32 : règle ([\d,]+) Mo, mesuré ([\d,]+) Mo\.",
                       outputs.replace(NNBSP, " ").replace("\u00a0", " "))
    assert config and mesure, "le notebook 06 n'affiche plus sa mesure du cache KV (cellule « La règle de calcul »)"
    modele = next(m for m in json.loads(MEMOIRE_JSON.read_text(encoding="utf-8"))["modeles"]
                  if m["id"] == "smollm2-135m")
    assert (modele["couches"], modele["tetesKv"], modele["dimTete"]) == tuple(int(x) for x in config.groups()), \
        "le préréglage SmolLM2-135M ne correspond plus à la configuration que le notebook 06 a lue"
    (r,) = calculer(preset("smollm2-135m", precisionKv="fp32", contexte=int(mesure[1])))
    mesure_octets = float(mesure[3].replace(",", ".")) * 1e6
    assert abs(r["kv"] - mesure_octets) <= 0.05 * mesure_octets, (r["kv"], mesure_octets)


def test_bad_inputs_give_a_french_error_next_to_the_field_and_no_number():
    negatif, vide, trop_long, texte, fenetre = calculer(
        preset("llama-3.1-8b", contexte=-5), preset("llama-3.1-8b", parametres=""),
        preset("llama-3.1-8b", contexte=200000), preset("llama-3.1-8b", requetes="beaucoup"),
        preset("gpt-oss-20b", couchesFenetre=30))
    assert negatif == {"erreurs": {"contexte": "La valeur ne peut pas être négative."}}
    assert vide == {"erreurs": {"parametres": "Indiquez une valeur."}}
    assert trop_long["erreurs"] == {"contexte": "Ce modèle accepte au plus 131\u202f072 tokens de contexte."}
    assert texte["erreurs"]["requetes"].startswith("Saisissez un nombre")
    assert "couchesFenetre" in fenetre["erreurs"]


def test_every_number_a_result_holds_is_finite():
    results = calculer(*(preset(m["id"]) for m in json.loads(MEMOIRE_JSON.read_text(encoding="utf-8"))["modeles"]),
                       preset("llama-3.1-8b", mode="complet"), preset("llama-3.1-8b", mode="qlora"),
                       preset("llama-3.1-8b", parametres="1e400"))
    for r in results[:-1]:
        assert r["erreurs"] == {} and all(v is None or 0 <= v < 1e16 for k, v in r.items()
                                          if isinstance(v, (int, float)) and k != "erreurs"), r
    assert results[-1]["erreurs"], "une saisie infinie doit être refusée, pas calculée"


# ---- The data file guard ------------------------------------------------------------------------

def test_the_data_file_guard_names_the_file_and_the_problem():
    donnees = json.loads(MEMOIRE_JSON.read_text(encoding="utf-8"))
    assert verifier_donnees("memoire", donnees, "memoire.json", {"meta2024llamamodels"} | {
        m["source"] for m in donnees["modeles"] + donnees["materiels"]}) == []
    casse = json.loads(json.dumps(donnees))
    del casse["modeles"][0]["couches"]
    casse["modeles"][1]["id"] = casse["modeles"][2]["id"]
    casse["modeles"][3]["attention"] = "mla"  # then it lacks rangLatent and dimRope
    casse["materiels"][2]["source"] = "cle2099inventee"
    problemes = verifier_donnees("memoire", casse, "includes/outils/memoire.json",
                                 {m["source"] for m in donnees["modeles"] + donnees["materiels"]})
    assert any("« llama-3.1-8b » : clé(s) manquante(s) : couches" in p for p in problemes), problemes
    assert any("« mistral-7b » apparaît deux fois" in p for p in problemes), problemes
    assert any("« gpt-oss-20b » : clé(s) manquante(s) : dimRope, rangLatent" in p for p in problemes), problemes
    assert any("« cle2099inventee » n'est pas une clé de bibliography.bib" in p for p in problemes), problemes
    assert all(p.startswith("includes/outils/memoire.json : ") for p in problemes), problemes


def test_a_broken_tool_file_stops_the_build_with_its_name(project):
    donnees = json.loads(MEMOIRE_JSON.read_text(encoding="utf-8"))
    del donnees["materiels"][0]["memoireGo"]
    (project.path / "includes" / "outils" / "memoire.json").write_text(json.dumps(donnees), encoding="utf-8")
    project.page("outil.md", "Outil", "Une page avec un outil.", "# Outil\n\n<!-- outil: memoire -->\n")
    result = project.build()
    assert result.returncode != 0
    assert "includes/outils/memoire.json : materiels « portable-16 » : clé(s) manquante(s) : memoireGo" in result.stdout


# ---- The page in Chromium -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site_url(built_site):
    from browser import serve
    site, _ = built_site
    with serve(site) as url:
        yield url


OUTIL_PAGE = "production/infrastructure-minimale/"


def test_the_tool_script_loads_on_its_page_only(built_site):
    site, _ = built_site
    assert "javascripts/outils/memoire.js" in (site / OUTIL_PAGE / "index.html").read_text(encoding="utf-8")
    assert "javascripts/outils/" not in (site / "a-propos" / "index.html").read_text(encoding="utf-8")


def test_memory_calculator_with_the_keyboard_only(chromium, site_url):
    from browser import Visit
    visit = Visit(chromium, site_url + OUTIL_PAGE, width=390, height=844)  # a phone
    try:
        page = visit.page
        resultat = page.locator("[data-outil='memoire'] [data-resultat]")
        assert page.locator("[data-outil='memoire']").is_visible()
        assert "17,1\u00a0Go" in resultat.inner_text()  # Llama 3.1 8B, 8 192 tokens, as in the table
        page.focus("#memoire-modele")
        for _ in range(4):  # the preset list: Llama 8B, 70B, Mistral, gpt-oss, DeepSeek-V3
            page.keyboard.press("ArrowDown")
        assert page.input_value("#memoire-modele") == "deepseek-v3"
        assert page.locator("#memoire-rangLatent").is_visible() and not page.locator("#memoire-tetesKv").is_visible()
        for _ in range(30):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "memoire-contexte":
                break
        assert page.evaluate("document.activeElement.id") == "memoire-contexte", "champ de contexte inatteignable"
        page.keyboard.press("Control+A")
        page.keyboard.type("-100")
        assert page.inner_text("#memoire-erreur-contexte") == "La valeur ne peut pas être négative."
        assert page.get_attribute("#memoire-contexte", "aria-invalid") == "true"
        page.keyboard.press("Control+A")
        page.keyboard.type("999999")
        assert "accepte au plus" in page.inner_text("#memoire-erreur-contexte")
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        assert page.inner_text("#memoire-erreur-contexte") == "Indiquez une valeur."
        texte = page.inner_text("article")
        assert "NaN" not in texte and "Infinity" not in texte
        assert resultat.get_attribute("role") == "status" and resultat.get_attribute("aria-live") == "polite"
        assert visit.console_errors == [] and visit.external_requests == []
    finally:
        visit.close()


def test_memory_calculator_passes_axe_in_both_palettes_with_an_error_shown(chromium, site_url):
    from accessibilite import Auditor

    def with_error(page):
        page.fill("#memoire-requetes", "-1")
        page.wait_for_selector("#memoire-erreur-requetes:not(:empty)")

    problems = []
    for dark in (False, True):
        auditor = Auditor(chromium, dark)
        try:
            problems += auditor.audit(site_url + OUTIL_PAGE, before=with_error)
        finally:
            auditor.close()
    assert problems == [], "\n".join(problems)
