"""Run site tasks in local processes, `workers` at a time: `govinspect scan --workers N`.

Each task runs in a process of its own, forked from this one (a Twisted reactor runs once per
process; forking after the imports costs milliseconds, not the second a fresh interpreter takes).
The tasks write into the run's database themselves (SQLite in WAL mode takes one writer at a
time and readers beside it); what comes back through the pipe is their outcome. A task whose
process dies without answering (killed, out of memory) fails its sites; the others go on.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import traceback
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from typing import Any

from scan.crawl import CrawlOutcome
from scan.sitetask import SiteTask, run_site_task

log = logging.getLogger(__name__)

# on_done(task, its outcome, tasks done, tasks in all)
OnDone = Callable[[SiteTask, CrawlOutcome, int, int], None]


def _child(task: SiteTask, conn: Connection) -> None:
    try:
        outcome = run_site_task(task)
        conn.send(("ok", outcome))
    except BaseException as exc:  # the parent must hear why, whatever it was
        log.error("site task %s failed: %s", ",".join(task.subjects), exc, exc_info=exc)
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:500], traceback.format_exc()[-2000:]))
    finally:
        conn.close()


def failed_outcome(task: SiteTask, why: str) -> CrawlOutcome:
    """What a task that gave no outcome stands for: each of its subjects failed with `why`."""
    out = CrawlOutcome()
    out.subject_errors = dict.fromkeys(task.subjects, why)
    return out


def task_outcome(task: SiteTask, outcome: CrawlOutcome) -> CrawlOutcome:
    """A finished task's outcome with its crawler problems made its own subjects' errors (one
    task's trouble is not the whole run's)."""
    for name, reasons in outcome.problems.items():
        if reasons:
            subjects = task.account_ids if name == "accounts" else task.site_ids
            outcome.subject_errors.update(dict.fromkeys(subjects, "; ".join(reasons)))
    outcome.problems = {}
    return outcome


# what every site task imports: loaded once before the forks, not once per task (seconds each);
# not Playwright, which only a task that renders a page loads (crawler.render)
PRELOAD = ("scrapy.crawler", "scrapy.core.downloader.handlers.http11", "spiders.site", "spiders.account",
           "pipelines.database", "crawler.downloader", "crawler.render", "crawler.safety", "crawler.tls",
           "crawler.middlewares.target_policy", "crawler.middlewares.retry_after", "crawler.middlewares.charset",
           "crawler.middlewares.batch_items", "crawler.extensions.canary", "checks.config")


def preload(config_path: str | None = None) -> None:
    """Import what site tasks use and parse what they read, so that forked task processes start
    warm: the modules above, every class the crawl's settings name (Scrapy's middlewares,
    extensions, handlers), the indicators and, given its path, the registry. Importing never
    installs a Twisted reactor (each task process installs its own)."""
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError as exc:  # an optional part missing shows up in the task, not here
            log.debug("preload %s: %s", name, exc)
    from core.registry import Registry
    from scan.runner import crawl_settings, indicators, registry_of

    try:
        indicators()
        # a Celery worker learns the registry's path from its first task: the classes a crawl
        # names are the same for any registry
        registry = registry_of(config_path) if config_path else Registry(units=[])
        _import_named(crawl_settings(registry, db_url="sqlite://", run_id=0, log_file=None, progress=False,
                                     site_ids=[]))
    except Exception as exc:  # a task meeting the same trouble reports it where it belongs
        log.debug("preload of the crawl's configuration: %s", exc)


# components a crawl builds from these settings (Scrapy's defaults merged with ours), the enabled ones
_COMPONENT_LISTS = ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS", "ITEM_PIPELINES")
# class settings of parts a crawl does not run: the browser's (loaded by the task that renders a
# page, if any), feed exports, the HTTP cache, spider contracts
_NOT_RUN = ("PLAYWRIGHT_", "FEED_", "HTTPCACHE_", "SPIDER_CONTRACTS")


def _import_named(settings: Any) -> None:
    """Import the classes a crawl under these settings builds (enabled middlewares, extensions and
    pipelines, the HTTP handlers, class settings): otherwise each task process imports them again,
    about a second in all. Disabled components are left out: Scrapy's remote control alone would
    bring aiohttp (10 MB) into every task process."""
    from scrapy.utils.conf import build_component_list
    from scrapy.utils.misc import load_object

    paths: set[str] = set()
    for name in _COMPONENT_LISTS:
        paths.update(p for p in build_component_list(settings.getwithbase(name)) if isinstance(p, str))
    handlers = settings.getwithbase("DOWNLOAD_HANDLERS")
    paths.update(handlers[scheme] for scheme in ("http", "https") if isinstance(handlers.get(scheme), str))
    for name, value in settings.items():
        if isinstance(value, str) and not name.startswith(_NOT_RUN):
            paths.add(value)
    for path in sorted(paths):
        # installing a reactor is each task's own business
        if "." not in path or " " in path or "/" in path or path.startswith("twisted.internet.reactor"):
            continue
        try:
            load_object(path)
        except Exception:  # a setting that is not a path at all
            continue


def run_site_tasks(tasks: list[SiteTask], workers: int, on_done: OnDone | None = None) -> CrawlOutcome:
    """Run every task, `workers` processes at a time, in the order given; the merged outcome of
    all of them."""
    preload(tasks[0].config_path if tasks else None)
    ctx = multiprocessing.get_context("fork")
    pending = deque(tasks)
    running: dict[Any, tuple[Any, Connection, SiteTask]] = {}
    merged = CrawlOutcome()
    done = 0
    while pending or running:
        while pending and len(running) < max(1, workers):
            task = pending.popleft()
            parent_end, child_end = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(task, child_end), name=f"govinspect-site-{task.subjects[0]}",
                               daemon=False)
            proc.start()
            child_end.close()
            running[parent_end] = (proc, parent_end, task)
        # a result can be larger than the pipe's buffer: read it before waiting for the exit
        for ready in wait(list(running)):
            proc, conn, task = running.pop(ready)  # type: ignore[index]
            try:
                message = conn.recv()
            except EOFError:
                message = None
            conn.close()
            proc.join()
            if message is None:
                outcome = failed_outcome(task, f"its worker process ended without a result (exit code {proc.exitcode})")
            elif message[0] == "ok":
                outcome = task_outcome(task, message[1])
            else:
                outcome = failed_outcome(task, message[1])
            merged.merge(outcome)
            done += 1
            if on_done is not None:
                on_done(task, outcome, done, len(tasks))
    _all_failed_is_the_runs_problem(merged, tasks)
    return merged


def _all_failed_is_the_runs_problem(merged: CrawlOutcome, tasks: list[SiteTask]) -> None:
    """Every site (or account) task failed: that crawler's problem, as in a one-process scan."""
    for name, attr in (("sites", "site_ids"), ("accounts", "account_ids")):
        subjects = [s for t in tasks for s in getattr(t, attr)]
        if subjects and all(s in merged.subject_errors for s in subjects):
            merged.problems[name] = sorted({merged.subject_errors[s] for s in subjects})


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
