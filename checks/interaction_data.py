"""What the 互动回应 and 办事指南 checks read: the interaction facts the crawl put in the pages'
`meta` (see spiders/interaction.py), gathered once per site and run. Not a check itself.

A message is one listed in a 政务咨询 column's list pages (`messages`), merged with what its detail
page shows (`message`): the detail page wins for each field it has, the list fills the rest.
Messages only found on a page outside such a list are not counted (no column to attribute them to;
在线访谈/调查征集/网上信访/纪检举报 lists are not 政务咨询 and are not read as messages at all).
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from checks.base import CheckContext
from core.urls import url_hash
from db.models import LinkResult, Page

FIELDS = ("asked", "answered", "status", "state", "replied")


@dataclass
class Message:
    url: str
    title: str
    column: str
    column_url: str
    list_page: str
    asked: dt.date | None = None
    answered: dt.date | None = None
    status: str | None = None
    state: str | None = None  # answered | pending | None (status not recognised or not shown)
    replied: bool | None = None
    detail_read: bool = False
    sources: dict[str, str] = field(default_factory=dict)  # field -> list | detail

    def evidence(self) -> dict[str, Any]:
        return {"url": self.url, "title": self.title, "column": self.column, "column_url": self.column_url,
                "list_page": self.list_page, "asked": _iso(self.asked), "answered": _iso(self.answered),
                "status": self.status, "detail_read": self.detail_read, "sources": dict(self.sources)}


@dataclass
class PageFacts:
    url: str
    kind: str
    status: int | None
    meta: dict[str, Any]


@dataclass
class SiteInteraction:
    pages: list[PageFacts]
    messages: list[Message]
    columns: dict[str, str]  # consultation column url -> name


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _apply(msg: Message, facts: dict[str, Any], source: str) -> None:
    for key in FIELDS:
        value = facts.get(key)
        if key in ("asked", "answered"):
            value = _date(value)
        if value is None or value == "":
            continue
        setattr(msg, key, value)
        msg.sources[key] = source


_CACHE: weakref.WeakKeyDictionary[CheckContext, dict[str, SiteInteraction]] = weakref.WeakKeyDictionary()


def site_interaction(ctx: CheckContext, site_id: str) -> SiteInteraction:
    cache = _CACHE.setdefault(ctx, {})
    if site_id in cache:
        return cache[site_id]
    pages = [PageFacts(url, kind, status, meta or {}) for url, kind, status, meta in ctx.session.execute(
        select(Page.url, Page.kind, Page.status, Page.meta)
        .where(Page.run_id == ctx.run_id, Page.site_id == site_id).order_by(Page.id))]
    by_url: dict[str, Message] = {}
    columns: dict[str, str] = {}
    for p in pages:
        consult = p.meta.get("consultation")
        if not consult:
            continue
        columns.setdefault(consult["column_url"], consult["column"])
        for row in p.meta.get("messages") or []:
            url = row.get("url")
            if not url or url in by_url:
                continue
            msg = Message(url=url, title=row.get("title") or "", column=consult["column"],
                          column_url=consult["column_url"], list_page=p.url)
            _apply(msg, row, "list")
            by_url[url] = msg
    for p in pages:
        msg = by_url.get(p.url)
        detail = p.meta.get("message")
        if msg is not None and detail and (p.status or 0) < 400:
            _apply(msg, detail, "detail")
            msg.detail_read = True
    cache[site_id] = SiteInteraction(pages=pages, messages=list(by_url.values()), columns=columns)
    return cache[site_id]


def loaded(ctx: CheckContext, site_id: str, urls: list[str]) -> dict[str, bool]:
    """url -> whether the crawl got it (a page under 400, or a link check that passed)."""
    pages = {p.url: p.status for p in site_interaction(ctx, site_id).pages}
    out = {u: pages[u] is not None and pages[u] < 400 for u in urls if u in pages}
    rest = [u for u in urls if u not in out]
    if rest:
        hashes = {url_hash(u): u for u in rest}
        for h, ok in ctx.session.execute(select(LinkResult.url_hash, LinkResult.ok).where(
                LinkResult.run_id == ctx.run_id, LinkResult.url_hash.in_(list(hashes)))):
            out[hashes[h]] = bool(ok)
    return out
