"""Weekly health check of the guide (`make verifier-liens`, .github/workflows/sante.yml).

    python scripts/sante.py liens [site] [--rapport FICHIER] [--delai S] [--essais N] [--pause S]
    python scripts/sante.py versions-recentes     # the notebooks group, each pin opened up to its next major

`liens` reads every page of the built site (site/ by default), collects its external links (http, https;
not the guide's own address), and checks each one once: HEAD, then GET when HEAD is refused, with retries
(on a timeout, a network error, 429 or 5xx) and at most one request per host every --pause seconds.
Hosts that refuse robots (includes/hotes-refusant-robots.txt) are not requested: they are listed apart, to
check by hand. It writes a Markdown report in French and exits with 1 when a link is broken.
"""
from __future__ import annotations

import argparse
import collections
import html
import http.client
import re
import sys
import threading
import time
import tomllib
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urldefrag, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
ROBOTS = "includes/hotes-refusant-robots.txt"
LINK = re.compile(r'<(?:a|link|img|script|source|iframe)\b[^>]*?\b(?:href|src)="(https?://[^"]+)"', re.I)
USER_AGENT = "guide-kallm-verification-des-liens/1.0 (+https://github.com/etalab/programme10pourcent-kallm)"
RETRY_STATUS = {429, 500, 502, 503, 504}


@dataclass
class Result:
    url: str
    pages: list[str]
    status: int | None = None      # the HTTP status of the last answer, None when none came
    reason: str = ""               # why it failed: « 404 Not Found », « délai dépassé (10 s) »…
    tries: int = 0

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)   # refusing host: its URLs

    @property
    def broken(self) -> list[Result]:
        return [r for r in self.results if not r.ok]


def site_url(root: Path = ROOT) -> str:
    return re.search(r"^site_url: *(\S+)", (root / "mkdocs.yml").read_text(encoding="utf-8"), re.M)[1]


def external_links(site: Path, own_url: str) -> dict[str, list[str]]:
    """{URL without its fragment: pages (paths in the site) that link to it}, in the order found."""
    links: dict[str, list[str]] = collections.defaultdict(list)
    for page in sorted(site.rglob("*.html")):
        where = page.relative_to(site).as_posix()
        for raw in LINK.findall(page.read_text(encoding="utf-8", errors="replace")):
            url = urldefrag(html.unescape(raw))[0]
            if url.startswith(own_url) or not urlsplit(url).hostname:
                continue
            if where not in links[url]:
                links[url].append(where)
    return dict(links)


def refusing_hosts(root: Path = ROOT) -> set[str]:
    path = root / ROBOTS
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return {line.split("#")[0].strip().lower() for line in lines if line.split("#")[0].strip()}


class HostPacer:
    """At most one request per host every `pause` seconds, whatever the number of threads."""

    def __init__(self, pause: float):
        self.pause, self.lock, self.next = pause, threading.Lock(), collections.defaultdict(float)
        self.host_locks = collections.defaultdict(threading.Lock)

    def wait(self, host: str):
        with self.lock:
            host_lock = self.host_locks[host]
        with host_lock:
            delay = self.next[host] - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self.next[host] = time.monotonic() + self.pause


def ascii_url(url: str) -> str:
    """The URL as HTTP sends it: accented letters of the path and query percent-encoded, the host in IDNA."""
    parts = urlsplit(url)
    host = (parts.hostname or "").encode("idna").decode("ascii")
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, quote(parts.path, safe="/%:@!$&'()*+,;=-._~"),
                       quote(parts.query, safe="=&%:@!$'()*+,;/?-._~"), ""))


def check_url(result: Result, pacer: HostPacer, timeout: float, tries: int) -> Result:
    host = urlsplit(result.url).hostname or ""
    for attempt in range(1, tries + 1):
        result.tries = attempt
        for method in ("HEAD", "GET"):
            pacer.wait(host)
            request = urllib.request.Request(ascii_url(result.url), method=method, headers={"User-Agent": USER_AGENT})
            try:
                with urllib.request.urlopen(request, timeout=timeout) as answer:
                    result.status, result.reason = answer.status, ""
                    return result
            except urllib.error.HTTPError as error:
                result.status, result.reason = error.code, f"{error.code} {error.reason}"
                if method == "HEAD" and error.code in {403, 405, 501}:
                    continue          # some servers refuse HEAD only: ask again with GET
                break
            except (TimeoutError, OSError, urllib.error.URLError) as error:
                cause = getattr(error, "reason", error)
                result.status = None
                result.reason = (f"délai dépassé ({timeout:g} s)" if isinstance(cause, TimeoutError)
                                 or "timed out" in str(cause) else f"erreur réseau : {cause}")
                break
            except (ValueError, UnicodeError, http.client.HTTPException) as error:   # an unusable URL or answer
                result.status, result.reason = None, f"erreur : {error}"
                return result
        if result.status is not None and result.status not in RETRY_STATUS:
            return result
        if attempt < tries:
            time.sleep(min(2 ** attempt, 30) * 0.5)
    return result


