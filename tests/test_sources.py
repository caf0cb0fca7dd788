"""Sources: citations, bibliography entries, notebook sources without outputs."""
from conftest import ROOT
from site_checks import check_bibliography, check_citations, check_consolidated_links, check_notebook_sources

BIB = ROOT / "bibliography.bib"


def test_every_citation_key_is_in_the_bibliography():
    assert check_citations(ROOT / "docs", BIB) == []


def test_every_entry_has_a_doi_an_eprint_or_a_url():
    assert check_bibliography(BIB) == []


def test_notebook_sources_have_no_outputs():
    assert check_notebook_sources(ROOT / "notebooks") == []


def test_unknown_key_is_reported_with_its_page(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "page.md").write_text("Texte [@vaswani2017attention; @inconnu2099].\n")
    problems = check_citations(docs, BIB)
    assert len(problems) == 1 and "inconnu2099" in problems[0] and "docs/page.md" in problems[0]


def test_entry_without_identifier_is_reported(tmp_path):
    bib = tmp_path / "b.bib"
    bib.write_text("@book{sansid, title={Un livre}, author={Dupont, Jean}, year={2020}}\n"
                   "@misc{abrege, title={T}, author={Dupont, Jean and others}, year={2020}, url={https://x.fr}}\n")
    problems = check_bibliography(bib)
    assert any("sansid" in p and "doi" in p for p in problems)
    assert any("abrege" in p and "others" in p for p in problems)


def test_notebook_with_outputs_is_reported(tmp_path):
    import nbformat
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(1)")
    cell.outputs = [nbformat.v4.new_output("stream", text="1\n")]
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), cell]
    nbformat.write(nb, tmp_path / "sale.ipynb")
    problems = check_notebook_sources(tmp_path)
    assert len(problems) == 1 and "sale.ipynb" in problems[0] and "[2]" in problems[0]


def test_unknown_key_stops_the_build_with_page_key_and_closest_keys(project):
    """A mistyped key: the build names the page, the key and the keys it probably meant, no traceback."""
    project.page("adapter/rag.md", "RAG", "Une phrase.", "# RAG\n\nLe Transformer [@vaswani2017atention].\n")
    result = project.build()
    assert result.returncode != 0
    assert "docs/adapter/rag.md" in result.stdout and "@vaswani2017atention" in result.stdout
    assert "clés proches : @vaswani2017attention" in result.stdout
    assert "Traceback" not in result.stdout and "KeyError" not in result.stdout


def test_a_corporate_author_shows_without_pandoc_s_nocase_span(project):
    """`author = {{vLLM Project}}`: citeproc writes `[VLLM PROJECT]{.nocase}`, which the page showed as typed."""
    project.page("a.md", "A", "Une phrase.", "# A\n\nLa quantification dans vLLM [@vllm2026quantization].\n")
    result = project.build()
    assert result.returncode == 0, result.stdout[-3000:]
    html = (project.path / "site" / "a" / "index.html").read_text(encoding="utf-8")
    assert "nocase" not in html and "]{" not in html
    assert "PROJECT" in html or "Project" in html


def test_no_page_calls_the_2024_ai_act_text_consolidated():
    assert check_consolidated_links(ROOT / "docs", ROOT / "includes") == []


def test_the_2024_ai_act_text_called_consolidated_is_reported(tmp_path):
    (tmp_path / "modele.md").write_text(
        "Texte de référence : le règlement (UE) 2024/1689, dans sa "
        "[version consolidée sur EUR-Lex](https://eur-lex.europa.eu/eli/reg/2024/1689/oj).\n"
        "Voir aussi la version consolidée : [AI Act](https://eur-lex.europa.eu/legal-content/FR/TXT/"
        "?uri=CELEX:32024R1689).\n")
    problems = check_consolidated_links(tmp_path)
    assert len(problems) == 2
    assert "modele.md:1" in problems[0] and "modele.md:2" in problems[1]
    assert "ne l'appelez pas « version consolidée »" in problems[0] and "2026/1744" in problems[0]


def test_the_2024_text_and_the_consolidated_version_side_by_side_pass(tmp_path):
    (tmp_path / "page.md").write_text(
        "Le [règlement (UE) 2024/1689](https://eur-lex.europa.eu/eli/reg/2024/1689/oj) fait foi avec le "
        "[règlement (UE) 2026/1744](https://eur-lex.europa.eu/eli/reg/2026/1744/oj) ; la "
        "[version consolidée](https://eur-lex.europa.eu/legal-content/FR/TXT/?uri=CELEX:02024R1689-20260727) "
        "sert à le lire.\n")
    assert check_consolidated_links(tmp_path) == []
