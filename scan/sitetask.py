"""A site task: crawl some sites (usually one) or the accounts of a run that already exists, and
record each one's end. The unit of distribution: `scan --workers N` runs site tasks in local
processes (scan.pool), `govinspect worker` runs them from the Celery queue (distributed/). A task
runs in a fresh process (one Twisted reactor per process) and returns plain data.

A site's end is recorded as soon as its task ends, so a run cut short (a killed worker, a lost
machine) knows which sites finished: `scan --resume` crawls only the others again.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, replace
from typing import Any

from scan.crawl import CrawlOutcome

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class SiteTask:
    run_id: int
    config_path: str
    db_url: str
    as_of: str  # ISO date: tasks travel as JSON through the broker
    kind: str = "full"
    site_ids: tuple[str, ...] = ()
    account_ids: tuple[str, ...] = ()
    log_file: str | None = None
    # the run's last pass: only the links to other sites of the run that the tasks left to it
    # (db.linkclaims.DEFERRED); records no site's end
    deferred: bool = False

    @property
    def subjects(self) -> tuple[str, ...]:
        return self.site_ids + self.account_ids

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SiteTask:
        return cls(**{**data, "site_ids": tuple(data.get("site_ids") or ()),
                      "account_ids": tuple(data.get("account_ids") or ())})


# sites crawled side by side in one task: a site spends much of its crawl waiting on a slow
# server (timeouts, retries), and a process with many sites in flight fills that time. Each task
# also ends waiting on its slowest requests (a link that times out after 10-15 s); with tasks of
# 5 sites that wait came 5 times per worker, and `--workers 2` ran at 1.26x one process on the
# 49-site bench; one task of up to 25 sites per worker ran at 1.79x (bench/scale_bench.py)
SITES_PER_TASK = 25
TASKS_PER_WORKER = 1


def site_groups(site_ids: list[str], workers: int, sizes: dict[str, int] | None = None) -> list[tuple[str, ...]]:
    """The sites split into tasks, largest first: at least TASKS_PER_WORKER per worker and a
    multiple of `workers` (so that one slow group does not leave the other workers idle at the
    end), at most SITES_PER_TASK sites each (fewer when there are few sites). `sizes`: each site's
    expected pages (its last scan's); the sites are dealt largest first to the lightest task, so
    that the tasks weigh about the same, and the heaviest tasks start first."""
    if not site_ids:
        return []
    workers = max(1, workers)
    count = max(-(-len(site_ids) // SITES_PER_TASK), min(len(site_ids), workers * TASKS_PER_WORKER))
    count = min(len(site_ids), -(-count // workers) * workers)
    weight = {sid: max(1, (sizes or {}).get(sid, 1)) for sid in site_ids}
    groups: list[list[str]] = [[] for _ in range(count)]
    loads = [0] * count
    # stable: among sites of one size the registry's order decides, so neighbours spread over the tasks
    for sid in sorted(site_ids, key=lambda s: -weight[s]):
        lightest = min(range(count), key=lambda i: (loads[i], len(groups[i]), i))
        groups[lightest].append(sid)
        loads[lightest] += weight[sid]
    order = sorted(range(count), key=lambda i: -loads[i])
    return [tuple(groups[i]) for i in order]


def _still_running(task: SiteTask) -> set[str]:
    """The task's subjects its run still waits for: the run is running and their scans too."""
    from sqlalchemy import select

    from db.models import ScanRun, SiteScan
    from db.session import make_engine, session_scope

    engine = make_engine(task.db_url)
    try:
        with session_scope(engine) as session:
            return set(session.scalars(
                select(SiteScan.site_id).join(ScanRun, SiteScan.run_id == ScanRun.id)
                .where(SiteScan.run_id == task.run_id, SiteScan.site_id.in_(task.subjects),
                       SiteScan.status == "running", ScanRun.status == "running")))
    finally:
        engine.dispose()


def run_site_task(task: SiteTask) -> CrawlOutcome:
    """Crawl the task's sites or accounts into run `task.run_id` and record their ends (completed,
    or failed with their crawler's problem). The run-level verdict (network down, the checks)
    belongs to whoever ends the run."""
    from db.session import make_engine, session_scope
    from scan.crawl import crawl
    from scan.runner import _finish_subjects, crawl_settings, registry_of, stale_limits

    registry = registry_of(task.config_path)
    as_of = dt.date.fromisoformat(task.as_of)
    site_args: dict[str, Any] = {}
    sites = list(task.site_ids)
    if not task.deferred and task.subjects:
        left = _still_running(task)
        if not left:
            # its run ended (the scan gave up waiting, or was resumed and finished): a task left in
            # the queue crawls nothing into it
            log.warning("site task %s: run %s has ended or its subjects are done; nothing to crawl",
                        ",".join(task.subjects), task.run_id)
            return CrawlOutcome()
        sites = [s for s in sites if s in left]
        task = replace(task, site_ids=tuple(sites), account_ids=tuple(a for a in task.account_ids if a in left))
    if task.deferred:
        from db.linkclaims import deferred_checks

        engine = make_engine(task.db_url)
        try:
            with session_scope(engine) as session:
                site_args["deferred_checks"] = deferred_checks(session, task.run_id)
        finally:
            engine.dispose()
        if not site_args["deferred_checks"]:
            return CrawlOutcome()
    elif sites:
        from db.linkclaims import release_pending

        # this task may be a second try (its first process was lost: Celery gave it back): the
        # checks its sites claimed then and never answered are theirs to make again
        engine = make_engine(task.db_url)
        try:
            with session_scope(engine) as session:
                release_pending(session, task.run_id, sites)
        finally:
            engine.dispose()
    settings = crawl_settings(registry, db_url=task.db_url, run_id=task.run_id, log_file=task.log_file,
                              progress=False, site_ids=sites)
    # spiders.shared_checks: one check per URL per run, links to other sites left to the last pass
    settings.set("GOVINSPECT_SHARED_CHECKS", not task.deferred)
    settings.set("LOG_INSTALL_ROOT_HANDLER", True)
    outcome = crawl(registry, settings, sites=sites, accounts=list(task.account_ids), as_of=as_of,
                    kind=task.kind, stale_limits=stale_limits(as_of), site_args=site_args)
    if task.deferred:
        # a pass of checks says nothing of the sites themselves
        return CrawlOutcome(problems=outcome.problems, crawl_stats=outcome.crawl_stats)
    failed = {name: "; ".join(p) for name, p in outcome.problems.items() if p}
    engine = make_engine(task.db_url)
    try:
        with session_scope(engine) as session:
            _finish_subjects(session, task.run_id, outcome.site_stats, outcome.account_results,
                             sites_error=failed.get("sites"), accounts_error=failed.get("accounts"))
    finally:
        engine.dispose()
    return outcome
