"""A batch of crawl items turned into rows, and its write as dialect-aware bulk upserts.

Pure data + SQL, no Scrapy: the pipeline decides when to write, this module what and how. Rows are
keyed by their table's unique constraint inside a batch, so one statement never touches a row twice
(PostgreSQL refuses ON CONFLICT DO UPDATE hitting the same row twice) and rewriting a URL twice in
a batch costs one row.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, func, update
from sqlalchemy.dialects import postgresql, sqlite

from core.items import (
    ColumnItemRecord,
    ColumnRecord,
    Ipv6Record,
    ItemBatch,
    LinkItem,
    LinkResultItem,
    PageItem,
    PostItem,
    ScreenshotItem,
    SiteScanItem,
)
from core.urls import url_hash
from db.linksources import source_seqs
from db.models import (
    Column,
    ColumnItem,
    Ipv6Check,
    Link,
    LinkResult,
    Page,
    Post,
    ScanRun,
    Screenshot,
    SiteScan,
    utcnow,
)
from db.urls import url_ids


@dataclass(frozen=True)
class Target:
    table: Table
    key: tuple[str, ...]
    # a later record of the same key replaces the earlier one (else the first one stays)
    replace: bool
    # columns a replacing record must not change
    keep: tuple[str, ...] = ()


PAGES = Target(Page.__table__, ("run_id", "site_id", "url_hash"), replace=True)  # type: ignore[arg-type]
# keyed by URL hashes in a batch; written with URL ids (db.urls) and source numbers (db.linksources),
# the links' key
LINKS = Target(Link.__table__, ("run_id", "source_hash", "target_hash", "tag", "attr"), replace=False)  # type: ignore[arg-type]
LINK_KEY = ("run_id", "source_seq", "target_id", "tag", "attr")
# site_id is "the site that first asked for it"
LINK_RESULTS = Target(LinkResult.__table__, ("run_id", "url_hash"), replace=True, keep=("site_id",))  # type: ignore[arg-type]
COLUMNS = Target(Column.__table__, ("run_id", "site_id", "url_hash"), replace=True)  # type: ignore[arg-type]
COLUMN_ITEMS = Target(ColumnItem.__table__, ("run_id", "site_id", "column_hash", "url_hash"), replace=False)  # type: ignore[arg-type]
# a post re-read later (edited, pinned since) replaces the earlier record
POSTS = Target(Post.__table__, ("run_id", "account_id", "post_id"), replace=True)  # type: ignore[arg-type]
# a page shot again in the same run (a column found empty, then rendered) keeps the last picture
SCREENSHOTS = Target(Screenshot.__table__, ("run_id", "site_id", "url_hash"), replace=True)  # type: ignore[arg-type]
IPV6_CHECKS = Target(Ipv6Check.__table__, ("run_id", "site_id"), replace=True)  # type: ignore[arg-type]
TARGETS = (PAGES, LINKS, LINK_RESULTS, COLUMNS, COLUMN_ITEMS, POSTS, SCREENSHOTS, IPV6_CHECKS)
SITE_SCAN_FINISHED = ("completed", "incomplete", "failed")

ITEM_TYPES = (PageItem, LinkItem, LinkResultItem, ColumnRecord, ColumnItemRecord, PostItem, SiteScanItem,
              ScreenshotItem, Ipv6Record, ItemBatch)


class RunNotRunning(RuntimeError):
    """The run is no longer 'running' (finished, or reaped as dead by another process)."""


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    # PostgreSQL text cannot hold NUL; pages of binary junk decoded as text do contain it. Strip it
    # on every database so both store the same text.
    for k, v in row.items():
        if isinstance(v, str) and "\x00" in v:
            row[k] = v.replace("\x00", "")
    return row


def _fields(item: Any) -> dict[str, Any]:
    # a shallow copy: dataclasses.asdict deep-copies every nested dict and list, and items are not
    # changed after they are yielded
    return dict(item.__dict__)


def to_row(item: Any, run_id: int) -> tuple[Target, dict[str, Any]] | None:
    """The table and row of a crawl item; None for SiteScanItem and foreign items."""
    found = _to_row(item, run_id)
    return None if found is None else (found[0], _clean(found[1]))


def _to_row(item: Any, run_id: int) -> tuple[Target, dict[str, Any]] | None:
    if isinstance(item, PageItem):
        row = _fields(item)
        row.update(run_id=run_id, url_hash=url_hash(item.url), fetched_at=utcnow())
        return PAGES, row
    if isinstance(item, LinkItem):
        row = _fields(item)
        row.update(run_id=run_id, source_hash=url_hash(item.source_url), target_hash=url_hash(item.target_url))
        return LINKS, row
    if isinstance(item, LinkResultItem):
        row = _fields(item)
        row.update(run_id=run_id, url_hash=url_hash(item.url), checked_at=utcnow())
        return LINK_RESULTS, row
    if isinstance(item, ColumnRecord):
        row = _fields(item)
        row.update(run_id=run_id, url_hash=url_hash(item.url))
        return COLUMNS, row
    if isinstance(item, ColumnItemRecord):
        row = _fields(item)
        row.update(run_id=run_id, column_hash=url_hash(item.column_url), url_hash=url_hash(item.url))
        return COLUMN_ITEMS, row
    if isinstance(item, PostItem):
        row = _fields(item)
        row.update(run_id=run_id)
        return POSTS, row
    if isinstance(item, ScreenshotItem):
        row = _fields(item)
        row.update(run_id=run_id, url_hash=url_hash(item.url), size=len(item.png), taken_at=utcnow())
        return SCREENSHOTS, row
    if isinstance(item, Ipv6Record):
        row = _fields(item)
        row.update(run_id=run_id, checked_at=utcnow())
        return IPV6_CHECKS, row
    return None


class Batch:
    """Items waiting for the next write.

    `newest`, shared by the batches of one pipeline: the snapshot number (core.items) of the last
    record kept per replaceable row, so a snapshot that arrives after a newer one of the same row
    (in this batch or an earlier one) is dropped instead of overwriting it."""

    def __init__(self, run_id: int, newest: dict[int, int] | None = None) -> None:
        self.run_id = run_id
        self.newest: dict[int, int] = {} if newest is None else newest
        self.rows: dict[Target, dict[tuple[Any, ...], dict[str, Any]]] = {t: {} for t in TARGETS}
        self.site_scans: list[SiteScanItem] = []
        self.items = 0

    def __len__(self) -> int:
        return self.items

    def add(self, item: Any) -> bool:
        """Buffer a crawl item (or each item of an ItemBatch); False (and nothing buffered) for an
        item of another kind."""
        if isinstance(item, ItemBatch):
            found_any = False
            for part in item.items:
                found_any = self.add(part) or found_any
            return found_any
        if isinstance(item, SiteScanItem):
            self.site_scans.append(item)
            self.items += 1
            return True
        found = to_row(item, self.run_id)
        if found is None:
            return False
        target, row = found
        rows = self.rows[target]
        key = tuple(row[c] for c in target.key)
        snapshot = row.pop("snapshot", None)
        if snapshot is not None:
            # a hash, not the key tuple: the map outlives the batch (one entry per replaceable row of
            # the crawl, 75,000 at 50,000 pages) and the tuple would keep its URL hashes alive; two
            # rows sharing a 64-bit hash in one crawl is a chance of about one in 10^9
            slot = hash((target.table.name, *key))
            if self.newest.get(slot, 0) > snapshot:
                self.items += 1
                return True
            self.newest[slot] = snapshot
        old = rows.get(key)
        if old is None:
            rows[key] = row
        elif target.replace:
            for c in target.keep:
                row[c] = old[c]
            rows[key] = row
        self.items += 1
        return True

    def counts(self) -> dict[str, int]:
        out = {t.table.name: len(rows) for t, rows in self.rows.items() if rows}
        if self.site_scans:
            out["site_scans"] = len(self.site_scans)
        return out


def _insert(conn: Connection, table: Table):  # type: ignore[no-untyped-def]
    name = conn.dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for database dialect {name!r} (SQLite and PostgreSQL are supported)")


def _write_rows(conn: Connection, target: Target, rows: list[dict[str, Any]]) -> None:
    stmt = _insert(conn, target.table)
    if target.replace:
        fixed = set(target.key) | set(target.keep) | {"id"}
        stmt = stmt.on_conflict_do_update(
            index_elements=list(target.key),
            set_={c: stmt.excluded[c] for c in rows[0] if c not in fixed},
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(target.key))
    # a list of parameter sets: one executemany per table
    conn.execute(stmt, rows)


def _write_links(conn: Connection, rows: list[dict[str, Any]]) -> None:
    urls = {r["source_hash"]: r["source_url"] for r in rows} | {r["target_hash"]: r["target_url"] for r in rows}
    ids = url_ids(conn, urls)
    seqs = source_seqs(conn, rows[0]["run_id"], (ids[r["source_hash"]] for r in rows))
    out = []
    for r in rows:
        row = {k: v for k, v in r.items() if k not in _LINK_URL_FIELDS}
        row["source_id"], row["target_id"] = ids[r["source_hash"]], ids[r["target_hash"]]
        row["source_seq"] = seqs[row["source_id"]]
        out.append(row)
    # in key order: the rows land at the end of the links' b-tree one after another, filling its pages
    out.sort(key=lambda r: (r["source_seq"], r["target_id"], r["tag"], r["attr"]))
    conn.execute(_insert(conn, LINKS.table).on_conflict_do_nothing(index_elements=list(LINK_KEY)), out)


_LINK_URL_FIELDS = frozenset(("source_url", "source_hash", "target_url", "target_hash"))


def _write_site_scan(conn: Connection, run_id: int, item: SiteScanItem) -> None:
    table: Table = SiteScan.__table__  # type: ignore[assignment]
    item = dataclasses.replace(item, **_clean({"home_url": item.home_url, "error": item.error}))
    now = utcnow()
    finished = now if item.status in SITE_SCAN_FINISHED else None
    stmt = _insert(conn, table).values(
        run_id=run_id, site_id=item.site_id, unit_id=item.unit_id, subject=item.subject, status=item.status,
        started_at=now, finished_at=finished, home_url=item.home_url, error=item.error, stats=item.stats,
    )
    changes: dict[str, Any] = {
        "unit_id": stmt.excluded.unit_id,
        "subject": stmt.excluded.subject,
        "status": stmt.excluded.status,
        "finished_at": stmt.excluded.finished_at,
        "error": stmt.excluded.error,
        # a record without a home URL or stats does not erase what an earlier one said
        "home_url": func.coalesce(func.nullif(stmt.excluded.home_url, ""), table.c.home_url),
    }
    if item.stats:
        changes["stats"] = stmt.excluded.stats
    conn.execute(stmt.on_conflict_do_update(index_elements=["run_id", "site_id"], set_=changes))


def touch_run(conn: Connection, run_id: int) -> None:
    """Heartbeat; refuses to go on writing into a run that is no longer running."""
    result = conn.execute(
        update(ScanRun).where(ScanRun.id == run_id, ScanRun.status == "running").values(heartbeat_at=utcnow())
    )
    if result.rowcount != 1:
        raise RunNotRunning(f"scan run {run_id} is not running any more (finished, or reaped as dead)")


def write_batch(conn: Connection, batch: Batch) -> int:
    """Write a batch and the run's heartbeat on `conn` inside the caller's transaction; returns the
    number of rows written."""
    # first: a run that was reaped or finished meanwhile must not receive more rows
    touch_run(conn, batch.run_id)
    written = 0
    for item in batch.site_scans:
        _write_site_scan(conn, batch.run_id, item)
        written += 1
    for target, rows in batch.rows.items():
        if rows:
            (_write_links(conn, list(rows.values())) if target is LINKS
             else _write_rows(conn, target, list(rows.values())))
            written += len(rows)
    return written
