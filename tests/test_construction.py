"""The background build of the guide for a test session (tests/conftest.py: SiteBuild, built_site)."""
import signal

from conftest import SiteBuild, build_failure, shares_a_fixture


def test_a_session_builds_once_and_forgets_earlier_sessions(project):
    """The first test process starts the build, the others of the session wait for the same one."""
    old = project.path / ".cache" / "tests" / "construction-ancienne.log"
    old.parent.mkdir(parents=True)
    old.write_text("journal d'une session passée")
    project.build()   # writes mkdocs.yml; builds once in the foreground
    first, second = SiteBuild("essai", project.path), SiteBuild("essai", project.path)
    assert first.start() is True
    assert second.start() is False
    assert not old.exists()
    returncode, log = second.wait()   # a process that did not start it waits all the same
    assert returncode == 0, log
    assert (project.path / "site" / "index.html").is_file()
    assert first.wait() == (returncode, log)


def test_a_failed_build_fails_with_its_log(tmp_path):
    build = SiteBuild("essai", tmp_path)   # no mkdocs.yml: mkdocs stops at once
    build.start()
    returncode, log = build.wait()
    assert returncode != 0 and "mkdocs.yml" in log
    message = build_failure(build, returncode, log)
    assert "`mkdocs build` a échoué" in message and ".cache/tests/construction-essai.log" in message


def test_a_build_stopped_without_result_is_a_failure_not_a_hang(project):
    project.notebook("lent.ipynb", [("code", "import time\ntime.sleep(600)")])
    project.build(env={"KALLM_NOTEBOOKS": "apercu"})   # writes mkdocs.yml without executing the notebook
    build = SiteBuild("essai", project.path)
    build.start()
    SiteBuild("essai", project.path).stop()   # what the main pytest process does when a session is interrupted
    assert build.process.wait(timeout=30) == -signal.SIGTERM
    for waiting in (build, SiteBuild("essai", project.path)):   # the process that started it, and another one
        returncode, log = waiting.wait()
        assert returncode == -1 and "s'est arrêtée sans donner de résultat" in log


def test_a_file_whose_tests_share_a_fixture_goes_whole_to_one_process():
    """pytest-xdist hands the tests out one by one, except such files: the PDF edition is made once, not per process."""
    assert shares_a_fixture("tests/test_editions.py") and shares_a_fixture("tests/test_serveur.py")
    assert not shares_a_fixture("tests/test_build.py")
