"""The OpenAI-compatible path of fil_rouge.ChatModel, against the real server notebook 09 starts (transformers serve)."""
import os
import sys
import time
import urllib.request

import nbformat
import pytest
from notebooks import NotebookError, ensure_executed

from conftest import ROOT

sys.path.insert(0, str(ROOT / "notebooks" / "fil-rouge"))
import fil_rouge  # noqa: E402


@pytest.fixture(scope="module")
def server():
    with fil_rouge.LocalServer(fil_rouge.saved_model_dir()) as running:
        yield running
    assert running.process.poll() is not None, "le serveur tourne encore après stop()"


def test_chatmodel_api_path_answers_like_the_openai_client(server, monkeypatch):
    from openai import OpenAI
    monkeypatch.setenv("KALLM_API_URL", server.url)
    monkeypatch.setenv("KALLM_API_MODELE", server.model)
    question = [{"role": "user", "content": "Qu'est-ce qu'un accord d'entreprise ?"}]
    model = fil_rouge.ChatModel()
    assert model.name == server.model and not hasattr(model, "model")   # nothing loaded locally
    answer = model.chat(question, max_new_tokens=8)
    reference = OpenAI(base_url=server.url, api_key="sans-cle").chat.completions.create(
        model=server.model, messages=question, max_tokens=8, temperature=0)
    assert answer and answer == reference.choices[0].message.content.strip()


def test_health_check_answers(server):
    with urllib.request.urlopen(f"{server.root}/health", timeout=5) as answer:
        assert answer.status == 200


def test_api_path_without_model_name_says_what_to_set(monkeypatch):
    monkeypatch.setenv("KALLM_API_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("KALLM_API_MODELE", raising=False)
    with pytest.raises(ValueError, match="KALLM_API_MODELE"):
        fil_rouge.ChatModel()


def test_a_failing_cell_leaves_no_server_behind(tmp_path):
    """A notebook that starts the server then fails: once the build has reported the error, the server is gone."""
    pid_file = tmp_path / "pid"
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'notebooks' / 'fil-rouge')!r})\nimport fil_rouge\n"
        f"serveur = fil_rouge.LocalServer(fil_rouge.saved_model_dir()).start()\n"
        f"open({str(pid_file)!r}, 'w').write(str(serveur.process.pid))\n"
        "raise RuntimeError('cellule en échec')")]
    source = tmp_path / "notebooks" / "serveur.ipynb"
    source.parent.mkdir()
    nbformat.write(nb, source)
    with pytest.raises(NotebookError, match="cellule en échec"):
        ensure_executed(source, tmp_path)
    pid = int(pid_file.read_text())
    for _ in range(30):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(1)
    os.kill(pid, 9)
    pytest.fail(f"le serveur (processus {pid}) tourne encore après l'échec du notebook")
