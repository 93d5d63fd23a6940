"""What every check module shares: the draft of a finding, the check descriptor, its config base
and the read-only view of one scan run that a check reads (`CheckContext`).

A check module `checks/<id>.py` exposes `CHECK = Check(id=..., config=<pydantic model>, run=...)`;
`run(ctx)` yields `FindingDraft`s for the sites in `ctx.sites` and never touches the network.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import literal, null, select
from sqlalchemy.orm import Session

from core.urls import canonical, url_hash
from db.models import Column, ColumnItem, Page, Post, ScanRun, Screenshot, SiteScan

Severity = Literal["veto", "deduct", "notice"]


class CheckConfig(BaseModel):
    """The part of config/indicators.yaml every check has; a check subclasses it with its thresholds."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    # which part of the indicators a finding belongs to (单项否决 / 扣分 / not scored); whether it
    # actually vetoes or costs points is decided by the rules in the `scoring` section
    severity: Severity


@dataclass
class FindingDraft:
    """One problem as a check sees it; the engine turns drafts into Finding rows."""

    site_id: str
    target: str
    url: str
    detail: str  # Chinese, for the inspector; never the full personal number of a privacy leak
    evidence: dict[str, Any] = field(default_factory=dict)  # JSON-serialisable
    severity: Severity | None = None  # None: the check's configured severity
    subject: str = "site"


@dataclass(frozen=True)
class Check:
    id: str
    config: type[CheckConfig]
    run: Callable[[CheckContext], Iterable[FindingDraft]]
    # a gate check runs first; the subjects it reports (or marks in ctx.skipped) get no other checks
    gate: bool = False
    # what it judges: sites (ctx.sites), new-media accounts (ctx.accounts) or both
    subjects: tuple[Literal["site", "account"], ...] = ("site",)
    doc: str = ""


# --- date helpers ---------------------------------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (clamped to the month's end: 08-31 -> 02-28)."""
    y, m = divmod(day.year * 12 + (day.month - 1) - months, 12)
    last = calendar.monthrange(y, m + 1)[1]
    return dt.date(y, m + 1, min(day.day, last))


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- the run as the checks read it -------------------------------------------------------------------


