"""Run the checks over one scan run, keep findings across runs, and score.

Finding lifecycle, keyed by (subject_id, check_id, target):
- produced for the first time -> status open;
- produced again -> last seen updated, status kept (open / confirmed / dismissed stay); a finding
  that was fixed comes back as open, a regression noted in its evidence;
- not produced again, although its subject was scanned in this run (completed site scan) and the
  check judged that subject -> fixed (open and confirmed ones; a dismissed finding stays
  dismissed, so a dismissal survives the problem coming and going). A site that was not scanned,
  or that a gate check took out (unreachable), keeps its findings as they are;
- a finding last seen in a newer run than the one being checked is left alone (re-checking an
  old run does not rewrite the present).
A run whose status is 'failed' issues no findings and no scores.

A light run (kind in db.runs.LIGHT_KINDS: the weekly scan of homepages and news columns) is judged
only by the checks in `light_scan_checks` (config/indicators.yaml), marks a finding fixed only when
it re-read the finding's target (a column it did not walk proves nothing), and is not scored: the
quarter's scores come from full scans.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from checks.base import CheckContext, FindingDraft, iso, quarter_of
from checks.config import Indicators, load_indicators
from checks.scoring import result_dict, score_run
from core.urls import url_hash
from db.audit import record_review
from db.models import Column, Finding, LinkResult, Page, ScanRun, utcnow
from db.runs import LIGHT_KINDS

log = logging.getLogger(__name__)

REVIEW_STATUSES = ("open", "confirmed", "dismissed", "fixed")
SYSTEM = "govinspect"


class CheckError(Exception):
    """The checks cannot run on this run (unknown or failed run); str() says why."""


def run_checks(session: Session, run_id: int, as_of: dt.date | None = None,
               config: Indicators | None = None) -> dict[str, Any]:
    """Run every enabled check over the run and upsert the findings; returns counts."""
    config = config or load_indicators()
    run = session.get(ScanRun, run_id)
    if run is None:
        raise CheckError(f"no scan run {run_id}")
    if run.status == "failed":
        raise CheckError(f"scan run {run_id} failed ({run.error or 'no reason recorded'}); no findings are issued")
    ctx = CheckContext(session, run, as_of)
    stats: dict[str, Any] = {"run_id": run.id, "as_of": iso(ctx.as_of), "quarter": quarter_of(ctx.as_of),
                             "subjects": len(ctx.scans), "checks": {}, "new": 0, "seen_again": 0,
                             "reopened": 0, "fixed": 0, "duplicates": 0}
    drafts: dict[tuple[str, str, str], tuple[str, FindingDraft]] = {}
    judged: set[tuple[str, str]] = set()  # (subject, check) pairs the run decided
    enabled = config.enabled()
    light = run.kind in LIGHT_KINDS
    if light:
        enabled = [c for c in enabled if c.check.id in config.light_scan_checks]
        stats["light"] = True
    ordered = [c for c in enabled if c.check.gate] + [c for c in enabled if not c.check.gate]
    for loaded in ordered:
        check, cfg = loaded.check, loaded.config
        ctx.config = cfg
        subjects = set(ctx.subjects(*check.subjects))
        judged.update((sid, check.id) for sid in subjects)
        n = 0
        for d in check.run(ctx):
            if d.site_id not in subjects:
                raise CheckError(f"check {check.id} reported {d.site_id!r}, a subject it was not given")
            key = (d.site_id, check.id, url_hash(d.target))
            if key in drafts:
                stats["duplicates"] += 1
                continue
            drafts[key] = (cfg.severity if d.severity is None else d.severity, d)
            n += 1
        stats["checks"][check.id] = n
    stats["skipped"] = dict(ctx.skipped)
    _upsert(session, ctx, drafts, judged, stats, reread=_reread(session, run.id) if light else None)
    session.flush()
    stats["total"] = len(drafts)
    return stats


def _reread(session: Session, run_id: int) -> set[str]:
    """url hashes of everything a run read: its columns, pages and requested URLs."""
    out: set[str] = set()
    for model in (Column, Page, LinkResult):
        out.update(session.scalars(select(model.url_hash).where(model.run_id == run_id)))
    return out


def _upsert(session: Session, ctx: CheckContext, drafts: dict[tuple[str, str, str], tuple[str, FindingDraft]],
            judged: set[tuple[str, str]], stats: dict[str, Any], reread: set[str] | None = None) -> None:
    run_id = ctx.run_id
    now = utcnow()
    subjects = sorted(ctx.scans)
    existing: dict[tuple[str, str, str], Finding] = {}
    for i in range(0, len(subjects), 500):
        for f in session.scalars(select(Finding).where(Finding.subject_id.in_(subjects[i:i + 500]))):
            existing[(f.subject_id, f.check_id, f.target_hash)] = f
    for key, (severity, d) in drafts.items():
        subject_id, check_id, th = key
        evidence = dict(d.evidence)
        evidence["run_id"] = run_id
        f = existing.get(key)
        if f is None:
            session.add(Finding(
                unit_id=ctx.unit_of(subject_id), subject=ctx.scans[subject_id].subject, subject_id=subject_id,
                check_id=check_id, severity=severity, url=d.url, target=d.target, target_hash=th, detail=d.detail,
                evidence=evidence, first_seen_run=run_id, last_seen_run=run_id, first_seen_at=now, last_seen_at=now,
                status="open",
            ))
            stats["new"] += 1
            continue
        old = f.evidence or {}
        if max(f.last_seen_run, old.get("fixed_in_run") or 0) > run_id:
            continue  # a newer run already decided this finding
        for keep in ("regressions",):
            if keep in old:
                evidence[keep] = old[keep]
        if f.status == "fixed":
            fixed_in = old.get("fixed_in_run")
            if fixed_in != run_id:
                # it was gone in an earlier run and is back: a regression
                evidence["regressions"] = [*evidence.get("regressions", []),
                                           {"run_id": run_id, "fixed_in_run": fixed_in, "at": now.isoformat()}]
                how = f"in run {fixed_in}" if fixed_in else f"by {f.status_by or 'a reviewer'}"
                f.status_reason = f"regression: seen again in run {run_id} after being fixed {how}"
            else:
                f.status_reason = None  # re-checking the same run found it after all
            f.status, f.status_by, f.status_at = "open", SYSTEM, now
            stats["reopened"] += 1
        else:
            stats["seen_again"] += 1
        f.unit_id = ctx.unit_of(subject_id)
        f.severity, f.url, f.target, f.detail, f.evidence = severity, d.url, d.target, d.detail, evidence
        f.last_seen_run, f.last_seen_at = run_id, now
    for key, f in existing.items():
        if key in drafts or (f.subject_id, f.check_id) not in judged:
            continue
        if reread is not None and f.target_hash not in reread:
            continue  # a light run did not look at this target again
        if f.status in ("open", "confirmed") and f.last_seen_run <= run_id:
            f.status, f.status_by, f.status_at = "fixed", SYSTEM, now
            f.status_reason = f"not found in run {run_id}"
            f.evidence = {**(f.evidence or {}), "fixed_in_run": run_id}
            stats["fixed"] += 1


def check_and_score(session: Session, run_id: int, registry: Any = None,
                    indicators_path: str | None = None) -> dict[str, Any]:
    """The end of every scan (and `govinspect check`): run the checks, then score the run.
    `registry` is accepted for the scan command's convenience; units come from the site scans."""
    config = load_indicators(indicators_path)
    stats = run_checks(session, run_id, config=config)
    run = session.get(ScanRun, run_id)
    assert run is not None
    not_assessed = {sid for sid, why in stats["skipped"].items() if why != "site_unreachable"}
    # a light run saw too little of each site for a quarter's score (see the module doc)
    results = [] if run.kind in LIGHT_KINDS else score_run(session, run, config.scoring, not_assessed=not_assessed)
    by_check: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    for f in session.scalars(select(Finding).where(Finding.last_seen_run == run_id)):
        by_check[f.check_id] += 1
        by_status[f.status] += 1
    return {
        **stats,
        "indicators": config.path,
        "findings_by_check": dict(sorted(by_check.items())),
        "findings_by_status": dict(sorted(by_status.items())),
        "scores": [result_dict(r) for r in results],
        "not_assessed": sorted(not_assessed),
    }


def set_status(session: Session, finding_id: int, status: str, reason: str | None = None,
               by: str | None = None, source: str = "cli") -> Finding:
    """A reviewer's verdict on a finding; dismissing needs a reason. Survives rescans (see above).
    Recorded in the review audit trail (`source`: cli | web)."""
    if status not in REVIEW_STATUSES:
        raise ValueError(f"status must be one of {', '.join(REVIEW_STATUSES)}, not {status!r}")
    reason = (reason or "").strip() or None
    if status == "dismissed" and not reason:
        raise ValueError("dismissing a finding needs a reason")
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise LookupError(f"no finding {finding_id}")
    old = finding.status
    finding.status = status
    finding.status_reason = reason
    finding.status_by = (by or "").strip() or None
    finding.status_at = utcnow()
    record_review(session, finding, old, by=finding.status_by, source=source, reason=reason)
    session.flush()
    return finding
