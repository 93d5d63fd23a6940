"""Run lifecycle: start a run (claiming its sites), heartbeat, finish, find runs whose process died,
and mirror the registry (config/sites.yaml) into the units/sites/accounts tables.

Every helper here commits: runs and site claims are state other processes read (a second scan
deciding whether a site is busy, a reaper deciding whether a run is dead), so they must be visible
at once. A helper first commits whatever the session had pending.

Concurrency: claiming sites is check-then-insert, so it runs under a database-wide lock taken
transactionally — BEGIN IMMEDIATE on SQLite (the write lock up front), a transaction-scoped advisory
lock on PostgreSQL. Two processes starting scans of the same site therefore serialise and the second
one gets SiteBusyError.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from core.registry import Registry
from db.models import Account, ScanRun, Site, SiteScan, Unit, utcnow
from db.session import SQLITE_IMMEDIATE

STALE_AFTER = dt.timedelta(minutes=5)
FINISHED = ("completed", "incomplete", "failed")
# Run kinds whose crawl reads only part of each site (homepage and news columns, spider scope
# "light"): only some checks judge them, they mark fixed only what they re-read, and they are not
# scored (config/indicators.yaml light_scan_checks; checks/engine.py).
LIGHT_KINDS = ("weekly",)
# Run kinds that read whole sites: what a quarter's inspection is made of.
FULL_KINDS = ("full", "single", "recheck")
# arbitrary constant naming "the run registry" among PostgreSQL advisory locks ("govi" in ASCII)
_PG_LOCK_KEY = 0x676F7669


class SiteBusyError(RuntimeError):
    """The site is being scanned by another live run."""

    def __init__(self, site_id: str, run_id: int, owner: str = "") -> None:
        self.site_id = site_id
        self.run_id = run_id
        self.owner = owner
        by = f" (owner {owner})" if owner else ""
        super().__init__(f"site {site_id!r} is being scanned by run {run_id}{by}; wait for it to finish")


def this_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _parse_owner(owner: str) -> tuple[str, int | None]:
    host, _, pid = owner.rpartition(":")
    return (host, int(pid)) if pid.isdigit() else (owner, None)


def pid_alive(pid: int) -> bool:
    """Whether a process of this host is running (a zombie counts as dead: it will never write)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            # the state follows the parenthesised command name, which may itself contain spaces
            return fh.read().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _write_transaction(session: Session) -> None:
    """Start a transaction that holds the write lock from its first statement (see module doc)."""
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={SQLITE_IMMEDIATE: True})
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})


def stale_reason(run: ScanRun, now: dt.datetime, stale_after: dt.timedelta = STALE_AFTER) -> str | None:
    """Why a 'running' run is dead, or None while it looks alive. A run of this very process is alive."""
    owner = run.owner or ""
    if owner == this_owner():
        return None
    host, pid = _parse_owner(owner)
    if host == socket.gethostname() and pid is not None and not pid_alive(pid):
        return f"owner process {owner} is gone"
    if run.heartbeat_at < now - stale_after:
        return f"no heartbeat since {run.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC (owner {owner or '?'})"
    return None


def _reap(session: Session, now: dt.datetime, stale_after: dt.timedelta) -> list[int]:
    reaped: list[int] = []
    for run in session.scalars(select(ScanRun).where(ScanRun.status == "running").order_by(ScanRun.id)):
        reason = stale_reason(run, now, stale_after)
        if reason is None:
            continue
        run.status = "incomplete"
        run.finished_at = now
        run.error = f"run did not finish: {reason}"
        session.execute(
            update(SiteScan)
            .where(SiteScan.run_id == run.id, SiteScan.status == "running")
            .values(status="incomplete", finished_at=now, error="run did not finish")
        )
        reaped.append(run.id)
    session.flush()
    return reaped


def reap_stale_runs(
    session: Session, now: dt.datetime | None = None, stale_after: dt.timedelta = STALE_AFTER
) -> list[int]:
    """Mark dead runs 'incomplete' (and their sites still 'running'); returns their ids.

    Dead: the owner is a process of this host that no longer exists, or the heartbeat is older than
    `stale_after` (the owner may be on another host). `now` is naive UTC like the stored times."""
    _write_transaction(session)
    reaped = _reap(session, now or utcnow(), stale_after)
    session.commit()
    return reaped


