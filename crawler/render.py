"""Chromium rendering through scrapy-playwright, loaded and started only when a page needs it.

`RenderDownloadHandler` replaces Scrapy's HTTP handler. A request without `meta["playwright"]`
goes to the HTTP/1.1 handler it is (one dict lookup of overhead); the first request that asks for
a browser builds crawler.browser_handler, which imports Playwright and starts the driver and
Chromium. A crawl of static sites therefore neither starts a browser nor loads Playwright, and the
stats say so: `govinspect/render/browser_launches` stays absent.
"""

from __future__ import annotations

from typing import Any

from core.registry import CrawlConfig
from crawler.chromium import BROWSER_ARGS
from crawler.http10 import HttpDownloadHandler

HANDLER = "crawler.render.RenderDownloadHandler"
PROVIDER = "crawler.browser_handler.ChromiumProvider"
CONTEXT = "govinspect"


class RenderDownloadHandler(HttpDownloadHandler):
    """Scrapy's HTTP handler, handing the requests that ask for a browser to
    crawler.browser_handler, built on the first of them."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._crawler = crawler
        self._browser: Any = None

    async def download_request(self, request: Any, spider: Any = None) -> Any:
        if not request.meta.get("playwright"):
            return await super().download_request(request)
        if self._browser is None:
            from crawler.browser_handler import BrowserDownloadHandler

            self._browser = BrowserDownloadHandler(self._crawler)
        return await self._browser.download_request(request)

    async def close(self) -> None:
        await super().close()
        if self._browser is not None:
            await self._browser.close()


def render_settings(crawl: CrawlConfig) -> dict[str, Any]:
    """Scrapy settings for rendering under this crawl config (empty when rendering is off: the
    plain HTTP handler stays and no page can ask for a browser)."""
    r = crawl.render
    if not r.enabled:
        return {"GOVINSPECT_RENDER_ENABLED": False}
    launch: dict[str, Any] = {"headless": True, "args": list(BROWSER_ARGS), "timeout": r.timeout * 1000}
    if r.executable_path:
        launch["executable_path"] = r.executable_path
    return {
        "GOVINSPECT_RENDER_ENABLED": True,
        "GOVINSPECT_RENDER_BLOCK": list(r.block_resources),
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_BROWSER_PROVIDER": PROVIDER,
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": r.max_pages,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": r.timeout * 1000,
    }
