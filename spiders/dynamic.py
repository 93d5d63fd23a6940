"""SiteSpider's lists that plain HTML does not show, and evidence screenshots (a mixin of
spiders.site.SiteSpider, kept apart so the static crawl reads on its own).

- Hanweb JCMS: the first records sit in an XML datastore inside the column page; the rest come
  from the jpage data proxy, asked for here the way the page's jpage script does (POST
  /module/web/jpage/dataproxy.jsp?startrecord=…&endrecord=…&perpage=… with the column's form).
- Script-filled columns: with `render: auto` a column page whose list is empty while its scripts
  fill it (spiders.extract.scripted) is fetched again through Chromium; with `render: js` every
  page of the site is. A rendered column whose page loaded its list as JSON is read from that JSON,
  and its other pages are asked from the same API directly, without the browser; otherwise the
  rendered DOM is read like any page (and its further list pages are rendered too).
- Screenshots: a column whose first page shows no item, or only items older than its category's
  limit (column_stale's `limits`), and a homepage that fails, are photographed in Chromium during
  the crawl (checks never touch the network); the check that reports the finding names the
  stored picture in its evidence. A picture the browser failed to take is asked for once more.
A rendered page that fails in the browser is fetched again without it, so rendering never costs
a column its static reading.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Generator, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from parsel import Selector
from scrapy.http import Request, Response

from core.errors import classify_failure
from core.items import ColumnItemRecord, LinkItem, ScreenshotItem
from core.urls import canonical
from spiders.browser import render_meta, take_png
from spiders.extract.entries import ListEntry, ListResult, PageContext
from spiders.extract.hanweb import ProxyPlan, parse_dataproxy, proxy_plan
from spiders.extract.jsonlist import (
    ApiCall,
    JsonList,
    PageParam,
    find_page_param,
    later_pages,
    page_call,
    parse_json_list,
)
from spiders.extract.scripted import script_filled_reason
from spiders.extract.urls import is_attachment, is_detail_target
from spiders.state import ColumnState, SiteState

log = logging.getLogger(__name__)

RENDER_FAILED = "render_failed"  # Column.extractor of a script-filled list the browser could not show
PAGE_KINDS = frozenset({"home", "column", "list", "detail", "other"})
API_KINDS = frozenset({"dataproxy", "jsonlist"})
_EMPTY = Selector(text="<html><body></body></html>")
JSON_HEADERS = {"Accept": "application/json, text/javascript, */*; q=0.01", "X-Requested-With": "XMLHttpRequest"}
PROXY_HEADERS = {"Accept": "application/xml, text/xml, */*; q=0.01", "X-Requested-With": "XMLHttpRequest",
                 "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}


@dataclass
class ListDecision:
    """What the dynamic layer makes of a column page's list."""

    result: ListResult
    extractor: str
    rerender: Request | None = None  # fetch the page again in the browser instead of reading it
    api: tuple[ApiCall, PageParam | None, JsonList] | None = None  # entries came from the page's JSON


