"""What happens inside Chromium for one rendered page (scrapy-playwright callbacks).

`render_meta()` builds the request meta: the page is opened in the shared context, `init_page`
starts recording the page's XHR/fetch responses before navigation, and after the load event
`finish_page` waits (bounded) for the page's own requests to settle, keeps the JSON bodies (the
spider looks for the column's list API among them) and, when asked, takes a PNG. Everything lands
in the request's `RenderCapture`, which the response's meta carries back to the spider.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from scrapy_playwright.page import PageMethod

from core.registry import RenderConfig, ScreenshotConfig
from crawler.render import CONTEXT
from spiders.extract.jsonlist import ApiCall

log = logging.getLogger(__name__)

_API_TYPES = ("xhr", "fetch")
_JSON_HINTS = ("json", "javascript", "text/plain")


@dataclass
class RenderCapture:
    """Filled in by the page callbacks; read by the spider from response.meta["gi_render"]."""

    idle_timeout: float
    max_json_bytes: int
    shot: ScreenshotConfig | None = None  # take a PNG after the page settles
    json: list[tuple[ApiCall, str]] = field(default_factory=list)
    png: bytes | None = None
    width: int = 0
    height: int = 0
    load_seconds: float | None = None  # navigation start to the load event
    _responses: list[Any] = field(default_factory=list)
    _t0: float = 0.0

    def reset(self) -> None:
        self.json, self.png, self.load_seconds, self._responses = [], None, None, []
        self._t0 = time.monotonic()

    def on_response(self, response: Any) -> None:
        try:
            if response.request.resource_type in _API_TYPES:
                self._responses.append(response)
        except Exception:  # a response of a page being closed; nothing to keep
            pass

    def on_load(self, *_: Any) -> None:
        if self.load_seconds is None:
            self.load_seconds = time.monotonic() - self._t0


def render_meta(render: RenderConfig, shots: ScreenshotConfig, *, screenshot: bool = False,
                keep_page: bool = False) -> dict[str, Any]:
    """Request meta that makes scrapy-playwright render the page in Chromium. `keep_page`: the
    callback/errback gets the open page (meta playwright_page) and must close it; used for
    screenshots of pages that may fail to load (the error page is the evidence)."""
    cap = RenderCapture(idle_timeout=render.idle_timeout, max_json_bytes=render.max_json_bytes,
                        shot=shots if screenshot else None)
    meta: dict[str, Any] = {
        "playwright": True,
        "playwright_context": CONTEXT,
        "playwright_context_kwargs": {
            "viewport": {"width": shots.width, "height": shots.height},
            "ignore_https_errors": True,  # the static fetch already recorded any TLS problem
            "locale": "zh-CN",
            "timezone_id": "Asia/Shanghai",  # pages format their dates in China time
        },
        "playwright_page_init_callback": init_page,
        "playwright_page_goto_kwargs": {"wait_until": "load", "timeout": render.timeout * 1000},
        "playwright_page_methods": [PageMethod(finish_page, cap)],
        "gi_render": cap,
    }
    if keep_page:
        meta["playwright_include_page"] = True
        meta["dont_retry"] = True  # a retry would open a second page for the same shot
    return meta


async def init_page(page: Any, request: Any) -> None:
    cap: RenderCapture | None = request.meta.get("gi_render")
    if cap is None:
        return
    cap.reset()
    page.on("response", cap.on_response)
    page.on("load", cap.on_load)


async def finish_page(page: Any, cap: RenderCapture) -> None:
    """After the load event: let the page's own requests settle, keep their JSON, take the PNG."""
    if cap.idle_timeout > 0:
        # a page that keeps polling never idles; what it has shown by then counts
        with contextlib.suppress(Exception):
            await page.wait_for_load_state("networkidle", timeout=cap.idle_timeout * 1000)
    for response in cap._responses:
        kept = await _json_of(response, cap.max_json_bytes)
        if kept is not None:
            cap.json.append(kept)
    cap._responses = []
    if cap.shot is not None:
        cap.png, cap.width, cap.height = await take_png(page, cap.shot)


async def _json_of(response: Any, cap: int) -> tuple[ApiCall, str] | None:
    try:
        if not 200 <= response.status < 300:
            return None
        ctype = (response.headers.get("content-type") or "").lower()
        body = await response.body()
        if len(body) > cap:
            return None
        head = body.lstrip()[:1]
        if not any(h in ctype for h in _JSON_HINTS) and head not in (b"{", b"["):
            return None
        request = response.request
        call = ApiCall(url=request.url, method=request.method, body=request.post_data or "",
                       content_type=(request.headers.get("content-type") or ""))
        return call, body.decode("utf-8", "replace")
    except Exception as exc:  # the page went away under us; the DOM still counts
        log.debug("could not read %s: %s", getattr(response, "url", "?"), exc)
        return None


async def take_png(page: Any, spec: ScreenshotConfig) -> tuple[bytes | None, int, int]:
    """The visible part of the page as PNG, at most spec.max_bytes: a busy page is retaken with a
    shorter clip from the top (where a column's title and list start)."""
    width = spec.width
    for height in (spec.height, spec.height * 2 // 3, spec.height // 2, spec.height // 3):
        try:
            png = await page.screenshot(type="png", clip={"x": 0, "y": 0, "width": width, "height": height},
                                        timeout=10_000)
        except Exception as exc:
            log.info("screenshot of %s failed: %s", getattr(page, "url", "?"), exc)
            return None, 0, 0
        if len(png) <= spec.max_bytes:
            return png, width, height
    return None, 0, 0
