"""Stored availability probes: recording one, and reading a window of them (site_unreachable)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Probe


class ProbeOutcome(Protocol):
    """What a probe found (monitor.probe.FetchResult has these)."""

    url: str
    at: dt.datetime
    ok: bool
    status: int | None
    elapsed_ms: int
    error_class: str | None
    error: str | None


def record(session: Session, site_id: str, result: ProbeOutcome) -> Probe:
    row = Probe(site_id=site_id, url=result.url, at=result.at, ok=result.ok, status=result.status,
                elapsed_ms=result.elapsed_ms, error_class=result.error_class,
                error=(result.error or None) and result.error[:2000])
    session.add(row)
    session.commit()
    return row


# --- reading a window of probes (the site_unreachable check) -----------------------------------------


@dataclass
class ProbeWindow:
    site_id: str
    start: dt.datetime  # naive UTC, inclusive
    end: dt.datetime  # naive UTC, exclusive
    total: int
    failed: int  # not ok
    slow: int  # ok, but at or after slow_s (stored with a longer timeout)
    by_class: dict[str, int]
    days: int  # distinct UTC days with a probe

    @property
    def bad(self) -> int:
        return self.failed + self.slow

    @property
    def ratio(self) -> float:
        return self.bad / self.total if self.total else 0.0


def window(session: Session, site_id: str, end: dt.datetime, days: float, slow_s: float) -> ProbeWindow:
    """Counts of the site's probes in [end - days, end): all, failed, slow, failures by class."""
    start = end - dt.timedelta(days=days)
    slow_ms = int(slow_s * 1000)
    total = failed = slow = 0
    by_class: dict[str, int] = {}
    day_set: set[dt.date] = set()
    # a few dozen probes a day per site: reading them is cheaper than a portable GROUP BY on an expression
    for ok, error_class, elapsed_ms, at in session.execute(
        select(Probe.ok, Probe.error_class, Probe.elapsed_ms, Probe.at)
        .where(Probe.site_id == site_id, Probe.at >= start, Probe.at < end)
    ):
        total += 1
        day_set.add(at.date())
        if not ok:
            failed += 1
            key = error_class or "other"
        elif elapsed_ms >= slow_ms:
            slow += 1
            key = "slow"
        else:
            continue
        by_class[key] = by_class.get(key, 0) + 1
    day_count = len(day_set)
    return ProbeWindow(site_id=site_id, start=start, end=end, total=total, failed=failed, slow=slow,
                       by_class=dict(sorted(by_class.items())), days=day_count)
