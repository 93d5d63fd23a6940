"""The `urls` table: each URL stored once, whichever runs and pages link it; link occurrences
carry its id."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, Select, Table, select, text
from sqlalchemy.dialects import sqlite

from db.models import Url

_CHUNK = 500  # hashes per IN list (SQLite)

# PostgreSQL: one array parameter instead of hundreds of scalar ones, which psycopg would parse
# into a new statement for every batch
_PG_READ = text("SELECT hash, id FROM urls WHERE hash = ANY(CAST(:hashes AS varchar[]))")
# in hash order, as every writer: two transactions adding the same URLs lock them in one order
# and one waits for the other instead of both deadlocking
_PG_ADD = text("INSERT INTO urls (hash, url) SELECT h, u FROM unnest(CAST(:hashes AS varchar[]), "
               "CAST(:urls AS text[])) AS added(h, u) ORDER BY h ON CONFLICT (hash) DO NOTHING RETURNING hash, id")


def url_ids(conn: Connection, urls: Mapping[str, str]) -> dict[str, int]:
    """hash -> id of the URLs given as hash -> URL, adding those the table lacks. Run it in the
    transaction that writes the rows using the ids: a URL another process adds at the same time is
    not added twice (ON CONFLICT DO NOTHING, then read back). On SQLite that transaction must hold
    the write lock from its start (BEGIN IMMEDIATE, or a write first as pipelines.batch does): a
    WAL reader that turns writer after another's commit fails at once."""
    ids: dict[str, int] = {}
    _read(conn, list(urls), ids)
    missing = sorted(h for h in urls if h not in ids)
    if not missing:
        return ids
    if conn.dialect.name == "postgresql":
        added = conn.execute(_PG_ADD, {"hashes": missing, "urls": [urls[h] for h in missing]})
    else:
        table: Table = Url.__table__  # type: ignore[assignment]
        added = conn.execute(sqlite.insert(table).on_conflict_do_nothing(index_elements=["hash"])
                             .returning(table.c.hash, table.c.id), [{"hash": h, "url": urls[h]} for h in missing])
    for h, url_id in added:
        ids[h] = url_id
    _read(conn, [h for h in missing if h not in ids], ids)  # added meanwhile by another writer
    return ids


def _read(conn: Connection, hashes: list[str], into: dict[str, int]) -> None:
    if not hashes:
        return
    if conn.dialect.name == "postgresql":
        rows: Iterable = conn.execute(_PG_READ, {"hashes": hashes})
    else:
        rows = (row for i in range(0, len(hashes), _CHUNK)
                for row in conn.execute(select(Url.hash, Url.id).where(Url.hash.in_(hashes[i:i + _CHUNK]))))
    for h, url_id in rows:
        into[h] = url_id


def ids_of(hashes: Iterable[str]) -> Select[tuple[int]]:
    """The ids of the URLs with these hashes, as a subquery: `Link.target_id.in_(ids_of(keys))`."""
    return select(Url.id).where(Url.hash.in_(list(hashes)))
