#!/usr/bin/env bash
# SSP Cloud (Onyxia) init script for the guide's notebooks: the « Lancer sur SSP Cloud » button of each
# notebook page starts a Jupyter service with `init.personalInit` = this file and `init.personalInitArgs`
# = the notebook's name. Before JupyterLab starts, it clones the guide into ~/work, installs the pinned
# dependencies and the fil-rouge data (scripts/preparer_notebooks.py) and makes JupyterLab open that notebook.
# Tested by tests/test_lancer.py against a local clone. Settings, for the tests or a fork:
#   KALLM_DEPOT (repository to clone), KALLM_DOSSIER (where), KALLM_PYTHON, KALLM_RACINE_JUPYTER.
set -euo pipefail

notebook="${1:-00-premiers-pas.ipynb}"
depot="${KALLM_DEPOT:-https://github.com/etalab/programme10pourcent-kallm}"
racine="${KALLM_RACINE_JUPYTER:-$HOME/work}"
dossier="${KALLM_DOSSIER:-$racine/programme10pourcent-kallm}"
python="${KALLM_PYTHON:-python3}"

if ! [[ "$notebook" =~ ^[0-9]{2}-[a-z0-9-]+\.ipynb$ ]]; then
  echo "Erreur : « $notebook » n'est pas un nom de notebook du fil rouge (par exemple 04-classer-par-prompt.ipynb)." >&2
  exit 2
fi
if [ ! -d "$dossier/.git" ]; then
  git clone --quiet --depth 1 "$depot" "$dossier"
fi
if [ ! -f "$dossier/notebooks/fil-rouge/$notebook" ]; then
  echo "Erreur : le notebook $notebook n'existe pas dans $dossier/notebooks/fil-rouge/." >&2
  exit 2
fi
"$python" "$dossier/scripts/preparer_notebooks.py"

# JupyterLab opens the notebook (its path relative to the folder it serves).
chemin="${dossier#"$racine"/}/notebooks/fil-rouge/$notebook"
mkdir -p "$HOME/.jupyter"
echo "c.ServerApp.default_url = '/lab/tree/$chemin'" >> "$HOME/.jupyter/jupyter_server_config.py"
echo "Le guide est dans $dossier ; JupyterLab ouvrira $chemin."
