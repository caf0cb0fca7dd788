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


def test_kv_cache_matches_what_notebook_06_measured_within_5_percent(built_site):
    """Notebook 6 measures the cache that SmolLM2 really allocates (float32) and prints it (executed by the build)."""
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


def test_sliding_window_line_gives_the_growth_beyond_the_window():
    """gpt-oss-20b at 32 768 tokens: 48 Kio per token while the window fills, then 24 Kio (12 global layers of
    24); Mistral 7B (every layer windowed): nothing more beyond 4 096 tokens."""
    script = ("const m = require(process.argv[1]); const e = JSON.parse(process.argv[2]);"
              "process.stdout.write(JSON.stringify(e.map((x) => { const r = m.calculer(x); return [r.kvParToken,"
              " r.kvParTokenAuDela, m.parToken(r)]; })));")
    entrees = [preset("gpt-oss-20b", contexte=32768), preset("mistral-7b", contexte=8192), preset("gpt-oss-20b", contexte=100),
               preset("llama-3.1-8b")]
    out = subprocess.run([shutil.which("node"), "-e", script, str(MEMOIRE_JS), json.dumps(entrees)],
                         capture_output=True, text=True, check=True).stdout
    oss, mistral, court, llama = json.loads(out)
    assert oss[:2] == [2 * 8 * 64 * 2 * 24, 2 * 8 * 64 * 2 * 12] == [49152, 24576]
    assert oss[2] == "48\u00a0Kio par token pour les 128 premiers, puis 24\u00a0Kio par token au-delà de la fenêtre"
    assert mistral[2] == "128\u00a0Kio par token pour les 4\u202f096 premiers, puis plus rien au-delà de la fenêtre"
    assert court[2] == "48\u00a0Kio par token" and llama[1] is None and llama[2] == "128\u00a0Kio par token"


def test_an_overflow_is_reported_under_the_field_that_causes_it():
    tokens, requetes, parametres, trop_de_tokens = calculer(
        preset("llama-3.1-8b", contexte="1e30", contexteMax=0),
        preset("llama-3.1-8b", attention="mha", tetesKv=1024, dimTete=16384, couches=1000, contexte="100 000",
               requetes="100 000", contexteMax=0, precisionKv="fp32"),
        preset("llama-3.1-8b", parametres="20 000"), preset("llama-3.1-8b", contexte="1 000 000 000 000", contexteMax=0))
    assert list(tokens["erreurs"]) == ["contexte"] and list(requetes["erreurs"]) == ["requetes"]
    assert list(parametres["erreurs"]) == ["parametres"] and "milliards" in parametres["erreurs"]["parametres"]
    assert trop_de_tokens["erreurs"]["contexte"].startswith("Plus de 10\u202f000\u202f000\u00a0tokens\u202f:")


# ---- Numbers typed the French way (commun.js: one reader for every tool) -----------------------------

COMMUN_JS = ROOT / "docs" / "javascripts" / "outils" / "commun.js"
NOMBRES = ROOT / "includes" / "outils" / "nombres.json"
NOMBRES_FAUX = ROOT / "tests" / "data" / "nombres-faux.json"
_NODE_NOMBRES = """
const c = require(process.argv[1]);
let entree = "";
process.stdin.on("data", (x) => { entree += x; });
process.stdin.on("end", () => process.stdout.write(JSON.stringify({messages: c.MESSAGES,
  lus: JSON.parse(entree).map((k) => c.lireNombre(k.saisie, k.regle))})));
"""
_PAGE_NOMBRES = "cas => ({messages: kallmCommun.MESSAGES, lus: cas.map(k => kallmCommun.lireNombre(k.saisie, k.regle))})"


