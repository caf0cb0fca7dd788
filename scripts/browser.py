"""Headless Chromium (Debian's package) driven by Playwright, on a site served from 127.0.0.1.

Used by tests/test_browser.py, scripts/benchmark.py and scripts/screenshots.py. Every request to a
host other than 127.0.0.1 is blocked and recorded.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
INSTALL_HINT = ("Chromium est introuvable : installez le paquet Debian (`sudo apt-get install chromium`), "
                "ou indiquez son chemin dans la variable CHROMIUM.")


def chromium_path() -> str:
    import os
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError(INSTALL_HINT)
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """Serve `folder` on a free port of 127.0.0.1; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            yield instance
        finally:
            instance.close()


class Visit:
    """A page opened in a fresh context: console errors, blocked external requests, bytes loaded."""

    def __init__(self, chromium, url: str, width: int = 1280, height: int = 900, dark: bool = False):
        self.console_errors: list[str] = []
        self.external_requests: list[str] = []
        self.bytes_by_type: dict[str, int] = {}
        self.loaded: list[str] = []  # URL of every response, in order
        self.context = chromium.new_context(viewport={"width": width, "height": height},
                                            color_scheme="dark" if dark else "light")
        self.page = self.context.new_page()
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.on("response", self._count)
        self.page.goto(url, wait_until="networkidle")

    def _route(self, route):
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:", "file:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.external_requests.append(route.request.url)
            route.abort()

    def _count(self, response):
        self.loaded.append(response.url)
        if response.status >= 400:  # the console only says "404", not which file
            self.console_errors.append(f"{response.status} {response.url}")
        kind = response.request.resource_type
        try:
            size = len(response.body())
        except Exception:  # redirects and aborted requests have no body
            return
        self.bytes_by_type[kind] = self.bytes_by_type.get(kind, 0) + size

    def close(self):
        self.context.close()
