"""What keeps hostile crawled text, forged requests and password guessing out: output cleaning,
link policy, CSRF tokens bound to the session, login rate limiting, response headers."""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

from core.sanitize import shown

CSRF_FIELD = "csrf_token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

# everything a page may load is its own: no inline script or style, no frames, no plugins
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # a click on a crawled link must not tell the site the intranet address of the UI
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}

# crawled text as shown: control characters made visible escapes (HTML escaping is Jinja's job)
clean = shown


def linkable(url: object) -> bool:
    """Only http(s) URLs become clickable links; javascript:, data:, vbscript: … stay text."""
    if not isinstance(url, str) or not url or shown(url) != url or any(c.isspace() for c in url.strip()):
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


async def csrf_protect(request: Request) -> None:
    """Every state-changing request carries the session's token in its form (or X-CSRF-Token)."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(CSRF_FIELD)
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not secrets.compare_digest(expected, sent):
        raise HTTPException(status_code=403, detail="CSRF 校验失败：请刷新页面后重试")


class LoginLimiter:
    """Failed sign-ins per client address and per user name within a sliding window; beyond the
    limit, sign-in is refused (HTTP 429) until the oldest failure leaves the window."""

    def __init__(self, max_failures: int = 5, window_s: float = 300.0) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _keys(self, client: str, username: str) -> list[str]:
        return [f"ip:{client}", f"user:{username.strip().lower()}"]

    def retry_after(self, client: str, username: str, now: float | None = None) -> int:
        """Seconds until a sign-in may be tried again (0: now)."""
        now = time.monotonic() if now is None else now
        wait = 0.0
        with self._lock:
            for key in self._keys(client, username):
                q = self._failures.get(key)
                if not q:
                    continue
                while q and now - q[0] >= self.window_s:
                    q.popleft()
                if len(q) >= self.max_failures:
                    wait = max(wait, self.window_s - (now - q[0]))
        return int(wait) + 1 if wait > 0 else 0

    def failed(self, client: str, username: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            for key in self._keys(client, username):
                self._failures.setdefault(key, deque(maxlen=self.max_failures * 4)).append(now)

    def succeeded(self, client: str, username: str) -> None:
        with self._lock:
            self._failures.pop(self._keys(client, username)[1], None)
