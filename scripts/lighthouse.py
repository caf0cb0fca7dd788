"""Lighthouse benchmark (not a test): performance and accessibility of three kinds of page, mobile preset.

    python scripts/lighthouse.py [runs]      # `make lighthouse`; 3 runs per page by default

The built site is served from 127.0.0.1 with gzip, as GitHub Pages serves it. Lighthouse (npm, pinned)
drives Debian's Chromium with its default mobile emulation (slow 4G, 4× CPU slowdown). The medians go
to bench-results/lighthouse.json and a table is printed.
"""
from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from browser import CHROMIUM_FLAGS, chromium_path  # noqa: E402

PAGES = {"accueil": "", "chapitre long": "fondamentaux/entrainement/", "notebook": "fil-rouge/04-classer-par-prompt/"}
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")
AUDITS = {"LCP (ms)": "largest-contentful-paint", "TBT (ms)": "total-blocking-time",
          "CLS": "cumulative-layout-shift", "octets transférés": "total-byte-weight"}


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed when the client accepts it (text types only)."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (path.suffix in COMPRESSIBLE and path.is_file()
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            body = gzip.compress(path.read_bytes(), compresslevel=6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return _Bytes(body)
        return super().send_head()

    def log_message(self, *args):
        pass


class _Bytes:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *args):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


@contextlib.contextmanager
def serve_gzip(folder: Path):
    handler = functools.partial(_GzipHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def lighthouse(url: str) -> dict[str, float]:
    binary = ROOT / "node_modules" / ".bin" / "lighthouse"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "rapport.json"
        subprocess.run([str(binary), url, "--quiet", "--output=json", f"--output-path={report}",
                        "--only-categories=performance,accessibility",
                        "--chrome-flags=" + " ".join(["--headless=new", *CHROMIUM_FLAGS])],
                       check=True, env={**os.environ, "CHROME_PATH": chromium_path()})
        data = json.loads(report.read_text(encoding="utf-8"))
    result = {"performance": data["categories"]["performance"]["score"] * 100,
              "accessibilité": data["categories"]["accessibility"]["score"] * 100}
    for name, audit in AUDITS.items():
        result[name] = data["audits"][audit]["numericValue"]
    return result


def main(argv: list[str]) -> int:
    runs = int(argv[0]) if argv else 3
    results = {}
    with serve_gzip(ROOT / "site") as url:
        for name, path in PAGES.items():
            measures = [lighthouse(url + path) for _ in range(runs)]
            results[name] = {key: round(statistics.median(m[key] for m in measures), 3) for key in measures[0]}
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "lighthouse.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    keys = list(next(iter(results.values())))
    print(f"{'page':15}" + "".join(f"{k:>20}" for k in keys))
    for name, values in results.items():
        print(f"{name:15}" + "".join(f"{values[k]:>20}" for k in keys))
    print(f"(médianes de {runs} mesures, préréglage mobile de Lighthouse)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
