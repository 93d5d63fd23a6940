"""AccountSpider: the configured new-media accounts (政务微博, 政务微信, feeds) of the registry.

For each account it reads the post list through the platform's API or feed (format detected from
the response, see spiders/platforms), page by page up to a page limit, and yields every post, the
links inside posts, and one check of each such link. The account's SiteScan row says how it went:
`failed` with "<kind>: <reason>" whenever the list could not be read (credentials, 401/403,
connection failure, an unreadable or unknown response), so an unreadable account is never mistaken
for one that has nothing to show; `completed` with stats {"posts": n, ...} otherwise.

Credentials: `credentials_env` names an environment variable holding the secret, read when the scan
starts. It is sent as `?access_token=` to the WeChat publishing API and as the Cookie header
elsewhere (the WeChat backend session, Weibo login cookies). It never reaches an item, a stored
URL or an error text, and is redacted from log lines. Requests made with the owner's credentials
are the owner's own API calls and skip robots.txt; public feeds and link checks follow the crawl's
robots setting like the site spider.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Request, Response

from core.clock import local_today
from core.errors import classify_failure
from core.items import LinkItem, PostItem, SiteScanItem
from core.registry import AccountConfig, Registry, UnitConfig, load_registry
from crawler import settings as defaults
from spiders.linkcheck import REDIRECT_STATUSES, Hop, check_step, failure_result
from spiders.platforms import FeedError, FeedRequest, ParsedFeed, ParsedPost, parse_feed
from spiders.platforms.wechat import first_request, is_freepublish_url
from spiders.platforms.weibo import with_query

log = logging.getLogger(__name__)

# Feeds before link checks, so an account's status is settled early in a long scan.
PRIO = {"feed": 80, "check": 0}
# platforms answer a client they throttle with these (m.weibo.cn famously with 418)
RATE_LIMIT_STATUSES = {418, 429}
LOGIN_HINTS = ("passport", "login", "signin", "visitor")


@dataclass
class AccountState:
    unit: UnitConfig
    account: AccountConfig
    home_url: str
    obey_robots: bool
    secret: str | None = None
    status: str = "running"  # running | completed | failed
    error: str | None = None
    pages: int = 0
    seen: set[str] = field(default_factory=set)
    posts: int = 0
    pinned: int = 0
    links: int = 0
    newest: dt.datetime | None = None  # newest non-pinned post
    format_name: str = ""
    incomplete: str | None = None  # a later page failed after usable posts were read
    truncated: bool = False  # the page limit stopped paging before the platform's last page

    @property
    def id(self) -> str:
        return self.account.id

    # the names crawler.extensions.progress reads from a spider's states
    @property
    def pages_done(self) -> int:
        return self.pages

    @property
    def links_found(self) -> int:
        return self.links

    @property
    def errors(self) -> int:
        return int(self.status == "failed")

    def stats(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "posts": self.posts, "pages": self.pages, "pinned": self.pinned, "links": self.links,
            "format": self.format_name, "platform": self.account.platform,
            "newest": self.newest.isoformat(sep=" ") if self.newest else None,
        }
        if self.incomplete:
            out["incomplete"] = self.incomplete
        if self.truncated:
            out["truncated"] = True
        return out

    def redact(self, text: str) -> str:
        return text.replace(self.secret, "***") if self.secret else text


class _RedactSecrets(logging.Filter):
    """Request URLs in Scrapy's own log lines (retries, errors) would carry an access_token."""

    def __init__(self, secrets: set[str]):
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is not ours to fix
            return True
        if any(s in message for s in self.secrets):
            for s in self.secrets:
                message = message.replace(s, "***")
            record.msg, record.args = message, ()
        return True


