"""The findings list of the web UI: filtered, searched, sorted and paged in the database (a city
has 100,000 findings; none of this may load them all), scoped to what the user may see.

"Current" findings are those `govinspect findings` shows: seen in their subject's latest
completed scan, or found fixed by it (reports.queries.latest_runs, here as one SQL subquery).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select, tuple_
from sqlalchemy.orm import Session

from core.schedule_config import quarter_end, quarter_start
from db.models import Account, Finding, ScanRun, Site, SiteScan, Unit
from db.runs import LIGHT_KINDS
from reports.queries import latest_runs

PER_PAGE = 50
SEVERITY_RANK = {"veto": 0, "deduct": 1, "notice": 2}
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


def _latest_select() -> Select[Any]:
    full = func.max(case((ScanRun.kind.not_in(LIGHT_KINDS), SiteScan.run_id)))
    return (select(SiteScan.site_id.label("subject_id"),
                   func.coalesce(full, func.max(SiteScan.run_id)).label("run_id"))
            .join(ScanRun, ScanRun.id == SiteScan.run_id)
            .where(SiteScan.status == "completed", ScanRun.status != "failed")
            .group_by(SiteScan.site_id))


def latest_runs_subquery() -> Any:
    """subject id -> its latest completed (non-failed) run; a light run only for a subject with no
    other (as reports.queries.latest_runs)."""
    return _latest_select().subquery("latest")



def quarter_bounds(quarter: str) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a quarter (2026Q4) as naive UTC datetimes."""
    year, q = int(quarter[:4]), int(quarter[5])
    start = quarter_start(dt.date(year, 3 * q, 1))
    end = quarter_end(start) + dt.timedelta(days=1)
    return (dt.datetime.combine(start, dt.time()) - _BEIJING, dt.datetime.combine(end, dt.time()) - _BEIJING)


def _filtered(f: FindingFilter, scope_unit: str | None, part: str = "current") -> Select[Any]:
    """The filter as a query of findings. `part`: "current" (seen by their subject's latest scan, or
    found fixed by it), or one of its two disjoint halves "seen" and "fixed" — counted apart, the
    first from an index alone (ix_findings_current)."""
    stmt = select(Finding)
    if not f.all_runs:
        latest = latest_runs_subquery()
        seen = Finding.last_seen_run >= latest.c.run_id
        fixed = and_(Finding.status == "fixed", Finding.last_seen_run < latest.c.run_id,
                     func.coalesce(Finding.evidence["fixed_in_run"].as_integer(), 0) >= latest.c.run_id)
        stmt = stmt.join(latest, latest.c.subject_id == Finding.subject_id).where(
            {"seen": seen, "fixed": fixed}.get(part, or_(seen, fixed)))
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
    keys = {"severity": [case(SEVERITY_RANK, value=Finding.severity, else_=len(SEVERITY_RANK))],
            "unit": [Finding.unit_id], "site": [Finding.subject_id], "check": [Finding.check_id],
            "status": [Finding.status], "first_seen": [Finding.first_seen_at],
            "last_seen": [Finding.last_seen_at]}[f.sort if f.sort in SORTS else "severity"]
    return [k.desc() if f.desc else k for k in keys] + [Finding.id.desc() if f.desc else Finding.id]


def count_findings(session: Session, f: FindingFilter, scope_unit: str | None = None) -> int:
    if f.all_runs:
        return session.scalar(select(func.count()).select_from(
            _filtered(f, scope_unit).with_only_columns(Finding.id).subquery())) or 0
    counts = [select(func.count()).select_from(_filtered(f, scope_unit, part)
                                              .with_only_columns(Finding.id).subquery()).scalar_subquery()
              for part in ("seen", "fixed")]
    return session.scalar(select(counts[0] + counts[1])) or 0


