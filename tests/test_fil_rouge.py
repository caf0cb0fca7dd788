"""The fil-rouge module: theme rules on real-looking titles, HTML cleaning, split, scores."""
import json

import pandas as pd
import pytest

from conftest import ROOT
import sys
sys.path.insert(0, str(ROOT / "notebooks" / "fil-rouge"))
import fil_rouge  # noqa: E402


@pytest.mark.parametrize("title, expected", [
    ("Avenant n° 22 du 25 avril 2008 relatif au barème des salaires minima", ["salaires"]),
    ("Hautes-Pyrénées Accord du 5 mai 2023 relatif aux taux effectifs garantis des mensuels", ["salaires"]),
    ("Avenant n° 208 du 23 juin 2025 relatif à la négociation salariale annuelle obligatoire", ["salaires"]),
    ("Alsace Avenant du 11 mai 2007 relatif aux indemnités de petits déplacements", ["frais et indemnités"]),
    ("Avenant n° 166 relatif au certificat de qualification professionnelle (CQP) « Animateur »",
     ["formation professionnelle"]),
    ("Avenant du 30 mai 2001 relatif au CAP de conducteurs routiers", ["formation professionnelle"]),
    ("Avenant n° 6 du 16 septembre 2009 relatif aux frais de soins de santé", ["prévoyance et santé"]),
    ("Accord du 8 juillet 2021 relatif au financement du paritarisme", ["dialogue social"]),
    ("Avenant n° 3 du 5 mars 2014 relatif au temps partiel", ["temps de travail"]),
    ("Accord du 29 mai 2001 relatif à l'ARTT", ["temps de travail"]),
    ("Accord du 5 septembre 2024 relatif à la participation dérogatoire", ["épargne salariale"]),
    ("Accord du 22 avril 2020 relatif à la modification anticipée d'une fiche de qualification",
     ["classifications"]),
    ("Accord du 19 janvier 2024 relatif à l'égalité professionnelle entre les femmes et les hommes",
     ["égalité professionnelle"]),
    ("Accord du 28 février 2024 relatif à la lutte contre le harcèlement sexuel", ["égalité professionnelle"]),
    ("Accord du 12 mars 2021 relatif au télétravail", ["télétravail"]),
    # several themes at once, in THEMES order
    ("Accord relatif aux salaires et aux indemnités de panier", ["salaires", "frais et indemnités"]),
    ("Accord relatif à la classification et aux salaires minima", ["salaires", "classifications"]),
    # traps: words that look like a theme but are not one
    ("Accord du 1er décembre 2020 relatif à l'épargne salariale", ["épargne salariale"]),   # not « salaires »
    ("Avenant n° 54 du 10 janvier 2001 relatif au champ d'application", []),
    ("Adhésion par lettre du 11 juin 2008 de la CFDT à la convention collective", []),
    ("Avenant n° 2 relatif à la capacité d'accueil", []),                                    # « cap » inside a word
    ("", []),
])
def test_themes_from_title(title, expected):
    assert fil_rouge.themes_from_title(title) == expected


def test_clean_html():
    markup = "<p>Article 1<sup>er</sup></p><p>Le salaire&nbsp;minimum est fixé à 1&#8239;800 €.</p><br/>Fin"
    assert fil_rouge.clean_html(markup) == "Article 1er Le salaire minimum est fixé à 1 800 €. Fin"
    assert fil_rouge.clean_html("") == "" and fil_rouge.clean_html(None) == ""


def _fake_package(tmp_path, texts):
    data = tmp_path / "data"
    data.mkdir(parents=True)
    (tmp_path / "package.json").write_text(json.dumps({"version": "0.0.1"}))
    children = [{"type": "section", "data": {"id": f"KALITEXT{i:03d}", "title": title},
                 "children": [{"type": "article", "data": {"content": f"<p>{body}</p>"}, "children": []}]}
                for i, (title, body) in enumerate(texts)]
    convention = {"type": "convention collective", "data": {"num": "1234", "shortTitle": "Essai"},
                  "children": [{"type": "section", "data": {"title": "Textes Attachés"}, "children": children},
                               {"type": "section", "data": {"title": "Texte de base"}, "children": []}]}
    (data / "KALICONT000.json").write_text(json.dumps(convention))
    return tmp_path


