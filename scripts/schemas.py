"""Checks of the repository's machine-read files, before they reach GitHub (tests/test_schemas.py).

    python scripts/schemas.py        # the workflows, the composite action and CITATION.cff

- GitHub Actions workflows and actions: the JSON schemas that check-jsonschema ships (from SchemaStore),
  then the house rules: each `${{ ... }}` expression closed on its line, each outside action pinned by a
  full commit SHA, and a workflow-level `permissions:` (least privilege: jobs ask for what they need).
- CITATION.cff: the Citation File Format 1.2.0 schema (also shipped by check-jsonschema).
Each problem is one French message: the file, what is wrong, what to do.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHECKER = Path(sys.executable).parent / "check-jsonschema"
USES = re.compile(r"^\s*-?\s*uses:\s*(?P<ref>\S+)", re.M)
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def _schema(paths: list[Path], schema: str, root: Path) -> list[str]:
    if not paths:
        return []
    result = subprocess.run([str(CHECKER), "--builtin-schema", schema, "--output-format", "text",
                             *map(str, paths)], capture_output=True, text=True)
    if result.returncode == 0:
        return []
    detail = (result.stdout + result.stderr).strip().replace(str(root) + "/", "")
    return [f"schéma {schema} : {detail}\n→ corrigez le fichier (la documentation de GitHub Actions ou de "
            f"Citation File Format décrit chaque clé) ; `python scripts/schemas.py` refait la vérification."]


def check_workflows(paths: list[Path], root: Path = ROOT) -> list[str]:
    problems = []
    workflows = [p for p in paths if p.parent.name == "workflows"]
    actions = [p for p in paths if p.name in {"action.yml", "action.yaml"}]
    problems += _schema(workflows, "vendor.github-workflows", root)
    problems += _schema(actions, "vendor.github-actions", root)
    for path in paths:
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            if line.count("${{") != line.count("}}"):
                problems.append(f"{rel}:{number} : expression `${{{{ … }}}}` mal fermée : « {line.strip()} ». "
                                f"Fermez-la sur la même ligne par « }}}} ».")
        for found in USES.finditer(text):
            ref = found["ref"].strip("'\"")
            if not ref.startswith("./") and not PINNED.match(ref):
                number = text[:found.start()].count("\n") + 1
                problems.append(f"{rel}:{number} : l'action « {ref} » n'est pas épinglée par un SHA de commit complet. "
                                f"Écrivez `uses: propriétaire/action@<40 caractères hexadécimaux>  # vX.Y.Z`.")
        if path in workflows:
            try:
                data = yaml.safe_load(text) or {}
            except yaml.YAMLError as error:
                problems.append(f"{rel} : YAML illisible ({error})")
                continue
            if "permissions" not in data:
                problems.append(f"{rel} : pas de `permissions:` au niveau du workflow. Ajoutez `permissions: {{}}` "
                                f"(ou `contents: read`) puis, dans chaque job, seulement les droits dont il a besoin.")
    return problems


def check_citation(path: Path, root: Path = ROOT) -> list[str]:
    return _schema([path], "vendor.citation-file-format", root)


def repository_files(root: Path = ROOT) -> list[Path]:
    github = root / ".github"
    return sorted(github.glob("workflows/*.y*ml")) + sorted(github.glob("actions/*/action.y*ml"))


def main() -> int:
    problems = check_workflows(repository_files()) + check_citation(ROOT / "CITATION.cff")
    print("\n".join(problems) or "Workflows, action et CITATION.cff : conformes.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
