"""The workflows, the composite action and CITATION.cff are checked before they are pushed (scripts/schemas.py)."""
import shutil

from conftest import ROOT
from schemas import check_citation, check_workflows, repository_files


def test_the_repository_files_are_valid():
    files = repository_files()
    assert {p.name for p in files} >= {"ci.yml", "publish.yml", "apercu.yml", "apercu-fork.yml", "sante.yml",
                                       "action.yml"}
    problems = check_workflows(files) + check_citation(ROOT / "CITATION.cff")
    assert problems == [], "\n".join(problems)


def test_a_broken_workflow_fails_with_each_mistake(tmp_path):
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    broken = workflows / "casse.yml"
    broken.write_text(
        "name: Cassé\non: [push]\njobs:\n  essai:\n    runs-on: ubuntu-24.04\n    stepz:\n"
        "      - uses: actions/checkout@v4\n      - run: echo ${{ github.sha }\n", encoding="utf-8")
    problems = check_workflows([broken], tmp_path)
    text = "\n".join(problems)
    assert "schéma vendor.github-workflows" in text and "'stepz' was unexpected" in text, text
    assert ".github/workflows/casse.yml:8 : expression `${{ … }}` mal fermée" in text, text
    assert ".github/workflows/casse.yml:7 : l'action « actions/checkout@v4 » n'est pas épinglée" in text, text
    assert ".github/workflows/casse.yml : pas de `permissions:`" in text, text


def test_a_broken_citation_file_fails(tmp_path):
    citation = tmp_path / "CITATION.cff"
    shutil.copy(ROOT / "CITATION.cff", citation)
    citation.write_text(citation.read_text(encoding="utf-8").replace("  - MIT\n", "  - Licence maison\n"),
                        encoding="utf-8")
    problems = check_citation(citation, tmp_path)
    assert len(problems) == 1 and "vendor.citation-file-format" in problems[0], problems
