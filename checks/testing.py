"""Build scan-run rows directly in a database, as the crawler's pipelines would write them, so
check, scoring and report tests state their data in a few lines. Test support only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from checks.base import CheckContext, FindingDraft
from core.urls import canonical, url_hash
from db.models import (
    Account,
    Column,
    ColumnItem,
    Link,
    LinkResult,
    Page,
    Post,
    ScanRun,
    Site,
    SiteScan,
    Unit,
    Url,
)
from db.urls import url_ids


class RunBuilder:
    """One scan run; each method adds rows and returns the main one. Call `done()` to flush."""

    def __init__(self, session: Session, as_of: dt.date, *, status: str = "completed", kind: str = "full"):
        self.s = session
        self.as_of = as_of
        self.run = ScanRun(as_of=as_of, status=status, kind=kind)
        session.add(self.run)
        session.flush()
        self.id = self.run.id
        self._serial = 0
        self.homes: dict[str, str] = {}

    def days_ago(self, n: int) -> dt.date:
        return self.as_of - dt.timedelta(days=n)

    # --- registry and site scans ---------------------------------------------------------------

    def site(self, site_id: str, unit_id: str = "unit1", *, home: str | None = None, status: str = "completed",
             subject: str = "site", error: str | None = None) -> SiteScan:
        self._unit(unit_id)
        home = canonical(home or f"http://{site_id}.example.gov.cn/")
        if subject == "site" and self.s.get(Site, site_id) is None:
            self.s.add(Site(id=site_id, unit_id=unit_id, name=f"网站{site_id}", url=home, hosts=[]))
        scan = SiteScan(run_id=self.id, site_id=site_id, unit_id=unit_id, subject=subject, status=status,
                        home_url=home, error=error)
        self.s.add(scan)
        self.s.flush()
        self.homes[site_id] = home
        return scan

    def _unit(self, unit_id: str) -> None:
        if self.s.get(Unit, unit_id) is None:
            self.s.add(Unit(id=unit_id, name=f"单位{unit_id}", kind="county"))

    def account(self, account_id: str, unit_id: str = "unit1", *, url: str | None = None,
                platform: str = "weibo", status: str = "completed", error: str | None = None) -> SiteScan:
        """A new-media account's scan; its home URL is the account URL exactly as configured."""
        self._unit(unit_id)
        url = url or f"https://m.weibo.cn/api/container/getIndex?containerid=107603{account_id}"
        if self.s.get(Account, account_id) is None:
            self.s.add(Account(id=account_id, unit_id=unit_id, platform=platform, name=f"账号{account_id}", url=url))
        scan = SiteScan(run_id=self.id, site_id=account_id, unit_id=unit_id, subject="account", status=status,
                        home_url=url, error=error, stats={})
        self.s.add(scan)
        self.s.flush()
        self.homes[account_id] = url
        return scan

    def post(self, account_id: str, posted: dt.datetime | dt.date | None, *, text: str = "信息", title: str = "",
             pinned: bool = False, url: str | None = None) -> Post:
        self._serial += 1
        if isinstance(posted, dt.date) and not isinstance(posted, dt.datetime):
            posted = dt.datetime.combine(posted, dt.time(10, 0))
        post = Post(run_id=self.id, account_id=account_id, post_id=f"p{self._serial}", posted_at=posted, title=title,
                    text=text, url=url or f"https://weibo.com/{account_id}/p{self._serial}", pinned=pinned)
        self.s.add(post)
        return post

    def home(self, site_id: str, *, text: str = "", script_text: str = "", meta: dict[str, Any] | None = None,
             status: int = 200, elapsed_ms: int = 300) -> Page:
        url = self._home_url(site_id)
        self.result(site_id, url, ok=200 <= status < 300, status=status)
        return self.page(site_id, url, kind="home", text=text, script_text=script_text, meta=meta, status=status,
                         elapsed_ms=elapsed_ms)

    def _home_url(self, site_id: str) -> str:
        return self.homes[site_id]

    def url(self, site_id: str, path: str) -> str:
        return canonical(self._home_url(site_id).rstrip("/") + path)

    # --- pages, links, results -------------------------------------------------------------------

    def page(self, site_id: str, url: str, *, kind: str = "detail", text: str = "", title: str = "",
             script_text: str = "", meta: dict[str, Any] | None = None, status: int = 200,
             elapsed_ms: int = 200) -> Page:
        url = canonical(url)
        page = Page(run_id=self.id, site_id=site_id, url=url, url_hash=url_hash(url), final_url=url, kind=kind,
                    status=status, title=title, text=text, script_text=script_text, meta=meta or {},
                    elapsed_ms=elapsed_ms, content_type="text/html")
        self.s.add(page)
        return page

    def link(self, site_id: str, source: str, target: str, *, tag: str = "a", attr: str | None = None,
             anchor: str = "", region: str = "body", internal: bool = True, attachment: bool = False) -> Link:
        source, target = canonical(source), canonical(target)
        home = self._home_url(site_id)
        ids = url_ids(self.s.connection(), {url_hash(source): source, url_hash(target): target})
        link = Link(run_id=self.id, site_id=site_id, source=self.s.get(Url, ids[url_hash(source)]),
                    target=self.s.get(Url, ids[url_hash(target)]), tag=tag,
                    attr=attr or ("href" if tag in ("a", "area", "link") else "src"), anchor=anchor,
                    internal=internal, attachment=attachment, region=region, on_homepage=source == home)
        self.s.add(link)
        return link

    def result(self, site_id: str, url: str, *, ok: bool = True, status: int | None = 200,
               error_class: str | None = None, error: str | None = None,
               redirect_chain: list[dict[str, Any]] | None = None, method: str = "GET") -> LinkResult:
        url = canonical(url)
        res = LinkResult(run_id=self.id, site_id=site_id, url=url, url_hash=url_hash(url), method=method,
                         status=status, ok=ok, error_class=None if ok else (error_class or "http"),
                         error=error, redirect_chain=redirect_chain or [], final_url=url)
        self.s.add(res)
        return res

    # --- columns ----------------------------------------------------------------------------------

    def column(self, site_id: str, path_or_url: str, name: str, *, category: str = "news", kind: str = "list",
               source: str = "nav", parent: str | None = None, section: str | None = None,
               status: int | None = 200, placeholder: str | None = None, pages_walked: int = 1,
               truncated: bool = False,
               items: Iterable[dt.date | None | tuple[dt.date | None, bool]] = ()) -> Column:
        """A column with items given as dates (None = undated) or (date, pinned), in list order."""
        url = path_or_url if "://" in path_or_url else self.url(site_id, path_or_url)
        url = canonical(url)
        col = Column(run_id=self.id, site_id=site_id, url=url, url_hash=url_hash(url), name=name, category=category,
                     kind=kind, source=source, parent_url=canonical(parent) if parent else None,
                     disclosure_section=section, status=status, pages_walked=pages_walked, placeholder=placeholder,
                     truncated=truncated)
        self.s.add(col)
        n = 0
        for pos, entry in enumerate(items):
            published, pinned = entry if isinstance(entry, tuple) else (entry, False)
            self._serial += 1
            item_url = url + f"t{self._serial}.html"
            self.s.add(ColumnItem(run_id=self.id, site_id=site_id, column_url=url, column_hash=url_hash(url),
                                  title=f"信息{self._serial}", url=item_url, url_hash=url_hash(item_url),
                                  published=published, list_page_url=url, position=pos, pinned=pinned,
                                  date_source="list" if published else None))
            n += 1
        col.item_count = n
        return col

    def homepage_items(self, site_id: str, dates: Iterable[dt.date | None]) -> Column:
        home = self._home_url(site_id)
        return self.column(site_id, home, "首页", category="other", kind="homepage", source="homepage", items=dates)

    def done(self) -> ScanRun:
        self.s.flush()
        return self.run


# --- running one check ----------------------------------------------------------------------------


def drafts_of(session: Session, run_id: int, check_id: str, indicators: Any = None,
              **overrides: Any) -> list[FindingDraft]:
    """What one check reports for a run with the real config (optionally overriding settings)."""
    from checks.config import load_indicators

    ind = indicators or load_indicators()
    loaded = next(c for c in ind.checks if c.check.id == check_id)
    ctx = CheckContext(session, session.get(ScanRun, run_id))
    ctx.config = loaded.config.model_copy(update=overrides) if overrides else loaded.config
    return list(loaded.check.run(ctx))
