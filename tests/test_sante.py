"""Weekly health check (scripts/sante.py): the link checker against a local server on 127.0.0.1 (a 404, a
timeout, a server that refuses HEAD, one that fails once), its report, and the opened-up notebook pins."""
import contextlib
import http.server
import threading
import time

import pytest

from sante import check_site, external_links, markdown, recent_requirements


class Handler(http.server.BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def log_message(self, *args):
        pass

    def _answer(self, body: bool):
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        if self.path == "/lent":
            time.sleep(1.5)
        if self.path == "/sans-head" and self.command == "HEAD":
            status = 405
        elif self.path == "/instable" and Handler.hits[self.path] == 1:
            status = 503
        else:
            status = 404 if self.path == "/absente" else 200
            if self.path.startswith("/accentu"):   # sent percent-encoded, as HTTP wants it
                status = 200 if self.path == "/accentu%C3%A9?q=%C3%A9" else 400
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self._answer(False)

    def do_GET(self):
        self._answer(True)


@contextlib.contextmanager
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def site(tmp_path):
    def make(base):
        (tmp_path / "site" / "a").mkdir(parents=True)
        links = "".join(f'<a href="{base}{p}">x</a>' for p in ("/ok#section", "/absente", "/lent", "/sans-head",
                                                                "/instable", "/accentué?q=é"))
        (tmp_path / "site" / "index.html").write_text(
            f'<link rel="canonical" href="https://guide.example/"><a href="https://guide.example/a/">soi</a>'
            f'<a href="../a/">interne</a><a href="https://www.refuse.example/p">robots</a>{links}', encoding="utf-8")
        (tmp_path / "site" / "a" / "index.html").write_text(f'<a href="{base}/ok">encore</a>', encoding="utf-8")
        return tmp_path / "site"
    return make


def test_links_are_collected_once_with_their_pages(site):
    links = external_links(site("http://127.0.0.1:1"), "https://guide.example/")
    assert len(links) == 7 and "https://www.refuse.example/p" in links and "http://127.0.0.1:1/ok" in links
    assert links["http://127.0.0.1:1/ok"] == ["a/index.html", "index.html"]
    assert not any(url.startswith("https://guide.example/") for url in links)


def test_a_404_and_a_timeout_are_reported_and_refusing_hosts_apart(site):
    Handler.hits = {}
    with server() as base:
        report = check_site(site(base), "https://guide.example/", {"refuse.example"}, timeout=0.5, tries=2,
                            pause=0.01)
    results = {r.url.removeprefix(base): r for r in report.results}
    assert results["/ok"].ok and results["/sans-head"].ok and results["/instable"].ok
    assert results["/accentué?q=é"].ok, results["/accentué?q=é"]
    assert results["/instable"].tries == 2                        # a 503 is tried again
    assert results["/absente"].status == 404 and results["/absente"].tries == 1   # a 404 is not
    assert results["/lent"].status is None and results["/lent"].reason == "délai dépassé (0.5 s)"
    assert results["/lent"].tries == 2
    assert report.skipped == {"www.refuse.example": ["https://www.refuse.example/p"]}
    assert "/p" not in Handler.hits                               # never requested
    text = markdown(report, "2026-12-01")
    assert "- Liens externes distincts : 7" in text
    assert "dont 4 valides et 2 en échec (404 : 1, délai dépassé : 1)" in text
    assert f"| {base}/absente | 404 Not Found | 1 | index.html |" in text
    assert f"| {base}/lent | délai dépassé (0.5 s) | 2 | index.html |" in text
    assert "- www.refuse.example : 1 lien(s)" in text
    short = markdown(report, "2026-12-01", max_rows=1)
    assert f"| {base}/absente |" in short and f"| {base}/lent |" not in short
    assert "Et 1 autres liens en échec, non listés ici." in short


def test_per_host_pause(site):
    with server() as base:
        started = time.monotonic()
        report = check_site(site(base), "https://guide.example/", {"refuse.example"}, timeout=2, tries=1,
                            pause=0.2)
    # 6 URLs, 7 requests at least (HEAD refused once), one host: at least 6 pauses of 0.2 s
    assert time.monotonic() - started >= 1.2 and len(report.results) == 6


def test_recent_requirements_open_each_pin_to_its_major(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[dependency-groups]\nnotebooks = ["torch==2.13.0", "peft==0.21.2"]\n')
    assert recent_requirements(pyproject) == ["torch>=2.13.0,<3", "peft>=0.21.2,<1"]
    pyproject.write_text('[dependency-groups]\nnotebooks = ["torch>=2"]\n')
    with pytest.raises(ValueError, match="n'est pas épinglé"):
        recent_requirements(pyproject)
