"""Link-check semantics shared by the site and account spiders: HEAD with a GET fallback, redirects
followed hop by hop (RedirectMiddleware is off for these requests) so that every hop is recorded and
a loop is told apart from a long chain, and the LinkResultItem a check ends in.

A check's requests carry in their meta `gi_site` (the site or account id), `gi_origin` (the URL the
check is about, whatever it redirects to) and `gi_chain` (the hops so far); the spider builds them,
these functions read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from scrapy.http import Response

from core.errors import classify_failure
from core.items import LinkResultItem
from core.urls import canonical
from spiders.extract.challenge import challenge_reason

HEAD_FALLBACK_STATUSES = {403, 405, 501}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


@dataclass(frozen=True)
class Hop:
    """The check goes on with another request: the next redirect hop, or GET after a refused HEAD."""

    url: str
    method: str
    chain: list[dict[str, Any]]  # the hops so far; empty when the check starts over with GET
    redirect: bool


def is_redirect(response: Response) -> bool:
    return response.status in REDIRECT_STATUSES and b"Location" in response.headers


def check_step(response: Response, max_redirects: int) -> Hop | LinkResultItem:
    """The next request of a check, or its verdict. A verdict on a redirect (is_redirect) is about
    the chain — a loop or too many hops — and there is no page behind it to read."""
    meta = response.meta
    chain = list(meta["gi_chain"]) + [{"url": response.url, "status": response.status}]
    origin = meta["gi_origin"]
    method = response.request.method if response.request else "GET"
    if is_redirect(response):
        location = canonical(urljoin(response.url, response.headers[b"Location"].decode("latin-1")))
        if location in {hop["url"] for hop in chain}:
            return link_result(response, method, chain, ok=False, error_class="redirect_loop",
                               error=f"redirect loop back to {location}")
        if len(chain) > max_redirects:
            return link_result(response, method, chain, ok=False, error_class="too_many_redirects",
                               error=f"more than {max_redirects} redirects")
        return Hop(location, "GET" if response.status == 303 else method, chain, redirect=True)
    if method == "HEAD" and (
        response.status in HEAD_FALLBACK_STATUSES
        or (response.status == 200 and response.headers.get(b"Content-Length") == b"0")
    ):
        # many servers mishandle HEAD; only a GET's answer counts as a verdict
        return Hop(origin, "GET", [], redirect=False)
    ok = 200 <= response.status < 300
    error = None if ok else f"HTTP {response.status}"
    challenge = None if ok else challenge_reason(response.status, response.body)
    if challenge is not None:  # the page behind it was not seen: not assessed, not broken
        return link_result(response, method, chain, ok=False, error_class="challenge", error=challenge)
    if not ok and meta.get("retry_after_refused"):
        # the server asked for a longer wait than we give it (crawl.max_retry_after): say so
        error += f" (Retry-After {meta['retry_after_refused']:g} s exceeds crawl.max_retry_after)"
    return link_result(response, method, chain, ok=ok, error_class=None if ok else "http", error=error)


def link_result(response: Response, method: str, chain: list[dict[str, Any]], *, ok: bool,
                error_class: str | None, error: str | None) -> LinkResultItem:
    meta = response.meta
    return LinkResultItem(
        site_id=meta["gi_site"], url=meta["gi_origin"], method=method, status=response.status, ok=ok,
        error_class=error_class, error=error, redirect_chain=chain if len(chain) > 1 else [],
        final_url=response.url,
        content_type=response.headers.get(b"Content-Type", b"").decode("latin-1")[:200],
        elapsed_ms=int(1000 * float(meta.get("download_latency", 0) or 0)),
        attempts=1 + int(meta.get("retry_times", 0) or 0),
    )


def failure_result(failure: Any) -> LinkResultItem:
    """The verdict of a check whose request failed (DNS, connection, timeout, robots, ...)."""
    request = failure.request
    meta = request.meta
    error_class, message = classify_failure(failure)
    chain = meta["gi_chain"]
    return LinkResultItem(
        site_id=meta["gi_site"], url=meta["gi_origin"], method=request.method, status=None, ok=False,
        error_class=error_class, error=message[:2000],
        redirect_chain=list(chain) + [{"url": request.url, "status": None}] if chain else [],
        final_url=request.url, attempts=1 + int(meta.get("retry_times", 0) or 0),
    )
