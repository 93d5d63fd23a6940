"""The review audit trail: every change of a finding's review status, who made it and when. The
CLI's `govinspect review`, the web UI and the web UI's rechecks all write through here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Finding, ReviewEvent, utcnow


def record_review(session: Session, finding: Finding, old_status: str, *, by: str | None, source: str,
                  reason: str | None = None) -> ReviewEvent:
    event = ReviewEvent(finding_id=finding.id, at=finding.status_at or utcnow(), by=by, source=source,
                        old_status=old_status, new_status=finding.status, reason=reason)
    session.add(event)
    return event


def review_history(session: Session, finding_id: int) -> list[ReviewEvent]:
    return list(session.scalars(select(ReviewEvent).where(ReviewEvent.finding_id == finding_id)
                                .order_by(ReviewEvent.at, ReviewEvent.id)))
