"""The issue's acceptance criterion: a writer killed with SIGKILL mid-crawl leaves a sound database
with whole batches only; its run stays 'running' until reaped as 'incomplete'; the next run starts
and completes on the same database. On a SQLite file and on PostgreSQL.

The writer is a real child process (this file run as a script) driving DatabasePipeline exactly as
Scrapy would, one group of items per "page": the page, its links, its list entry and its link check.
"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
import time

import pytest
from conftest_db import assert_recovers_after_kill, kill_hard, make_registry, read_lines_until
from sqlalchemy import event, text

from core.items import ColumnItemRecord, LinkItem, LinkResultItem, PageItem
from db import runs
from db.session import make_engine, session_factory
from pipelines.database import DatabasePipeline

SITE = "site-a1"
HOME = "http://127.0.2.1/"
COLUMN = f"{HOME}xwdt/"
LINKS_PER_PAGE = 8
GROUP = 1 + LINKS_PER_PAGE + 2  # page, links, column item, link result
PAGES_PER_BATCH = 20
HANG_AT_FLUSH = 4  # in_commit mode: the 4th batch is written but its COMMIT never comes


def group(n: int) -> list[object]:
    url = f"{COLUMN}t20261102_{n}.html"
    items: list[object] = [PageItem(site_id=SITE, url=url, final_url=url, kind="detail", depth=2, status=200,
                                    title=f"第{n}条", text="正文" * 50)]
    items += [LinkItem(site_id=SITE, source_url=url, target_url=f"{HOME}a/{n}/{k}.pdf", tag="a", attr="href",
                       attachment=True) for k in range(LINKS_PER_PAGE)]
    items.append(ColumnItemRecord(site_id=SITE, column_url=COLUMN, title=f"第{n}条", url=url,
                                  published=dt.date(2026, 11, 2), position=n))
    items.append(LinkResultItem(site_id=SITE, url=url, method="GET", status=200, ok=True))
    return items


def child(url: str, mode: str) -> None:
    engine = make_engine(url)
    with session_factory(engine)() as s:
        run_id = runs.start_run(s, dt.date(2026, 11, 30), "full", "", [SITE]).id
    engine.dispose()
    print(f"run {run_id}", flush=True)

    class Reporting(DatabasePipeline):
        def flush(self) -> bool:
            ok = super().flush()
            print(f"committed {self.flushes}", flush=True)
            return ok

    p = Reporting(url, run_id, batch_size=GROUP * PAGES_PER_BATCH, flush_seconds=3600)
    p.open()
    if mode == "in_commit":
        # hang at the COMMIT that follows the last table of the batch (column_items): every row of
        # the batch is then written but not committed
        last_table_written = []

        @event.listens_for(p.engine, "before_cursor_execute")
        def _seen(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
            if p.flushes + 1 == HANG_AT_FLUSH and statement.startswith("INSERT INTO column_items"):
                last_table_written.append(True)

        @event.listens_for(p.engine, "commit")
        def _hang(conn):  # type: ignore[no-untyped-def]
            if last_table_written:
                print("in-transaction", flush=True)
                time.sleep(60)

    for n in range(1_000_000):
        for item in group(n):
            p.process_item(item)


@pytest.mark.parametrize("mode", ["in_commit", "random"])
def test_sigkill_mid_crawl(db_url: str, mode: str) -> None:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        runs.sync_registry(s, make_registry())
    engine.dispose()

    proc = subprocess.Popen([sys.executable, __file__, db_url, mode], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        run_id = int(read_lines_until(proc, lambda line: line.startswith("run ")).split()[1])
        if mode == "in_commit":
            read_lines_until(proc, lambda line: line == "in-transaction")
        else:
            read_lines_until(proc, lambda line: line == "committed 3")
            time.sleep(random.uniform(0, 0.05))
        kill_hard(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]

    engine = make_engine(db_url)
    with engine.connect() as conn:
        pages = conn.execute(text("SELECT count(*) FROM pages WHERE run_id = :r"), {"r": run_id}).scalar_one()
        # whole batches only ...
        assert pages % PAGES_PER_BATCH == 0 and pages >= 3 * PAGES_PER_BATCH, pages
        if mode == "in_commit":
            assert pages == (HANG_AT_FLUSH - 1) * PAGES_PER_BATCH  # the uncommitted batch left no trace
        # ... and every page of them complete: its links, its list entry, its link check
        incomplete = conn.execute(text("""
            SELECT p.url FROM pages p
            WHERE p.run_id = :r AND (
                (SELECT count(*) FROM links l JOIN urls u ON u.id = l.source_id
                 WHERE l.run_id = p.run_id AND u.hash = p.url_hash) <> :k
                OR NOT EXISTS (SELECT 1 FROM column_items c WHERE c.run_id = p.run_id AND c.url_hash = p.url_hash)
                OR NOT EXISTS (SELECT 1 FROM link_results r WHERE r.run_id = p.run_id AND r.url_hash = p.url_hash))
        """), {"r": run_id, "k": LINKS_PER_PAGE}).scalars().all()
        assert incomplete == []
        for table, per_page in (("links", LINKS_PER_PAGE), ("column_items", 1), ("link_results", 1)):
            n = conn.execute(text(f"SELECT count(*) FROM {table} WHERE run_id = :r"), {"r": run_id}).scalar_one()
            assert n == pages * per_page, table  # nothing of a half batch either
    engine.dispose()

    def write_more(new_run: int) -> None:
        p = DatabasePipeline(db_url, new_run, batch_size=50)
        for n in range(30):
            for item in group(n):
                p.process_item(item)
        p.close_spider()

    new_run = assert_recovers_after_kill(db_url, run_id, [SITE], work=write_more)
    engine = make_engine(db_url)
    with engine.connect() as conn:
        counts = dict(conn.execute(text("SELECT run_id, count(*) FROM pages GROUP BY run_id")).all())
    engine.dispose()
    assert counts == {run_id: pages, new_run: 30}


if __name__ == "__main__":
    child(sys.argv[1], sys.argv[2])