def _subjects(session: Session, site_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """site or account id -> (unit_id, subject)."""
    ids = list(dict.fromkeys(site_ids))
    found: dict[str, tuple[str, str]] = {}
    for sid, unit_id in session.execute(select(Site.id, Site.unit_id).where(Site.id.in_(ids))):
        found[sid] = (unit_id, "site")
    for aid, unit_id in session.execute(select(Account.id, Account.unit_id).where(Account.id.in_(ids))):
        found.setdefault(aid, (unit_id, "account"))
    return found


def _claim(session: Session, run: ScanRun, site_ids: Sequence[str], now: dt.datetime,
           stale_after: dt.timedelta, skip_busy: bool = False) -> dict[str, int]:
    """Inside a write transaction: refuse sites busy in another live run (or, with `skip_busy`,
    leave them out: SiteBusyError only when every one is busy), then add this run's 'running'
    site scans. Returns the busy sites left out: {site id: the run scanning it}."""
    _reap(session, now, stale_after)
    ids = list(dict.fromkeys(site_ids))
    subjects = _subjects(session, ids)
    unknown = [s for s in ids if s not in subjects]
    if unknown:
        raise KeyError(f"unknown site/account id(s) {', '.join(unknown)}: sync the registry first")
    busy_rows = session.execute(
        select(SiteScan.site_id, ScanRun.id, ScanRun.owner)
        .join(ScanRun, SiteScan.run_id == ScanRun.id)
        .where(
            SiteScan.site_id.in_(ids),
            SiteScan.status == "running",
            ScanRun.status == "running",
            ScanRun.id != run.id,
        )
        .order_by(ScanRun.id)
    ).all()
    if busy_rows and (not skip_busy or {r.site_id for r in busy_rows} >= set(ids)):
        busy = busy_rows[0]
        raise SiteBusyError(busy.site_id, busy.id, busy.owner)
    skipped = {r.site_id: r.id for r in busy_rows}
    ids = [s for s in ids if s not in skipped]
    have = set(session.scalars(select(SiteScan.site_id).where(SiteScan.run_id == run.id, SiteScan.site_id.in_(ids))))
    for sid in ids:
        if sid in have:
            continue
        unit_id, subject = subjects[sid]
        session.add(SiteScan(run_id=run.id, site_id=sid, unit_id=unit_id, subject=subject, status="running",
                             started_at=now))
    session.flush()
    return skipped


def start_run(
    session: Session,
    as_of: dt.date,
    kind: str = "full",
    config_path: str = "",
    site_ids: Sequence[str] = (),
    *,
    stale_after: dt.timedelta = STALE_AFTER,
    skip_busy: bool = False,
) -> ScanRun:
    """Create a 'running' run owned by this process and claim its sites (site scans 'running').

    Dead runs are reaped first; a site still claimed by a live run raises SiteBusyError and
    nothing is written — unless `skip_busy` (scheduled scans): then busy sites are left out and
    listed in run.stats["skipped_busy"] ({site id: run id}), and only a run left with no site at
    all raises. Ids must be in the registry tables (sync_registry) — KeyError otherwise."""
    _write_transaction(session)
    try:
        now = utcnow()
        run = ScanRun(as_of=as_of, kind=kind, status="running", started_at=now, heartbeat_at=now,
                      owner=this_owner(), config_path=config_path, stats={})
        session.add(run)
        session.flush()
        skipped = _claim(session, run, site_ids, now, stale_after, skip_busy)
        if skipped:
            run.stats = {"skipped_busy": skipped}
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return run


def acquire_site_lock(
    session: Session, run_id: int, site_ids: Sequence[str], *, stale_after: dt.timedelta = STALE_AFTER
) -> None:
    """Claim more sites for an existing run (start_run already claims its own): SiteBusyError if
    another live run is scanning one of them; all or nothing."""
    _write_transaction(session)
    try:
        run = session.get(ScanRun, run_id)
        if run is None:
            raise KeyError(f"no scan run {run_id}")
        if run.status != "running":
            raise ValueError(f"scan run {run_id} is {run.status}, not running")
        _claim(session, run, site_ids, utcnow(), stale_after)
    except BaseException:
        session.rollback()
        raise
    session.commit()


def heartbeat(session: Session, run_id: int, now: dt.datetime | None = None) -> None:
    # a single UPDATE takes the write lock itself; no need for BEGIN IMMEDIATE
    if session.in_transaction():
        session.commit()
    session.execute(update(ScanRun).where(ScanRun.id == run_id).values(heartbeat_at=now or utcnow()))
    session.commit()


def finish_site_scan(
    session: Session,
    run_id: int,
    site_id: str,
    status: str,
    error: str | None = None,
    stats: dict[str, Any] | None = None,
) -> None:
    """End one site of a run (releases its claim); stats are merged into what the site has."""
    if status not in FINISHED:
        raise ValueError(f"bad site scan status {status!r}; one of {', '.join(FINISHED)}")
    _write_transaction(session)
    scan = session.scalars(select(SiteScan).where(SiteScan.run_id == run_id, SiteScan.site_id == site_id)).first()
    if scan is None:
        unit_id, subject = _subjects(session, [site_id]).get(site_id, ("", "site"))
        scan = SiteScan(run_id=run_id, site_id=site_id, unit_id=unit_id, subject=subject, stats={})
        session.add(scan)
    scan.status = status
    scan.error = error
    scan.finished_at = utcnow()
    scan.stats = {**(scan.stats or {}), **(stats or {})}
    session.commit()


def finish_run(
    session: Session,
    run_id: int,
    status: str,
    error: str | None = None,
    stats: dict[str, Any] | None = None,
) -> ScanRun:
    """End a run. Its sites still 'running' end with it: as 'failed'/'incomplete' with a failed or
    incomplete run, as 'incomplete' with a completed one (nobody said they finished)."""
    if status not in FINISHED:
        raise ValueError(f"bad run status {status!r}; one of {', '.join(FINISHED)}")
    _write_transaction(session)
    run = session.get(ScanRun, run_id)
    if run is None:
        session.rollback()
        raise KeyError(f"no scan run {run_id}")
    now = utcnow()
    run.status = status
    run.error = error
    run.finished_at = now
    run.heartbeat_at = now
    run.stats = {**(run.stats or {}), **(stats or {})}
    leftover = "incomplete" if status == "completed" else status
    session.execute(
        update(SiteScan)
        .where(SiteScan.run_id == run_id, SiteScan.status == "running")
        .values(status=leftover, finished_at=now, error=error or f"run ended {status} before the site finished")
    )
    session.commit()
    return run


def sync_registry(session: Session, registry: Registry) -> dict[str, int]:
    """Upsert units, sites and accounts from the registry. Sites and accounts no longer listed are
    set inactive, never deleted (findings and past runs refer to them). Returns counts."""
    _write_transaction(session)
    units = {u.id: u for u in session.scalars(select(Unit))}
    sites = {s.id: s for s in session.scalars(select(Site))}
    accounts = {a.id: a for a in session.scalars(select(Account))}
    counts = {"units": 0, "sites": 0, "accounts": 0, "deactivated": 0}
    for uc in registry.units:
        unit = units.get(uc.id) or Unit(id=uc.id)
        unit.name, unit.kind = uc.name, uc.kind
        session.add(unit)
        counts["units"] += 1
    # units first: sites and accounts refer to them (SQLite enforces foreign keys here)
    session.flush()
    seen_sites: set[str] = set()
    seen_accounts: set[str] = set()
    for uc, sc in registry.sites():
        site = sites.get(sc.id) or Site(id=sc.id)
        site.unit_id, site.name, site.url, site.hosts, site.active = uc.id, sc.name, sc.url, list(sc.hosts), True
        session.add(site)
        seen_sites.add(sc.id)
        counts["sites"] += 1
    for uc, ac in registry.accounts():
        account = accounts.get(ac.id) or Account(id=ac.id)
        account.unit_id, account.platform, account.name, account.url, account.active = (
            uc.id, ac.platform, ac.name, ac.url, True)
        session.add(account)
        seen_accounts.add(ac.id)
        counts["accounts"] += 1
    for sid, site in sites.items():
        if sid not in seen_sites and site.active:
            site.active = False
            counts["deactivated"] += 1
    for aid, account in accounts.items():
        if aid not in seen_accounts and account.active:
            account.active = False
            counts["deactivated"] += 1
    session.commit()
    return counts


# what a site's cut-off crawl left in a run: dropped before the site is crawled again from its
# start (link_results stay: one row per URL per run, whoever asked, and a verdict is a verdict)
_REDO_TABLES = ("pages", "links", "columns", "column_items", "screenshots", "ipv6_checks")


def resume_run(session: Session, run_id: int, *, stale_after: dt.timedelta = STALE_AFTER) -> list[str]:
    """Take over a run that died (its process killed, a machine lost) to finish it: the run is
    'running' again, owned by this process; its sites and accounts that did not complete are
    claimed again and what their cut-off crawl wrote is dropped, so that crawling them again from
    their start leaves no duplicate and no stale row. Returns those subjects; the completed ones
    are not crawled again. A run still alive raises ValueError; a subject another live run is
    scanning, SiteBusyError."""
    from db.models import Base

    _write_transaction(session)
    try:
        now = utcnow()
        _reap(session, now, stale_after)
        run = session.get(ScanRun, run_id)
        if run is None:
            raise KeyError(f"no scan run {run_id}")
        if run.status == "running":
            raise ValueError(f"scan run {run_id} is still running (owner {run.owner}); resume it when it has died")
        if run.status == "completed":
            raise ValueError(f"scan run {run_id} completed; nothing to resume")
        scans = list(session.scalars(select(SiteScan).where(SiteScan.run_id == run_id)))
        redo = sorted(s.site_id for s in scans if s.status != "completed")
        busy = session.execute(
            select(SiteScan.site_id, ScanRun.id, ScanRun.owner).join(ScanRun, SiteScan.run_id == ScanRun.id)
            .where(SiteScan.site_id.in_(redo), SiteScan.status == "running", ScanRun.status == "running",
                   ScanRun.id != run_id)
        ).first()
        if busy is not None:
            raise SiteBusyError(busy.site_id, busy.id, busy.owner)
        run.status, run.owner, run.heartbeat_at, run.finished_at, run.error = "running", this_owner(), now, None, None
        for scan in scans:
            if scan.status != "completed":
                scan.status, scan.started_at, scan.finished_at, scan.error = "running", now, None, None
        tables = Base.metadata.tables
        for name in _REDO_TABLES:
            table = tables[name]
            session.execute(table.delete().where(table.c.run_id == run_id, table.c.site_id.in_(redo)))
        posts = tables["posts"]
        session.execute(posts.delete().where(posts.c.run_id == run_id, posts.c.account_id.in_(redo)))
        session.flush()
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return redo
