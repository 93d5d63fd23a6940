"""Availability probes (站点无法访问, indicators.md §2.2): fetch a homepage once with a hard
deadline, store the outcome as a Probe row, and summarise a window of stored probes.

The fetch is a plain stdlib HTTP client (http.client) rather than Scrapy: a probe runs in a
scheduler thread many times a day, and a Twisted reactor cannot be restarted per probe. Using
http.client directly (not urllib) lets the deadline cover the whole visit — connect, every
redirect hop and the body — because the socket timeout is reset to the time left before each
step; the indicator counts a page that is not open by 15 s as a failure.

Every hop obeys the crawler's address policy (core.netpolicy): its URL is judged, its host resolved
here, each address judged, and the connection made to the address that was judged (never a second
lookup by name), so neither a redirect nor a rebinding DNS answer leads a probe or a recheck into
the inspector's own network. A refused hop ends the visit as `skipped` with the reason.

Outcome classes (Probe.error_class): None (ok) | http (status >= 400) | timeout (not open by the
deadline) | slow (open, but at or after `slow_s`) | dns | refused | tls | reset | redirect_loop |
too_many_redirects | empty (no body) | placeholder (a short 升级改版中-style page) | skipped
(outside the allowed networks; not stored as a probe) | other.
"""

from __future__ import annotations

import datetime as dt
import http.client
import socket
import ssl
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from core.charset import decode_html
from core.netpolicy import AddressPolicy
from core.probes import ProbeRules
from db.models import utcnow

REDIRECTS = {301, 302, 303, 307, 308}
DEFAULT_UA = "govinspect/0.1 (government website availability probe)"
_CHUNK = 64 * 1024
# no registry at hand: only public addresses
PUBLIC_ONLY = AddressPolicy()


class _Deadline(Exception):
    pass


@dataclass
class FetchResult:
    url: str
    at: dt.datetime  # start of the visit, naive UTC like every stored time
    ok: bool
    status: int | None
    elapsed_ms: int
    error_class: str | None = None
    error: str | None = None
    final_url: str = ""
    chain: list[dict[str, Any]] = field(default_factory=list)  # redirect hops [{url, status}]
    content_type: str = ""
    body: bytes = b""

    def text(self) -> str:
        """The body decoded as the crawl decodes pages (core.charset)."""
        return decode_html(self.body, self.content_type)


def _classify(exc: BaseException) -> str:
    # the one taxonomy of core.errors, as the spiders and the canaries use it
    if isinstance(exc, _Deadline):
        return "timeout"
    from core.errors import classify_exception

    return classify_exception(exc)[0]


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _Deadline("not open before the deadline")
    return left


class _Refused(Exception):
    pass


def _address_for(host: str, port: int, policy: AddressPolicy) -> str:
    """The address to connect to for (host, port): the first the resolver gives that the policy
    allows (_Refused with the policy's reason when none is)."""
    why = None
    for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        addr = str(info[4][0])
        why = policy.check_address(host, port, addr)
        if why is None:
            return addr
    raise _Refused(why or f"{host} resolved to no address")


