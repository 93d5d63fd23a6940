"""One Scrapy crawl of some sites and accounts in this process, and what came out of it.

The same code crawls a whole scan in one process (scan.runner) and one site task of a scan shared
by several processes (scan.sitetask). A Twisted reactor runs once per process: call this once.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from core.registry import Registry
from crawler.frontier import frontier_dir

# the crawl stats the run-level decisions read (scan.netcheck: canaries) and report
_KEPT_STAT_PREFIXES = ("govinspect/", "playwright/", "finish_reason", "downloader/request_count",
                       "downloader/response_count", "item_scraped_count", "scheduler/enqueued/")


@dataclass
class CrawlOutcome:
    """Plain data (it crosses process boundaries): per site its stats, per account its result,
    each crawler's stats, each crawler's problems ("sites"/"accounts" -> reasons) and the totals."""

    site_stats: dict[str, dict[str, Any]] = field(default_factory=dict)
    account_results: dict[str, dict[str, Any]] = field(default_factory=dict)
    crawler_stats: list[dict[str, Any]] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)
    crawl_stats: dict[str, Any] = field(default_factory=lambda: {"requests": 0, "responses": 0, "items": 0,
                                                                 "finish_reasons": {}})
    # subject id -> the problem of its own site task (a crawl shared by several processes)
    subject_errors: dict[str, str] = field(default_factory=dict)

    def merge(self, other: CrawlOutcome) -> None:
        """Add another crawl of the same run (another site task) to this one."""
        self.site_stats.update(other.site_stats)
        self.subject_errors.update(other.subject_errors)
        self.account_results.update(other.account_results)
        self.crawler_stats.extend(other.crawler_stats)
        for name, reasons in other.problems.items():
            self.problems.setdefault(name, []).extend(r for r in reasons if r not in self.problems.get(name, []))
        for key in ("requests", "responses", "items"):
            self.crawl_stats[key] += other.crawl_stats.get(key, 0)
        for name, reason in other.crawl_stats.get("finish_reasons", {}).items():
            mine = self.crawl_stats["finish_reasons"]
            # one task not finishing is what the run reports
            mine[name] = reason if mine.get(name, "finished") == "finished" else mine[name]
        for stat, value in other.crawl_stats.get("render", {}).items():
            render = self.crawl_stats.setdefault("render", {})
            render[stat] = render.get(stat, 0) + value if isinstance(value, int | float) else value
        for where, count in other.crawl_stats.get("frontier", {}).items():
            frontier = self.crawl_stats.setdefault("frontier", {})
            frontier[where] = frontier.get(where, 0) + count


def crawl(registry: Registry, settings: Settings, *, sites: list[str], accounts: list[str], as_of: dt.date,
          kind: str, stale_limits: Any = None, site_args: dict[str, Any] | None = None) -> CrawlOutcome:
    """Run the site and account spiders side by side until both end (`site_args`: more arguments
    of the site spider)."""
    from db.runs import LIGHT_KINDS
    from spiders.account import AccountSpider
    from spiders.site import SiteSpider

    process = CrawlerProcess(settings)
    # Scrapy logs every response and request at DEBUG: below the log level those records are not
    # even built (the handler's level alone would build each, then drop it)
    logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL") or "INFO")
    site_crawler = account_crawler = None
    with frontier_dir() as jobdir:
        if sites:
            site_crawler = process.create_crawler(SiteSpider)
            # the sites' pending requests wait on disk (crawler.frontier); the accounts' few stay in memory
            site_crawler.settings.set("JOBDIR", jobdir, priority="cmdline")
            process.crawl(site_crawler, registry=registry, site_ids=sites, as_of=as_of,
                          scope="light" if kind in LIGHT_KINDS else "full", stale_limits=stale_limits,
                          **(site_args or {}))
        if accounts:
            account_crawler = process.create_crawler(AccountSpider)
            process.crawl(account_crawler, registry=registry, account_ids=accounts, as_of=as_of)
        process.start()

    # each crawler's own trouble: one ending badly (an account platform's shape, a database error
    # while writing posts) must not throw away what the other one read
    out = CrawlOutcome()
    crawl_stats = out.crawl_stats
    for name, crawler in (("sites", site_crawler), ("accounts", account_crawler)):
        if crawler is None:
            continue
        stats = {k: v for k, v in (crawler.stats.get_stats() if crawler.stats else {}).items()
                 if k.startswith(_KEPT_STAT_PREFIXES)}
        out.crawler_stats.append(stats)
        reason = stats.get("finish_reason", "")
        crawl_stats["finish_reasons"][name] = reason
        crawl_stats["requests"] += stats.get("downloader/request_count", 0)
        crawl_stats["responses"] += stats.get("downloader/response_count", 0)
        crawl_stats["items"] += stats.get("govinspect/items", stats.get("item_scraped_count", 0))
        for key, value in stats.items():  # browser use: pages, launches (ours and scrapy-playwright's)
            if key.startswith("govinspect/render/") or key == "playwright/browser_count":
                stat = key.removeprefix("govinspect/render/").replace("playwright/", "playwright_")
                crawl_stats.setdefault("render", {})[stat] = value
        if name == "sites":  # where the sites' pending requests waited: disk, or memory if not serialisable
            crawl_stats["frontier"] = {where: stats.get(f"scheduler/enqueued/{where}", 0) for where in ("disk", "memory")}
        mine = out.problems.setdefault(name, [])
        if reason != "finished":
            mine.append(f"{name} crawl ended: {reason or 'unknown reason'}")
        if stats.get("govinspect/db/error"):
            # the pipeline could not write: what the crawl saw is not all in the database
            mine.append(f"database error while writing the {name}: {stats['govinspect/db/error']}")

    site_spider: Any = site_crawler.spider if site_crawler else None
    account_spider: Any = account_crawler.spider if account_crawler else None
    out.site_stats = {sid: st.stats() | {"home_ok": st.home_ok, "home_error": st.home_error}
                      for sid, st in (site_spider.states.items() if site_spider else [])}
    out.account_results = account_spider.account_results() if account_spider else {}
    return out
