"""Run one scan: registry -> SiteSpider + AccountSpider -> database, then checks and scores.

A Twisted reactor runs once per process, so one process runs one scan; the CLI, the scheduler and
the tests call this (the latter two through a subprocess).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
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


def _home_timeout() -> float:
    from checks.config import load_indicators

    cfg = load_indicators().config_of("site_unreachable")
    return float(getattr(cfg, "timeout_s", 0.0) or 0.0)


def stale_limits(as_of: dt.date) -> tuple[dict[str, dt.date], dt.date]:
    """column_stale's cutoff per category for this as-of date and the latest plausible date, so the
    spider photographs the columns the check will call stale (from the object the check uses)."""
    from checks.config import load_indicators

    for loaded in load_indicators().checks:
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
) -> ScanResult:
    """Scan the registry's sites and new-media accounts (or only `site_ids`, which may name either)
    in one crawl, record the run, then run the checks and scores."""
    from db import runs
    from db.migrate import upgrade
    from spiders.account import AccountSpider
    from spiders.site import SiteSpider

    config_path = Path(config_path or DEFAULT_REGISTRY)
    registry = load_registry(config_path)
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
            run = runs.start_run(session, as_of=as_of, kind=kind, config_path=str(config_path),
                                 site_ids=sites + accounts, skip_busy=skip_busy)
            run_id = run.id
            skipped_busy = dict((run.stats or {}).get("skipped_busy", {}))
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

    settings = crawl_settings(registry, db_url=url, run_id=run_id, log_file=log_file, progress=progress,
                              site_ids=sites)
    settings.set("LOG_INSTALL_ROOT_HANDLER", not progress or bool(log_file))
    process = CrawlerProcess(settings)
    site_crawler = account_crawler = None
    if sites:
        site_crawler = process.create_crawler(SiteSpider)
        process.crawl(site_crawler, registry=registry, site_ids=sites, as_of=as_of,
                      scope="light" if kind in runs.LIGHT_KINDS else "full", stale_limits=stale_limits(as_of))
    if accounts:
        account_crawler = process.create_crawler(AccountSpider)
        process.crawl(account_crawler, registry=registry, account_ids=accounts, as_of=as_of)
    process.start()

    # each crawler's own trouble: one ending badly (an account platform's shape, a database error
    # while writing posts) must not throw away what the other one read
    problems: dict[str, list[str]] = {}
    crawler_stats: list[dict[str, Any]] = []
    crawl_stats: dict[str, Any] = {"requests": 0, "responses": 0, "items": 0, "finish_reasons": {}}
    for name, crawler in (("sites", site_crawler), ("accounts", account_crawler)):
        if crawler is None:
            continue
        stats = crawler.stats.get_stats() if crawler.stats else {}
        crawler_stats.append(stats)
        reason = stats.get("finish_reason", "")
        crawl_stats["finish_reasons"][name] = reason
        crawl_stats["requests"] += stats.get("downloader/request_count", 0)
        crawl_stats["responses"] += stats.get("downloader/response_count", 0)
        crawl_stats["items"] += stats.get("govinspect/items", stats.get("item_scraped_count", 0))
        for key, value in stats.items():  # browser use: pages, launches (ours and scrapy-playwright's)
            if key.startswith("govinspect/render/") or key == "playwright/browser_count":
                stat = key.removeprefix("govinspect/render/").replace("playwright/", "playwright_")
                crawl_stats.setdefault("render", {})[stat] = value
        mine = problems.setdefault(name, [])
        if reason != "finished":
            mine.append(f"{name} crawl ended: {reason or 'unknown reason'}")
        if stats.get("govinspect/db/error"):
            # the pipeline could not write: what the crawl saw is not all in the database
            mine.append(f"database error while writing the {name}: {stats['govinspect/db/error']}")

    site_spider: Any = site_crawler.spider if site_crawler else None
    account_spider: Any = account_crawler.spider if account_crawler else None
    site_stats = {sid: st.stats() | {"home_ok": st.home_ok, "home_error": st.home_error}
                  for sid, st in (site_spider.states.items() if site_spider else [])}
    account_results = account_spider.account_results() if account_spider else {}
    from scan.netcheck import network_down_reason

    # our own network failing is not the sites failing: such a scan gives no verdict at all
    down = network_down_reason(crawler_stats, site_stats, accounts_answered=any(
        res["status"] == "completed" for res in account_results.values()))
    status, error, failed = run_outcome(problems, down)
    try:
        _finish(engine, run_id, status, error, site_stats, account_results, crawl_stats,
                sites_error=failed.get("sites"), accounts_error=failed.get("accounts"))
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
            sites_error: str | None = None, accounts_error: str | None = None) -> None:
    """Record each site's and account's end with its own crawler's outcome, then the run's."""
    from db import runs

    with session_scope(engine) as session:
        for sid, st in site_stats.items():
            runs.finish_site_scan(session, run_id, sid, status="failed" if sites_error else "completed",
                                  error=sites_error or st.get("home_error"), stats=st)
        for aid, res in account_results.items():
            # an account still `running` was cut off by the end of the crawl
            ok = res["status"] != "running" and not accounts_error
            account_status = res["status"] if ok else "failed"
            account_error = res["error"] or (None if account_status == "completed"
                                             else accounts_error or "crawl ended early")
            runs.finish_site_scan(session, run_id, aid, status=account_status, error=account_error,
                                  stats=res["stats"])
        runs.finish_run(session, run_id, status=status, error=error, stats=crawl_stats)
