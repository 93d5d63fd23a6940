"""What the web UI shows of one site (or account) and of one finding: findings grouped by check
with their evidence in place (source pages, HTTP status or error class, the column's newest items
with their dates as the crawler read them, the screenshot), score history and scan runs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.urls import url_hash
from db.audit import review_history
from db.models import Account, ColumnItem, Finding, RecheckTask, ScanRun, Screenshot, Site, SiteScan, Unit
from reports.dashboard import score_history
from reports.findings_list import FindingFilter, finding_rows, list_findings

COLUMN_ITEMS_SHOWN = 10


@dataclass
class Subject:
    id: str
    kind: str  # site | account
    name: str
    url: str
    unit_id: str
    unit_name: str
    active: bool


def subject(session: Session, subject_id: str) -> Subject | None:
    site = session.get(Site, subject_id)
    if site is not None:
        return Subject(site.id, "site", site.name, site.url, site.unit_id, site.unit.name, site.active)
    acc = session.get(Account, subject_id)
    if acc is not None:
        return Subject(acc.id, "account", acc.name, acc.url, acc.unit_id, acc.unit.name, acc.active)
    return None


def subjects_of(session: Session, scope_unit: str | None = None) -> list[Subject]:
    out: list[Subject] = []
    for model, kind in ((Site, "site"), (Account, "account")):
        stmt = (select(model.id, model.name, model.url, model.unit_id, Unit.name, model.active)
                .join(Unit, Unit.id == model.unit_id).order_by(model.unit_id, model.id))
        if scope_unit is not None:
            stmt = stmt.where(model.unit_id == scope_unit)
        out += [Subject(sid, kind, name, url, uid, uname, active)
                for sid, name, url, uid, uname, active in session.execute(stmt)]
    return out


def scan_runs(session: Session, subject_id: str, limit: int = 20) -> list[dict[str, Any]]:
    rows = session.execute(
        select(SiteScan, ScanRun).join(ScanRun, ScanRun.id == SiteScan.run_id)
        .where(SiteScan.site_id == subject_id).order_by(SiteScan.run_id.desc()).limit(limit)).all()
    return [{"run_id": run.id, "kind": run.kind, "as_of": run.as_of, "run_status": run.status,
             "status": scan.status, "started_at": scan.started_at, "finished_at": scan.finished_at,
             "error": scan.error, "pages": (scan.stats or {}).get("pages"), "items": (scan.stats or {}).get("items")}
            for scan, run in rows]


def site_page(session: Session, subject_id: str) -> dict[str, Any]:
    page = list_findings(session, FindingFilter(site=subject_id, per_page=500, sort="check"))
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in page.rows:
        row["column_items"] = column_items(session, row)
        grouped[row["check"]].append(row)
    return {"groups": sorted(grouped.items()), "total": page.total, "history": score_history(session, subject_id),
            "runs": scan_runs(session, subject_id), "rechecks": recheck_tasks(session, site_id=subject_id)}


def column_items(session: Session, row: dict[str, Any]) -> list[ColumnItem]:
    """The newest items of the finding's column as its run read them (column_stale, column_empty,
    homepage_stale)."""
    ev = row["evidence"]
    column_url = ev.get("column_url") or (ev.get("home_url") if row["check"] == "homepage_stale" else None)
    run_id = ev.get("run_id")
    if not column_url or not run_id:
        return []
    return list(session.scalars(
        select(ColumnItem).where(ColumnItem.run_id == run_id, ColumnItem.site_id == row["site"],
                                 ColumnItem.column_hash == url_hash(column_url))
        .order_by(ColumnItem.published.desc().nulls_last(), ColumnItem.position).limit(COLUMN_ITEMS_SHOWN)))


def finding(session: Session, finding_id: int) -> dict[str, Any] | None:
    f = session.get(Finding, finding_id)
    if f is None:
        return None
    row = finding_rows(session, [f])[0]
    row["column_items"] = column_items(session, row)
    shot_id = row["evidence"].get("screenshot_id")
    row["screenshot"] = session.get(Screenshot, shot_id) if isinstance(shot_id, int) else None
    row["history"] = review_history(session, f.id)
    row["rechecks"] = recheck_tasks(session, finding_id=f.id)
    return row


def screenshot_owner(session: Session, screenshot_id: int) -> tuple[Screenshot, str] | None:
    """The screenshot and the unit of the site it shows (for the access check)."""
    shot = session.get(Screenshot, screenshot_id)
    if shot is None:
        return None
    owner = subject(session, shot.site_id)
    return (shot, owner.unit_id) if owner is not None else None


def recheck_tasks(session: Session, *, site_id: str | None = None, finding_id: int | None = None,
                  limit: int = 10) -> list[RecheckTask]:
    stmt = select(RecheckTask).order_by(RecheckTask.id.desc()).limit(limit)
    if site_id is not None:
        stmt = stmt.where(RecheckTask.site_id == site_id)
    if finding_id is not None:
        stmt = stmt.where(RecheckTask.finding_id == finding_id)
    return list(session.scalars(stmt))
