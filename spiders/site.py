"""SiteSpider: one spider for all configured government sites, crawled concurrently.

For each site it fetches the homepage, discovers the columns (栏目) from the navigation and the
政府信息公开 section, walks every column's list pages through their pagination, visits the detail
pages, and checks every link it sees (internal pages by GET, everything else by HEAD with a GET
fallback). Redirects are followed here rather than by RedirectMiddleware so that every hop is
recorded and loops are told apart from long chains.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Request, Response, TextResponse

from core.clock import local_today
from core.items import ColumnItemRecord, LinkItem, PageItem, SiteScanItem
from core.registry import ColumnRules, Registry, load_column_rules, load_registry
from core.urls import as_written, canonical, set_session_params
from crawler import settings as defaults
from spiders import shared_checks
from spiders.dynamic import API_KINDS, DynamicLists
from spiders.extract.columns import block_columns, classify_page, column_candidates, hub_blocks, hub_links
from spiders.extract.links import count_link_elements, extract_links
from spiders.extract.lists import ListResult, PageContext, extract_list
from spiders.extract.meta import metadata_table, national_meta
from spiders.extract.pager import PagerResult, find_pager
from spiders.extract.parsecheck import parse_problem
from spiders.extract.scripted import script_filled_reason
from spiders.extract.text import page_title, script_writes, visible_text
from spiders.extract.urls import NON_PAGE_EXTS, extension, is_article_like, is_attachment, is_detail_target
from spiders.homepage import homepage_entries
from spiders.interaction import InteractionPages
from spiders.linkcheck import Hop, check_step, failure_result, is_redirect
from spiders.outbound import HIDDEN_TAGS, OutboundPages
from spiders.state import ColumnState, SiteState

# Column.extractor of a column an anti-bot challenge page answered for: not read, so not judged
NOT_ASSESSED_CHALLENGE = "not_assessed:challenge"
# … of a column whose list only a script the crawl does not run would fill (rendering off)
NOT_ASSESSED_SCRIPT = "not_assessed:script"

# Request priorities: structure first (homepage, columns, their pages), then details, then checks.
PRIO = {"home": 100, "column": 60, "list": 50, "script": 40, "detail": 20, "other": 10, "check": 0}


class SiteSpider(DynamicLists, InteractionPages, OutboundPages, scrapy.Spider):
    name = "site"

    def __init__(
        self,
        registry: Registry | str | None = None,
        site_ids: list[str] | str | None = None,
        as_of: dt.date | str | None = None,
        column_rules: ColumnRules | str | None = None,
        scope: str = "full",
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        if scope not in ("full", "light"):
            raise ValueError(f"scope must be full or light, not {scope!r}")
        # light (the weekly scan): the homepage and the news columns with their list pages only —
        # no detail pages, no link checks, no other columns — enough for staleness between the
        # quarter's full scans. A homepage with no dated item (navigation only) gets all its
        # first-level columns walked, since those then decide 首页不更新.
        self.light = scope == "light"
        self.nav_only: set[str] = set()  # light scope: sites whose homepage shows no dated item
        self.registry = registry if isinstance(registry, Registry) else load_registry(registry) if registry else load_registry()
        self.rules = column_rules if isinstance(column_rules, ColumnRules) else (
            load_column_rules(column_rules) if column_rules else load_column_rules()
        )
        if isinstance(as_of, str):
            as_of = dt.date.fromisoformat(as_of)
        self.as_of: dt.date = as_of or local_today(self.registry.crawl.timezone)
        if isinstance(site_ids, str):
            site_ids = [s for s in site_ids.split(",") if s]
        wanted = set(site_ids or [])
        crawl = self.registry.crawl
        self.crawl_cfg = crawl
        self.states: dict[str, SiteState] = {}
        for unit, site in self.registry.sites():
            if wanted and site.id not in wanted:
                continue
            self.states[site.id] = SiteState(
                unit=unit,
                site=site,
                home_url=canonical(site.url),
                max_pages=site.max_pages or crawl.max_pages,
                max_depth=site.max_depth if site.max_depth is not None else crawl.max_depth,
                obey_robots=(site.robots or crawl.robots) == "obey",
            )
        for st in self.states.values():
            # configured URLs are requested as written; canonical() is their identity only
            for written in [st.site.url, *(c.url for c in st.site.columns)]:
                if (key := canonical(written)) != (as_is := as_written(written)):
                    st.written.setdefault(key, as_is)
        # every host of a site in this scan -> its state (the site's politeness slot)
        self.host_owner: dict[str, SiteState] = {h: st for st in self.states.values() for h in st.site.host_names}
        set_session_params(crawl.session_params)
        # one request per URL per run for link checks, shared by all sites (external links repeat)
        self.checked: set[str] = set()
        self.max_redirects = crawl.max_redirects
        self.max_list_pages = crawl.max_list_pages

    # --- start --------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        deferred = getattr(self, "deferred_checks", None)  # {linking site: [(url, tag)]}
        if deferred is not None:
            # the last pass of a run crawled by several processes: the links to other sites of
            # the run their tasks left unchecked (spiders.shared_checks), checked under those
            # sites' politeness slots now that no task crawls them
            for sid, targets in deferred.items():
                for url, tag in targets:
                    for request in self._follow(self.states[sid], url, tag, 1):
                        yield request
            return
        for state in self.states.values():
            yield SiteScanItem(site_id=state.id, unit_id=state.unit.id, status="running", home_url=state.home_url)
            state.pages_requested.add(state.home_url)
            yield self._request(state, state.home_url, "home", depth=0)
        for state in self.states.values():
            # configured columns are walked even when the navigation does not show them
            for col in state.site.columns:
                url = canonical(col.url)
                if url not in state.columns:
                    category, section = self.rules.categorize(col.name, url)
                    if self.light and (col.category or category) != "news":
                        continue
                    state.columns[url] = ColumnState(
                        url=url, name=col.name, category=col.category or category,
                        source="config", parent_url=None, disclosure_section=section,
                    )
                    state.columns[url].list_urls.add(url)
                    state.pages_requested.add(url)
                    yield self._request(state, url, "column", depth=1, column=url)
        # the homepage hosts' AAAA records and IPv6 answers (spiders/outbound.py)
        for record in await self.ipv6_records({st.id: st.home_url for st in self.states.values()}):
            yield record

    # --- request building -----------------------------------------------------------------------

    def _request(
        self,
        state: SiteState,
        url: str,
        kind: str,
        *,
        depth: int,
        column: str | None = None,
        method: str = "GET",
        chain: list[dict[str, Any]] | None = None,
        origin: str | None = None,
        **extra: Any,
    ) -> Request:
        meta: dict[str, Any] = {
            "gi_site": state.id,
            "gi_kind": kind,
            "gi_depth": depth,
            "gi_column": column,
            "gi_chain": chain or [],
            "gi_origin": origin or url,
            "dont_redirect": True,
            "handle_httpstatus_all": True,
            **extra,
        }
        if method == "GET" and "playwright" not in meta and not meta.get("gi_render_failed") \
                and self.wants_browser(state, kind, column):
            meta.update(self.browser_meta(kind))  # render: js sites, pages of a rendered column
        if not state.obey_robots:
            meta["dont_obey_robotstxt"] = True
        if kind == "home" and getattr(self, "settings", None) is not None:
            home_timeout = self.settings.getfloat("GOVINSPECT_HOME_TIMEOUT", defaults.GOVINSPECT_HOME_TIMEOUT)
            if home_timeout > self.settings.getfloat("DOWNLOAD_TIMEOUT"):
                meta["download_timeout"] = home_timeout
        owner = state if state.is_internal(url) else self.host_owner.get((urlsplit(url).hostname or "").lower())
        if owner is not None:
            # per-site politeness: one download slot per site, whatever host alias is used, and
            # also for another configured site's URLs checked from this one
            meta["download_slot"] = f"site:{owner.id}"
        return Request(
            state.written.get(url, url),  # the URL as the page wrote it; `url` is its identity
            method=method,
            callback=self.parse_response,
            errback=self.on_error,
            meta=meta,
            priority=PRIO.get(kind, 0),
            dont_filter=True,
        )

    # --- responses ------------------------------------------------------------------------------

    def parse_response(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        state = self.states[meta["gi_site"]]
        kind = meta["gi_kind"]
        origin = meta["gi_origin"]
        method = response.request.method if response.request else "GET"
        self.note_render(state, response)

        step = check_step(response, self.max_redirects)
        if isinstance(step, Hop) and step.redirect:
            # a page that redirects off-site is checked there but not crawled as this site's page
            next_kind = kind if state.is_internal(step.url) else "check"
            yield self._request(state, step.url, next_kind, depth=meta["gi_depth"], column=meta["gi_column"],
                                method=step.method, chain=step.chain, origin=origin,
                                **{k: v for k, v in meta.items() if k.startswith("gi_x_")})
            return
        if isinstance(step, Hop):  # HEAD refused: GET decides
            yield self._request(state, origin, kind, depth=meta["gi_depth"], method="GET", origin=origin)
            return
        self.read_outbound(step, response)  # an outbound page read by GET: its title and text
        yield step
        if is_redirect(response):  # a redirect loop or too long a chain: no page behind it
            return
        ok = step.ok
        if kind in API_KINDS:  # a Hanweb data proxy or JSON API page of a column
            yield from self.parse_list_api(state, response, ok)
            return

        challenge = getattr(step, "error_class", None) == "challenge"
        if kind == "home":
            state.home_ok = ok
            if not ok:
                state.home_error = step.error if challenge else f"HTTP {response.status}"
                yield from self.home_failed(state, "challenge" if challenge else "http")
        if not ok or method != "GET":
            if kind in ("column", "list"):
                self._column_failed(state, meta["gi_column"], response.status)
                if challenge:  # an anti-bot page stood in front of the list: not read, not empty
                    state.columns[meta["gi_column"]].extractor = NOT_ASSESSED_CHALLENGE
                yield state.columns[meta["gi_column"]].record(state.id)
            return
        if kind == "script":
            yield from self._parse_script(state, response)
            return
        readable = isinstance(response, TextResponse) and (
            self._is_html(response) or (kind in ("column", "list") and self._is_data(response)))
        if kind == "check" or not readable:
            if kind in ("column", "list"):
                yield state.columns[meta["gi_column"]].record(state.id)
            return
        yield from self._parse_page(state, response, kind, meta["gi_depth"], meta["gi_column"], origin)

    def on_error(self, failure: Any) -> Iterator[Any]:
        request = failure.request
        meta = request.meta
        state = self.states[meta["gi_site"]]
        fallback = self.render_fallback(state, request)
        if fallback is not None:  # the browser failed: the page is read without it
            yield fallback
            return
        result = failure_result(failure)
        error_class, message = result.error_class, result.error
        if error_class not in ("robots", "skipped"):
            state.errors += 1
        yield result
        kind = meta["gi_kind"]
        if kind == "home":
            state.home_ok = False
            state.home_error = f"{error_class}: {message}"[:500]
            yield from self.home_failed(state, error_class)
        elif kind == "script":
            yield from self._home_script_done(state, "")
        elif kind in ("column", "list") and meta["gi_column"] in state.columns:
            self._column_failed(state, meta["gi_column"], None)
            yield state.columns[meta["gi_column"]].record(state.id)

    # --- pages ----------------------------------------------------------------------------------

    @staticmethod
    def _is_data(response: TextResponse) -> bool:
        """A JSON answer (a column whose list is a JSON file or API): read as a list."""
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        return "json" in ctype or response.body.lstrip()[:1] in (b"{", b"[")

    @staticmethod
    def _selector(response: TextResponse) -> Selector:
        """The page's selector; a JSON body gets an empty HTML one (its text is read as data)."""
        sel = response.selector
        return sel if sel.type in ("html", "xml") else Selector(text="<html><body></body></html>", type="html")

    @staticmethod
    def _is_html(response: TextResponse) -> bool:
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if "html" in ctype or "xml" in ctype:
            return True
        return not ctype and response.body.lstrip()[:1] == b"<"

    def _parse_page(
        self, state: SiteState, response: TextResponse, kind: str, depth: int, column_url: str | None, origin: str,
    ) -> Iterator[Any]:
        url = origin
        sel = self._selector(response)
        state.pages_done += 1
        meta_tags = national_meta(sel)
        page_meta: dict[str, Any] = {"meta": meta_tags} if meta_tags else {}
        if problem := parse_problem(sel):  # cut short by the parser: say so, not an empty page
            page_meta["parse_problem"] = problem
            self.crawler.stats.inc_value("govinspect/parse_problems")
        rendered = self.render_note(state, response)
        if rendered:
            page_meta["rendered"] = rendered
        if kind in ("detail", "other"):
            # the page decides, not its URL: a page reached by a plain link that carries a
            # metadata table (索引号, 发布机构 …) is a detail page whatever its URL looks like
            table = metadata_table(sel)
            if table:
                page_meta["metadata"] = table
                kind = "detail"
        if kind == "home":
            # the 找错 entry's loader carries the 网站标识码, a second source of it (footer_missing)
            sitecode = sel.xpath("//script[@id='_jiucuo_']/@sitecode").get()
            if sitecode and sitecode.strip():
                page_meta["jiucuo_sitecode"] = sitecode.strip()
        cap = self.crawl_cfg.max_links_per_page
        links = extract_links(sel, response.url, encoding=response.encoding, limit=cap)
        if len(links) >= cap and (found := count_link_elements(sel)) > cap:
            # a page of 100,000 links must not become 100,000 requests; the page records the cut
            page_meta["links_truncated"] = {"found": found, "kept": cap}
            state.links_dropped += found - cap
        hidden = self.hidden_links(sel, response, links)  # 暗链 (spiders/outbound.py)
        # 政务咨询 channels and messages, 办事指南 elements (spiders/interaction.py)
        yield from self.interaction_hook(state, response, kind, depth, url, column_url, links, page_meta)
        html_text = response.text
        item = PageItem(
            site_id=state.id,
            url=url,
            final_url=response.url,
            kind=kind,
            depth=depth,
            status=response.status,
            content_type=response.headers.get(b"Content-Type", b"").decode("latin-1")[:200],
            encoding=response.encoding or "",
            title=page_title(sel)[:500],
            size=len(response.body),
            elapsed_ms=int(1000 * float(response.meta.get("download_latency", 0) or 0)),
            content_hash=hashlib.sha1(response.body).hexdigest(),
            text=visible_text(sel),
            script_text=script_writes(html_text)[:100_000],
            meta=page_meta,
        )
        if kind == "home":
            state.home_item = item
        else:
            yield item

        on_home = kind == "home"
        for link in links:
            if link.written is not None:
                state.written.setdefault(link.url, link.written)
        for link in links if not self.light else ():
            internal = state.is_internal(link.url)
            state.links_found += 1
            yield LinkItem(
                site_id=state.id, source_url=url, target_url=link.url, tag=link.tag, attr=link.attr,
                anchor=link.anchor, internal=internal, attachment=is_attachment(link.url),
                region=link.region, on_homepage=on_home,
                hidden=hidden.get(link.url) if link.tag in HIDDEN_TAGS else None,
            )

        if kind == "home":
            yield from self._parse_home(state, response, links)
        elif kind in ("column", "list") and column_url in state.columns:
            yield from self._parse_column_page(state, response, kind, depth, column_url)

        for link in links if not self.light else ():
            yield from self._follow(state, link.url, link.tag, depth + 1, from_home=on_home)

        if kind == "home" and state.home_scripts_pending == 0:
            yield state.home_item

    def _follow(self, state: SiteState, url: str, tag: str, depth: int, *, from_home: bool = False) -> Iterator[Request]:
        """Crawl an internal page, or check any other target once."""
        if not url.startswith(("http://", "https://")):
            return
        internal = state.is_internal(url)
        ext = extension(url)
        pageish = internal and tag in ("a", "area", "iframe", "frame") and ext not in NON_PAGE_EXTS and not is_attachment(url)
        if pageish and url not in state.pages_requested and depth <= state.max_depth and len(state.pages_requested) < state.max_pages:
            state.pages_requested.add(url)
            yield self._request(state, url, "detail" if is_article_like(url) else "other", depth=depth)
            return
        if pageish and url not in state.pages_requested:
            # a trap (endless calendar, session ids) or a huge site: recorded, and the URL is still checked
            state.capped["max_depth" if depth > state.max_depth else "max_pages"].add(url)
        if internal and tag == "script" and from_home and url not in state.pages_requested:
            # footers written by same-site scripts (Hanweb /script/0/….js) must be read, not just checked
            state.pages_requested.add(url)
            state.home_scripts_pending += 1
            yield self._request(state, url, "script", depth=depth)
            return
        if url in state.pages_requested or url in self.checked:
            return
        if not internal and not self.crawl_cfg.check_external:
            return
        if any(url in s.pages_requested for s in self.states.values()):
            return
        self.checked.add(url)
        if not internal and not shared_checks.claim(self, url, state.id, tag):
            return  # another process of this run checks it (scan --workers, Celery workers)
        if not internal and self.outbound_read(state.id, url, tag, ext, NON_PAGE_EXTS):
            yield self._request(state, url, "check", depth=depth, gi_x_read=True)  # GET: its page is read
            return
        yield self._request(state, url, "check", depth=depth, method="HEAD")

    def _parse_script(self, state: SiteState, response: Response) -> Iterator[Any]:
        text = ""
        if isinstance(response, TextResponse):
            text = script_writes(response.text)
        yield from self._home_script_done(state, text)

    def _home_script_done(self, state: SiteState, text: str) -> Iterator[Any]:
        if text:
            state.home_script_text.append(text)
        state.home_scripts_pending -= 1
        if state.home_scripts_pending == 0 and state.home_item is not None:
            extra = "\n".join(state.home_script_text)
            if extra:
                state.home_item.script_text = (state.home_item.script_text + "\n" + extra)[:200_000]
            yield state.home_item

    # --- homepage and columns -------------------------------------------------------------------

    def _parse_home(self, state: SiteState, response: TextResponse, links: list[Any]) -> Iterator[Any]:
        sel = response.selector
        home = state.home_url
        # the homepage's own dated lists decide 首页不更新
        entries = homepage_entries(PageContext.build(response.url, sel, self.as_of, self.rules.placeholders))
        hcol = ColumnState(url=home, name="首页", category="other", source="homepage", kind="homepage", status=response.status)
        state.columns.setdefault(home, hcol)
        for pos, e in enumerate(entries):
            if e.url in hcol.item_urls:
                continue
            hcol.item_urls.add(e.url)
            yield ColumnItemRecord(
                site_id=state.id, column_url=home, title=e.title, url=e.url, published=e.published,
                date_text=e.date_text, date_source=e.date_source, list_page_url=home, position=pos, pinned=e.pinned,
            )
        hcol.pages_walked = 1
        yield hcol.record(state.id)
        if self.light and not any(e.published for e in entries):
            self.nav_only.add(state.id)
        # the navigation, the 政府信息公开 entry, and the columns the homepage's titled blocks lead to
        candidates = column_candidates(sel, response.url, state.is_internal, self.rules, homepage=True,
                                       home_url=home)
        candidates += block_columns(sel, response.url, state.is_internal, rules=self.rules, home_url=home)
        for cand in candidates:
            in_disclosure = any(n in cand.name for n in self.rules.disclosure_hub)
            source = "nav" if cand.region == "nav" else ("disclosure" if in_disclosure else "nav")
            yield from self._add_column(state, cand.name, cand.url, source=source, parent=None, depth=1,
                                        under_disclosure=in_disclosure)

    def _add_column(
        self, state: SiteState, name: str, url: str, *, source: str, parent: str | None, depth: int,
        under_disclosure: bool = False,
    ) -> Iterator[Request]:
        url = canonical(url)
        if url == state.home_url or url in state.columns or not state.is_internal(url):
            return
        category, section = self.rules.categorize(name, url)
        if self.light and category != "news" and not (parent is None and state.id in self.nav_only):
            return
        col = ColumnState(url=url, name=name, category=category, source=source, parent_url=parent,
                          disclosure_section=section, depth=depth, under_disclosure=under_disclosure or bool(section))
        state.columns[url] = col
        col.list_urls.add(url)
        # a column already fetched as a plain page is fetched again so that it is read as a column
        state.pages_requested.add(url)
        yield self._request(state, url, "column", depth=depth, column=url)

    def _column_failed(self, state: SiteState, column_url: str | None, status: int | None) -> None:
        if column_url not in state.columns:
            return
        col = state.columns[column_url]
        col.failed_pages += 1
        if col.kind is None:
            col.kind = "list"
            col.status = status

    def _parse_column_page(
        self, state: SiteState, response: TextResponse, kind: str, depth: int, column_url: str,
    ) -> Iterator[Any]:
        col = state.columns[column_url]
        sel = self._selector(response)
        url = canonical(response.meta["gi_origin"])
        ctx = PageContext.build(response.url, sel, self.as_of, self.rules.placeholders, response.text)
        result, extractor = extract_list(ctx)
        # lists that scripts fill: render the page instead, or read the JSON it loaded
        decision = self.decide_list(state, response, kind, depth, col, ctx, result, extractor)
        if decision.rerender is not None:
            yield decision.rerender
            return
        result, extractor = decision.result, decision.extractor
        blocks: list[Any] = []
        if kind == "column" and decision.api is None:
            # a section landing page of titled blocks: a hub; the blocks' lists belong to the
            # sub-columns they lead to, not to this page
            blocks = hub_blocks(sel, response.url, state.is_internal, rules=self.rules, home_url=state.home_url)
            if blocks:
                result = ListResult(entries=[], meta={"page_kind": "hub"})
        col.pages_walked += 1
        new = 0
        for entry in result.entries:
            if entry.url in col.item_urls:
                continue
            new += 1
            col.item_urls.add(entry.url)
            col.position += 1
            yield ColumnItemRecord(
                site_id=state.id, column_url=column_url, title=entry.title, url=entry.url,
                published=entry.published, date_text=entry.date_text, date_source=entry.date_source,
                list_page_url=url, position=col.position, pinned=entry.pinned,
            )
            if not self.light and state.is_internal(entry.url) and entry.url not in state.pages_requested \
                    and is_detail_target(entry.url) and len(state.pages_requested) < state.max_pages:
                state.pages_requested.add(entry.url)
                yield self._request(state, entry.url, "detail", depth=depth + 1)
        if result.placeholder and not col.placeholder:
            col.placeholder = result.placeholder

        pager = find_pager(sel, response.url, response.text) if not blocks else PagerResult()
        if decision.api is not None and decision.api[1] is not None:
            pager = PagerResult()  # the JSON API pages the list; the rendered pager is script links
        if kind == "column":
            col.status = response.status
            col.extractor = extractor if result.entries else col.extractor
            hubs = hub_links(sel, response.url, state.is_internal, rules=self.rules, home_url=state.home_url)
            col.kind = classify_page(result, pager, hubs)
            if not result.entries and not blocks and not self.rendered(response) \
                    and not (self.render_enabled and state.site.render != "static"):
                # a list only a script we do not run would fill: not read, not known to be empty
                reason = script_filled_reason(sel)
                if reason is not None:
                    col.kind, col.extractor = "list", f"{NOT_ASSESSED_SCRIPT}:{reason}"
            if col.kind == "hub":
                for h in blocks or hubs:
                    yield from self._add_column(state, h.name, h.url,
                                                source="disclosure" if col.under_disclosure else "subnav",
                                                parent=column_url, depth=depth + 1,
                                                under_disclosure=col.under_disclosure)
            for cand in column_candidates(sel, response.url, state.is_internal, self.rules, homepage=False,
                                          home_url=state.home_url, entries={e.url for e in result.entries}):
                yield from self._add_column(state, cand.name, cand.url,
                                            source="disclosure" if col.under_disclosure else "subnav",
                                            parent=column_url, depth=depth + 1,
                                            under_disclosure=col.under_disclosure)
        elif result.entries and not col.extractor:
            col.extractor = extractor

        if pager.kind and (kind == "column" or (pager.kind == "links" and new > 0)):
            col.pager = col.pager or pager.kind
            for page_url in pager.urls:
                page_url = canonical(page_url)
                if page_url in col.list_urls or not state.is_internal(page_url):
                    continue
                if len(col.list_urls) >= self.max_list_pages:
                    col.truncated = True
                    break
                col.list_urls.add(page_url)
                if pager.from_script:
                    yield LinkItem(site_id=state.id, source_url=url, target_url=page_url, tag="pager", attr="js",
                                   anchor="", internal=True, region="body")
                state.pages_requested.add(page_url)
                yield self._request(state, page_url, "list", depth=depth, column=column_url)
        yield from self.column_followups(state, response, kind, depth, col, decision)
        yield col.record(state.id)
