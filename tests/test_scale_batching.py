"""Items travel in batches: a callback's items leave the spider as one ItemBatch
(crawler.middlewares.batch_items) and the database pipeline writes each of them."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from conftest_db import make_registry
from scrapy import Request
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select

from core.items import ColumnRecord, ItemBatch, LinkItem, PageItem
from crawler.logformatter import QuietLogFormatter
from crawler.middlewares.batch_items import ItemBatchMiddleware
from db import runs
from db.models import Column, Link, Page
from db.session import make_engine, session_factory
from pipelines.database import DatabasePipeline

HOME = "http://127.0.2.1/"


def _page(n: int) -> PageItem:
    return PageItem(site_id="site-a1", url=f"{HOME}p{n}.html", final_url="", kind="detail", depth=1, status=200)


def _link(n: int, k: int) -> LinkItem:
    return LinkItem(site_id="site-a1", source_url=f"{HOME}p{n}.html", target_url=f"{HOME}t{k}", tag="a", attr="href")


def _output() -> list[Any]:
    return [Request(f"{HOME}a"), _page(1), _link(1, 1), Request(f"{HOME}b"), _link(1, 2)]


def _run(output: Any) -> list[Any]:
    async def gen() -> Any:
        for o in output:
            if isinstance(o, Exception):
                raise o
            yield o

    async def collect() -> list[Any]:
        got: list[Any] = []
        try:
            async for o in ItemBatchMiddleware().process_spider_output(None, gen()):
                got.append(o)
        except ValueError:
            got.append("raised")
        return got

    return asyncio.run(collect())


def test_requests_pass_items_follow_as_one_batch() -> None:
    out = _run(_output())
    assert [type(o).__name__ for o in out] == ["Request", "Request", "ItemBatch"]
    assert out[2].items == [_page(1), _link(1, 1), _link(1, 2)]


def test_a_single_item_is_not_wrapped_and_no_items_no_batch() -> None:
    assert _run([_page(1)]) == [_page(1)]
    assert [type(o).__name__ for o in _run([Request(HOME)])] == ["Request"]


def test_a_failing_callback_still_delivers_what_it_yielded() -> None:
    assert _run([_page(1), _link(1, 1), ValueError("parser bug")]) == [ItemBatch([_page(1), _link(1, 1)]), "raised"]


def test_no_scraped_log_record() -> None:
    assert QuietLogFormatter().scraped(_page(1), None, None) is None


def _open_pipeline(db_url: str) -> tuple[Any, int, Any, DatabasePipeline]:
    """A started run of site-a1 and an open pipeline writing into it."""
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        runs.sync_registry(s, make_registry())
        run_id = runs.start_run(s, dt.date(2026, 11, 30), "full", "", ["site-a1"]).id
    crawler = get_crawler(settings_dict={"GOVINSPECT_DB_URL": db_url, "GOVINSPECT_RUN_ID": run_id})
    crawler.stats.open_spider()
    pipeline = DatabasePipeline.from_crawler(crawler)
    pipeline.open()
    return engine, run_id, crawler, pipeline


def test_pipeline_writes_every_item_of_a_batch(db_url: str) -> None:
    engine, run_id, crawler, pipeline = _open_pipeline(db_url)
    for n in range(3):
        pipeline.process_item(ItemBatch([_page(n)] + [_link(n, k) for k in range(4)]))
    pipeline.close_spider()
    assert crawler.stats.get_value("govinspect/items") == 15
    with session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(Page).where(Page.run_id == run_id)) == 3
        assert s.scalar(select(func.count()).select_from(Link).where(Link.run_id == run_id)) == 12
    engine.dispose()


def _column(name: str, walked: int, count: int) -> ColumnRecord:
    return ColumnRecord(site_id="site-a1", url=f"{HOME}{name}/", name=name, category="news", kind="list",
                        source="nav", pages_walked=walked, item_count=count)


def _column_rows(db_url: str, deliveries: list[ColumnRecord | None]) -> dict[str, tuple[int, int]]:
    """The column rows after the pipeline got `deliveries` in that order (None: a flush)."""
    engine, run_id, crawler, pipeline = _open_pipeline(db_url)
    for item in deliveries:
        pipeline.flush() if item is None else pipeline.process_item(item)
    pipeline.close_spider()
    with session_factory(engine)() as s:
        rows = {c.name: (c.pages_walked, c.item_count)
                for c in s.scalars(select(Column).where(Column.run_id == run_id))}
    engine.dispose()
    return rows


def test_a_snapshot_that_arrives_after_a_newer_one_does_not_replace_it(db_url: str) -> None:
    # Scrapy iterates several callbacks' outputs at once: the column state made while one proxy
    # page was read can reach the pipeline after the one made when the last page was
    older_a, newer_a = _column("a", 2, 25), _column("a", 3, 27)
    older_b, newer_b = _column("b", 2, 25), _column("b", 3, 27)
    # and a snapshot made later still replaces an earlier one
    first_c, second_c = _column("c", 1, 10), _column("c", 3, 27)
    first_d, second_d = _column("d", 1, 10), _column("d", 3, 27)
    rows = _column_rows(db_url, [newer_a, older_a, first_c, second_c, newer_b, first_d, None,
                                 older_b, second_d])
    assert rows == {"a": (3, 27), "b": (3, 27), "c": (3, 27), "d": (3, 27)}
