"""Benchmark: `govinspect scan` on the generated benchmark corpus (../shared/bench), scored on what
issue 12 asks of column discovery and script pagers.

Generates the corpus with the bench's own generator (gen_sites.py, vendored in tests/fixtures/bench: government-style sites whose
政府信息公开 section has 指南, 制度, 年报 and 法定主动公开内容 but no 依申请公开, and columns paged only
through TRS `createPageHTML()`), serves it on loopback with a small threaded server standing in for
the bench's nginx (static roots, its 301 chains, the conac 404 rule and the /slow/<s>/ endpoint),
scans every site in one child process into SQLite, and reports per site:
  * the `disclosure_missing` findings: the truth is exactly one, for 依申请公开 ("application");
  * the pages reachable only through createPageHTML pagers (the generator's ground truth: pages a
    crawler that runs no JavaScript cannot reach) and how many of them the scan fetched.

    .venv/bin/python bench/corpus_scan.py [--sites 49] [--out DIR] [--json out.json]

Sites are served at 127.0.11.N, the corpus's external hosts at 127.0.12.1-2 (127.0.12.3: nothing
listens), all on one free port. tests/test_bench_corpus.py runs it on a few sites.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
# the generator, copied unchanged from the shared bench folder (tests/fixtures/bench/PROVENANCE.txt)
BENCH_DIR = Path(os.environ.get("GOVINSPECT_BENCH_DIR", ROOT / "tests" / "fixtures" / "bench"))
SITE_PREFIX = "127.0.11."
EXT1, EXT2, DEAD = "127.0.12.1", "127.0.12.2", "127.0.12.3"
AS_OF = dt.date(2024, 12, 31)  # the generator's "today"
EXPECTED_MISSING = "application"  # 依申请公开: the one 政府信息公开 section the corpus never has

_REDIRECT = re.compile(r"location = (\S+) \{ return 301 (\S+); \}")
_LISTEN = re.compile(r"listen (\S+);")
_ROOT = re.compile(r"root (\S+);")


def free_port(ip: str) -> int:
    with socket.socket() as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


def generate(out: Path, sites: int, port: int, seed: int | None = None) -> Path:
    """Run the bench's generator into out/data; returns that directory."""
    data = out / "data"
    cmd = [sys.executable, str(BENCH_DIR / "gen_sites.py"), "--out", str(data), "--force", "--sites", str(sites),
           "--ip-prefix", SITE_PREFIX, "--port", str(port), "--ext1", f"{EXT1}:{port}", "--ext2", f"{EXT2}:{port}",
           "--dead", f"{DEAD}:{port}"]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    return data


# --- serving ---------------------------------------------------------------------------------------


@dataclass
class _Host:
    root: Path
    redirects: dict[str, str] = field(default_factory=dict)
    ext1: bool = False  # the "external" host: its conac rule


