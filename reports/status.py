"""Where each unit stands in the current quarter: which of its sites and accounts a full-depth
scan has completed within the quarter, what is still open, and how many days are left before the
quarterly self-check result must be published (config/schedule.yaml `deadline`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from checks.base import quarter_of
from core.schedule_config import Deadline, quarter_end, quarter_start
from db.models import Account, ScanRun, Score, Site, SiteScan, Unit, utcnow
from db.runs import FULL_KINDS, stale_reason
from reports.queries import query_findings

UNRESOLVED = ("open", "confirmed")


@dataclass
class UnitStatus:
    unit_id: str
    name: str
    subjects: list[str]  # active sites and accounts
    scanned: dict[str, int] = field(default_factory=dict)  # subject -> its newest completed full-depth run this quarter
    last_run: int | None = None
    last_as_of: dt.date | None = None
    last_finished: dt.datetime | None = None
    running: list[int] = field(default_factory=list)  # live runs scanning one of its subjects now
    open_findings: int = 0  # open or confirmed, of its subjects' latest scans (as `govinspect findings` shows)
    vetoes: int = 0  # veto items fired in its subjects' newest scores of the quarter

    @property
    def missing(self) -> list[str]:
        return [s for s in self.subjects if s not in self.scanned]

    @property
    def state(self) -> str:
        if self.running:
            return "running"
        if not self.subjects:
            return "no sites"
        if not self.scanned:
            return "not scanned"
        return "done" if not self.missing else "partial"


@dataclass
class QuarterStatus:
    today: dt.date
    quarter: str
    start: dt.date
    end: dt.date
    deadline: dt.date
    units: list[UnitStatus]

    @property
    def days_left(self) -> int:
        """Days until the deadline (negative once it has passed)."""
        return (self.deadline - self.today).days


def quarter_status(session: Session, today: dt.date, deadline: Deadline) -> QuarterStatus:
    start, end = quarter_start(today), quarter_end(today)
    units = {u.id: UnitStatus(unit_id=u.id, name=u.name, subjects=[])
             for u in session.scalars(select(Unit).order_by(Unit.id))}
    owner: dict[str, str] = {}
    for model in (Site, Account):
        for sid, unit_id in session.execute(select(model.id, model.unit_id).where(model.active.is_(True))
                                            .order_by(model.id)):
            if unit_id in units:
                units[unit_id].subjects.append(sid)
                owner[sid] = unit_id

    done = session.execute(
        select(SiteScan.site_id, SiteScan.run_id, ScanRun.as_of, ScanRun.finished_at)
        .join(ScanRun, ScanRun.id == SiteScan.run_id)
        .where(SiteScan.status == "completed", ScanRun.status == "completed", ScanRun.kind.in_(FULL_KINDS),
               ScanRun.as_of >= start, ScanRun.as_of <= end)
        .order_by(SiteScan.run_id)
    ).all()
    for sid, run_id, as_of, finished in done:
        unit = units.get(owner.get(sid, ""))
        if unit is None:
            continue
        unit.scanned[sid] = run_id
        if unit.last_run is None or run_id > unit.last_run:
            unit.last_run, unit.last_as_of, unit.last_finished = run_id, as_of, finished

    # a 'running' run whose process is gone is not running (the next scan will mark it incomplete)
    now = utcnow()
    live = [r.id for r in session.scalars(select(ScanRun).where(ScanRun.status == "running"))
            if stale_reason(r, now) is None]
    for sid, run_id in session.execute(
        select(SiteScan.site_id, SiteScan.run_id).where(SiteScan.status == "running", SiteScan.run_id.in_(live))
    ):
        unit = units.get(owner.get(sid, ""))
        if unit is not None and run_id not in unit.running:
            unit.running.append(run_id)

    # what is open now: a finding no longer seen by its subject's latest scan, or of a site taken
    # out of the registry, is not (the same rows `govinspect findings` lists)
    for f in query_findings(session):
        unit = units.get(owner.get(f["site"], ""))
        if unit is not None and f["status"] in UNRESOLVED:
            unit.open_findings += 1

    # a veto is a veto item the scoring fired (e.g. 5 stale columns), not a finding of veto
    # severity (one stale column is one); read it like the unit score does: each member's newest
    # score of the quarter
    newest: dict[tuple[str, str], Score] = {}
    for score in session.scalars(select(Score).where(Score.quarter == quarter_of(today), Score.subject != "unit")
                                 .order_by(Score.run_id, Score.id)):
        newest[(score.subject, score.subject_id)] = score
    for score in newest.values():
        unit = units.get(owner.get(score.subject_id, ""))
        if unit is not None:
            unit.vetoes += len(score.vetoes or [])
    return QuarterStatus(today=today, quarter=quarter_of(today), start=start, end=end,
                         deadline=deadline.for_day(today), units=list(units.values()))
