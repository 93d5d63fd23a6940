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
from dataclasses import asdict, dataclass
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
# server (timeouts, retries), and a process with several sites in flight fills that time
SITES_PER_TASK = 6
TASKS_PER_WORKER = 3


def site_groups(site_ids: list[str], workers: int) -> list[tuple[str, ...]]:
    """The sites split into tasks: at least TASKS_PER_WORKER per worker (so that one slow group
    does not leave the other workers idle at the end), at most SITES_PER_TASK sites each
    (fewer when there are few sites), dealt round-robin so that neighbours in the registry (often
    of one size) spread over the tasks."""
    if not site_ids:
        return []
    count = max(-(-len(site_ids) // SITES_PER_TASK), min(len(site_ids), workers * TASKS_PER_WORKER))
    return [tuple(site_ids[i::count]) for i in range(count)]


def run_site_task(task: SiteTask) -> CrawlOutcome:
    """Crawl the task's sites or accounts into run `task.run_id` and record their ends (completed,
    or failed with their crawler's problem). The run-level verdict (network down, the checks)
    belongs to whoever ends the run."""
    from core.registry import load_registry
    from db.session import make_engine, session_scope
    from scan.crawl import crawl
    from scan.runner import _finish_subjects, crawl_settings, stale_limits

    registry = load_registry(task.config_path)
    as_of = dt.date.fromisoformat(task.as_of)
    site_args: dict[str, Any] = {}
    sites = list(task.site_ids)
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
