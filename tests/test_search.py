"""The site's search puts the chapter a reader wants first (hooks/search_ranking.py, scripts/recherche.py)."""
from pathlib import Path

import search_ranking
from browser import serve
from recherche import FIRST, TOP5, evaluate, load_queries, report, score
from search_ranking import rank

ROOT = Path(__file__).resolve().parent.parent


def test_reader_queries_find_their_page_first(chromium, built_site):
    """The queries of tests/data/recherche.yml, typed in Chromium in the built site."""
    site, _ = built_site
    with serve(site) as url:
        rows = evaluate(chromium, url, load_queries())
    first, top5 = score(rows)
    assert first >= FIRST and top5 >= TOP5, (
        f"la recherche classe moins bien qu'avant (seuils : {FIRST:.0%} en premier, {TOP5:.0%} dans les cinq "
        f"premiers) ; voyez hooks/search_ranking.py :\n{report(rows)}")
    listed = {page for r in rows for page in r["resultats"]}
    assert "ressources/references/" not in listed, "la liste des références ne doit pas sortir dans la recherche"
    assert "" not in {r["resultats"][0] for r in rows if r["resultats"]}, "l'accueil ne doit venir en tête d'aucune requête"


def test_queries_are_enough_and_point_to_real_pages(built_site):
    site, _ = built_site
    queries = load_queries()
    assert len(queries) >= 40, "tests/data/recherche.yml : au moins 40 requêtes de lecteur"
    for q in queries:
        assert (site / q["page"] / "index.html").is_file(), f"tests/data/recherche.yml : « {q['requete']} » vise " \
            f"{q['page']}, qui n'existe pas dans le site construit"


def test_ranking_leaves_out_lowers_describes_and_drops_empty_sections():
    entries = [
        {"location": "ressources/references/", "title": "Toutes les références", "text": "LoRA, RAG…"},
        {"location": "adapter/rag/", "title": "La RAG", "text": "<p>En bref</p>"},
        {"location": "adapter/rag/#indexer", "title": "Indexer", "text": ""},
        {"location": "adapter/rag/#decouper", "title": "Découper", "text": "<p>Des morceaux.</p>"},
        {"location": "fil-rouge/01-donnees/", "title": "Les données", "text": "<p>Code.</p>"},
    ]
    pages = {"ressources/references/": {"exclude": True},
             "adapter/rag/": {"description": "Répondre à partir de vos documents."},
             "fil-rouge/01-donnees/": {"boost": 0.3}}
    out = {e["location"]: e for e in rank(entries, pages)}
    assert "ressources/references/" not in out                           # left out
    assert out["adapter/rag/"]["description"] == "Répondre à partir de vos documents."
    assert "adapter/rag/#indexer" not in out                             # no empty result…
    assert out["adapter/rag/#decouper"]["title"] == "Indexer — Découper"  # …its title kept
    assert out["fil-rouge/01-donnees/"]["boost"] == 0.3


def test_quizzes_and_changelog_are_lowered_under_the_chapters():
    """The quizzes and « Ce qui a changé » name every notion: before this boost they came first (« quel modèle
    choisir » found quiz/choisir-evaluer/ before modeles/choisir-un-modele/)."""
    from types import SimpleNamespace
    search_ranking.on_pre_build(None)
    for uri in ("quiz/choisir-evaluer.md", "ce-qui-a-change.md", "modeles/choisir-un-modele.md"):
        page = SimpleNamespace(file=SimpleNamespace(src_uri=uri), url=uri.removesuffix(".md") + "/", meta={})
        search_ranking.on_page_context({}, page, None, None)
    boosts = {url: p["boost"] for url, p in search_ranking._pages.items()}
    assert boosts["quiz/choisir-evaluer/"] is not None and boosts["quiz/choisir-evaluer/"] < 1, \
        "les quiz doivent venir après les chapitres (LOWERED_DIRS de hooks/search_ranking.py)"
    assert boosts["ce-qui-a-change/"] is not None and boosts["ce-qui-a-change/"] < 1, \
        "« Ce qui a changé » doit venir après les chapitres (LOWERED de hooks/search_ranking.py)"
    assert boosts["modeles/choisir-un-modele/"] is None, "un chapitre garde le poids ordinaire"


def rewritten(chromium, queries: list[str]) -> list[str]:
    """What overrides/partials/recherche-tirets.js sends to the search worker for each query typed."""
    script = (ROOT / "overrides" / "partials" / "recherche-tirets.js").read_text("utf-8")
    page = chromium.new_page()
    try:
        page.set_content("<html><body></body></html>")
        page.evaluate("""() => { window.sent = []
            window.Worker = class { postMessage(message) { window.sent.push(message.data) } } }""")
        page.add_script_tag(content=script)
        return page.evaluate("queries => queries.map(q => { new Worker().postMessage({type: 2, data: q}); "
                             "return window.sent.pop() })", queries)
    finally:
        page.close()


def test_the_query_leaves_out_french_stop_words(chromium):
    """« ai » matched « AIPD » and « de » matched « demande » (lunr.js matches each word as a prefix): the RGPD et
    AIPD page came before « Ai-je besoin d'un LLM ? »."""
    out = rewritten(chromium, ["ai-je besoin d'un LLM", "injection de prompt", "répondre à partir de mes documents",
                               "de"])
    assert prefixes(out[0]) == ["besoin", "LLM"], out[0]
    assert prefixes(out[1]) == ["injection", "prompt"], out[1]
    assert prefixes(out[2]) == ["répondr", "partir", "document"], out[2]
    assert out[3].split() == ["de^1", "de"], "une requête faite de mots vides reste telle quelle"


