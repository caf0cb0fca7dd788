"""Figures have a real text alternative: notebook figures carry theirs onto the page (RGAA 1.3)."""
from conftest import ROOT  # noqa: F401  (puts scripts/ and hooks/ on the path)
from site_checks import check_image_alternatives

FIGURE = ("%matplotlib inline\nimport io\nimport matplotlib.pyplot as plt\n"
          "fig, ax = plt.subplots()\nax.plot([1, 2, 3])\n")


def test_every_image_of_the_site_is_described(built_site):
    site, _ = built_site
    assert check_image_alternatives(site) == []


def test_checker_reports_missing_empty_and_default_alternatives(tmp_path):
    (tmp_path / "page.html").write_text(
        '<img src="a.png"><img src="b.png" alt=""><img src="c.png" alt="No description has been provided '
        'for this image"><img src="d.png" alt="Courbe de la perte, qui descend de 3,9 à 0,6">'
        '<img src="e.png" alt="" aria-hidden="true">', encoding="utf-8")
    problems = check_image_alternatives(tmp_path)
    assert [p.split(" : ")[1].split(" a pour")[0] for p in problems] == ["l'image n° 1", "l'image n° 2", "l'image n° 3"]
    assert all("page.html" in p and "fil_rouge.montrer" in p for p in problems)


def test_notebook_figure_without_description_fails_the_build(project):
    project.notebook("fil-rouge/muette.ipynb", [("md", "# Figure"), ("code", "x = 1"),
                                                 ("code", FIGURE + "plt.show()")])
    result = project.build()
    assert result.returncode != 0
    assert "notebooks/fil-rouge/muette.ipynb" in result.stdout
    assert "cellule de code n° 2" in result.stdout and "fil_rouge.montrer" in result.stdout


def test_notebook_figure_description_reaches_the_page(project):
    show = ("from IPython.display import Image, display\nbuffer = io.BytesIO()\n"
            "fig.savefig(buffer, format='png')\nplt.close(fig)\n"
            "display(Image(buffer.getvalue(), alt='Une droite qui monte de 1 à 3'))\n")
    project.notebook("fil-rouge/decrite.ipynb", [("md", "# Figure"), ("code", FIGURE + show)])
    result = project.build()
    assert result.returncode == 0, result.stdout[-3000:]
    page = (project.path / "site" / "fil-rouge" / "decrite" / "index.html").read_text(encoding="utf-8")
    assert 'alt="Une droite qui monte de 1 à 3"' in page
    assert "No description has been provided" not in page
    assert check_image_alternatives(project.path / "site") == []
