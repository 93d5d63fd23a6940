"""DatabasePipeline: buffer crawl items and write them in batches, one transaction per flush.

Settings: GOVINSPECT_DB_URL (default: db.session.resolve_url), GOVINSPECT_RUN_ID (required; without
it the pipeline disables itself), GOVINSPECT_BATCH_SIZE (20000 items), GOVINSPECT_FLUSH_SECONDS (10.0),
GOVINSPECT_HEARTBEAT_SECONDS (30.0: an idle crawl still proves it is alive, see db.runs).

A flush happens when the buffer reaches the batch size, when it is older than the flush interval
(checked on every item and by a timer), and when the spider closes. Each flush is a single
transaction, so a process killed at any point leaves whole batches only. Writes are synchronous:
a batch of a few hundred rows takes milliseconds (durations are logged at DEBUG).

A connection the database dropped is replaced once per batch (see _write). On a database error
the pipeline logs it, records it in the crawl stats (govinspect/db/error) and
closes the spider with reason 'database_error' (when the failing flush is the last one, at close,
the spider is already closing: the pipeline then rewrites the stats' finish_reason to
'database_error'). What was committed before stays.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from crawler import settings as defaults
from db.session import make_engine, resolve_url
from pipelines.batch import ITEM_TYPES, Batch, touch_run, write_batch

log = logging.getLogger(__name__)

CLOSE_REASON = "database_error"


class DatabasePipeline:
    def __init__(
        self,
        db_url: str | None,
        run_id: int,
        *,
        batch_size: int = 500,
        flush_seconds: float = 2.0,
        heartbeat_seconds: float = 30.0,
        crawler: Any = None,
    ) -> None:
        self.db_url = resolve_url(db_url)
        self.run_id = int(run_id)
        self.batch_size = max(1, int(batch_size))
        self.flush_seconds = float(flush_seconds)
        self.heartbeat_seconds = float(heartbeat_seconds)
        self.crawler = crawler
        self.engine: Engine | None = None
        self.newest: dict[int, int] = {}  # see Batch
        self.batch = Batch(self.run_id, self.newest)
        self.failed: str | None = None
        self.flushes = 0
        self.rows_written = 0
        self._batch_started = time.monotonic()
        self._last_write = time.monotonic()
        self._timer: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> DatabasePipeline:
        s = crawler.settings
        run_id = s.get("GOVINSPECT_RUN_ID")
        if run_id in (None, ""):
            raise NotConfigured("GOVINSPECT_RUN_ID is not set (runs are started by scan.runner)")
        pipeline = cls(
            s.get("GOVINSPECT_DB_URL"),
            int(run_id),
            batch_size=s.getint("GOVINSPECT_BATCH_SIZE", defaults.GOVINSPECT_BATCH_SIZE),
            flush_seconds=s.getfloat("GOVINSPECT_FLUSH_SECONDS", defaults.GOVINSPECT_FLUSH_SECONDS),
            heartbeat_seconds=s.getfloat("GOVINSPECT_HEARTBEAT_SECONDS", defaults.GOVINSPECT_HEARTBEAT_SECONDS),
            crawler=crawler,
        )
        crawler.signals.connect(pipeline._spider_closed, signal=signals.spider_closed)
        return pipeline

    # --- Scrapy hooks (the optional spider argument keeps Scrapy < 2.14 working) ----------------

    def open_spider(self, spider: Any = None) -> None:
        self.open()
        if self.crawler is not None:
            from twisted.internet import task

            self._timer = task.LoopingCall(self._tick)
            self._timer.start(min(self.flush_seconds, self.heartbeat_seconds) or 1.0, now=False)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, ITEM_TYPES):
            return item
        if self.failed:
            self._stat_inc("govinspect/db/dropped_items")
            return item
        before = len(self.batch)
        self.batch.add(item)
        # items, not batches of them (crawler.middlewares.batch_items): what the run reports
        self._stat_inc("govinspect/items", len(self.batch) - before)
        if len(self.batch) >= self.batch_size or time.monotonic() - self._batch_started >= self.flush_seconds:
            self.flush()
        return item

    def close_spider(self, spider: Any = None) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        self._timer = None
        if not self.failed:
            self.flush()
        self.close()

    # --- programmatic use (tests, tools) ----------------------------------------------------

    def open(self) -> None:
        if self.engine is None:
            self.engine = make_engine(self.db_url)

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None

    def flush(self) -> bool:
        """Write the buffer in one transaction (with the run heartbeat); False if it failed."""
        if self.failed:
            return False
        if not len(self.batch):
            self._batch_started = time.monotonic()
            return True
        batch, self.batch = self.batch, Batch(self.run_id, self.newest)
        self._batch_started = time.monotonic()
        self.open()
        assert self.engine is not None
        t0 = time.perf_counter()
        try:
            rows = self._write(batch)
        except Exception as exc:  # any failure must stop the crawl, not lose batches silently
            self._fail(exc, f"writing a batch of {len(batch)} items ({batch.counts()})")
            return False
        elapsed = time.perf_counter() - t0
        self._last_write = time.monotonic()
        self.flushes += 1
        self.rows_written += rows
        self._stat_inc("govinspect/db/flushes")
        self._stat_inc("govinspect/db/rows", rows)
        self._stat_max("govinspect/db/flush_seconds_max", round(elapsed, 4))
        log.debug("run %s: flushed %d items as %d rows %s in %.3f s",
                  self.run_id, len(batch), rows, batch.counts(), elapsed)
        return True

    def _write(self, batch: Batch) -> int:
        """One transaction; a connection the server dropped (a restart, pg_terminate_backend, a
        failover) is replaced once and the batch written again — it is all upserts, so writing it
        twice is harmless. A database that stays away fails the second attempt too."""
        assert self.engine is not None
        try:
            with self.engine.begin() as conn:
                return write_batch(conn, batch)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            log.warning("run %s: the database dropped the connection (%s); writing the batch again on a new one",
                        self.run_id, (str(exc.orig or exc).strip().splitlines() or ["?"])[0])
            self._stat_inc("govinspect/db/reconnects")
        with self.engine.begin() as conn:
            return write_batch(conn, batch)

    def heartbeat(self) -> bool:
        if self.failed:
            return False
        self.open()
        assert self.engine is not None
        try:
            with self.engine.begin() as conn:
                touch_run(conn, self.run_id)
        except Exception as exc:
            self._fail(exc, "recording the run heartbeat")
            return False
        self._last_write = time.monotonic()
        return True

    # --- internals --------------------------------------------------------------------------

    def _tick(self) -> None:
        # called by the reactor timer; must never raise (LoopingCall would stop)
        try:
            now = time.monotonic()
            if len(self.batch) and now - self._batch_started >= self.flush_seconds:
                self.flush()
            elif now - self._last_write >= self.heartbeat_seconds:
                self.heartbeat()
        except Exception:
            log.exception("database pipeline timer failed")

    def _fail(self, exc: Exception, doing: str) -> None:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        self.failed = f"{type(exc).__name__}: {first_line}"
        log.error("database error while %s for run %s on %s: %s; closing the crawl (reason %r)",
                  doing, self.run_id, _safe_url(self.db_url), self.failed, CLOSE_REASON, exc_info=exc)
        self._stat_set("govinspect/db/error", self.failed)
        self._stat_inc("govinspect/db/errors")
        self._close_crawl()

    def _spider_closed(self, spider: Any = None, reason: str = "") -> None:
        # The last flush runs while the spider is already closing (reason 'finished'): closing it
        # again is impossible, so correct the recorded reason instead. This handler runs after
        # CoreStats' (extensions connect before pipelines exist), so the override sticks.
        if self.failed and (stats := self._stats()) is not None:
            stats.set_value("finish_reason", CLOSE_REASON)

    def _close_crawl(self) -> None:
        engine = getattr(self.crawler, "engine", None)
        if engine is None:
            return
        try:
            if hasattr(engine, "close_spider_async"):  # Scrapy >= 2.14
                from scrapy.utils.defer import deferred_from_coro

                d = deferred_from_coro(engine.close_spider_async(reason=CLOSE_REASON))
            else:
                d = engine.close_spider(self.crawler.spider, CLOSE_REASON)
        except Exception:
            log.exception("could not close the spider after the database error")
            return
        if d is not None and hasattr(d, "addErrback"):
            d.addErrback(lambda f: log.error("could not close the spider: %s", f.getErrorMessage()))

    def _stats(self) -> Any:
        return getattr(self.crawler, "stats", None)

    def _stat_inc(self, key: str, n: int = 1) -> None:
        if (stats := self._stats()) is not None:
            stats.inc_value(key, n)

    def _stat_set(self, key: str, value: Any) -> None:
        if (stats := self._stats()) is not None:
            stats.set_value(key, value)

    def _stat_max(self, key: str, value: float) -> None:
        if (stats := self._stats()) is not None:
            stats.max_value(key, value)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<database>"
