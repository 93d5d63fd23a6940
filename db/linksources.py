"""The `link_sources` table: each page (or post) whose links a run stores gets a number in the
order the run first writes its links. Links are keyed by that number rather than by the source's
URL id: URL ids are handed out when a URL is first linked, long before its page is crawled, so a
key on them puts each commit's links at scattered places of the b-tree (a page rewritten per
crawled page); numbered sources put them at its end."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Select, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from db.models import LinkSource, Url

_CHUNK = 500  # ids per IN list (SQLite)


def source_seqs(conn: Connection, run_id: int, source_ids: Iterable[int]) -> dict[int, int]:
    """source URL id -> its number in the run, numbering those the run has not seen yet. Run it in
    the transaction that writes the links (see db.urls.url_ids for the SQLite write lock)."""
    wanted = sorted(set(source_ids))
    seqs: dict[int, int] = {}
    _read(conn, run_id, wanted, seqs)
    # in id order, as every writer: two transactions numbering the same sources lock them in one order
    missing = [s for s in wanted if s not in seqs]
    if not missing:
        return seqs
    table: Table = LinkSource.__table__  # type: ignore[assignment]
    insert = postgresql.insert(table) if conn.dialect.name == "postgresql" else sqlite.insert(table)
    stmt = insert.on_conflict_do_nothing(index_elements=["run_id", "source_id"]).returning(table.c.source_id, table.c.id)
    for source_id, seq in conn.execute(stmt, [{"run_id": run_id, "source_id": s} for s in missing]):
        seqs[source_id] = seq
    _read(conn, run_id, [s for s in missing if s not in seqs], seqs)  # numbered meanwhile by another writer
    return seqs


def _read(conn: Connection, run_id: int, source_ids: list[int], into: dict[int, int]) -> None:
    for i in range(0, len(source_ids), _CHUNK):
        for source_id, seq in conn.execute(select(LinkSource.source_id, LinkSource.id).where(
                LinkSource.run_id == run_id, LinkSource.source_id.in_(source_ids[i:i + _CHUNK]))):
            into[source_id] = seq


def seqs_of(run_id: int, hashes: Iterable[str]) -> Select[tuple[int]]:
    """The numbers of the run's sources with these URL hashes, as a subquery that the links' key
    serves: `Link.run_id == run_id, Link.source_seq.in_(seqs_of(run_id, hashes))`."""
    return (select(LinkSource.id).join(Url, Url.id == LinkSource.source_id)
            .where(LinkSource.run_id == run_id, Url.hash.in_(list(hashes))))
