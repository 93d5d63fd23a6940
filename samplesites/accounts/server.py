"""A tiny HTTP server for the sample accounts: one ThreadingHTTPServer on a loopback address, the
routes of `generate_accounts` keyed by path. Bind first (port 0 picks a free port), then generate
with `base_url`, then serve."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from samplesites.accounts.generator import Handler, Reply, SampleRequest

DEFAULT_HOST = "127.0.2.200"  # the sample sites use 127.0.2.1-4 and .250


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    routes: dict[str, Handler]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client hanging up mid-response is not the sample's problem


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "Tengine"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - BaseHTTPRequestHandler's name
        pass

    def _answer(self, send_body: bool) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        req = SampleRequest(
            method=self.command, path=parts.path, query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers={k.lower(): v for k, v in self.headers.items()}, body=body,
        )
        handler = self.server.routes.get(parts.path)
        if handler is None:
            reply = Reply(404, b"<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1>"
                               b"</body></html>", "text/html")
        else:
            try:
                reply = handler(req)
            except Exception as exc:  # a sample bug should show up as a 500, not a hung client
                reply = Reply(500, f"sample handler error: {exc!r}".encode(), "text/plain")
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(reply.body)

    def do_GET(self) -> None:
        self._answer(True)

    def do_POST(self) -> None:
        self._answer(True)

    def do_HEAD(self) -> None:
        self._answer(False)


class AccountServer:
    def __init__(self, host: str = DEFAULT_HOST, port: int = 0):
        self.httpd = _Server((host, port), _Handler)
        self.httpd.routes = {}
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def serve(self, routes: dict[str, Handler]) -> AccountServer:
        self.httpd.routes = routes
        if self._thread is None:
            self._thread = threading.Thread(target=self.httpd.serve_forever, name="sample-accounts", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(5)
            self._thread = None
        self.httpd.server_close()

    def __enter__(self) -> AccountServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