def _page_ids(session: Session, f: FindingFilter, offset: int, limit: int) -> list[int]:
    """The ids of one page of the whole list (no row filter): the sort's index walked in chunks
    (keyset), each row judged current here against the subjects' latest runs, until the page is
    full. A page costs about offset+limit rows, where a query with the "current" join would sort
    every finding first. By severity, each severity is walked in ix_findings_severity_id order."""
    latest = {} if f.all_runs else latest_runs(session)
    fixed_in = Finding.evidence["fixed_in_run"].as_integer()
    sort = f.sort if f.sort in SORTS else "severity"
    if sort == "severity":
        ranked = sorted(SEVERITY_RANK, key=SEVERITY_RANK.__getitem__, reverse=f.desc)
        streams = [(Finding.severity == sev, None) for sev in ranked if not f.severity or f.severity == sev]
    else:
        column = {"unit": Finding.unit_id, "site": Finding.subject_id, "check": Finding.check_id,
                  "status": Finding.status, "first_seen": Finding.first_seen_at, "last_seen": Finding.last_seen_at}[sort]
        streams = [(Finding.severity == f.severity if f.severity else None, column)]
    need = offset + limit
    chunk = min(5000, max(200, 2 * need))
    out: list[int] = []
    for where, column in streams:
        keys = [column, Finding.id] if column is not None else [Finding.id]
        last: tuple[Any, ...] | None = None
        while len(out) < need:
            stmt = select(Finding.id, Finding.subject_id, Finding.last_seen_run, Finding.status, fixed_in, *keys[:-1])
            if where is not None:
                stmt = stmt.where(where)
            if last is not None:
                after = tuple_(*keys) < tuple_(*last) if f.desc else tuple_(*keys) > tuple_(*last)
                stmt = stmt.where(after)
            rows = session.execute(stmt.order_by(*(k.desc() if f.desc else k for k in keys)).limit(chunk)).all()
            for fid, subject_id, last_seen, status, fixed, *key in rows:
                run = latest.get(subject_id)
                if f.all_runs or (run is not None and (last_seen >= run or (status == "fixed" and (fixed or 0) >= run))):
                    out.append(fid)
                last = (*key, fid)
            if len(rows) < chunk:
                break
    return out[offset:need]


def finding_ids(session: Session, f: FindingFilter, scope_unit: str | None) -> list[int]:
    """The ids a filter selects (bulk review), within the user's scope."""
    return list(session.scalars(_filtered(f, scope_unit).with_only_columns(Finding.id)))


def _narrowed(f: FindingFilter, scope_unit: str | None) -> bool:
    return scope_unit is not None or any((f.unit, f.site, f.check, f.status, f.quarter, f.q, f.ids))


def list_findings(session: Session, f: FindingFilter, scope_unit: str | None = None) -> FindingPage:
    """One page of findings; `scope_unit` limits them to a webmaster's unit."""
    per_page = max(1, min(f.per_page, 500))
    if _narrowed(f, scope_unit):
        # the filters' indexes find the rows; one pass sorts them and counts them (walking an order
        # and testing each row against a filter it rarely passes would not stop early)
        stmt = _filtered(f, scope_unit).with_only_columns(Finding.id, func.count().over()).order_by(*_order(f))
        got = session.execute(stmt.offset((max(1, f.page) - 1) * per_page).limit(per_page)).all()
        if got or f.page <= 1:
            total = got[0][1] if got else 0
            page, ids = max(1, f.page), [r[0] for r in got]
        else:  # past the end: the last page
            total = count_findings(session, f, scope_unit)
            return list_findings(session, replace(f, page=max(1, -(-total // per_page))), scope_unit) if total \
                else FindingPage(rows=[], total=0, page=1, per_page=per_page)
    else:
        total = count_findings(session, f, scope_unit)
        page = max(1, min(f.page, -(-total // per_page) or 1))
        ids = _page_ids(session, f, (page - 1) * per_page, per_page) if total else []
    by_id = {x.id: x for x in session.scalars(select(Finding).where(Finding.id.in_(ids)))} if ids else {}
    found = [by_id[i] for i in ids if i in by_id]
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
