"""Seeded random faults for the sample sites (the soak test, issue #7).

`FaultPlan(rate, seed)` decides, per request key (site, method, path?query), whether the key is
faulty: a fraction `rate` of keys is, chosen by a hash of the seed and the key — the same plan
faults the same URLs in every run. A faulty key gets one kind of fault for its first `times`
requests and is served normally afterwards:

- `reset`: headers and part of the body, then a TCP reset;
- `retry_after`: 503 with `Retry-After: 1`;
- `slow`: the answer comes after `slow_seconds` (well under the crawler's timeout).

These are transient faults a crawler must retry through (`times` at most the crawl's
retry_times), so a scan under the plan must find exactly what a fault-free scan finds. With
`persistent_rate`, that fraction of keys fails every time instead (the bench soak reports the
findings these explain). Requests from a browser (Sec-Fetch-* headers: the Playwright path) are
never faulted: its retries are the browser's, not the crawler's.
"""

from __future__ import annotations

import hashlib
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

KINDS = ("reset", "retry_after", "slow")


@dataclass
class FaultPlan:
    rate: float = 0.05
    seed: int = 1
    times: int = 1  # consecutive faulty answers per faulty key (1..times, by hash)
    kinds: tuple[str, ...] = KINDS
    slow_seconds: float = 1.0
    persistent_rate: float = 0.0
    injected: Counter[str] = field(default_factory=Counter)
    faulted_keys: dict[str, str] = field(default_factory=dict)  # key -> kind (persistent: "persistent:<kind>")
    _seen: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _draw(self, key: str, salt: str) -> float:
        digest = hashlib.sha256(f"{self.seed}:{salt}:{key}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64

    def decide(self, site_id: str, method: str, path: str, headers: Any = None) -> str | None:
        """The fault for this request, or None to serve it normally."""
        if headers is not None and any(str(k).lower().startswith("sec-fetch-") for k in headers):
            return None
        key = f"{site_id} {method} {path}"
        kind = self.kinds[int(self._draw(key, "kind") * len(self.kinds)) % len(self.kinds)]
        persistent = self._draw(key, "persistent") < self.persistent_rate
        if not persistent and self._draw(key, "faulty") >= self.rate:
            return None
        limit = 1 + int(self._draw(key, "times") * max(1, self.times))
        with self._lock:
            n = self._seen[key]
            self._seen[key] += 1
            if not persistent and n >= limit:
                return None
            self.injected[kind] += 1
            self.faulted_keys[key] = f"persistent:{kind}" if persistent else kind
        return kind


def inject(handler: Any, kind: str, seconds: float = 1.0) -> bool:
    """Act out a fault on a BaseHTTPRequestHandler; True when the request is answered (or killed)
    and must not be served, False when it should now be served normally (after a delay)."""
    if kind == "slow":
        time.sleep(seconds)
        return False
    if kind == "retry_after":
        body = b"<html><head><title>503 Service Temporarily Unavailable</title></head><body>busy</body></html>"
        handler.send_response(503)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Retry-After", "1")
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body)
        return True
    # reset: promise a body, send some of it, then abort the connection (a HEAD: abort at once)
    try:
        if handler.command != "HEAD":
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            handler.send_header("Content-Length", "50000")
            handler.end_headers()
            handler.wfile.write(b"<html><body>" + b"x" * 500)
            handler.wfile.flush()
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
    except OSError:
        pass
    handler.close_connection = True
    return True