def check_site(site: Path, own_url: str, refusing: set[str], timeout: float = 15, tries: int = 3,
               pause: float = 3.0, workers: int = 8) -> Report:
    report = Report()
    pending = []
    for url, pages in external_links(site, own_url).items():
        host = (urlsplit(url).hostname or "").lower()
        if host in refusing or any(host.endswith("." + h) for h in refusing):
            report.skipped.setdefault(host, []).append(url)
        else:
            pending.append(Result(url, pages))
    pacer = HostPacer(pause)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        report.results = list(pool.map(lambda r: check_url(r, pacer, timeout, tries), pending))
    return report


def markdown(report: Report, date: str, max_rows: int = 150) -> str:
    """The report, for a person and for the weekly issue (whose body GitHub limits to 65 536 characters)."""
    broken = report.broken
    by_kind = collections.Counter("délai dépassé" if r.reason.startswith("délai") else
                                  "erreur réseau" if r.status is None else str(r.status) for r in broken)
    skipped = sum(len(urls) for urls in report.skipped.values())
    total = len(report.results) + skipped
    lines = [f"# Contrôle des liens externes du {date}", "",
             f"- Liens externes distincts : {total}",
             f"- Vérifiés : {len(report.results)}, dont {len(report.results) - len(broken)} valides "
             f"et {len(broken)} en échec" + (f" ({', '.join(f'{k} : {v}' for k, v in sorted(by_kind.items()))})"
                                             if broken else ""),
             f"- Non vérifiés (hôtes qui refusent les robots, à contrôler à la main) : {skipped}", ""]
    if broken:
        lines += ["## Liens en échec", "", "| Lien | Résultat | Essais | Pages |", "|---|---|---|---|"]
        for r in sorted(broken, key=lambda r: r.url)[:max_rows]:
            pages = ", ".join(r.pages[:3]) + (f" (+{len(r.pages) - 3})" if len(r.pages) > 3 else "")
            lines.append(f"| {r.url} | {r.reason} | {r.tries} | {pages} |")
        if len(broken) > max_rows:
            lines += ["", f"Et {len(broken) - max_rows} autres liens en échec, non listés ici."]
        lines.append("")
    if report.skipped:
        lines += ["## Hôtes qui refusent les robots (liste : " + ROBOTS + ")", ""]
        for host, urls in sorted(report.skipped.items()):
            lines.append(f"- {host} : {len(urls)} lien(s)")
        lines.append("")
    return "\n".join(lines)


def recent_requirements(pyproject: Path = ROOT / "pyproject.toml", group: str = "notebooks") -> list[str]:
    """Each `name==X.Y.Z` of the group becomes `name>=X.Y.Z,<X+1`: the newest release of the same major."""
    pins = tomllib.loads(pyproject.read_text(encoding="utf-8"))["dependency-groups"][group]
    out = []
    for pin in pins:
        found = re.fullmatch(r"\s*([A-Za-z0-9_.\[\]-]+)\s*==\s*(\d+)((?:\.\d+)*)\s*", pin.split(";")[0])
        if not found:
            raise ValueError(f"{pyproject.name} [{group}] : « {pin} » n'est pas épinglé en « nom==X.Y.Z »")
        name, major, rest = found.groups()
        out.append(f"{name}>={major}{rest},<{int(major) + 1}")
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", required=True)
    links = sub.add_parser("liens")
    links.add_argument("site", nargs="?", default=str(ROOT / "site"))
    links.add_argument("--rapport", default=str(ROOT / "build" / "sante" / "liens.md"))
    links.add_argument("--delai", type=float, default=15, help="secondes avant d'abandonner une requête")
    links.add_argument("--essais", type=int, default=3)
    links.add_argument("--pause", type=float, default=3.0, help="secondes entre deux requêtes au même hôte")
    sub.add_parser("versions-recentes")
    args = parser.parse_args(argv)
    if args.action == "versions-recentes":
        print("\n".join(recent_requirements()))
        return 0
    site = Path(args.site)
    if not (site / "index.html").exists():
        print(f"{site} ne contient pas de site construit : lancez d'abord `make build`.", file=sys.stderr)
        return 2
    report = check_site(site, site_url(), refusing_hosts(), args.delai, args.essais, args.pause)
    text = markdown(report, time.strftime("%Y-%m-%d"))
    Path(args.rapport).parent.mkdir(parents=True, exist_ok=True)
    Path(args.rapport).write_text(text, encoding="utf-8")
    print(text)
    print(f"Rapport : {args.rapport}")
    return 1 if report.broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
