"""DatabasePipeline: batching, upsert semantics per table, heartbeat, failure handling."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest_db import make_registry
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.items import (
    ColumnItemRecord,
    ColumnRecord,
    LinkItem,
    LinkResultItem,
    PageItem,
    PostItem,
    SiteScanItem,
)
from core.urls import url_hash
from db import runs
from db.models import Column, ColumnItem, Link, LinkResult, Page, Post, ScanRun, SiteScan, link_order, utcnow
from db.session import make_engine, session_factory
from pipelines.database import DatabasePipeline

HOME = "http://127.0.2.1/"


@pytest.fixture
def run_id(db_url: str) -> int:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        runs.sync_registry(s, make_registry())
        rid = runs.start_run(s, dt.date(2026, 11, 30), "full", "", ["site-a1"]).id
    engine.dispose()
    return rid


@pytest.fixture
def read(db_session: Session) -> Session:  # conftest_db: SQLite and PostgreSQL
    return db_session


def rows(session: Session, model: Any) -> list[Any]:
    session.expire_all()
    session.rollback()  # a fresh snapshot
    return list(session.scalars(select(model).order_by(*(link_order() if model is Link else (model.id,)))))


def page(url: str = HOME, **kw: Any) -> PageItem:
    return PageItem(**{"site_id": "site-a1", "url": url, "final_url": url, "kind": "home", "depth": 0,
                       "status": 200, **kw})


def link(source: str, target: str, **kw: Any) -> LinkItem:
    return LinkItem(**{"site_id": "site-a1", "source_url": source, "target_url": target, "tag": "a",
                       "attr": "href", **kw})


class FakeEngine:
    def __init__(self) -> None:
        self.closed: list[str] = []

    def close_spider_async(self, *, reason: str) -> None:
        # the real one is a coroutine scheduled on the reactor (see test_pipeline_scrapy.py)
        self.closed.append(reason)


class FakeCrawler:
    def __init__(self) -> None:
        self.stats = MemoryStatsCollector(get_crawler())
        self.engine = FakeEngine()


def test_every_item_kind_is_written(db_url: str, run_id: int, read: Session) -> None:
    p = DatabasePipeline(db_url, run_id, batch_size=100, flush_seconds=60)
    p.open_spider()
    col = f"{HOME}xwdt/"
    items = [
        SiteScanItem(site_id="site-a1", unit_id="county-a", status="running", home_url=HOME),
        page(meta={"meta": {"SiteName": "某县人民政府"}, "when": dt.date(2026, 11, 2)}, text="正文\x00文字"),
        link(HOME, col, anchor="新闻动态", region="nav", on_homepage=True),
        LinkResultItem(site_id="site-a1", url=col, method="GET", status=200, ok=True,
                       redirect_chain=[{"url": col, "status": 301}]),
        ColumnRecord(site_id="site-a1", url=col, name="新闻动态", category="news", kind="list", source="nav"),
        ColumnItemRecord(site_id="site-a1", column_url=col, title="通知", url=f"{col}t20261102_1.html",
                         published=dt.date(2026, 11, 2), date_source="list"),
        {"a": "foreign item"},
    ]
    for item in items:
        assert p.process_item(item) is item
    assert rows(read, Page) == []  # buffered, not yet written
    p.close_spider()
    pg = rows(read, Page)[0]
    assert (pg.run_id, pg.url_hash, pg.status, pg.text) == (run_id, url_hash(HOME), 200, "正文文字")
    assert pg.meta == {"meta": {"SiteName": "某县人民政府"}, "when": "2026-11-02"}
    ln = rows(read, Link)[0]
    assert (ln.source_hash, ln.target_hash, ln.region, ln.on_homepage) == (url_hash(HOME), url_hash(col), "nav", True)
    lr = rows(read, LinkResult)[0]
    assert (lr.url_hash, lr.ok, lr.redirect_chain) == (url_hash(col), True, [{"url": col, "status": 301}])
    c = rows(read, Column)[0]
    assert (c.url_hash, c.name, c.category) == (url_hash(col), "新闻动态", "news")
    ci = rows(read, ColumnItem)[0]
    assert (ci.column_hash, ci.published, ci.date_source) == (url_hash(col), dt.date(2026, 11, 2), "list")
    ss = rows(read, SiteScan)
    assert [(s.site_id, s.status, s.home_url) for s in ss] == [("site-a1", "running", HOME)]
    assert p.flushes == 1 and p.rows_written == 6


def test_upsert_semantics(db_url: str, run_id: int, read: Session) -> None:
    p = DatabasePipeline(db_url, run_id, batch_size=1000, flush_seconds=60)
    other = "http://example.org/x"
    for batch in range(2):  # the same records within one batch and across batches
        for n in range(2):
            version = f"{batch}.{n}"
            p.process_item(page(title=f"v{version}"))
            p.process_item(link(HOME, other, anchor=f"v{version}"))
            p.process_item(LinkResultItem(site_id=f"site-{version}", url=other, method="GET", status=404,
                                          ok=False, error_class="http", error=f"v{version}"))
            p.process_item(ColumnRecord(site_id="site-a1", url=HOME, name=f"v{version}", category="news",
                                        kind="homepage", source="homepage", item_count=int(batch * 10 + n)))
            p.process_item(ColumnItemRecord(site_id="site-a1", column_url=HOME, title=f"v{version}", url=other,
                                            published=None, position=n))
        assert p.flush()
    # pages, link results, columns: the last record wins
    assert [r.title for r in rows(read, Page)] == ["v1.1"]
    assert [(r.error, r.site_id) for r in rows(read, LinkResult)] == [("v1.1", "site-0.0")]  # site: the first asker
    assert [(r.name, r.item_count) for r in rows(read, Column)] == [("v1.1", 11)]
    # links, column items: the first one stays
    assert [r.anchor for r in rows(read, Link)] == ["v0.0"]
    assert [r.title for r in rows(read, ColumnItem)] == ["v0.0"]
    # a link differing only in tag/attr is another occurrence
    p.process_item(link(HOME, other, tag="img", attr="src"))
    p.close_spider()
    assert len(rows(read, Link)) == 2


def test_site_scan_item_upserts_by_run_and_site(db_url: str, run_id: int, read: Session) -> None:
    p = DatabasePipeline(db_url, run_id, batch_size=1, flush_seconds=60)
    p.process_item(SiteScanItem(site_id="site-a1", unit_id="county-a", status="running", home_url=HOME))
    p.process_item(SiteScanItem(site_id="site-a1", unit_id="county-a", status="running", stats={"pages": 1}))
    p.process_item(SiteScanItem(site_id="site-a1", unit_id="county-a", status="completed"))
    p.process_item(SiteScanItem(site_id="site-x", unit_id="county-a", status="failed", error="dns"))
    p.close_spider()
    scans = {s.site_id: s for s in rows(read, SiteScan)}
    a1 = scans["site-a1"]
    assert (a1.status, a1.home_url, a1.stats) == ("completed", HOME, {"pages": 1})
    assert a1.finished_at is not None
    assert (scans["site-x"].status, scans["site-x"].error) == ("failed", "dns")


def test_posts_upsert_by_account_and_post_id(db_url: str, run_id: int, read: Session) -> None:
    p = DatabasePipeline(db_url, run_id, batch_size=2)
    when = dt.datetime(2026, 11, 2, 16, 16)
    p.process_item(PostItem(account_id="acct-b1", post_id="42", posted_at=when, title="旧", raw={"id": 42}))
    p.process_item(PostItem(account_id="acct-b1", post_id="43", posted_at=None, text="无日期"))
    p.process_item(PostItem(account_id="acct-b1", post_id="42", posted_at=when, title="新", pinned=True))
    p.close_spider()
    posts = {r.post_id: r for r in rows(read, Post)}
    assert set(posts) == {"42", "43"}
    assert (posts["42"].title, posts["42"].pinned, posts["42"].posted_at) == ("新", True, when)
    assert posts["43"].posted_at is None and posts["43"].text == "无日期"


def test_flush_on_size_time_and_close(db_url: str, run_id: int, read: Session) -> None:
    p = DatabasePipeline(db_url, run_id, batch_size=3, flush_seconds=3600)
    for n in range(7):
        p.process_item(page(f"{HOME}p{n}.html"))
    assert len(rows(read, Page)) == 6 and p.flushes == 2
    p.flush_seconds = 0  # every item is "old enough"
    p.process_item(page(f"{HOME}p7.html"))
    assert len(rows(read, Page)) == 8
    p.flush_seconds = 3600
    p.process_item(page(f"{HOME}p8.html"))
    assert len(rows(read, Page)) == 8
    p.close_spider()
    assert len(rows(read, Page)) == 9


def test_flush_updates_heartbeat(db_url: str, run_id: int, read: Session) -> None:
    read.execute(text("UPDATE scan_runs SET heartbeat_at = :t WHERE id = :r"),
                 {"t": utcnow() - dt.timedelta(hours=1), "r": run_id})
    read.commit()
    p = DatabasePipeline(db_url, run_id, batch_size=1)
    p.process_item(page())
    run = rows(read, ScanRun)[0]
    assert utcnow() - run.heartbeat_at < dt.timedelta(seconds=5)
    read.execute(text("UPDATE scan_runs SET heartbeat_at = :t WHERE id = :r"),
                 {"t": utcnow() - dt.timedelta(hours=1), "r": run_id})
    read.commit()
    assert p.heartbeat()  # what the timer does when no items come
    assert utcnow() - rows(read, ScanRun)[0].heartbeat_at < dt.timedelta(seconds=5)
    p.close()


def test_database_error_closes_the_crawl_and_keeps_committed(db_url: str, run_id: int, read: Session) -> None:
    crawler = FakeCrawler()
    p = DatabasePipeline(db_url, run_id, batch_size=2, crawler=crawler)
    p.process_item(page(f"{HOME}a.html"))
    p.process_item(link(f"{HOME}a.html", HOME))  # first batch committed
    read.execute(text("DROP TABLE links"))
    read.commit()
    p.process_item(page(f"{HOME}b.html"))
    p.process_item(link(f"{HOME}b.html", HOME))  # second batch fails
    assert p.failed and "links" in p.failed
    assert crawler.engine.closed == ["database_error"]
    p.process_item(page(f"{HOME}c.html"))  # dropped, counted
    p.close_spider()
    stats = crawler.stats.get_stats()
    assert stats["govinspect/db/errors"] == 1 and "links" in stats["govinspect/db/error"]
    assert stats["govinspect/db/dropped_items"] == 1
    assert [r.url for r in rows(read, Page)] == [f"{HOME}a.html"]  # the failed batch was rolled back whole


def test_a_reaped_run_gets_no_more_rows(db_url: str, run_id: int, read: Session) -> None:
    p = DatabasePipeline(db_url, run_id, batch_size=1)
    runs.finish_run(read, run_id, "incomplete", error="reaped")
    assert p.process_item(page()) is not None
    assert p.failed and "not running" in p.failed
    assert rows(read, Page) == []
    p.close_spider()


def test_from_crawler_settings(tmp_path: Any) -> None:
    crawler = get_crawler(settings_dict={"GOVINSPECT_DB_URL": str(tmp_path / "x.db"), "GOVINSPECT_RUN_ID": "7",
                                         "GOVINSPECT_BATCH_SIZE": 50, "GOVINSPECT_FLUSH_SECONDS": 0.5})
    p = DatabasePipeline.from_crawler(crawler)
    assert (p.run_id, p.batch_size, p.flush_seconds) == (7, 50, 0.5)
    assert p.db_url == f"sqlite:///{tmp_path / 'x.db'}"
    defaults = DatabasePipeline.from_crawler(get_crawler(settings_dict={"GOVINSPECT_RUN_ID": 1}))
    assert (defaults.batch_size, defaults.flush_seconds) == (20000, 10.0)
    with pytest.raises(NotConfigured, match="GOVINSPECT_RUN_ID"):
        DatabasePipeline.from_crawler(get_crawler())


def test_bulk_write_speed(db_url: str, run_id: int, read: Session) -> None:
    """Bulk statements, not a round trip per row: 10 000 link rows in a few dozen statements."""
    from sqlalchemy import event

    p = DatabasePipeline(db_url, run_id, batch_size=500)
    p.open()
    assert p.engine is not None
    statements: list[str] = []
    event.listen(p.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for n in range(10_000):
        p.process_item(link(f"{HOME}p{n // 50}.html", f"{HOME}t{n}.html"))
    p.close_spider()
    assert read.scalar(select(func.count()).select_from(Link)) == 10_000
    # 20 batches of 500: a handful of statements each (URLs, rows, the run's heartbeat), never one per row
    assert len(statements) <= 20 * 10, f"{len(statements)} statements for 10 000 links"
