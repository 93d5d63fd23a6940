"""Items the spiders yield and the database pipeline stores. Plain dataclasses (Scrapy supports
them through itemadapter); the field names match the columns of db.models."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

# Creation order of the snapshots a later one of which replaces an earlier one (a column's state,
# a link's result, a screenshot, an IPv6 record). Scrapy iterates the outputs of several callbacks
# at once, so a snapshot made earlier can reach the pipeline later; the pipeline keeps the newest
# by this number, not the last to arrive. One counter per process: a site is crawled in one.
_snapshot_counter = itertools.count(1)


def _next_snapshot() -> int:
    return next(_snapshot_counter)


@dataclass
class PageItem:
    site_id: str
    url: str
    final_url: str
    kind: str  # home | column | list | detail | other
    depth: int
    status: int | None
    content_type: str = ""
    encoding: str = ""
    title: str = ""
    size: int = 0
    elapsed_ms: int = 0
    content_hash: str = ""
    text: str = ""
    script_text: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class LinkItem:
    site_id: str
    source_url: str
    target_url: str
    tag: str
    attr: str
    anchor: str = ""
    internal: bool = True
    attachment: bool = False
    region: str = "body"
    on_homepage: bool = False
    hidden: dict[str, Any] | None = None  # spiders.extract.hidden: why and how it is hidden


@dataclass
class LinkResultItem:
    site_id: str
    url: str
    method: str
    status: int | None
    ok: bool
    error_class: str | None = None
    error: str | None = None
    redirect_chain: list[dict[str, Any]] = field(default_factory=list)
    final_url: str = ""
    content_type: str = ""
    elapsed_ms: int = 0
    attempts: int = 1
    title: str | None = None  # an outbound page read by GET: its title and a text excerpt
    excerpt: str | None = None
    snapshot: int = field(default_factory=_next_snapshot, compare=False, repr=False)


@dataclass
class ColumnRecord:
    site_id: str
    url: str
    name: str
    category: str
    kind: str  # list | hub | page | homepage
    source: str  # nav | disclosure | subnav | config | homepage
    parent_url: str | None = None
    disclosure_section: str | None = None
    status: int | None = None
    pages_walked: int = 0
    item_count: int = 0
    placeholder: str | None = None
    pager: str | None = None
    extractor: str | None = None
    truncated: bool = False
    complete: bool | None = None
    snapshot: int = field(default_factory=_next_snapshot, compare=False, repr=False)


@dataclass
class ColumnItemRecord:
    site_id: str
    column_url: str
    title: str
    url: str
    published: dt.date | None
    date_text: str = ""
    date_source: str | None = None
    list_page_url: str = ""
    position: int = 0
    pinned: bool = False


@dataclass
class SiteScanItem:
    """Start or end of a site within the run (status running -> completed | failed)."""

    site_id: str
    unit_id: str
    status: str
    home_url: str = ""
    error: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    subject: str = "site"


@dataclass
class PostItem:
    """A post of a new-media account."""

    account_id: str
    post_id: str
    posted_at: dt.datetime | None
    title: str = ""
    text: str = ""
    url: str = ""
    pinned: bool = False
    source_format: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class ScreenshotItem:
    """A PNG of a page as Chromium showed it (evidence for column_empty / column_stale /
    site_unreachable); `reason` is empty | stale | unreachable."""

    site_id: str
    url: str
    reason: str
    png: bytes
    final_url: str = ""
    status: int | None = None
    error: str | None = None
    width: int = 0
    height: int = 0
    snapshot: int = field(default_factory=_next_snapshot, compare=False, repr=False)


@dataclass
class Ipv6Record:
    """The homepage host's AAAA lookup and the homepage asked for over IPv6 (ipv6_missing)."""

    site_id: str
    host: str
    addresses: list[str] = field(default_factory=list)
    lookup_error: str | None = None
    url: str = ""
    status: int | None = None
    ok: bool = False
    error: str | None = None
    snapshot: int = field(default_factory=_next_snapshot, compare=False, repr=False)


@dataclass
class ItemBatch:
    """The items one callback yielded, carried through Scrapy's item machinery (middlewares, the
    pipeline, the item_scraped signal, the log) once instead of once each: a page yields ~20 links
    and list entries, and per-item overhead was the largest cost of a crawl. Built by
    crawler.middlewares.batch_items; the database pipeline unpacks it."""

    items: list[Any] = field(default_factory=list)