def prefixes(query: str) -> list[str]:
    """The words of a rewritten query that Material matches as prefixes (it adds a `*` to them)."""
    return [word for word in query.split() if "^" not in word]


def test_each_word_is_also_matched_exactly_and_an_apostrophe_splits(chromium):
    """lunr.js adds up every word a prefix matches: « Mettre un LLM en production (LLMOps) » outranked
    « Coût financier et environnemental » for « combien coûte un LLM ». Each word also goes exactly, as the
    same term (Material would list a different one as missing from the results that match the prefix only)."""
    out = rewritten(chromium, ["combien coûte un LLM", "mécanisme d'attention", "llama.cpp", "pré-entraînement"])
    assert out[0].split() == ["combien^1", "combien", "coût^1", "coût", "LLM^1", "LLM"], out[0]
    assert out[1].split() == ["mécanism^1", "mécanism", "attention^1", "attention"], out[1]
    assert out[2] == "llama.cpp", "un mot qui n'est pas fait que de lettres et de chiffres reste tel quel"
    assert prefixes(out[3]) == ["pré", "entraînement"], out[3]


def test_the_index_splits_words_at_parentheses_and_apostrophes():
    """With Material's default separator (spaces and hyphens), « (*jailbreak*) » was indexed as « (jailbreak) »
    and « l'attention » as one word: a reader typing « jailbreak » or « attention » did not find them."""
    import re
    search = search_config()
    separator = re.compile(search["separator"])
    words = [w for w in separator.split("L'injection (jailbreak), « RAG » : l’attention [voir] pré-entraînement")
             if w]
    assert words == ["L", "injection", "jailbreak", "RAG", "l", "attention", "voir", "pré", "entraînement"], words
    assert [w for w in separator.split("llama.cpp 3,5 F1") if w] == ["llama.cpp", "3", "5", "F1"]


def search_config() -> dict:
    """The `search` plugin's settings in mkdocs.yml."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass
    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)  # !ENV
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    return next(p["search"] for p in config["plugins"] if isinstance(p, dict) and "search" in p)


def test_key_terms_go_to_the_first_entry_of_their_page():
    """« Mistral Llama Qwen » : the panorama names the families in its text only, and came ninth, after every
    page holding one of them in a heading. Its `mots_cles` go to a field weighed like a title (mkdocs.yml)."""
    entries = [{"location": "modeles/panorama/", "title": "Panorama des modèles", "text": "<p>En bref</p>"},
               {"location": "modeles/panorama/#etat-des-lieux", "title": "État des lieux", "text": "<p>Llama</p>"}]
    pages = {"modeles/panorama/": {"key_terms": search_ranking.key_terms(["Llama", " Mistral ", "Qwen"])}}
    out = {e["location"]: e for e in rank(entries, pages)}
    assert out["modeles/panorama/"][search_ranking.KEY_TERMS] == "Llama, Mistral, Qwen"
    assert search_ranking.KEY_TERMS not in out["modeles/panorama/#etat-des-lieux"]  # the page once, not each section
    assert search_ranking.key_terms("Llama") is None and search_ranking.key_terms([""]) is None


def test_the_key_terms_field_is_weighed_like_a_title():
    fields = search_config()["fields"]
    assert fields[search_ranking.KEY_TERMS]["boost"] >= fields["description"]["boost"]
    assert fields[search_ranking.KEY_TERMS]["boost"] >= fields["title"]["boost"] / 2


def test_key_terms_are_read_on_pages_and_notebooks_and_checked():
    """Every `mots_cles` of the guide is a list of terms (hooks/front_matter.py warns otherwise, which fails the
    strict build) and the hook reads it from the page's metadata."""
    import json
    import logging
    import re
    from types import SimpleNamespace
    import yaml
    import front_matter
    found = 0
    for path in sorted((ROOT / "docs").rglob("*.md")):
        match = re.match(r"---\n(.*?)\n---\n", path.read_text(encoding="utf-8"), re.S)
        terms = (yaml.safe_load(match.group(1)) or {}).get("mots_cles") if match else None
        if terms is not None:
            found += 1
            assert search_ranking.key_terms(terms), f"{path.relative_to(ROOT)} : mots_cles n'est pas une liste"
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        terms = json.loads(path.read_text(encoding="utf-8"))["metadata"].get("kallm", {}).get("mots_cles")
        if terms is not None:
            found += 1
            assert search_ranking.key_terms(terms), f"{path.relative_to(ROOT)} : kallm.mots_cles n'est pas une liste"
    assert found >= 5
    search_ranking.on_pre_build(None)
    page = SimpleNamespace(file=SimpleNamespace(src_uri="adapter/rag.md"), url="adapter/rag/",
                           meta={"description": "La RAG.", "mots_cles": ["RAG", "reranking"]})
    search_ranking.on_page_context({}, page, None, None)
    assert search_ranking._pages["adapter/rag/"]["key_terms"] == "RAG, reranking"
    warnings = []
    handler = logging.Handler()
    handler.emit = warnings.append
    front_matter.log.addHandler(handler)
    try:
        for terms in ("RAG, reranking", [], ["RAG", 3]):
            page.meta = {"title": "La RAG", "description": "La RAG.", "mots_cles": terms}
            front_matter.on_page_markdown("", page, None, None)
        page.meta = {"title": "La RAG", "description": "La RAG.", "mots_cles": ["RAG"]}
        front_matter.on_page_markdown("", page, None, None)
    finally:
        front_matter.log.removeHandler(handler)
    assert len(warnings) == 3 and all("mots_cles" in w.getMessage() for w in warnings)
