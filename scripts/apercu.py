"""Pull request previews on the Pages branch, outside mike (.github/workflows/apercu.yml runs these commands).

    python scripts/apercu.py construire N              # build/apercu/site: the site with the banner of PR n° N
    python scripts/apercu.py publier N [--remote R]    # copies it to pr-N/ on gh-pages and pushes
    python scripts/apercu.py retirer N [--remote R]    # removes pr-N/ from gh-pages and pushes
    python scripts/apercu.py commenter N (publie|artefact URL|retire)     # posts or updates the PR comment

`commenter` calls the GitHub API with `gh` (GH_TOKEN, GITHUB_REPOSITORY): it edits the comment that
carries the marker below, or adds it, so that a PR has one preview comment, kept up to date.

A preview is a plain folder on gh-pages: mike never hears of it, so versions.json (the version selector)
never lists it and `mike deploy` leaves it alone. `publier` and `retirer` refuse a versions.json that lists
a pr-N entry. Pushes retry on a fresh gh-pages when another push got there first.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BRANCH = "gh-pages"
SITE = ROOT / "build" / "apercu" / "site"
PAGES_URL = re.search(r"^site_url: *(\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)[1]
MARKER = "<!-- kallm-apercu -->"   # finds the workflow's own comment, to update it instead of adding one
TRIES = 3


class PreviewError(RuntimeError):
    pass


def folder(number: str) -> str:
    if not str(number).isdigit():
        raise PreviewError(f"numéro de proposition invalide : « {number} » (des chiffres attendus)")
    return f"pr-{number}"


def build(number: str, project: Path = ROOT, site: Path = SITE) -> Path:
    """`mkdocs build` with KALLM_APERCU=N (hooks/versions.py: banner, site URL of pr-N/, no selector)."""
    folder(number)
    env = {**os.environ, "KALLM_APERCU": str(number), "NO_MKDOCS_2_WARNING": "1"}
    env.pop("MIKE_DOCS_VERSION", None)
    mkdocs = Path(sys.executable).parent / "mkdocs"
    result = subprocess.run([str(mkdocs), "build", "--clean", "--site-dir", str(site)], cwd=project, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise PreviewError(f"la construction de l'aperçu a échoué :\n{result.stdout[-3000:]}")
    return site


def check_versions(versions_json: str, where: str = "versions.json") -> None:
    """mike's version list must never name a preview: the selector would offer it to every reader."""
    listed = [entry.get("version", "") for entry in json.loads(versions_json)]
    listed += [alias for entry in json.loads(versions_json) for alias in entry.get("aliases", [])]
    previews = sorted({name for name in listed if name.startswith("pr-")})
    if previews:
        raise PreviewError(f"{where} liste {', '.join(previews)} : un aperçu de proposition ne doit pas entrer dans "
                           f"le sélecteur de versions. Publiez les aperçus avec scripts/apercu.py (jamais avec mike) "
                           f"et retirez l'entrée avec `mike delete {previews[0]} --push`.")


def _git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise PreviewError(f"git {' '.join(args)} a échoué :\n{result.stderr.strip()}")
    return result


def _update_pages(number: str, message: str, change, repo: Path, remote: str) -> bool:
    """Check out the remote gh-pages in a temporary worktree, apply `change`, commit and push; retry on a race."""
    name = folder(number)
    for attempt in range(1, TRIES + 1):
        if _git(repo, "fetch", "--quiet", remote, f"+{BRANCH}:refs/remotes/{remote}/{BRANCH}", check=False).returncode:
            raise PreviewError(f"pas de branche {BRANCH} sur {remote} : publiez d'abord une version avec mike "
                               f"(workflow Publication), puis relancez l'aperçu.")
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp) / "pages"
            _git(repo, "worktree", "add", "--quiet", "--detach", str(work), f"{remote}/{BRANCH}")
            try:
                versions = work / "versions.json"
                if versions.exists():
                    check_versions(versions.read_text(encoding="utf-8"), f"{BRANCH}:versions.json")
                change(work / name)
                _git(work, "add", "--all")
                if not _git(work, "status", "--porcelain").stdout.strip():
                    return False
                _git(work, "commit", "--quiet", "-m", message)
                if _git(work, "push", "--quiet", remote, f"HEAD:{BRANCH}", check=False).returncode == 0:
                    return True
            finally:
                _git(repo, "worktree", "remove", "--force", str(work), check=False)
        print(f"essai {attempt} : {BRANCH} a bougé pendant la publication, nouvel essai", file=sys.stderr)
    raise PreviewError(f"impossible de pousser {BRANCH} après {TRIES} essais")