class CheckContext:
    """One scan run, read from the database, with per-site caches shared by all checks.

    `sites` (and `accounts`) are the subjects a check judges: those whose SiteScan in this run is
    completed, minus those a gate check took out (`skipped`, e.g. an unreachable homepage).
    """

    def __init__(self, session: Session, run: ScanRun, as_of: dt.date | None = None):
        self.session = session
        self.run = run
        self.run_id = run.id
        self.as_of: dt.date = as_of or run.as_of
        self.config: Any = None  # the current check's validated config, set by the engine
        scans = session.scalars(
            select(SiteScan).where(SiteScan.run_id == run.id, SiteScan.status == "completed")
        ).all()
        self.scans: dict[str, SiteScan] = {s.site_id: s for s in scans}
        self.skipped: dict[str, str] = {}  # site id -> why its other checks did not run
        self._columns: dict[str, list[Column]] | None = None
        self._items: dict[str, dict[str, list[ColumnItem]]] = {}
        self._home: dict[str, Page | None] = {}
        self._shots: dict[tuple[str, str], int] | None = None

    def subjects(self, *kinds: str) -> list[str]:
        return sorted(sid for sid, s in self.scans.items() if s.subject in kinds and sid not in self.skipped)

    @property
    def sites(self) -> list[str]:
        return self.subjects("site")

    @property
    def accounts(self) -> list[str]:
        return self.subjects("account")

    def unit_of(self, subject_id: str) -> str:
        return self.scans[subject_id].unit_id

    def home_url(self, site_id: str) -> str:
        url = self.scans[site_id].home_url
        return canonical(url) if url else url

    def home_page(self, site_id: str) -> Page | None:
        if site_id not in self._home:
            home = self.home_url(site_id)
            page = self.session.scalars(
                select(Page).where(Page.run_id == self.run_id, Page.site_id == site_id, Page.kind == "home")
            ).first()
            if page is None and home:
                page = self.session.scalars(
                    select(Page).where(Page.run_id == self.run_id, Page.site_id == site_id,
                                       Page.url_hash == url_hash(home))
                ).first()
            self._home[site_id] = page
        return self._home[site_id]

    def screenshot_id(self, site_id: str, url: str) -> int | None:
        """The id of the screenshot the crawl took of this page in this run (evidence of an
        empty/stale column or an unreachable homepage), None when there is none."""
        if self._shots is None:
            rows = self.session.execute(select(Screenshot.id, Screenshot.site_id, Screenshot.url_hash)
                                        .where(Screenshot.run_id == self.run_id))
            self._shots = {(sid, h): i for i, sid, h in rows}
        return self._shots.get((site_id, url_hash(canonical(url)))) if url else None

    def columns(self, site_id: str) -> list[Column]:
        if self._columns is None:
            self._columns = defaultdict(list)
            for col in self.session.scalars(select(Column).where(Column.run_id == self.run_id).order_by(Column.id)):
                self._columns[col.site_id].append(col)
        return self._columns.get(site_id, [])

    def items(self, site_id: str) -> dict[str, list[ColumnItem]]:
        """The site's list items by column hash (ColumnItem.column_hash = Column.url_hash)."""
        if site_id not in self._items:
            by_col: dict[str, list[ColumnItem]] = defaultdict(list)
            for item in self.session.scalars(
                select(ColumnItem).where(ColumnItem.run_id == self.run_id, ColumnItem.site_id == site_id)
                .order_by(ColumnItem.position, ColumnItem.id)
            ):
                by_col[item.column_hash].append(item)
            self._items[site_id] = by_col
        return self._items[site_id]

    def pages(self, site_id: str, kinds: Iterable[str] | None = None) -> Iterator[Any]:
        """The site's fetched pages as light rows (url, kind, status, title, text, meta), streamed:
        text can be large and the text checks read every page. An account's pages are its posts
        (kind 'post'), so the text checks read sites and accounts alike."""
        if self.scans[site_id].subject == "account":
            yield from self.posts(site_id, kinds)
            return
        stmt = select(Page.url, Page.kind, Page.status, Page.title, Page.text, Page.meta).where(
            Page.run_id == self.run_id, Page.site_id == site_id)
        if kinds is not None:
            stmt = stmt.where(Page.kind.in_(list(kinds)))
        yield from self.session.execute(stmt.order_by(Page.id).execution_options(yield_per=500))

    def posts(self, account_id: str, kinds: Iterable[str] | None = None) -> Iterator[Any]:
        """An account's posts of this run as page-like rows (kind 'post'), oldest id first."""
        if kinds is not None and "post" not in kinds:
            return
        stmt = select(Post.url, literal("post").label("kind"), literal(200).label("status"), Post.title, Post.text,
                      null().label("meta")).where(Post.run_id == self.run_id, Post.account_id == account_id)
        yield from self.session.execute(stmt.order_by(Post.id).execution_options(yield_per=500))


def newest_dated(items: Iterable[ColumnItem], *, latest_allowed: dt.date) -> tuple[ColumnItem | None, list[ColumnItem]]:
    """The newest dated item (wherever it sits in the list: pinned or oldest-first lists included),
    and the items dated after `latest_allowed` that were left out as implausible (future dates)."""
    newest: ColumnItem | None = None
    future: list[ColumnItem] = []
    for item in items:
        if item.published is None:
            continue
        if item.published > latest_allowed:
            future.append(item)
            continue
        if newest is None or item.published > newest.published:  # type: ignore[operator]
            newest = item
    return newest, future


def item_evidence(item: ColumnItem | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {"title": item.title, "url": item.url, "published": iso(item.published), "date_text": item.date_text,
            "date_source": item.date_source, "list_page": item.list_page_url, "pinned": item.pinned}


def is_first_level(col: Column, home_url: str) -> bool:
    """一级栏目: linked from the homepage (its navigation, or the homepage itself as parent) or
    configured by hand in sites.yaml; columns found inside another column (side nav, hub pages,
    the 政府信息公开 section) are second level."""
    if col.source == "config":
        return True
    if col.parent_url is None:
        return col.source in ("nav", "disclosure")
    return canonical(col.parent_url) == home_url


def column_failed(col: Column) -> bool:
    """The column page itself did not load: a link failure (link_broken), not an empty or stale
    column (the 普查 Q&A: a 404 column is recorded separately)."""
    return (col.status is None and col.pages_walked == 0) or (col.status is not None and col.status >= 400)