def lire_nombres(cas: list[dict]) -> dict:
    """Each case of the table read by commun.js under node, and commun.js's messages."""
    result = subprocess.run([shutil.which("node"), "-e", _NODE_NOMBRES, str(COMMUN_JS)], input=json.dumps(cas),
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def attendu(cas: dict, messages: dict) -> dict:
    """What the table says a case must give: {valeur} or {erreur: the message's text}."""
    if "valeur" in cas:
        return {"valeur": cas["valeur"]}
    return {"erreur": cas.get("message") or messages.get(cas["erreur"], f"<clé de message inconnue « {cas['erreur']} »>")}


def ecarts(cas: list[dict], lus: list[dict], messages: dict) -> list[str]:
    """The cases read otherwise than the table says, each with its input, what was expected and what was read."""
    return [f"« {k['saisie']} » ({k.get('regle', {})}) : attendu {attendu(k, messages)}, lu {lu}"
            for k, lu in zip(cas, lus, strict=True) if lu != attendu(k, messages)]


def test_the_number_table_is_read_as_it_says_by_node():
    cas = json.loads(NOMBRES.read_text(encoding="utf-8"))["cas"]
    lu = lire_nombres(cas)
    assert ecarts(cas, lu["lus"], lu["messages"]) == []
    assert {k["erreur"] for k in cas if "erreur" in k} == set(lu["messages"]), \
        "chaque message de commun.js a au moins un cas dans includes/outils/nombres.json"


def test_a_wrong_expectation_in_the_number_table_fails():
    """tests/data/nombres-faux.json expects « 8 192 » to give 8 193 and « 1,000 » to give 1 000: both are reported."""
    cas = json.loads(NOMBRES_FAUX.read_text(encoding="utf-8"))["cas"]
    lu = lire_nombres(cas)
    problemes = ecarts(cas, lu["lus"], lu["messages"])
    assert len(problemes) == 2, problemes
    assert problemes[0].startswith("« 8 192 »") and "8193" in problemes[0]
    assert problemes[1].startswith("« 1,000 »") and "Ambigu" in problemes[1]
    assert ecarts([{"saisie": "1", "erreur": "pas-une-cle"}], [{"valeur": 1}], lu["messages"]), \
        "une clé de message inconnue doit faire échouer le cas"


def test_presets_are_written_so_that_the_reader_reads_them_back():
    """A preset value goes into a field as French text (commun.ecrire); read back, it is the same number."""
    valeurs = [7.125, 1292.55, 0.135, 131072, 21.7, 1.58, 8, 1292.125]
    script = ("const c = require(process.argv[1]); process.stdout.write(JSON.stringify(JSON.parse(process.argv[2])"
              ".map((x) => [c.ecrire(x), c.lireNombre(c.ecrire(x)).valeur])));")
    out = json.loads(subprocess.run([shutil.which("node"), "-e", script, str(COMMUN_JS), json.dumps(valeurs)],
                                    capture_output=True, text=True, check=True).stdout)
    assert [v for _, v in out] == valeurs, out
    assert out[0][0] == "7,1250" and out[1][0] == "1\u202f292,55" and out[2][0] == "0,135"


def test_every_tool_script_uses_the_shared_preamble_and_reader():
    """One preamble (commun.js's `outil`) and one reader of numbers for every tool: no copy left."""
    for js in sorted((ROOT / "docs" / "javascripts" / "outils").glob("*.js")):
        if js.name == "commun.js":
            continue
        texte = js.read_text(encoding="utf-8")
        assert f'require("./commun.js")).outil("{js.stem}",' in texte, js.name
        assert "module.exports" not in texte and "DOMContentLoaded" not in texte, js.name
        assert "Number(" not in texte and 'replace(",", ".")' not in texte, f"{js.name} lit les nombres lui-même"


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


def nombres_dans_la_page(chromium, url: str) -> list[str]:
    """includes/outils/nombres.json in the page: read by the page's own commun.js, then each case without a rule
    typed into « Secondes pour 1 000 documents » (cost calculator): its message under that field, or none."""
    from browser import Visit
    cas = json.loads(NOMBRES.read_text(encoding="utf-8"))["cas"]
    visit = Visit(chromium, url, width=390, height=844)
    try:
        page = visit.page
        lu = page.evaluate(_PAGE_NOMBRES, cas)
        problemes = ecarts(cas, lu["lus"], lu["messages"])
        champ = page.get_by_label("Secondes pour 1")
        for k in (k for k in cas if "regle" not in k):
            champ.fill(k["saisie"])
            montre = page.inner_text("#couts-erreur-duree")
            voulu = attendu(k, lu["messages"]).get("erreur", "")
            invalide = champ.get_attribute("aria-invalid") == "true"
            if _espaces(montre) != _espaces(voulu) or invalide != bool(voulu):
                problemes.append(f"tapé « {k['saisie']} » : sous le champ « {montre} », attendu « {voulu} »")
        texte = page.inner_text("article")
        if "NaN" in texte or "Infinity" in texte:
            problemes.append("NaN ou Infinity dans la page")
        problemes += [f"console : {e}" for e in visit.console_errors]
        return problemes
    finally:
        visit.close()


def _espaces(texte: str) -> str:
    return texte.replace("\u202f", " ").replace("\u00a0", " ").strip()


# Typed into each visible field, one at a time: empty, letters, exponent, zero, negative, huge, French and English.
SAISIES_DIFFICILES = ["", "abc", "1e30", "0", "-5", "1 000 000 000 000 000 000", "1,5", "1.5", "8 192", "1,000"]


def champs_difficiles(chromium, url: str, outil: str) -> list[str]:
    """Each visible field of a calculator, fed each hard input: the message the field's own rule gives appears
    under that field and no other, with aria-invalid and aria-describedby; the result never shows NaN,
    Infinity or a negative number; the result region is a polite live region."""
    from browser import Visit
    visit = Visit(chromium, url)
    problemes = []
    try:
        page = visit.page
        racine = page.locator(f"[data-outil='{outil}']")
        sortie = racine.locator("[data-resultat]")
        if (sortie.get_attribute("role"), sortie.get_attribute("aria-live")) != ("status", "polite"):
            problemes.append("la zone de résultat n'est pas role=status aria-live=polite")
        regles = page.evaluate(f"Object.keys(kallm{outil.capitalize()}.REGLES)")
        noms = [n for n in regles if racine.locator(f"input[name='{n}']").is_visible()]
        # Start from a valid form, with or without the presets (`make serve` executes no notebook).
        for nom in noms:
            if not racine.locator(f"input[name='{nom}']").input_value() and not page.evaluate(
                    f"kallm{outil.capitalize()}.REGLES['{nom}'].facultatif"):
                racine.locator(f"input[name='{nom}']").fill("1")
        for nom in noms:
            champ = racine.locator(f"input[name='{nom}']")
            avant = champ.input_value()
            label = racine.locator(f"label[for='{outil}-{nom}']").inner_text()
            for saisie in SAISIES_DIFFICILES:
                page.get_by_label(label, exact=True).fill(saisie)
                voulu = page.evaluate(f"([n, s]) => kallmCommun.lireNombre(s, kallm{outil.capitalize()}.REGLES[n]).erreur || ''",
                                      [nom, saisie])
                zones = {z.get_attribute("id"): z.inner_text() for z in racine.locator(".kallm-erreur").all()}
                ici = zones.pop(f"{outil}-erreur-{nom}")
                ailleurs = {k: v for k, v in zones.items() if v}
                resultat = sortie.inner_text()
                if voulu and _espaces(ici) != _espaces(voulu):
                    problemes.append(f"{nom} = « {saisie} » : sous le champ « {ici} », attendu « {voulu} »")
                if not voulu and ici:
                    problemes.append(f"{nom} = « {saisie} » : erreur inattendue « {ici} »")
                if ailleurs and voulu:
                    problemes.append(f"{nom} = « {saisie} » : erreur sous un autre champ {ailleurs}")
                if (champ.get_attribute("aria-invalid") == "true") != bool(ici):
                    problemes.append(f"{nom} = « {saisie} » : aria-invalid ne suit pas l'erreur")
                if f"{outil}-erreur-{nom}" not in (champ.get_attribute("aria-describedby") or ""):
                    problemes.append(f"{nom} : aria-describedby ne désigne pas son message")
                if re.search(r"NaN|Infinity|undefined|(?<![\w-])[-−]\s?\d", resultat):
                    problemes.append(f"{nom} = « {saisie} » : résultat « {resultat} »")
            champ.fill(avant)
        problemes += [f"console : {e}" for e in visit.console_errors]
        return problemes
    finally:
        visit.close()


def test_the_number_table_in_the_page_and_typed_in_a_field(chromium, site_url):
    assert nombres_dans_la_page(chromium, site_url + "production/couts/") == []


@pytest.mark.parametrize("outil, chemin", [("memoire", OUTIL_PAGE), ("couts", "production/couts/")])
def test_every_calculator_field_refuses_hard_inputs_under_itself(chromium, site_url, outil, chemin):
    assert champs_difficiles(chromium, site_url + chemin, outil) == []


def test_french_numbers_typed_by_label_reach_the_result(chromium, site_url):
    """« 8 192 » with a narrow no-break space in « Tokens par requête »: Llama 3.1 8B's 1,07 Go of KV cache, as
    with 8192; gpt-oss-20b at 32 768 tokens gives the growth beyond its window."""
    from browser import Visit
    visit = Visit(chromium, site_url + OUTIL_PAGE, width=390, height=844)
    try:
        page = visit.page
        resultat = page.locator("[data-outil='memoire'] [data-resultat]")
        page.get_by_label("Tokens par requête").fill("8\u202f192")
        assert "1,07\u00a0Go (128\u00a0Kio par token)" in resultat.inner_text()
        page.select_option("#memoire-modele", "gpt-oss-20b")
        page.get_by_label("Tokens par requête").fill("32 768")
        assert "puis 24\u00a0Kio par token au-delà de la fenêtre" in resultat.inner_text()
        assert visit.console_errors == []
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


# ---- The quizzes ----------------------------------------------------------------------------------

QUIZ_DIR = ROOT / "includes" / "quiz"
QUIZ_JS = ROOT / "docs" / "javascripts" / "outils" / "quiz.js"


def _quizzes() -> dict[str, list[dict]]:
    import yaml
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))["questions"] for p in sorted(QUIZ_DIR.glob("*.yml"))}