def fetch(url: str, *, timeout_s: float, max_redirects: int = 10, max_bytes: int = 2 * 1024 * 1024,
          user_agent: str = DEFAULT_UA, method: str = "GET", policy: AddressPolicy = PUBLIC_ONLY) -> FetchResult:
    """One visit of `url`, redirects followed, everything within `timeout_s`, every hop under
    `policy`. Never raises for a network problem: the result says what happened."""
    at = utcnow()
    start = time.monotonic()
    deadline = start + timeout_s
    current = url
    chain: list[dict[str, Any]] = []
    status: int | None = None

    def done(ok: bool, error_class: str | None = None, error: str | None = None, **kw: Any) -> FetchResult:
        return FetchResult(url=url, at=at, ok=ok, status=status, elapsed_ms=int(1000 * (time.monotonic() - start)),
                           error_class=error_class, error=error, final_url=current, chain=chain, **kw)

    try:
        for _hop in range(max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return done(False, "other", f"not an http(s) URL: {current}")
            why = policy.check_url(current)
            if why:
                return done(False, "skipped", why)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            try:
                ip = _address_for(parts.hostname, port, policy)
            except _Refused as exc:
                return done(False, "skipped", str(exc))
            conn: http.client.HTTPConnection
            if parts.scheme == "https":
                conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=_left(deadline),
                                                   context=ssl.create_default_context())
            else:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=_left(deadline))
            # connect to the judged address; the Host header and TLS (SNI, certificate) keep the name
            conn._create_connection = (  # type: ignore[attr-defined]
                lambda _addr, timeout=None, source=None, ip=ip, port=port: socket.create_connection((ip, port), timeout, source))
            try:
                path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                conn.request(method, path, headers={"User-Agent": user_agent, "Accept": "text/html,*/*;q=0.8",
                                                    "Accept-Encoding": "identity", "Connection": "close"})
                # keep the socket: getresponse() hands it to the response and clears conn.sock
                sock = conn.sock
                assert sock is not None
                sock.settimeout(_left(deadline))
                resp = conn.getresponse()
                status = resp.status
                location = resp.getheader("Location")
                if status in REDIRECTS and location:
                    chain.append({"url": current, "status": status})
                    nxt = urljoin(current, location)
                    if nxt == current or any(hop["url"] == nxt for hop in chain):
                        return done(False, "redirect_loop", f"redirect loop back to {nxt}")
                    current = nxt
                    continue
                ctype = resp.getheader("Content-Type", "") or ""
                body = bytearray()
                while len(body) < max_bytes:
                    sock.settimeout(_left(deadline))
                    chunk = resp.read1(_CHUNK) if method != "HEAD" else b""
                    if not chunk:
                        break
                    body += chunk
            finally:
                conn.close()
            if chain:
                chain.append({"url": current, "status": status})
            if status >= 400:
                return done(False, "http", f"HTTP {status}", content_type=ctype, body=bytes(body))
            if status >= 300:
                return done(False, "http", f"HTTP {status} without a Location", content_type=ctype, body=bytes(body))
            return done(True, content_type=ctype, body=bytes(body))
        return done(False, "too_many_redirects", f"more than {max_redirects} redirects")
    except Exception as exc:  # noqa: BLE001 - every network failure is an outcome, not an error
        return done(False, _classify(exc), f"{type(exc).__name__}: {exc}"[:2000])


# --- probes ---------------------------------------------------------------------------------------


def judge(result: FetchResult, rules: ProbeRules) -> FetchResult:
    """Apply the indicator's rules to a fetch: a slow answer, an error status, an empty page or a
    short placeholder page (升级改版中) is a failed visit."""
    if not result.ok:
        if result.error_class == "http" and result.status is not None and result.status < rules.fail_status_min:
            result.ok, result.error_class, result.error = True, None, None
        else:
            return result
    if result.elapsed_ms >= rules.slow_s * 1000:
        result.ok, result.error_class = False, "slow"
        result.error = f"opened after {result.elapsed_ms / 1000:.1f} s (limit {rules.slow_s:g} s)"
        return result
    if not result.body.strip():
        result.ok, result.error_class, result.error = False, "empty", "empty page"
        return result
    if rules.placeholders:
        from parsel import Selector

        from spiders.extract.text import visible_text

        text = visible_text(Selector(text=result.text()))
        if len(text) <= rules.placeholder_max_chars:
            hit = next((p for p in rules.placeholders if p in text), None)
            if hit:
                result.ok, result.error_class, result.error = False, "placeholder", f"placeholder page: {hit}"
    return result


def probe(url: str, rules: ProbeRules, *, user_agent: str = DEFAULT_UA, policy: AddressPolicy = PUBLIC_ONLY) -> FetchResult:
    return judge(fetch(url, timeout_s=rules.timeout_s, user_agent=user_agent, policy=policy), rules)
