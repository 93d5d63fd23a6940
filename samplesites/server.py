"""Serve generated sample sites on loopback: one ThreadingHTTPServer per site, each on its own address.

root/<site_id>/ is served as static files (index.html for directory URLs, a Content-Type per
extension, a plain 404 for anything missing) plus the special behaviours the generator declares in
root/<site_id>/_routes.json, keyed by path or path?query:
  {"status": 500}                      answer with that status (a plain error page below 400 is not used)
  {"redirect": "/new/", "status": 301}  redirect
  {"head_status": 405}                 HEAD gets this status, GET is served normally
  {"content_type": "text/html; charset=gbk"}  override the Content-Type
  {"file": "/_soft404.html", "status": 200}   serve another stored file (query pages, soft 404s)
  {"jpage": …} / {"json_list": …}       a Hanweb data proxy / JSON list API (samplesites.apis), GET or POST
Names starting with "_" are never served directly.
"""

from __future__ import annotations

import json
import posixpath
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

from samplesites import apis, faults
from samplesites.faults import FaultPlan

CONTENT_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".shtml": "text/html", ".jsp": "text/html", ".aspx": "text/html",
    ".php": "text/html", ".css": "text/css", ".js": "application/javascript", ".json": "application/json",
    ".xml": "text/xml", ".txt": "text/plain", ".pdf": "application/pdf", ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint", ".wps": "application/kswps", ".zip": "application/zip",
    ".rar": "application/x-rar-compressed", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
    ".gif": "image/gif", ".ico": "image/x-icon", ".svg": "image/svg+xml",
}
REASONS = {404: "Not Found", 500: "Internal Server Error", 405: "Not Allowed", 403: "Forbidden"}