def test_each_part_has_a_quiz_of_five_to_eight_questions_with_a_possible_key():
    from quiz import verifier
    from typographie import check_file
    quizzes = _quizzes()
    assert set(quizzes) == {"comprendre", "choisir-evaluer", "adapter", "produire", "ethique-droit"}
    for nom, questions in quizzes.items():
        assert verifier({"questions": questions}, nom) == []
        assert 5 <= len(questions) <= 8, f"{nom} : {len(questions)} questions"
        for q in questions:
            justes = [c for c in q["choix"] if c["correct"]]
            assert len(justes) == 1 or (q["multiple"] and justes), (nom, q["id"])
        assert check_file(QUIZ_DIR / f"{nom}.yml") == []  # French typography, as in the pages
        page = ROOT / "docs" / "quiz" / f"{nom}.md"
        assert f"<!-- quiz: {nom} -->" in page.read_text(encoding="utf-8"), page


def test_quiz_guard_names_the_file_and_each_problem():
    from quiz import verifier
    q = {"id": "a", "question": "Q ?", "voir": "p.md#s", "section": "S",
         "choix": [{"texte": "x", "correct": True, "explication": "e"}, {"texte": "y", "correct": True, "explication": "e"}]}
    problemes = verifier({"questions": [q, dict(q, choix=[dict(c, correct=False) for c in q["choix"]]),
                                        {"id": "b", "question": "Q ?", "choix": []}]}, "includes/quiz/essai.yml")
    assert any("« a » : 2 choix justes pour une question à réponse unique" in p for p in problemes), problemes
    assert any("l'identifiant de question « a » apparaît deux fois" in p for p in problemes), problemes
    assert any("« a » : aucun choix n'est marqué juste" in p for p in problemes), problemes
    assert any("« b » : clé(s) manquante(s) : section, voir" in p for p in problemes), problemes
    assert all(p.startswith("includes/quiz/essai.yml : ") for p in problemes)


