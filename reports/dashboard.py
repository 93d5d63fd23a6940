"""The dashboard: this quarter's score of every unit and its sites and accounts, pass or fail,
vetoes, open findings by check, the change since last quarter, the publication deadline and the
units not scanned yet. Scoped to one unit for a webmaster."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.schedule_config import Deadline
from db.models import Finding, Score
from reports.findings_list import latest_runs_subquery, subject_names, unit_names
from reports.queries import query_scores
from reports.status import QuarterStatus, quarter_status

UNRESOLVED = ("open", "confirmed")


def previous_quarter(quarter: str) -> str:
    year, q = int(quarter[:4]), int(quarter[5])
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"


@dataclass
class UnitRow:
    unit_id: str
    name: str
    score: float | None = None
    passed: bool | None = None
    grade: str = ""
    vetoes: list[str] = field(default_factory=list)  # "subject: veto name"
    previous: float | None = None
    members: list[dict[str, Any]] = field(default_factory=list)  # sites and accounts
    open_findings: int = 0

    @property
    def change(self) -> float | None:
        if self.score is None or self.previous is None:
            return None
        return round(self.score - self.previous, 2)


@dataclass
class Dashboard:
    quarter: str | None
    units: list[UnitRow]
    by_check: list[tuple[str, int]]
    status: QuarterStatus

    @property
    def not_scanned(self) -> list[str]:
        return [u.name for u in self.status.units if u.state in ("not scanned", "partial")]


def latest_quarter(session: Session) -> str | None:
    """The latest quarter scored (not the quarter of the latest run: a backdated scan scores an old one)."""
    return session.scalar(select(func.max(Score.quarter)))


def ranking(session: Session, quarter: str | None, scope_unit: str | None = None) -> tuple[str | None, list[UnitRow]]:
    """Units by their score of the quarter (default: the latest quarter scored), best first
    (unscored last), with their members."""
    quarter = quarter or latest_quarter(session)
    quarter, rows = query_scores(session, quarter)
    names = unit_names(session)
    prev: dict[str, float] = {}
    if quarter:
        prev = {r["id"]: r["score"] for r in query_scores(session, previous_quarter(quarter))[1]
                if r["subject"] == "unit"}
    members = [r for r in rows if r["subject"] != "unit"]
    subject = subject_names(session, {r["id"] for r in members})
    units: dict[str, UnitRow] = {}
    for r in rows:
        if scope_unit is not None and r["unit"] != scope_unit:
            continue
        unit = units.setdefault(r["unit"], UnitRow(r["unit"], names.get(r["unit"], r["unit"])))
        if r["subject"] == "unit":
            unit.score, unit.passed, unit.grade = r["score"], r["passed"], r["grade"]
            unit.previous = prev.get(r["unit"])
        else:
            unit.members.append({**r, "name": subject.get(r["id"], r["id"])})
            unit.vetoes += [f"{subject.get(r['id'], r['id'])}：{v.get('name', v.get('id', ''))}" for v in r["vetoes"]]
    ordered = sorted(units.values(), key=lambda u: (u.score is None, -(u.score or 0), u.unit_id))
    return quarter, ordered


def open_by_check(session: Session, scope_unit: str | None = None) -> tuple[list[tuple[str, int]], Counter[str]]:
    """Current open or confirmed findings: per check, and per unit."""
    latest = latest_runs_subquery()
    stmt = (select(Finding.check_id, Finding.unit_id, func.count())
            .join(latest, latest.c.subject_id == Finding.subject_id)
            .where(Finding.last_seen_run >= latest.c.run_id, Finding.status.in_(UNRESOLVED))
            .group_by(Finding.check_id, Finding.unit_id))
    if scope_unit is not None:
        stmt = stmt.where(Finding.unit_id == scope_unit)
    by_check: Counter[str] = Counter()
    by_unit: Counter[str] = Counter()
    for check, unit, n in session.execute(stmt):
        by_check[check] += n
        by_unit[unit] += n
    return sorted(by_check.items(), key=lambda kv: (-kv[1], kv[0])), by_unit


def dashboard(session: Session, today: dt.date, deadline: Deadline, quarter: str | None = None,
              scope_unit: str | None = None) -> Dashboard:
    quarter, units = ranking(session, quarter, scope_unit)
    by_check, by_unit = open_by_check(session, scope_unit)
    for u in units:
        u.open_findings = by_unit.get(u.unit_id, 0)
    status = quarter_status(session, today, deadline)
    if scope_unit is not None:
        status.units = [u for u in status.units if u.unit_id == scope_unit]
    return Dashboard(quarter=quarter, units=units, by_check=by_check, status=status)


def score_history(session: Session, subject_id: str) -> list[dict[str, Any]]:
    """A site's (or account's) latest score of each quarter, oldest first."""
    newest: dict[str, Score] = {}
    for s in session.scalars(select(Score).where(Score.subject_id == subject_id, Score.subject != "unit")
                             .order_by(Score.run_id, Score.id)):
        newest[s.quarter] = s
    return [{"quarter": q, "score": s.score, "passed": s.passed, "grade": s.grade, "run_id": s.run_id,
             "vetoes": s.vetoes, "deductions": s.deductions} for q, s in sorted(newest.items())]
