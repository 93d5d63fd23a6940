"""Site tasks on Celery with Redis as broker: `govinspect worker` runs them, `govinspect scan
--distributed` (or GOVINSPECT_BROKER set) enqueues a run's site tasks and waits for them.

The task is scan.sitetask.run_site_task, the same code `scan --workers` runs locally. A worker
runs each task in a process of its own (prefork pool, one task per child: a Twisted reactor runs
once per process). Acknowledgement is late and a lost worker process rejects its task back to the
queue, so a worker killed mid-site gives its site to another one; a whole machine lost keeps its
tasks unacknowledged until Redis's visibility timeout gives them back, and `scan --resume RUN`
re-enqueues a run's unfinished sites at once. Sites write into the shared database (PostgreSQL)
themselves; the broker carries only task descriptions and outcomes.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict
from typing import Any

from scan.crawl import CrawlOutcome
from scan.pool import OnDone, failed_outcome, task_outcome
from scan.sitetask import SiteTask

log = logging.getLogger(__name__)

BROKER_ENV = "GOVINSPECT_BROKER"
QUEUE_ENV = "GOVINSPECT_QUEUE"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
DEFAULT_QUEUE = "govinspect"
TASK_NAME = "govinspect.site_task"

_app: Any = None


def broker_url() -> str:
    return os.environ.get(BROKER_ENV) or DEFAULT_BROKER


def queue_name() -> str:
    return os.environ.get(QUEUE_ENV) or DEFAULT_QUEUE


def app() -> Any:
    """The Celery application (built once per process, on first use: scans that do not
    distribute never import Celery)."""
    global _app
    if _app is None:
        from celery import Celery

        url = broker_url()
        celery = Celery("govinspect", broker=url, backend=url)
        celery.conf.update(
            task_serializer="json", result_serializer="json", accept_content=["json"],
            task_default_queue=queue_name(),
            # late ack: a site is acknowledged when its crawl is done, not when it is handed out,
            # and a worker process lost mid-site gives it back to the queue
            task_acks_late=True, task_reject_on_worker_lost=True,
            worker_prefetch_multiplier=1,  # a worker takes one site at a time per process
            worker_max_tasks_per_child=1,  # a fresh process (and reactor) per site task
            worker_hijack_root_logger=False,
            result_expires=7 * 24 * 3600,
            broker_connection_retry_on_startup=True,
        )
        celery.task(name=TASK_NAME, bind=False)(_site_task)
        _app = celery
    return _app


def _site_task(task: dict[str, Any]) -> dict[str, Any]:
    outcome = _run(SiteTask.from_json(task))
    # plain JSON: crawl stats may hold datetimes
    return json.loads(json.dumps(asdict(outcome), default=str))


def _run(task: SiteTask) -> CrawlOutcome:
    from scan.sitetask import run_site_task

    return run_site_task(task)


def run_worker(concurrency: int, *, loglevel: str = "INFO", hostname: str | None = None) -> None:
    """A Celery worker in the foreground: `concurrency` site crawls at once, each in its own process."""
    argv = ["worker", "--pool", "prefork", "--concurrency", str(concurrency), "--queues", queue_name(),
            "--loglevel", loglevel, "--without-gossip", "--without-mingle"]
    if hostname:
        argv += ["--hostname", hostname]
    from scan.pool import preload

    preload()  # the pool's processes fork from this one: each site task starts warm
    app().worker_main(argv)


def run_site_tasks(tasks: list[SiteTask], on_done: OnDone | None = None, *, poll_seconds: float = 0.5) -> CrawlOutcome:
    """Enqueue the tasks and wait for all of them; the merged outcome (as scan.pool's)."""
    celery = app()
    pending = {celery.send_task(TASK_NAME, args=[t.to_json()], queue=queue_name()).id: t for t in tasks}
    log.info("enqueued %d site tasks on %s (queue %s)", len(pending), _safe(broker_url()), queue_name())
    merged = CrawlOutcome()
    done = 0
    while pending:
        for task_id in list(pending):
            result = celery.AsyncResult(task_id)
            if not result.ready():
                continue
            task = pending.pop(task_id)
            if result.successful():
                outcome = task_outcome(task, _outcome(result.result))
            else:
                outcome = failed_outcome(task, f"site task failed on a worker: {result.result!r}"[:500])
            result.forget()
            merged.merge(outcome)
            done += 1
            if on_done is not None:
                on_done(task, outcome, done, len(tasks))
        if pending:
            time.sleep(poll_seconds)
    return merged


def _outcome(data: dict[str, Any]) -> CrawlOutcome:
    return CrawlOutcome(**{k: v for k, v in data.items() if k in CrawlOutcome.__dataclass_fields__})


def _safe(url: str) -> str:
    head, sep, tail = url.rpartition("@")
    return f"{url.split('://')[0]}://…@{tail}" if sep else url
