"""Misbehaving web servers for the reliability tests (issue #7), on loopback only (127.0.6.x).

`FaultServer(host)` binds at construction (port 0 = ephemeral, so `url()` is known at once) and
serves after `start()`. Each path is answered by a *behaviour*, a function of the request handler:
the helpers below build the common ones (a page, a status, a redirect, a connection reset in the
middle of the body, in the middle of the headers or right after the request, a 1 byte/s drip, a
server that accepts and never answers, a 50 MB body, ...). Paths without a route get `default` (a
plain 404 unless given); `reset_on_accept=True` resets every connection before reading a byte.

Every request is logged (method, path, time, in-flight count at arrival), and the server keeps the
peak number of requests it was serving at once, so politeness can be measured from the outside.
`tls=` wraps the listening socket in an ssl.SSLContext (see `make_cert`).

`TcpProxy` forwards a local port to another address and can be cut (every connection reset, new
ones refused): a database that goes away mid-run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import random
import select
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

Behaviour = Callable[["FaultHandler"], None]


@dataclass
class Hit:
    method: str
    path: str  # path?query as requested
    at: float  # time.monotonic()
    inflight: int  # requests being served when this one arrived (itself included)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], owner: FaultServer) -> None:
        self.owner = owner
        super().__init__(address, FaultHandler)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = super().get_request()
        if self.owner.reset_on_accept:
            # a firewall or a dying server: the connection is torn down before anything is read
            _rst(sock)
            raise OSError("reset on accept")
        if self.owner.tls is not None:
            # the handshake happens in the handler's thread (a client that never speaks TLS must
            # not block the accept loop); a failed handshake is that client's problem
            sock = self.owner.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hang up on purpose here (timeouts, size caps); stay quiet


def _rst(sock: socket.socket) -> None:
    """Close with a TCP RST (SO_LINGER 0), not a clean FIN."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class FaultHandler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "faultserver"
    sys_version = ""
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            try:
                self.request.do_handshake()
            except (OSError, ssl.SSLError):
                self.request.close()
                raise
        super().setup()

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._dispatch()

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch()

    @property
    def route_path(self) -> str:
        return urlsplit(self.path).path

    @property
    def query(self) -> str:
        return urlsplit(self.path).query

    @property
    def owner(self) -> FaultServer:
        return self.server.owner

    def _dispatch(self) -> None:
        owner = self.owner
        with owner.lock:
            owner.inflight += 1
            owner.max_inflight = max(owner.max_inflight, owner.inflight)
            owner.hits.append(Hit(self.command, self.path, time.monotonic(), owner.inflight))
        try:
            if owner.delay:
                time.sleep(owner.delay)
            path = self.route_path
            behaviour = (owner.routes.get(path) or owner.routes.get(unquote(path, errors="replace"))
                         or owner.match_prefix(path) or owner.default)
            behaviour(self)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, TimeoutError):
            pass
        finally:
            with owner.lock:
                owner.inflight -= 1

    # --- building blocks for behaviours ----------------------------------------------------------

    def send(self, status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None, *, length: bool = True) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0), not a clean FIN."""
        self.wfile.flush()
        _rst(self.connection)
        self.close_connection = True

    def stopped(self, timeout: float) -> bool:
        return self.owner.stopping.wait(timeout)


# --- behaviours ----------------------------------------------------------------------------------


def page(html: str | bytes, status: int = 200, content_type: str = "text/html; charset=utf-8",
         headers: dict[str, str] | None = None) -> Behaviour:
    body = html.encode("utf-8") if isinstance(html, str) else html

    def run(h: FaultHandler) -> None:
        h.send(status, body, content_type, headers)

    return run


def status(code: int, headers: dict[str, str] | None = None) -> Behaviour:
    return page(f"<html><head><title>{code}</title></head><body><h1>{code}</h1></body></html>", code,
                headers=headers)


def redirect(location: str, code: int = 302) -> Behaviour:
    return page(b"", code, headers={"Location": location})


def reset_mid_body(announced: int = 100_000, sent: int = 2_000) -> Behaviour:
    """Headers promise `announced` bytes; `sent` of them arrive, then a TCP reset."""

    def run(h: FaultHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(announced))
        h.end_headers()
        h.wfile.write(b"<html><body>" + b"x" * max(0, sent - 12))
        h.wfile.flush()
        time.sleep(0.05)
        h.reset()

    return run


def reset_after_request() -> Behaviour:
    """The request is read, then the connection is reset without a byte of answer."""

    def run(h: FaultHandler) -> None:
        h.reset()

    return run


def reset_mid_headers() -> Behaviour:
    """Half a status line and header block, then a TCP reset."""

    def run(h: FaultHandler) -> None:
        h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/ht")
        h.wfile.flush()
        time.sleep(0.05)
        h.reset()

    return run


def drip(interval: float = 1.0, limit_s: float = 60.0) -> Behaviour:
    """A valid response at one byte per `interval` seconds (until the client gives up)."""

    def run(h: FaultHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        h.wfile.flush()
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline and not h.stopped(interval):
            h.wfile.write(b"x")
            h.wfile.flush()

    return run


def hang(limit_s: float = 60.0) -> Behaviour:
    """Accept, read the request, and never answer."""

    def run(h: FaultHandler) -> None:
        h.stopped(limit_s)
        h.close_connection = True

    return run


def huge(size: int, *, declare_length: bool = False, chunk: int = 1024 * 1024) -> Behaviour:
    """A `size`-byte HTML body streamed without holding it in memory (no Content-Length unless
    `declare_length`: then the client learns the size up front)."""
    block = (b"<p>" + b"\xe6\x94\xbf" * ((chunk - 7) // 3) + b"</p>\n")

    def run(h: FaultHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        if declare_length:
            h.send_header("Content-Length", str(size))
        h.end_headers()
        if h.command == "HEAD":
            return
        sent = 0
        h.wfile.write(b"<html><head><title>huge</title></head><body>")
        while sent < size and not h.owner.stopping.is_set():
            part = block[: size - sent]
            h.wfile.write(part)
            sent += len(part)
        h.close_connection = True

    return run


def sequence(*behaviours: Behaviour) -> Behaviour:
    """The n-th request to this route gets the n-th behaviour (the last one repeats)."""
    count = [0]
    lock = threading.Lock()

    def run(h: FaultHandler) -> None:
        with lock:
            n = count[0]
            count[0] += 1
        behaviours[min(n, len(behaviours) - 1)](h)

    return run


def slow(behaviour: Behaviour, seconds: float) -> Behaviour:
    def run(h: FaultHandler) -> None:
        time.sleep(seconds)
        behaviour(h)

    return run


class FaultServer:
    """One misbehaving HTTP(S) server on `host`:port (see the module docstring)."""

    def __init__(self, host: str, port: int = 0, *, routes: dict[str, Behaviour] | None = None,
                 default: Behaviour | None = None, tls: ssl.SSLContext | None = None, delay: float = 0.0,
                 reset_on_accept: bool = False) -> None:
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"fault servers listen on loopback only, not {host}")
        self.tls = tls
        self.routes: dict[str, Behaviour] = dict(routes or {})
        self.prefixes: dict[str, Callable[[FaultHandler], None]] = {}
        self.default: Behaviour = default or status(404)
        self.delay = delay  # seconds every request waits before its behaviour (politeness tests)
        self.reset_on_accept = reset_on_accept  # every connection reset as soon as it is accepted
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.hits: list[Hit] = []
        self.inflight = 0
        self.max_inflight = 0
        self._server = _Server((host, port), self)
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base + path

    def route(self, path: str, behaviour: Behaviour) -> FaultServer:
        self.routes[path] = behaviour
        return self

    def prefix(self, path_prefix: str, behaviour: Behaviour) -> FaultServer:
        """Every path starting with `path_prefix` (longest prefix wins)."""
        self.prefixes[path_prefix] = behaviour
        return self

    def match_prefix(self, path: str) -> Behaviour | None:
        best = max((p for p in self.prefixes if path.startswith(p)), key=len, default=None)
        return self.prefixes[best] if best is not None else None

    def paths(self, method: str | None = None) -> list[str]:
        with self.lock:
            return [h.path for h in self.hits if method is None or h.method == method]

    def hits_for(self, path: str) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if urlsplit(h.path).path == path]

    def start(self) -> FaultServer:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"faultserver-{self.host}:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=2)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


# --- certificates ----------------------------------------------------------------------------------


@dataclass
class CertFiles:
    cert: Path
    key: Path


def _name(cn: str) -> Any:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_cert(out: Path, name: str, ip: str, *, issuer: tuple[Any, Any] | None = None, expired: bool = False,
              ca: bool = False, aia: str | None = None) -> tuple[CertFiles, tuple[Any, Any]]:
    """Write a certificate for `ip` (and a key) under `out`; self-signed unless `issuer`
    (cert, key) signs it; `expired` ended yesterday; `aia` names where the issuer's certificate
    can be fetched (AIA CA Issuers). Returns the files and (cert, key) objects."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    not_before, not_after = (now - dt.timedelta(days=30), now - dt.timedelta(days=1)) if expired else (
        now - dt.timedelta(days=1), now + dt.timedelta(days=30))
    subject = _name(name)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer[0].subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(random.getrandbits(64))
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip)), x509.DNSName(name)]),
            critical=False)
    if aia:
        from cryptography.x509.oid import AuthorityInformationAccessOID

        builder = builder.add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
            AuthorityInformationAccessOID.CA_ISSUERS, x509.UniformResourceIdentifier(aia))]), critical=False)
    cert = builder.sign(issuer[1] if issuer else key, hashes.SHA256())
    out.mkdir(parents=True, exist_ok=True)
    files = CertFiles(out / f"{name}.crt", out / f"{name}.key")
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()))
    return files, (cert, key)


