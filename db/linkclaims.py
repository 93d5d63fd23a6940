"""A link checked once per run, whichever process meets it first.

When a run's sites are crawled by several processes (`scan --workers`, Celery workers), the same
external target (www.gov.cn, the conac badge, the provincial portal) turns up in many of them. The
first to meet it claims it by inserting a pending row into link_results — the table's one row per
URL per run is the claim — and checks it; its verdict replaces the pending row (the pipeline's
upsert). The others skip it: their link rows join the verdict by URL. A pending row whose
claimer died is released when the run is resumed, so the URL is claimed and checked again.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.urls import url_hash
from db.models import LinkResult, utcnow

PENDING = "pending"
# a link to another site of the run, left by the task that met it to the run's last pass: only
# then can it be requested under that site's politeness limit (the site's own task may be
# crawling it meanwhile, in another process); `error` keeps the link's tag
DEFERRED = "deferred"


def _insert_claim(conn: Connection, run_id: int, url: str, site_id: str, error_class: str, error: str) -> bool:
    table = LinkResult.__table__
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table).values(
        run_id=run_id, site_id=site_id, url=url, url_hash=url_hash(url), method="", status=None, ok=False,
        error_class=error_class, error=error, redirect_chain=[], final_url="", content_type="",
        elapsed_ms=0, attempts=0, checked_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["run_id", "url_hash"]).returning(table.c.id)
    # RETURNING, not rowcount: psycopg reports no row count for an INSERT ... ON CONFLICT
    return conn.execute(stmt).first() is not None


def claim_check(conn: Connection, run_id: int, url: str, site_id: str) -> bool:
    """Claim `url` for checking in run `run_id`: True when this caller is the first (it must check
    it), False when someone already claimed or checked it. Commits nothing itself."""
    return _insert_claim(conn, run_id, url, site_id, PENDING, "being checked")


def defer_check(conn: Connection, run_id: int, url: str, site_id: str, tag: str) -> bool:
    """Leave `url` (found on `site_id` as a `tag` link) to the run's last pass, unless someone
    already claimed or checked it (its own site's task read it as a page, say)."""
    return _insert_claim(conn, run_id, url, site_id, DEFERRED, tag)


def deferred_checks(session: Session, run_id: int) -> dict[str, list[tuple[str, str]]]:
    """The links left to the last pass: {linking site: [(url, tag)]}."""
    out: dict[str, list[tuple[str, str]]] = {}
    for site_id, url, tag in session.execute(
            select(LinkResult.site_id, LinkResult.url, LinkResult.error)
            .where(LinkResult.run_id == run_id, LinkResult.error_class == DEFERRED).order_by(LinkResult.id)):
        out.setdefault(site_id, []).append((url, tag or "a"))
    return out


def release_for_resume(session: Session, run_id: int, redo: list[str]) -> int:
    """Before a run that died is finished: every pending claim goes (its process died unanswered),
    and so do the links the sites in `redo` left to the last pass (they are crawled again from
    their start and leave them again). The links the sites that completed left to the last pass
    stay: nobody else would check them, and a check reading no verdict for a site's 信箱 link
    would call its channel missing."""
    where = [LinkResult.run_id == run_id, (LinkResult.error_class == PENDING)
             | ((LinkResult.error_class == DEFERRED) & LinkResult.site_id.in_(redo))]
    result = session.execute(delete(LinkResult).where(*where))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def has_deferred(session: Session, run_id: int) -> bool:
    """Whether links wait for the run's last pass."""
    return session.scalar(select(LinkResult.id).where(LinkResult.run_id == run_id,
                                                      LinkResult.error_class == DEFERRED).limit(1)) is not None


def release_pending(session: Session, run_id: int, site_ids: list[str] | None = None) -> int:
    """Drop the claims nobody answered (their process died, the last pass failed): the URLs are
    claimable again, and no pending row is ever read as a verdict. With `site_ids`: only the
    claims made from those sites (a site task run again after its process was lost)."""
    where = [LinkResult.run_id == run_id, LinkResult.error_class.in_((PENDING, DEFERRED))]
    if site_ids is not None:
        where.append(LinkResult.site_id.in_(site_ids))
    result = session.execute(delete(LinkResult).where(*where))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
