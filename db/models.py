"""SQLAlchemy 2.0 models: the registry, the crawl record of each scan run, and findings and scores.

Crawl tables refer to pages by URL within a run rather than by surrogate key, so that several
crawler workers (scrapy-redis) can write the same run in batches without looking up each other's
ids, and a run killed mid-way leaves only self-contained rows behind.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db import pagetext
from db.codes import LinkAttr, LinkRegion

# URLs on government sites can be long (query strings of JSON list APIs); index them by hash.
URL = Text


class ZText(TypeDecorator[str]):
    """Text stored compressed (db.pagetext): a page's text is read whole by the checks, never
    searched in SQL, and takes a third of the room compressed. SQL sees bytes (no LIKE, no length())."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> bytes | None:
        return None if value is None else pagetext.pack(value)

    def process_result_value(self, value: bytes | None, dialect: Any) -> str | None:
        return None if value is None else pagetext.unpack(value)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


# --- registry (mirrors config/sites.yaml; refreshed at the start of every scan) -------------


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # county | department
    sites: Mapped[list[Site]] = relationship(back_populates="unit")
    accounts: Mapped[list[Account]] = relationship(back_populates="unit")


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(URL)
    hosts: Mapped[list[Any]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    unit: Mapped[Unit] = relationship(back_populates="sites")


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    platform: Mapped[str] = mapped_column(String(20))  # weibo | wechat | rss
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(URL)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    unit: Mapped[Unit] = relationship(back_populates="accounts")


# --- scan runs -----------------------------------------------------------------------------


class ScanRun(Base):
    """One scan: a set of sites crawled against one as-of date (the indicator's 监测时间点)."""

    __tablename__ = "scan_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    as_of: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20), default="full")  # full | weekly | single | recheck
    # running -> completed | incomplete (killed, found later) | failed (our own fault, e.g. network down)
    status: Mapped[str] = mapped_column(String(20), default="running", index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    heartbeat_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # who runs it: "hostname:pid", so a later process can tell a dead run from a live one
    owner: Mapped[str] = mapped_column(String(200), default="")
    config_path: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)

    site_scans: Mapped[list[SiteScan]] = relationship(back_populates="run")


class SiteScan(Base):
    """The state of one site (or account) within a run."""

    __tablename__ = "site_scans"
    __table_args__ = (UniqueConstraint("run_id", "site_id", name="uq_site_scan"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scan_runs.id", ondelete="CASCADE"), index=True)
    # a site id or an account id (ids are unique across both in the registry)
    site_id: Mapped[str] = mapped_column(String(64), index=True)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(10), default="site")  # site | account
    status: Mapped[str] = mapped_column(String(20), default="running")  # running | completed | incomplete | failed
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    home_url: Mapped[str] = mapped_column(URL, default="")
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)

    run: Mapped[ScanRun] = relationship(back_populates="site_scans")


class Page(Base):
    """A fetched internal page (HTML or not) of a site in a run."""

    __tablename__ = "pages"
    # uq_page leads with run_id, site_id: it serves the run's cascade and the per-site queries, so
    # those columns carry no index of their own (each one more index a crawl commit rewrites)
    __table_args__ = (UniqueConstraint("run_id", "site_id", "url_hash", name="uq_page"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scan_runs.id", ondelete="CASCADE"))
    site_id: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(URL)
    url_hash: Mapped[str] = mapped_column(String(40))
    final_url: Mapped[str] = mapped_column(URL, default="")
    # home | column | list (a further page of a column) | detail | other
    kind: Mapped[str] = mapped_column(String(20), default="other")
    depth: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    content_type: Mapped[str] = mapped_column(String(200), default="")
    encoding: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    elapsed_ms: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(40), default="")
    # visible text, capped; the checks (privacy, wording, footer, soft 404) read this, never the network
    text: Mapped[str] = mapped_column(ZText, default="")
    # text written by scripts (document.write strings of inline and same-site scripts)
    script_text: Mapped[str] = mapped_column(ZText, default="")
    # national page meta set (SiteIDCode, ColumnName, PubDate, ...) and the detail metadata table
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Url(Base):
    """A URL, stored once whichever runs and pages link it: link occurrences refer to it by id."""

    __tablename__ = "urls"
    __table_args__ = (UniqueConstraint("hash", name="uq_url"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    hash: Mapped[str] = mapped_column(String(40))  # core.urls.url_hash
    url: Mapped[str] = mapped_column(URL)


class LinkSource(Base):
    """A page (or post) whose links a run stored, numbered in the order the run first wrote them
    (db.linksources): the links' key leads with this number."""

    __tablename__ = "link_sources"
    __table_args__ = (UniqueConstraint("run_id", "source_id", name="uq_link_source"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scan_runs.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(ForeignKey("urls.id"))


class Link(Base):
    """One occurrence of a link on a crawled page. The run's largest table (a couple of dozen rows
    per page), so its URLs are ids into `urls` and its key is its only b-tree (SQLite: WITHOUT
    ROWID, so no id and no second copy of the key): (run, source number, target, tag, attr). A
    crawl commit adds its links at the key's end, since sources are numbered as they are written
    (db.linksources); the checks that look links up by target (a few hundred broken or prohibited
    ones) read the run's part of the key, which holds target_id. `source_url`, `target_url` and
    their hashes read through to `urls`."""

    __tablename__ = "links"
    __table_args__ = (
        PrimaryKeyConstraint("run_id", "source_seq", "target_id", "tag", "attr", name="pk_links"),
        {"sqlite_with_rowid": False},
    )

    # the key's columns come first: SQLite 3.40's integrity_check misreads a WITHOUT ROWID row whose
    # key columns follow others (migration 0006 creates them in this order)
    # the key leads with run_id: it serves the run's cascade and every per-run query
    run_id: Mapped[int] = mapped_column(ForeignKey("scan_runs.id", ondelete="CASCADE"))
    # link_sources.id; no foreign key: deleting a run's sources would look for their links one by one
    source_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    target_id: Mapped[int] = mapped_column(ForeignKey("urls.id"))
    tag: Mapped[str] = mapped_column(String(20))  # a | img | script | link | iframe | ...
    attr: Mapped[str] = mapped_column(LinkAttr())  # href | src
    site_id: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[int] = mapped_column(ForeignKey("urls.id"))
    anchor: Mapped[str] = mapped_column(Text, default="")
    internal: Mapped[bool] = mapped_column(Boolean, default=True)
    attachment: Mapped[bool] = mapped_column(Boolean, default=False)
    # where on the page: nav | footer | body; lets an inspector find it and the score tell homepage links apart
    region: Mapped[str] = mapped_column(LinkRegion(), default="body")
    on_homepage: Mapped[bool] = mapped_column(Boolean, default=False)
    # hidden from readers (暗链): {"why": display:none | visibility:hidden | zero size | off-screen |
    # script, "markup": the hiding element's opening tag, "by_script": written by document.write};
    # None for a visible link (spiders.extract.hidden)
    hidden: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)

    source: Mapped[Url] = relationship(foreign_keys=[source_id], lazy="joined", innerjoin=True)
    target: Mapped[Url] = relationship(foreign_keys=[target_id], lazy="joined", innerjoin=True)

    # In queries these are correlated subqueries (fine for a page's links or a test); a query over
    # a run's links joins `urls` or filters source_id/target_id instead.
    @hybrid_property
    def source_url(self) -> str:
        return self.source.url

    @source_url.inplace.expression
    @classmethod
    def _source_url(cls) -> ColumnElement[str]:
        return _url_of(cls.source_id, Url.url)

    @hybrid_property
    def source_hash(self) -> str:
        return self.source.hash

    @source_hash.inplace.expression
    @classmethod
    def _source_hash(cls) -> ColumnElement[str]:
        return _url_of(cls.source_id, Url.hash)

    @hybrid_property
    def target_url(self) -> str:
        return self.target.url

    @target_url.inplace.expression
    @classmethod
    def _target_url(cls) -> ColumnElement[str]:
        return _url_of(cls.target_id, Url.url)

    @hybrid_property
    def target_hash(self) -> str:
        return self.target.hash

    @target_hash.inplace.expression
    @classmethod
    def _target_hash(cls) -> ColumnElement[str]:
        return _url_of(cls.target_id, Url.hash)


def _url_of(url_id: Any, column: Any) -> ColumnElement[Any]:
    return select(column).where(Url.id == url_id).scalar_subquery()


def link_order() -> tuple[Any, ...]:
    """Links in the order the run wrote their sources (the key's order, which it reads fastest)."""
    return (Link.run_id, Link.source_seq, Link.target_id, Link.tag, Link.attr)


@event.listens_for(Link, "before_insert")
def _number_source(mapper: Any, connection: Any, link: Link) -> None:
    # a link added through the ORM (tests, tools) is numbered as the pipeline numbers its batches
    if link.source_seq is None:
        from db.linksources import source_seqs

        link.source_seq = source_seqs(connection, link.run_id, [link.source_id])[link.source_id]


class LinkResult(Base):
    """What requesting a URL returned, once per URL per run (shared by every page linking to it)."""

    __tablename__ = "link_results"
    # uq_link_result leads with run_id (the cascade, the per-run queries); no query asks for one
    # site's results without its run
    __table_args__ = (UniqueConstraint("run_id", "url_hash", name="uq_link_result"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scan_runs.id", ondelete="CASCADE"))
    site_id: Mapped[str] = mapped_column(String(64))  # the site that first asked for it
    url: Mapped[str] = mapped_column(URL)
    url_hash: Mapped[str] = mapped_column(String(40))
    method: Mapped[str] = mapped_column(String(8), default="GET")
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)  # final HTTP status
    ok: Mapped[bool] = mapped_column(Boolean, default=False)
    # None when ok; else http | dns | refused | timeout | tls | redirect_loop | too_many_redirects |
    # reset | soft_404 | robots (not checked) | skipped (outside allowed networks) | other
    error_class: Mapped[str | None] = mapped_column(String(30), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    redirect_chain: Mapped[list[Any]] = mapped_column(default=list)  # [{url, status}, ...]
    final_url: Mapped[str] = mapped_column(URL, default="")
    content_type: Mapped[str] = mapped_column(String(200), default="")
    elapsed_ms: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # an external page read by GET (an outbound anchor): its title and the start of its visible
    # text, what prohibited_link judges; None when the target was not read as a page
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    excerpt: Mapped[str | None] = mapped_column(Text, nullable=True)


class Column(Base):
    """A column (栏目) of a site as found in a run, or the homepage's own item lists (kind=homepage)."""

    __tablename__ = "columns"
    __table_args__ = (UniqueConstraint("run_id", "site_id", "url_hash", name="uq_column"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scan_runs.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[str] = mapped_column(String(64), index=True)
    url: Mapped[str] = mapped_column(URL)
    url_hash: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    # news | notice | policy | personnel | planning | disclosure | interaction | service | other
    category: Mapped[str] = mapped_column(String(20), default="other")
    # list (a column with an item list) | hub (links to sub-columns only) | page (a single article
    # such as 政府信息公开指南) | homepage
    kind: Mapped[str] = mapped_column(String(20), default="list")
    # nav | disclosure | subnav | config | homepage
    source: Mapped[str] = mapped_column(String(20), default="nav")
    parent_url: Mapped[str | None] = mapped_column(URL, nullable=True)
    # guide | rules | statutory | annual_report | application, for 政府信息公开 sub-sections
    disclosure_section: Mapped[str | None] = mapped_column(String(20), nullable=True)
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pages_walked: Mapped[int] = mapped_column(Integer, default=0)
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    placeholder: Mapped[str | None] = mapped_column(String(100), nullable=True)  # e.g. 暂无信息
    pager: Mapped[str | None] = mapped_column(String(40), nullable=True)  # how pagination was found
    extractor: Mapped[str | None] = mapped_column(String(40), nullable=True)  # which list extractor read it
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)  # page cap hit before the last page
    # every list page the column's pager offered was read (none failed, no cap hit): its items
    # are the whole column, so an item missing now was not there then (backdated_item); None
    # when the crawl did not say
    complete: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class ColumnItem(Base):
    __tablename__ = "column_items"
    # uq_column_item leads with run_id, site_id: it serves the cascade and the per-site queries
    __table_args__ = (
        UniqueConstraint("run_id", "site_id", "column_hash", "url_hash", name="uq_column_item"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scan_runs.id", ondelete="CASCADE"))
    site_id: Mapped[str] = mapped_column(String(64))
    column_url: Mapped[str] = mapped_column(URL)
    column_hash: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(URL)
    url_hash: Mapped[str] = mapped_column(String(40))
    published: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # None = undated
    date_text: Mapped[str] = mapped_column(String(100), default="")
    date_source: Mapped[str | None] = mapped_column(String(20), nullable=True)  # list | url | page
    list_page_url: Mapped[str] = mapped_column(URL, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)  # order on the column's pages
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)


class Ipv6Check(Base):
    """Whether a site's homepage host has an AAAA record and answers over IPv6, once per run."""

    __tablename__ = "ipv6_checks"
    __table_args__ = (UniqueConstraint("run_id", "site_id", name="uq_ipv6_check"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scan_runs.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[str] = mapped_column(String(64), index=True)
    host: Mapped[str] = mapped_column(String(255))
    addresses: Mapped[list[Any]] = mapped_column(default=list)  # the AAAA answers
    # why there is no address: nxdomain | no_answer | timeout | error | ipv4_literal; None when found
    lookup_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    url: Mapped[str] = mapped_column(URL, default="")  # the homepage asked for over the first address
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ok: Mapped[bool] = mapped_column(Boolean, default=False)  # an HTTP answer came over IPv6
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Screenshot(Base):
    """A PNG of a page as Chromium showed it during a run: evidence for a column_empty,
    column_stale or site_unreachable finding (whose evidence names it by `screenshot_id`). Kept in
    the database, not on a worker's disk, so every worker and the review UI see the same evidence."""

    __tablename__ = "screenshots"
    __table_args__ = (UniqueConstraint("run_id", "site_id", "url_hash", name="uq_screenshot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scan_runs.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[str] = mapped_column(String(64), index=True)
    url: Mapped[str] = mapped_column(URL)  # the page asked for (a column's URL, the homepage)
    url_hash: Mapped[str] = mapped_column(String(40))
    final_url: Mapped[str] = mapped_column(URL, default="")  # where the browser ended up
    # why it was taken: empty | stale (a column's list at crawl time) | unreachable (homepage)
    reason: Mapped[str] = mapped_column(String(20))
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)  # HTTP status the browser saw
    error: Mapped[str | None] = mapped_column(Text, nullable=True)  # the navigation error, if any
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    size: Mapped[int] = mapped_column(Integer, default=0)  # bytes of png
    png: Mapped[bytes] = mapped_column(LargeBinary)
    taken_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Post(Base):
    """A post of a new-media account (政务微博 / 政务微信 / feed) as read in a run."""

    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("run_id", "account_id", "post_id", name="uq_post"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scan_runs.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[str] = mapped_column(String(64), index=True)
    post_id: Mapped[str] = mapped_column(String(200))
    posted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)  # local time (Asia/Shanghai)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(URL, default="")
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)  # pinned posts never decide freshness
    source_format: Mapped[str] = mapped_column(String(30), default="")  # weibo_container | wechat_freepublish | ...
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Probe(Base):
    """One availability probe of a site's homepage (站点无法访问 is judged over a week of these)."""

    __tablename__ = "probes"
    __table_args__ = (Index("ix_probes_site_at", "site_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(URL)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    ok: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    elapsed_ms: Mapped[int] = mapped_column(Integer, default=0)
    error_class: Mapped[str | None] = mapped_column(String(30), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


# --- findings and scores ----------------------------------------------------------------------


class Finding(Base):
    """An indicator problem of a site or account. One row per (subject, check, target), kept across
    runs so an inspector's review status survives rescans."""

    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("subject_id", "check_id", "target_hash", name="uq_finding"),
        # the web UI's findings list over a city's 100,000 findings (reports/findings_list.py): which
        # are current, counted from the index alone; pages walked in severity, then id, order
        Index("ix_findings_current", "status", "subject_id", "last_seen_run", "check_id", "severity", "unit_id"),
        Index("ix_findings_severity_id", "severity", "id"),
        Index("ix_findings_first_seen_at", "first_seen_at", "id"),
        Index("ix_findings_last_seen_at", "last_seen_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(10), default="site")  # site | account
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    check_id: Mapped[str] = mapped_column(String(40), index=True)
    severity: Mapped[str] = mapped_column(String(10))  # veto | deduct | notice
    url: Mapped[str] = mapped_column(URL, default="")
    target: Mapped[str] = mapped_column(URL)
    target_hash: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    first_seen_run: Mapped[int] = mapped_column(Integer)
    last_seen_run: Mapped[int] = mapped_column(Integer, index=True)
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # open | confirmed | dismissed | fixed
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    status_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    status_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class Score(Base):
    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("run_id", "subject", "subject_id", name="uq_score"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scan_runs.id", ondelete="CASCADE"), index=True)
    quarter: Mapped[str] = mapped_column(String(7), index=True)  # 2026Q4
    subject: Mapped[str] = mapped_column(String(10))  # site | account | unit
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    score: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    grade: Mapped[str] = mapped_column(String(10), default="")  # 不合格 | 合格 | 良好 ...
    vetoes: Mapped[list[Any]] = mapped_column(default=list)
    deductions: Mapped[list[Any]] = mapped_column(default=list)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# --- the review UI: its users, the review audit trail, rechecks asked from it ------------------


class User(Base):
    """A person who signs in to the web UI. A webmaster sees only their own unit's sites, accounts,
    findings and reports; an inspector sees every unit; an admin also manages users."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id, PHC string
    role: Mapped[str] = mapped_column(String(20))  # admin | inspector | webmaster
    unit_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # a webmaster's unit
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class ReviewEvent(Base):
    """One change of a finding's review status by a person or a recheck (who, when, from what to
    what, why): written by checks.engine.set_status for the CLI and the web UI alike."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    source: Mapped[str] = mapped_column(String(20), default="cli")  # cli | web | recheck
    old_status: Mapped[str] = mapped_column(String(12))
    new_status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class RecheckTask(Base):
    """A recheck asked from the web UI (one link, or one whole site), run by a child process that
    writes its progress and result here."""

    __tablename__ = "recheck_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))  # url | site
    site_id: Mapped[str] = mapped_column(String(64), index=True)
    unit_id: Mapped[str] = mapped_column(String(64), default="")
    url: Mapped[str] = mapped_column(URL, default="")
    finding_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(12), default="queued")  # queued | running | done | failed
    progress: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