@pytest.mark.parametrize("voir, message", [
    ("cible.md#nulle-part", "includes/quiz/essai.yml : question « q1 » : la section « #nulle-part » n'existe pas dans cible.md"),
    ("absente.md#une-section", "includes/quiz/essai.yml : question « q1 » : la page « absente.md » (clé « voir ») n'existe pas"),
])
def test_a_quiz_link_to_a_missing_page_or_anchor_stops_the_build(project, voir, message):
    project.page("cible.md", "Cible", "Une page cible.", "# Cible\n\n## Une section\n\nTexte.\n")
    (project.path / "includes" / "quiz").mkdir(exist_ok=True)
    (project.path / "includes" / "quiz" / "essai.yml").write_text(
        f'questions:\n  - id: q1\n    question: "Une question ?"\n    voir: "{voir}"\n    section: "Une section"\n'
        '    choix:\n      - {texte: "oui", correct: true, explication: "parce que"}\n'
        '      - {texte: "non", correct: false, explication: "parce que"}\n', encoding="utf-8")
    project.page("quiz.md", "Quiz", "Un quiz.", "# Quiz\n\n<!-- quiz: essai -->\n")
    result = project.build()
    assert result.returncode != 0 and message in result.stdout, result.stdout[-2000:]


def test_quiz_rule_right_only_when_the_chosen_answers_are_the_key():
    node = shutil.which("node")
    script = ("const q = require(process.argv[1]); process.stdout.write(JSON.stringify(["
              "q.corriger(['1'], ['1']), q.corriger(['2'], ['1']), q.corriger(['1'], ['1', '3']),"
              "q.corriger(['1', '2'], ['1', '3']), q.corriger([], ['1'])]));")
    out = subprocess.run([node, "-e", script, str(QUIZ_JS)], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == ["juste", "faux", "incomplet", "faux", "vide"]


def test_every_quiz_answers_as_its_key_says_in_the_browser(chromium, site_url):
    """Each question of each built quiz: the key's answers are « Bonne réponse », a wrong one is not, and the
    feedback links to the section to reread."""
    from browser import Visit
    for nom, questions in _quizzes().items():
        visit = Visit(chromium, site_url + f"quiz/{nom}/")
        try:
            page = visit.page
            for q in questions:
                bloc = page.locator(f"#quiz-{nom}-{q['id']}")
                justes = [str(j) for j, c in enumerate(q["choix"], 1) if c["correct"]]
                faux = [str(j) for j, c in enumerate(q["choix"], 1) if not c["correct"]]
                assert [e.get_attribute("value") for e in bloc.locator("input[data-correct='true']").all()] == justes
                bloc.locator(f"input[value='{faux[0]}']").check()
                if q["multiple"]:
                    for j in justes:
                        bloc.locator(f"input[value='{j}']").check()
                bloc.locator(".kallm-verifier button").click()
                retour = bloc.locator(".kallm-retour")
                assert retour.locator(".kallm-verdict").inner_text() == "Ce n'est pas la bonne réponse.", (nom, q["id"])
                assert retour.locator("a").get_attribute("href").endswith("#" + q["voir"].split("#")[1])
                for e in bloc.locator("input").all():
                    e.uncheck() if q["multiple"] else None
                for j in justes:
                    bloc.locator(f"input[value='{j}']").check()
                bloc.locator(".kallm-verifier button").click()
                assert retour.locator(".kallm-verdict").inner_text() == "Bonne réponse.", (nom, q["id"])
            assert visit.console_errors == [] and visit.external_requests == []
        finally:
            visit.close()


def test_a_quiz_works_with_the_keyboard_and_passes_axe_with_feedback_shown(chromium, site_url):
    from accessibilite import Auditor
    from browser import Visit
    visit = Visit(chromium, site_url + "quiz/comprendre/", width=390, height=844)
    try:
        page = visit.page
        page.focus("#quiz-comprendre-token-suivant-1")
        page.keyboard.press("ArrowDown")        # radio group: moves and selects the second answer
        page.keyboard.press("Tab")              # to the « Vérifier » button
        page.keyboard.press("Enter")
        retour = page.locator("#quiz-comprendre-token-suivant .kallm-retour")
        assert retour.locator(".kallm-verdict").inner_text() == "Ce n'est pas la bonne réponse."
    finally:
        visit.close()

    def with_feedback(page):
        page.locator(".kallm-question input").first.check()
        page.locator(".kallm-verifier button").first.click()
        page.locator(".kallm-question").nth(1).locator("input").nth(1).check()
        page.locator(".kallm-verifier button").nth(1).click()

    problems = []
    for dark in (False, True):
        auditor = Auditor(chromium, dark)
        try:
            problems += auditor.audit(site_url + "quiz/comprendre/", before=with_feedback)
        finally:
            auditor.close()
    assert problems == [], "\n".join(problems)


# ---- The cost and energy calculator ------------------------------------------------------------------

COUTS_JS = ROOT / "docs" / "javascripts" / "outils" / "couts.js"
_NODE_COUTS = """
const m = require(process.argv[1]);
let entree = "";
process.stdin.on("data", (c) => { entree += c; });
process.stdin.on("end", () => process.stdout.write(JSON.stringify(JSON.parse(entree).map((e) => m.calculer(e)))));
"""


def calculer_couts(*entrees: dict) -> list[dict]:
    result = subprocess.run([shutil.which("node"), "-e", _NODE_COUTS, str(COUTS_JS)], input=json.dumps(entrees),
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_cost_calculator_reproduces_notebook_8_from_its_presets(built_site):
    """The presets are notebook 8's measured durations and stated hypotheses (hooks/outils.py reads them from the
    results the build's notebook 8 wrote); for 1 000 documents, the tool must give notebook 8's energy and emissions."""
    from outils import donnees_couts
    donnees = donnees_couts(ROOT, "production/couts.md")
    h = donnees["hypotheses"]
    assert h["intensite"] == 21.7  # RTE, bilan électrique 2024, as the page and the notebook say
    assert "21,7 g CO₂eq par kWh" in (ROOT / "docs" / "production" / "couts.md").read_text(encoding="utf-8")
    mesures = [m for m in donnees["mesures"] if m["energieWh"] is not None]
    assert mesures, "aucune mesure d'énergie dans les résultats du notebook 8"
    resultats = calculer_couts(*({"documents": 1000, "duree": m["duree"], "puissance": h["puissance"], "pue": h["pue"],
                                  "intensite": h["intensite"]} for m in mesures))
    # Notebook 8 rounds its durations to 0,01 s, its energies to 0,0001 Wh and its emissions to 0,001 mg.
    ecart_wh = 0.5e-4 + 0.005 * h["puissance"] * h["pue"] / 3600 + 1e-9
    for m, r in zip(mesures, resultats):
        assert abs(r["energieKwh"] * 1000 - m["energieWh"]) <= ecart_wh, (m["nom"], r["energieKwh"], m)
        assert abs(r["emissionsG"] * 1000 - m["emissionsMg"]) <= 0.5e-3 + ecart_wh * h["intensite"], (m["nom"], r)


def test_cost_calculator_computes_only_what_it_has_figures_for():
    base = {"documents": 100000, "duree": 3600, "puissance": 350, "pue": 1.58, "intensite": 21.7}
    sans_prix, avec_prix, negatif, pue, vide = calculer_couts(
        base, dict(base, tokensEntree=800, tokensSortie=20, prixEntree="0,5", prixSortie=2, prixHeure=3, prixKwh="0,2"),
        dict(base, documents=-1), dict(base, pue="0,9"), dict(base, duree=""))
    assert sans_prix["coutApi"] is None and sans_prix["coutMachine"] is None and sans_prix["tokensEntree"] is None
    assert sans_prix["heures"] == 100 and abs(sans_prix["energieKwh"] - 350 * 100 * 1.58 / 1000) < 1e-9
    assert abs(avec_prix["coutApi"] - (80 * 0.5 + 2 * 2)) < 1e-9 and avec_prix["coutMachine"] == 300
    assert negatif["erreurs"] == {"documents": "La valeur ne peut pas être négative."}
    assert pue["erreurs"]["pue"].startswith("Le PUE vaut au moins 1")
    assert vide["erreurs"] == {"duree": "Indiquez une valeur."}


def test_reasoning_tokens_are_billed_as_output_as_the_page_says():
    """couts.md's worked example: 10 000 documents of 800 tokens, 20 output tokens, fictitious prices 0,50 € and
    2 € per million: 4,40 €; with 500 reasoning tokens per document, 5 200 000 output tokens and 14,40 €."""
    base = {"documents": "10 000", "duree": 1000, "puissance": 10, "pue": 1, "intensite": 21.7, "tokensEntree": 800,
            "tokensSortie": 20, "prixEntree": "0,50", "prixSortie": 2}
    sans, avec, vide, lettres, trop = calculer_couts(
        dict(base, tokensRaisonnement="0"), dict(base, tokensRaisonnement="500"), dict(base, tokensRaisonnement=""),
        dict(base, tokensRaisonnement="beaucoup"), dict(base, tokensRaisonnement="1e12"))
    assert sans["tokensEntree"] == 8_000_000 and sans["tokensSortie"] == 200_000 and round(sans["coutApi"], 6) == 4.4
    assert avec["tokensSortie"] == 5_200_000 and avec["tokensRaisonnement"] == 5_000_000
    assert round(avec["coutApi"], 6) == 14.4 and round(avec["coutApi"] - 4, 6) == 10.4
    assert vide["coutApi"] == sans["coutApi"]  # empty: no reasoning
    assert list(lettres["erreurs"]) == ["tokensRaisonnement"] and list(trop["erreurs"]) == ["tokensRaisonnement"]
    text = (ROOT / "docs" / "production" / "couts.md").read_text(encoding="utf-8").replace(NNBSP, " ").replace("\u00a0", " ")
    for morceau in ("0,50 € par million de tokens en entrée et de 2 € en sortie", "10 000 documents de 800 tokens",
                    "une réponse de 20 tokens", "4 € en entrée et 0,40 € en sortie, soit **4,40 €**",
                    "500 tokens par document", "la sortie passe à 5 200 000 tokens, soit 10,40 €", "**14,40 €**"):
        assert morceau in text, morceau


def test_cost_calculator_with_the_keyboard_and_axe(chromium, site_url):
    from accessibilite import Auditor
    from browser import Visit
    visit = Visit(chromium, site_url + "production/couts/", width=390, height=844)
    try:
        page = visit.page
        resultat = page.locator("[data-outil='couts'] [data-resultat]")
        assert "Wh" in resultat.inner_text() and "non calculé" in resultat.inner_text()
        page.focus("#couts-documents")
        page.keyboard.press("Control+A")
        page.keyboard.type("-2")
        assert page.inner_text("#couts-erreur-documents") == "La valeur ne peut pas être négative."
        texte = page.inner_text("article")
        assert "NaN" not in texte and "Infinity" not in texte
        assert visit.console_errors == [] and visit.external_requests == []
    finally:
        visit.close()
    problems = []
    for dark in (False, True):
        auditor = Auditor(chromium, dark)
        try:
            problems += auditor.audit(site_url + "production/couts/", before=lambda p: p.fill("#couts-pue", "0,5"))
        finally:
            auditor.close()
    assert problems == [], "\n".join(problems)


# ---- « Quelle approche pour mon besoin ? » -------------------------------------------------------------

PARCOURS = ROOT / "includes" / "parcours" / "approche.yml"
PARCOURS_JS = ROOT / "docs" / "javascripts" / "outils" / "parcours.js"


def test_every_path_of_the_decision_path_ends_on_a_result_that_names_its_section():
    import yaml
    from quiz import verifier_parcours
    donnees = yaml.safe_load(PARCOURS.read_text(encoding="utf-8"))
    assert verifier_parcours(donnees, "approche.yml") == []
    questions = {e["id"]: [c["suite"] for c in e["choix"]] for e in donnees["etapes"] if "question" in e}
    resultats = {e["id"] for e in donnees["etapes"] if "resultat" in e}
    # Every combination of answers, through the page's own rule (parcours.js's `chemin`).
    script = """
const p = require(process.argv[1]); const qs = JSON.parse(process.argv[2]); const debut = process.argv[3];
const fins = [];
(function suivre(reponses) {
  const c = p.chemin(qs, debut, reponses);
  if (c.resultat) { fins.push(c.resultat); return; }
  const derniere = c.etapes[c.etapes.length - 1];
  qs[derniere].forEach((s) => suivre(Object.assign({}, reponses, {[derniere]: s})));
})({});
process.stdout.write(JSON.stringify(fins));
"""
    out = subprocess.run([shutil.which("node"), "-e", script, str(PARCOURS_JS), json.dumps(questions),
                          donnees["debut"]], capture_output=True, text=True, check=True).stdout
    fins = json.loads(out)
    assert set(fins) == resultats, (fins, resultats)  # each result is reached, and only results end a path
    # The five outcomes the issue asks for.
    assert {"pas-de-llm", "sans-llm", "prompt", "rag", "fine-tuning"} <= resultats
    assert check_typography(PARCOURS) == []


def check_typography(path):
    from typographie import check_file
    return check_file(path)


def test_decision_path_guard_names_the_file():
    from quiz import verifier_parcours
    problemes = verifier_parcours({"debut": "a", "etapes": [
        {"id": "a", "question": "Q ?", "explication": "E", "choix": [{"texte": "Oui", "suite": "b"},
                                                                      {"texte": "Non", "suite": "z"}]},
        {"id": "b", "question": "Q ?", "explication": "E", "choix": [{"texte": "Oui", "suite": "a"}]},
        {"id": "c", "resultat": "R", "explication": "E", "voir": "p.md"}]}, "includes/parcours/essai.yml")
    assert any("« Non » mène à « z », qui n'est pas une étape" in p for p in problemes), problemes
    assert any("le parcours boucle : a → b → a" in p for p in problemes), problemes
    assert any("« c » : clé(s) manquante(s) : section" in p for p in problemes), problemes
    assert any("l'étape « c » n'est atteinte par aucune réponse" in p for p in problemes), problemes
    assert all(p.startswith("includes/parcours/essai.yml : ") for p in problemes)


def test_decision_path_with_the_keyboard(chromium, site_url):
    from browser import Visit
    visit = Visit(chromium, site_url + "adapter/strategies/", width=390, height=844)
    try:
        page = visit.page
        sortie = page.locator("[data-parcours] [data-resultat]")
        assert not page.locator("#parcours-approche-annotes").is_visible()
        page.focus("#parcours-approche-regle-1")
        page.keyboard.press("ArrowDown")          # « Non » : the next question appears and is announced
        assert page.locator("#parcours-approche-annotes").is_visible()
        assert sortie.inner_text().startswith("Question suivante")
        page.keyboard.press("Tab")
        page.keyboard.press("Space")              # « Oui » : a model without LLM
        assert "Un modèle sans LLM" in sortie.inner_text()
        assert sortie.locator("a").get_attribute("href").endswith("#quand-utiliser-quoi-larbre-de-decision")
        page.focus("#parcours-approche-regle-2")
        page.keyboard.press("ArrowUp")            # back to « Oui » : the later answers are cleared
        assert not page.locator("#parcours-approche-annotes").is_visible()
        assert sortie.inner_text().startswith("Pas de LLM")
        assert visit.console_errors == [] and visit.external_requests == []
    finally:
        visit.close()


# ---- Reading paths « maîtrise de l'IA » and their attestation (demarrer/parcours-article-4.md) -------

ATTESTATION_JS = ROOT / "docs" / "javascripts" / "outils" / "attestation.js"
LECTURE = ROOT / "includes" / "parcours" / "article-4.yml"


def test_reading_paths_cover_the_four_roles_and_their_steps_exist():
    import yaml
    from quiz import verifier_lecture
    donnees = yaml.safe_load(LECTURE.read_text(encoding="utf-8"))
    assert [r["id"] for r in donnees["roles"]] == ["decideur", "chef-projet", "data-scientist", "agent"]
    assert verifier_lecture(donnees, "includes/parcours/article-4.yml", ROOT / "docs", ROOT) == []
    assert all(any("quiz" in e for e in r["etapes"]) for r in donnees["roles"]), "chaque parcours finit par un quiz"
    page = (ROOT / "docs" / "demarrer" / "parcours-article-4.md").read_text(encoding="utf-8")
    for r in donnees["roles"]:
        assert f"<!-- parcours-lecture: article-4 {r['id']} -->" in page


def test_reading_path_guard_names_the_file_and_each_problem(tmp_path):
    from quiz import verifier_lecture
    docs = tmp_path / "docs"
    (docs / "quiz").mkdir(parents=True)
    (docs / "a.md").write_text("# A\n", encoding="utf-8")
    (docs / "quiz" / "q.md").write_text("# Q\n\nPas de quiz ici.\n", encoding="utf-8")
    (tmp_path / "includes" / "quiz").mkdir(parents=True)
    (tmp_path / "includes" / "quiz" / "q.yml").write_text("questions: []\n", encoding="utf-8")
    donnees = {"roles": [{"id": "r", "nom": "R", "pour": "P", "etapes": [
        {"page": "absente.md", "minutes": 5},
        {"page": "a.md", "minutes": 0},
        {"page": "quiz/q.md", "minutes": 10, "quiz": "q"},
        {"page": "a.md", "minutes": 10, "quiz": "inconnu"},
        {"page": "a.md"}]}, {"id": "r", "nom": "R"}]}
    problemes = verifier_lecture(donnees, "includes/parcours/essai.yml", docs, tmp_path)
    attendus = ["rôle « r », étape 1 : la page « absente.md » n'existe pas dans docs/.",
                "rôle « r », étape 2 : « minutes » doit être un nombre entier positif.",
                "rôle « r », étape 3 : la page « quiz/q.md » n'affiche pas le quiz « q ».",
                "rôle « r », étape 4 : le quiz « inconnu » n'existe pas dans includes/quiz/.",
                "rôle « r », étape 5 : clé(s) manquante(s) : minutes.",
                "l'identifiant de rôle « r » apparaît deux fois.",
                "rôle « r » : clé(s) manquante(s) : etapes, pour."]
    for attendu in attendus:
        assert "includes/parcours/essai.yml : " + attendu in problemes, problemes
    assert len(problemes) == len(attendus)


def test_a_reading_path_step_to_a_missing_anchor_stops_the_build(project):
    project.page("cible.md", "Cible", "Une page cible.", "# Cible\n\n## Une section\n\nTexte.\n")
    (project.path / "includes" / "parcours" / "essai.yml").write_text(
        'roles:\n  - id: r\n    nom: "Un rôle"\n    pour: "Pour essayer."\n    etapes:\n'
        '      - {page: "cible.md#nulle-part", minutes: 3}\n', encoding="utf-8")
    project.page("parcours.md", "Parcours", "Un parcours.", "# Parcours\n\n<!-- parcours-lecture: essai r -->\n")
    result = project.build()
    assert result.returncode != 0, result.stdout[-2000:]
    assert ("includes/parcours/essai.yml : rôle « r », étape 1 : la section « #nulle-part » n'existe pas dans "
            "cible.md") in result.stdout, result.stdout[-2000:]


def test_attestation_holds_only_what_the_reader_did():
    role = {"nom": "Agent", "etapes": [
        {"id": "a.md", "titre": "A", "minutes": 10, "quiz": None, "questions": None},
        {"id": "b.md", "titre": "B", "minutes": 5, "quiz": None, "questions": None},
        {"id": "quiz/c.md", "titre": "Quiz C", "minutes": 10, "quiz": "c", "questions": 7},
        {"id": "quiz/d.md", "titre": "Quiz D", "minutes": 10, "quiz": "d", "questions": 6}]}
    script = ("const m = require(process.argv[1]); const e = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "process.stdout.write(JSON.stringify(m.composer(e.role, e.faits, e.quiz, e.date)));")
    entree = {"role": role, "faits": {"a.md": True, "quiz/c.md": True},
              "quiz": {"c": {"q1": True, "q2": False, "q3": True}, "autre": {"x": True}}, "date": "6 décembre 2026"}
    out = subprocess.run([shutil.which("node"), "-e", script, str(ATTESTATION_JS)], input=json.dumps(entree),
                         capture_output=True, text=True, check=True).stdout
    a = json.loads(out)
    assert a["role"] == "Agent" and a["date"] == "6 décembre 2026"
    assert [(l["titre"], l["fait"]) for l in a["lignes"]] == [("A", True), ("B", False), ("Quiz C", True), ("Quiz D", False)]
    assert a["lignes"][2]["score"] == {"justes": 2, "verifiees": 3, "questions": 7}
    assert a["lignes"][3]["score"] is None and a["lignes"][0]["score"] is None
    assert a["minutes"] == 20


def test_reading_paths_and_attestation_in_the_browser_send_nothing(chromium, site_url):
    """Opt in, tick two steps, answer two quiz questions, come back: the ticks are restored and the
    attestation lists exactly that; « Effacer » removes the stored progress. Every request is recorded:
    after the first page, only GET requests to the local server, for pages and their files; no fetch, no XHR."""
    import datetime
    from browser import Visit
    visit = Visit(chromium, site_url + "demarrer/parcours-article-4/")
    requetes = []
    try:
        page = visit.page
        page.on("request", lambda r: requetes.append((r.method, r.resource_type, r.url)))
        garde = "localStorage.getItem('kallm-progression')"   # Material keeps only its palette there
        assert page.evaluate(garde) is None
        # Without opting in, a quiz answer is not kept.
        page.goto(site_url + "quiz/comprendre/", wait_until="networkidle")
        page.locator(".kallm-question").first.locator("input[data-correct='true']").first.check()
        page.locator(".kallm-verifier button").first.click()
        assert page.evaluate(garde) is None
        page.goto(site_url + "demarrer/parcours-article-4/", wait_until="networkidle")
        page.check("[data-memoriser]")
        agent = page.locator("ol[data-role='agent'] li")
        agent.nth(0).locator("[data-fait]").check()
        agent.nth(4).locator("[data-fait]").check()   # the quiz page, ticked by hand
        decideur = page.locator("ol[data-role='decideur'] li [data-fait]")
        assert decideur.nth(0).is_checked() and not decideur.nth(1).is_checked()  # the same page, in every path
        page.goto(site_url + "quiz/comprendre/", wait_until="networkidle")
        questions = page.locator(".kallm-question")
        questions.nth(0).locator("input[data-correct='true']").first.check()
        questions.nth(0).locator(".kallm-verifier button").click()
        questions.nth(1).locator("input[data-correct='false']").first.check()
        questions.nth(1).locator(".kallm-verifier button").click()
        page.goto(site_url + "demarrer/parcours-article-4/", wait_until="networkidle")
        assert page.locator("[data-memoriser]").is_checked()
        assert agent.nth(0).locator("[data-fait]").is_checked() and not agent.nth(1).locator("[data-fait]").is_checked()
        page.select_option("[data-role-choisi]", "agent")
        page.fill("[data-nom-lecteur]", "Camille Essai")
        page.click("[data-preparer]")
        texte = page.locator("[data-contenu]").inner_text()
        lignes = page.locator("[data-contenu] li").all_inner_texts()
        assert "Camille Essai a suivi le parcours «\u00a0Agent utilisateur ou utilisatrice\u00a0»" in texte
        mois = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                "novembre", "décembre"]
        today = datetime.date.today()
        assert f"{today.day} {mois[today.month - 1]} {today.year}" in texte
        assert len(lignes) == 5
        assert lignes[0].startswith("Utiliser l'IA générative au quotidien\u00a0: fait")
        assert all(": non coché" in l for l in lignes[1:4]), lignes
        assert lignes[4].startswith("Testez-vous\u202f: Comprendre\u00a0: fait\u202f; ")
        assert "1 bonne(s) réponse(s) sur 7 questions (2 vérifiée(s))" in lignes[4], lignes[4]
        assert "Temps de lecture estimé des étapes cochées\u00a0: 21 minutes." in texte
        page.evaluate("window.print = () => { window.__imprime = document.body.classList.contains('kallm-impression'); }")
        page.click("[data-imprimer]")
        assert page.evaluate("window.__imprime") is True
        page.click("[data-effacer]")
        assert page.evaluate(garde) is None
        assert not page.locator("[data-memoriser]").is_checked()
        assert visit.console_errors == [] and visit.external_requests == []
        assert requetes and all(m == "GET" and t not in ("fetch", "xhr") and u.startswith(site_url)
                                for m, t, u in requetes), [r for r in requetes if r[0] != "GET" or r[1] in ("fetch", "xhr")]
    finally:
        visit.close()


def test_reading_paths_page_passes_axe_in_both_palettes_with_the_attestation_shown(chromium, site_url):
    from accessibilite import Auditor

    def with_attestation(page):
        page.check("[data-memoriser]")
        page.locator("ol[data-role='agent'] [data-fait]").first.check()
        page.click("[data-preparer]")

    problems = []
    for dark in (False, True):
        auditor = Auditor(chromium, dark)
        try:
            problems += auditor.audit(site_url + "demarrer/parcours-article-4/", before=with_attestation)
            problems += auditor.audit(site_url + "demarrer/usage-quotidien/")
        finally:
            auditor.close()
    assert problems == [], "\n".join(problems)
