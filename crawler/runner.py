"""Run one scan: registry -> SiteSpider -> database, then checks and scores.

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

from crawler.config import DEFAULT_REGISTRY, Registry, load_registry
from db.session import make_engine, resolve_url, session_scope

log = logging.getLogger(__name__)


class ScanError(Exception):
    """The scan as a whole could not run or did not complete; str() says why in one line."""


@dataclass
class ScanResult:
    run_id: int
    status: str
    site_stats: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: str | None = None
    check_summary: dict[str, Any] | None = None


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
    s.set("RETRY_TIMES", crawl.retry_times)
    s.set("DOWNLOAD_MAXSIZE", crawl.max_page_bytes)
    s.set("GOVINSPECT_MAX_RETRY_AFTER", crawl.max_retry_after)
    s.set("GOVINSPECT_ONLY_NETWORKS", list(crawl.only_networks))
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
) -> ScanResult:
    from db import runs
    from db.migrate import upgrade
    from spiders.site import SiteSpider

    config_path = Path(config_path or DEFAULT_REGISTRY)
    registry = load_registry(config_path)
    known = {s.id for _, s in registry.sites()}
    site_ids = list(site_ids or [])
    unknown = [s for s in site_ids if s not in known]
    if unknown:
        raise ScanError(f"unknown site id(s) {', '.join(unknown)} in {config_path}")
    selected = site_ids or sorted(known)
    as_of = as_of or dt.date.today()
    url = resolve_url(db_url)
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        runs.reap_stale_runs(session)
        runs.sync_registry(session, registry)
    with session_scope(engine) as session:
        run = runs.start_run(session, as_of=as_of, kind=kind, config_path=str(config_path), site_ids=selected)
        run_id = run.id

    settings = crawl_settings(registry, db_url=url, run_id=run_id, log_file=log_file, progress=progress,
                              site_ids=selected)
    process = CrawlerProcess(settings, install_root_handler=not progress or bool(log_file))
    crawler = process.create_crawler(SiteSpider)
    process.crawl(crawler, registry=registry, site_ids=selected, as_of=as_of)
    process.start()

    spider: SiteSpider | None = crawler.spider  # type: ignore[assignment]
    stats = crawler.stats.get_stats() if crawler.stats else {}
    reason = stats.get("finish_reason", "")
    site_stats = {sid: st.stats() | {"home_ok": st.home_ok, "home_error": st.home_error}
                  for sid, st in (spider.states.items() if spider else [])}
    status = "completed" if reason == "finished" else "failed"
    error = None if status == "completed" else f"crawl ended: {reason or 'unknown reason'}"
    with session_scope(engine) as session:
        for sid, st in site_stats.items():
            runs.finish_site_scan(session, run_id, sid, status="completed" if status == "completed" else "failed",
                                  error=st.get("home_error"), stats=st)
        runs.finish_run(session, run_id, status=status, error=error,
                        stats={"finish_reason": reason, "requests": stats.get("downloader/request_count", 0),
                               "responses": stats.get("downloader/response_count", 0),
                               "items": stats.get("item_scraped_count", 0)})
    result = ScanResult(run_id=run_id, status=status, site_stats=site_stats, error=error)
    if run_checks and status == "completed":
        from checks.engine import check_and_score

        with session_scope(engine) as session:
            result.check_summary = check_and_score(session, run_id, registry)
    engine.dispose()
    return result