def publish(number: str, site: Path = SITE, repo: Path = ROOT, remote: str = "origin") -> bool:
    if not (site / "index.html").exists():
        raise PreviewError(f"{site} ne contient pas de site construit : lancez d'abord `scripts/apercu.py construire {number}`")

    def replace(target: Path):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(site, target)
    return _update_pages(number, f"Aperçu de la proposition n° {number}", replace, repo, remote)


def remove(number: str, repo: Path = ROOT, remote: str = "origin") -> bool:
    return _update_pages(number, f"Retrait de l'aperçu de la proposition n° {number}",
                         lambda target: shutil.rmtree(target, ignore_errors=True), repo, remote)


def comment(number: str, state: str, artifact_url: str | None = None) -> str:
    """The PR comment (Markdown), the same one updated on each push."""
    folder(number)
    if state == "publie":
        body = (f"L'aperçu de cette proposition est en ligne : {PAGES_URL}pr-{number}/\n\n"
                "Il est reconstruit à chaque nouveau commit et retiré à la fermeture de la proposition. "
                "Un bandeau le distingue du guide publié ; il n'apparaît pas dans le sélecteur de versions.")
    elif state == "artefact":
        body = ("Cette proposition vient d'une copie du dépôt (*fork*) : son aperçu ne peut pas être publié sur le "
                f"site. Le site construit est joint à l'exécution du workflow, en artefact « apercu » : {artifact_url}\n\n"
                "Téléchargez-le, décompressez-le, puis lancez `python -m http.server -d site` et ouvrez "
                "http://127.0.0.1:8000/.")
    elif state == "retire":
        body = "La proposition est fermée : son aperçu a été retiré du site."
    else:
        raise PreviewError(f"état de commentaire inconnu : {state}")
    return f"{MARKER}\n**Aperçu de la proposition n° {number}**\n\n{body}\n"


def post_comment(number: str, state: str, artifact_url: str | None = None) -> None:
    repo = os.environ["GITHUB_REPOSITORY"]
    body = comment(number, state, artifact_url)
    found = subprocess.run(["gh", "api", "--paginate", f"repos/{repo}/issues/{number}/comments",
                            "--jq", f'.[] | select(.body | startswith("{MARKER}")) | .id'],
                           capture_output=True, text=True, check=True).stdout.split()
    if found:
        subprocess.run(["gh", "api", "--method", "PATCH", f"repos/{repo}/issues/comments/{found[0]}",
                        "-f", f"body={body}"], check=True, stdout=subprocess.DEVNULL)
    else:
        subprocess.run(["gh", "api", f"repos/{repo}/issues/{number}/comments", "-f", f"body={body}"],
                       check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in {"construire", "publier", "retirer", "commenter"}:
        print(__doc__)
        return 2
    action, number, rest = argv[0], argv[1], argv[2:]
    remote = rest[rest.index("--remote") + 1] if "--remote" in rest else "origin"
    try:
        if action == "construire":
            print(build(number))
        elif action == "publier":
            print("publié" if publish(number, remote=remote) else "aperçu inchangé")
        elif action == "retirer":
            print("retiré" if remove(number, remote=remote) else "pas d'aperçu à retirer")
        else:
            post_comment(number, rest[0], rest[1] if len(rest) > 1 else None)
    except PreviewError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