def _error_body(status: int) -> bytes:
    reason = REASONS.get(status, "Error")
    return (f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}"
            f"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n").encode("ascii")


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default listen backlog (5) overflows when a scan, Chromium and a test hit one
    # site at once: the kernel then resets connections, and a POST (the jpage proxy) can fail all
    # its retries. Measured: 32 concurrent clients, 6400 POSTs, ~20 resets at 5, none at 128.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], owner: SampleServers, site_id: str) -> None:
        super().__init__(address, _Handler)
        self.owner = owner
        self.site_id = site_id
        self.root: Path | None = None
        self.routes: dict[str, dict[str, Any]] = {}

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up mid-response is not our problem; stay quiet


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer
    server_version = "nginx"
    sys_version = ""
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def handle_one_request(self) -> None:
        # connections open at once per site, so politeness can be measured from the outside
        owner, site_id = self.server.owner, self.server.site_id
        owner._enter(site_id)
        try:
            super().handle_one_request()
        finally:
            owner._leave(site_id)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._serve(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(head=True)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        self._serve(head=False, body=self.rfile.read(length) if length > 0 else b"", post=True)

    def _send(self, status: int, body: bytes, content_type: str, *, head: bool,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _error(self, status: int, head: bool) -> None:
        self._send(status, _error_body(status), "text/html", head=head)

    def _serve(self, head: bool, body: bytes = b"", post: bool = False) -> None:
        srv = self.server
        srv.owner._count(srv.site_id)
        plan = srv.owner.faults
        fault = plan.decide(srv.site_id, self.command, self.path, self.headers.keys()) if plan is not None else None
        if fault and faults.inject(self, fault, plan.slow_seconds):  # type: ignore[union-attr]
            return
        root = srv.root
        if root is None:
            self._error(503, head)
            return
        parts = urlsplit(self.path)
        path = unquote(parts.path) or "/"
        route = (srv.routes.get(f"{path}?{parts.query}") if parts.query else None) or srv.routes.get(path) or {}
        if apis.is_api_route(route):
            self._api(root, route, parts.query, body, head)
            return
        if post:
            self._error(405, head)  # static files, like nginx
            return
        if head and "head_status" in route:
            self._error(int(route["head_status"]), head)
            return
        if "redirect" in route:
            self._send(int(route.get("status", 302)), b"", "text/html", head=head,
                       headers={"Location": route["redirect"]})
            return
        status = int(route.get("status", 200))
        if status >= 400 and "file" not in route:
            self._error(status, head)
            return
        target = route.get("file", path)
        file = self._resolve(root, target, allow_hidden="file" in route)
        if file is None:
            if not target.endswith("/") and (root / target.lstrip("/")).is_dir():
                self._send(301, b"", "text/html", head=head, headers={"Location": target + "/"})
                return
            self._error(404, head)
            return
        ctype = route.get("content_type") or CONTENT_TYPES.get(file.suffix.lower(), "application/octet-stream")
        self._send(status, file.read_bytes(), ctype, head=head)

    def _api(self, root: Path, route: dict[str, Any], query: str, body: bytes, head: bool) -> None:
        params = apis.request_params(query, body, self.headers.get("Content-Type") or "")

        def load(rel: str) -> Any:
            file = self._resolve(root, rel, allow_hidden=True)
            return json.loads(file.read_text(encoding="utf-8")) if file is not None else None

        if "jpage" in route:
            data = apis.jpage_response(load, route["jpage"], params)
            self._send(200, data, "text/xml;charset=UTF-8", head=head)
            return
        rel = route["json_list"] + (params.get(route["by"], "") + ".json" if route.get("by") else "")
        data = apis.json_list_response(load(rel), params)
        self._send(200, data, "application/json;charset=UTF-8", head=head)

    @staticmethod
    def _resolve(root: Path, url_path: str, *, allow_hidden: bool) -> Path | None:
        clean = posixpath.normpath(url_path)
        if clean.startswith(".."):
            return None
        rel = clean.lstrip("/")
        if not allow_hidden and any(part.startswith("_") for part in rel.split("/") if part):
            return None
        file = root / rel if rel not in ("", ".") else root
        if url_path.endswith("/") or file.is_dir():
            if not url_path.endswith("/"):
                return None
            file = file / "index.html"
        try:
            file.resolve().relative_to(root.resolve())
        except ValueError:
            return None
        return file if file.is_file() else None


class SampleServers:
    """Bind every site at construction (so ephemeral ports are known), serve after start(root)."""

    def __init__(self, bindings: dict[str, tuple[str, int]], faults: FaultPlan | None = None) -> None:
        from samplesites.generate import DEAD_SITE_ID

        self.faults = faults  # seeded transient faults (samplesites.faults): the soak test
        self._lock = threading.Lock()
        self._servers: dict[str, _SiteServer] = {}
        self._threads: list[threading.Thread] = []
        self.requests: dict[str, int] = {}
        # connections being served per site now, and the most at any moment
        self.inflight: dict[str, int] = {}
        self.max_inflight: dict[str, int] = {}
        try:
            for site_id, (ip, port) in bindings.items():
                if site_id == DEAD_SITE_ID:
                    continue  # nothing may ever listen at the dead site's address
                self._servers[site_id] = _SiteServer((ip, port), self, site_id)
                self.requests[site_id] = 0
        except BaseException:
            self.stop()
            raise

    @property
    def base_urls(self) -> dict[str, str]:
        out = {}
        for site_id, srv in self._servers.items():
            host, port = srv.server_address[:2]
            out[site_id] = f"http://{host}:{port}/"
        return out

    def _enter(self, site_id: str) -> None:
        with self._lock:
            self.inflight[site_id] = now = self.inflight.get(site_id, 0) + 1
            self.max_inflight[site_id] = max(self.max_inflight.get(site_id, 0), now)

    def _leave(self, site_id: str) -> None:
        with self._lock:
            self.inflight[site_id] -= 1

    def _count(self, site_id: str) -> None:
        with self._lock:
            self.requests[site_id] = self.requests.get(site_id, 0) + 1

    def start(self, root: Path) -> SampleServers:
        root = Path(root)
        for site_id, srv in self._servers.items():
            srv.root = root / site_id
            routes_file = srv.root / "_routes.json"
            srv.routes = json.loads(routes_file.read_text(encoding="utf-8")) if routes_file.exists() else {}
            thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05},
                                      name=f"samplesite-{site_id}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        started = bool(self._threads)
        for srv in self._servers.values():
            if started:
                srv.shutdown()
            srv.server_close()
        for thread in self._threads:
            thread.join(timeout=1)
        self._threads = []

    def __enter__(self) -> SampleServers:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
