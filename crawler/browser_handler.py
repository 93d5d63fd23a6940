"""The browser half of crawler.render: scrapy-playwright behind the crawler's address policy.

Imported only when a crawl's first page asks for a browser (crawler.render builds it then), so a
static crawl never loads Playwright (about 11 MB of a crawl process's memory).

Playwright and Chromium start on the first request too: scrapy-playwright starts the driver when
the engine starts, and that hook is disabled here. Every connection the browser makes goes through
crawler.policy_proxy, which applies the crawler's address policy (core.netpolicy) to each request,
redirect hop, iframe, fetch/XHR and WebSocket, at the address it connects to. A page whose own
navigation the proxy refused (a redirect into the inspector's network) ends as `TargetSkipped`,
recorded as `skipped` with the reason like any refused request. Images, fonts and media are never
downloaded (`GOVINSPECT_RENDER_BLOCK`). Pages are capped by PLAYWRIGHT_MAX_PAGES_PER_CONTEXT in one
shared context; scrapy-playwright closes each page after reading it unless the request keeps it
(`playwright_include_page`, used for screenshots, which close it themselves).
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from playwright.async_api import Error as PlaywrightError
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from scrapy_playwright.provider import PlaywrightBrowserProvider

from crawler.chromium import system_chromium
from crawler.middlewares.target_policy import TargetSkipped
from crawler.policy_proxy import REFUSED_HEADER, PolicyProxy
from crawler.safety import policy_from_settings


class ChromiumProvider(PlaywrightBrowserProvider):
    """Launches Playwright's bundled Chromium when it is installed, else the system's."""

    async def launch_browser(self) -> Any:
        if self.browser_type is None or self.config.cdp_url or self.config.connect_url:
            return await super().launch_browser()
        options = dict(self.config.launch_options)
        if not options.get("executable_path") and not Path(self.browser_type.executable_path).is_file():
            fallback = system_chromium()
            if fallback is None:
                raise RuntimeError("no Chromium found: run `playwright install chromium` or "
                                   "`apt-get install chromium` (or set crawl.render.executable_path)")
            options["executable_path"] = fallback
        return await self.browser_type.launch(**options)


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright, started on its first request (see the module docstring)."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self._start_lock = asyncio.Lock()
        self._started = False
        self._block = set(settings.getlist("GOVINSPECT_RENDER_BLOCK"))
        self.abort_request = self._abort
        self.proxy = PolicyProxy(policy_from_settings(settings),
                                 connect_timeout=settings.getfloat("DOWNLOAD_TIMEOUT") or 15.0,
                                 on_refused=lambda why: self.stats.inc_value("govinspect/render/refused_by_policy"))

    # scrapy-playwright starts Playwright when the engine starts (both Scrapy API generations):
    # here it waits for the first request that needs a browser
    async def _maybe_launch_in_thread(self) -> None:
        return None

    def _engine_started(self) -> None:  # type: ignore[override]
        return None

    async def _ensure_started(self) -> None:
        async with self._start_lock:
            if not self._started:
                await self._maybe_future_from_coro(self._start_with_proxy())
                self._started = True
                self.stats.inc_value("govinspect/render/driver_starts")

    async def _start_with_proxy(self) -> None:
        server = await self.proxy.start()
        # the proxy's own address is the only name Chromium may resolve (an IP literal: none)
        args = [*self.config.launch_options.get("args", []), "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
        self.config.launch_options = {**self.config.launch_options, "args": args, "proxy": {"server": server}}
        await self._launch()

    async def _close(self) -> None:
        await super()._close()
        await self.proxy.close()

    async def _get_response_and_download(self, request: Any, page: Any, spider: Any) -> Any:
        """scrapy-playwright's navigation, with a navigation the policy proxy refused (the page or
        a redirect hop of it) raised as TargetSkipped with the proxy's reason."""
        hops: list[str] = []

        def on_request(req: Any) -> None:
            with contextlib.suppress(Exception):  # a page closing under us
                if req.is_navigation_request() and req.frame == page.main_frame:
                    hops.append(req.url)

        page.on("request", on_request)
        try:
            response, download = await super()._get_response_and_download(request, page, spider)
        except PlaywrightError:
            why = next((w for w in map(self.proxy.refusal, hops) if w), None)
            if why:
                raise TargetSkipped(why) from None
            raise
        finally:
            page.remove_listener("request", on_request)
        # the proxy's 403 for a plain-HTTP hop; a site's own header of that name counts for nothing
        if response is not None and await response.header_value(REFUSED_HEADER):
            why = self.proxy.refusal(response.url)
            if why:
                raise TargetSkipped(why)
        return response, download

    async def _download_request(self, request: Any, spider: Any = None) -> Any:
        await self._ensure_started()
        self.stats.inc_value("govinspect/render/requests")
        return await super()._download_request(request, spider)

    async def _maybe_launch_browser(self) -> None:
        had = hasattr(self, "browser")
        await super()._maybe_launch_browser()
        if not had and hasattr(self, "browser"):
            self.stats.inc_value("govinspect/render/browser_launches")

    async def _abort(self, request: Any) -> bool:
        return request.resource_type in self._block
