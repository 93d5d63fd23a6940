"""Chromium rendering through scrapy-playwright, started only when a page needs it.

`RenderDownloadHandler` replaces Scrapy's HTTP handler. A request without `meta["playwright"]`
goes straight to Scrapy's own HTTP/1.1 handler (one dict lookup of overhead); the Playwright driver
and Chromium start on the first request that asks for a browser. scrapy-playwright itself starts
the driver when the engine starts, which would cost every static crawl a Node process, so that
hook is disabled here. A crawl of static sites therefore never starts a browser, and the stats
say so: `govinspect/render/browser_launches` stays absent.

In the browser, images, fonts and media are never downloaded (`block_resources`), and what a page
asks for obeys the crawler's address policy (the browser does not pass through the downloader
middlewares): outside `crawl.only_networks`, or refused by TargetPolicyMiddleware's private-address
check for the site the page belongs to, the request is aborted. Pages are capped by PLAYWRIGHT_MAX_PAGES_PER_CONTEXT in
one shared context; scrapy-playwright closes each page after reading it unless the request keeps
it (`playwright_include_page`, used for screenshots, which close it themselves).

Which Chromium: `render.executable_path` when configured; else Playwright's bundled build when
`playwright install chromium` put it in place; else the system's (`apt-get install chromium`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from scrapy_playwright.provider import PlaywrightBrowserProvider

from core.registry import CrawlConfig

HANDLER = "crawler.render.RenderDownloadHandler"
CONTEXT = "govinspect"
# no sandbox: crawl workers run as root in containers; no GPU on servers; no phoning home
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SYSTEM_CHROMIUMS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
# schemes a page may use internally that never reach the network
_LOCAL_SCHEMES = ("data", "blob", "about")


def system_chromium() -> str | None:
    """The system's Chromium, if any."""
    for path in SYSTEM_CHROMIUMS:
        if Path(path).is_file():
            return path
    return shutil.which("chromium") or shutil.which("chromium-browser")


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


def network_allowed(url: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    """The crawler's address policy (crawl.only_networks) for a URL the browser wants: with
    networks set, only IP literals inside them (and localhost)."""
    parts = urlsplit(url)
    if parts.scheme in _LOCAL_SCHEMES:
        return True
    if parts.scheme not in ("http", "https"):
        return False
    if not networks:
        return True
    host = (parts.hostname or "").strip("[]").lower()
    if host == "localhost":
        host = "127.0.0.1"
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(addr in net for net in networks)


class RenderDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright, started lazily (see the module docstring)."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self._start_lock = asyncio.Lock()
        self._started = False
        self._block = set(settings.getlist("GOVINSPECT_RENDER_BLOCK"))
        self._networks = [ipaddress.ip_network(n, strict=False) for n in settings.getlist("GOVINSPECT_ONLY_NETWORKS")]
        self.abort_request = self._abort

    # scrapy-playwright starts Playwright when the engine starts (both Scrapy API generations):
    # here it waits for the first request that needs a browser
    async def _maybe_launch_in_thread(self) -> None:
        return None

    def _engine_started(self) -> None:  # type: ignore[override]
        return None

    async def _ensure_started(self) -> None:
        async with self._start_lock:
            if not self._started:
                await self._maybe_future_from_coro(self._launch())
                self._started = True
                self.stats.inc_value("govinspect/render/driver_starts")

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
        if request.resource_type in self._block:
            return True
        if not network_allowed(request.url, self._networks) or await self._refused_by_policy(request):
            self.stats.inc_value("govinspect/render/refused_by_policy")
            return True
        return False

    async def _refused_by_policy(self, request: Any) -> bool:
        """The crawler's private-address policy (TargetPolicyMiddleware.check_address) for what a
        page's scripts and tags ask for, judged for the site the page belongs to: a page must not
        make the browser reach into the inspector's own network either."""
        policy = self._target_policy()
        parts = urlsplit(request.url)
        if policy is None or parts.scheme in _LOCAL_SCHEMES or not parts.hostname:
            return False
        try:
            page_url = request.frame.page.url
        except Exception:
            page_url = ""
        if not page_url.startswith(("http://", "https://")):
            page_url = request.url
        from scrapy.http import Request

        try:
            return bool(await policy.check_address(Request(page_url), parts.hostname.lower()))
        except Exception:  # unresolvable: the browser would fail on it anyway
            return True

    def _target_policy(self) -> Any:
        if not hasattr(self, "_policy"):
            self._policy = None
            try:
                mws = self._crawler.engine.downloader.middleware.middlewares
            except AttributeError:
                mws = ()
            for mw in mws:
                if hasattr(mw, "check_address"):
                    self._policy = mw
        return self._policy


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
        "PLAYWRIGHT_BROWSER_PROVIDER": "crawler.render.ChromiumProvider",
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": r.max_pages,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": r.timeout * 1000,
    }
