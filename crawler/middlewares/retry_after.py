"""Retries that honour Retry-After, so a throttling server is waited for instead of being scored as
broken, and a server that asks for an unreasonable wait is recorded with that reason."""

from __future__ import annotations

import asyncio
import email.utils
import time

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response

from crawler import settings as defaults


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class RetryAfterMiddleware(RetryMiddleware):
    """RetryMiddleware, plus: on 429/503 with Retry-After, wait that long (up to
    GOVINSPECT_MAX_RETRY_AFTER seconds) before the retry."""

    def __init__(self, settings):  # type: ignore[no-untyped-def]
        super().__init__(settings)
        self.max_retry_after = settings.getfloat("GOVINSPECT_MAX_RETRY_AFTER", defaults.GOVINSPECT_MAX_RETRY_AFTER)

    async def process_response(self, request: Request, response: Response, spider=None):  # type: ignore[no-untyped-def,override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After")) if response.status in (429, 503) else None
        if wait is not None:
            if wait > self.max_retry_after:
                request.meta["retry_after_refused"] = wait
                return response
            retry = self._retry(request, f"{response.status} Retry-After {wait:g}s")
            if retry is None:
                return response
            if wait > 0:
                await asyncio.sleep(wait)
            return retry
        return self._retry(request, f"HTTP {response.status}") or response