def server_tls(files: CertFiles) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(files.cert), str(files.key))
    return ctx


# --- a TCP proxy that can be cut -------------------------------------------------------------------


class TcpProxy:
    """Forward (host, 0) -> target. `cut()` resets every open connection and stops accepting: to
    the client the server behind is gone."""

    def __init__(self, host: str, target: tuple[str, int]) -> None:
        self.target = target
        self._listener = socket.create_server((host, 0))
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._cut = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True, name="tcpproxy")
        self._thread.start()

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._listener.getsockname()[:2]
        return host, port

    def _accept(self) -> None:
        while not self._cut.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._cut.is_set():
                    client.close()
                    upstream.close()
                    return
                self._conns += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        socks = [a, b]
        try:
            while not self._cut.is_set():
                ready, _, _ = select.select(socks, [], [], 0.2)
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    (b if s is a else a).sendall(data)
        except OSError:
            return
        finally:
            for s in socks:
                with contextlib.suppress(OSError):
                    s.close()

    def cut(self) -> None:
        self._cut.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            for s in self._conns:
                try:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    s.close()
                except OSError:
                    pass
            self._conns.clear()


# --- scanning a registry of fault servers ----------------------------------------------------------


def site_entry(site_id: str, url: str, **extra: Any) -> dict[str, Any]:
    return {"id": site_id, "name": f"测试站{site_id}", "url": url, **extra}


def write_registry(path: Path, sites: list[dict[str, Any]], **crawl: Any) -> Path:
    """A registry YAML with one unit holding `sites`, and `crawl` settings (robots ignored,
    AutoThrottle, the browser and evidence screenshots off unless given: these tests are about
    the plain HTTP crawl, and a Chromium start costs seconds)."""
    import yaml

    crawl = {"robots": "ignore", "autothrottle": False, "render": {"enabled": False},
             "screenshots": {"enabled": False}, **crawl}
    data = {"crawl": crawl, "units": [{"id": "fault-unit", "name": "故障测试单位", "kind": "county", "sites": sites}]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def scan_cmd(registry: Path, db: str, *extra: str) -> list[str]:
    return ["scan", "--config", str(registry), "--db", db, "--as-of", "2026-11-20", "--no-progress", *extra]