def _hosts(data: Path) -> dict[str, _Host]:
    """host:port -> what nginx/servers.conf serves there (the generator's own server blocks)."""
    hosts: dict[str, _Host] = {}
    current: _Host | None = None
    for line in (data / "nginx" / "servers.conf").read_text(encoding="utf-8").splitlines():
        if m := _LISTEN.search(line):
            listen = m.group(1)
        elif (m := _ROOT.search(line)) and "proxy" not in line:
            current = hosts[listen] = _Host(Path(m.group(1)), ext1=listen.startswith(EXT1 + ":"))
        elif (m := _REDIRECT.search(line)) and current is not None:
            current.redirects[m.group(1)] = m.group(2)
    return hosts


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], host: _Host) -> None:
        super().__init__(address, _Handler)
        self.host = host

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a crawler hanging up on a slow page is expected


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "nginx"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._serve(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(head=True)

    def _send(self, status: int, body: bytes, ctype: str, head: bool, location: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _serve(self, head: bool) -> None:
        host = self.server.host
        parts = urlsplit(self.path)
        path = unquote(parts.path) or "/"
        if path in host.redirects:
            self._send(301, b"", "text/html", head, host.redirects[path])
            return
        if m := re.match(r"/slow/(\d+)/", path):
            time.sleep(int(m.group(1)))  # the bench's slow_server: answers after that many seconds
            self._send(200, b"<html><body>slow</body></html>", "text/html; charset=utf-8", head)
            return
        if host.ext1 and path == "/bszs.conac.cn/sitename":
            bad = parse_qs(parts.query).get("id", [""])[0].startswith("DEAD")
            self._send(404 if bad else 200, b"<html><body>conac</body></html>", "text/html", head)
            return
        file = (host.root / path.lstrip("/")).resolve()
        if path.endswith("/"):
            file = file / "index.html"
        try:
            file.relative_to(host.root.resolve())
        except ValueError:
            file = host.root / "\0"
        if not file.is_file():
            if file.is_dir() and not path.endswith("/"):
                self._send(301, b"", "text/html", head, path + "/")
            else:
                self._send(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html", head)
            return
        ctype = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".js": "application/javascript; charset=utf-8", ".png": "image/png", ".pdf": "application/pdf",
                 ".txt": "text/plain; charset=utf-8"}.get(file.suffix.lower(), "application/octet-stream")
        self._send(200, file.read_bytes(), ctype, head)


class CorpusServers:
    """One threaded server per host of the corpus (its sites and its two external hosts)."""

    def __init__(self, data: Path) -> None:
        self.servers: list[_Server] = []
        self.threads: list[threading.Thread] = []
        try:
            for listen, host in _hosts(data).items():
                ip, port = listen.rsplit(":", 1)
                self.servers.append(_Server((ip, int(port)), host))
        except BaseException:
            self.stop()
            raise
        for srv in self.servers:
            t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            t.start()
            self.threads.append(t)

    def stop(self) -> None:
        for srv in self.servers:
            if self.threads:
                srv.shutdown()
            srv.server_close()
        for t in self.threads:
            t.join(timeout=1)
        self.threads = []

    def __enter__(self) -> CorpusServers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- scanning and scoring --------------------------------------------------------------------------


def registry(data: Path, out: Path) -> Path:
    gt = json.loads((data / "ground_truth.json").read_text(encoding="utf-8"))
    units = [{"id": s["id"], "name": s["name"], "kind": "department",
              "sites": [{"id": s["id"], "name": s["name"], "url": s["base"]}]} for s in gt["sites"]]
    # the corpus's "external" hosts and its dead address are loopback too: allowed like the sites
    reg = {"crawl": {"only_networks": ["127.0.0.0/8"], "allow_networks": [f"{EXT1}/32", f"{EXT2}/32", f"{DEAD}/32"],
                     "autothrottle": False, "concurrency_per_site": 8,
                     "download_timeout": 10, "retry_times": 1, "screenshots": {"enabled": False}},
           "units": units}
    path = out / "sites.yaml"
    path.write_text(yaml.safe_dump(reg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def scan(reg: Path, db: Path, timeout: float = 3600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", "scan", "--config", str(reg), "--db", str(db), "--as-of", AS_OF.isoformat(),
         "--no-progress"], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})


def script_only_pages(data: Path) -> dict[str, set[str]]:
    """site id -> the pages (lists and details) the ground truth reaches only through createPageHTML."""
    out: dict[str, set[str]] = defaultdict(set)
    with open(data / "universe.tsv", encoding="utf-8") as f:
        next(f)
        for line in f:
            url, site, kind, status, html_reachable = line.rstrip("\n").split("\t")[:5]
            if kind in ("list", "detail") and status == "ok" and html_reachable == "0":
                out[site].add(url)
    return out


def _fetched(url: str, pages: set[str]) -> bool:
    """A directory's index.html and the directory are one page (the server answers both alike)."""
    if url in pages:
        return True
    return url.endswith("/index.html") and url[: -len("index.html")] in pages


def evaluate(data: Path, db: Path) -> dict[str, Any]:
    from sqlalchemy import select

    from db.models import Finding, Page
    from db.session import make_engine, session_factory

    gt = json.loads((data / "ground_truth.json").read_text(encoding="utf-8"))
    site_ids = [s["id"] for s in gt["sites"]]
    engine = make_engine(str(db))
    try:
        with session_factory(engine)() as session:
            missing: dict[str, list[str]] = defaultdict(list)
            for f in session.scalars(select(Finding).where(Finding.check_id == "disclosure_missing")):
                missing[f.subject_id].append(f.target)
            pages: dict[str, set[str]] = defaultdict(set)
            for site_id, url, status in session.execute(select(Page.site_id, Page.url, Page.status)):
                if status is not None and status < 400:
                    pages[site_id].add(url)
    finally:
        engine.dispose()
    scripted = script_only_pages(data)
    per_site = {}
    for sid in site_ids:
        declared = scripted.get(sid, set())
        got = {u for u in declared if _fetched(u, pages.get(sid, set()))}
        per_site[sid] = {"disclosure_missing": sorted(missing.get(sid, [])), "pages_fetched": len(pages.get(sid, ())),
                         "script_only_pages": len(declared), "script_only_fetched": len(got),
                         "script_only_missed": sorted(declared - got)}
    false_missing = Counter(t for s in per_site.values() for t in s["disclosure_missing"] if t != EXPECTED_MISSING)
    return {
        "sites": len(site_ids),
        "expected_disclosure_missing": len(site_ids),
        "found_application_missing": sum(EXPECTED_MISSING in s["disclosure_missing"] for s in per_site.values()),
        "false_disclosure_missing": sum(false_missing.values()),
        "false_disclosure_missing_by_section": dict(false_missing),
        "script_only_pages": sum(s["script_only_pages"] for s in per_site.values()),
        "script_only_fetched": sum(s["script_only_fetched"] for s in per_site.values()),
        "per_site": per_site,
    }


def run(sites: int, out: Path, seed: int | None = None) -> dict[str, Any]:
    port = free_port(SITE_PREFIX + "1")
    t0 = time.monotonic()
    data = generate(out, sites, port, seed)
    gen_s = time.monotonic() - t0
    reg = registry(data, out)
    db = out / "corpus.db"
    if db.exists():
        db.unlink()
    with CorpusServers(data):
        t1 = time.monotonic()
        proc = scan(reg, db)
        scan_s = time.monotonic() - t1
    if proc.returncode != 0:
        raise RuntimeError(f"scan failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
    result = evaluate(data, db)
    result.update(generate_s=round(gen_s, 1), scan_s=round(scan_s, 1),
                  pages_fetched=sum(s["pages_fetched"] for s in result["per_site"].values()))
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", type=int, default=49)
    ap.add_argument("--out", type=Path, help="work directory (default: a temporary one, removed after)")
    ap.add_argument("--json", type=Path, help="write the full result, per site, here")
    args = ap.parse_args()
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        result = run(args.sites, args.out)
    else:
        with tempfile.TemporaryDirectory(prefix="corpus-scan-") as tmp:
            result = run(args.sites, Path(tmp))
    print(f"{result['sites']} sites, {result['pages_fetched']} pages fetched, scan {result['scan_s']} s "
          f"(generation {result['generate_s']} s)")
    print(f"disclosure_missing 依申请公开: {result['found_application_missing']} of {result['sites']} sites; "
          f"false disclosure_missing: {result['false_disclosure_missing']} "
          f"{result['false_disclosure_missing_by_section'] or ''}")
    print(f"pages reachable only through createPageHTML: {result['script_only_fetched']} of "
          f"{result['script_only_pages']} fetched")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
