"""Run one scan: registry -> SiteSpider + AccountSpider -> database, then checks and scores.

A Twisted reactor runs once per process, so one process runs one scan; the CLI, the scheduler and
the tests call this (the latter two through a subprocess).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.settings import Settings
from sqlalchemy.exc import SQLAlchemyError

from core.clock import local_today
from core.registry import DEFAULT_REGISTRY, Registry, load_registry
from db.session import make_engine, resolve_url, session_scope

log = logging.getLogger(__name__)


class ScanError(Exception):
    """The scan as a whole could not run or did not complete; str() says why in one line."""


class ScanFailedError(ScanError):
    """The scan started and then failed as a whole (its database went away): no verdicts."""


class ScanBusyError(ScanError):
    """Every selected site is being scanned by another live run; nothing was started."""


@dataclass
class ScanResult:
    run_id: int
    status: str
    site_stats: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: str | None = None
    # per new-media account: status (completed | failed), error ("<kind>: <reason>"), stats
    account_results: dict[str, dict[str, Any]] = field(default_factory=dict)
    check_summary: dict[str, Any] | None = None
    # sites left out because another live run was scanning them (skip_busy): {site id: that run}
    skipped_busy: dict[str, int] = field(default_factory=dict)


_PARSED: dict[tuple[str, str], tuple[tuple[int, int], Any]] = {}


def parsed_once(kind: str, path: Path, load: Callable[[Path], Any]) -> Any:
    """`load(path)`, kept for this process and its forks until the file changes: the YAML reader
    that keeps line numbers takes about a second for indicators.yaml, and every site task needs it
    (a long-lived Celery worker still sees an edited file)."""
    st = path.stat()
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _PARSED.get((kind, str(path)))
    if hit is None or hit[0] != stamp:
        hit = _PARSED[(kind, str(path))] = (stamp, load(path))
    return hit[1]


def indicators() -> Any:
    """The indicators file the checks read (checks.config), parsed once per process."""
    from checks.config import DEFAULT_INDICATORS, load_indicators

    return parsed_once("indicators", DEFAULT_INDICATORS, load_indicators)


def registry_of(path: str | Path) -> Registry:
    """The registry at `path`, parsed once per process (a site task's parent parsed it already)."""
    return parsed_once("registry", Path(path), load_registry)


def _home_timeout() -> float:
    cfg = indicators().config_of("site_unreachable")
    return float(getattr(cfg, "timeout_s", 0.0) or 0.0)


def stale_limits(as_of: dt.date) -> tuple[dict[str, dt.date], dt.date]:
    """column_stale's cutoff per category for this as-of date and the latest plausible date, so the
    spider photographs the columns the check will call stale (from the object the check uses)."""
    for loaded in indicators().checks:
        if loaded.check.id == "column_stale" and loaded.config.enabled:
            cfg: Any = loaded.config
            return ({cat: lim.cutoff(as_of) for cat, lim in cfg.limits.items()},
                    as_of + dt.timedelta(days=cfg.future_tolerance_days))
    return {}, as_of


def crawl_settings(registry: Registry, *, db_url: str, run_id: int, log_file: str | None,
                   progress: bool, site_ids: list[str]) -> Settings:
    from crawler import settings as base

    crawl = registry.crawl
    s = Settings()
    s.setmodule(base, priority="project")
    s.set("USER_AGENT", crawl.user_agent)
    s.set("CONCURRENT_REQUESTS", crawl.concurrency_total)
    s.set("CONCURRENT_REQUESTS_PER_DOMAIN", crawl.concurrency_per_site)
    slots = {}
    for _, site in registry.sites():
        if not site_ids or site.id in site_ids:
            slots[f"site:{site.id}"] = {"concurrency": site.concurrency or crawl.concurrency_per_site}
    s.set("DOWNLOAD_SLOTS", slots)
    s.set("AUTOTHROTTLE_ENABLED", crawl.autothrottle)
    s.set("AUTOTHROTTLE_TARGET_CONCURRENCY", float(crawl.concurrency_per_site))
    s.set("DOWNLOAD_TIMEOUT", crawl.download_timeout)
    # a homepage gets at least the indicator's 15 s (site_unreachable.timeout_s) before it counts
    # as not opening, however short the crawl's timeout for other pages is
    s.set("GOVINSPECT_HOME_TIMEOUT", max(crawl.download_timeout, _home_timeout()))
    s.set("RETRY_TIMES", crawl.retry_times)
    s.set("DOWNLOAD_MAXSIZE", crawl.max_page_bytes)
    s.set("GOVINSPECT_MAX_RETRY_AFTER", crawl.max_retry_after)
    s.set("GOVINSPECT_IPV6_NAMESERVERS", list(crawl.ipv6_nameservers))
    from crawler.safety import safety_settings

    # address policy (no SSRF), canary URLs, certificate checks
    s.update(safety_settings(registry, s.getdict("EXTENSIONS")), priority="project")
    from crawler.render import render_settings

    s.update(render_settings(crawl), priority="project")  # Chromium, started only when a page needs it
    s.set("ROBOTSTXT_OBEY", True)  # per-site "ignore" is applied per request (dont_obey_robotstxt)
    s.set("GOVINSPECT_DB_URL", db_url)
    s.set("GOVINSPECT_RUN_ID", run_id)
    if log_file:
        s.set("LOG_FILE", log_file)
        s.set("LOG_LEVEL", "INFO")
    else:
        s.set("LOG_LEVEL", "WARNING" if progress else "INFO")
    if progress:
        s.set("EXTENSIONS", {**s.getdict("EXTENSIONS"), "crawler.extensions.progress.ProgressExtension": 500})
    return s


def run_scan(
    config_path: str | Path | None = None,
    *,
    db_url: str | None = None,
    as_of: dt.date | None = None,
    site_ids: list[str] | None = None,
    kind: str = "full",
    progress: bool = False,
    log_file: str | None = None,
    run_checks: bool = True,
    skip_busy: bool = False,
    workers: int = 1,
    distributed: bool = False,
    resume: int | None = None,
    worker_timeout: float | None = None,
    worker_notice: float | None = None,
) -> ScanResult:
    """Scan the registry's sites and new-media accounts (or only `site_ids`, which may name either),
    record the run, then run the checks and scores. One crawl in this process with `workers` 1;
    else site tasks (a few sites each) in processes of their own, `workers` at a time (scan.pool),
    the accounts in one more; `distributed` (or GOVINSPECT_BROKER set): the same tasks on the
    Celery workers (scan.tasks). `resume`: finish that run, which died (db.runs.resume_run): its
    date, kind and registry are the run's own, and only its sites that did not complete are
    crawled, each again from its start. `worker_timeout` (distributed): give up, the run failed,
    when no worker has taken any of its site tasks for that many seconds (scan.tasks);
    `worker_notice` (distributed): say so on stderr after that many seconds (default
    scan.waiting.NO_WORKER_NOTICE_S)."""
    from db import runs
    from db.migrate import upgrade

    if resume is not None:
        config_path, as_of, kind = _resumed_run(db_url, resume, config_path)
    config_path = Path(config_path or DEFAULT_REGISTRY)
    registry = registry_of(config_path)
    known_sites = {s.id for _, s in registry.sites()}
    known_accounts = {a.id for _, a in registry.accounts()}
    site_ids = list(site_ids or [])
    unknown = [s for s in site_ids if s not in known_sites | known_accounts]
    if unknown:
        raise ScanError(f"unknown site or account id(s) {', '.join(unknown)} in {config_path}")
    wanted = set(site_ids) or known_sites | known_accounts
    sites = sorted(wanted & known_sites)
    # a light scan (weekly) reads homepages and news columns only: no accounts
    accounts = sorted(wanted & known_accounts) if kind not in runs.LIGHT_KINDS else []
    if not sites and not accounts:
        raise ScanError(f"{config_path} lists no site or account to scan")
    as_of = as_of or local_today(registry.crawl.timezone)
    url = resolve_url(db_url)
    last_pass_due = False
    try:
        upgrade(url)
    except SQLAlchemyError as exc:
        raise ScanError(f"the database could not be opened or migrated ({_first_line(exc)})") from None
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            runs.reap_stale_runs(session)
            runs.sync_registry(session, registry)
        with session_scope(engine) as session:
            if resume is not None:
                from sqlalchemy import select

                from db.linkclaims import has_deferred, release_for_resume
                from db.models import SiteScan

                redo = set(runs.resume_run(session, resume))
                # the run's every site: the last pass checks the links the completed ones left too
                in_run = set(session.scalars(select(SiteScan.site_id).where(SiteScan.run_id == resume)))
                run_sites = [s for s in sites if s in in_run]
                release_for_resume(session, resume, sorted(redo))  # claims of the processes that died
                # links the completed sites of a multi-process attempt left to its last pass,
                # which never came: the resumed run makes that pass, whatever its --workers
                last_pass_due = has_deferred(session, resume)
                run_id, skipped_busy = resume, {}
                sites, accounts = [s for s in sites if s in redo], [a for a in accounts if a in redo]
            else:
                run = runs.start_run(session, as_of=as_of, kind=kind, config_path=str(config_path),
                                     site_ids=sites + accounts, skip_busy=skip_busy)
                run_id = run.id
                skipped_busy = dict((run.stats or {}).get("skipped_busy", {}))
    except (KeyError, ValueError) as exc:
        engine.dispose()
        raise ScanError(f"cannot resume: {exc.args[0] if exc.args else exc}") from None
    except runs.SiteBusyError as exc:
        engine.dispose()
        raise ScanBusyError(f"{exc}; not started (one scan of a site at a time)") from None
    except SQLAlchemyError as exc:
        engine.dispose()
        raise ScanError(f"the database failed before the crawl started ({_first_line(exc)})") from None
    if skipped_busy:
        log.warning("run %s: skipping %s, being scanned by another run", run_id,
                    ", ".join(f"{sid} (run {rid})" for sid, rid in sorted(skipped_busy.items())))
        sites = [s for s in sites if s not in skipped_busy]
        accounts = [a for a in accounts if a not in skipped_busy]
    if resume is None:
        run_sites = sites

    distributed = distributed or bool(os.environ.get("GOVINSPECT_BROKER"))
    if distributed or last_pass_due or (workers > 1 and len(sites) + bool(accounts) > 1):
        # site tasks: in `workers` local processes, or on the Celery workers (scan.tasks)
        from scan.pool import run_site_tasks
        from scan.sitetask import SiteTask, site_groups

        sizes = _expected_pages(engine, registry, sites)
        engine.dispose()  # the children open their own connections
        task_log = None if distributed else log_file  # a Celery worker logs where it runs
        tasks = [SiteTask(run_id=run_id, config_path=str(config_path), db_url=url, as_of=as_of.isoformat(),
                          kind=kind, site_ids=group, log_file=task_log) for group in site_groups(sites, workers, sizes)]
        if accounts:
            # accounts read APIs a page or two at a time: a short task, last
            tasks.append(SiteTask(run_id=run_id, config_path=str(config_path), db_url=url,
                                  as_of=as_of.isoformat(), kind=kind, account_ids=tuple(accounts), log_file=task_log))
        on_done = _print_site_end if progress else None
        if distributed:
            from scan import tasks as celery_tasks

            try:
                notice = {} if worker_notice is None else {"notice_after": worker_notice}
                outcome = celery_tasks.run_site_tasks(tasks, on_done, worker_timeout=worker_timeout,
                                                      notify=_notifier(log_file), **notice)
            except celery_tasks.NoWorkerError as exc:
                try:
                    _finish(engine, run_id, "failed", f"no worker: {exc}", {}, {}, {})
                finally:
                    engine.dispose()
                raise ScanFailedError(f"{exc}; gave up after {worker_timeout:g} s (--worker-timeout), "
                                      f"run {run_id} failed") from None
        else:
            outcome = run_site_tasks(tasks, workers, on_done=on_done)
        # the links between the run's sites, under their politeness slots now that no task runs
        last = SiteTask(run_id=run_id, config_path=str(config_path), db_url=url, as_of=as_of.isoformat(), kind=kind,
                        site_ids=tuple(run_sites), log_file=log_file, deferred=True)
        last_pass = run_site_tasks([last], 1)
        for reason in sorted(set(last_pass.subject_errors.values())):
            log.warning("run %s: the last pass of link checks between the sites: %s", run_id, reason)
        for key in ("requests", "responses", "items"):
            outcome.crawl_stats[key] += last_pass.crawl_stats.get(key, 0)
        _release_claims(engine, run_id)
    else:
        from scan.crawl import crawl

        settings = crawl_settings(registry, db_url=url, run_id=run_id, log_file=log_file, progress=progress,
                                  site_ids=sites)
        settings.set("LOG_INSTALL_ROOT_HANDLER", not progress or bool(log_file))
        outcome = crawl(registry, settings, sites=sites, accounts=accounts, as_of=as_of, kind=kind,
                        stale_limits=stale_limits(as_of))
    site_stats, account_results = outcome.site_stats, outcome.account_results
    crawler_stats, crawl_stats = outcome.crawler_stats, outcome.crawl_stats
    # each crawler of the scan, even when its site tasks reported no problem (run_outcome: our
    # network down fails them all)
    problems = {name: outcome.problems.get(name, []) for name, subjects in (("sites", sites), ("accounts", accounts))
                if subjects} | outcome.problems
    from scan.netcheck import network_down_reason

    # our own network failing is not the sites failing: such a scan gives no verdict at all
    down = network_down_reason(crawler_stats, site_stats, accounts_answered=any(
        res["status"] == "completed" for res in account_results.values()))
    status, error, failed = run_outcome(problems, down)
    if outcome.subject_errors and status == "completed":
        # some site tasks failed (their process died, their database writes failed), not all
        status = "incomplete"
        error = "; ".join(f"{sid}: {why}" for sid, why in sorted(outcome.subject_errors.items()))
    try:
        _finish(engine, run_id, status, error, site_stats, account_results, crawl_stats,
                sites_error=failed.get("sites"), accounts_error=failed.get("accounts"),
                errors=outcome.subject_errors)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise _database_gone(exc, url, run_id, "recording the end of", error) from None
    result = ScanResult(run_id=run_id, status=status, site_stats=site_stats, error=error,
                        account_results=account_results, skipped_busy=skipped_busy)
    if run_checks and status != "failed":
        from checks.engine import check_and_score

        try:
            with session_scope(engine) as session:
                result.check_summary = check_and_score(session, run_id, registry)
        except SQLAlchemyError as exc:
            raise _database_gone(exc, url, run_id, "checking", None) from None
        finally:
            engine.dispose()
    engine.dispose()
    return result


def _resumed_run(db_url: str | None, run_id: int, config_path: str | Path | None) -> tuple[Any, dt.date, str]:
    """The registry, as-of date and kind of the run to resume."""
    from db.models import ScanRun

    engine = make_engine(resolve_url(db_url))
    try:
        with session_scope(engine) as session:
            run = session.get(ScanRun, run_id)
            if run is None:
                raise ScanError(f"cannot resume: no scan run {run_id} in the database")
            return config_path or run.config_path or None, run.as_of, run.kind
    except SQLAlchemyError as exc:
        raise ScanError(f"cannot resume run {run_id}: the database failed ({_first_line(exc)})") from None
    finally:
        engine.dispose()


def _expected_pages(engine: Any, registry: Registry, site_ids: list[str]) -> dict[str, int]:
    """Each site's pages in its last completed scan, else its page cap: the largest sites start
    first, so that no worker is left crawling a big site alone at the end (scan.sitetask.site_groups)."""
    from sqlalchemy import func, select

    from db.models import SiteScan

    caps = {site.id: site.max_pages or registry.crawl.max_pages for _, site in registry.sites()}
    sizes = {sid: caps.get(sid, registry.crawl.max_pages) for sid in site_ids}
    try:
        with session_scope(engine) as session:
            last = (select(SiteScan.site_id, func.max(SiteScan.id).label("id"))
                    .where(SiteScan.site_id.in_(site_ids), SiteScan.status == "completed")
                    .group_by(SiteScan.site_id).subquery())
            for sid, stats in session.execute(select(SiteScan.site_id, SiteScan.stats)
                                              .join(last, SiteScan.id == last.c.id)):
                pages = (stats or {}).get("pages")
                if isinstance(pages, int) and pages > 0:
                    sizes[sid] = pages
    except SQLAlchemyError as exc:  # an order of tasks is not worth failing the scan over
        log.warning("previous page counts not read (%s); sites start in registry order", _first_line(exc))
    return sizes


def _notifier(log_file: str | None) -> Callable[[str], None]:
    """A line the user must see while the scan waits: on stderr, and in the log file when there is one."""
    def say(line: str) -> None:
        from rich.console import Console
        from rich.markup import escape

        Console(stderr=True).print(f"[yellow]waiting:[/] {escape(line)}", highlight=False, soft_wrap=True)
        if log_file:
            log.warning("%s", line)

    return say


def _release_claims(engine: Any, run_id: int) -> None:
    """Link checks claimed by a site task that died unanswered are not verdicts (db.linkclaims)."""
    from db.linkclaims import release_pending

    try:
        with session_scope(engine) as session:
            if (n := release_pending(session, run_id)):
                log.warning("run %s: %d link checks were claimed by a site task that did not finish", run_id, n)
    except SQLAlchemyError as exc:
        log.warning("run %s: could not release unanswered link checks: %s", run_id, _first_line(exc))


def _print_site_end(task: Any, outcome: Any, done: int, total: int) -> None:
    """One line on stderr as each site task of a multi-process scan ends."""
    from rich.console import Console
    from rich.markup import escape

    for sid in task.subjects:
        st = outcome.site_stats.get(sid) or outcome.account_results.get(sid, {}).get("stats", {})
        why = outcome.subject_errors.get(sid)
        state = f"[red]failed: {escape(why)}[/]" if why else "[green]done[/]"
        Console(stderr=True).print(f"[{done}/{total}] {escape(sid)} {state}  pages {st.get('pages', 0)}  "
                                   f"links {st.get('links', 0)}  errors {st.get('errors', 0)}", highlight=False)


def _first_line(exc: BaseException) -> str:
    # SQLAlchemy appends the SQL and a help link; the driver's first line says what happened
    inner = getattr(exc, "orig", None) or exc
    return (str(inner).strip().splitlines() or [type(inner).__name__])[0]


def _database_gone(exc: SQLAlchemyError, url: str, run_id: int, doing: str, crawl_error: str | None) -> ScanFailedError:
    """One line for a database that failed or vanished after the crawl: the scan is failed."""
    from db.session import DatabaseGoneError, sqlite_path

    path = sqlite_path(url)
    if isinstance(exc, DatabaseGoneError) or (path is not None and not path.exists()):
        kept = f"the database file {path} is gone, and nothing of this run with it"
    else:
        kept = "what was committed before stays, and the run is marked incomplete when the next scan starts"
    return ScanFailedError(f"the database failed while {doing} run {run_id} ({_first_line(exc)}); {kept}"
                     + (f"; the crawl itself: {crawl_error}" if crawl_error else ""))


def run_outcome(problems: dict[str, list[str]], network_down: str | None) -> tuple[str, str | None, dict[str, str]]:
    """(run status, run error, crawler name -> its error) from each crawler's problems.

    Our own network down: the run fails and nobody gets a verdict. One crawler in trouble (the
    accounts' platform changed shape, a database error while writing posts): its subjects fail,
    the other crawler's are judged, and the run is `incomplete`. All in trouble: failed."""
    if network_down:
        return "failed", network_down, dict.fromkeys(problems, network_down)
    failed = {name: "; ".join(p) for name, p in problems.items() if p}
    error = "; ".join(failed.values()) or None
    if not failed:
        return "completed", None, {}
    return ("failed" if len(failed) == len(problems) else "incomplete"), error, failed


def _finish(engine: Any, run_id: int, status: str, error: str | None, site_stats: dict[str, dict[str, Any]],
            account_results: dict[str, dict[str, Any]], crawl_stats: dict[str, Any], *,
            sites_error: str | None = None, accounts_error: str | None = None,
            errors: dict[str, str] | None = None) -> None:
    """Record each site's and account's end with its own crawler's outcome (or its own task's
    error, `errors`), then the run's."""
    from db import runs

    with session_scope(engine) as session:
        _finish_subjects(session, run_id, site_stats, account_results, sites_error=sites_error,
                         accounts_error=accounts_error, errors=errors)
        runs.finish_run(session, run_id, status=status, error=error, stats=crawl_stats)


def _finish_subjects(session: Any, run_id: int, site_stats: dict[str, dict[str, Any]],
                     account_results: dict[str, dict[str, Any]], *, sites_error: str | None = None,
                     accounts_error: str | None = None, errors: dict[str, str] | None = None) -> None:
    """Record each site's and account's end with its own crawler's outcome (`errors`: a subject's
    own task's problem, when its crawl was one of several)."""
    from db import runs

    errors = errors or {}
    for sid, st in site_stats.items():
        site_error = sites_error or errors.get(sid)
        runs.finish_site_scan(session, run_id, sid, status="failed" if site_error else "completed",
                              error=site_error or st.get("home_error"), stats=st)
    for aid, res in account_results.items():
        # an account still `running` was cut off by the end of the crawl
        account_problem = accounts_error or errors.get(aid)
        ok = res["status"] != "running" and not account_problem
        account_status = res["status"] if ok else "failed"
        account_error = res["error"] or (None if account_status == "completed"
                                         else account_problem or "crawl ended early")
        runs.finish_site_scan(session, run_id, aid, status=account_status, error=account_error,
                              stats=res["stats"])
