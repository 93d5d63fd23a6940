"""The findings and scores as the CLI, the scheduler and the web UI show them.

A site's findings are those of its latest completed scan: seen in that run plus those found fixed
by it (`all_runs` lists every finding ever recorded). Scores: each subject's latest of the quarter.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

FINDING_FIELDS = ["id", "unit", "unit_name", "site", "check", "severity", "status", "url", "target", "detail",
                  "first_seen", "first_seen_run", "last_seen", "last_seen_run", "status_reason", "status_by",
                  "status_at", "evidence"]
SCORE_FIELDS = ["quarter", "run_id", "subject", "id", "unit", "score", "passed", "grade", "vetoes", "deductions"]
SEVERITY_ORDER = {"veto": 0, "deduct": 1, "notice": 2}


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else value


def latest_runs(session: Session) -> dict[str, int]:
    """subject id -> the newest run in which its scan completed (failed runs never count). Light
    runs count only for a subject that has no other: a weekly scan re-reads homepages and news
    columns only, and what it found or fixed is newer than the full run, so it is shown anyway."""
    from db.models import ScanRun, SiteScan
    from db.runs import LIGHT_KINDS

    out: dict[str, int] = {}
    for light in (True, False):
        stmt = (select(SiteScan.site_id, func.max(SiteScan.run_id))
                .join(ScanRun, ScanRun.id == SiteScan.run_id)
                .where(SiteScan.status == "completed", ScanRun.status != "failed")
                .group_by(SiteScan.site_id))
        if not light:
            stmt = stmt.where(ScanRun.kind.not_in(LIGHT_KINDS))
        out.update({sid: rid for sid, rid in session.execute(stmt)})
    return out


def query_findings(session: Session, *, site: str | None = None, check: str | None = None,
                   status: str | None = None, severity: str | None = None, all_runs: bool = False) -> list[dict[str, Any]]:
    from db.models import Finding, Unit

    stmt = select(Finding)
    if site:
        stmt = stmt.where(Finding.subject_id == site)
    if check:
        stmt = stmt.where(Finding.check_id == check)
    if status:
        stmt = stmt.where(Finding.status == status)
    if severity:
        stmt = stmt.where(Finding.severity == severity)
    latest = latest_runs(session)
    units = {u.id: u.name for u in session.scalars(select(Unit))}
    out = []
    for f in session.scalars(stmt.order_by(Finding.unit_id, Finding.subject_id, Finding.check_id, Finding.target)):
        run = latest.get(f.subject_id)
        fixed_in = (f.evidence or {}).get("fixed_in_run") or 0
        current = run is not None and (f.last_seen_run >= run or (f.status == "fixed" and fixed_in >= run))
        if not all_runs and not current:
            continue
        out.append({
            "id": f.id, "unit": f.unit_id, "unit_name": units.get(f.unit_id, ""), "site": f.subject_id,
            "subject": f.subject, "check": f.check_id, "severity": f.severity, "status": f.status, "url": f.url,
            "target": f.target, "detail": f.detail, "first_seen": _iso(f.first_seen_at),
            "first_seen_run": f.first_seen_run, "last_seen": _iso(f.last_seen_at), "last_seen_run": f.last_seen_run,
            "status_reason": f.status_reason, "status_by": f.status_by, "status_at": _iso(f.status_at),
            "evidence": f.evidence or {},
        })
    return out


def query_scores(session: Session, quarter: str | None = None) -> tuple[str | None, list[dict[str, Any]]]:
    """The quarter (default: the newest scored) and each subject's latest score in it."""
    from db.models import Score

    if quarter is None:
        quarter = session.scalar(select(Score.quarter).order_by(Score.run_id.desc(), Score.quarter.desc()).limit(1))
        if quarter is None:
            return None, []
    latest: dict[tuple[str, str], Score] = {}
    for s in session.scalars(select(Score).where(Score.quarter == quarter).order_by(Score.run_id, Score.id)):
        latest[(s.subject, s.subject_id)] = s
    order = {"unit": 0, "site": 1, "account": 2}
    rows = sorted(latest.values(), key=lambda s: (s.unit_id, order.get(s.subject, 9), s.subject_id))
    return quarter, [{
        "quarter": s.quarter, "run_id": s.run_id, "subject": s.subject, "id": s.subject_id, "unit": s.unit_id,
        "score": s.score, "passed": s.passed, "grade": s.grade, "vetoes": s.vetoes, "deductions": s.deductions,
    } for s in rows]


def worst_findings(session: Session) -> list[dict[str, Any]]:
    """Open findings, those that weigh most (single-veto items) first."""
    rows = [r for r in query_findings(session) if r["status"] in ("open", "confirmed")]
    rows.sort(key=lambda r: (SEVERITY_ORDER.get(r["severity"], 3), r["site"], r["check"], r["target"]))
    return rows