class DynamicLists:
    """Mixed into SiteSpider, which provides states, crawl_cfg, as_of, rules, max_list_pages,
    crawler and _request()."""

    states: dict[str, SiteState]
    crawl_cfg: Any
    as_of: dt.date
    rules: Any
    max_list_pages: int

    # --- switches -----------------------------------------------------------------------------

    @cached_property
    def render_enabled(self) -> bool:
        """Rendering is configured and the crawl runs the render download handler."""
        settings = getattr(self, "settings", None)
        return bool(self.crawl_cfg.render.enabled and settings is not None
                    and settings.getbool("GOVINSPECT_RENDER_ENABLED"))

    @property
    def screenshots_enabled(self) -> bool:
        return self.render_enabled and self.crawl_cfg.screenshots.enabled

    @property
    def _stale_limits(self) -> tuple[dict[str, dt.date], dt.date]:
        """column_stale's cutoff per category and the latest plausible date, as the run passed them
        (scan.runner.stale_limits); a spider started without them photographs no stale column."""
        return getattr(self, "stale_limits", None) or ({}, self.as_of)

    def _stat(self, key: str, n: int = 1) -> None:
        stats = getattr(getattr(self, "crawler", None), "stats", None)
        if stats is not None:
            stats.inc_value(key, n)

    # --- requests -------------------------------------------------------------------------------

    def wants_browser(self, state: SiteState, kind: str, column: str | None) -> bool:
        """Whether a page request goes through Chromium from the start: every page of a
        `render: js` site, and the further list pages of a column whose first page needed it."""
        if not self.render_enabled or kind not in PAGE_KINDS or state.site.render == "static":
            return False
        if state.site.render == "js":
            return True
        col = state.columns.get(column) if column else None
        return kind == "list" and col is not None and col.rendered and col.api is None

    def browser_meta(self, kind: str = "", *, screenshot: bool | None = None, keep_page: bool = False) -> dict[str, Any]:
        if screenshot is None:
            screenshot = kind == "column" and self.screenshots_enabled
        return render_meta(self.crawl_cfg.render, self.crawl_cfg.screenshots, screenshot=screenshot,
                           keep_page=keep_page)

    @staticmethod
    def rendered(response: Response) -> bool:
        return "playwright" in (getattr(response, "flags", None) or ())

    def note_render(self, state: SiteState, response: Response) -> None:
        """Count a rendered response; its latency is the page's load, not the settling and the
        screenshot after it (site_unreachable's 15 s rule reads it)."""
        if not self.rendered(response):
            return
        state.rendered_pages += 1
        self._stat("govinspect/render/pages")
        cap = response.meta.get("gi_render")
        if cap is not None and cap.load_seconds is not None:
            response.meta["download_latency"] = cap.load_seconds

    def render_note(self, state: SiteState, response: Response) -> str | None:
        """Why this page was rendered (for the page's meta), None when it was not."""
        if not self.rendered(response):
            return None
        return response.meta.get("gi_rerender") or f"site:{state.site.render}"

    def render_fallback(self, state: SiteState, request: Request) -> Request | None:
        """A page the browser could not render is fetched again without it (once)."""
        meta = request.meta
        if not meta.get("playwright") or meta.get("gi_render_failed") or meta["gi_kind"] not in PAGE_KINDS:
            return None
        self._stat("govinspect/render/fallbacks")
        log.warning("rendering %s failed; reading it without the browser", request.url)
        col = state.columns.get(meta.get("gi_column") or "")
        if col is not None and meta["gi_kind"] == "column":
            col.rendered = False
            col.render_failed = True
        return self._request(state, meta["gi_origin"], meta["gi_kind"], depth=meta["gi_depth"],  # type: ignore[attr-defined]
                             column=meta.get("gi_column"), gi_render_failed=True)

    # --- column pages ---------------------------------------------------------------------------

    def decide_list(self, state: SiteState, response: Response, kind: str, depth: int, col: ColumnState,
                    ctx: PageContext, result: ListResult, extractor: str) -> ListDecision:
        rendered = self.rendered(response)
        if kind != "column":
            return ListDecision(result, extractor)
        if rendered:
            col.rendered = True
            found = self._pick_api(response, ctx, result)
            if found is not None:
                call, param, listing = found
                col.api = (call, param)
                return ListDecision(ListResult(entries=listing.entries, placeholder=result.placeholder,
                                               container="json"), f"json:{listing.shape}", api=found)
            return ListDecision(result, extractor)
        if (state.site.render == "auto" and self.render_enabled and not result.entries
                and extractor != "hanweb_datastore" and not response.meta.get("gi_render_failed")):
            reason = script_filled_reason(ctx.sel)
            if reason is not None:
                col.render_reason = reason
                col.rendered = True
                self._stat(f"govinspect/render/auto/{reason}")
                req = self._request(state, col.url, "column", depth=depth, column=col.url,  # type: ignore[attr-defined]
                                    gi_rerender=f"auto:{reason}", **self.browser_meta("column"))
                return ListDecision(result, extractor, rerender=req)
        return ListDecision(result, extractor)

    def _pick_api(self, response: Response, ctx: PageContext, dom: ListResult
                  ) -> tuple[ApiCall, PageParam | None, JsonList] | None:
        """The JSON response that carries the column's list: the one sharing most entries with
        the rendered DOM's list, then the one with most entries."""
        cap = response.meta.get("gi_render")
        if cap is None or not cap.json:
            return None
        dom_urls = {e.url for e in dom.entries}
        best: tuple[tuple[int, int], ApiCall, JsonList] | None = None
        for call, text in cap.json:
            listing = parse_json_list(text, ctx)
            if listing is None:
                continue
            key = (len(dom_urls & {e.url for e in listing.entries}), len(listing.entries))
            if best is None or key > best[0]:
                best = (key, call, listing)
        if best is None:
            return None
        return best[1], find_page_param(best[1]), best[2]

    def column_followups(self, state: SiteState, response: Response, kind: str, depth: int, col: ColumnState,
                         decision: ListDecision) -> Iterator[Any]:
        """After a column's first page was read: its list links that are not <a> elements of the
        page, the Hanweb proxy or JSON API pages, the kind of an empty scripted list, evidence."""
        if kind != "column":
            return
        entries = decision.result.entries
        if decision.extractor == "hanweb_datastore":
            col.kind = "list"  # a datastore is a list, even with no record in it
            for e in entries:
                yield from self._entry_link(state, col, e)
            plan = proxy_plan(decision.result.meta, response.url)
            if plan is not None:
                col.proxy = plan
                col.pager = "jpage"
                have = int(decision.result.meta.get("records", len(entries)))
                yield from self._proxy_requests(state, col, depth, plan.calls_after(have, self._pages_left(col)))
        elif decision.api is not None:
            call, param, listing = decision.api
            for e in entries:
                yield from self._entry_link(state, col, e)
            if param is not None:
                col.pager = "json"
                pages = later_pages(param, listing, self._pages_left(col))
                if pages is None:
                    full = entries and (param.size is None or len(entries) >= param.size)
                    pages = [param.after(param.value, len(entries))] if full else []
                yield from self._api_requests(state, col, depth, call, param, pages)
        if col.render_reason and col.kind == "page":
            col.kind = "list"  # the scripts were to fill a list; an empty one is an empty list
        if col.render_failed and not entries:
            # the browser could not show the list: unread, not empty (column_empty leaves it alone)
            col.extractor = RENDER_FAILED
            return
        if col.kind == "list":
            yield from self._column_shot(state, col, response, entries)

    def _pages_left(self, col: ColumnState) -> int:
        return max(0, self.max_list_pages - len(col.list_urls))

    @property
    def _light(self) -> bool:
        # the weekly light scan records no links and visits no detail pages (SiteSpider scope)
        return bool(getattr(self, "light", False))

    def _entry_link(self, state: SiteState, col: ColumnState, e: ListEntry) -> Iterator[LinkItem]:
        # a record of a datastore or a JSON list is a link of the column page as people see it
        if not self._light:
            yield LinkItem(site_id=state.id, source_url=col.url, target_url=e.url, tag="a", attr="href",
                           anchor=e.title, internal=state.is_internal(e.url), attachment=is_attachment(e.url),
                           region="body")

    def _pager_link(self, state: SiteState, col: ColumnState, url: str) -> Iterator[LinkItem]:
        if not self._light:
            yield LinkItem(site_id=state.id, source_url=col.url, target_url=url, tag="pager", attr="js", anchor="",
                           internal=state.is_internal(url), region="body")

    def _proxy_requests(self, state: SiteState, col: ColumnState, depth: int, calls: list[Any]) -> Iterator[Any]:
        for call in calls:
            url = canonical(call.url)
            if url in col.list_urls:
                continue
            if len(col.list_urls) >= self.max_list_pages:
                col.truncated = True
                break
            col.list_urls.add(url)
            yield from self._pager_link(state, col, url)
            req = self._request(state, call.url, "dataproxy", depth=depth, column=col.url,  # type: ignore[attr-defined]
                                method="POST", gi_proxy_start=call.start)
            yield req.replace(body=call.body, headers={**PROXY_HEADERS, "Referer": col.url})

    def _api_requests(self, state: SiteState, col: ColumnState, depth: int, call: ApiCall, param: PageParam,
                      pages: list[int]) -> Iterator[Any]:
        for n in pages:
            if len(col.list_urls) >= self.max_list_pages:
                col.truncated = True
                break
            nxt = page_call(call, param, n)
            key = canonical(nxt.url) + ("\n" + nxt.body if nxt.body else "")
            if key in col.list_urls:
                continue
            col.list_urls.add(key)
            yield from self._pager_link(state, col, canonical(nxt.url))
            req = self._request(state, nxt.url, "jsonlist", depth=depth, column=col.url,  # type: ignore[attr-defined]
                                method=nxt.method, gi_api_page=n)
            headers = {**JSON_HEADERS, "Referer": col.url}
            if nxt.body:
                headers["Content-Type"] = nxt.content_type or "application/x-www-form-urlencoded; charset=UTF-8"
                req = req.replace(body=nxt.body)
            yield req.replace(headers=headers)

    # --- proxy and API pages --------------------------------------------------------------------

    def parse_list_api(self, state: SiteState, response: Response, ok: bool) -> Iterator[Any]:
        """A data proxy or JSON API page of a column: its entries, and the next call when the
        total was not declared."""
        meta = response.meta
        col = state.columns.get(meta.get("gi_column") or "")
        if col is None:
            return
        if not ok:
            yield col.record(state.id)
            return
        ctx = PageContext(url=col.url, sel=_EMPTY, as_of=self.as_of, placeholders=list(self.rules.placeholders))
        text = getattr(response, "text", "") or ""
        col.pages_walked += 1
        list_page = canonical(meta["gi_origin"])
        listing: JsonList | None = None
        if meta["gi_kind"] == "dataproxy":
            entries = parse_dataproxy(text, ctx, proxy_url=response.url).entries
        else:
            listing = parse_json_list(text, ctx)
            entries = listing.entries if listing is not None else []
        new = yield from self._emit_entries(state, col, entries, list_page, meta["gi_depth"])
        if not new:
            yield col.record(state.id)
            return
        if meta["gi_kind"] == "dataproxy" and isinstance(col.proxy, ProxyPlan) and col.proxy.total is None:
            if len(entries) >= col.proxy.step:
                start = int(meta.get("gi_proxy_start") or 1)
                nxt = col.proxy.call(start + col.proxy.step)
                yield from self._proxy_requests(state, col, meta["gi_depth"], [nxt])
        elif meta["gi_kind"] == "jsonlist" and col.api is not None:
            call, param = col.api
            if param is not None and listing is not None and listing.total is None \
                    and (param.size is None or len(entries) >= param.size):
                current = meta.get("gi_api_page")
                yield from self._api_requests(state, col, meta["gi_depth"], call, param,
                                              [param.after(param.value if current is None else int(current),
                                                           len(entries))])
        yield col.record(state.id)

    def _emit_entries(self, state: SiteState, col: ColumnState, entries: list[ListEntry], list_page: str,
                      depth: int) -> Generator[Any, None, int]:
        """Items of a list page that is not an HTML page (same rules as a column page's); returns
        how many were new."""
        new = 0
        for entry in entries:
            if entry.url in col.item_urls:
                continue
            new += 1
            col.item_urls.add(entry.url)
            col.position += 1
            yield ColumnItemRecord(site_id=state.id, column_url=col.url, title=entry.title, url=entry.url,
                                   published=entry.published, date_text=entry.date_text,
                                   date_source=entry.date_source, list_page_url=list_page,
                                   position=col.position, pinned=entry.pinned)
            yield from self._entry_link(state, col, entry)
            if not self._light and state.is_internal(entry.url) and entry.url not in state.pages_requested \
                    and is_detail_target(entry.url) and len(state.pages_requested) < state.max_pages:
                state.pages_requested.add(entry.url)
                yield self._request(state, entry.url, "detail", depth=depth + 1)  # type: ignore[attr-defined]
        return new

    # --- screenshots ----------------------------------------------------------------------------

    def _shot_reason(self, col: ColumnState, entries: list[ListEntry]) -> str | None:
        if not entries:
            return "empty"
        cutoffs, latest = self._stale_limits
        cutoff = cutoffs.get(col.category)
        if cutoff is None:
            return None
        dated = [e.published for e in entries if e.published is not None and e.published <= latest]
        return "stale" if not dated or max(dated) < cutoff else None

    def _column_shot(self, state: SiteState, col: ColumnState, response: Response,
                     entries: list[ListEntry]) -> Iterator[Any]:
        if not self.screenshots_enabled or col.shot or state.site.render == "static":
            return
        reason = self._shot_reason(col, entries)
        if reason is None:
            return
        col.shot = True
        cap = response.meta.get("gi_render")
        if self.rendered(response) and cap is not None and cap.png:
            yield ScreenshotItem(site_id=state.id, url=col.url, reason=reason, png=cap.png, final_url=response.url,
                                 status=response.status, width=cap.width, height=cap.height)
            return
        yield self._shot_request(state, col.url, reason, column=col.url, depth=col.depth)

    def home_failed(self, state: SiteState, error_class: str | None) -> Iterator[Any]:
        """The homepage did not load: photograph what Chromium shows for it (its error page)."""
        if (not self.screenshots_enabled or state.home_shot or state.site.render == "static"
                or error_class in ("robots", "skipped")):
            return
        state.home_shot = True
        yield self._shot_request(state, state.home_url, "unreachable", column=None, depth=0)

    def _shot_request(self, state: SiteState, url: str, reason: str, *, column: str | None, depth: int) -> Request:
        self._stat("govinspect/render/screenshot_requests")
        req = self._request(state, url, "shot", depth=depth, column=column, gi_shot=reason,  # type: ignore[attr-defined]
                            **self.browser_meta(screenshot=True, keep_page=True))
        return req.replace(callback=self.parse_shot, errback=self.shot_failed)

    def _shot_again(self, request: Request) -> Request | None:
        """A screenshot the browser could not take (no page was opened for it, or the picture timed
        out) is asked for once more: it is a finding's evidence, and a browser busy at that moment
        is no reason to go without it."""
        meta = request.meta
        if meta.get("gi_shot_again"):
            return None
        self._stat("govinspect/render/screenshot_retries")
        req = self._shot_request(self.states[meta["gi_site"]], meta["gi_origin"], meta["gi_shot"],
                                 column=meta["gi_column"], depth=meta["gi_depth"])
        req.meta["gi_shot_again"] = True
        return req

    async def parse_shot(self, response: Response) -> AsyncIterator[Any]:
        page = response.meta.get("playwright_page")
        try:
            if page is not None:
                await page.close()
        except Exception:
            pass
        state = self.states[response.meta["gi_site"]]
        cap = response.meta.get("gi_render")
        if cap is not None and cap.png:
            yield ScreenshotItem(site_id=state.id, url=canonical(response.meta["gi_origin"]),
                                 reason=response.meta["gi_shot"], png=cap.png, final_url=response.url,
                                 status=response.status, width=cap.width, height=cap.height)

    async def shot_failed(self, failure: Any) -> AsyncIterator[Any]:
        request = failure.request
        page = request.meta.get("playwright_page")
        png, width, height = None, 0, 0
        try:
            if page is not None and not page.is_closed():
                png, width, height = await take_png(page, self.crawl_cfg.screenshots)
        except Exception as exc:
            log.info("no screenshot of %s: %s", request.url, exc)
        finally:
            try:
                if page is not None:
                    await page.close()
            except Exception:
                pass
        if not png:
            again = self._shot_again(request)
            if again is not None:
                yield again
            return
        _, message = classify_failure(failure)
        state = self.states[request.meta["gi_site"]]
        yield ScreenshotItem(site_id=state.id, url=canonical(request.meta["gi_origin"]),
                             reason=request.meta["gi_shot"], png=png, final_url=getattr(page, "url", "") or "",
                             status=None, error=message[:1000], width=width, height=height)
