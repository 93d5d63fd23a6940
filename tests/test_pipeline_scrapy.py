"""DatabasePipeline inside a real Scrapy crawl (a subprocess: one reactor per process): settings,
the reactor timer (time-based flush and heartbeat while idle), and closing the crawl with
'database_error' when the database fails."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from conftest_db import make_registry
from sqlalchemy import text

from db import runs
from db.migrate import upgrade
from db.session import make_engine, session_factory

CRAWL = r'''
import asyncio, json, sqlite3, sys, time
import scrapy
from scrapy.crawler import CrawlerProcess
from core.items import LinkItem, PageItem

# [{"name", "db", "run", "batch", "flush", "idle"}, ...]: crawls run side by side in one reactor
CRAWLS = json.loads(sys.argv[1])
HOME = "http://127.0.2.1/"


def count(path, table):
    with sqlite3.connect(path) as c:
        return c.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


class ItemsSpider(scrapy.Spider):
    name = "items"

    def __init__(self, db_path, idle_checks, **kw):
        super().__init__(**kw)
        self.db_path, self.idle_checks = db_path, idle_checks

    async def start(self):
        # items come from a callback as in a real crawl (a data: URI, no network). Scrapy 2.19 never
        # completes a close requested while only start()-yielded items are in flight.
        yield scrapy.Request("data:,go", callback=self.parse_items)

    async def parse_items(self, response):
        for n in range(300):
            yield PageItem(site_id="site-a1", url=f"{HOME}p{n}.html", final_url="", kind="detail", depth=1, status=200)
            for k in range(3):
                yield LinkItem(site_id="site-a1", source_url=f"{HOME}p{n}.html", target_url=f"{HOME}t{k}", tag="a", attr="href")
            if n % 50 == 0:
                await asyncio.sleep(0.01)
        if self.idle_checks:
            # no items for a while: the timer must flush the old batch, then keep the heartbeat going
            await asyncio.sleep(0.8)
            self.crawler.stats.set_value("test/pages_while_idle", count(self.db_path, "pages"))
            with sqlite3.connect(self.db_path) as c:
                c.execute("UPDATE scan_runs SET heartbeat_at = '2000-01-01 00:00:00'")
            await asyncio.sleep(0.8)
            with sqlite3.connect(self.db_path) as c:
                hb = c.execute("SELECT heartbeat_at FROM scan_runs").fetchone()[0]
            self.crawler.stats.set_value("test/heartbeat_after_idle", hb)
            yield PageItem(site_id="site-a1", url=f"{HOME}last.html", final_url="", kind="detail", depth=1, status=200)


def settings(c):
    return {
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "ITEM_PIPELINES": {"pipelines.database.DatabasePipeline": 300},
        "GOVINSPECT_DB_URL": c["db"], "GOVINSPECT_RUN_ID": c["run"],
        "GOVINSPECT_BATCH_SIZE": c["batch"], "GOVINSPECT_FLUSH_SECONDS": c["flush"],
        "GOVINSPECT_HEARTBEAT_SECONDS": 0.2,
        "LOG_LEVEL": "INFO", "TELNETCONSOLE_ENABLED": False, "LOG_INSTALL_ROOT_HANDLER": True,
    }


process = CrawlerProcess(settings(CRAWLS[0]))
crawlers = {}
for c in CRAWLS:
    # each crawl its own settings (database, run, batching) through a spider subclass
    cls = type(c["name"], (ItemsSpider,), {"name": c["name"], "custom_settings": settings(c)})
    crawlers[c["name"]] = process.create_crawler(cls)
    process.crawl(crawlers[c["name"]], db_path=c["db"], idle_checks=c["idle"])
process.start()
out = {}
for name, cr in crawlers.items():
    out[name] = {k: (v if isinstance(v, (int, float, str)) else str(v)) for k, v in cr.stats.get_stats().items()
                 if k.startswith(("govinspect/", "test/", "finish_reason", "item_scraped_count"))}
print(json.dumps(out))
'''


def _db_with_run(path: Path) -> tuple[str, int]:
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    with session_factory(engine)() as s:
        runs.sync_registry(s, make_registry())
        run_id = runs.start_run(s, dt.date(2026, 11, 30), "full", "", ["site-a1"]).id
    engine.dispose()
    return url, run_id


def test_pipeline_in_a_real_crawl(tmp_path: Path) -> None:
    crawls = []
    for name, batch, flush, idle, broken in [
        ("good", 100_000, 0.2, True, False),  # time-based flushes only (timer and items), then close
        ("bad", 100, 60.0, False, True),  # fails on a size flush mid-crawl
        ("late", 100_000, 60.0, False, True),  # fails on the only flush, at close
    ]:
        url, run_id = _db_with_run(tmp_path / f"{name}.db")
        if broken:
            engine = make_engine(url)
            with engine.begin() as conn:
                conn.execute(text("DROP TABLE links"))
            engine.dispose()
        crawls.append({"name": name, "db": str(tmp_path / f"{name}.db"), "run": run_id, "batch": batch,
                       "flush": flush, "idle": idle})
    script = tmp_path / "crawl.py"
    script.write_text(CRAWL)
    proc = subprocess.run([sys.executable, str(script), json.dumps(crawls)], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    good, bad, late = out["good"], out["bad"], out["late"]
    ok_url = f"sqlite:///{tmp_path / 'good.db'}"

    assert good["finish_reason"] == "finished", proc.stderr[-4000:]
    assert good["item_scraped_count"] == 1201
    assert good["test/pages_while_idle"] == 300  # flushed by the timer, no item arrived to trigger it
    assert not good["test/heartbeat_after_idle"].startswith("2000-")  # the idle crawl still beat
    assert "govinspect/db/error" not in good
    engine = make_engine(ok_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pages")).scalar() == 301
        assert conn.execute(text("SELECT count(*) FROM links")).scalar() == 900
    engine.dispose()

    assert bad["finish_reason"] == "database_error", proc.stderr[-4000:]
    assert "links" in bad["govinspect/db/error"]
    assert bad["govinspect/db/dropped_items"] > 0  # items after the failure are not written
    assert "database error while writing a batch" in proc.stderr
    # the crawl was already closing ('finished') when its last flush failed: not reported as finished
    assert late["finish_reason"] == "database_error"
    assert late["item_scraped_count"] == 1200 and "links" in late["govinspect/db/error"]
