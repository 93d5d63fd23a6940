"""Canary URLs: is the crawler's own network up?

A scan run from a machine whose network is down would otherwise report every site unreachable and
every link broken — vetoes for every unit. `crawl.canary_urls` names reference sites known to be up
(a national portal, say). This extension fetches them when the spider opens and again when it is
about to close (so an outage in the middle of a long crawl is caught too):

- any HTTP answer from a canary proves the network works (even a 500);
- when every canary fails (DNS, refused, timeout, TLS, reset — after the usual retries), the
  network is down: at the start the crawl is stopped at once (finish reason `network_down`); at
  the end it is recorded. Either way the stat `govinspect/network_down` holds the one-line reason,
  and the runner marks the scan failed, so no verdict is issued from it.

Settings: GOVINSPECT_CANARY_URLS (list; empty disables the extension).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Request

from core.errors import classify_exception

log = logging.getLogger(__name__)

CLOSE_REASON = "network_down"
STAT = "govinspect/network_down"


def canary_verdict(results: list[dict[str, Any]]) -> str | None:
    """One phase's results [{url, ok, error}] -> the reason the network is down, or None."""
    if not results or any(r["ok"] for r in results):
        return None
    first = results[0]
    return (f"all {len(results)} canary URL(s) failed, the crawler's own network is down "
            f"(e.g. {first['url']}: {first['error']})")


class CanaryExtension:
    def __init__(self, crawler: Any, urls: list[str]) -> None:
        self.crawler = crawler
        self.urls = urls
        self.results: dict[str, list[dict[str, Any]]] = {}
        self._end_started = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> CanaryExtension:
        urls = crawler.settings.getlist("GOVINSPECT_CANARY_URLS")
        if not urls:
            raise NotConfigured("no canary URLs (crawl.canary_urls)")
        ext = cls(crawler, urls)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        return ext

    def _request(self, url: str) -> Request:
        return Request(url, dont_filter=True, priority=1000, meta={
            "gi_canary": True,  # the operator's reference URLs (their hosts count as registered: core.netpolicy)
            "dont_obey_robotstxt": True,
            "dont_redirect": True,
            "handle_httpstatus_all": True,
        })

    async def _fetch(self, url: str) -> dict[str, Any]:
        engine = self.crawler.engine
        try:
            response = await engine.download_async(self._request(url))
        except Exception as exc:  # any failure to get an answer is the point here
            cls, message = classify_exception(exc)
            return {"url": url, "ok": False, "error": f"{cls}: {message}"[:300]}
        return {"url": url, "ok": True, "status": response.status}

    async def check(self, phase: str) -> str | None:
        """Fetch every canary; record the phase's results; return the network-down reason."""
        import asyncio

        results = list(await asyncio.gather(*(self._fetch(u) for u in self.urls)))
        self.results[phase] = results
        stats = self.crawler.stats
        stats.set_value(f"govinspect/canary/{phase}", results)
        verdict = canary_verdict(results)
        if verdict:
            log.error("%s (%s of the crawl)", verdict, phase)
            if not stats.get_value(STAT):
                stats.set_value(STAT, verdict)
        return verdict

    async def _start(self) -> None:
        if await self.check("start"):
            await self.crawler.engine.close_spider_async(reason=CLOSE_REASON)

    def spider_opened(self, spider: Any = None) -> Any:
        from scrapy.utils.defer import deferred_from_coro

        # not awaited here: the crawl starts meanwhile; a dead network stops it when known
        d = deferred_from_coro(self._start())
        d.addErrback(lambda f: log.error("canary check failed: %s", f.getErrorMessage()))

    def spider_idle(self, spider: Any = None) -> None:
        if self._end_started or self.crawler.stats.get_value(STAT):
            return
        self._end_started = True
        from scrapy.utils.defer import deferred_from_coro

        d = deferred_from_coro(self.check("end"))
        d.addErrback(lambda f: log.error("canary check failed: %s", f.getErrorMessage()))
        raise DontCloseSpider