def test_build_dataset_deduplicates_and_drops_unlabelled(tmp_path):
    texts = [(f"Avenant n° {i} relatif aux salaires", f"Barème numéro {i}.") for i in range(10)]
    texts += [(f"Accord {i} relatif à la formation professionnelle", f"Plan de formation {i}.") for i in range(10)]
    texts += [("Avenant relatif aux salaires (copie)", "Barème numéro 0."),     # same body as the first
              ("Avenant relatif au champ d'application", "Champ."),            # no theme
              ("Accord relatif aux salaires", "")]                               # empty body
    df = fil_rouge.build_dataset(_fake_package(tmp_path, texts))
    assert len(df) == 20
    assert set(df["idcc"]) == {"1234"} and set(df["groupe"]) == {"Textes Attachés"}
    assert df["split"].value_counts().to_dict() == {"train": 16, "test": 4}
    test_first = df[df["split"] == "test"]["themes"].map(lambda t: t[0]).value_counts().to_dict()
    assert test_first == {"salaires": 2, "formation professionnelle": 2}   # stratified
    assert fil_rouge.build_dataset(_fake_package(tmp_path / "bis", texts))["split"].tolist() == df["split"].tolist()


def test_missing_package_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("KALLM_KALI_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="npm ci"):
        fil_rouge.kali_package_dir()


def test_scores():
    summary, per_theme = fil_rouge.scores([["salaires"], ["salaires", "télétravail"], ["classifications"]],
                                          [["salaires"], ["salaires"], ["salaires"]])
    assert per_theme.loc["salaires", "précision"] == pytest.approx(2 / 3)
    assert per_theme.loc["salaires", "rappel"] == 1.0
    assert per_theme.loc["télétravail", "effectif"] == 1 and per_theme.loc["télétravail", "F1"] == 0.0
    assert summary["F1 micro"] == pytest.approx(2 * (2 / 3 * 2 / 4) / (2 / 3 + 2 / 4))
    assert summary["textes évalués"] == 3


def test_f1_interval_surrounds_the_score_and_narrows_with_more_texts():
    true = [["salaires"], ["télétravail"], ["classifications"], ["salaires"]] * 5
    guess = [["salaires"], ["salaires"], ["classifications"], ["salaires"]] * 5
    summary, _ = fil_rouge.scores(true, guess)
    low, high = summary[fil_rouge.INTERVAL]
    assert low < summary["F1 micro"] < high
    wide = high - low
    summary_20x, _ = fil_rouge.scores(true * 20, guess * 20)
    assert summary_20x[fil_rouge.INTERVAL][1] - summary_20x[fil_rouge.INTERVAL][0] < wide / 3
    assert fil_rouge.scores(true, guess)[0][fil_rouge.INTERVAL] == [low, high]   # seeded: same interval


def test_compare_concludes_only_outside_the_noise():
    true = [["salaires"]] * 30 + [["formation professionnelle"]] * 10
    good = [["salaires"]] * 30 + [["formation professionnelle"]] * 10
    bad = [["temps de travail"]] * 30 + [["formation professionnelle"]] * 10
    assert "« bon » fait mieux" in fil_rouge.compare("bon", "mauvais", true, good, bad)
    almost = good[:-1] + [["salaires"]]      # one error in 40 texts
    assert "ne se départagent pas" in fil_rouge.compare("bon", "presque", true, good, almost)


def test_sample_covers_every_theme_of_the_split():
    rows = [{"texte": f"t{i}", "themes": ["salaires"], "split": "test"} for i in range(50)]
    rows += [{"texte": "rare", "themes": ["télétravail"], "split": "test"},
             {"texte": "autre", "themes": ["classifications", "salaires"], "split": "test"},
             {"texte": "ailleurs", "themes": ["épargne salariale"], "split": "train"}]
    df = pd.DataFrame(rows)
    subset = fil_rouge.sample(df, "test", 5)
    themes = {t for ts in subset["themes"] for t in ts}
    assert len(subset) == 5 and {"télétravail", "classifications", "salaires"} <= themes
    assert "épargne salariale" not in themes
    assert subset.index.tolist() == fil_rouge.sample(df, "test", 5).index.tolist()   # fixed by the seed


# ---- The classification head of notebooks 05–06 ---------------------------------------------------

class _Tokenizer:
    """Enough of a tokenizer for lot_tokenise: one token per word."""
    pad_token_id, eos_token_id = 0, 2

    def __call__(self, text, add_special_tokens=False):
        return {"input_ids": [len(word) + 10 for word in text.split()]}


def test_lot_tokenise_cuts_pads_and_masks():
    ids, masque = fil_rouge.lot_tokenise(_Tokenizer(), ["un deux trois quatre", "court"], 3)
    assert ids.tolist() == [[12, 14, 15], [15, 0, 0]]
    assert masque.tolist() == [[1, 1, 1], [1, 0, 0]]


def test_lot_tokenise_refuses_an_empty_text_and_says_where():
    with pytest.raises(ValueError, match=r"texte\(s\) vide\(s\) aux positions \[1\]"):
        fil_rouge.lot_tokenise(_Tokenizer(), ["un texte", "   "], 4)


def test_themes_predits_keeps_the_likely_themes_and_never_answers_nothing():
    import torch
    logits = torch.full((2, len(fil_rouge.THEMES)), -3.0)
    logits[0, 0], logits[0, 2] = 2.0, 1.0   # two themes above 0.5
    logits[1, 4] = -1.0                      # none above 0.5: the most probable one
    names = list(fil_rouge.THEMES)
    assert fil_rouge.themes_predits(logits) == [[names[0], names[2]], [names[4]]]


def test_themes_predits_refuses_scores_of_the_wrong_shape():
    import torch
    with pytest.raises(ValueError, match="attendu un tableau"):
        fil_rouge.themes_predits(torch.zeros(3, 4))


def test_the_head_is_saved_and_read_back_and_a_missing_one_says_which_notebook_to_run(tmp_path):
    import torch
    tete = fil_rouge.tete_themes(torch.arange(4.0), torch.full((4,), 2.0))
    vecteurs = torch.randn(5, 4)
    fil_rouge.enregistrer_tete(tete, tmp_path)
    relue = fil_rouge.charger_tete(tmp_path)
    assert torch.equal(relue(vecteurs), tete(vecteurs))
    with pytest.raises(FileNotFoundError, match="05-fine-tuning-lora"):
        fil_rouge.charger_tete(tmp_path / "ailleurs")


def test_the_model_card_states_the_settings_notebook_05_runs_with():
    """docs/boite-a-outils/fiche-projet-carte-modele.md describes the adapter: its settings are the notebook's."""
    import re
    notebook = json.loads((ROOT / "notebooks" / "fil-rouge" / "05-fine-tuning-lora.ipynb").read_text(encoding="utf-8"))
    source = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    value = {name: re.search(rf"^{name} = (\S+)", source, re.M)[1]
             for name in ("N_ENTRAINEMENT", "TOKENS_TEXTE", "COUCHES_LORA", "RANG", "ALPHA", "EPOQUES", "TAILLE_LOT")}
    card = (ROOT / "docs" / "boite-a-outils" / "fiche-projet-carte-modele.md").read_text(encoding="utf-8")
    card = card.replace("\u00a0", " ")
    expected = [f"{value['N_ENTRAINEMENT']} textes tirés au hasard", f"les {value['TOKENS_TEXTE']} premiers tokens",
                f"des {value['COUCHES_LORA']} couches du haut", f"rang {value['RANG']}", f"alpha {value['ALPHA']}",
                f"{value['EPOQUES']} époques", f"lots de {value['TAILLE_LOT']} textes"]
    missing = [e for e in expected if e not in card]
    assert not missing, f"la carte du modèle ne dit plus les réglages du notebook 05 : {missing}"


def test_interval_text_writes_a_decimal_comma_and_a_real_minus_sign():
    assert fil_rouge.interval_text([-0.0712, 0.031]) == "[\u22120,07\u00a0; 0,03]"


def test_regex_themes_accepts_theme_names_only():
    import re
    une = re.compile(fil_rouge.regex_themes(max_themes=1))
    liste = re.compile(fil_rouge.regex_themes(max_themes=3))
    assert all(une.fullmatch(theme) for theme in fil_rouge.THEMES)
    assert liste.fullmatch("salaires, temps de travail, télétravail")
    for mauvaise in ["Salaires", "salaires.", "salaire", "salaires, temps de travail", "Thèmes : salaires", ""]:
        assert not une.fullmatch(mauvaise), mauvaise
    assert not liste.fullmatch("salaires, temps de travail, télétravail, classifications")  # 4 > 3


def _tokenizer():
    from transformers import AutoTokenizer
    return AutoTokenizer.from_pretrained(fil_rouge.smollm2_dir())


def _differences(lu, garde, tok_lu, tok_garde, textes) -> list[str]:
    """What differs between the model read from the GGUF file and the checkpoint kept by smollm2_dir()."""
    import torch
    a, b = lu.state_dict(), garde.state_dict()
    ecarts = [f"poids {k}" for k in sorted(a.keys() | b.keys()) if k not in a or k not in b or not torch.equal(a[k], b[k])]
    if lu.generation_config.to_diff_dict() != garde.generation_config.to_diff_dict():
        ecarts.append("réglages de génération")
    conversation = [{"role": "system", "content": "Réponds en français."}, {"role": "user", "content": textes[0]}]
    if (tok_lu.apply_chat_template(conversation, add_generation_prompt=True, tokenize=False)
            != tok_garde.apply_chat_template(conversation, add_generation_prompt=True, tokenize=False)):
        ecarts.append("chat template")
    ecarts += [f"tokens du texte {i}" for i, t in enumerate(textes) if tok_lu(t)["input_ids"] != tok_garde(t)["input_ids"]]
    return ecarts


def test_the_checkpoint_kept_in_the_cache_is_the_gguf_model():
    """The notebooks load SmolLM2 from smollm2_dir() (under a second) instead of the GGUF file (about 20 s):
    the same weights, generation settings, chat template and tokens, or their results would change."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    gguf = fil_rouge.smollm2_gguf()
    lu = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    tok_lu = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    garde = AutoModelForCausalLM.from_pretrained(fil_rouge.smollm2_dir())
    textes = fil_rouge.load_dataset()["texte"].head(100).tolist() + ["Préavis : 2 mois ; « délai » — 3 %, 1 500 €."]
    assert _differences(lu, garde, tok_lu, _tokenizer(), textes) == []
    with torch.no_grad():   # the comparison itself sees a changed weight
        garde.model.norm.weight[0] += 1e-3
    assert _differences(lu, garde, tok_lu, _tokenizer(), textes) == ["poids model.norm.weight"]


def test_a_cache_entry_is_written_whole_or_not_at_all(tmp_path):
    """write_once: a failed write leaves nothing behind, and a second writer of the same folder keeps the first."""
    cible = tmp_path / "vecteurs.npy"

    def echoue(tmp):
        tmp.write_bytes(b"a moitie")
        raise OSError("disque plein")
    with pytest.raises(OSError, match="disque plein"):
        fil_rouge.write_once(cible, echoue)
    assert list(tmp_path.iterdir()) == []
    import numpy as np
    fil_rouge.write_once(cible, lambda tmp: np.save(tmp, np.ones(3)))
    assert np.load(cible).tolist() == [1, 1, 1] and [p.name for p in tmp_path.iterdir()] == ["vecteurs.npy"]
    dossier = tmp_path / "modele"

    def remplit(texte):
        def ecrit(tmp):
            tmp.mkdir()
            (tmp / "config.json").write_text(texte)
        return ecrit
    fil_rouge.write_once(dossier, remplit("premier"))
    fil_rouge.write_once(dossier, remplit("second"))   # the other process finished first: its folder stays
    assert (dossier / "config.json").read_text() == "premier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["modele", "vecteurs.npy"]


def test_contrainte_regex_masks_every_token_that_leaves_the_theme_names():
    """Notebook 04's constrained decoding: at each step only the tokens that keep a theme name possible
    survive, and the end of the answer only once a whole name is written."""
    import llguidance.hf
    import torch
    tokenizer = _tokenizer()
    contrainte = fil_rouge.ContrainteRegex(llguidance.hf.from_tokenizer(tokenizer),
                                           fil_rouge.regex_themes(max_themes=1), debut=1)
    n = len(tokenizer)
    premiers = contrainte(torch.zeros((1, 1), dtype=torch.long), torch.zeros((1, n)))
    permis = [tokenizer.decode([t]) for t in torch.nonzero(premiers[0] > float("-inf")).flatten().tolist()]
    assert permis
    # a token may also be the first byte of « é » (shown as U+FFFD alone): « épargne », « égalité »
    assert all(any(theme.startswith(p) for theme in fil_rouge.THEMES) or p == "\ufffd" for p in permis), permis
    assert tokenizer.eos_token_id not in torch.nonzero(premiers[0] > float("-inf")).flatten().tolist()
    ids = [0] + tokenizer("salaires", add_special_tokens=False)["input_ids"]
    for k in range(2, len(ids) + 1):   # feed the name token by token
        scores = contrainte(torch.tensor([ids[:k]]), torch.zeros((1, n)))
    fin = torch.nonzero(scores[0] > float("-inf")).flatten().tolist()
    assert fin == [tokenizer.eos_token_id]   # « salaires » is complete and no theme is longer: only the end is left
    with pytest.raises(RuntimeError, match="token refusé"):
        autre = fil_rouge.ContrainteRegex(llguidance.hf.from_tokenizer(tokenizer), fil_rouge.regex_themes(max_themes=1), 1)
        autre(torch.tensor([[0] + tokenizer("Les", add_special_tokens=False)["input_ids"][:1]]), torch.zeros((1, n)))


def test_contrainte_regex_masks_each_row_of_a_batch_on_its_own():
    """chat_lot generates several conversations together: one matcher per row, each fed its own tokens."""
    import llguidance.hf
    import torch
    tokenizer = _tokenizer()
    contrainte = fil_rouge.ContrainteRegex(llguidance.hf.from_tokenizer(tokenizer),
                                           fil_rouge.regex_themes(max_themes=1), debut=1, lignes=2)
    n = len(tokenizer)
    salaires = tokenizer("salaires", add_special_tokens=False)["input_ids"]
    formation = tokenizer("formation professionnelle", add_special_tokens=False)["input_ids"]
    assert len(formation) > len(salaires)
    lignes = [[0] + salaires, [0] + formation[:len(salaires)]]   # the same length, as in a batch
    for k in range(2, len(lignes[0]) + 1):
        scores = contrainte(torch.tensor([ligne[:k] for ligne in lignes]), torch.zeros((2, n)))
    permis = [torch.nonzero(scores[r] > float("-inf")).flatten().tolist() for r in range(2)]
    assert permis[0] == [tokenizer.eos_token_id]                    # « salaires » is complete
    assert permis[1] and tokenizer.eos_token_id not in permis[1]    # « formation… » is not


def test_chat_lot_gives_the_answers_of_chat_one_by_one():
    """Notebook 04 classifies by batches (ChatModel.chat_lot): same answers as one conversation at a time,
    free with the shared system prompt's cache reused, and constrained."""
    modele = fil_rouge.ChatModel()
    systeme = {"role": "system", "content": "Réponds par un seul thème : " + ", ".join(fil_rouge.THEMES) + "."}
    textes = ["Accord sur les salaires minima de la branche pour 2024.", "Avenant relatif au télétravail.",
              "Accord sur la formation professionnelle et l'apprentissage dans les entreprises de la branche."]
    conversations = [[systeme, {"role": "user", "content": t}] for t in textes]
    for regex, prefixe in ((None, True), (fil_rouge.regex_themes(max_themes=1), False)):
        un_par_un = [modele.chat(c, max_new_tokens=5, regex=regex, reutiliser_prefixe=prefixe) for c in conversations]
        assert modele.chat_lot(conversations, max_new_tokens=5, regex=regex, reutiliser_prefixe=prefixe,
                               taille_lot=2) == un_par_un


def test_tfidf_baseline_fitted_in_parallel_is_the_model_fitted_one_class_after_the_other():
    """The ten binary regressions run in parallel (n_jobs=-1): same coefficients as one after the other."""
    import numpy as np
    themes = list(fil_rouge.THEMES)
    train = pd.DataFrame([{"texte": f"Accord n° {k} sur {t}, article {k % 7} : {t}", "themes": [t]}
                          for k, t in enumerate(themes * 4)])
    parallel, predicted = fil_rouge.tfidf_baseline(train, train)
    assert parallel.steps[-1][1].n_jobs == -1
    assert predicted == train["themes"].tolist()
    sequential, _ = fil_rouge.tfidf_baseline(train, train)
    sequential.set_params(onevsrestclassifier__n_jobs=None).fit(
        train["texte"], np.array([[t in ligne for t in themes] for ligne in train["themes"]], dtype=int))
    for a, b in zip(sequential.steps[-1][1].estimators_, parallel.steps[-1][1].estimators_):
        assert np.array_equal(a.coef_, b.coef_) and np.array_equal(a.intercept_, b.intercept_)
