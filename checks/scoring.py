"""The quarterly self-check score: findings -> per site/account vetoes and a 100-point score,
then per unit. Every rule, threshold and point value comes from the `scoring` section of
config/indicators.yaml; this module only applies them.

Site (indicators.md §1.1 and §8.7):
- a veto rule fires when at least `min_count` counted findings match it (e.g. 5 stale columns);
- deductions: each rule costs `points_each` per matching finding, capped at `max_points`
  (「单项指标扣分之和不超过本项指标总分值」); score = base_points − deductions (a site listed under
  `no_service_function`: (base − deductions) × factor, the 4/3 rule); never below 0;
- passed = no veto and score ≥ pass_line. A vetoed site is 不合格 and scores `veto_score` (0;
  「不再对其他指标进行评分」), its deductions still listed; with veto_score null it keeps the points
  left after deductions, for information.
  Bonus points (加分) are not automated: the official items are unverified and need a human.
Account: pass/fail on its veto rules only (national rule for 政务新媒体): score 100 or 0.
Unit (our rule, configurable in `scoring.unit`): each member's latest score of the same quarter
up to this run; the unit passes only when every scored member passes; its score is the minimum
(or the mean) of its sites' scores (its accounts' when it has no site).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from checks.base import quarter_of
from checks.config import Scoring
from db.models import Finding, ScanRun, Score, SiteScan, utcnow


@dataclass
class Counted:
    """The part of a finding the rules look at."""

    id: int | None
    check_id: str
    severity: str
    target: str
    evidence: dict[str, Any]


@dataclass
class Result:
    subject: str
    subject_id: str
    unit_id: str
    score: float
    passed: bool
    grade: str
    vetoes: list[dict[str, Any]] = field(default_factory=list)
    deductions: list[dict[str, Any]] = field(default_factory=list)


def grade_of(score: float, passed: bool, rules: Scoring) -> str:
    if not passed:
        return rules.fail_grade
    for g in rules.grades:
        if score > g.min or (score == g.min and not g.exclusive):
            return g.grade
    return ""


def score_subject(subject: str, subject_id: str, unit_id: str, findings: list[Counted], rules: Scoring) -> Result:
    vetoes: list[dict[str, Any]] = []
    for rule in rules.vetoes:
        if subject not in rule.subjects:
            continue
        hits = [f for f in findings if rule.counts(f.check_id, f.severity, f.evidence)]
        if len(hits) >= rule.min_count:
            vetoes.append({"id": rule.id, "name": rule.name, "count": len(hits), "min_count": rule.min_count,
                           "findings": [f.id for f in hits][:100]})
    deductions: list[dict[str, Any]] = []
    total = 0.0
    for rule in rules.deductions:
        if subject not in rule.subjects:
            continue
        hits = [f for f in findings if rule.counts(f.check_id, f.severity, f.evidence)]
        if not hits:
            continue
        points = round(min(len(hits) * rule.points_each, rule.max_points), 4)
        total += points
        deductions.append({"id": rule.id, "name": rule.name, "count": len(hits), "points_each": rule.points_each,
                           "max_points": rule.max_points, "points": points, "findings": [f.id for f in hits][:100]})
    if subject == "account":
        # 政务新媒体 are pass/fail on the veto items (national rule); no points to lose
        passed = not vetoes
        score = rules.base_points if passed else 0.0
        return Result(subject, subject_id, unit_id, score, passed, grade_of(score, passed, rules), vetoes, deductions)
    nsf = rules.no_service_function
    score = (nsf.base - total) * nsf.factor if subject_id in nsf.sites else rules.base_points - total
    score = round(max(score, 0.0), 2)
    if vetoes and rules.veto_score is not None:
        score = rules.veto_score
    passed = not vetoes and score >= rules.pass_line
    return Result(subject, subject_id, unit_id, score, passed, grade_of(score, passed, rules), vetoes, deductions)


def score_unit(unit_id: str, members: list[Score], rules: Scoring) -> Result:
    sites = [m for m in members if m.subject == "site"]
    basis = sites or members
    values = [m.score for m in basis]
    score = min(values) if rules.unit.score == "min" else sum(values) / len(values)
    score = round(score, 2)
    passed = all(m.passed for m in members)
    failing = [{"subject": m.subject, "subject_id": m.subject_id, "score": m.score,
                "vetoes": [v["id"] for v in m.vetoes]} for m in members if not m.passed]
    listing = [{"subject": m.subject, "subject_id": m.subject_id, "run_id": m.run_id, "score": m.score,
                "passed": m.passed, "grade": m.grade} for m in members]
    return Result("unit", unit_id, unit_id, score, passed, grade_of(score, passed, rules), failing, listing)


def counted_findings(session: Session, run_id: int, subject_ids: list[str], rules: Scoring) -> dict[str, list[Counted]]:
    out: dict[str, list[Counted]] = defaultdict(list)
    if not subject_ids:
        return out
    for f in session.scalars(
        select(Finding).where(Finding.subject_id.in_(subject_ids), Finding.last_seen_run == run_id,
                              Finding.status.in_(rules.counted_statuses)).order_by(Finding.id)
    ):
        out[f.subject_id].append(Counted(f.id, f.check_id, f.severity, f.target, f.evidence or {}))
    return out


def score_run(session: Session, run: ScanRun, rules: Scoring, *, not_assessed: set[str] | None = None) -> list[Result]:
    """Score every subject completed in the run (except those not assessed), then their units;
    replaces the run's Score rows."""
    quarter = quarter_of(run.as_of)
    scans = [s for s in session.scalars(select(SiteScan).where(SiteScan.run_id == run.id,
                                                                SiteScan.status == "completed"))
             if s.site_id not in (not_assessed or set())]
    found = counted_findings(session, run.id, [s.site_id for s in scans], rules)
    session.execute(delete(Score).where(Score.run_id == run.id))
    now = utcnow()
    results: list[Result] = []
    for scan in sorted(scans, key=lambda s: (s.subject, s.site_id)):
        res = score_subject(scan.subject, scan.site_id, scan.unit_id, found.get(scan.site_id, []), rules)
        results.append(res)
        session.add(_row(res, run.id, quarter, now))
    session.flush()
    for unit_id in sorted({s.unit_id for s in scans}):
        members = _latest_members(session, unit_id, quarter, run.id)
        if members:
            res = score_unit(unit_id, members, rules)
            results.append(res)
            session.add(_row(res, run.id, quarter, now))
    session.flush()
    return results


def _latest_members(session: Session, unit_id: str, quarter: str, run_id: int) -> list[Score]:
    """Each site's/account's newest score of the unit in the quarter, from runs up to `run_id`."""
    latest: dict[tuple[str, str], Score] = {}
    for s in session.scalars(
        select(Score).where(Score.unit_id == unit_id, Score.quarter == quarter, Score.subject != "unit",
                            Score.run_id <= run_id).order_by(Score.run_id)
    ):
        latest[(s.subject, s.subject_id)] = s
    return [latest[k] for k in sorted(latest)]


def _row(res: Result, run_id: int, quarter: str, now: dt.datetime) -> Score:
    return Score(run_id=run_id, quarter=quarter, subject=res.subject, subject_id=res.subject_id, unit_id=res.unit_id,
                 score=res.score, passed=res.passed, grade=res.grade, vetoes=res.vetoes, deductions=res.deductions,
                 computed_at=now)


def result_dict(res: Result) -> dict[str, Any]:
    return asdict(res)
