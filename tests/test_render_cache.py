"""hooks/render_cache.py: in `mkdocs serve`, unchanged pages skip the Markdown conversion, and nothing goes stale."""
import json
import subprocess
import sys
import textwrap

from conftest import ENV_PROJET, TODAY

# Two builds in one process, as `mkdocs serve` does them (the hooks stay loaded), with a change in between.
REBUILD = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    import mkdocs.structure.pages as pages
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    converted = []
    render = pages.Page.render
    def counting(self, config, files):
        converted.append(self.file.src_uri)
        return render(self, config, files)
    pages.Page.render = counting

    def one_build():
        config = load_config("mkdocs.yml")
        config.plugins.on_startup(command="serve", dirty=False)
        converted.clear()
        try:
            build(config)
            return {"ok": True, "converted": sorted(converted)}
        except BaseException as exc:
            return {"ok": False, "converted": sorted(converted), "error": repr(exc)}

    first = one_build()
    exec(sys.argv[1])  # the change
    print(json.dumps([first, one_build()]))
""")


def _serve_twice(project, change: str):
    result = subprocess.run([sys.executable, "-c", REBUILD, change], cwd=project.path, env=ENV_PROJET,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def _html(project, uri):
    return (project.path / "site" / uri / "index.html").read_text(encoding="utf-8")


def test_a_saved_page_is_converted_again_the_others_are_not(project):
    project.page("a.md", "A", "Page A.", "# A\n\nUn LLM et [la page B](b.md#suite).\n")
    project.page("b.md", "B", "Page B.", "# B\n\n## Suite\n\nTexte.\n")
    assert project.build().returncode == 0
    (first, second), log = _serve_twice(project, "Path('docs/b.md').write_text("
                                        f"'---\\ntitle: B\\ndescription: Page B.\\nrevue: {TODAY}\\n---\\n# B\\n\\n## Suite\\n\\nNouveau.\\n')")
    assert first["ok"] and second["ok"], log[-3000:]
    assert first["converted"] == ["a.md", "b.md", "index.md"]
    assert second["converted"] == ["b.md"]              # a.md and index.md came from the cache
    assert "Nouveau." in _html(project, "b")
    assert 'href="../b/#suite"' in _html(project, "a")   # and a.md is still whole, its link checked
    index = json.loads((project.path / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts = {d["location"]: d["text"] for d in index["docs"]}
    assert "Nouveau." in texts["b/#suite"] and "la page B" in texts["a/"]  # the search index is whole too


def test_a_change_that_every_page_reads_converts_them_all_again(project):
    project.page("a.md", "A", "Page A.", "# A\n\nUn LLM.\n")
    assert project.build().returncode == 0
    (first, second), log = _serve_twice(project, "p = Path('includes/abbreviations.md'); "
                                        "p.write_text(p.read_text().replace('*[LLM]: ', '*[LLM]: ZZZ '))")
    assert second["ok"] and second["converted"] == ["a.md", "index.md"], log[-3000:]
    assert 'title="ZZZ ' in _html(project, "a")


def test_a_page_that_warned_warns_again(project):
    """A conversion that logged a warning is never kept: strict mode fails the next build too."""
    project.page("a.md", "A", "Page A.", "# A\n\n[Lien cassé](absente.md).\n")
    assert project.build().returncode != 0                # (writes mkdocs.yml)
    (first, second), log = _serve_twice(project, "pass")
    assert not first["ok"] and not second["ok"]
    assert "a.md" in second["converted"] and "strict mode" in second["error"], log[-3000:]
