"""Benchmark of the guide (not a test): build times, notebook execution times, `make serve`, home page weight.

`make bench` prints a table and writes bench-results/benchmark.json. "Cold" removes site/ and every
cache (the notebooks are executed again); "warm" rebuilds with the caches in place. `make serve` is
measured twice, as on a fresh clone (no executed notebook: the preview) and with the caches in place:
the time until its URL answers with the home page, and the time from saving a Markdown page (a line
added at its end, removed afterwards) until the served page shows it. Each notebook's duration is given cold (first execution, empty caches) and warm (executed again at once, with the data
and embedding caches it built), with the machine's core count: durations are tracked here, never
enforced by the build (a notebook's time limit only catches a hang).

`python scripts/benchmark.py openmp` measures only the OpenMP wait of torch's threads (part of `make bench`): a
SmolLM2 forward pass and a generation, on a quiet machine and with one core kept busy by another program, with
OpenMP's default wait and with the short one the notebooks and tests use (hooks/notebook_execution.py).
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT / "scripts"))
BIN = Path(sys.executable).parent


def timed_build() -> float:
    started = time.monotonic()
    subprocess.run([str(BIN / "mkdocs"), "build", "--quiet"], cwd=ROOT, check=True,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "KALLM_NOTEBOOKS": "executer"})
    return time.monotonic() - started


EDITED_PAGE = "docs/adapter/rag.md"


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(condition, limit: float) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > limit:
            raise RuntimeError(f"`make serve` n'a pas répondu en {limit:.0f} s")
        time.sleep(0.1)
    return time.monotonic() - started


def serve_times() -> dict[str, float]:
    """`mkdocs serve` as `make serve` runs it: seconds to the first page, seconds from a save to the change."""
    with socket.socket() as probe:  # a free port of 127.0.0.1
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}/programme10pourcent-kallm/"
    page, url = ROOT / EDITED_PAGE, base + EDITED_PAGE.removeprefix("docs/").removesuffix(".md") + "/"
    original = page.read_bytes()
    started = time.monotonic()
    server = subprocess.Popen([str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=ROOT,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "KALLM_NOTEBOOKS": "apercu"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: _fetch(base) is not None, 600)
        first_page = time.monotonic() - started
        time.sleep(2)  # let the watcher settle
        marker = f"Repère de mesure {time.time_ns()}."
        page.write_bytes(original + f"\n{marker}\n".encode())
        edit = _wait_for(lambda: marker in (_fetch(url) or ""), 120)
    finally:
        page.write_bytes(original)
        server.terminate()
        server.wait(timeout=30)
    return {"premier affichage (s)": round(first_page, 1), "modification visible (s)": round(edit, 1)}


def notebook_times() -> dict[str, float]:
    """Execution time of each notebook, as recorded by hooks/notebooks.py during the cold build."""
    from notebooks import CACHE_DIR, all_sources
    return {source.relative_to(ROOT / "notebooks").as_posix():
            float((ROOT / CACHE_DIR / source.relative_to(ROOT / "notebooks")).with_suffix(".seconds").read_text())
            for source in all_sources(ROOT)}


def margin_notices(times: dict[str, float]) -> list[str]:
    """The notebooks of `times` that took more than a third of their time limit, with what to do (hooks/notebooks.py)."""
    from notebooks import SOURCE_DIR, margin_notice, notebook_time_limit
    notices = [margin_notice(name, seconds, notebook_time_limit(ROOT / SOURCE_DIR / name)) for name, seconds in times.items()]
    return [n for n in notices if n]


def notebook_times_warm() -> dict[str, float]:
    """Each notebook executed again, right after the cold build (its data and embedding caches in place)."""
    from notebooks import all_sources, ensure_executed
    for source in all_sources(ROOT):
        ensure_executed(source, ROOT, force=True)
    return notebook_times()


OPENMP_WORK = """
import sys, time
sys.path.insert(0, "notebooks/fil-rouge")
import torch, fil_rouge
from transformers import AutoModelForCausalLM
model = AutoModelForCausalLM.from_pretrained(fil_rouge.smollm2_dir()).eval()
batch, prompt = torch.randint(0, 40000, (8, 128)), torch.randint(0, 40000, (1, 40))
with torch.no_grad():
    model(batch)
    for work in (lambda: [model(batch) for _ in range(5)],
                 lambda: [model.generate(prompt, max_new_tokens=100, min_new_tokens=100, do_sample=False) for _ in range(3)]):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        print(round(time.perf_counter() - wall, 1), round(time.process_time() - cpu, 1))
"""


def openmp_wait_times() -> dict[str, dict[str, float]]:
    """Wall and CPU seconds of 5 forward passes (8 × 128 tokens) and 3 generations (100 tokens), for each wait."""
    from notebook_execution import OPENMP_SHORT_WAIT
    results = {}
    for busy in (False, True):
        spinner = subprocess.Popen(["sh", "-c", "while :; do :; done"], start_new_session=True) if busy else None
        try:
            for wait, extra in (("attente par défaut", {}), ("attente courte", OPENMP_SHORT_WAIT)):
                env = {k: v for k, v in os.environ.items() if k != "GOMP_SPINCOUNT"} | extra
                lines = subprocess.run([sys.executable, "-c", OPENMP_WORK], cwd=ROOT, env=env, check=True,
                                       capture_output=True, text=True).stdout.split()
                forward, generation = [[float(x) for x in lines[i:i + 2]] for i in (0, 2)]
                results[f"{'un cœur occupé' if busy else 'machine calme'}, {wait}"] = {
                    "passes avant (s)": forward[0], "passes avant, temps CPU (s)": forward[1],
                    "générations (s)": generation[0], "générations, temps CPU (s)": generation[1]}
        finally:
            if spinner:
                spinner.kill()
    return results


def home_page_weight() -> dict[str, int]:
    from browser import Visit, browser, serve
    groups = {"document": "html", "stylesheet": "css", "script": "js", "font": "polices"}
    with serve(ROOT / "site") as url, browser() as chromium:
        visit = Visit(chromium, url)
        weights: dict[str, int] = {}
        for kind, size in visit.bytes_by_type.items():
            name = groups.get(kind, "autres (index de recherche, images…)")
            weights[name] = weights.get(name, 0) + size
        visit.close()
    weights["total"] = sum(weights.values())
    return weights


def main() -> int:
    if sys.argv[1:] == ["openmp"]:
        print(json.dumps(openmp_wait_times(), indent=2, ensure_ascii=False))
        return 0
    for cache in (ROOT / "site", ROOT / ".cache"):
        shutil.rmtree(cache, ignore_errors=True)
    fresh_clone = serve_times()
    cold = round(timed_build(), 1)
    cold_notebooks = notebook_times()
    results = {"cœurs du processeur": os.cpu_count(),
               "make serve sur un clone neuf, notebooks non exécutés": fresh_clone,
               "construction à froid (s)": cold,
               "exécution des notebooks pendant la construction à froid (s)": cold_notebooks,
               "notebooks à plus du tiers de leur temps maximal": margin_notices(cold_notebooks) or "aucun",
               "construction à chaud (s)": round(timed_build(), 1),
               "make serve, caches en place": serve_times(),
               "exécution des notebooks à nouveau, caches en place (s)": notebook_times_warm(),
               "poids de l'accueil (octets)": home_page_weight(),
               "attente des fils OpenMP de torch": openmp_wait_times(),
               "poids du site (octets)": sum(p.stat().st_size for p in (ROOT / "site").rglob("*") if p.is_file())}
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "benchmark.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
