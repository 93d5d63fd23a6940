"""The findings list of the web UI: filtered, searched, sorted and paged in the database (a city
has 100,000 findings; none of this may load them all), scoped to what the user may see.

"Current" findings are those `govinspect findings` shows: seen in their subject's latest
completed scan, or found fixed by it (reports.queries.latest_runs, here as one SQL subquery).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from core.schedule_config import quarter_end, quarter_start
from db.models import Account, Finding, ScanRun, Site, SiteScan, Unit
from db.runs import LIGHT_KINDS

PER_PAGE = 50
SORTS = ("severity", "unit", "site", "check", "status", "first_seen", "last_seen")
# the UTC instant a Beijing day starts: findings store UTC, quarters are China's local quarters
_BEIJING = dt.timedelta(hours=8)


@dataclass
class FindingFilter:
    unit: str | None = None
    site: str | None = None
    check: str | None = None
    severity: str | None = None
    status: str | None = None
    quarter: str | None = None  # first seen in this quarter, e.g. 2026Q4
    q: str | None = None  # words searched in the detail and the target (URL, column, page)
    all_runs: bool = False  # every finding ever recorded, not only the current ones
    sort: str = "severity"
    desc: bool = False
    page: int = 1
    per_page: int = PER_PAGE
    ids: list[int] = field(default_factory=list)  # only these (bulk actions)


@dataclass
class FindingPage:
    rows: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def latest_runs_subquery() -> Any:
    """subject id -> its latest completed (non-failed) run; a light run only for a subject with no
    other (as reports.queries.latest_runs)."""
    full = func.max(case((ScanRun.kind.not_in(LIGHT_KINDS), SiteScan.run_id)))
    return (select(SiteScan.site_id.label("subject_id"),
                   func.coalesce(full, func.max(SiteScan.run_id)).label("run_id"))
            .join(ScanRun, ScanRun.id == SiteScan.run_id)
            .where(SiteScan.status == "completed", ScanRun.status != "failed")
            .group_by(SiteScan.site_id)
            .subquery("latest"))


def quarter_bounds(quarter: str) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a quarter (2026Q4) as naive UTC datetimes."""
    year, q = int(quarter[:4]), int(quarter[5])
    start = quarter_start(dt.date(year, 3 * q, 1))
    end = quarter_end(start) + dt.timedelta(days=1)
    return (dt.datetime.combine(start, dt.time()) - _BEIJING, dt.datetime.combine(end, dt.time()) - _BEIJING)


def _filtered(f: FindingFilter, scope_unit: str | None) -> Select[Any]:
    stmt = select(Finding)
    if not f.all_runs:
        latest = latest_runs_subquery()
        fixed_in = func.coalesce(Finding.evidence["fixed_in_run"].as_integer(), 0)
        stmt = stmt.join(latest, latest.c.subject_id == Finding.subject_id).where(or_(
            Finding.last_seen_run >= latest.c.run_id,
            and_(Finding.status == "fixed", fixed_in >= latest.c.run_id)))
    if scope_unit is not None:
        stmt = stmt.where(Finding.unit_id == scope_unit)
    for column, value in ((Finding.unit_id, f.unit), (Finding.subject_id, f.site), (Finding.check_id, f.check),
                          (Finding.severity, f.severity), (Finding.status, f.status)):
        if value:
            stmt = stmt.where(column == value)
    if f.quarter:
        start, end = quarter_bounds(f.quarter)
        stmt = stmt.where(Finding.first_seen_at >= start, Finding.first_seen_at < end)
    if f.ids:
        stmt = stmt.where(Finding.id.in_(f.ids))
    for word in (f.q or "").split()[:5]:
        like = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        # a word without Latin letters has no case: LIKE is as good and much cheaper than ILIKE
        op = "ilike" if any(c.isascii() and c.isalpha() for c in word) else "like"
        stmt = stmt.where(or_(*(getattr(col, op)(like, escape="\\") for col in (Finding.detail, Finding.target))))
    return stmt


def _order(f: FindingFilter) -> list[Any]:
    severity = case({"veto": 0, "deduct": 1, "notice": 2}, value=Finding.severity, else_=3)
    keys = {"severity": [severity], "unit": [Finding.unit_id], "site": [Finding.subject_id],
            "check": [Finding.check_id], "status": [Finding.status], "first_seen": [Finding.first_seen_at],
            "last_seen": [Finding.last_seen_at]}[f.sort if f.sort in SORTS else "severity"]
    keys = [k.desc() if f.desc else k for k in keys]
    return [*keys, Finding.id]


def finding_ids(session: Session, f: FindingFilter, scope_unit: str | None) -> list[int]:
    """The ids a filter selects (bulk review), within the user's scope."""
    sub = _filtered(f, scope_unit).with_only_columns(Finding.id)
    return list(session.scalars(sub))


def list_findings(session: Session, f: FindingFilter, scope_unit: str | None = None) -> FindingPage:
    """One page of findings; `scope_unit` limits them to a webmaster's unit."""
    base = _filtered(f, scope_unit)
    total = session.scalar(select(func.count()).select_from(base.with_only_columns(Finding.id).subquery())) or 0
    per_page = max(1, min(f.per_page, 500))
    page = max(1, min(f.page, -(-total // per_page) or 1))
    found = list(session.scalars(base.order_by(*_order(f)).limit(per_page).offset((page - 1) * per_page)))
    return FindingPage(rows=finding_rows(session, found), total=total, page=page, per_page=per_page)


def subject_names(session: Session, ids: set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    wanted = sorted(ids)
    for model in (Site, Account):
        for i in range(0, len(wanted), 500):
            out.update((sid, name) for sid, name in session.execute(
                select(model.id, model.name).where(model.id.in_(wanted[i:i + 500]))))
    return out


def unit_names(session: Session) -> dict[str, str]:
    return {uid: name for uid, name in session.execute(select(Unit.id, Unit.name))}


def finding_rows(session: Session, found: list[Finding]) -> list[dict[str, Any]]:
    names = subject_names(session, {f.subject_id for f in found})
    units = unit_names(session)
    return [{
        "id": f.id, "unit": f.unit_id, "unit_name": units.get(f.unit_id, f.unit_id), "site": f.subject_id,
        "site_name": names.get(f.subject_id, f.subject_id), "subject": f.subject, "check": f.check_id,
        "severity": f.severity, "status": f.status, "url": f.url, "target": f.target, "detail": f.detail,
        "first_seen": f.first_seen_at, "last_seen": f.last_seen_at, "status_reason": f.status_reason,
        "status_by": f.status_by, "status_at": f.status_at, "evidence": f.evidence or {},
        "first_seen_run": f.first_seen_run, "last_seen_run": f.last_seen_run,
    } for f in found]


def all_findings(session: Session, f: FindingFilter, scope_unit: str | None = None) -> list[dict[str, Any]]:
    """Every finding the filter selects, in the list's order (exports)."""
    found = list(session.scalars(_filtered(f, scope_unit).order_by(*_order(f))))
    return finding_rows(session, found)