class AccountSpider(scrapy.Spider):
    name = "account"

    def __init__(
        self,
        registry: Registry | str | None = None,
        account_ids: list[str] | str | None = None,
        as_of: dt.date | str | None = None,
        max_pages: int | str | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.registry = registry if isinstance(registry, Registry) else load_registry(registry) if registry else load_registry()
        if isinstance(as_of, str):
            as_of = dt.date.fromisoformat(as_of)
        # the checks judge freshness against as_of; the spider only records what it reads
        self.as_of: dt.date = as_of or local_today(self.registry.crawl.timezone)
        if isinstance(account_ids, str):
            account_ids = [a for a in account_ids.split(",") if a]
        wanted = set(account_ids or [])
        self.crawl_cfg = self.registry.crawl
        self.states: dict[str, AccountState] = {}
        for unit, account in self.registry.accounts():
            if wanted and account.id not in wanted:
                continue
            self.states[account.id] = AccountState(
                unit=unit, account=account, home_url=account.url,
                obey_robots=self.crawl_cfg.robots == "obey",
            )
        self._max_pages = int(max_pages) if max_pages not in (None, "") else None
        self.max_redirects = self.crawl_cfg.max_redirects
        # one check per URL per run across accounts (the same link is shared by many posts)
        self.checked: set[str] = set()
        self._log_filter: _RedactSecrets | None = None

    @property
    def max_pages(self) -> int:
        if self._max_pages is None:
            settings = getattr(self, "settings", None)
            self._max_pages = settings.getint("GOVINSPECT_ACCOUNT_MAX_PAGES", defaults.GOVINSPECT_ACCOUNT_MAX_PAGES) \
                if settings is not None else defaults.GOVINSPECT_ACCOUNT_MAX_PAGES
        return max(1, self._max_pages)

    def account_results(self) -> dict[str, dict[str, Any]]:
        """Per account: status, error, stats (for the runner; `running` means the crawl ended first)."""
        return {sid: {"status": st.status, "error": st.error, "stats": st.stats()} for sid, st in self.states.items()}

    # --- start --------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for st in self.states.values():
            yield SiteScanItem(site_id=st.id, unit_id=st.unit.id, status="running", subject="account",
                               home_url=st.home_url)
            try:
                st.secret = self._secret(st.account)
            except FeedError as exc:
                yield self._fail(st, exc.kind, exc.reason)
                continue
            if st.secret:
                self._protect(st.secret)
            yield self._feed_request(st, first_request(st.account.url))

    @staticmethod
    def _secret(account: AccountConfig) -> str | None:
        name = account.credentials_env
        if name:
            value = os.environ.get(name, "").strip()
            if not value:
                raise FeedError("auth", f"environment variable {name} (credentials_env of account {account.id}) "
                                        "is not set")
            return value
        if is_freepublish_url(account.url):
            raise FeedError("auth", f"the WeChat publishing API needs an access_token: set credentials_env of "
                                    f"account {account.id} to the name of an environment variable holding it")
        return None

    def _protect(self, secret: str) -> None:
        if self._log_filter is None:
            self._log_filter = _RedactSecrets(set())
            for handler in logging.getLogger().handlers:
                handler.addFilter(self._log_filter)
        self._log_filter.secrets.add(secret)

    def closed(self, reason: str) -> None:
        if self._log_filter is not None:
            for handler in logging.getLogger().handlers:
                handler.removeFilter(self._log_filter)

    # --- feed pages ---------------------------------------------------------------------------

    def _feed_request(self, st: AccountState, freq: FeedRequest, chain: list[dict[str, Any]] | None = None) -> Request:
        url, headers = freq.url, dict(freq.headers)
        meta: dict[str, Any] = {
            "gi_site": st.id,
            "gi_kind": "feed",
            "gi_feed": freq,
            "gi_chain": chain or [],
            "dont_redirect": True,
            "handle_httpstatus_all": True,
            # accounts on one platform host must not share a session
            "cookiejar": f"account:{st.id}",
        }
        if st.secret:
            if is_freepublish_url(url):
                url = with_query(url, access_token=st.secret)
            else:
                headers["Cookie"] = st.secret
                meta["dont_merge_cookies"] = True
            meta["dont_obey_robotstxt"] = True
        elif not st.obey_robots:
            meta["dont_obey_robotstxt"] = True
        return Request(url, method=freq.method, body=freq.body, headers=headers, callback=self.parse_feed_page,
                       errback=self.on_feed_error, meta=meta, priority=PRIO["feed"], dont_filter=True)

    def parse_feed_page(self, response: Response) -> Iterator[Any]:
        st = self.states[response.meta["gi_site"]]
        if st.status != "running":
            return
        freq: FeedRequest = response.meta["gi_feed"]
        status = response.status
        if status in REDIRECT_STATUSES and b"Location" in response.headers:
            yield from self._feed_redirect(st, response, freq)
            return
        if status == 401:
            yield from self._page_failed(st, "auth", "HTTP 401")
            return
        if status == 403:
            yield from self._page_failed(st, "forbidden", "HTTP 403")
            return
        if status in RATE_LIMIT_STATUSES:
            yield from self._page_failed(st, "api_error", f"HTTP {status} (rate limited)")
            return
        if not 200 <= status < 300:
            yield from self._page_failed(st, "http", f"HTTP {status}")
            return
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1")
        try:
            feed = parse_feed(response.body, freq.url, freq, content_type=ctype)
        except FeedError as exc:
            yield from self._page_failed(st, exc.kind, exc.reason)
            return
        except Exception as exc:  # a parser bug must fail this account, not the scan
            log.exception("account %s: parsing %s failed", st.id, st.redact(freq.url))
            yield from self._page_failed(st, "malformed", f"unexpected {type(exc).__name__}: {exc}")
            return
        yield from self._read_page(st, feed)

    def _read_page(self, st: AccountState, feed: ParsedFeed) -> Iterator[Any]:
        st.pages += 1
        st.format_name = st.format_name or feed.format_name
        new = [p for p in feed.posts if p.post_id not in st.seen]
        for post in new:
            st.seen.add(post.post_id)
            yield from self._post(st, post, feed.format_name)
        # a page with nothing new means the platform is repeating itself (a stuck cursor)
        if feed.next_request is not None and new and st.pages < self.max_pages:
            yield self._feed_request(st, feed.next_request)
            return
        if feed.next_request is not None and new:
            st.truncated = True
        yield self._complete(st)

    def _post(self, st: AccountState, post: ParsedPost, format_name: str) -> Iterator[Any]:
        st.posts += 1
        if post.pinned:
            st.pinned += 1
        elif post.posted_at is not None and (st.newest is None or post.posted_at > st.newest):
            st.newest = post.posted_at
        yield PostItem(
            account_id=st.id, post_id=post.post_id, posted_at=post.posted_at, title=post.title[:2000],
            text=post.text, url=post.url, pinned=post.pinned, source_format=format_name, raw=post.raw,
        )
        source = post.url or st.home_url
        for link in post.links:
            st.links += 1
            yield LinkItem(site_id=st.id, source_url=source, target_url=link.url, tag="a", attr="href",
                           anchor=link.anchor, internal=False, region="body")
            if self.crawl_cfg.check_external and link.url not in self.checked:
                self.checked.add(link.url)
                yield self._check_request(st, link.url)

    def _feed_redirect(self, st: AccountState, response: Response, freq: FeedRequest) -> Iterator[Any]:
        chain = list(response.meta["gi_chain"]) + [{"url": st.redact(response.url), "status": response.status}]
        location = urljoin(response.url, response.headers[b"Location"].decode("latin-1"))
        parts = urlsplit(location)
        if any(h in (parts.hostname or "").lower() or h in parts.path.lower() for h in LOGIN_HINTS):
            yield from self._page_failed(st, "auth", f"redirected to a login page ({st.redact(location)[:200]})")
            return
        if len(chain) > self.max_redirects:
            yield from self._page_failed(st, "http", f"more than {self.max_redirects} redirects")
            return
        keep_body = response.status in (307, 308)
        nxt = FeedRequest(url=location, method=freq.method if keep_body else "GET",
                          body=freq.body if keep_body else None, headers=freq.headers if keep_body else {})
        yield self._feed_request(st, nxt, chain)

    def on_feed_error(self, failure: Any) -> Iterator[Any]:
        st = self.states[failure.request.meta["gi_site"]]
        if st.status != "running":
            return
        kind, message = classify_failure(failure)
        yield from self._page_failed(st, kind, message)

    # --- account outcome -----------------------------------------------------------------------

    def _page_failed(self, st: AccountState, kind: str, reason: str) -> Iterator[Any]:
        """The first page failing fails the account. A later page failing leaves the account
        readable when a non-pinned post has been seen (the newest posts come first, so freshness is
        known); with only pinned posts so far nothing can be judged and the account fails."""
        if st.pages and st.newest is not None:
            st.incomplete = st.redact(f"{kind}: {reason}")[:500]
            yield self._complete(st)
            return
        yield self._fail(st, kind, reason)

    def _fail(self, st: AccountState, kind: str, reason: str) -> SiteScanItem:
        st.status = "failed"
        st.error = st.redact(f"{kind}: {reason}")[:2000]
        log.warning("account %s failed: %s", st.id, st.error)
        return SiteScanItem(site_id=st.id, unit_id=st.unit.id, status="failed", subject="account",
                            home_url=st.home_url, error=st.error, stats=st.stats())

    def _complete(self, st: AccountState) -> SiteScanItem:
        st.status = "completed"
        return SiteScanItem(site_id=st.id, unit_id=st.unit.id, status="completed", subject="account",
                            home_url=st.home_url, stats=st.stats())

    # --- link checks (spiders/linkcheck, as in the site spider: HEAD, GET fallback, every hop recorded)

    def _check_request(self, st: AccountState, url: str, method: str = "HEAD",
                       chain: list[dict[str, Any]] | None = None, origin: str | None = None) -> Request:
        meta: dict[str, Any] = {
            "gi_site": st.id,
            "gi_kind": "check",
            "gi_chain": chain or [],
            "gi_origin": origin or url,
            "dont_redirect": True,
            "handle_httpstatus_all": True,
        }
        if not st.obey_robots:
            meta["dont_obey_robotstxt"] = True
        return Request(url, method=method, callback=self.parse_check, errback=self.on_check_error, meta=meta,
                       priority=PRIO["check"], dont_filter=True)

    def parse_check(self, response: Response) -> Iterator[Any]:
        step = check_step(response, self.max_redirects)
        if isinstance(step, Hop):
            st = self.states[response.meta["gi_site"]]
            yield self._check_request(st, step.url, step.method, step.chain, response.meta["gi_origin"])
            return
        yield step

    def on_check_error(self, failure: Any) -> Iterator[Any]:
        yield failure_result(failure)
